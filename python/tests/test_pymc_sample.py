"""``exmc.sample`` on PyMC models: posteriors against posteriordb's
references, and the DataTree against ``pm.sample``'s."""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt
import pytest

import exmc
import test_pymc_zoo as zoo

SEED = 20261121

# The options a PyMC user would reach for, as the Go posteriordb tests use
# them: smaller steps for the half-Cauchy tail of eight schools, a dense
# mass matrix for the collinear regressions.
PDB_OPTIONS = {
    "eight_schools-eight_schools_noncentered": {"target_accept": 0.9},
    "earnings-logearn_interaction": {"init": "jitter+adapt_full"},
    "kilpisjarvi_mod-kilpisjarvi": {"nuts_sampler_kwargs": {"dense_mass": True}},
}


def stan_draws(posterior, name: str) -> dict[str, np.ndarray]:
    """Each element's (chain, draw) array under its Stan name ("beta[1]")."""
    arr = posterior[name].values
    if arr.ndim == 2:
        return {name: arr}
    shape = arr.shape[2:]
    flat = arr.reshape(arr.shape[0], arr.shape[1], -1)
    out = {}
    for k in range(flat.shape[2]):
        idx = np.unravel_index(k, shape)
        out[f"{name}[{','.join(str(i + 1) for i in idx)}]"] = flat[:, :, k]
    return out


def check_reference(idata, posterior: str) -> None:
    """Means and standard deviations against posteriordb's, within four
    Monte Carlo standard errors (ArviZ's, from these chains) or 0.1 of the
    reference sd, whichever is wider: a correct sampler strays past four
    standard errors about once in 16,000 checks, and 0.1 sd covers the
    reference's own error and draws that are nearly independent. The
    effective sample size must reach 400, so that a bad run cannot pass on
    wide error bars."""
    import arviz as az

    ref = zoo.pdb_reference(posterior)
    draws = {}
    for name in idata.posterior.data_vars:
        draws.update(stan_draws(idata.posterior, name))
    assert int(idata.sample_stats["diverging"].sum()) == 0
    for name, (mean, sd) in ref.items():
        x = draws[name]
        ess = az.ess(x, method="bulk")
        assert ess >= 400, f"{name}: bulk ESS {ess:.0f}"
        z = abs(x.mean() - mean) / max(0.1 * sd, 4 * az.mcse(x, method="mean"))
        assert z < 1, f"{name}: mean {x.mean():.4g}, reference {mean:.4g} (sd {sd:.4g})"
        s = x.std(ddof=1)
        z = abs(s - sd) / max(0.1 * sd, 4 * az.mcse(x, method="sd"))
        assert z < 1, f"{name}: sd {s:.4g}, reference {sd:.4g}"


@pytest.mark.parametrize("posterior", sorted(zoo.POSTERIORDB))
def test_posteriordb(posterior):
    m = zoo.POSTERIORDB[posterior]()
    idata = exmc.sample(m, draws=1000, tune=1000, chains=4, random_seed=SEED, progressbar=False,
                        **PDB_OPTIONS.get(posterior, {}))
    assert idata.posterior.attrs["exmc_backend"] == "native"
    assert idata.posterior.sizes["chain"] == 4 and idata.posterior.sizes["draw"] == 1000
    check_reference(idata, posterior)


@pytest.fixture(scope="module")
def side_by_side():
    """One small pm.sample run and the matching exmc.sample run, for two
    models with pm.Data, coords, dims and deterministics."""
    out = {}
    for name in ("eight_schools", "radon"):
        m = getattr(zoo, name)()
        ref = pm.sample(model=m, draws=20, tune=20, chains=1, cores=1, random_seed=1, progressbar=False,
                        nuts_sampler="pymc", compute_convergence_checks=False)
        pm.compute_log_likelihood(ref, model=m, progressbar=False)
        got = exmc.sample(m, draws=20, tune=20, chains=1, random_seed=1, progressbar=False,
                          idata_kwargs={"log_likelihood": True})
        out[name] = (m, ref, got)
    return out


@pytest.mark.parametrize("name", ["eight_schools", "radon"])
def test_same_datatree_as_pm_sample(name, side_by_side):
    _, ref, got = side_by_side[name]
    for group in ("posterior", "sample_stats", "observed_data", "constant_data", "log_likelihood"):
        assert group in got.children, group
    for group in ("posterior", "observed_data", "constant_data", "log_likelihood"):
        r, g = ref[group].to_dataset(), got[group].to_dataset()
        assert sorted(g.data_vars) == sorted(r.data_vars), group
        for v in r.data_vars:
            assert g[v].dims == r[v].dims, (group, v)
            assert g[v].shape == r[v].shape, (group, v)
        assert sorted(g.coords) == sorted(r.coords), group
        for c in r.coords:
            np.testing.assert_array_equal(g[c].values, r[c].values)
    for group in ("observed_data", "constant_data"):
        for v in ref[group].data_vars:
            np.testing.assert_array_equal(got[group][v].values, ref[group][v].values)
    # every statistic exmc reports has the name PyMC gives it
    for stat in got.sample_stats.data_vars:
        assert stat in ref.sample_stats.data_vars or stat in ("lp", "energy_error", "step_size_nom"), stat


def test_translated_deterministic_values(side_by_side):
    m, _, got = side_by_side["radon"]
    post = got.posterior
    county = m["county_idx"].get_value()
    floor = m["floor"].get_value()
    want = post["a"].values[..., county] + post["b"].values[..., county] * floor
    np.testing.assert_allclose(post["mean"].values, want, rtol=1e-12)


def test_parameterisation_is_reported():
    m = zoo.eight_schools()
    idata = exmc.sample(m, draws=50, tune=50, chains=2, random_seed=3, progressbar=False)
    assert idata.posterior.attrs["noncentered"] == "theta"
    assert idata.posterior.attrs["kept_centered"] == ""
    assert idata.attrs["exmc_backend"] == "native"
    idata = exmc.sample(m, draws=50, tune=50, chains=2, random_seed=3, progressbar=False, noncentered=False)
    assert idata.posterior.attrs["noncentered"] == ""


def test_informed_groups_stay_centred():
    # three groups, ten observations each with noise 0.1 around means 4
    # apart: the data, not the prior, fix each group, so the model as
    # written is kept unless the rewrite is asked for
    rng = np.random.default_rng(7)
    g = np.repeat(np.arange(3), 10)
    y = np.array([-4.0, 0.0, 4.0])[g] + 0.1 * rng.standard_normal(30)
    with pm.Model() as m:
        mu = pm.Normal("mu", 0, 10)
        tau = pm.HalfNormal("tau", 5)
        theta = pm.Normal("theta", mu, tau, shape=3)
        s = pm.Exponential("s", 1)
        pm.Normal("y", theta[g], s, observed=y)
    kw = dict(draws=20, tune=20, chains=1, random_seed=1, progressbar=False)
    kept = exmc.sample(m, **kw)
    assert kept.posterior.attrs["noncentered"] == ""
    assert kept.posterior.attrs["kept_centered"] == "theta"
    forced = exmc.sample(m, noncentered=True, **kw)
    assert forced.posterior.attrs["noncentered"] == "theta"
    assert forced.posterior.attrs["kept_centered"] == ""
    with pytest.raises(ValueError, match="noncentered must be None or a bool"):
        exmc.sample(m, noncentered="auto", **kw)


def test_seeds_reproduce():
    m = zoo.simple()
    a = exmc.sample(m, draws=30, tune=30, chains=2, random_seed=5, progressbar=False)
    b = exmc.sample(m, draws=30, tune=30, chains=2, random_seed=5, progressbar=False)
    np.testing.assert_array_equal(a.posterior["mu"].values, b.posterior["mu"].values)
    c = exmc.sample(m, draws=30, tune=30, chains=2, random_seed=[5, 6], progressbar=False)
    d = exmc.sample(m, draws=30, tune=30, chains=2, random_seed=np.random.default_rng(5), progressbar=False)
    assert c.posterior["mu"].shape == d.posterior["mu"].shape == (2, 30)


def test_var_names_and_warmup():
    m = zoo.eight_schools()
    idata = exmc.sample(m, draws=20, tune=20, chains=2, random_seed=1, progressbar=False,
                        var_names=["mu", "theta"], discard_tuned_samples=False)
    assert list(idata.posterior.data_vars) == ["mu", "theta"]
    assert "warmup_posterior" in idata.children
    assert idata.warmup_posterior.sizes["draw"] == 20
    with pytest.raises(ValueError, match="nope"):
        exmc.sample(m, draws=5, tune=5, chains=1, var_names=["nope"], progressbar=False)


def test_initvals_set_the_starting_point():
    from exmc.pymc._compiled import compile_native
    from exmc.pymc._sample import _initial_points

    m = zoo.eight_schools()
    compiled, tr, _ = compile_native(m, noncentered=False)
    points = _initial_points(m, compiled, tr, 3, 7, "adapt_diag", {"tau": 2.0, "mu": -1.0})
    blocks = {p["name"]: p for p in compiled.info["params"]}
    tau = blocks["tau"]
    np.testing.assert_allclose(points[:, tau["offset"]], np.log(2.0))
    np.testing.assert_allclose(points[:, blocks["mu"]["offset"]], -1.0)
    # PyMC's jitter moves the start by at most 1 in unconstrained space
    jittered = _initial_points(m, compiled, tr, 3, 7, "jitter+adapt_diag", {"mu": -1.0})
    assert np.all(np.abs(jittered[:, blocks["mu"]["offset"]] + 1.0) <= 1.0)
    assert len({tuple(p) for p in jittered}) == 3
    # a sample with initvals runs, and a non-centred candidate keeps its form
    idata = exmc.sample(m, draws=20, tune=20, chains=2, random_seed=2, progressbar=False,
                        initvals={"theta": np.zeros(8), "tau": 1.0})
    assert idata.posterior.attrs["noncentered"] == ""
    with pytest.raises(ValueError, match="initvals"):
        exmc.sample(m, draws=5, tune=5, chains=2, initvals={"y": 1.0}, progressbar=False)


def test_pymc_spellings_of_options():
    m = zoo.simple()
    idata = exmc.sample(m, draws=20, tune=20, chains=1, random_seed=1, progressbar=False,
                        nuts={"target_accept": 0.95}, init="adapt_diag", idata_kwargs={"log_likelihood": True})
    assert "log_likelihood" in idata.children
    with pytest.raises(TypeError, match="step_size_adapt"):
        exmc.sample(m, draws=5, tune=5, chains=1, nuts_sampler_kwargs={"step_size_adapt": 1}, progressbar=False)
    with pytest.raises(TypeError, match="bogus"):
        exmc.sample(m, draws=5, tune=5, chains=1, idata_kwargs={"bogus": 1}, progressbar=False)
    with pytest.raises(ValueError, match="init"):
        exmc.sample(m, draws=5, tune=5, chains=1, init="advi", progressbar=False)


def test_model_from_the_with_block():
    with zoo.simple():
        idata = exmc.sample(draws=10, tune=10, chains=1, random_seed=1, progressbar=False)
    assert set(idata.posterior.data_vars) == {"mu", "sigma"}


def test_untranslatable_deterministic_computed_by_pymc():
    with pm.Model() as m:
        x = pm.Normal("x", 0, 1, shape=3)
        pm.Deterministic("x_sorted", pt.sort(x))
        pm.Normal("y", x, 1, observed=[0.5, -0.2, 1.0])
    idata = exmc.sample(m, draws=30, tune=30, chains=2, random_seed=1, progressbar=False)
    np.testing.assert_allclose(idata.posterior["x_sorted"].values, np.sort(idata.posterior["x"].values, axis=-1))
    assert list(idata.posterior.data_vars) == ["x", "x_sorted"]


def test_unsupported_model_offers_the_fallback():
    with pm.Model() as m:
        x = pm.Normal("x", 0, 1, shape=4)
        pm.Normal("y", pt.sort(x), 1, observed=np.arange(4.0))
    with pytest.raises(exmc.UnsupportedModelError, match=r"(?s)'y'.*SortOp.*backend='pymc'"):
        exmc.sample(m, draws=5, tune=5, chains=1, progressbar=False)
    with pytest.warns(RuntimeWarning, match="backend='pymc'"):
        idata = exmc.sample(m, draws=50, tune=50, chains=2, random_seed=1, progressbar=False, backend="auto")
    assert idata.posterior.attrs["exmc_backend"] == "pymc"
    assert idata.posterior["x"].shape == (2, 50, 4)


def test_adaptation_options_reach_the_sampler():
    m = zoo.eight_schools()
    kw = dict(draws=30, tune=60, chains=1, random_seed=2, progressbar=False)
    online = exmc.sample(m, **kw).posterior["mu"].values
    windowed = exmc.sample(m, schedule="windowed", **kw).posterior["mu"].values
    assert not np.array_equal(online, windowed)
    with pytest.raises(ValueError, match="schedule must be one of 'online', 'windowed'"):
        exmc.sample(m, schedule="stan", **kw)
    stan_turns = exmc.sample(m, criterion="momentum_sum", **kw).posterior["mu"].values
    assert not np.array_equal(online, stan_turns)
