"""exmc.sample on the Go core: the DataTree it returns, seeds, errors,
Ctrl-C, and a posterior checked against posteriordb."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

import exmc

ROOT = Path(__file__).resolve().parents[2]
SCHOOLS = ["A", "B", "C", "D", "E", "F", "G", "H"]
Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])


def eight_schools():
    with exmc.Model(coords={"school": SCHOOLS}) as m:
        mu = exmc.Normal("mu", mu=0, sigma=5)
        tau = exmc.HalfCauchy("tau", beta=5)
        theta = exmc.Normal("theta", mu=mu, sigma=tau, dims="school")
        exmc.Deterministic("theta_mean", exmc.math.mean(theta))
        exmc.Normal("y", mu=theta, sigma=exmc.Data("sigma", SIGMA, dims="school"), observed=Y, dims="school")
    return m


@pytest.fixture(scope="module")
def idata():
    return exmc.sample(eight_schools(), draws=300, tune=300, chains=2, random_seed=3,
                       log_likelihood=True, save_warmup=True, progressbar=False)


def test_groups_names_dims_coords(idata):
    for group in ("posterior", "sample_stats", "observed_data", "constant_data", "log_likelihood",
                  "warmup_posterior", "warmup_sample_stats"):
        assert group in idata.children, group
    post = idata["posterior"]
    assert set(post.data_vars) == {"mu", "tau", "theta", "theta_mean"}
    assert post["theta"].dims == ("chain", "draw", "school")
    assert list(post["theta"].coords["school"].values) == SCHOOLS
    assert post["mu"].shape == (2, 300)
    stats = idata["sample_stats"]
    for name in ("lp", "acceptance_rate", "step_size", "step_size_nom", "tree_depth", "n_steps", "diverging",
                 "energy", "energy_error", "max_energy_error", "reached_max_treedepth"):
        assert name in stats.data_vars, name
    assert stats["diverging"].dtype == bool
    np.testing.assert_array_equal(idata["observed_data"]["y"].values, Y)
    np.testing.assert_array_equal(idata["constant_data"]["sigma"].values, SIGMA)
    assert idata["log_likelihood"]["y"].dims == ("chain", "draw", "school")
    assert idata["warmup_posterior"]["mu"].shape == (2, 300)
    # a deterministic is computed from the same draw as its inputs
    np.testing.assert_allclose(post["theta_mean"].values, post["theta"].values.mean(axis=-1), rtol=1e-12)


def _bases(a):
    while a is not None:
        yield a
        a = getattr(a, "base", None)


def test_posterior_is_a_read_only_view_of_arrow_memory(idata):
    import pyarrow as pa

    for name in ("mu", "theta"):
        values = idata["posterior"][name].values
        assert not values.flags.writeable
        assert not values.flags.owndata
        # the memory belongs to an Arrow buffer that came out of the Go core
        owners = [b for b in _bases(values) if type(b).__module__.startswith("pyarrow")]
        assert owners or any(isinstance(b, pa.Buffer) for b in _bases(values)), list(map(type, _bases(values)))


def test_loo_and_summary(idata):
    import arviz as az

    loo = az.loo(idata)
    assert np.isfinite(loo.elpd)
    summary = az.summary(idata, var_names=["mu", "tau"])
    assert list(summary.index) == ["mu", "tau"]
    assert np.isfinite(az.rhat(idata)["mu"].values)
    assert az.ess(idata)["tau"].values > 10


def test_seeds_and_cores_give_identical_draws():
    m = eight_schools()
    a = exmc.sample(m, draws=100, tune=100, chains=3, cores=1, random_seed=11, progressbar=False)
    b = exmc.sample(m, draws=100, tune=100, chains=3, cores=3, random_seed=11, progressbar=False)
    c = exmc.sample(m, draws=100, tune=100, chains=3, random_seed=12, progressbar=False)
    np.testing.assert_array_equal(a["posterior"]["theta"].values, b["posterior"]["theta"].values)
    np.testing.assert_array_equal(a["sample_stats"]["lp"].values, b["sample_stats"]["lp"].values)
    assert not np.array_equal(a["posterior"]["mu"].values, c["posterior"]["mu"].values)


def test_compiled_model_log_density():
    compiled = exmc.CompiledModel.from_model(eight_schools())
    assert compiled.dim == 10
    assert compiled.noncentered == ["theta"]
    x = np.linspace(-1, 1, compiled.dim)
    lp, grad = compiled.logp_grad(x)
    assert lp == pytest.approx(compiled.logp(x), rel=1e-14)
    h = 1e-6
    for i in range(compiled.dim):
        e = np.zeros(compiled.dim)
        e[i] = h
        fd = (compiled.logp(x + e) - compiled.logp(x - e)) / (2 * h)
        assert grad[i] == pytest.approx(fd, rel=1e-5, abs=1e-6)
    values = compiled.constrain(x)
    assert set(values) == {"mu", "tau", "theta", "theta_mean"}
    assert values["tau"] == pytest.approx(np.exp(x[1]))


def _sample_after_error():
    """The process keeps working after an error."""
    idata = exmc.sample(eight_schools(), draws=20, tune=20, chains=1, random_seed=1, progressbar=False)
    assert idata["posterior"]["mu"].shape == (1, 20)


def _nan_data():
    with exmc.Model():
        exmc.Normal("y", mu=0, sigma=1, observed=np.array([1.0, np.nan]))


def _wrong_shape():
    with exmc.Model():
        mu = exmc.Normal("mu", shape=3)
        exmc.Normal("y", mu=mu, sigma=1, observed=np.zeros(4))


def _negative_scale():
    with exmc.Model() as m:
        exmc.Normal("x", mu=0, sigma=-1)
    exmc.sample(m, progressbar=False)


def _unknown_distribution():
    exmc.CompiledModel.from_json({"format": "exmc.model/v1", "nodes": [
        {"name": "x", "kind": "free", "dist": "Normul", "params": {}}]})


def _unknown_op():
    exmc.CompiledModel.from_json({"format": "exmc.model/v1", "nodes": [
        {"name": "x", "kind": "free", "dist": "Normal", "params": {}},
        {"name": "d", "kind": "deterministic", "expr": {"op": "frobnicate", "args": [{"ref": "x"}]}}]})


def _observed_outside_support():
    exmc.CompiledModel.from_json({"format": "exmc.model/v1", "nodes": [
        {"name": "r", "kind": "free", "dist": "HalfNormal", "params": {}},
        {"name": "k", "kind": "observed", "dist": "Poisson", "params": {"mu": {"ref": "r"}},
         "observed": {"const": [1, -2], "shape": [2]}}]})


def _sample_with(**kw):
    def run():
        exmc.sample(eight_schools(), progressbar=False, **kw)
    return run


BAD_INPUTS = [
    ("nan data", _nan_data, ValueError, "y"),
    ("wrong shapes", _wrong_shape, ValueError, "y"),
    ("negative scale", _negative_scale, ValueError, "x"),
    ("unknown distribution", _unknown_distribution, ValueError, "Normul"),
    ("unknown op", _unknown_op, ValueError, "frobnicate"),
    ("observed outside support", _observed_outside_support, ValueError, "k"),
    ("draws=0", _sample_with(draws=0), ValueError, "draws"),
    ("chains=0", _sample_with(chains=0), ValueError, "chains"),
    ("tune=-1", _sample_with(tune=-1), ValueError, "tune"),
    ("target_accept=1.5", _sample_with(target_accept=1.5), ValueError, "target_accept"),
    ("draws as a string", _sample_with(draws="100"), TypeError, "draws"),
    ("chains as a float", _sample_with(chains=2.5), TypeError, "chains"),
    ("seed negative", _sample_with(random_seed=-1), ValueError, "random_seed"),
    ("unknown option", _sample_with(nonsense=1), TypeError, "nonsense"),
    ("model of the wrong type", lambda: exmc.sample("eight schools"), TypeError, "model"),
]


@pytest.mark.parametrize("name,make,error,mentions", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_inputs(name, make, error, mentions):
    with pytest.raises(error) as info:
        make()
    assert mentions in str(info.value)
    _sample_after_error()


def test_ctrl_c_stops_the_chains():
    script = textwrap.dedent(
        """
        import sys, time
        import numpy as np
        import exmc
        with exmc.Model() as m:
            x = exmc.Normal("x", mu=0, sigma=1, shape=200)
            exmc.Normal("y", mu=x, sigma=1, observed=np.zeros(200))
        print("sampling", flush=True)
        try:
            # a long warmup, whose draws are not kept: 10 million kept draws
            # would ask 65 GB, which the memory check refuses
            exmc.sample(m, draws=10, tune=10_000_000, chains=2, progressbar=False)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(7)
        """
    )
    env = dict(os.environ)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdout.readline().strip() == "sampling"
    time.sleep(1.0)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    took = time.monotonic() - sent
    assert proc.returncode == 7, err
    assert "interrupted" in out
    # the chains stop within one transition and the poll loop wakes every
    # 0.15 s: a second is a generous bound on a loaded machine
    assert took < 1.5, took


def _reference(posterior):
    with zipfile.ZipFile(ROOT / "testdata" / "posteriordb" / f"{posterior}.reference.json.zip") as z:
        chains = json.loads(z.read(z.namelist()[0]))
    pooled = {k: np.concatenate([np.asarray(c[k]) for c in chains]) for k in chains[0]}
    return {k: (v.mean(), v.std(ddof=1)) for k, v in pooled.items()}


def test_eight_schools_matches_posteriordb():
    """The README's eight schools against posteriordb's reference for the
    same posterior. 4 x 1000 draws: the Monte Carlo error of a mean is a few
    hundredths of an sd and of an sd a few percent, inside the bounds of 0.1
    sd and 10%. Fixed seed."""
    import arviz as az

    with exmc.Model(coords={"school": SCHOOLS}) as m:
        mu = exmc.Normal("mu", mu=0, sigma=5)
        tau = exmc.HalfCauchy("tau", beta=5)
        theta = exmc.Normal("theta", mu=mu, sigma=tau, dims="school")
        exmc.Normal("y", mu=theta, sigma=SIGMA, observed=Y, dims="school")
    idata = exmc.sample(m, draws=1000, tune=1000, chains=4, random_seed=2026, progressbar=False)
    rhat = az.rhat(idata)
    for name in ("mu", "tau", "theta"):
        assert float(rhat[name].max()) <= 1.01, (name, rhat[name].values)
    post = idata["posterior"]
    ref = _reference("eight_schools-eight_schools_noncentered")
    for stan_name, (mean, sd) in ref.items():
        if stan_name.startswith("theta["):
            draws = post["theta"].values[..., int(stan_name[6:-1]) - 1]
        else:
            draws = post[stan_name].values
        assert abs(draws.mean() - mean) / sd < 0.1, (stan_name, draws.mean(), mean, sd)
        assert abs(draws.std(ddof=1) / sd - 1) < 0.1, (stan_name, draws.std(ddof=1), sd)


@pytest.mark.parametrize("option, default, other, tune", [("metric", "gradient", "variance", 100),
                                                           ("schedule", "online", "windowed", 100),
                                                           ("criterion", "displacement", "momentum_sum", 10)])
def test_adaptation_options(option, default, other, tune):
    """The diagonal metric's estimator (gradient-informed by default, the
    draw variance on request), its warmup schedule (online by default,
    windowed on request) and NUTS's U-turn test (displacement by default,
    the momentum sum on request): the default is named, the other gives
    other draws from the same seed, anything else is refused before
    sampling."""
    import exmc

    # scales from 0.1 to 3; for the U-turn tests a warmup too short to
    # learn them, so that trajectories are long enough for the two tests
    # to stop them at different points
    with exmc.Model() as m:
        exmc.Normal("x", 0, np.linspace(0.1, 3, 20), shape=20)
    kw = dict(draws=50, tune=tune, chains=1, random_seed=4, progressbar=False)
    unset = exmc.sample(m, **kw).posterior["x"].values
    named = exmc.sample(m, **{option: default}, **kw).posterior["x"].values
    changed = exmc.sample(m, **{option: other}, **kw).posterior["x"].values
    assert np.array_equal(unset, named)
    assert not np.array_equal(unset, changed)
    with pytest.raises(ValueError, match=f"{option} must be one of '{default}', '{other}'"):
        exmc.sample(m, **{option: "dense"}, **kw)


@pytest.mark.parametrize("plot, visual, per_variable", [("plot_trace_dist", "trace", 2), ("plot_forest", "point_estimate", 2),
                                                       ("plot_energy", "dist", 2), ("plot_rank", "ecdf_lines", 2),
                                                       ("plot_ess", "ess", 1)])
def test_arviz_plots_accept_the_result(idata, plot, visual, per_variable):
    """Each plot draws its main visual for every variable asked for (the
    energy plot: for the marginal and the transition energy), once per
    chain where it is drawn by chain, from finite numbers; the trace plot
    draws each chain's draws as they are."""
    import arviz as az
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = ["Energy"] if plot == "plot_energy" else ["mu", "tau"]
    kwargs = {} if plot == "plot_energy" else {"var_names": names}
    try:
        pc = getattr(az, plot)(idata, backend="matplotlib", **kwargs)
        drawn = pc.viz[visual]
        assert sorted(drawn.data_vars) == names
        for name in names:
            artists = np.atleast_1d(drawn[name].values)
            assert artists.size == per_variable, (name, artists)
            for artist in artists:
                xy = np.asarray(artist.get_xydata() if hasattr(artist, "get_xydata") else artist.get_offsets())
                assert xy.size > 0 and np.isfinite(xy).all(), (name, artist)
        if plot == "plot_trace_dist":
            for name in names:
                for chain in range(2):
                    line = drawn[name].sel(chain=chain).item()
                    np.testing.assert_array_equal(line.get_ydata(), idata["posterior"][name].sel(chain=chain).values)
    finally:
        plt.close("all")


def test_kept_centered_is_reported():
    # three groups, each fixed by a precise observation: the data, not the
    # prior, inform theta, so the rewrite leaves it as written and says so
    with exmc.Model() as m:
        mu = exmc.Normal("mu", mu=0, sigma=10)
        tau = exmc.HalfNormal("tau", sigma=5)
        theta = exmc.Normal("theta", mu=mu, sigma=tau, shape=3)
        exmc.Normal("y", mu=theta, sigma=0.1, observed=np.array([-4.0, 1.0, 7.0]))
    compiled = exmc.CompiledModel.from_model(m)
    assert compiled.noncentered == []
    assert list(compiled.kept_centered) == ["theta"]
    assert 0.5 < compiled.kept_centered["theta"] <= 1
    idata = exmc.sample(compiled, draws=20, tune=20, chains=1, random_seed=1, progressbar=False)
    assert idata.posterior.attrs["kept_centered"] == "theta"
    assert idata.posterior.attrs["noncentered"] == ""
