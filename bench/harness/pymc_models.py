"""The seven models of MODELS.md written in PyMC, as MODELS.md writes them
(centred). PyMC's own NUTS, nutpie and ``exmc.sample(pymc_model)`` all
sample these same model objects."""

from __future__ import annotations

import numpy as np
import pymc as pm

from .data import load


def simple(d):
    with pm.Model() as m:
        mu = pm.Normal("mu", 0, 10)
        sigma = pm.Exponential("sigma", 1)
        pm.Normal("y", mu, sigma, observed=d["y"])
    return m


def medium(d):
    with pm.Model() as m:
        mu_global = pm.Normal("mu_global", 0, 10)
        sigma_global = pm.Exponential("sigma_global", 1)
        alpha = pm.Normal("alpha", mu_global, sigma_global)
        beta = pm.Normal("beta", mu_global, sigma_global)
        sigma_obs = pm.Exponential("sigma_obs", 2)
        pm.Normal("y_alpha", alpha, sigma_obs, observed=d["y_alpha"])
        pm.Normal("y_beta", beta, sigma_obs, observed=d["y_beta"])
    return m


def stress(d):
    y = d["y"]
    g = y.shape[0]
    with pm.Model() as m:
        mu_pop = pm.Normal("mu_pop", 0, 10)
        sigma_pop = pm.Exponential("sigma_pop", 1)
        alpha = pm.Normal("alpha", mu_pop, sigma_pop, shape=g)
        sigma = pm.Exponential("sigma", 1, shape=g)
        pm.Normal("y", alpha[:, None], sigma[:, None], observed=y)
    return m


def eight_schools(d):
    with pm.Model() as m:
        mu = pm.Normal("mu", 0, 5)
        tau = pm.HalfNormal("tau", 5)
        theta = pm.Normal("theta", mu, tau, shape=len(d["y"]))
        pm.Normal("y", theta, d["sigma"], observed=d["y"])
    return m


def funnel(d):
    with pm.Model() as m:
        v = pm.Normal("v", 0, 3)
        pm.Normal("x", 0, pm.math.exp(v / 2), shape=9)
    return m


def logistic(d):
    X, y = d["X"], d["y"].astype(np.int64)
    with pm.Model() as m:
        alpha = pm.Normal("alpha", 0, 10)
        beta = pm.Normal("beta", 0, 10, shape=X.shape[1])
        pm.Bernoulli("y", logit_p=alpha + pm.math.dot(X, beta), observed=y)
    return m


def sv(d):
    r = d["r"]
    with pm.Model() as m:
        sigma = pm.Exponential("sigma", 50)
        nu = pm.Exponential("nu", 0.1)
        s = pm.GaussianRandomWalk("s", sigma=sigma, init_dist=pm.Normal.dist(0, sigma), shape=len(r))
        pm.StudentT("r", nu=nu, mu=0, sigma=pm.math.exp(s), observed=r)
    return m


def build(name: str) -> pm.Model:
    return globals()[name](load(name))
