"""The fallback for models the core cannot express: PyMC's own log-density
compiled with PyTensor's numba backend into a C function, sampled by exmc's
NUTS without the GIL."""

from __future__ import annotations

import arviz as az
import numpy as np
import pytest
from pymc.blocking import DictToArrayBijection, RaveledVars

import exmc
import test_pymc_zoo as zoo
from test_pymc_sample import check_reference

GARCH = "garch-garch11"


@pytest.fixture(scope="module")
def garch():
    m = zoo.garch()
    return m, exmc.from_pymc(m, backend="pymc")


def test_garch_is_not_translatable():
    with pytest.raises(exmc.UnsupportedModelError) as err:
        exmc.from_pymc(zoo.garch())
    assert err.value.problems[0][0] == "y"
    assert "Scan" in str(err.value)


def test_fallback_logp_grad_matches_pymc(garch):
    m, c = garch
    assert isinstance(c, exmc.pymc.FallbackModel) and c.backend == "pymc"
    assert c.value_names == [v.name for v in m.value_vars]
    start = DictToArrayBijection.map(m.initial_point())
    assert c.dim == start.data.size
    logp, dlogp = m.compile_logp(), m.compile_dlogp()
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = start.data + rng.uniform(-1, 1, size=c.dim)
        point = DictToArrayBijection.rmap(RaveledVars(x, start.point_map_info))
        got, grad = c.logp_grad(x)
        want = float(logp(point))
        assert abs(got - want) <= 1e-8 * max(1, abs(want))
        np.testing.assert_allclose(grad, dlogp(point), rtol=1e-6, atol=1e-6)
    values = c.constrain(start.data)
    assert set(values) == {"mu", "alpha0", "alpha1", "beta1"}


def test_fallback_runs_without_the_gil(garch):
    """The chains finish while this thread holds the GIL: the numba function
    runs on the Go threads without ever taking it. This thread waits for
    the run in exmc_run_wait called through ctypes.PyDLL, which keeps the
    GIL for the whole call: a log-density that needed it, such as a Python
    callback, would stall the run until the wait gives up after a minute
    (a run takes well under a second)."""
    import ctypes

    from exmc import _ffi
    from exmc.sampling.native import NativeRun

    _, c = garch
    ffi, lib, _ = _ffi.load()
    opts = ffi.new("exmc_options*")
    lib.exmc_options_default(opts)
    opts.draws, opts.tune, opts.chains, opts.cores, opts.seed = 50, 50, 2, 2, 1
    holding = ctypes.PyDLL(str(_ffi.library_path()))
    holding.exmc_run_wait.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p]
    holding.exmc_run_wait.restype = ctypes.c_int
    run = NativeRun(c, opts)
    try:
        handle = int(ffi.cast("uintptr_t", run.handle))
        code = holding.exmc_run_wait(handle, 60_000, None)
    finally:
        run.wait(-1)
        run.free()
    assert code == lib.EXMC_OK


def test_garch_posterior(garch):
    m, _ = garch
    idata = exmc.sample(m, backend="pymc", draws=1000, tune=1000, chains=4, random_seed=20261121,
                        progressbar=False, idata_kwargs={"log_likelihood": True})
    assert idata.posterior.attrs["exmc_backend"] == "pymc"
    assert list(idata.posterior.data_vars) == ["mu", "alpha0", "alpha1", "beta1"]
    assert idata.log_likelihood["y"].shape == (4, 1000, 200)
    np.testing.assert_array_equal(idata.observed_data["y"].values, m.rvs_to_values[m["y"]].data)
    check_reference(idata, GARCH)
    # every draw satisfies the model's constraint beta1 < 1 - alpha1
    assert np.all(idata.posterior["beta1"].values < 1 - idata.posterior["alpha1"].values)


def test_fallback_gives_the_native_datatree():
    """Sampled through the fallback, a translatable model gives the same
    variables, dims and coords, and the same posterior."""
    m = zoo.radon()
    kw = dict(draws=300, tune=300, chains=2, random_seed=4, progressbar=False, idata_kwargs={"log_likelihood": True})
    native = exmc.sample(m, noncentered=False, **kw)
    fallback = exmc.sample(m, backend="pymc", **kw)
    for group in ("posterior", "log_likelihood", "observed_data", "constant_data"):
        a, b = native[group].to_dataset(), fallback[group].to_dataset()
        assert list(a.data_vars) == list(b.data_vars), group
        for v in a.data_vars:
            assert a[v].dims == b[v].dims and a[v].shape == b[v].shape, (group, v)
        for c in a.coords:
            np.testing.assert_array_equal(a[c].values, b[c].values)
    # the same posterior: the means agree within their Monte Carlo errors
    # (the centred model diverges now and then, so 600 draws can be far
    # fewer effective ones; a bound in posterior sd would be a coin toss)
    for v in ("mu_a", "mu_b", "eps"):
        x, y = native.posterior[v].values, fallback.posterior[v].values
        se = np.hypot(*(float(az.mcse(t.posterior.dataset[[v]], method="mean")[v]) for t in (native, fallback)))
        assert abs(x.mean() - y.mean()) < 4 * se, (v, x.mean(), y.mean(), se)
    post = fallback.posterior
    county = m["county_idx"].get_value()
    want = post["a"].values[..., county] + post["b"].values[..., county] * m["floor"].get_value()
    np.testing.assert_allclose(post["mean"].values, want, rtol=1e-12)
