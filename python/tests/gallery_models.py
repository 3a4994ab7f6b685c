"""PyMC models as the example gallery writes them, each checked against
nutpie's posterior by test_gallery.py.

Add a model by writing a function that builds it and decorating it with
``@gallery()``; its name is the function's. Keep it small (a few hundred
data values at most, a few seconds to sample: every model runs in
``make test``), build its data from a fixed seed, and write its reference
once with nutpie::

    .venv/bin/python bench/gallery_refs.py --only NAME

which stores nutpie's posterior moments in ``gallery_refs/NAME.json``
(commit it). The test samples the model with exmc and compares every
scalar of ``var_names`` (default: the free variables) with
``bench/harness/posterior.py``'s criterion: mean within 0.1 sd plus Monte
Carlo error, sd within 10% plus Monte Carlo error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class GalleryModel:
    name: str
    build: Callable[[], object]
    #: the variables compared; None: the model's free variables
    var_names: tuple[str, ...] | None = None
    #: exmc.sample's keyword arguments besides the model
    sample: dict = field(default_factory=dict)


MODELS: dict[str, GalleryModel] = {}

#: exmc's sampling settings for every gallery model, unless it says otherwise
SAMPLE = {"chains": 2, "draws": 1000, "tune": 1000, "random_seed": 20261208, "progressbar": False}


def gallery(var_names: tuple[str, ...] | None = None, **sample):
    """Register the decorated model builder under its function's name."""

    def register(build: Callable[[], object]) -> Callable[[], object]:
        if build.__name__ in MODELS:
            raise ValueError(f"gallery model {build.__name__} defined twice")
        MODELS[build.__name__] = GalleryModel(build.__name__, build, var_names, {**SAMPLE, **sample})
        return build

    return register


def names_compared(entry: GalleryModel, model) -> list[str]:
    """The variables a gallery model is compared on."""
    if entry.var_names is not None:
        return list(entry.var_names)
    return [rv.name for rv in model.free_RVs]


# ---------------------------------------------------------------- the models


@gallery()
def varying_intercepts():
    """Radon-style varying intercepts: county intercepts around a common
    mean, a floor effect, with index arrays and pm.Data."""
    import pymc as pm

    rng = np.random.default_rng(1)
    groups, n = 12, 240
    county = rng.integers(0, groups, n)
    floor = rng.integers(0, 2, n).astype(float)
    a_true = rng.normal(1.5, 0.4, groups)
    y = a_true[county] - 0.6 * floor + rng.normal(0, 0.7, n)
    with pm.Model(coords={"county": np.arange(groups)}) as model:
        idx = pm.Data("county_idx", county)
        x = pm.Data("floor", floor)
        mu_a = pm.Normal("mu_a", 0, 5)
        sigma_a = pm.HalfNormal("sigma_a", 2)
        a = pm.Normal("a", mu_a, sigma_a, dims="county")
        b = pm.Normal("b", 0, 2)
        sigma = pm.Exponential("sigma", 1)
        pm.Normal("y", a[idx] + b * x, sigma, observed=y)
    return model


@gallery()
def weibull_survival():
    """A Weibull survival regression on fully observed times."""
    import pymc as pm

    rng = np.random.default_rng(2)
    n = 150
    x = rng.normal(size=n)
    scale = np.exp(1.0 + 0.5 * x)
    t = scale * rng.weibull(1.7, n)
    with pm.Model() as model:
        alpha = pm.Gamma("alpha", 2, 1)
        b0 = pm.Normal("b0", 0, 2)
        b1 = pm.Normal("b1", 0, 2)
        pm.Weibull("t", alpha=alpha, beta=pm.math.exp(b0 + b1 * x), observed=t)
    return model


@gallery()
def censored_survival():
    """A LogNormal accelerated-failure-time regression on right-censored
    times (pm.Censored, the gallery's survival example): follow-up ends at
    a time of its own for each subject, so the censoring bound is an array,
    infinite where the event was seen."""
    import pymc as pm

    rng = np.random.default_rng(3)
    n = 120
    x = rng.normal(size=n)
    t = np.exp(0.5 + 0.7 * x + 0.6 * rng.normal(size=n))
    follow_up = rng.uniform(1.0, 4.0, n)
    seen = t <= follow_up
    upper = np.where(seen, np.inf, follow_up)
    with pm.Model() as model:
        b0 = pm.Normal("b0", 0, 2)
        b1 = pm.Normal("b1", 0, 2)
        sigma = pm.HalfNormal("sigma", 1)
        pm.Censored("t", pm.LogNormal.dist(mu=b0 + b1 * x, sigma=sigma), lower=None, upper=upper,
                    observed=np.minimum(t, follow_up))
    return model


@gallery()
def ordinal_regression():
    """An ordered-logistic regression on four ordered categories, the
    cutpoints a free vector under PyMC's ordered transform."""
    import pymc as pm

    rng = np.random.default_rng(3)
    n = 200
    x = rng.normal(size=(n, 2))
    latent = x @ np.array([1.0, -0.5]) + rng.logistic(size=n)
    y = np.searchsorted(np.array([-1.0, 0.3, 1.5]), latent)
    with pm.Model() as model:
        beta = pm.Normal("beta", 0, 2, shape=2)
        cutpoints = pm.Normal("cutpoints", 0, 3, shape=3, transform=pm.distributions.transforms.ordered,
                              initval=np.array([-1.0, 0.0, 1.0]))
        pm.OrderedLogistic("y", eta=pm.math.dot(x, beta), cutpoints=cutpoints, observed=y)
    return model


@gallery()
def categorical_choice():
    """A multinomial-logit choice among three alternatives, the first the
    reference (its utility fixed at 0), with a covariate."""
    import pymc as pm
    import pytensor.tensor as pt

    rng = np.random.default_rng(4)
    n = 240
    x = rng.normal(size=n)
    util = np.stack([np.zeros(n), 0.5 + 1.0 * x, -0.3 - 0.8 * x], axis=1) + rng.gumbel(size=(n, 3))
    y = util.argmax(axis=1)
    with pm.Model() as model:
        alpha = pm.Normal("alpha", 0, 2, shape=2)
        beta = pm.Normal("beta", 0, 2, shape=2)
        utility = alpha + x[:, None] * beta
        logits = pt.concatenate([pt.zeros((n, 1)), utility], axis=1)
        pm.Categorical("y", logit_p=logits, observed=y)
    return model


@gallery()
def truncated_regression():
    """A linear regression whose outcomes were only recorded between 0 and
    4 (pm.Truncated of a Normal, which PyMC builds as a TruncatedNormal),
    with the noise scale under a one-sided pm.TruncatedNormal prior."""
    import pymc as pm

    rng = np.random.default_rng(4)
    x = rng.uniform(-2, 2, 400)
    y = 1.5 + 1.2 * x + rng.normal(0, 1.0, x.size)
    keep = (y > 0) & (y < 4)
    x, y = x[keep], y[keep]
    with pm.Model() as model:
        a = pm.Normal("a", 0, 3)
        b = pm.Normal("b", 0, 3)
        sigma = pm.TruncatedNormal("sigma", mu=0, sigma=2, lower=0)
        pm.Truncated("y", pm.Normal.dist(a + b * x, sigma), lower=0, upper=4, observed=y)
    return model


@gallery()
def zerosum_anova():
    """A two-way ANOVA with ZeroSumNormal main effects and a ZeroSumNormal
    interaction over both axes, indexed by each observation's cell."""
    import pymc as pm

    rng = np.random.default_rng(4)
    na, nb, n = 4, 3, 180
    a, b = rng.integers(0, na, n), rng.integers(0, nb, n)
    ea = np.array([-0.8, 0.1, 0.3, 0.4])
    eb = np.array([0.5, -0.2, -0.3])
    y = 2.0 + ea[a] + eb[b] + rng.normal(0, 0.6, n)
    with pm.Model(coords={"a": range(na), "b": range(nb)}) as model:
        mu = pm.Normal("intercept", 0, 5)
        sa = pm.HalfNormal("sigma_a", 1)
        sb = pm.HalfNormal("sigma_b", 1)
        effect_a = pm.ZeroSumNormal("effect_a", sigma=sa, dims="a")
        effect_b = pm.ZeroSumNormal("effect_b", sigma=sb, dims="b")
        effect_ab = pm.ZeroSumNormal("effect_ab", sigma=0.3, dims=("a", "b"), n_zerosum_axes=2)
        sigma = pm.HalfNormal("sigma", 1)
        pm.Normal("y", mu + effect_a[a] + effect_b[b] + effect_ab[a, b], sigma, observed=y)
    return model


@gallery()
def multinomial_counts():
    """Counts of four categories in groups of varying size: group
    probabilities from a Dirichlet around a shared simplex, with a
    concentration (a hierarchical Dirichlet-multinomial, written with a
    Multinomial likelihood)."""
    import pymc as pm

    rng = np.random.default_rng(5)
    groups = 6
    base = np.array([0.4, 0.3, 0.2, 0.1])
    n = rng.integers(20, 60, groups)
    p_true = rng.dirichlet(20 * base, groups)
    counts = np.array([rng.multinomial(k, q) for k, q in zip(n, p_true)])
    with pm.Model(coords={"group": range(groups), "cat": range(4)}) as model:
        theta = pm.Dirichlet("theta", a=np.ones(4), dims="cat")
        kappa = pm.Gamma("kappa", 2, 0.1)
        p = pm.Dirichlet("p", a=kappa * theta + 0.1, dims=("group", "cat"))
        pm.Multinomial("y", n=n, p=p, observed=counts, dims=("group", "cat"))
    return model


@gallery()
def mvnormal_likelihood():
    """Three measurements per unit with means, scales and one common
    correlation: an MvNormal likelihood whose covariance is built from
    free variables (factored at every evaluation)."""
    import pymc as pm

    rng = np.random.default_rng(3)
    n = 150
    sd_true = np.array([1.0, 2.0, 0.5])
    corr_true = np.eye(3) + 0.4 * (np.ones((3, 3)) - np.eye(3))
    y = rng.multivariate_normal([1.0, -0.5, 2.0], sd_true[:, None] * corr_true * sd_true[None, :], size=n)
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 5.0, shape=3)
        sd = pm.HalfNormal("sd", 2.0, shape=3)
        # an equicorrelation matrix of three is positive definite for rho > -1/2
        rho = pm.Uniform("rho", -0.45, 0.95)
        corr = np.eye(3) + rho * (np.ones((3, 3)) - np.eye(3))
        pm.MvNormal("y", mu=mu, cov=sd[:, None] * corr * sd[None, :], observed=y)
    return model


@gallery()
def zero_inflated_counts():
    """A zero-inflated Poisson regression: structural zeros with
    probability 1 - psi, a log-linear rate otherwise."""
    import pymc as pm

    rng = np.random.default_rng(5)
    n = 200
    x = rng.normal(size=n)
    counts = rng.poisson(np.exp(0.8 + 0.5 * x)) * (rng.uniform(size=n) < 0.7)
    with pm.Model() as model:
        psi = pm.Beta("psi", 2, 2)
        a = pm.Normal("a", 0, 2)
        b = pm.Normal("b", 0, 2)
        pm.ZeroInflatedPoisson("y", psi=psi, mu=pm.math.exp(a + b * x), observed=counts)
    return model
