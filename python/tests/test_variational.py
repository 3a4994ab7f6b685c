"""exmc.fit: ADVI through the C library (exmc_fit_*), for exmc and PyMC
models."""

import numpy as np
import pytest

import exmc


def conjugate(n=50, seed=0):
    """mu ~ N(0, 10), y_i ~ N(mu, 2): the posterior of mu is normal, with
    the mean and sd returned."""
    y = np.random.default_rng(seed).normal(1.5, 2.0, n)
    with exmc.Model(coords={"obs": np.arange(n)}) as m:
        mu = exmc.Normal("mu", 0, 10)
        exmc.Normal("y", mu, 2.0, observed=y, dims="obs")
    prec = 1 / 10**2 + n / 2.0**2
    return m, y.sum() / 2.0**2 / prec, prec**-0.5


@pytest.mark.parametrize("method", ["advi", "fullrank_advi"])
def test_fit_recovers_a_normal_posterior(method):
    # ADVI is exact for a normal posterior. With a step of 0.02 and every
    # step run (tol=0), the average of the late iterates is within 0.1 sd
    # of the mean and 10% of the sd (twice the worst error over 20 seeds of
    # core/vi's own test); fixed seed.
    m, mean, sd = conjugate()
    a = exmc.fit(m, method=method, n=6000, tol=0, learning_rate=0.02, random_seed=3)
    assert a.steps == 6000 and not a.converged
    assert a.param_names == ["mu"]
    assert abs(a.mean[0] - mean) < 0.1 * sd
    assert abs(a.std[0] / sd - 1) < 0.1
    assert a.history.shape == (6000,) and a.elbo.shape == (60,) and a.elbo_steps[-1] == 6000
    idata = a.sample(2000, random_seed=1)
    draws = idata["posterior"]["mu"]
    assert draws.shape == (1, 2000)
    # 2000 independent draws: the mean's error is sd/45; 4 of those
    assert abs(float(draws.mean()) - a.mean[0]) < 4 * a.std[0] / np.sqrt(2000)
    assert idata.attrs["inference_method"] == method


def test_fit_converges_and_is_reproducible():
    m, mean, sd = conjugate()
    a = exmc.fit(m, random_seed=5)
    b = exmc.fit(m, random_seed=5)
    assert a.converged and a.steps < 10_000
    np.testing.assert_array_equal(a.mean, b.mean)
    np.testing.assert_array_equal(a.history, b.history)
    # the default step is 0.1: a coarser fit, still near the posterior
    assert abs(a.mean[0] - mean) < 0.3 * sd


def test_fit_of_a_constrained_model_samples_its_variables():
    rng = np.random.default_rng(1)
    with exmc.Model(coords={"group": ["a", "b", "c"]}) as m:
        sigma = exmc.HalfNormal("sigma", 2)
        theta = exmc.Normal("theta", 0, 1, dims="group")
        exmc.Normal("y", theta, sigma, observed=rng.normal(size=(20, 3)))
        exmc.Deterministic("theta_sum", exmc.math.sum(theta))
    a = exmc.fit(m, method="fullrank_advi", random_seed=2)
    assert a.cov.shape == (4, 4)
    np.testing.assert_allclose(a.cov, a.cov.T)
    post = a.sample(300, random_seed=0)["posterior"]
    assert set(post.data_vars) == {"sigma", "theta", "theta_sum"}
    assert post["theta"].dims == ("chain", "draw", "group")
    assert list(post["theta"]["group"].values) == ["a", "b", "c"]
    assert (post["sigma"].values > 0).all()
    np.testing.assert_allclose(post["theta_sum"].values, post["theta"].values.sum(-1))


def test_fit_takes_a_pymc_model():
    pm = pytest.importorskip("pymc")
    y = np.random.default_rng(2).normal(1.0, 1.0, 40)
    with pm.Model(coords={"obs": np.arange(40)}) as model:
        mu = pm.Normal("mu", 0, 5)
        sigma = pm.HalfNormal("sigma", 2)
        pm.Normal("y", mu, sigma, observed=y, dims="obs")
    a = exmc.fit(model, random_seed=1)
    post = a.sample(500, random_seed=1)["posterior"]
    assert set(post.data_vars) == {"mu", "sigma"}
    assert abs(float(post["mu"].mean()) - y.mean()) < 0.1


def test_fit_refuses_bad_arguments():
    m, _, _ = conjugate()
    with pytest.raises(ValueError, match="method"):
        exmc.fit(m, method="pathfinder")
    with pytest.raises(TypeError, match="n must be an int"):
        exmc.fit(m, n=10.0)
    with pytest.raises(ValueError, match="n is 0"):
        exmc.fit(m, n=0)
    with pytest.raises(ValueError, match="learning_rate"):
        exmc.fit(m, learning_rate=-1.0)
    with pytest.raises(ValueError, match="tol"):
        exmc.fit(m, tol=float("nan"))
    with pytest.raises(ValueError, match=r"start must have shape \(1,\)"):
        exmc.fit(m, start=[0.0, 1.0])
    with pytest.raises(ValueError, match="init\\[0\\]"):
        exmc.fit(m, start=[float("inf")])
    a = exmc.fit(m, n=100, random_seed=1)
    with pytest.raises(ValueError, match="draws must be at least 1"):
        a.sample(0)
