"""What the PyMC bridge refuses, and how: nothing in a model is skipped,
and each refusal names what the user wrote and the variable."""

from __future__ import annotations

import warnings

import numpy as np
import pymc as pm
import pytensor.tensor as pt
import pytest
from pymc.blocking import DictToArrayBijection, RaveledVars
from pytensor.raise_op import Assert

import exmc
from exmc.pymc._sample import _EXMC_INITS, _PYMC_INITS

# ---------------------------------------------------------------------------
# assertions: the log-density is -inf where one fails


def _asserted():
    with pm.Model() as m:
        x = pm.Normal("x", 0, 1)
        pm.Potential("c", Assert("x must be below 1")(0.0, x < 1))
    return m


def test_assertion_makes_the_logp_minus_inf_where_it_fails():
    m = _asserted()
    c = exmc.from_pymc(m)
    pymc_logp = m.compile_logp()
    assert c.logp(np.array([0.5])) == pytest.approx(float(pymc_logp({"x": 0.5})), rel=1e-12)
    assert c.logp(np.array([1.5])) == -np.inf
    # where PyMC's log-density raises
    with pytest.raises(AssertionError, match="x must be below 1"):
        pymc_logp({"x": 1.5})


def test_assertion_holds_in_the_draws():
    idata = exmc.sample(_asserted(), draws=300, tune=200, chains=2, random_seed=3, progressbar=False)
    x = idata.posterior["x"].values
    assert x.size == 600 and np.all(x < 1)


def test_assertion_on_a_parameter_holds_however_the_value_is_used():
    """The assertion is a separate term of the log-density, not a -inf
    passed through the asserted value (which a minus sign would turn into
    +inf)."""
    with pm.Model() as m:
        x = pm.Normal("x", 0, 1, shape=3, initval=np.array([-1.0, 0.0, 1.0]))
        xs = Assert("x increases")(x, pt.all(x[1:] > x[:-1]))
        pm.Potential("neg", -xs.sum())
    c = exmc.from_pymc(m)
    assert np.isfinite(c.logp(np.array([-1.0, 0.0, 1.0])))
    assert c.logp(np.array([1.0, 0.0, -1.0])) == -np.inf


def test_assertion_that_always_fails_is_refused():
    with pm.Model() as m:
        x = pm.Normal("x", 0, 1)
        pm.Normal("y", Assert("never")(x, pt.as_tensor(np.array(False))), 1, observed=[0.0])
    with pytest.raises(exmc.UnsupportedModelError, match=r"'y': the assertion 'never' .*always fails"):
        exmc.from_pymc(m)


def test_assertion_only_in_a_deterministic_is_left_to_pymc():
    """PyMC checks it when it computes the deterministic, not in the
    log-density; exmc leaves the deterministic to PyMC."""
    with pm.Model() as m:
        x = pm.Normal("x", 0, 1)
        pm.Deterministic("d", Assert("x small")(2 * x, x < 5))
    tr = exmc.pymc.translate(m)
    assert "x small" in tr.pending["d"]
    assert not any(n["kind"] == "potential" for n in tr.doc["nodes"])


def test_specify_shape_that_does_not_hold_is_refused():
    with pm.Model() as m:
        n = pm.Data("n", np.zeros(3))
        x = pm.Normal("x", 0, 1, shape=n.shape)
        pm.Normal("y", pt.specify_shape(x, (4,)).sum(), 1, observed=[0.0])
    with pytest.raises(exmc.UnsupportedModelError, match=r"'y': pt\.specify_shape requires length 4"):
        exmc.pymc.translate(m)
    with pm.Model() as ok:
        n = pm.Data("n", np.zeros(3))
        x = pm.Normal("x", 0, 1, shape=n.shape)
        pm.Normal("y", pt.specify_shape(x, (3,)).sum(), 1, observed=[0.0])
    exmc.pymc.translate(ok)


# ---------------------------------------------------------------------------
# discrete free variables: refused on every path


def _discrete():
    with pm.Model() as m:
        pm.DiscreteUniform("k", 0, 3)
        pm.Normal("x", 0, 1)
    return m


DISCRETE = r"'k': it is discrete \(pm\.DiscreteUniform.*NUTS needs continuous variables; marginalise it"


@pytest.mark.parametrize("init", [None, *_PYMC_INITS, *_EXMC_INITS])
def test_fallback_refuses_a_discrete_free_variable_on_every_init(init):
    with pytest.raises(exmc.UnsupportedModelError, match=DISCRETE) as err:
        exmc.sample(_discrete(), backend="pymc", init=init, draws=20, tune=20, chains=1, progressbar=False)
    assert not err.value.fallback
    assert "backend='pymc'" not in str(err.value)


def test_every_backend_refuses_a_discrete_free_variable():
    m = _discrete()
    for backend in ("native", "pymc"):
        with pytest.raises(exmc.UnsupportedModelError, match=DISCRETE):
            exmc.from_pymc(m, backend=backend)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no "Using backend='pymc'" on the way
        with pytest.raises(exmc.UnsupportedModelError, match=DISCRETE):
            exmc.sample(m, backend="auto", draws=20, tune=20, chains=1, progressbar=False)
        with pytest.raises(exmc.UnsupportedModelError, match=DISCRETE):
            exmc.from_pymc(m, backend="auto")
    with pm.Model() as m2:
        pm.Bernoulli("b", 0.3)
    with pytest.raises(exmc.UnsupportedModelError, match=r"'b': it is discrete \(pm\.Bernoulli"):
        exmc.sample(m2, draws=20, tune=20, chains=1, progressbar=False)


def test_discrete_observed_variables_still_sample():
    with pm.Model() as m:
        mu = pm.Exponential("mu", 1)
        pm.Poisson("n", mu, observed=[1, 0, 3])
    for backend in ("native", "pymc"):
        c = exmc.from_pymc(m, backend=backend)
        start = DictToArrayBijection.map(m.initial_point())
        point = DictToArrayBijection.rmap(RaveledVars(start.data, start.point_map_info))
        assert c.logp(start.data) == pytest.approx(float(m.compile_logp()(point)), rel=1e-9)


# ---------------------------------------------------------------------------
# refusals speak the user's language


def _ordered_exponential():
    pm.Exponential("e", 1, shape=3, transform=pm.distributions.transforms.ordered, initval=np.array([0.5, 1.0, 2.0]))


def _zero_inflated_geometric():
    psi = pm.Beta("psi", 2, 2)
    p = pm.Beta("p", 2, 2)
    pm.Mixture("y", w=pm.math.stack([1 - psi, psi]), comp_dists=[pm.DiracDelta.dist(0), pm.Geometric.dist(p)],
               observed=[0, 1, 2, 0])


def _censored():
    # HalfStudentT has no log-CDF (nor has PyMC's)
    mu = pm.Exponential("mu", 1)
    pm.Censored("y", pm.HalfStudentT.dist(3, mu), lower=None, upper=2, observed=[1.0, 2.0])


def _truncated():
    mu = pm.Normal("mu", 0, 1)
    pm.Truncated("y", pm.AsymmetricLaplace.dist(kappa=1.5, mu=mu, b=1), lower=0, observed=[1.0, 2.0])


def _censored_free():
    mu = pm.Normal("mu", 0, 1)
    pm.Censored("y", pm.Normal.dist(mu, 1), lower=0, upper=None)


def _walk():
    pm.GaussianRandomWalk("w", sigma=1, init_dist=pm.StudentT.dist(3), steps=4)


def _minibatch():
    mu = pm.Normal("mu", 0, 1)
    pm.Normal("y", mu, 1, observed=np.ones(3), total_size=100)


def _max():
    x = pm.Normal("x", 0, 1, shape=3)
    pm.Potential("p", -pt.max(x))


def _interval_on_normal():
    pm.Normal("x", 0, 1, transform=pm.distributions.transforms.Interval(0, 1))


REFUSALS = [
    ("zero-inflated Geometric", _zero_inflated_geometric, "y", ["a zero-inflated pm.Geometric"]),
    ("ordered on Exponential", _ordered_exponential, "e",
     ["transform=pm.distributions.transforms.ordered", "pm.Exponential"]),
    ("Censored", _censored, "y", ["pm.Censored(pm.HalfStudentT.dist(...))", "no log-CDF for HalfStudentT"]),
    ("Truncated", _truncated, "y", ["pm.Truncated(pm.AsymmetricLaplace.dist(...))", "no log-CDF"]),
    ("Censored free", _censored_free, "y", ["pm.Censored as a free variable"]),
    ("random walk", _walk, "w", ["pm.GaussianRandomWalk", "pm.StudentT initial distribution"]),
    ("total_size", _minibatch, "y", ["pm.Normal with total_size="]),
    ("max", _max, "p", ["pt.max"]),
    ("Interval on Normal", _interval_on_normal, "x", ["transform=pm.distributions.transforms.Interval", "pm.Normal"]),
]


@pytest.mark.parametrize("label,build,var,names", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusal_names_what_the_user_wrote(label, build, var, names):
    with pm.Model() as m:
        build()
    with pytest.raises(exmc.UnsupportedModelError) as err:
        exmc.pymc.translate(m)
    problems = dict(err.value.problems)
    assert var in problems, err.value.problems
    what = problems[var]
    for name in names:
        assert name in what, what
    # no raw PyTensor reprs (``Prod{axes=None}``, ``categorical_rv{"(p)->()"}``)
    assert "{" not in what, what
    assert err.value.fallback
