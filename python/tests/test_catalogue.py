"""The distribution classes are made from the Go core's catalogue."""

import json
import re

import numpy as np
import pytest

import exmc
from exmc import _ffi
from exmc.distributions import CATALOGUE_PATH


def library_catalogue():
    ffi, lib, _ = _ffi.load()
    out = ffi.new("const char**")
    err = ffi.new("char**")
    assert lib.exmc_catalogue(out, err) == 0
    return json.loads(ffi.string(out[0]).decode())


def test_the_packaged_catalogue_is_the_librarys():
    assert json.loads(CATALOGUE_PATH.read_text()) == library_catalogue()


def test_every_row_is_a_class():
    rows = library_catalogue()["distributions"]
    assert sorted(exmc.DISTRIBUTIONS) == sorted(r["name"] for r in rows)
    for row in rows:
        cls = getattr(exmc, row["name"])
        assert row["name"] in exmc.__all__
        assert issubclass(cls, exmc.Distribution)
        assert cls.__doc__.startswith(row["name"] + "(name")
        assert row["doc"] in cls.__doc__
        assert exmc.DISTRIBUTIONS[row["name"]] == tuple(p["name"] for p in row["params"])


# a value of each domain, for parameters given as constants
DOMAIN_VALUES = {"real": 0.5, "positive": 1.5, "non-negative": 1.0, "probability": 0.3,
                 "open unit interval": 0.4, "count": 5.0, "integer": 3.0}


def bounds_for(variant):
    """Constant bounds for a variant whose support names its bounding
    parameters ("lower < x < upper", "lower, ..., upper"): -1 and 2, around
    the values of observed_for."""
    if variant["support"] == "max(0, n-N+k), ..., min(k, n)":
        return {"N": 10.0}  # HyperGeometric: with k = n = 5, the support is 0..5
    m = re.fullmatch(r"(\w+) < x < (\w+)|(\w+), \.\.\., (\w+)", variant["support"])
    if not m:
        return {}
    lo, hi = (g for g in m.groups() if g is not None)
    if lo not in variant["params"] or hi not in variant["params"]:
        return {}  # constant bounds, as Beta's 0 < x < 1
    return {lo: -1.0, hi: 2.0}


def observed_for(variant):
    """Observed values inside a discrete variant's support, read from the
    support the catalogue states for it: counts summing to n (5, the count
    domain's value) in events of three."""
    if variant["support"].endswith("sum(x) = n"):
        return np.array([[2, 1, 2], [0, 5, 0]])
    if variant["support"].startswith("x in {1,"):
        return np.array([1, 2, 1])
    return np.array([1, 0, 1])


def value_dims(row):
    """An event distribution's event axes: the row's, or the default of the
    static parameter that says how many."""
    if row["value_dims_param"]:
        return int(next(p["default"] for p in row["params"] if p["name"] == row["value_dims_param"]))
    return row["value_dims"]


def with_event_axes(row, params):
    """Each parameter of an event distribution with its event axes, each of
    length 3 (Dirichlet's a of shape (3,)); a matrix (two event axes) is
    positive definite, lower triangular for a Cholesky factor."""
    dims = {p["name"]: p["event_dims"] for p in row["params"]}
    domains = {p["name"]: p["domain"] for p in row["params"]}

    def event(k, v):
        if dims[k] == 2:
            off = np.tril(np.ones((3, 3)), -1) if k == "chol" else np.ones((3, 3)) - np.eye(3)
            return v * (np.eye(3) + 0.25 * off)
        # probabilities along an event axis sum to one (Multinomial's p)
        return np.full((3,) * dims[k], 1 / 3 if domains[k] == "probability" else v) if dims[k] else v

    return {k: event(k, v) for k, v in params.items()}


@pytest.mark.parametrize("row", library_catalogue()["distributions"], ids=lambda r: r["name"])
def test_every_distribution_builds_and_compiles(row):
    """Each class takes its row's defaults and required parameters, and the
    model it builds compiles: one free variable, or one observed one for a
    discrete distribution."""
    required = row["variants"][0]["required"]
    params = {p["name"]: DOMAIN_VALUES[p["domain"]] for p in row["params"] if p["name"] in required}
    params.update(bounds_for(row["variants"][0]))
    opts = {}
    if row["layout"] == "along_last_axis":
        opts["shape"] = 4
    if row["layout"] == "components":
        # two components (categories, cutpoints) along the last axis:
        # probabilities summing to one, or ascending values of the domain
        axis = {p["name"]: p["domain"] for p in row["params"] if p["component_axis"]}
        params = {k: (np.full(2, 0.5) if axis[k] == "probability" else v + np.array([0.0, 1.0])) if k in axis else v
                  for k, v in params.items()}
    params = with_event_axes(row, params)
    if row["layout"] == "event" and not row["shape_from"]:
        opts["shape"] = (3,) * value_dims(row)
    if row["name"] in EVENT_SHAPES:
        opts["shape"] = EVENT_SHAPES[row["name"]](params)
    if row["discrete"]:
        opts["observed"] = observed_for(row["variants"][0])
    with exmc.Model() as m:
        getattr(exmc, row["name"])("x", **params, **opts)
        if row["discrete"]:
            exmc.Normal("z")
    c = exmc.CompiledModel.from_model(m)
    lp, grad = c.logp_grad(np.full(c.dim, 0.1))
    assert np.isfinite(lp) and np.all(np.isfinite(grad))


#: the value's shape of an event distribution whose parameters do not
#: say it (the catalogue's shape_from is empty), from its static ones
EVENT_SHAPES = {"LKJCholeskyCov": lambda p: (int(p["n"]) * (int(p["n"]) + 1) // 2,)}

#: rows whose PyMC class takes more than the catalogue's parameters, with
#: where they are held to PyMC instead
PYMC_ELSEWHERE = {"LKJCholeskyCov": "its sd_dist is a distribution: test_multivariate.py's lkj_packed"}


@pytest.mark.parametrize("row", [r for r in library_catalogue()["distributions"]
                                 if r["layout"] in ("elementwise", "event") and r["name"] not in PYMC_ELSEWHERE],
                         ids=lambda r: r["name"])
def test_every_distribution_is_pymcs(row):
    """Each elementwise or event distribution of the catalogue, written
    with PyMC, translates natively and has PyMC's log-density and gradient:
    a new row is held to PyMC with no edit here. Continuous ones are free
    variables (through their default transform; an event distribution's a
    batch of two events of three along each event axis); discrete ones
    observed, with a free Normal beside them. Tolerances: 1e-8 relative on
    the log-density, 1e-6 on the gradient, as for the translator's other
    tests."""
    pm = pytest.importorskip("pymc")
    from pymc.blocking import DictToArrayBijection

    variant = row["variants"][0]
    params = {p["name"]: DOMAIN_VALUES[p["domain"]] for p in row["params"] if p["name"] in variant["required"]}
    params.update(bounds_for(variant))
    # float64 constants: PyTensor would store 1.5 as float32, and PyMC's
    # log-density would then round in single precision
    params = with_event_axes(row, {k: np.float64(v) for k, v in params.items()})
    shape = 3
    if row["layout"] == "event":
        shape = (2,) + (3,) * value_dims(row)
    with pm.Model() as m:
        if row["discrete"]:
            pm.Normal("z")
            getattr(pm, row["pymc"])("x", **params, observed=observed_for(variant))
        else:
            x = getattr(pm, row["pymc"])("x", **params, shape=shape)
    if not row["discrete"] and m.rvs_to_transforms[x] is None and variant["transform"] != "none":
        # a PyMC class with no default transform (LogitNormal, a CustomDist):
        # give it the catalogue's, which PyMC then applies alone
        with pm.Model() as m:
            transform = {"interval(0, 1)": pm.distributions.transforms.logodds}[variant["transform"]]
            getattr(pm, row["pymc"])("x", **params, shape=shape, transform=transform)
    c = exmc.from_pymc(m)
    assert type(c).__name__ != "FallbackModel", f"{row['name']} went to the fallback"
    logp, dlogp = m.compile_logp(), m.compile_dlogp()
    start = DictToArrayBijection.map(m.initial_point())
    rng = np.random.default_rng(sum(map(ord, row["name"])))
    for _ in range(5):
        x = start.data + rng.normal(scale=0.5, size=start.data.size)
        point = DictToArrayBijection.rmap(start._replace(data=x))
        got, grad = c.logp_grad(x)
        assert got == pytest.approx(float(logp(point)), rel=1e-8)
        np.testing.assert_allclose(grad, dlogp(point), rtol=1e-6, atol=1e-9)

