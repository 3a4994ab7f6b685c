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
    default transform; ``"ordered"`` keeps a vector over the real line in
    ascending order along its last axis.
``noncentered``
    ``None`` (the default) lets the Go core choose the parameterisation of a
    hierarchical Normal from the data, ``True`` always non-centres it, and
    ``False`` keeps it as written (see :class:`exmc.Model`).
``model``
    the model to add to, instead of the innermost ``with`` model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
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

#: where the build puts the catalogue (the Go core's exmc_catalogue, as JSON)
CATALOGUE_PATH = Path(__file__).resolve().parent / "_lib" / "catalogue.json"


@dataclass(frozen=True)
class _Spec:
    """A distribution as the Python API needs it, made from its row of the
    Go core's catalogue. Parameter values, relations and supports are
    checked once, by the Go core, when the model is compiled."""

    dist: str
    doc: str
    # in PyMC's positional order
    params: tuple[str, ...]
    required: tuple[str, ...] = ()
    # alternative parameter sets: the parameters given among them must be
    # exactly one of the sets
    one_of: tuple[tuple[str, ...], ...] = ()
    discrete: bool = False
    along_last_axis: bool = False
    # the parameters with a last axis of components (categories, cutpoints)
    # beyond the variable's shape
    component_axis: frozenset = frozenset()
    # the event layout (a multivariate distribution): each parameter's
    # event axes, the value's (or the static parameter that says how
    # many), and the parameter whose trailing axes are the value's event
    event: bool = False
    event_dims: dict = field(default_factory=dict)
    value_dims: int = 0
    value_dims_param: str = ""
    shape_from: str = ""
    # alias -> the parameter it stands for
    aliases: dict = field(default_factory=dict)
    extra_options: tuple[str, ...] = ()
    defaults: dict = field(default_factory=dict)
    # it has a log-CDF: it may be censored or truncated
    cdf: bool = False


def _spec_of(row: dict) -> _Spec:
    variants = [v["required"] for v in row["variants"]]
    common = [p for p in variants[0] if all(p in v for v in variants)]
    one_of = tuple(tuple(p for p in v if p not in common) for v in variants) if len(variants) > 1 else ()
    return _Spec(
        dist=row["name"],
        doc=row["doc"],
        params=tuple(p["name"] for p in row["params"]),
        required=tuple(common),
        one_of=one_of,
        discrete=row["discrete"],
        along_last_axis=row["layout"] == "along_last_axis",
        component_axis=frozenset(p["name"] for p in row["params"] if p["component_axis"]),
        event=row["layout"] == "event",
        event_dims={p["name"]: p["event_dims"] for p in row["params"] if not p["static"]},
        value_dims=row["value_dims"],
        value_dims_param=row["value_dims_param"],
        shape_from=row["shape_from"],
        aliases={a["name"]: a["param"] for a in row["aliases"]},
        extra_options=tuple(row["options"]),
        defaults={p["name"]: p["default"] for p in row["params"] if p["default"] is not None},
        cdf=all(v.get("cdf", False) for v in row["variants"]),
    )


def _load_catalogue() -> dict[str, dict]:
    """The catalogue's rows by name, read once (checked for its version)."""
    try:
        doc = json.loads(CATALOGUE_PATH.read_text())
    except FileNotFoundError:
        raise ImportError(
            f"exmc: the distribution catalogue {CATALOGUE_PATH} is missing: the package was not built "
            "(install it with pip, or run `make install`)"
        ) from None
    if doc.get("version") != 1:
        raise ImportError(f"exmc: {CATALOGUE_PATH} has catalogue version {doc.get('version')}, this exmc reads 1")
    return {row["name"]: row for row in doc["distributions"]}


#: the Go core's catalogue as written by the build: name -> row (the JSON
#: of exmc_catalogue), read once; the PyMC translator reads it from here
CATALOGUE: dict[str, dict] = _load_catalogue()
_SPECS: dict[str, _Spec] = {name: _spec_of(row) for name, row in CATALOGUE.items()}

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


class _UnnamedDist:
    """What ``Distribution.dist(...)`` returns: a distribution with its
    parameters but no node (used as ``GaussianRandomWalk(init_dist=...)``)."""

    def __init__(self, spec: _Spec, params: dict[str, Any]):
        self.spec = spec
        self.params = params

    def __repr__(self) -> str:
        return f"{self.spec.dist}.dist({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"


def _value_shape(spec: _Spec, param: str, param_shape: tuple) -> tuple:
    """The part of a parameter's shape that broadcasts to the value's."""
    return tuple(param_shape[:-1]) if param in spec.component_axis and param_shape else tuple(param_shape)


def _event_shape(spec: _Spec, name: Any, params: dict, target: tuple | None) -> tuple:
    """The value's shape for an event distribution: the given one, or the
    parameters' batch axes broadcast, then the event axes of the parameter
    the catalogue names. The Go core checks the rest when it compiles."""
    batches = {}
    for p, e in params.items():
        k = spec.event_dims.get(spec.aliases.get(p, p))
        if k is None:
            continue  # a static parameter
        if len(e.shape) < k:
            raise _err(spec, name, f"parameter {p!r} needs {k} event axes, got shape {e.shape}")
        batches[p] = tuple(e.shape[: len(e.shape) - k])
    if target is not None:
        return tuple(target)
    if not spec.shape_from or spec.shape_from not in params:
        raise _err(spec, name, "needs shape= or dims= (its parameters do not say the value's event axes)")
    try:
        batch = tuple(np.broadcast_shapes(*batches.values())) if batches else ()
    except ValueError:
        raise _err(spec, name, f"the parameters' batch shapes {batches} do not broadcast") from None
    src = params[spec.shape_from].shape
    return batch + tuple(src[len(src) - spec.value_dims:])


def _make_rv(spec: _Spec, name: Any, args: tuple, kwargs: dict, wrap: tuple | None = None):
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

    for alias, canon in spec.aliases.items():
        if alias in raw and canon in raw:
            raise _err(spec, name, f"give either {alias!r} or {canon!r}, not both")

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
    for p in (*spec.params, *spec.aliases):
        if p not in raw:
            continue
        try:
            params[p] = as_expr(raw[p], model=m, what=f"parameter {p!r}", defer_data=True)
        except (TypeError, ValueError) as err:
            raise _err(spec, name, str(err)) from None
        m._check_refs(name, params[p])

    given = {spec.aliases.get(p, p) for p in params}
    missing = [p for p in spec.required if p not in given]
    if missing:
        raise _err(spec, name, f"missing parameter(s) {missing}")
    if spec.one_of:
        among = {p for g in spec.one_of for p in g}
        given_alt = {p for p in given if p in among}
        if given_alt not in [set(g) for g in spec.one_of]:
            choices = " or ".join(str(list(g)) for g in spec.one_of)
            raise _err(spec, name, f"give exactly one of the parameter sets {choices}")

    transform = "auto"
    t = options.get("transform", _UNSET)
    if t is not _UNSET:
        if t is None or t == "none":
            transform = "none"
        elif t == "ordered":
            transform = "ordered"
        elif t != "auto":
            raise _err(spec, name, f"transform must be None, 'none', 'auto' or 'ordered', got {t!r}")
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

    is_grw = spec.along_last_axis
    bounds: dict[str, Any] = {}
    if wrap is not None:
        how, lower, upper = wrap
        for side, b in (("lower", lower), ("upper", upper)):
            e = _bound(spec, name, side, b, m)
            if e is not None:
                bounds[side] = e
        if not bounds and how == "truncated":
            raise _err(spec, name, "Truncated needs a lower bound, an upper bound, or both")
        if bounds and how == "censored" and observed is None:
            raise _err(spec, name, "Censored is observed only (give observed=...): censoring says how data were recorded")
    if spec.event:
        target = _event_shape(spec, name, params, given[0][1] if given else None)
    elif given:
        target = given[0][1]
    elif is_grw:
        raise _err(spec, name, "needs shape=, dims= or steps= (the walk runs along the last axis)")
    else:
        try:
            shapes = [_value_shape(spec, p, e.shape) for p, e in params.items()] + [_bound_shape(e) for e in bounds.values()]
            target = tuple(np.broadcast_shapes(*shapes)) if shapes else ()
        except ValueError:
            shapes = {p: e.shape for p, e in params.items()}
            raise _err(spec, name, f"parameter shapes {shapes} do not broadcast") from None

    if observed is None and any(d == 0 for d in target):
        raise _err(spec, name, f"shape {target} has an empty dimension")
    if spec.event:
        pass  # the event axes and the batch axes' broadcasting: checked by the Go core
    elif is_grw:
        if len(target) == 0:
            raise _err(spec, name, "a random walk needs at least one axis")
        for p, e in params.items():
            if e.size != 1:
                raise _err(spec, name, f"parameter {p!r} must be a scalar, got shape {e.shape}")
    else:
        axis = {p: e for p, e in params.items() if p in spec.component_axis}
        if axis:
            if all(len(e.shape) == 0 for e in axis.values()):
                raise _err(spec, name, f"{' or '.join(axis)} needs a last axis of components (categories, cutpoints)")
            if len({e.shape[-1] for e in axis.values() if e.shape and e.shape[-1] != 1}) > 1:
                shapes = {p: e.shape for p, e in axis.items()}
                raise _err(spec, name, f"the parameters' last axes (the components) differ: {shapes}")
        for p, e in params.items():
            try:
                vs = _value_shape(spec, p, e.shape)
                ok = tuple(np.broadcast_shapes(vs, target)) == tuple(target)
            except ValueError:
                ok = False
            if not ok:
                raise _err(
                    spec, name, f"parameter {p!r} of shape {e.shape} does not broadcast to the variable's shape {target}"
                )

    for side, e in bounds.items():
        bs = _bound_shape(e)
        try:
            ok = tuple(np.broadcast_shapes(bs, target)) == tuple(target)
        except ValueError:
            ok = False
        if not ok:
            raise _err(spec, name, f"the {side} bound of shape {bs} does not broadcast to the variable's shape {target}")
    params = {p: materialize(e, m) for p, e in params.items()}
    bounds = {side: _register_bound(e, m, name, side) for side, e in bounds.items()}
    if observed is not None:
        if obs_expr is None:
            data_name = f"{name}{OBSERVED_SUFFIX}"
            if data_name in m:
                raise _err(spec, name, f"the name {data_name!r} for its observed data is already used")
            obs_expr = m._register(DataVariable(data_name, m, obs_array, dims, auto=True))
        rv = ObservedRV(name, m, spec.dist, params, target, dims, obs_expr)
    else:
        rv = FreeRV(name, m, spec.dist, params, target, dims, transform, noncentered)
    if bounds:
        rv.wrapping = (wrap[0], bounds)
    return m._register(rv)


def _bound(spec: _Spec, name: Any, side: str, b: Any, m: Model):
    """A censoring or truncation bound: an expression, a numpy array with
    infinite elements (no bound there; kept as an array until the node
    passes its checks), or None for none (None or an infinity on its own
    side, as in PyMC)."""
    if b is None:
        return None
    if isinstance(b, Expr):
        m._check_refs(name, b)
        return b
    try:
        arr = np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError):
        raise _err(spec, name, f"the {side} bound must be a number, an array or an expression, got {b!r}") from None
    none = -np.inf if side == "lower" else np.inf
    if np.all(arr == none):
        return None
    if np.any(np.isnan(arr)) or np.any(arr == -none):
        raise _err(spec, name, f"the {side} bound holds NaN or {-none}")
    if np.all(np.isfinite(arr)):
        return as_expr(arr, model=m, what=f"the {side} bound", defer_data=True)
    return arr


def _bound_shape(e) -> tuple:
    return tuple(e.shape)


def _register_bound(e, m: Model, name: str, side: str) -> Expr:
    if isinstance(e, np.ndarray):
        data = f"{name}_{side}"
        while data in m:
            data += "_"
        return m._register(DataVariable(data, m, _frozen_array(e, data, infinite=True), None, auto=True))
    return materialize(e, m)


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


def _wrapped(how: str, name: Any, dist: Any, lower: Any, upper: Any, kwargs: dict):
    title = how.capitalize()
    if not isinstance(dist, _UnnamedDist):
        raise ValueError(f"{title} {name!r}: dist must be an unnamed distribution, such as exmc.Normal.dist(mu, sigma), "
                         f"got {dist!r}")
    spec = dist.spec
    if not spec.cdf:
        have = sorted(n for n, sp in _SPECS.items() if sp.cdf)
        raise ValueError(f"{title} {name!r}: {spec.dist} has no log-CDF in exmc, so it cannot be {how} "
                         f"(those with one: {', '.join(have)})")
    for k in kwargs:
        if k in spec.params or k in spec.aliases:
            raise ValueError(f"{title} {name!r}: give {k!r} to {spec.dist}.dist, not to {title}")
    return _make_rv(spec, name, (), {**dist.params, **kwargs}, wrap=(how, lower, upper))


class Censored:
    """Censored(name, dist, lower=None, upper=None, *, observed, ...)

    pm.Censored: ``dist`` (an unnamed distribution with a log-CDF, such as
    ``exmc.Weibull.dist(alpha, beta)``) observed through censoring. A value
    equal to ``lower`` stands for everything at or below it (its
    log-probability is the log-CDF there), one equal to ``upper`` for
    everything above it (the log-survival function), one between them for
    itself. A bound is None (or an infinity on its own side) for none, a
    number, an array (infinite elements: no bound for those values) or an
    expression. Observed only."""

    def __new__(cls, name, dist, lower=None, upper=None, **kwargs):
        return _wrapped("censored", name, dist, lower, upper, kwargs)


class Truncated:
    """Truncated(name, dist, lower=None, upper=None, **options)

    pm.Truncated: ``dist`` (an unnamed distribution with a log-CDF)
    restricted to [lower, upper], its density renormalised there. Bounds as
    in :class:`Censored`; at least one. A free truncated variable is
    sampled through PyMC's interval transform between its bounds."""

    def __new__(cls, name, dist, lower=None, upper=None, **kwargs):
        return _wrapped("truncated", name, dist, lower, upper, kwargs)


class TruncatedNormal:
    """TruncatedNormal(name, mu=0, sigma=None, *, tau=None, lower=None, upper=None, **options)

    pm.TruncatedNormal: a Normal truncated to [lower, upper], that is
    ``Truncated(name, Normal.dist(mu, sigma), lower, upper)``."""

    def __new__(cls, name, mu=0.0, sigma=None, *, tau=None, lower=None, upper=None, **kwargs):
        params = {"mu": mu}
        if sigma is not None:
            params["sigma"] = sigma
        if tau is not None:
            params["tau"] = tau
        normal = _UnnamedDist(_SPECS["Normal"], params)
        if lower is None and upper is None:
            return _make_rv(normal.spec, name, (), {**params, **kwargs})
        return _wrapped("truncated", name, normal, lower, upper, kwargs)


def _signature(spec: _Spec) -> str:
    parts = [f"{p}={spec.defaults[p]:g}" if p in spec.defaults else (p if p in spec.required else f"{p}=None")
             for p in spec.params]
    extra = [f"{o}=None" for o in spec.extra_options]
    return f"{spec.dist}(name, {', '.join(parts + (['*', *extra] if extra else []))})".replace("(name, )", "(name)")


def _make_class(spec: _Spec) -> type:
    doc = f"{_signature(spec)}\n\n{spec.doc}"
    if spec.aliases:
        doc += " " + "; ".join(f"``{a}`` may replace ``{p}``, as in PyMC" for a, p in spec.aliases.items()) + "."
    if spec.discrete:
        doc += " Observed only."
    return type(spec.dist, (Distribution,), {"_spec": spec, "__doc__": doc, "__module__": __name__})


for _name, _s in _SPECS.items():
    globals()[_name] = _make_class(_s)
del _name, _s

__all__ = ["Distribution", "DISTRIBUTIONS", "Censored", "Truncated", "TruncatedNormal", *_SPECS]
