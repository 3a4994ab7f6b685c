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
    """Pooled draws of each element under its Stan name ("beta[1]")."""
    arr = posterior[name].values
    flat = arr.reshape(arr.shape[0] * arr.shape[1], -1)
    if arr.ndim == 2:
        return {name: flat[:, 0]}
    shape = arr.shape[2:]
    out = {}
    for k in range(flat.shape[1]):
        idx = np.unravel_index(k, shape)
        out[f"{name}[{','.join(str(i + 1) for i in idx)}]"] = flat[:, k]
    return out


def check_reference(idata, posterior: str) -> None:
    ref = zoo.pdb_reference(posterior)
    draws = {}
    for name in idata.posterior.data_vars:
        draws.update(stan_draws(idata.posterior, name))
    assert int(idata.sample_stats["diverging"].sum()) == 0
    for name, (mean, sd) in ref.items():
        x = draws[name]
        z = abs(x.mean() - mean) / sd
        assert z < 0.1, f"{name}: mean {x.mean():.4g}, reference {mean:.4g} ({z:.3f} sd away)"
        r = x.std(ddof=1) / sd
        assert abs(r - 1) < 0.1, f"{name}: sd {x.std(ddof=1):.4g}, reference {sd:.4g} (ratio {r:.3f})"


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
    assert exmc.sample(m, **kw).posterior.attrs["noncentered"] == ""
    assert exmc.sample(m, noncentered=True, **kw).posterior.attrs["noncentered"] == "theta"
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
