"""exmc's log-density of a translated PyMC model equals PyMC's own, point
by point, in PyMC's unconstrained layout."""

from __future__ import annotations

import time

import numpy as np
import pymc as pm
import pytensor.tensor as pt
import pytest
from pymc.blocking import DictToArrayBijection, RaveledVars

import exmc
import test_pymc_zoo as zoo

POINTS = 20
# rounding error only: the two sides sum the same terms in a different order
LOGP_RTOL = 1e-8
GRAD_RTOL = 1e-6


@pytest.fixture(scope="module")
def compiled():
    """name -> (pymc model, exmc.from_pymc(model)), each built once."""
    cache = {}

    def get(name):
        if name not in cache:
            m = zoo.TRANSLATABLE[name]()
            cache[name] = (m, exmc.from_pymc(m))
        return cache[name]

    return get


def random_points(m, n, seed):
    start = DictToArrayBijection.map(m.initial_point())
    rng = np.random.default_rng(seed)
    return start, [start.data + rng.uniform(-1.5, 1.5, size=start.data.size) for _ in range(n)]


def as_point(start, x):
    return DictToArrayBijection.rmap(RaveledVars(x, start.point_map_info))


@pytest.mark.parametrize("name", sorted(zoo.TRANSLATABLE))
def test_logp_grad_matches_pymc(name, compiled):
    m, c = compiled(name)
    assert isinstance(c, exmc.pymc.PyMCModel) and c.backend == "native"
    assert c.value_names == [v.name for v in m.value_vars]
    start, points = random_points(m, POINTS, seed=sum(map(ord, name)))
    assert c.dim == start.data.size
    logp = m.compile_logp(jacobian=True)
    dlogp = m.compile_dlogp(jacobian=True)
    for x in points:
        point = as_point(start, x)
        want, want_grad = float(logp(point)), np.asarray(dlogp(point))
        got, grad = c.logp_grad(x)
        assert np.isfinite(want)
        assert abs(got - want) <= LOGP_RTOL * max(1.0, abs(want)), (got, want)
        assert c.logp(x) == got
        np.testing.assert_allclose(grad, want_grad, rtol=GRAD_RTOL, atol=GRAD_RTOL)


def test_gp_pois_regr_matches_pymc():
    """posteriordb's gp_pois_regr (its data in testdata/posteriordb)
    translates natively and its logp_grad is PyMC's. The points stay near
    the initial point: with the model's jitter of 1e-10, a long length
    scale makes the covariance numerically singular, where PyMC's Cholesky
    raises and exmc's gives NaN (a rejected point)."""
    m = zoo.gp_pois_regr()
    c = exmc.from_pymc(m)
    assert c.backend == "native"
    start = DictToArrayBijection.map(m.initial_point())
    rng = np.random.default_rng(5)
    logp = m.compile_logp(jacobian=True)
    dlogp = m.compile_dlogp(jacobian=True)
    for _ in range(POINTS):
        x = start.data + rng.uniform(-0.3, 0.3, size=start.data.size)
        point = as_point(start, x)
        want, want_grad = float(logp(point)), np.asarray(dlogp(point))
        got, grad = c.logp_grad(x)
        assert abs(got - want) <= LOGP_RTOL * max(1.0, abs(want)), (got, want)
        np.testing.assert_allclose(grad, want_grad, rtol=GRAD_RTOL, atol=GRAD_RTOL)


@pytest.mark.parametrize("name", ["eight_schools", "radon", "misc_ops", "mixture", "data_coords", "sv"])
def test_constrain_matches_pymc(name, compiled):
    """Free variables on their constrained scale and the deterministics, as
    PyMC computes them from the same unconstrained point."""
    m, c = compiled(name)
    names = [rv.name for rv in m.free_RVs] + [d.name for d in m.deterministics]
    outs = m.replace_rvs_by_values([m[n] for n in names])
    fn = m.compile_fn(outs, inputs=m.value_vars, on_unused_input="ignore")
    start, points = random_points(m, 3, seed=1)
    for x in points:
        want = dict(zip(names, fn(as_point(start, x))))
        got = c.constrain(x)
        assert sorted(got) == sorted(names)
        for n in names:
            np.testing.assert_allclose(got[n], want[n], rtol=1e-12, atol=1e-12, err_msg=n)


def test_startup_is_quick():
    """Translation and Go compilation of eight schools take a small
    fraction of a second (measured: about 1-2 ms, the library loaded)."""
    m = zoo.eight_schools()
    exmc.from_pymc(m)  # load the library once
    best = min(exmc.from_pymc(m).compile_seconds for _ in range(5))
    assert best < 0.05, best


def test_translation_document():
    """What the Go core receives: PyMC's names, distributions with PyMC's
    parameters, data as arrays, non-centring off for from_pymc."""
    m = zoo.eight_schools()
    tr = exmc.pymc.translate(m, noncentered=False)
    nodes = {n["name"]: n for n in tr.doc["nodes"]}
    assert tr.doc["noncentered"] is False
    assert nodes["tau"]["dist"] == "HalfNormal" and nodes["tau"]["params"] == {"sigma": 5}
    assert nodes["theta"]["kind"] == "free" and nodes["theta"]["shape"] == [8]
    assert nodes["y"]["kind"] == "observed"
    assert nodes["sigma"]["kind"] == "data" and "values" not in nodes["sigma"]
    np.testing.assert_array_equal(tr.arrays["sigma"], m["sigma"].get_value())
    assert nodes["theta_mean"]["kind"] == "deterministic"
    assert [b.value_name for b in tr.free] == ["mu", "tau_log__", "theta"]
    assert tr.pending == {}


def test_rate_parameterisations():
    """PyTensor parameterises Exponential and Gamma by scale; exmc by rate."""
    with pm.Model() as m:
        lam = pm.HalfNormal("lam", 1)
        pm.Exponential("e", lam)
        pm.Gamma("g", alpha=2.0, beta=lam)
        pm.InverseGamma("ig", alpha=3.0, beta=lam)
    nodes = {n["name"]: n for n in exmc.pymc.translate(m).doc["nodes"]}
    assert nodes["e"]["params"] == {"lam": {"ref": "lam"}}
    assert nodes["g"]["dist"] == "Gamma" and nodes["g"]["params"]["beta"] == {"ref": "lam"}
    assert nodes["ig"]["params"]["beta"] == {"ref": "lam"}


def test_unsupported_op_is_named():
    with pm.Model() as m:
        x = pm.Normal("x", 0, 1, shape=4)
        pm.Normal("y", pt.sort(x), 1, observed=np.arange(4.0))
    with pytest.raises(exmc.UnsupportedModelError) as err:
        exmc.from_pymc(m)
    assert err.value.problems[0][0] == "y"
    assert "SortOp" in str(err.value) and "backend='pymc'" in str(err.value)


def test_unsupported_distribution_is_named():
    with pm.Model() as m:
        w = pm.StickBreakingWeights("w", alpha=1.0, K=3)
        s = pm.Gamma("s", 2, 2)
        pm.Normal("y", w.sum(), s, observed=[1.0])
    with pytest.raises(exmc.UnsupportedModelError) as err:
        exmc.from_pymc(m)
    assert err.value.problems[0][0] == "w"
    assert "StickBreakingWeights" in str(err.value)
    # every problem is listed, not only the first
    with pm.Model() as m2:
        pm.StickBreakingWeights("w", alpha=1.0, K=3)
        pm.MatrixNormal("z", mu=np.zeros((2, 2)), rowcov=np.eye(2), colcov=np.eye(2))
    with pytest.raises(exmc.UnsupportedModelError) as err:
        exmc.from_pymc(m2)
    assert [p[0] for p in err.value.problems] == ["w", "z"]


def test_unsupported_transform_is_named():
    with pm.Model() as m:
        pm.Normal("x", 0, 1, transform=pm.distributions.transforms.log)
    with pytest.raises(exmc.UnsupportedModelError, match=r"'x': transform=pm\.distributions\.transforms\.log on a pm\.Normal"):
        exmc.from_pymc(m)


def test_no_transform_and_ordered():
    with pm.Model() as m:
        pm.HalfNormal("s", 1, default_transform=None)
        pm.Normal("cut", 0, 3, shape=4, transform=pm.distributions.transforms.ordered,
                  initval=np.array([-1.0, 0.0, 1.0, 2.0]))
    nodes = {n["name"]: n for n in exmc.pymc.translate(m).doc["nodes"]}
    assert nodes["s"]["transform"] == "none"
    assert nodes["cut"]["transform"] == "ordered"
    c = exmc.from_pymc(m)
    assert c.value_names == ["s", "cut_ordered__"]
    x = np.array([0.7, -1.0, 0.2, -0.3, 0.5])
    start = DictToArrayBijection.map(m.initial_point())
    point = as_point(start, x)
    lp, grad = c.logp_grad(x)
    assert abs(lp - m.compile_logp()(point)) < LOGP_RTOL * abs(lp)
    np.testing.assert_allclose(grad, m.compile_dlogp()(point), rtol=1e-10)


def test_untranslatable_deterministic_is_left_to_pymc():
    with pm.Model() as m:
        x = pm.Normal("x", 0, 1, shape=3)
        pm.Deterministic("x_sorted", pt.sort(x))
        pm.Deterministic("x_sum", x.sum())
    tr = exmc.pymc.translate(m)
    assert tr.deterministics == ["x_sum"]
    assert "SortOp" in tr.pending["x_sorted"]


def test_from_pymc_context_and_backend_names():
    m = zoo.simple()
    with m:
        c = exmc.from_pymc()
    assert c.dim == 2
    with pytest.raises(ValueError, match="backend"):
        exmc.from_pymc(m, backend="jax")


def test_import_does_not_load_pymc_lazily_broken():
    """The bridge is importable and exported from exmc."""
    assert exmc.from_pymc is exmc.pymc.from_pymc
    assert issubclass(exmc.UnsupportedModelError, ValueError)


def test_compile_seconds_reported(compiled):
    _, c = compiled("eight_schools")
    assert 0 < c.compile_seconds < 5
    t = time.perf_counter()
    c.logp_grad(np.zeros(c.dim))
    assert time.perf_counter() - t < 0.1
