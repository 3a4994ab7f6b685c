"""Multivariate (event-layout) distributions through the PyMC translator:
log-density and gradient equal to PyMC's at twenty random points of
PyMC's unconstrained layout (1e-8 relative, 1e-6 on the gradient, as
test_pymc_logp.py), values constrained as PyMC constrains them, and the
same distributions in exmc's own API."""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytest
from pymc.blocking import DictToArrayBijection, RaveledVars

import exmc

POINTS = 20
LOGP_RTOL = 1e-8
GRAD_RTOL = 1e-6


def dirichlet_batch():
    """A batch of simplexes whose concentrations move with a free scale,
    a second simplex on its own, and observed simplexes whose
    concentrations are the first batch (a Dirichlet mixture's shape)."""
    with pm.Model() as m:
        c = pm.HalfNormal("c", 2.0)
        w = pm.Dirichlet("w", a=c * np.array([1.0, 2.0, 3.0]), shape=(2, 3))
        pm.Dirichlet("v", a=np.array([0.5, 1.0, 2.0, 4.0]))
        pm.Dirichlet("y", a=w * 5 + 1, observed=np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]]))
    return m


def dirichlet_dims():
    """Dirichlet with dims, a per-row concentration matrix, and its value
    read by a likelihood (categorical proportions as Normal means)."""
    coords = {"group": ["a", "b", "c"], "cat": ["x", "y"]}
    with pm.Model(coords=coords) as m:
        a = pm.Gamma("a", 2.0, 1.0, dims=("group", "cat"))
        p = pm.Dirichlet("p", a=a, dims=("group", "cat"))
        pm.Normal("obs", mu=p[:, 0], sigma=0.1, observed=np.array([0.3, 0.5, 0.8]))
    return m


def zerosum():
    """ZeroSumNormal effects as an ANOVA writes them: one over a factor's
    levels with a free scale, one over two axes (an interaction), one over
    the last axis of a batch with a scale per row."""
    coords = {"a": range(4), "b": range(3)}
    with pm.Model(coords=coords) as m:
        s = pm.HalfNormal("s", 1.0)
        ea = pm.ZeroSumNormal("ea", sigma=s, dims="a")
        eab = pm.ZeroSumNormal("eab", sigma=0.5, dims=("a", "b"), n_zerosum_axes=2)
        pm.ZeroSumNormal("rows", sigma=np.array([[1.0], [2.0]]), shape=(2, 5))
        idx = np.array([0, 1, 2, 3, 0, 1])
        pm.Normal("y", ea[idx] + eab[idx, 0], 1.0, observed=np.array([0.3, -0.2, 0.5, 0.1, 0.0, -0.4]))
    return m


def multinomial():
    """Multinomial counts with probabilities from a Dirichlet, per row n,
    and Dirichlet-multinomial counts with a free concentration."""
    counts = np.array([[3, 1, 2], [0, 4, 1], [2, 2, 2]])
    with pm.Model() as m:
        p = pm.Dirichlet("p", a=np.ones(3))
        pm.Multinomial("y", n=counts.sum(1), p=p, observed=counts)
        c = pm.HalfNormal("c", 5.0)
        pm.DirichletMultinomial("z", n=6, a=c * p, observed=counts[[0, 2]])
    return m



COV = np.array([[2.0, 0.3, -0.4], [0.3, 1.0, 0.2], [-0.4, 0.2, 1.5]])


def mvnormal():
    """MvNormal with each way of giving its matrix: a constant covariance
    (factored once), a Cholesky factor and a precision scaled by a free
    variable, a covariance built from free variables (an equicorrelation
    scaled by standard deviations, factored per evaluation); observed
    rows and free vectors, a batch of them."""
    rng = np.random.default_rng(21)
    y = rng.multivariate_normal(np.zeros(3), COV, size=20)
    with pm.Model() as m:
        mu = pm.MvNormal("mu", mu=np.zeros(3), cov=COV)
        s = pm.HalfNormal("s", 1.0)
        pm.MvNormal("y", mu=mu, chol=s * np.linalg.cholesky(COV), observed=y)
        pm.MvNormal("t", mu=mu, tau=np.linalg.inv(COV) / s, shape=(2, 3))
        sd = pm.HalfNormal("sd", 1.0, shape=3)
        rho = pm.Uniform("rho", -0.5, 0.5)
        corr = np.eye(3) + rho * (np.ones((3, 3)) - np.eye(3))
        pm.MvNormal("u", mu=0.0, cov=sd[:, None] * corr * sd[None, :], observed=y[:6])
    return m


def mvstudentt():
    """MvStudentT with a free nu, by its scale, factor and precision."""
    rng = np.random.default_rng(22)
    y = rng.multivariate_normal(np.zeros(3), COV, size=9)
    with pm.Model() as m:
        mu = pm.Normal("mu", 0.0, 1.0, shape=3)
        s = pm.HalfNormal("s", 1.0)
        nu = pm.Gamma("nu", 4.0, 1.0)
        pm.MvStudentT("z", nu=nu, mu=mu, scale=s * COV, observed=y[:5])
        pm.MvStudentT("w", nu=5.0, mu=mu, chol=s * np.linalg.cholesky(COV))
        pm.MvStudentT("v", nu=nu, mu=np.zeros(3), tau=np.linalg.inv(COV), observed=y[5:])
    return m


def lkj_packed():
    """LKJCholeskyCov's packed factor (PyMC's transform: exp on the
    diagonal) with a free eta, sd_dist Exponential and HalfNormal (each
    written as a potential of the rows' lengths), read by a likelihood."""
    rng = np.random.default_rng(23)
    with pm.Model() as m:
        eta = pm.Gamma("eta", 4.0, 2.0)
        packed = pm.LKJCholeskyCov("packed", n=3, eta=eta, sd_dist=pm.Exponential.dist(1.0, shape=3),
                                   compute_corr=False)
        other = pm.LKJCholeskyCov("other", n=2, eta=1.5, sd_dist=pm.HalfNormal.dist(2.0), compute_corr=False)
        pm.Normal("y", mu=packed[1] + other[1], sigma=packed[0], observed=rng.normal(size=5))
    return m


MODELS = {"dirichlet_batch": dirichlet_batch, "dirichlet_dims": dirichlet_dims, "zerosum": zerosum,
          "multinomial": multinomial, "mvnormal": mvnormal, "mvstudentt": mvstudentt, "lkj_packed": lkj_packed}


@pytest.fixture(scope="module")
def compiled():
    cache = {}

    def get(name):
        if name not in cache:
            m = MODELS[name]()
            cache[name] = (m, exmc.from_pymc(m))
        return cache[name]

    return get


def points(m, seed):
    start = DictToArrayBijection.map(m.initial_point())
    rng = np.random.default_rng(seed)
    return start, [start.data + rng.uniform(-1.5, 1.5, size=start.data.size) for _ in range(POINTS)]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_logp_grad_matches_pymc(name, compiled):
    m, c = compiled(name)
    assert c.backend == "native"
    assert c.value_names == [v.name for v in m.value_vars]
    start, xs = points(m, sum(map(ord, name)))
    assert c.dim == start.data.size
    logp, dlogp = m.compile_logp(jacobian=True), m.compile_dlogp(jacobian=True)
    for x in xs:
        point = DictToArrayBijection.rmap(RaveledVars(x, start.point_map_info))
        want, want_grad = float(logp(point)), np.asarray(dlogp(point))
        got, grad = c.logp_grad(x)
        assert np.isfinite(want)
        assert abs(got - want) <= LOGP_RTOL * max(1.0, abs(want)), (got, want)
        np.testing.assert_allclose(grad, want_grad, rtol=GRAD_RTOL, atol=GRAD_RTOL)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_constrain_matches_pymc(name, compiled):
    m, c = compiled(name)
    names = [rv.name for rv in m.free_RVs]
    fn = m.compile_fn(m.replace_rvs_by_values([m[n] for n in names]), inputs=m.value_vars, on_unused_input="ignore")
    start, xs = points(m, 3)
    for x in xs[:3]:
        want = dict(zip(names, fn(DictToArrayBijection.rmap(RaveledVars(x, start.point_map_info)))))
        got = c.constrain(x)
        for n in names:
            np.testing.assert_allclose(got[n], want[n], rtol=1e-12, atol=1e-14, err_msg=n)


def test_initial_point_is_pymcs(compiled):
    """PyMC's initial point of a Dirichlet (the simplex transform of a/sum(a))
    is a point of exmc's layout: the same coordinates, the same log-density."""
    m, c = compiled("dirichlet_batch")
    x = c.initial_point()
    assert x.size == 1 + 2 * 2 + 3
    assert c.logp(x) == pytest.approx(float(m.compile_logp()(m.initial_point())), rel=LOGP_RTOL)


def test_exmc_api_dirichlet():
    """exmc.Dirichlet takes its event shape from a, its batch shape from
    a's leading axes or shape=, and samples on the simplex."""
    with exmc.Model() as m:
        w = exmc.Dirichlet("w", a=np.array([1.0, 2.0, 3.0]))
        z = exmc.Dirichlet("z", a=np.ones((4, 2)))
        exmc.Dirichlet("u", a=np.array([2.0, 2.0]), shape=(3, 2))
    assert w.shape == (3,) and z.shape == (4, 2) and m["u"].shape == (3, 2)
    c = exmc.CompiledModel.from_model(m)
    assert c.dim == 2 + 4 + 3
    tr = exmc.sample(m, draws=300, tune=300, chains=2, random_seed=3, progressbar=False)
    post = tr.posterior
    np.testing.assert_allclose(post["w"].sum("w_dim_0").values, 1.0, atol=1e-12)
    # the mean of Dirichlet(1, 2, 3) is (1/6, 2/6, 3/6); 600 draws, sd <= 0.2,
    # an ESS of 200 at least: a tolerance of 0.06 is over 4 standard errors
    np.testing.assert_allclose(post["w"].mean(("chain", "draw")).values, [1 / 6, 2 / 6, 3 / 6], atol=0.06)


def test_exmc_api_dirichlet_errors():
    with exmc.Model():
        with pytest.raises(ValueError, match="'a' needs 1 event axes"):
            exmc.Dirichlet("w", a=2.0)
    with exmc.Model() as m:
        exmc.Dirichlet("w", a=np.ones(3), shape=4)
    with pytest.raises(Exception, match="4 categories"):
        exmc.CompiledModel.from_model(m)


def test_exmc_api_zerosumnormal():
    """exmc.ZeroSumNormal needs a shape; its value sums to zero along the
    last n_zerosum_axes axes and its free coordinates are one fewer along
    each."""
    with exmc.Model() as m:
        exmc.ZeroSumNormal("z", sigma=2.0, shape=(3, 4), n_zerosum_axes=2)
        exmc.ZeroSumNormal("u", shape=5)
    c = exmc.CompiledModel.from_model(m)
    assert c.dim == 2 * 3 + 4
    rng = np.random.default_rng(5)
    out = c.constrain(rng.normal(size=c.dim))
    np.testing.assert_allclose(out["z"].sum(0), 0, atol=1e-13)
    np.testing.assert_allclose(out["z"].sum(1), 0, atol=1e-13)
    np.testing.assert_allclose(out["u"].sum(), 0, atol=1e-13)
    with exmc.Model():
        with pytest.raises(ValueError, match="needs shape= or dims="):
            exmc.ZeroSumNormal("z")


def test_exmc_api_multinomial():
    """Multinomial and DirichletMultinomial are observed: one
    log-likelihood per event."""
    counts = np.array([[3, 1, 2], [0, 4, 1]])
    with exmc.Model() as m:
        p = exmc.Dirichlet("p", a=np.ones(3))
        exmc.Multinomial("y", n=counts.sum(1), p=p, observed=counts)
        exmc.DirichletMultinomial("z", n=6, a=np.array([1.0, 2.0, 3.0]), observed=counts[:1])
    c = exmc.CompiledModel.from_model(m)
    assert c.dim == 2
    lp, grad = c.logp_grad(np.zeros(2))
    assert np.isfinite(lp) and np.all(np.isfinite(grad))
    with exmc.Model() as bad:
        exmc.Multinomial("y", n=5, p=np.full(3, 1 / 3), observed=np.array([1, 1, 1]))
    with pytest.raises(Exception, match="outside the support"):
        exmc.CompiledModel.from_model(bad)
