"""exmc.Censored, exmc.Truncated and exmc.TruncatedNormal: PyMC's
signatures, the model JSON they write, and the same log-density as the
PyMC model they mirror, translated (test_catalogue holds the translation
to PyMC's own log-density for every distribution with a log-CDF)."""

import json

import numpy as np
import pytest

import exmc


def survival_data():
    rng = np.random.default_rng(1)
    t = rng.weibull(1.5, 20) * 2.0
    upper = np.where(t > 2.5, 2.5, np.inf)  # right-censored at 2.5, the others not
    return np.minimum(t, 2.5), upper


def exmc_model():
    t, upper = survival_data()
    with exmc.Model() as m:
        a = exmc.HalfNormal("a", 2)
        b = exmc.HalfNormal("b", 3)
        exmc.Censored("y", exmc.Weibull.dist(alpha=a, beta=b), upper=upper, observed=t)
        mu = exmc.Normal("mu", 0, 1)
        exmc.Truncated("z", exmc.Normal.dist(mu, 1.0), lower=-0.5, upper=2.0, observed=np.array([0.1, 1.2, -0.3]))
        exmc.TruncatedNormal("w", mu=mu, sigma=2.0, lower=0.0)
        exmc.Truncated("v", exmc.Gumbel.dist(mu, 1.0), upper=mu + 3, shape=2)
    return m


def test_json_form():
    doc = json.loads(exmc_model().to_json(inline_data=False))
    nodes = {n["name"]: n for n in doc["nodes"]}
    assert nodes["y"]["censored"] == {"upper": {"ref": "y_upper"}}
    assert nodes["y_upper"]["kind"] == "data"
    assert nodes["z"]["truncated"] == {"lower": -0.5, "upper": 2.0}
    assert nodes["w"]["dist"] == "Normal" and nodes["w"]["truncated"] == {"lower": 0.0}
    assert nodes["v"]["truncated"]["upper"]["op"] == "add"


def test_same_log_density_as_pymc():
    pm = pytest.importorskip("pymc")
    t, upper = survival_data()
    with pm.Model() as pmm:
        a = pm.HalfNormal("a", 2)
        b = pm.HalfNormal("b", 3)
        pm.Censored("y", pm.Weibull.dist(alpha=a, beta=b), upper=upper, observed=t)
        mu = pm.Normal("mu", 0, 1)
        pm.Truncated("z", pm.Normal.dist(mu, 1.0), lower=-0.5, upper=2.0, observed=np.array([0.1, 1.2, -0.3]))
        pm.TruncatedNormal("w", mu=mu, sigma=2.0, lower=0.0)
        pm.Truncated("v", pm.Gumbel.dist(mu, 1.0), upper=mu + 3, shape=2)
    ours = exmc.CompiledModel.from_model(exmc_model())
    theirs = exmc.from_pymc(pmm)
    assert theirs.backend == "native"
    assert ours.dim == theirs.dim == 6
    rng = np.random.default_rng(2)
    for _ in range(5):
        x = rng.normal(size=ours.dim)
        lp, g = ours.logp_grad(x)
        lp2, g2 = theirs.logp_grad(x)
        # the two documents may order a sum differently: rounding only
        assert lp == pytest.approx(lp2, rel=1e-12)
        np.testing.assert_allclose(g, g2, rtol=1e-12, atol=1e-12)


def test_logp_grad_is_pymcs():
    """The translated model's log-density and gradient are PyMC's at twenty
    points (1e-8 relative, 1e-6). PyMC's normal log-CDF writes sqrt(2.0),
    which PyTensor stores in float32 (4e-7 relative): its log-density is
    compiled with float64 autocasting, the same formula without that."""
    pm = pytest.importorskip("pymc")
    from pymc.blocking import DictToArrayBijection
    from pytensor.scalar.basic import autocast_float_as

    t, upper = survival_data()
    with pm.Model() as m:
        a = pm.HalfNormal("a", 2)
        b = pm.HalfNormal("b", 3)
        pm.Censored("y", pm.Weibull.dist(alpha=a, beta=b), upper=upper, observed=t)
        mu = pm.Normal("mu", 0, 1)
        pm.Censored("c", pm.Normal.dist(mu, 1.0), lower=-0.5, upper=1.0, observed=np.array([-0.5, 0.2, 1.0]))
        pm.Truncated("z", pm.Normal.dist(mu, 1.0), lower=-0.5, upper=2.0, observed=np.array([0.1, 1.2, -0.3]))
        pm.TruncatedNormal("w", mu=mu, sigma=2.0, lower=0.0)
        pm.Truncated("v", pm.Gumbel.dist(mu, 1.0), upper=mu + 3, shape=2)
        pm.Truncated("g", pm.Gamma.dist(a, b), lower=0.5, upper=3.0, observed=np.array([0.7, 2.5]))
        pm.Censored("n", pm.Poisson.dist(b), lower=1, upper=4, observed=np.array([1, 2, 4]))
    c = exmc.from_pymc(m)
    assert c.backend == "native"
    with autocast_float_as("float64"):
        fn = m.compile_fn([m.logp(), m.dlogp()])
    start = DictToArrayBijection.map(m.initial_point())
    rng = np.random.default_rng(3)
    for _ in range(20):
        x = start.data + rng.uniform(-1.5, 1.5, size=start.data.size)
        point = DictToArrayBijection.rmap(start._replace(data=x))
        got, grad = c.logp_grad(x)
        want, want_grad = fn(point)
        assert got == pytest.approx(float(want), rel=1e-8)
        np.testing.assert_allclose(grad, want_grad, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: exmc.Censored("q", exmc.HalfStudentT.dist(3.0, 1.0), upper=2.0, observed=[1.0]), "HalfStudentT has no log-CDF"),
        (lambda: exmc.Censored("q", exmc.Normal.dist(0, 1), upper=2.0), "Censored is observed only"),
        (lambda: exmc.Truncated("q", exmc.Normal.dist(0, 1)), "needs a lower bound, an upper bound, or both"),
        (lambda: exmc.Truncated("q", exmc.Normal.dist(0, 1), lower=np.inf), "holds NaN or inf"),
        (lambda: exmc.Truncated("q", 3.0, lower=0), "must be an unnamed distribution"),
        (lambda: exmc.Truncated("q", exmc.Normal.dist(0, 1), lower=np.zeros(3), shape=2), "does not broadcast"),
        (lambda: exmc.Truncated("q", exmc.Normal.dist(0, 1), lower=0, mu=1), "give 'mu' to Normal.dist"),
    ],
)
def test_refusals(build, message):
    with exmc.Model():
        with pytest.raises(ValueError, match=message):
            build()


def test_unbounded_sides_are_no_bounds():
    with exmc.Model() as m:
        exmc.Censored("y", exmc.Normal.dist(0, 1), lower=-np.inf, upper=None, observed=[0.5])
        exmc.TruncatedNormal("x", 0, 1)
    nodes = {n["name"]: n for n in json.loads(m.to_json())["nodes"]}
    assert "censored" not in nodes["y"] and "truncated" not in nodes["x"]
