"""The models of the scale suite (``make bench-scale``): four families at
up to three sizes, written as a PyMC user writes them (``pm.Data`` for the
covariates and the index arrays, coords and dims) and, the same models, in
exmc's own model API. Their data are synthetic, drawn here from a fixed
seed at run time (the largest are tens of megabytes: they are not kept in
git).

``hier_GxN``
    varying intercepts and slopes: G groups, N observations spread evenly
    over them; ``a[g] + b[g] * x`` with Normal hyperpriors on the group
    means and HalfNormal ones on their scales, a Normal likelihood;
``stochvol_T``
    stochastic volatility in the form of PyMC's documentation: a Gaussian
    random walk of log-volatilities of length T, StudentT returns with
    ``lam = exp(-2 * volatility)``;
``logit_NxK``
    logistic regression of N observations on K covariates;
``linreg_NxK``
    dense linear regression of N observations on K covariates.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

#: the seed every data set is drawn from, with the model's name
DATA_SEED = 14


@dataclass(frozen=True)
class Spec:
    family: str
    sizes: tuple[int, ...]
    # the size, as written in the report
    label: str
    # unconstrained dimension
    dim: int


def _spec(family: str, *sizes: int) -> Spec:
    if family == "hier":
        g, n = sizes
        return Spec(family, sizes, f"{g:,} groups x {n:,} obs", 2 * g + 5)
    if family == "stochvol":
        (t,) = sizes
        return Spec(family, sizes, f"T = {t:,}", t + 2)
    if family == "logit":
        n, k = sizes
        return Spec(family, sizes, f"{n:,} x {k}", k + 1)
    if family == "linreg":
        n, k = sizes
        return Spec(family, sizes, f"{n:,} x {k}", k + 2)
    raise ValueError(family)


def _k(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _name(family: str, *sizes: int) -> str:
    return f"{family}_" + "x".join(_k(s) for s in sizes)


_ALL = [
    ("hier", 50, 1_000), ("hier", 500, 10_000), ("hier", 5_000, 100_000),
    ("stochvol", 100), ("stochvol", 1_000), ("stochvol", 10_000),
    ("logit", 1_000, 10), ("logit", 10_000, 50), ("logit", 100_000, 100),
    ("linreg", 10_000, 200),
]
#: name -> Spec, families in the order above, each from its smallest size
SCALE: dict[str, Spec] = {_name(f, *s): _spec(f, *s) for f, *s in _ALL}
#: the smallest size of each family
SMALLEST = [next(n for n, s in SCALE.items() if s.family == f) for f in ("hier", "stochvol", "logit", "linreg")]


def generate(name: str) -> dict[str, np.ndarray]:
    """The data set of a scale model: the same arrays on every machine and
    every run (numpy's PCG64 from DATA_SEED and the model's name)."""
    spec = SCALE[name]
    rng = np.random.default_rng([DATA_SEED, zlib.crc32(name.encode())])
    if spec.family == "hier":
        g, n = spec.sizes
        group = rng.permutation(np.arange(n, dtype=np.int64) % g)
        x = rng.normal(size=n)
        a = 1.0 + 0.5 * rng.normal(size=g)
        b = -0.5 + 0.3 * rng.normal(size=g)
        y = a[group] + b[group] * x + rng.normal(size=n)
        return {"group_idx": group, "x": x, "y": y}
    if spec.family == "stochvol":
        (t,) = spec.sizes
        # log-volatility around log(0.01), an AR(1) with a stationary sd of
        # 0.5 (the model's random walk is fitted to it); returns Student-t
        # with 8 degrees of freedom
        z = np.empty(t)
        z[0] = 0.5 * rng.normal()
        eps = 0.1 * rng.normal(size=t)
        for i in range(1, t):
            z[i] = 0.98 * z[i - 1] + eps[i]
        vol = np.log(0.01) + z
        return {"returns": np.exp(vol) * rng.standard_t(8, size=t)}
    if spec.family == "logit":
        n, k = spec.sizes
        X = rng.normal(size=(n, k))
        beta = rng.normal(size=k) / np.sqrt(k)
        p = 1.0 / (1.0 + np.exp(-(0.3 + X @ beta)))
        return {"X": X, "y": (rng.uniform(size=n) < p).astype(np.int64)}
    if spec.family == "linreg":
        n, k = spec.sizes
        X = rng.normal(size=(n, k))
        beta = rng.normal(size=k)
        return {"X": X, "y": 1.0 + X @ beta + 2.0 * rng.normal(size=n)}
    raise ValueError(name)


# ---------------------------------------------------------------------------
# PyMC


def _pymc_hier(d):
    import pymc as pm

    n, g = len(d["y"]), int(d["group_idx"].max()) + 1
    with pm.Model(coords={"group": np.arange(g), "obs": np.arange(n)}) as m:
        group_idx = pm.Data("group_idx", d["group_idx"], dims="obs")
        x = pm.Data("x", d["x"], dims="obs")
        mu_a = pm.Normal("mu_a", 0, 5)
        sigma_a = pm.HalfNormal("sigma_a", 2)
        mu_b = pm.Normal("mu_b", 0, 5)
        sigma_b = pm.HalfNormal("sigma_b", 2)
        a = pm.Normal("a", mu_a, sigma_a, dims="group")
        b = pm.Normal("b", mu_b, sigma_b, dims="group")
        sigma = pm.HalfNormal("sigma", 2)
        pm.Normal("y", a[group_idx] + b[group_idx] * x, sigma, observed=d["y"], dims="obs")
    return m


def _pymc_stochvol(d):
    import pymc as pm

    with pm.Model(coords={"time": np.arange(len(d["returns"]))}) as m:
        step_size = pm.Exponential("step_size", 10)
        volatility = pm.GaussianRandomWalk("volatility", sigma=step_size, dims="time",
                                           init_dist=pm.Normal.dist(0, 100))
        nu = pm.Exponential("nu", 0.1)
        pm.StudentT("returns", nu=nu, lam=pm.math.exp(-2 * volatility), observed=d["returns"], dims="time")
    return m


def _pymc_logit(d):
    import pymc as pm

    n, k = d["X"].shape
    with pm.Model(coords={"obs": np.arange(n), "coef": np.arange(k)}) as m:
        X = pm.Data("X", d["X"], dims=("obs", "coef"))
        alpha = pm.Normal("alpha", 0, 2.5)
        beta = pm.Normal("beta", 0, 2.5, dims="coef")
        pm.Bernoulli("y", logit_p=alpha + pm.math.dot(X, beta), observed=d["y"], dims="obs")
    return m


def _pymc_linreg(d):
    import pymc as pm

    n, k = d["X"].shape
    with pm.Model(coords={"obs": np.arange(n), "coef": np.arange(k)}) as m:
        X = pm.Data("X", d["X"], dims=("obs", "coef"))
        alpha = pm.Normal("alpha", 0, 10)
        beta = pm.Normal("beta", 0, 2.5, dims="coef")
        sigma = pm.HalfNormal("sigma", 5)
        pm.Normal("y", alpha + pm.math.dot(X, beta), sigma, observed=d["y"], dims="obs")
    return m


# ---------------------------------------------------------------------------
# exmc's own API: the same models, the same names


def _exmc_hier(d):
    import exmc

    group_idx = exmc.Data("group_idx", d["group_idx"], dims="obs")
    x = exmc.Data("x", d["x"], dims="obs")
    mu_a = exmc.Normal("mu_a", 0, 5)
    sigma_a = exmc.HalfNormal("sigma_a", 2)
    mu_b = exmc.Normal("mu_b", 0, 5)
    sigma_b = exmc.HalfNormal("sigma_b", 2)
    a = exmc.Normal("a", mu_a, sigma_a, dims="group")
    b = exmc.Normal("b", mu_b, sigma_b, dims="group")
    sigma = exmc.HalfNormal("sigma", 2)
    exmc.Normal("y", a[group_idx] + b[group_idx] * x, sigma, observed=d["y"], dims="obs")


def _exmc_stochvol(d):
    import exmc

    step_size = exmc.Exponential("step_size", 10)
    volatility = exmc.GaussianRandomWalk("volatility", sigma=step_size, dims="time",
                                         init_dist=exmc.Normal.dist(mu=0, sigma=100))
    nu = exmc.Exponential("nu", 0.1)
    exmc.StudentT("returns", nu=nu, lam=exmc.math.exp(-2 * volatility), observed=d["returns"], dims="time")


def _exmc_logit(d):
    import exmc

    X = exmc.Data("X", d["X"], dims=("obs", "coef"))
    alpha = exmc.Normal("alpha", 0, 2.5)
    beta = exmc.Normal("beta", 0, 2.5, dims="coef")
    exmc.Bernoulli("y", logit_p=alpha + exmc.math.dot(X, beta), observed=d["y"], dims="obs")


def _exmc_linreg(d):
    import exmc

    X = exmc.Data("X", d["X"], dims=("obs", "coef"))
    alpha = exmc.Normal("alpha", 0, 10)
    beta = exmc.Normal("beta", 0, 2.5, dims="coef")
    sigma = exmc.HalfNormal("sigma", 5)
    exmc.Normal("y", alpha + exmc.math.dot(X, beta), sigma, observed=d["y"], dims="obs")


def _coords(family: str, d: dict) -> dict:
    if family == "hier":
        return {"group": np.arange(int(d["group_idx"].max()) + 1), "obs": np.arange(len(d["y"]))}
    if family == "stochvol":
        return {"time": np.arange(len(d["returns"]))}
    n, k = d["X"].shape
    return {"obs": np.arange(n), "coef": np.arange(k)}


def build_pymc(name: str, data: dict | None = None):
    spec = SCALE[name]
    return globals()[f"_pymc_{spec.family}"](generate(name) if data is None else data)


def build_exmc(name: str, noncentered: bool | None = None, data: dict | None = None):
    import exmc

    spec = SCALE[name]
    d = generate(name) if data is None else data
    with exmc.Model(coords=_coords(spec.family, d), noncentered=noncentered) as m:
        globals()[f"_exmc_{spec.family}"](d)
    return m
