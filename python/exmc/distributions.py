"""Distributions, with PyMC's names and parameter names.

``exmc.Normal("x", mu=0, sigma=1)`` adds a node to the current model and
returns it (a free variable, or an observed one when ``observed=`` is given).
Options common to every distribution:

``shape``
    the variable's shape; by default taken from ``dims``, from ``observed``,
    or else from the broadcast shape of the parameters (as PyMC does).
``dims``
    names of the axes, each a key of the model's ``coords``.
``observed``
    data (an array, or an ``exmc.Data`` node, or an expression of data).
    An array becomes the data node ``"<name>_observed"``.
``transform``
    ``None`` (or PyMC's ``default_transform=None``) samples the variable on
    its own scale; ``"auto"`` (the default) lets the Go core choose PyMC's
    default transform.
``noncentered``
    ``None`` (the default) lets the Go core choose the parameterisation of a
    hierarchical Normal from the data, ``True`` always non-centres it, and
    ``False`` keeps it as written (see :class:`exmc.Model`).
``model``
    the model to add to, instead of the innermost ``with`` model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .expr import Constant, Expr, _numeric_array, _short, as_expr, materialize
from .model import (
    OBSERVED_SUFFIX,
    DataVariable,
    FreeRV,
    Model,
    ObservedRV,
    _frozen_array,
    modelcontext,
)

_OPTIONS = ("shape", "dims", "observed", "transform", "default_transform", "noncentered", "model")
_UNSET = object()


@dataclass(frozen=True)
class _Spec:
    dist: str
    # in PyMC's positional order
    params: tuple[str, ...]
    required: tuple[str, ...] = ()
    # alternative parameter sets: the parameters given among them must be
    # exactly one of the sets
    one_of: tuple[tuple[str, ...], ...] = ()
    positive: frozenset = frozenset()
    nonnegative: frozenset = frozenset()
    probability: frozenset = frozenset()
    open_unit: frozenset = frozenset()
    support: str = "real"
    discrete: bool = False
    # alias -> (canonical name, function of the alias's value)
    aliases: dict = field(default_factory=dict)
    extra_options: tuple[str, ...] = ()


def _inv_sqrt(tau):
    return tau ** -0.5


def _reciprocal(scale):
    return 1.0 / scale


_SPECS: dict[str, _Spec] = {}


def _spec(**kw) -> _Spec:
    s = _Spec(**kw)
    _SPECS[s.dist] = s
    return s


_spec(dist="Normal", params=("mu", "sigma"), positive=frozenset({"sigma"}),
      aliases={"tau": ("sigma", _inv_sqrt)})
_spec(dist="HalfNormal", params=("sigma",), positive=frozenset({"sigma"}), support="nonneg",
      aliases={"tau": ("sigma", _inv_sqrt)})
_spec(dist="Exponential", params=("lam",), positive=frozenset({"lam"}), support="nonneg",
      aliases={"scale": ("lam", _reciprocal)})
_spec(dist="Gamma", params=("alpha", "beta"), required=("alpha", "beta"),
      positive=frozenset({"alpha", "beta"}), support="positive")
_spec(dist="InverseGamma", params=("alpha", "beta"), required=("alpha",),
      positive=frozenset({"alpha", "beta"}), support="positive")
_spec(dist="Beta", params=("alpha", "beta"), required=("alpha", "beta"),
      positive=frozenset({"alpha", "beta"}), support="unit")
_spec(dist="Uniform", params=("lower", "upper"), support="interval")
_spec(dist="StudentT", params=("nu", "mu", "sigma"), required=("nu",), positive=frozenset({"nu", "sigma"}))
_spec(dist="HalfStudentT", params=("nu", "sigma"), required=("nu",), positive=frozenset({"nu", "sigma"}),
      support="nonneg")
_spec(dist="Cauchy", params=("alpha", "beta"), required=("alpha", "beta"), positive=frozenset({"beta"}))
_spec(dist="HalfCauchy", params=("beta",), required=("beta",), positive=frozenset({"beta"}), support="nonneg")
_spec(dist="LogNormal", params=("mu", "sigma"), positive=frozenset({"sigma"}), support="positive",
      aliases={"tau": ("sigma", _inv_sqrt)})
_spec(dist="Laplace", params=("mu", "b"), required=("mu", "b"), positive=frozenset({"b"}))
_spec(dist="Flat", params=())
_spec(dist="HalfFlat", params=(), support="positive")
_spec(dist="GaussianRandomWalk", params=("mu", "sigma", "init_mu", "init_sigma"),
      positive=frozenset({"sigma", "init_sigma"}), extra_options=("steps", "init_dist"))
_spec(dist="Bernoulli", params=("p", "logit_p"), one_of=(("p",), ("logit_p",)),
      probability=frozenset({"p"}), support="binary", discrete=True)
_spec(dist="Binomial", params=("n", "p", "logit_p"), required=("n",), one_of=(("p",), ("logit_p",)),
      probability=frozenset({"p"}), support="binomial", discrete=True)
_spec(dist="Poisson", params=("mu",), required=("mu",), nonnegative=frozenset({"mu"}), support="count",
      discrete=True)
# as PyMC: the mean as mu or p, the dispersion as alpha or n, in any pairing
_spec(dist="NegativeBinomial", params=("mu", "alpha", "p", "n"),
      one_of=(("mu", "alpha"), ("n", "p"), ("mu", "n"), ("alpha", "p")),
      positive=frozenset({"mu", "alpha", "n"}), open_unit=frozenset({"p"}), support="count",
      discrete=True)

#: distribution name -> its parameter names (PyMC's order)
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {k: v.params for k, v in _SPECS.items()}


def _err(spec: _Spec, name: str, msg: str) -> ValueError:
    return ValueError(f"{spec.dist} {name!r}: {msg}")


def _normalize_shape(spec, name, shape) -> tuple[int, ...] | None:
    if shape is None:
        return None
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not all(
        isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in shape
    ):
        raise _err(spec, name, f"shape must be a non-negative int or a sequence of them, got {shape!r}")
    return tuple(int(d) for d in shape)


def _constant_values(e: Expr) -> np.ndarray | None:
    if isinstance(e, Constant):
        return e.value
    if isinstance(e, DataVariable):
        return e.value
    return None


def _check_constant_params(spec: _Spec, name: str, params: dict[str, Expr]) -> None:
    for p, e in params.items():
        v = _constant_values(e)
        if v is None:
            continue
        if p in spec.positive and not np.all(v > 0):
            raise _err(spec, name, f"parameter {p!r} must be positive, got {_short(e._label())}")
        if p in spec.nonnegative and not np.all(v >= 0):
            raise _err(spec, name, f"parameter {p!r} must be >= 0, got {_short(e._label())}")
        if p in spec.probability and not np.all((v >= 0) & (v <= 1)):
            raise _err(spec, name, f"parameter {p!r} must lie in [0, 1], got {_short(e._label())}")
        if p in spec.open_unit and not np.all((v > 0) & (v < 1)):
            raise _err(spec, name, f"parameter {p!r} must lie in (0, 1), got {_short(e._label())}")
    if spec.dist == "Binomial":
        n = _constant_values(params["n"])
        if n is not None and not np.all((n >= 0) & (n == np.round(n))):
            raise _err(spec, name, "parameter 'n' must hold non-negative integers")
    if spec.dist == "Uniform" and "lower" in params and "upper" in params:
        lo, hi = _constant_values(params["lower"]), _constant_values(params["upper"])
        if lo is not None and hi is not None and not np.all(np.less(lo, hi)):
            raise _err(spec, name, "'lower' must be less than 'upper'")


def _check_support(spec: _Spec, name: str, values: np.ndarray, params: dict[str, Expr]) -> None:
    s = spec.support
    v = np.asarray(values)
    if v.size == 0:
        return
    bad = None
    if s == "nonneg":
        bad = "must be >= 0" if np.any(v < 0) else None
    elif s == "positive":
        bad = "must be > 0" if np.any(v <= 0) else None
    elif s == "unit":
        bad = "must lie strictly between 0 and 1" if np.any((v <= 0) | (v >= 1)) else None
    elif s == "interval":
        lo = _constant_values(params["lower"]) if "lower" in params else np.array(0.0)
        hi = _constant_values(params["upper"]) if "upper" in params else np.array(1.0)
        if lo is not None and hi is not None and lo.ndim == 0 and hi.ndim == 0:
            bad = f"must lie in [{lo.item()}, {hi.item()}]" if np.any((v < lo) | (v > hi)) else None
    elif s in ("binary", "count", "binomial"):
        if np.any(v != np.round(v)):
            bad = "must be whole numbers"
        elif np.any(v < 0):
            bad = "must be >= 0"
        elif s == "binary" and np.any(v > 1):
            bad = "must be 0 or 1"
        elif s == "binomial":
            n = _constant_values(params["n"])
            if n is not None and n.ndim == 0 and np.any(v > n):
                bad = f"must be <= n = {n.item()}"
    if bad:
        raise _err(spec, name, f"observed values {bad} for {spec.dist}")


class _UnnamedDist:
    """What ``Distribution.dist(...)`` returns: a distribution with its
    parameters but no node (used as ``GaussianRandomWalk(init_dist=...)``)."""

    def __init__(self, spec: _Spec, params: dict[str, Any]):
        self.spec = spec
        self.params = params

    def __repr__(self) -> str:
        return f"{self.spec.dist}.dist({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"


def _make_rv(spec: _Spec, name: Any, args: tuple, kwargs: dict):
    m: Model = modelcontext(kwargs.pop("model", None))
    m._check_name(name)

    if len(args) > len(spec.params):
        raise _err(spec, name, f"takes at most {len(spec.params)} positional parameters, got {len(args)}")
    raw: dict[str, Any] = {}
    for p, v in zip(spec.params, args):
        raw[p] = v
    options: dict[str, Any] = {}
    for k, v in kwargs.items():
        if k in _OPTIONS or k in spec.extra_options:
            options[k] = v
        elif k in spec.params or k in spec.aliases:
            if k in raw:
                raise _err(spec, name, f"parameter {k!r} given twice")
            raw[k] = v
        else:
            known = list(spec.params) + list(spec.aliases)
            raise _err(spec, name, f"unknown parameter {k!r}; {spec.dist} takes {known}")
    raw = {k: v for k, v in raw.items() if v is not None}

    for alias, (canon, fn) in spec.aliases.items():
        if alias in raw:
            if canon in raw:
                raise _err(spec, name, f"give either {alias!r} or {canon!r}, not both")
            value = raw.pop(alias)
            try:
                if isinstance(value, Expr):
                    raw[canon] = fn(value)
                else:
                    arr = _numeric_array(value, f"parameter {alias!r}").astype(np.float64)
                    if not np.all(arr > 0):
                        raise ValueError(f"parameter {alias!r} must be positive")
                    raw[canon] = fn(arr)
            except (TypeError, ValueError) as err:
                raise _err(spec, name, str(err)) from None

    init_dist = options.pop("init_dist", None)
    if init_dist is not None:
        if not isinstance(init_dist, _UnnamedDist) or init_dist.spec.dist != "Normal":
            raise _err(spec, name, "init_dist must be exmc.Normal.dist(mu=..., sigma=...)")
        for src, dst in (("mu", "init_mu"), ("sigma", "init_sigma")):
            if src in init_dist.params:
                if dst in raw:
                    raise _err(spec, name, f"give either init_dist or {dst!r}, not both")
                raw[dst] = init_dist.params[src]

    params: dict[str, Expr] = {}
    for p in spec.params:
        if p not in raw:
            continue
        try:
            params[p] = as_expr(raw[p], model=m, what=f"parameter {p!r}", defer_data=True)
        except (TypeError, ValueError) as err:
            raise _err(spec, name, str(err)) from None
        m._check_refs(name, params[p])

    missing = [p for p in spec.required if p not in params]
    if missing:
        raise _err(spec, name, f"missing parameter(s) {missing}")
    if spec.one_of:
        among = {p for g in spec.one_of for p in g}
        given_alt = {p for p in params if p in among}
        if given_alt not in [set(g) for g in spec.one_of]:
            choices = " or ".join(str(list(g)) for g in spec.one_of)
            raise _err(spec, name, f"give exactly one of the parameter sets {choices}")
    _check_constant_params(spec, name, params)

    transform = "auto"
    t = options.get("transform", _UNSET)
    if t is not _UNSET:
        if t is None or t == "none":
            transform = "none"
        elif t != "auto":
            raise _err(spec, name, f"transform must be None, 'none' or 'auto', got {t!r}")
    if "default_transform" in options:
        t = options["default_transform"]
        if t is None or t == "none":
            transform = "none"
        elif t != "auto":
            raise _err(spec, name, f"default_transform must be None or 'auto', got {t!r}")
    noncentered = options.get("noncentered")
    if noncentered is not None:
        if not isinstance(noncentered, (bool, np.bool_)):
            raise _err(spec, name, f"noncentered must be None or a bool, got {noncentered!r}")
        noncentered = bool(noncentered)

    shape = _normalize_shape(spec, name, options.get("shape"))
    try:
        dims = m._resolve_dims(name, options.get("dims"))
    except ValueError as err:
        raise _err(spec, name, str(err).split(": ", 1)[-1]) from None
    dims_shape = m._dims_shape(dims) if dims else None

    steps = options.get("steps")
    if steps is not None:
        if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 0:
            raise _err(spec, name, f"steps must be a non-negative int, got {steps!r}")

    observed = options.get("observed")
    obs_expr: Expr | None = None
    obs_array: np.ndarray | None = None
    if observed is not None:
        if transform != "auto":
            raise _err(spec, name, "transform applies to free variables only, not observed ones")
        if noncentered is not None:
            raise _err(spec, name, "noncentered applies to free variables only, not observed ones")
        if isinstance(observed, Expr):
            obs_expr = observed
            m._check_refs(name, obs_expr)
            obs_shape = obs_expr.shape
        else:
            obs_array = _frozen_array(observed, name)
            obs_shape = obs_array.shape
    elif spec.discrete:
        raise _err(spec, name, f"{spec.dist} can only be observed here (give observed=...)")

    candidates = [
        ("shape", shape),
        ("dims", dims_shape),
        ("observed", obs_shape if observed is not None else None),
    ]
    given = [(k, s) for k, s in candidates if s is not None]
    for k, s in given[1:]:
        if s != given[0][1]:
            raise _err(spec, name, f"shape from {given[0][0]} {given[0][1]} disagrees with shape from {k} {s}")
    if steps is not None:
        if given:
            if not given[0][1] or given[0][1][-1] != int(steps) + 1:
                raise _err(
                    spec, name, f"steps={steps} needs a last axis of length {int(steps) + 1}, got shape {given[0][1]}"
                )
        else:
            given = [("steps", (int(steps) + 1,))]

    is_grw = spec.dist == "GaussianRandomWalk"
    if given:
        target = given[0][1]
    elif is_grw:
        raise _err(spec, name, "needs shape=, dims= or steps= (the walk runs along the last axis)")
    else:
        try:
            target = tuple(np.broadcast_shapes(*(e.shape for e in params.values()))) if params else ()
        except ValueError:
            shapes = {p: e.shape for p, e in params.items()}
            raise _err(spec, name, f"parameter shapes {shapes} do not broadcast") from None

    if observed is None and any(d == 0 for d in target):
        raise _err(spec, name, f"shape {target} has an empty dimension")
    if is_grw:
        if len(target) == 0:
            raise _err(spec, name, "a random walk needs at least one axis")
        for p, e in params.items():
            if e.size != 1:
                raise _err(spec, name, f"parameter {p!r} must be a scalar, got shape {e.shape}")
    else:
        for p, e in params.items():
            try:
                ok = tuple(np.broadcast_shapes(e.shape, target)) == tuple(target)
            except ValueError:
                ok = False
            if not ok:
                raise _err(
                    spec, name, f"parameter {p!r} of shape {e.shape} does not broadcast to the variable's shape {target}"
                )

    params = {p: materialize(e, m) for p, e in params.items()}
    if observed is not None:
        values = obs_array if obs_array is not None else _constant_values(obs_expr)
        if values is not None:
            _check_support(spec, name, values, params)
        if obs_expr is None:
            data_name = f"{name}{OBSERVED_SUFFIX}"
            if data_name in m:
                raise _err(spec, name, f"the name {data_name!r} for its observed data is already used")
            obs_expr = m._register(DataVariable(data_name, m, obs_array, dims, auto=True))
        rv = ObservedRV(name, m, spec.dist, params, target, dims, obs_expr)
    else:
        rv = FreeRV(name, m, spec.dist, params, target, dims, transform, noncentered)
    return m._register(rv)


class Distribution:
    """Base of the distribution classes. Calling a class adds a node to the
    model and returns it; ``.dist(...)`` returns an unnamed distribution."""

    _spec: _Spec

    def __new__(cls, name, *args, **kwargs):
        return _make_rv(cls._spec, name, args, kwargs)

    @classmethod
    def dist(cls, *args, **kwargs) -> _UnnamedDist:
        spec = cls._spec
        params = dict(zip(spec.params, args))
        for k, v in kwargs.items():
            if k not in spec.params:
                raise ValueError(f"{spec.dist}.dist: unknown parameter {k!r}")
            params[k] = v
        return _UnnamedDist(spec, {k: v for k, v in params.items() if v is not None})


def _make_class(dist: str, doc: str) -> type:
    spec = _SPECS[dist]
    return type(dist, (Distribution,), {"_spec": spec, "__doc__": doc, "__module__": __name__})


Normal = _make_class("Normal", "Normal(name, mu=0, sigma=1); ``tau`` (precision) may replace ``sigma``.")
HalfNormal = _make_class("HalfNormal", "HalfNormal(name, sigma=1), on x >= 0.")
Exponential = _make_class("Exponential", "Exponential(name, lam=1) with rate ``lam`` (or ``scale=1/lam``).")
Gamma = _make_class("Gamma", "Gamma(name, alpha, beta) with rate ``beta``.")
InverseGamma = _make_class("InverseGamma", "InverseGamma(name, alpha, beta=1) with scale ``beta``.")
Beta = _make_class("Beta", "Beta(name, alpha, beta), on (0, 1).")
Uniform = _make_class("Uniform", "Uniform(name, lower=0, upper=1).")
StudentT = _make_class("StudentT", "StudentT(name, nu, mu=0, sigma=1).")
HalfStudentT = _make_class("HalfStudentT", "HalfStudentT(name, nu, sigma=1), on x >= 0.")
Cauchy = _make_class("Cauchy", "Cauchy(name, alpha, beta) with location ``alpha`` and scale ``beta``.")
HalfCauchy = _make_class("HalfCauchy", "HalfCauchy(name, beta) with scale ``beta``, on x >= 0.")
LogNormal = _make_class("LogNormal", "LogNormal(name, mu=0, sigma=1).")
Laplace = _make_class("Laplace", "Laplace(name, mu, b).")
Flat = _make_class("Flat", "Flat(name): an improper uniform prior on the real line.")
HalfFlat = _make_class("HalfFlat", "HalfFlat(name): an improper uniform prior on x > 0.")
GaussianRandomWalk = _make_class(
    "GaussianRandomWalk",
    "GaussianRandomWalk(name, mu=0, sigma=1, init_mu=0, init_sigma=100, *, steps=None, init_dist=None).\n\n"
    "A walk along the last axis: Normal(init_mu, init_sigma) for the first element, "
    "Normal(x[t-1] + mu, sigma) after it. The parameters are scalars. "
    "``steps=n`` gives a last axis of n + 1; "
    "``init_dist=exmc.Normal.dist(mu, sigma)`` is accepted for PyMC compatibility.",
)
Bernoulli = _make_class("Bernoulli", "Bernoulli(name, p=None, logit_p=None); observed only.")
Binomial = _make_class("Binomial", "Binomial(name, n, p=None, logit_p=None); observed only.")
Poisson = _make_class("Poisson", "Poisson(name, mu); observed only.")
NegativeBinomial = _make_class(
    "NegativeBinomial", "NegativeBinomial(name, mu=None, alpha=None, p=None, n=None); observed only."
)

__all__ = ["Distribution", "DISTRIBUTIONS"] + list(_SPECS)
