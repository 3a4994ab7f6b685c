"""The seven models of MODELS.md written with exmc's own model API, as
MODELS.md writes them (centred; ``noncentered=False`` switches exmc's
automatic non-centring off)."""

from __future__ import annotations

import numpy as np

import exmc

from .data import load


def simple(d):
    mu = exmc.Normal("mu", 0, 10)
    sigma = exmc.Exponential("sigma", 1)
    exmc.Normal("y", mu, sigma, observed=d["y"])


def medium(d):
    mu_global = exmc.Normal("mu_global", 0, 10)
    sigma_global = exmc.Exponential("sigma_global", 1)
    alpha = exmc.Normal("alpha", mu_global, sigma_global)
    beta = exmc.Normal("beta", mu_global, sigma_global)
    sigma_obs = exmc.Exponential("sigma_obs", 2)
    exmc.Normal("y_alpha", alpha, sigma_obs, observed=d["y_alpha"])
    exmc.Normal("y_beta", beta, sigma_obs, observed=d["y_beta"])


def stress(d):
    y = d["y"]
    g = y.shape[0]
    mu_pop = exmc.Normal("mu_pop", 0, 10)
    sigma_pop = exmc.Exponential("sigma_pop", 1)
    alpha = exmc.Normal("alpha", mu_pop, sigma_pop, shape=g)
    sigma = exmc.Exponential("sigma", 1, shape=g)
    exmc.Normal("y", alpha[:, None], sigma[:, None], observed=y)


def eight_schools(d):
    mu = exmc.Normal("mu", 0, 5)
    tau = exmc.HalfNormal("tau", 5)
    theta = exmc.Normal("theta", mu, tau, shape=len(d["y"]))
    exmc.Normal("y", theta, d["sigma"], observed=d["y"])


def funnel(d):
    v = exmc.Normal("v", 0, 3)
    exmc.Normal("x", 0, exmc.math.exp(v / 2), shape=9)


def logistic(d):
    X, y = d["X"], d["y"].astype(np.int64)
    alpha = exmc.Normal("alpha", 0, 10)
    beta = exmc.Normal("beta", 0, 10, shape=X.shape[1])
    exmc.Bernoulli("y", logit_p=alpha + exmc.math.dot(X, beta), observed=y)


def sv(d):
    r = d["r"]
    sigma = exmc.Exponential("sigma", 50)
    nu = exmc.Exponential("nu", 0.1)
    s = exmc.GaussianRandomWalk("s", sigma=sigma, init_dist=exmc.Normal.dist(mu=0, sigma=sigma), shape=len(r))
    exmc.StudentT("r", nu=nu, mu=0, sigma=exmc.math.exp(s), observed=r)


def build(name: str, noncentered: bool | None = None) -> exmc.Model:
    d = load(name)
    with exmc.Model(noncentered=noncentered) as m:
        globals()[name](d)
    return m
