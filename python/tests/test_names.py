"""Variables are the user's to name: a variable called like a sampler
statistic (``lp``, ``step_size``, ...) or an index column (``chain``,
``draw``) samples, lands in the posterior, and leaves the statistics the
sampler's. The statistics have a struct column of their own in the draws
(include/exmc.h, exmc_sample)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import exmc

#: every name the draws' other columns use, each given to a variable here
STAT_NAMES = ["lp", "step_size", "energy", "diverging", "tree_depth", "acceptance_rate", "n_steps"]
INDEX_NAMES = ["chain", "draw"]
NAMES = STAT_NAMES + INDEX_NAMES
#: what ArviZ's groups, whose dimensions are chain and draw, call those two
IN_TREE = {"chain": "chain_", "draw": "draw_"}
STATS = {"lp": np.floating, "acceptance_rate": np.floating, "step_size": np.floating, "step_size_nom": np.floating,
         "energy": np.floating, "energy_error": np.floating, "max_energy_error": np.floating,
         "tree_depth": np.integer, "n_steps": np.integer, "diverging": np.bool_, "reached_max_treedepth": np.bool_}


def sample_quietly(model, **kwargs):
    """exmc.sample, returning the DataTree and the warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        idata = exmc.sample(model, progressbar=False, **kwargs)
    return idata, [str(w.message) for w in caught]


def check_groups(idata, names, caught, means=None):
    """The posterior holds every variable (chain and draw under ArviZ's
    names for them, with a warning saying so), and sample_stats the
    sampler's statistics, none of them a variable's draws."""
    post, stats = idata["posterior"], idata["sample_stats"]
    want = {IN_TREE.get(n, n) for n in names}
    assert set(post.data_vars) == want
    assert set(stats.data_vars) == set(STATS)
    for name, kind in STATS.items():
        assert np.issubdtype(stats[name].dtype, kind), (name, stats[name].dtype)
    for old in set(names) & set(IN_TREE):
        assert any(repr(old) in m and repr(IN_TREE[old]) in m for m in caught), caught
    if means is not None:
        for name, mean in means.items():
            got = float(post[IN_TREE.get(name, name)].mean())
            assert abs(got - mean) < 0.4, (name, got, mean)
    # the statistics are the sampler's: one step size per chain once warmup
    # is over, an integer tree depth, and a divergence flag
    step = stats["step_size"].values
    assert np.all(step == step[:, :1]) and np.all(step > 0)
    assert stats["tree_depth"].values.min() >= 0 and stats["diverging"].dtype == bool


def test_exmc_model_with_the_draws_column_names():
    with exmc.Model() as model:
        for i, name in enumerate(NAMES):
            exmc.Normal(name, mu=float(i), sigma=1.0)
    idata, caught = sample_quietly(model, draws=300, tune=300, chains=2, random_seed=11)
    check_groups(idata, NAMES, caught, means={name: float(i) for i, name in enumerate(NAMES)})
    # lp is the log-density at the draw: up to a constant, the sum of the
    # variables' -(x - i)^2 / 2
    post = idata["posterior"]
    quad = sum(-0.5 * (post[IN_TREE.get(n, n)].values - i) ** 2 for i, n in enumerate(NAMES))
    diff = idata["sample_stats"]["lp"].values - quad
    assert np.ptp(diff) < 1e-8


@pytest.mark.parametrize("name", ["a b", "x.y", "w[lo]", "\u03b8 (\u00e9cole)", "log_likelihood::y", "sample_stats"])
def test_exmc_model_with_unusual_names(name):
    """Spaces, dots, brackets, unicode, and the draws' own group names
    sample, or are refused when the model is built, with a message naming
    the variable."""
    try:
        with exmc.Model() as model:
            exmc.Normal(name, mu=2.0, sigma=1.0)
            exmc.Normal("other", mu=-1.0, sigma=1.0)
        compiled = exmc.CompiledModel.from_model(model)
    except (ValueError, TypeError) as e:
        assert name in str(e)
        return
    idata, _ = sample_quietly(compiled, draws=200, tune=200, chains=2, random_seed=5)
    assert set(idata["posterior"].data_vars) == {name, "other"}
    assert abs(float(idata["posterior"][name].mean()) - 2.0) < 0.4
    assert set(idata["sample_stats"].data_vars) == set(STATS)


def test_stream_batches_keep_every_name():
    """Streamed batches, which ArviZ does not touch, keep chain and draw as
    variable names beside the index."""
    with exmc.Model() as model:
        for i, name in enumerate(NAMES):
            exmc.Normal(name, mu=float(i), sigma=1.0)
    seen = 0
    with exmc.sample_stream(model, draws=40, tune=40, chains=2, random_seed=3) as stream:
        for batch in stream:
            assert list(batch.posterior) == NAMES
            assert set(batch.stats) == set(STATS)
            assert np.all(batch.record.column("chain").to_numpy() == batch.chain)
            assert not np.array_equal(batch.posterior["chain"], np.full(len(batch), batch.chain))
            seen += len(batch)
    assert seen == 80


pm = pytest.importorskip("pymc")


def test_pymc_model_with_the_draws_column_names():
    with pm.Model() as model:
        for i, name in enumerate(NAMES):
            pm.Normal(name, mu=float(i), sigma=1.0)
    idata, caught = sample_quietly(model, draws=300, tune=300, chains=2, random_seed=13)
    check_groups(idata, NAMES, caught, means={name: float(i) for i, name in enumerate(NAMES)})


def test_pymc_stochastic_volatility_as_documented():
    """PyMC's stochastic-volatility example, written as its docs write it,
    on small synthetic returns: its step_size is a variable."""
    import pytensor.tensor as pt  # noqa: F401  (PyMC's example imports it)

    rng = np.random.default_rng(7)
    n = 60
    true_vol = np.cumsum(rng.normal(0, 0.1, n))
    returns = rng.standard_t(10, n) * np.exp(true_vol)
    with pm.Model(coords={"time": np.arange(n)}) as model:
        step_size = pm.Exponential("step_size", 10)
        volatility = pm.GaussianRandomWalk("volatility", sigma=step_size, dims="time")
        nu = pm.Exponential("nu", 0.1)
        pm.StudentT("returns", nu=nu, lam=np.exp(-2 * volatility), observed=returns, dims="time")
    idata, caught = sample_quietly(model, draws=300, tune=300, chains=2, random_seed=17)
    post, stats = idata["posterior"], idata["sample_stats"]
    assert {"step_size", "volatility", "nu"} <= set(post.data_vars)
    assert post["volatility"].dims == ("chain", "draw", "time")
    assert set(stats.data_vars) == set(STATS)
    # the variable step_size is a draw of the posterior, different at every
    # draw; the sampler's step size is fixed once warmup is over
    var = post["step_size"].values
    assert np.all(var > 0) and len(np.unique(var)) > 100
    step = stats["step_size"].values
    assert np.all(step == step[:, :1])
    assert not np.allclose(var, step)
    assert "observed_data" in idata.children and "returns" in idata["observed_data"].data_vars
