"""Discrete likelihoods and mixtures written with PyMC translate natively
and have PyMC's log-density and gradient, their parameters free
variables: zero-inflated and hurdle counts, HyperGeometric,
DiscreteWeibull. Twenty random points each, in PyMC's unconstrained
layout; tolerances as for the translator's other tests (1e-8 relative on
the log-density, 1e-6 on the gradient: rounding error only)."""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytest
from pymc.blocking import DictToArrayBijection, RaveledVars

import exmc

POINTS = 20
LOGP_RTOL = 1e-8
GRAD_RTOL = 1e-6

COUNTS = np.array([0, 0, 1, 3, 0, 2, 7, 0, 1, 4])
POSITIVE = np.array([0.0, 0.3, 1.7, 0.0, 2.2, 0.05, 0.0, 4.1])


def _zip():
    psi = pm.Beta("psi", 2, 2)
    mu = pm.Exponential("mu", 0.5)
    pm.ZeroInflatedPoisson("y", psi=psi, mu=mu, observed=COUNTS)


def _zip_vector_psi():
    psi = pm.Beta("psi", 2, 2, shape=COUNTS.size)
    mu = pm.Exponential("mu", 0.5)
    pm.ZeroInflatedPoisson("y", psi=psi, mu=mu, observed=COUNTS)


def _zib():
    psi = pm.Beta("psi", 2, 2)
    p = pm.Beta("p", 2, 3)
    pm.ZeroInflatedBinomial("y", psi=psi, n=8, p=p, observed=COUNTS)


def _zinb():
    psi = pm.Beta("psi", 2, 2)
    mu = pm.Exponential("mu", 0.5)
    alpha = pm.Exponential("alpha", 1)
    pm.ZeroInflatedNegativeBinomial("y", psi=psi, mu=mu, alpha=alpha, observed=COUNTS)


def _zinb_np():
    psi = pm.Beta("psi", 2, 2)
    p = pm.Beta("p", 2, 2)
    n = pm.Exponential("n", 1)
    pm.ZeroInflatedNegativeBinomial("y", psi=psi, n=n, p=p, observed=COUNTS)


def _hurdle_poisson():
    psi = pm.Beta("psi", 2, 2)
    mu = pm.Exponential("mu", 0.5)
    pm.HurdlePoisson("y", psi=psi, mu=mu, observed=COUNTS)


def _hurdle_negbin():
    psi = pm.Beta("psi", 2, 2)
    mu = pm.Exponential("mu", 0.5)
    alpha = pm.Exponential("alpha", 1)
    pm.HurdleNegativeBinomial("y", psi=psi, mu=mu, alpha=alpha, observed=COUNTS)


def _hurdle_gamma():
    psi = pm.Beta("psi", 2, 2)
    alpha = pm.Exponential("alpha", 0.5)
    beta = pm.Exponential("beta", 1)
    pm.HurdleGamma("y", psi=psi, alpha=alpha, beta=beta, observed=POSITIVE)


def _hurdle_gamma_mu_sigma():
    psi = pm.Beta("psi", 2, 2)
    mu = pm.Exponential("mu", 0.5)
    sigma = pm.Exponential("sigma", 1)
    pm.HurdleGamma("y", psi=psi, mu=mu, sigma=sigma, observed=POSITIVE)


def _hurdle_lognormal():
    psi = pm.Beta("psi", 2, 2)
    mu = pm.Normal("mu", 0, 1)
    sigma = pm.Exponential("sigma", 1)
    pm.HurdleLogNormal("y", psi=psi, mu=mu, sigma=sigma, observed=POSITIVE)


def _hypergeometric():
    pm.Normal("z")
    pm.HyperGeometric("y", N=20, k=np.array([8, 12, 5]), n=6, observed=[2, 4, 0])


def _discrete_weibull():
    q = pm.Beta("q", 2, 2)
    beta = pm.Exponential("beta", 1)
    # small counts: PyMC's q^(x^beta) - q^((x+1)^beta) underflows to 0
    # where exmc's log form does not
    pm.DiscreteWeibull("y", q=q, beta=beta, observed=[0, 1, 0, 2, 1])


MODELS = {
    "zip": _zip,
    "zip_vector_psi": _zip_vector_psi,
    "zib": _zib,
    "zinb": _zinb,
    "zinb_np": _zinb_np,
    "hurdle_poisson": _hurdle_poisson,
    "hurdle_negbin": _hurdle_negbin,
    "hurdle_gamma": _hurdle_gamma,
    "hurdle_gamma_mu_sigma": _hurdle_gamma_mu_sigma,
    "hurdle_lognormal": _hurdle_lognormal,
    "hypergeometric": _hypergeometric,
    "discrete_weibull": _discrete_weibull,
}

# the exmc distribution each model's likelihood must translate to
EXPECTED = {
    "zip": "ZeroInflatedPoisson",
    "zip_vector_psi": "ZeroInflatedPoisson",
    "zib": "ZeroInflatedBinomial",
    "zinb": "ZeroInflatedNegativeBinomial",
    "zinb_np": "ZeroInflatedNegativeBinomial",
    "hurdle_poisson": "HurdlePoisson",
    "hurdle_negbin": "HurdleNegativeBinomial",
    "hurdle_gamma": "HurdleGamma",
    "hurdle_gamma_mu_sigma": "HurdleGamma",
    "hurdle_lognormal": "HurdleLogNormal",
    "hypergeometric": "HyperGeometric",
    "discrete_weibull": "DiscreteWeibull",
}


def check_matches_pymc(m, seed, points=POINTS):
    c = exmc.from_pymc(m)
    assert isinstance(c, exmc.pymc.PyMCModel) and c.backend == "native"
    start = DictToArrayBijection.map(m.initial_point())
    rng = np.random.default_rng(seed)
    logp = m.compile_logp(jacobian=True)
    dlogp = m.compile_dlogp(jacobian=True)
    for _ in range(points):
        x = start.data + rng.uniform(-1.5, 1.5, size=start.data.size)
        point = DictToArrayBijection.rmap(RaveledVars(x, start.point_map_info))
        want, want_grad = float(logp(point)), np.asarray(dlogp(point))
        got, grad = c.logp_grad(x)
        assert np.isfinite(want)
        assert abs(got - want) <= LOGP_RTOL * max(1.0, abs(want)), (got, want)
        np.testing.assert_allclose(grad, want_grad, rtol=GRAD_RTOL, atol=GRAD_RTOL)
    return c


@pytest.mark.parametrize("name", sorted(MODELS))
def test_logp_grad_matches_pymc(name):
    with pm.Model() as m:
        MODELS[name]()
    doc = exmc.pymc.translate(m).doc
    dists = {n["name"]: n.get("dist") for n in doc["nodes"]}
    assert dists["y"] == EXPECTED[name]
    check_matches_pymc(m, seed=sum(map(ord, name)))
