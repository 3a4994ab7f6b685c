"""What the user wrote, for the bridge's messages: the PyMC distribution a
random variable came from (``pm.ZeroInflatedPoisson``, not the mixture op it
is built of), the transform passed as ``transform=``, and the PyTensor
function behind an op (``pt.linalg.cholesky``, not ``Blockwise{Cholesky}``).

The names are found in PyMC's and PyTensor's own namespaces, so that a
distribution or function added to either is named without a table here;
the few ops and distributions whose user-level name cannot be read off
their class are recognised by the structure PyMC builds for them."""

from __future__ import annotations

import functools
import importlib
import inspect
import re
from typing import Any

from ._graph import describe_op

# ---------------------------------------------------------------------------
# PyTensor ops -> the function a user calls

# where PyTensor's user-level functions live, and how a user spells each
_NAMESPACES = (
    ("pytensor.tensor", "pt"),
    ("pytensor.tensor.linalg", "pt.linalg"),
    ("pytensor.tensor.special", "pt.special"),
    ("pytensor", "pytensor"),
)

# ops whose function's name is not their class's
_RENAMED = {
    "MatrixInverse": "pt.linalg.inv",
    "MatrixPinv": "pt.linalg.pinv",
    "AllocDiag": "pt.diag",
    "KroneckerProduct": "pt.linalg.kron",
    "MaxAndArgmax": "pt.max",
}

# a reduction's scalar op -> its function
_REDUCTIONS = {"Add": "sum", "Mul": "prod", "Maximum": "max", "Minimum": "min", "AND": "all", "OR": "any"}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


@functools.lru_cache(maxsize=None)
def _modules() -> tuple[tuple[Any, str], ...]:
    out = []
    for path, shown in _NAMESPACES:
        try:
            out.append((importlib.import_module(path), shown))
        except ImportError:  # pragma: no cover (an older PyTensor)
            continue
    return tuple(out)


@functools.lru_cache(maxsize=None)
def _function_for_class(cls: str) -> str | None:
    if cls in _RENAMED:
        return _RENAMED[cls]
    bases = [cls]
    for suffix in ("Op", "RV"):
        if cls.endswith(suffix) and len(cls) > len(suffix):
            bases.append(cls[: -len(suffix)])
    candidates = []
    for b in bases:
        for c in (_snake(b), b.lower()):
            if c not in candidates:
                candidates.append(c)
    for module, shown in _modules():
        for c in candidates:
            f = getattr(module, c, None)
            if callable(f) and not inspect.isclass(f) and str(getattr(f, "__module__", "")).startswith("pytensor"):
                return f"{shown}.{c}"
    return None


def _op_class(op: Any) -> str:
    """The op's class, with the op it wraps: ``Blockwise(Cholesky)``."""
    cls = type(op).__name__
    inner = getattr(op, "scalar_op", None) if cls == "Elemwise" else getattr(op, "core_op", None)
    if inner is not None and cls in ("Elemwise", "Blockwise"):
        return f"{cls}({_op_class(inner)})"
    return cls


def user_function(op: Any) -> str | None:
    """The PyTensor function a user calls to build ``op``
    (``pt.prod``, ``pt.linalg.cholesky``, ``pytensor.scan``), or None."""
    cls = type(op).__name__
    if cls == "Elemwise":
        return user_function(op.scalar_op)
    if cls == "Blockwise":
        return user_function(op.core_op)
    if cls in ("IncSubtensor", "AdvancedIncSubtensor", "AdvancedIncSubtensor1"):
        return "pt.set_subtensor" if getattr(op, "set_instead_of_inc", False) else "pt.inc_subtensor"
    if cls == "CumOp":
        return {"add": "pt.cumsum", "mul": "pt.cumprod"}.get(getattr(op, "mode", None))
    scalar = getattr(op, "scalar_op", None)
    if scalar is not None and cls in ("CAReduce", "Sum", "Prod", "Max", "Min", "All", "Any"):
        fn = _REDUCTIONS.get(type(scalar).__name__)
        if fn is not None:
            return f"pt.{fn}"
    if cls in ("CheckAndRaise", "Assert"):
        return f"pytensor.raise_op.{cls}"
    return _function_for_class(cls)


def op_phrase(op: Any) -> str:
    """An op as the user wrote it, with PyTensor's class for reference:
    ``pt.linalg.cholesky (PyTensor's Blockwise(Cholesky))``."""
    fn = user_function(op)
    if fn is None:
        return f"the PyTensor op {describe_op(op)}"
    cls = _op_class(op)
    return fn if fn.rsplit(".", 1)[-1] == cls else f"{fn} (PyTensor's {cls})"


# ---------------------------------------------------------------------------
# random variables -> the PyMC distribution


@functools.lru_cache(maxsize=None)
def _pymc_distributions() -> tuple[dict, dict]:
    """``{RV op class: PyMC name}`` from the distributions' ``rv_type``, and
    ``{lower-case name without underscores: PyMC name}`` of every
    distribution PyMC exports."""
    import pymc as pm

    by_type: dict = {}
    by_key: dict = {}
    base = getattr(pm, "Distribution", None)
    for name in dir(pm):
        obj = getattr(pm, name, None)
        if not inspect.isclass(obj) or name.startswith("_"):
            continue
        rv_type = getattr(obj, "rv_type", None)
        is_dist = rv_type is not None or (base is not None and issubclass(obj, base))
        if not is_dist:
            continue
        if inspect.isclass(rv_type):
            # the first (alphabetical) spelling wins: LogNormal before Lognormal
            by_type.setdefault(rv_type, name)
        by_key.setdefault(name.lower().replace("_", ""), name)
    return by_type, by_key


def _rv_params(rv: Any) -> list:
    op = rv.owner.op
    try:
        return list(op.dist_params(rv.owner))
    except Exception:  # noqa: BLE001  (some symbolic RVs cannot list theirs)
        return list(rv.owner.inputs)


def _is_rv(var: Any) -> bool:
    node = getattr(var, "owner", None)
    if node is None:
        return False
    from pytensor.tensor.random.op import RandomVariable

    if isinstance(node.op, RandomVariable):
        return True
    try:
        from pymc.distributions.distribution import SymbolicRandomVariable
    except ImportError:  # pragma: no cover
        return False
    return isinstance(node.op, SymbolicRandomVariable)


def _op_distribution(op: Any) -> str:
    """PyMC's name for a random-variable op, without the ``pm.`` prefix
    when PyMC has no such name."""
    by_type, by_key = _pymc_distributions()
    for cls in type(op).__mro__:
        if cls in by_type:
            return f"pm.{by_type[cls]}"
    printed = getattr(op, "_print_name", None)
    printed = printed[0] if isinstance(printed, tuple) and printed else getattr(op, "name", None)
    if isinstance(printed, str) and printed:
        for key in (printed, printed.split("_")[0]):
            hit = by_key.get(key.lower().replace("_", ""))
            if hit is not None:
                return f"pm.{hit}"
        return printed
    return type(op).__name__


def distribution_name(rv: Any) -> str:
    """The PyMC distribution behind a random variable, as the user wrote it:
    ``pm.ZeroInflatedPoisson``, ``pm.OrderedLogistic``,
    ``pm.Censored(pm.Normal.dist(...))``."""
    node = getattr(rv, "owner", None)
    if node is None:
        return type(rv).__name__
    op = node.op
    cls = type(op).__name__
    if cls == "MinibatchRandomVariable":
        inner = node.inputs[0]
        return f"{distribution_name(inner)} with total_size= (minibatch scaling)"
    if cls in ("MixtureRV", "_HurdleRV"):
        name = _zero_inflated(rv, hurdle=cls == "_HurdleRV")
        if name is not None:
            return name
    if cls == "CategoricalRV":
        name = _ordered_categorical(_rv_params(rv)[0])
        if name is not None:
            return name
    if cls == "RandomWalkRV":
        name = _predefined_walk(rv)
        if name is not None:
            return name
    base_op = getattr(op, "base_rv_op", None)
    if cls == "TruncatedRV" and base_op is not None:
        return f"pm.Truncated({_op_distribution(base_op)}.dist(...))"
    if cls == "CensoredRV":
        inner = [p for p in _rv_params(rv) if _is_rv(p)]
        if inner:
            return f"pm.Censored({distribution_name(inner[0])}.dist(...))"
    return _op_distribution(op)


def _plain(name: str) -> str:
    return name[3:] if name.startswith("pm.") else name


def _zero_inflated(rv: Any, hurdle: bool) -> str | None:
    """``pm.ZeroInflatedPoisson`` / ``pm.HurdleGamma``: PyMC builds those as
    a two-component mixture whose first component is a point mass."""
    import pymc as pm

    comps = [p for p in _rv_params(rv) if _is_rv(p)]
    if len(comps) != 2 or type(comps[0].owner.op).__name__ != "DiracDeltaRV":
        return None
    other = comps[1].owner.op
    base = getattr(other, "base_rv_op", None) if type(other).__name__ == "TruncatedRV" else None
    inner = _plain(_op_distribution(base if base is not None else other))
    name = f"{'Hurdle' if hurdle else 'ZeroInflated'}{inner}"
    return f"pm.{name}" if hasattr(pm, name) else None


def _predefined_walk(rv: Any) -> str | None:
    """``pm.GaussianRandomWalk`` / ``pm.MvStudentTRandomWalk``: PyMC's
    random walks named after their innovation distribution (a Normal one
    is Gaussian)."""
    import pymc as pm

    comps = [p for p in _rv_params(rv) if _is_rv(p)]
    if len(comps) != 2:
        return None
    inner = _plain(_op_distribution(comps[1].owner.op)).replace("Normal", "Gaussian")
    name = f"{inner}RandomWalk"
    return f"pm.{name}" if hasattr(pm, name) else None


def _strip_views(var: Any) -> Any:
    while var.owner is not None and type(var.owner.op).__name__ in ("DimShuffle", "ViewOp", "Identity"):
        var = var.owner.inputs[0]
    return var


def _scalar_ops_under(var: Any, limit: int = 200) -> set[str]:
    """The elementwise scalar ops in var's graph, up to the random variables
    it uses (``limit`` nodes at most)."""
    seen: set = set()
    found: set[str] = set()
    stack = [var]
    while stack and len(seen) < limit:
        v = stack.pop()
        if v in seen or v.owner is None or _is_rv(v):
            continue
        seen.add(v)
        op = v.owner.op
        if type(op).__name__ == "Elemwise":
            found.add(type(op.scalar_op).__name__)
        stack.extend(v.owner.inputs)
    return found


def _ordered_categorical(p: Any) -> str | None:
    """``pm.OrderedLogistic`` / ``pm.OrderedProbit``: a Categorical whose
    probabilities are the differences of a cumulative logistic curve, or
    the exponential of log normal-CDF differences, joined along the last
    axis."""
    p = _strip_views(p)
    node = p.owner
    if node is None or type(node.op).__name__ != "Elemwise":
        return None
    kind = type(node.op.scalar_op).__name__
    if kind == "Sub":
        parts = [_strip_views(i) for i in node.inputs]
        joins = {
            i.owner.inputs[0]
            for i in parts
            if i.owner is not None and type(i.owner.op).__name__ == "Subtensor"
            and i.owner.inputs[0].owner is not None and type(i.owner.inputs[0].owner.op).__name__ == "Join"
        }
        if len(joins) == 1 and len(parts) == 2 and "Sigmoid" in _scalar_ops_under(next(iter(joins))):
            return "pm.OrderedLogistic"
        return None
    if kind == "Exp":
        inner = _strip_views(node.inputs[0])
        if inner.owner is not None and type(inner.owner.op).__name__ == "Join":
            if _scalar_ops_under(inner) & {"Erfc", "Erfcx", "Erf"}:
                return "pm.OrderedProbit"
    return None


def with_article(name: str) -> str:
    """``a pm.Exponential``, ``an Interpolated``."""
    if name.startswith("pm."):
        return f"a {name}"
    return f"{'an' if name[:1].upper() in 'AEIOU' else 'a'} {name}"


# ---------------------------------------------------------------------------
# transforms -> what was passed as transform=

_TRANSFORMS = "pm.distributions.transforms"


def _attrs(obj: Any) -> dict:
    return {k: v for k, v in getattr(obj, "__dict__", {}).items() if not k.startswith("_")}


def transform_name(tr: Any) -> str:
    """A transform as a user passes it: ``pm.distributions.transforms.ordered``,
    ``pm.distributions.transforms.Ordered(positive=True)``, or the parts of a
    chain joined by ``+``."""
    parts = getattr(tr, "transform_list", None)
    if parts is not None:
        return " + ".join(transform_name(t) for t in parts)
    from pymc.distributions import transforms as T

    cls = type(tr)
    attrs = _attrs(tr)
    for name in dir(T):
        obj = getattr(T, name, None)
        if name.startswith("_") or inspect.isclass(obj) or type(obj) is not cls:
            continue
        if _attrs(obj) == attrs:
            return f"{_TRANSFORMS}.{name}"
    simple = {k: v for k, v in attrs.items() if isinstance(v, (bool, int, float, str))}
    args = ", ".join(f"{k}={v!r}" for k, v in simple.items())
    if hasattr(T, cls.__name__):
        return f"{_TRANSFORMS}.{cls.__name__}({args})"
    return f"{cls.__name__}({args})"
