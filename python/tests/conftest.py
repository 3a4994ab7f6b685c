import numpy as np
import pytest

import exmc


def pytest_sessionfinish(session, exitstatus):
    # A run that collects nothing must fail: a broken import path or a wrong
    # testpaths would otherwise look like success.
    if session.testscollected == 0:
        session.exitstatus = 1


@pytest.fixture
def schools():
    y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
    sigma = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
    names = ["Choate", "Deerfield", "Phillips Andover", "Phillips Exeter",
             "Hotchkiss", "Lawrenceville", "St. Paul's", "Mt. Hermon"]
    return y, sigma, names


@pytest.fixture
def eight_schools(schools):
    y, sigma, names = schools
    with exmc.Model(coords={"school": names}) as m:
        s = exmc.Data("sigma", sigma, dims="school")
        mu = exmc.Normal("mu", mu=0, sigma=5)
        tau = exmc.HalfCauchy("tau", beta=5)
        theta = exmc.Normal("theta", mu=mu, sigma=tau, dims="school")
        exmc.Normal("y", mu=theta, sigma=s, observed=y, dims="school")
        exmc.Deterministic("theta_mean", exmc.math.mean(theta))
    return m
