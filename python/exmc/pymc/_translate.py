"""Translating a PyMC model into an ``exmc.model/v1`` document.

Each random variable of the model becomes a node whose distribution is the
exmc distribution of its PyTensor op, with PyMC's parameters; the PyTensor
graphs between the variables (the parameters' expressions, deterministics,
potentials) become exmc expressions. Parts of a graph that depend on no free
random variable are evaluated here with numpy (the ops' own ``perform``) and
travel as constants or data arrays; an observed variable used in an
expression stands for its observed values, as in PyMC's log-density.

Whatever cannot be translated is collected, with the variable it belongs to,
into one :class:`UnsupportedModelError`, never approximated or skipped: an op
this module does not know is refused by the name the user wrote it with
(``pt.linalg.cholesky``, ``pm.ZeroInflatedPoisson``), and an assertion
(``pytensor.raise_op.Assert``) on free variables makes the log-density -inf
where it fails.
"""

from __future__ import annotations

import functools
import json
import math
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..distributions import CATALOGUE
from ..model import FORMAT
from ._graph import elemwise_input, is_none_const, op_name, perform
from ._names import distribution_name, op_phrase, transform_name, with_article

#: numpy arrays with more elements than this travel as data arrays (Arrow),
#: smaller ones inline in the JSON
CONST_INLINE_LIMIT = 64

FALLBACK_HINT = (
    "Sample it through PyMC's own log-density instead (compiled with PyTensor's numba backend): "
    "exmc.sample(model, backend='pymc'), or exmc.from_pymc(model, backend='pymc')."
)


class UnsupportedModelError(ValueError):
    """A PyMC model, or part of it, that exmc cannot express or sample.
    ``problems`` lists ``(variable, what)`` pairs; ``fallback`` says whether
    ``backend='pymc'`` (PyMC's own log-density) can sample the model."""

    def __init__(self, problems: list[tuple[str, str]], fallback: bool = True):
        self.problems = list(problems)
        self.fallback = bool(fallback)
        lines = "\n".join(f"  - {name!r}: {what}" for name, what in self.problems)
        if self.fallback:
            text = f"exmc cannot translate this PyMC model into its own core:\n{lines}\n{FALLBACK_HINT}"
        else:
            text = f"exmc cannot sample this PyMC model:\n{lines}"
        super().__init__(text)


def discrete_problems(model: Any) -> list[tuple[str, str]]:
    """The model's discrete free variables, each with why exmc refuses it:
    NUTS moves through continuous space, and rounding its moves onto the
    integers samples the wrong distribution."""
    out = []
    for rv in model.free_RVs:
        if not _is_float_dtype(rv.type.dtype):
            out.append((rv.name, (
                f"it is discrete ({distribution_name(rv)}, dtype {rv.type.dtype}): NUTS needs continuous "
                "variables; marginalise it out of the model, or sample the model with PyMC's compound "
                "step (pm.sample)"
            )))
    return out


class _Problem(Exception):
    """Something one variable needs that cannot be translated."""


class _Failed(Exception):
    """A reference to a variable whose own translation failed (already
    reported under that variable's name)."""


# ---------------------------------------------------------------------------
# translated values


class _E:
    """An exmc expression that depends on free variables: its JSON and shape."""

    __slots__ = ("json", "shape", "base")

    def __init__(self, json: Any, shape, base: "_E | None" = None):
        self.json = json
        self.shape = tuple(int(d) for d in shape)
        # for a reshape: the expression reshaped, so that reshapes fold
        self.base = base

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))


class _C:
    """A value that depends on no free variable. ``name`` is the data node
    it is, when it is a named ``pm.Data`` variable."""

    __slots__ = ("value", "name", "_json")

    def __init__(self, value: Any, name: str | None = None):
        self.value = value
        self.name = name
        self._json = None

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.value))

    @property
    def ndim(self) -> int:
        return len(self.shape)


# ---------------------------------------------------------------------------
# the result


@dataclass
class FreeBlock:
    """One free variable as PyMC lays it out in the unconstrained vector."""

    name: str  # the random variable
    value_name: str  # PyMC's value variable (``sigma_log__``)
    shape: tuple[int, ...]
    size: int
    transform: str  # "identity", "log", "interval", "ordered", "simplex", "zerosum"


@dataclass
class Translation:
    """A PyMC model as an exmc document, with what the bridge needs to map
    between the two."""

    doc: dict
    arrays: dict[str, np.ndarray]
    free: list[FreeBlock]
    observed: list[str]
    deterministics: list[str]  # translated, reported by the core
    pending: dict[str, str] = field(default_factory=dict)  # deterministics left to PyMC: name -> why

    def to_json(self, inline_data: bool = False) -> str:
        import json

        if not inline_data:
            return json.dumps(self.doc)
        doc = dict(self.doc)
        doc["nodes"] = [
            {**n, "values": self.arrays[n["name"]].ravel().tolist()} if n["kind"] == "data" else n
            for n in self.doc["nodes"]
        ]
        return json.dumps(doc)

    def data_arrays(self) -> dict[str, np.ndarray]:
        return dict(self.arrays)


# the Go core's catalogue: each distribution's parameters and default
# transform ("identity", "log" or "interval"), and for a PyMC class whose
# random variable takes the catalogue's parameters in its order, the
# distribution it translates to without a handler of its own
_CATALOGUE = CATALOGUE
_DEFAULT_TRANSFORM = {
    name: {"none": "identity"}.get(row["variants"][0]["transform"], row["variants"][0]["transform"].split("(")[0])
    for name, row in _CATALOGUE.items()
}


# PyMC's transform classes -> exmc's names of them
_PYMC_TRANSFORMS = {
    "LogTransform": "log",
    "LogOddsTransform": "interval",
    "Interval": "interval",
    "Ordered": "ordered",
    "SimplexTransform": "simplex",
    "CircularTransform": "circular",
    "ZeroSumTransform": "zerosum",
    "CholeskyCovPacked": "cholesky-cov-packed",
}


def _unconstrained_size(shape: tuple, transform: str, axes: int = 1) -> int:
    """The number of unconstrained coordinates of a free variable of the
    given shape: one fewer along the last axis of a simplex, along each of
    the last axes of a zero-sum variable."""
    if transform in ("simplex", "zerosum"):
        k = len(shape) - axes
        shape = tuple(shape[:k]) + tuple(d - 1 for d in shape[k:])
    return int(np.prod(shape, dtype=np.int64))


def _interval_bounds(row: dict) -> tuple[str | None, str | None] | None:
    """The parameters bounding a row's default interval transform
    ("interval(lower, upper)", "interval(m, inf)"; None for an infinite
    bound), or None when its bounds are constants or it has none."""
    tr = row["variants"][0]["transform"]
    if not tr.startswith("interval("):
        return None
    names = [b.strip() for b in tr[len("interval("):-1].split(",")]
    params = row["variants"][0]["params"]
    if not any(n in params for n in names):
        return None
    lo, hi = (n if n in params else None for n in names)
    return lo, hi


_INTERVAL_BOUNDS = {name: b for name, row in _CATALOGUE.items() if (b := _interval_bounds(row)) is not None}


@functools.cache
def _rv_op_names() -> dict[str, str]:
    """PyTensor RV op class name -> the catalogue's distribution, for each
    PyMC class the catalogue names."""
    import pymc as pm

    out = {}
    for name, row in _CATALOGUE.items():
        if row["layout"] not in ("elementwise", "event"):
            continue
        try:
            rv_type = getattr(pm, row["pymc"]).rv_type
        except Exception:  # noqa: BLE001 - a class PyMC builds its op for on demand
            continue
        if isinstance(rv_type, type):
            out[rv_type.__name__] = name
    return out


# Elemwise scalar ops that map one to one onto exmc ops
_UNARY = {
    "Neg": "neg",
    "Exp": "exp",
    "Log": "log",
    "Log1p": "log1p",
    "Expm1": "expm1",
    "Sqrt": "sqrt",
    "Sqr": "square",
    "Abs": "abs",
    "Sigmoid": "sigmoid",
    "Softplus": "softplus",
    "Tanh": "tanh",
    "Erf": "erf",
    "Erfc": "erfc",
    "Erfcx": "erfcx",
    "GammaLn": "gammaln",
    "Psi": "digamma",
    "Sin": "sin",
    "Cos": "cos",
    # piecewise constant: the gradient is 0, as PyTensor's
    "Floor": "floor",
    "Ceil": "ceil",
    "RoundHalfToEven": "round",
}
_BINARY = {
    "Sub": "sub",
    "TrueDiv": "div",
    "Pow": "pow",
    "Maximum": "maximum",
    "Minimum": "minimum",
    "ScalarMaximum": "maximum",
    "ScalarMinimum": "minimum",
    "GT": "gt",
    "GE": "ge",
    "LT": "lt",
    "LE": "le",
    "EQ": "eq",
    "NEQ": "neq",
    "XOR": "neq",
}
_NARY = {"Add": "add", "Mul": "mul", "AND": "mul", "OR": "maximum"}
# ops that pass their first input through unchanged
_PASS_THROUGH = {
    "Identity",
    "ViewOp",
    "OutputGuard",
    "DeepCopyOp",
    "TensorFromScalar",
    "ScalarFromTensor",
}


def _is_float_dtype(dtype: str) -> bool:
    return str(dtype).startswith("float")


class Translator:
    def __init__(self, model: Any, noncentered: bool | None = None):
        self.m = model
        self.noncentered = noncentered
        self.free_rvs = list(model.free_RVs)
        self.observed_rvs = list(model.observed_RVs)
        self._free = set(self.free_rvs)
        self._observed = set(self.observed_rvs)
        self._dets = {d: d.name for d in model.deterministics}
        self._data = {v: v.name for v in getattr(model, "data_vars", [])}
        self.taken = set(model.named_vars)
        self.nodes: list[dict] = []
        self.arrays: dict[str, np.ndarray] = {}
        self.problems: list[tuple[str, str]] = []
        self.det_problems: dict[str, str] = {}
        self._random: dict[Any, bool] = {}
        self._memo: dict[Any, Any] = {}
        self._free_done: dict[Any, _E | None] = {}
        self._data_nodes: dict[str, str] = {}
        self._index_nodes: dict[int, tuple[str, Any]] = {}
        self._norm_cache: dict[tuple[int, int], tuple[Any, np.ndarray]] = {}
        self._auto = 0
        # conditions of assertions on free variables: the log-density is
        # -inf where one fails
        self._assertions: list[_E] = []
        # PyTensor graphs of further log-density terms that distributions
        # bring (LKJCholeskyCov's sd_dist at its rows' lengths), written as
        # potentials once the variables they read are nodes
        self._extra_terms: list[tuple[str, Any]] = []
        self._in_deterministics = False
        self._discrete_problems = discrete_problems(model)
        self._discrete = {name for name, _ in self._discrete_problems}

    # -- names and nodes -----------------------------------------------------
    def _fresh(self, base: str) -> str:
        while True:
            name = f"__{base}{self._auto}"
            self._auto += 1
            if name not in self.taken:
                self.taken.add(name)
                return name

    def _data_node(self, value: np.ndarray, name: str | None = None, integer: bool = False) -> str:
        arr = np.asarray(value)
        if integer:
            arr = np.ascontiguousarray(arr, dtype=np.int64)
        else:
            if arr.dtype.kind not in "biuf":
                raise _Problem(f"data of dtype {arr.dtype} is not numeric")
            arr = np.ascontiguousarray(arr, dtype=np.float64)
            if not np.all(np.isfinite(arr)):
                raise _Problem("data contain NaN or infinite values (missing values are not supported)")
        if name is None:
            name = self._fresh("data")
        node = {"name": name, "kind": "data", "shape": list(arr.shape)}
        if integer:
            node["dtype"] = "int64"
        self.nodes.append(node)
        self.arrays[name] = arr
        return name

    # -- dependence on free variables ----------------------------------------
    def is_random(self, var: Any) -> bool:
        """Whether var depends on a free random variable (or on any random
        draw that is not a variable of the model)."""
        hit = self._random.get(var)
        if hit is not None:
            return hit
        stack = [var]
        while stack:
            v = stack[-1]
            if v in self._random:
                stack.pop()
                continue
            if v in self._free:
                self._random[v] = True
                stack.pop()
                continue
            if v in self._observed or v.owner is None or op_name(v.owner.op) in ("Shape", "Shape_i"):
                # shapes are known here even where the values are random
                self._random[v] = False
                stack.pop()
                continue
            if _is_rv_op(v.owner.op):
                # a random draw that is not one of the model's variables
                self._random[v] = True
                stack.pop()
                continue
            todo = [i for i in v.owner.inputs if i not in self._random]
            if todo:
                stack.extend(todo)
                continue
            self._random[v] = any(self._random[i] for i in v.owner.inputs)
            stack.pop()
        return self._random[var]

    # -- constants -------------------------------------------------------------
    def const(self, var: Any) -> Any:
        """The numeric value of a variable that depends on no free variable."""
        if var in self._memo:
            c = self._memo[var]
            if isinstance(c, _C):
                return c.value
        from pytensor.graph.basic import Constant

        if var is None:
            return None
        if isinstance(var, Constant):
            return var.data
        if hasattr(var, "get_value"):
            return var.get_value(borrow=True)
        if var in self._observed:
            return self.const(self.m.rvs_to_values[var])
        node = var.owner
        if node is None:
            raise _Problem(f"{var} has no value (an input of the graph that is not data)")
        if op_name(node.op) in ("Shape", "Shape_i"):
            inner = node.inputs[0]
            if self.is_random(inner):
                shp = self.value(inner).shape
                if op_name(node.op) == "Shape_i":
                    return np.asarray(shp[node.op.i], dtype=var.dtype)
                return np.asarray(shp, dtype=var.dtype)
        if _is_rv_op(node.op):
            raise _Problem(
                f"the random draw {distribution_name(var)} is not a variable of the model "
                "(a distribution created with .dist() inside an expression)"
            )
        inputs = [self.const(i) for i in node.inputs]
        try:
            outs = perform(node, inputs)
        except _Problem:
            raise
        except Exception as err:  # noqa: BLE001
            if _is_assertion(node.op):
                raise _Problem(
                    f"the assertion {node.op.msg!r} ({op_phrase(node.op)}) fails on the model's constants, "
                    f"so PyMC's log-density raises {type(err).__name__} everywhere"
                ) from None
            raise _Problem(f"could not evaluate {op_phrase(node.op)} on the model's constants: {err}") from None
        for o, v in zip(node.outputs, outs):
            self._memo[o] = _C(v)
        return self._memo[var].value

    def const_ints(self, var: Any) -> tuple[int, ...]:
        return tuple(int(v) for v in np.atleast_1d(np.asarray(self.const(var))))

    def const_int(self, var: Any) -> int:
        v = np.asarray(self.const(var))
        if v.ndim != 0 or v.dtype.kind not in "iub":
            raise _Problem(f"expected a constant integer, got {v!r}")
        return int(v)

    # -- translating values ----------------------------------------------------
    def value(self, var: Any):
        """A _C for a constant, an _E for an expression of free variables."""
        hit = self._memo.get(var)
        if hit is not None:
            if hit is _FAILED:
                raise _Failed()
            return hit
        try:
            if not self.is_random(var):
                name = self._data.get(var)
                out = _C(self.const(var), name=name)
            elif var in self._free:
                out = self.free_ref(var)
            elif var in self._dets:
                try:
                    inner = self.value(var.owner.inputs[0])
                except _Problem as p:
                    if getattr(p, "located", False):
                        raise
                    located = _Problem(f"{p}, in the deterministic {self._dets[var]!r}")
                    located.located = True
                    raise located from None
                out = _E({"ref": self._dets[var]}, inner.shape) if isinstance(inner, _E) else inner
            else:
                out = self._apply(var)
        except (_Problem, _Failed):
            # reported once, under the first variable that met it
            self._memo[var] = _FAILED
            raise
        self._memo[var] = out
        return out

    def operand(self, x: Any, *, index: bool = False) -> _E:
        """An exmc expression for a translated value."""
        if isinstance(x, _E):
            return x
        if not isinstance(x, _C):
            if hasattr(x, "owner") and hasattr(x, "type"):
                return self.operand(self.value(x), index=index)
            x = _C(x)
        arr = np.asarray(x.value)
        if index:
            if arr.dtype.kind not in "iu":
                raise _Problem(f"an index must hold integers, got dtype {arr.dtype}")
            key = id(x.value)
            if key not in self._index_nodes:
                # the value is kept alive with the node, so its id stays its own
                self._index_nodes[key] = (self._data_node(arr, integer=True), x.value)
            return _E({"ref": self._index_nodes[key][0]}, arr.shape)
        if x._json is not None:
            return _E(x._json, arr.shape)
        if arr.dtype.kind == "b":
            arr = arr.astype(np.float64)
        if arr.dtype.kind not in "iuf":
            raise _Problem(f"a constant of dtype {arr.dtype} is not numeric")
        if not np.all(np.isfinite(arr)):
            if arr.ndim == 0 and not np.isnan(arr):
                # the format's constants are finite; log(0) is -Inf once folded
                inf = {"op": "log", "args": [0]}
                return _E(inf if arr < 0 else {"op": "neg", "args": [inf]}, ())
            shown = arr if arr.size < 8 else "array"
            raise _Problem(f"the constant {shown} is not finite, which exmc expressions cannot hold")
        if x.name is not None:
            if x.name not in self._data_nodes:
                self._data_nodes[x.name] = self._data_node(arr, name=x.name)
            js: Any = {"ref": self._data_nodes[x.name]}
        elif arr.ndim == 0:
            v = arr.item()
            js = int(v) if isinstance(v, (int, np.integer)) and abs(int(v)) < 2**53 else float(v)
        elif arr.size <= CONST_INLINE_LIMIT:
            js = {"const": [float(v) for v in arr.ravel()], "shape": list(arr.shape)}
        else:
            js = {"ref": self._data_node(arr)}
        x._json = js
        return _E(js, arr.shape)

    # -- building expressions ---------------------------------------------------
    def op(self, name: str, *args: Any, shape, **attrs) -> _E:
        js = {"op": name, "args": [self.operand(a).json for a in args]}
        js.update(attrs)
        return _E(js, shape)

    def unary(self, name: str, a: Any) -> _E:
        a = self.operand(a)
        return self.op(name, a, shape=a.shape)

    def binary(self, name: str, a: Any, b: Any) -> _E:
        a, b = self.operand(a), self.operand(b)
        try:
            shape = np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            raise _Problem(f"shapes {a.shape} and {b.shape} do not broadcast in {name}") from None
        return self.op(name, a, b, shape=shape)

    def reshape(self, a: Any, shape) -> _E:
        a = self.operand(a)
        shape = tuple(int(d) for d in shape)
        if a.shape == shape:
            return a
        if int(np.prod(shape, dtype=np.int64)) != a.size:
            raise _Problem(f"cannot reshape an array of shape {a.shape} into {shape}")
        if a.base is not None:
            a = a.base  # a reshape of a reshape is one reshape
            if a.shape == shape:
                return a
        return _E({"op": "reshape", "args": [a.json], "shape": list(shape)}, shape, base=a)

    def broadcast_to(self, a: Any, shape) -> _E:
        a = self.operand(a)
        shape = tuple(int(d) for d in shape)
        if a.shape == shape:
            return a
        out = np.broadcast_shapes(a.shape, shape)
        if out != shape:
            raise _Problem(f"cannot broadcast shape {a.shape} to {shape}")
        return self.binary("add", a, _C(np.zeros(shape)))

    def sum(self, a: _E, axes) -> _E:
        if axes is None or len(set(axes)) == a.ndim:
            return self.op("sum", a, shape=())
        out = a
        for ax in sorted({ax % a.ndim for ax in axes}, reverse=True):
            shape = out.shape[:ax] + out.shape[ax + 1 :]
            out = self.op("sum", out, shape=shape, axis=ax)
        return out

    # -- ops ---------------------------------------------------------------------
    def _apply(self, var: Any) -> _E:
        node = var.owner
        op = node.op
        name = op_name(op)
        cls = type(op).__name__
        if _is_rv_op(op):
            raise _Problem(
                f"the random draw {distribution_name(var)} is not a variable of the model "
                "(a distribution created with .dist() inside an expression)"
            )
        if len(node.outputs) != 1 and cls not in ("Elemwise",):
            raise _Problem(f"{op_phrase(op)} is not supported")
        ins = node.inputs
        if cls == "Elemwise":
            return self._elemwise(name, op, ins, var)
        if name in _PASS_THROUGH:
            return self.operand(self.value(ins[0]))
        if _is_scalar_op(op):
            # an op on PyTensor scalars (as in an assertion's condition)
            return self._elemwise_values(name, op, ins, var, [self.value(i) for i in ins])
        if cls == "CheckParameterValue":
            return self._check_parameter(ins)
        if _is_assertion(op):
            return self._assertion(op, ins)
        if cls == "SpecifyShape":
            return self._specify_shape(op, ins)
        handler = _OPS.get(cls)
        if handler is None and cls == "Blockwise":
            # PyTensor's wrapper of a core op over batches of matrices: the
            # exmc ops take the batch axes themselves
            handler = _OPS.get(type(op.core_op).__name__)
        if handler is None:
            raise _Problem(f"{op_phrase(op)} is not supported")
        return handler(self, op, ins, var)

    def _assertion(self, op: Any, ins: list) -> _E:
        """``Assert(msg)(value, *conds)``: the value, with the log-density
        -inf wherever a condition fails (PyMC's log-density raises there,
        which its samplers treat as a rejected point). In a deterministic
        that the log-density does not use, the assertion is PyMC's to check
        when it computes the deterministic."""
        value = self.operand(self.value(ins[0]))
        for c in ins[1:]:
            cv = self.value(c)
            if isinstance(cv, _C):
                if not np.all(np.asarray(cv.value)):
                    raise _Problem(
                        f"the assertion {op.msg!r} ({op_phrase(op)}) always fails, so PyMC's log-density "
                        f"raises {op.exc_type.__name__} everywhere"
                    )
                continue
            if self._in_deterministics:
                raise _Problem(
                    f"it holds the assertion {op.msg!r} ({op_phrase(op)}), which PyMC checks when it "
                    "computes the deterministic"
                )
            cond = self.operand(cv)
            if cond.size != 1:
                raise _Problem(f"the condition of the assertion {op.msg!r} has shape {cond.shape}, not a scalar")
            self._assertions.append(self.reshape(cond, ()))
        return value

    def _specify_shape(self, op: Any, ins: list) -> _E:
        """``pt.specify_shape``: the value, once its shape is the one given
        (PyMC's log-density raises where it is not)."""
        x = self.operand(self.value(ins[0]))
        dims = ins[1:]
        if len(dims) != x.ndim:
            raise _Problem(f"pt.specify_shape gives {len(dims)} dimensions to a value of shape {x.shape}")
        for axis, d in enumerate(dims):
            if is_none_const(d):
                continue
            want = self.const_int(d)
            if want != x.shape[axis]:
                raise _Problem(
                    f"pt.specify_shape requires length {want} on axis {axis}, but the value has shape {x.shape}"
                )
        return x

    def unpadded(self, var: Any, keep: int = 0):
        """The value of var without the leading length-1 axes that PyTensor
        adds for broadcasting (ExpandDims on the left), which numpy's
        broadcasting makes unnecessary; and how many were dropped. The
        last keep axes (a multivariate parameter's event axes) stay."""
        pad = 0
        while var.owner is not None and type(var.owner.op).__name__ == "DimShuffle":
            op = var.owner.op
            k = len(op.new_order) - op.input_ndim
            if k <= 0 or tuple(op.new_order) != ("x",) * k + tuple(range(op.input_ndim)) or op.input_ndim < keep:
                break
            pad += k
            var = var.owner.inputs[0]
        v = self.value(var)
        if isinstance(v, _C):
            arr = np.asarray(v.value)
            lead = 0
            while lead < arr.ndim - keep and arr.shape[lead] == 1 and v.name is None:
                lead += 1
            if lead:
                v = _C(arr.reshape(arr.shape[lead:]))
                pad += lead
        return v, pad

    def _elemwise(self, name: str, op: Any, ins: list, var: Any) -> _E:
        if name == "Log":
            # log(abs(det(x))), as PyTensor writes slogdet's second output:
            # one logabsdet, which neither overflows nor underflows
            inner = elemwise_input(ins[0], "Abs")
            node = getattr(inner, "owner", None)
            if node is not None and type(getattr(node.op, "core_op", node.op)).__name__ == "Det" and self.is_random(inner):
                x = self.operand(self.value(node.inputs[0]))
                self._square(x, "pt.linalg.det")
                return self.op("logabsdet", x, shape=x.shape[:-2])
        stripped = [self.unpadded(i) for i in ins]
        vals = [v for v, _ in stripped]
        want = tuple(var.type.shape)
        out = self._elemwise_values(name, op, ins, var, vals)
        ndim = len(want)
        if out.ndim < ndim:
            out = self.reshape(out, (1,) * (ndim - out.ndim) + out.shape)
        return out

    def _elemwise_values(self, name: str, op: Any, ins: list, var: Any, vals: list) -> _E:
        if name in _UNARY:
            return self.unary(_UNARY[name], vals[0])
        if name in _BINARY:
            return self.binary(_BINARY[name], vals[0], vals[1])
        if name in _NARY:
            out = vals[0]
            for v in vals[1:]:
                out = self.binary(_NARY[name], out, v)
            return self.operand(out)
        if name == "Reciprocal":
            return self.binary("div", _C(1.0), vals[0])
        if name == "Switch":
            c, a, b = (self.operand(v) for v in vals)
            try:
                shape = np.broadcast_shapes(c.shape, a.shape, b.shape)
            except ValueError:
                raise _Problem(f"shapes {c.shape}, {a.shape} and {b.shape} do not broadcast in switch") from None
            return self.op("switch", c, a, b, shape=shape)
        if name == "Clip":
            return self.binary("minimum", self.binary("maximum", vals[0], vals[1]), vals[2])
        if name == "Second":
            shape = np.broadcast_shapes(np.shape(vals[0]) if isinstance(vals[0], _C) else vals[0].shape,
                                        np.shape(vals[1]) if isinstance(vals[1], _C) else vals[1].shape)
            return self.broadcast_to(vals[1], shape)
        if name == "Cast":
            if var.dtype == "bool":
                return self.binary("neq", vals[0], _C(0.0))
            if not _is_float_dtype(var.dtype):
                raise _Problem(f"a cast of a random value to {var.dtype} (pt.cast) is not supported")
            return self.operand(vals[0])
        if name == "Invert":
            if ins[0].dtype != "bool":
                raise _Problem("bitwise not of integers is not supported")
            return self.binary("sub", _C(1.0), vals[0])
        if name == "Sign":
            return self.binary("sub", self.binary("gt", vals[0], _C(0.0)), self.binary("lt", vals[0], _C(0.0)))
        if name == "Log2":
            return self.binary("div", self.unary("log", vals[0]), _C(math.log(2)))
        if name == "Log10":
            return self.binary("div", self.unary("log", vals[0]), _C(math.log(10)))
        if name == "Exp2":
            return self.unary("exp", self.binary("mul", vals[0], _C(math.log(2))))
        if name in ("RoundHalfAwayFromZero", "Trunc"):
            # floor above 0 and ceil below it, of x moved half a step away
            # from 0 to round
            x = self.operand(vals[0])
            h = 0.5 if name == "RoundHalfAwayFromZero" else 0.0
            up = self.unary("floor", self.binary("add", x, _C(h)))
            down = self.unary("ceil", self.binary("sub", x, _C(h)))
            return self.op("switch", self.binary("ge", x, _C(0.0)), up, down, shape=x.shape)
        if name == "Tan":
            return self.binary("div", self.unary("sin", vals[0]), self.unary("cos", vals[0]))
        if name == "Log1mexp":
            # log(1 - exp(x)) for x < 0, in its two stable forms
            x = self.operand(vals[0])
            near = self.unary("log", self.unary("neg", self.unary("expm1", x)))
            far = self.unary("log1p", self.unary("neg", self.unary("exp", x)))
            return self.op("switch", self.binary("lt", x, _C(-math.log(2))), far, near, shape=x.shape)
        if name in ("Cosh", "Sinh"):
            x = self.operand(vals[0])
            up, down = self.unary("exp", x), self.unary("exp", self.unary("neg", x))
            return self.binary("mul", _C(0.5), self.binary("add" if name == "Cosh" else "sub", up, down))
        if name == "Logit":
            x = self.operand(vals[0])
            return self.binary("sub", self.unary("log", x), self.unary("log1p", self.unary("neg", x)))
        raise _Problem(f"{op_phrase(op)} is not supported")

    def _check_parameter(self, ins: list) -> _E:
        """PyMC's parameter checks: the value where every condition holds,
        -Inf elsewhere (as PyMC's compiled log-density has it)."""
        value = self.operand(self.value(ins[0]))
        ok = None
        for c in ins[1:]:
            cv = self.value(c)
            if isinstance(cv, _C):
                if not np.all(np.asarray(cv.value)):
                    ok = _C(0.0)
                continue
            ok = cv if ok is None else self.binary("mul", ok, cv)
        if ok is None:
            return value
        ok = self.operand(ok)
        shape = np.broadcast_shapes(ok.shape, value.shape)
        return self.op("switch", ok, value, _C(-np.inf), shape=shape)

    def _dimshuffle(self, op: Any, ins: list, var: Any) -> _E:
        return self.dimshuffle(op, self.operand(self.value(ins[0])))

    def dimshuffle(self, op: Any, x: _E) -> _E:
        order = tuple(op.new_order)
        if x.ndim != op.input_ndim:
            raise _Problem(f"DimShuffle of rank {op.input_ndim} applied to shape {x.shape}")
        kept = [i for i in order if i != "x"]
        dropped = [i for i in range(x.ndim) if i not in kept]
        for i in dropped:
            if x.shape[i] != 1:
                raise _Problem(f"DimShuffle drops axis {i} of length {x.shape[i]}")
        out_shape = tuple(1 if i == "x" else x.shape[i] for i in order)
        if dropped:
            x = self.reshape(x, tuple(d for i, d in enumerate(x.shape) if i not in dropped))
            kept = [i - sum(1 for j in dropped if j < i) for i in kept]
        if kept != sorted(kept):
            x = self.op("transpose", x, shape=tuple(x.shape[i] for i in kept), perm=list(kept))
        return self.reshape(x, out_shape)

    def _dot(self, op: Any, ins: list, var: Any) -> _E:
        a, b = (self.operand(self.value(i)) for i in ins)
        if a.ndim == 0 or b.ndim == 0:
            return self.binary("mul", a, b)
        if a.ndim > 2 or b.ndim > 2:
            # a Blockwise Dot: numpy's matmul over batches of matrices
            if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-2]:
                raise _Problem(f"a batched matrix product of shapes {a.shape} and {b.shape}: the matrices do not align")
            return self.op("matmul", a, b, shape=self.batch_shape(a, b) + (a.shape[-2], b.shape[-1]))
        if a.shape[-1] != b.shape[0]:
            raise _Problem(f"matrix product of shapes {a.shape} and {b.shape}: inner dimensions differ")
        if b.ndim == 2 and b.shape[1] == 1 and b.base is not None and b.base.shape == (b.shape[0],):
            # (n, k) @ (k, 1) from a matrix-vector dot: multiply by the vector
            return self.reshape(self.op("matmul", a, b.base, shape=a.shape[:-1]), a.shape[:-1] + (1,))
        if a.ndim == 2 and a.shape[0] == 1 and a.base is not None and a.base.shape == (a.shape[1],):
            return self.reshape(self.op("matmul", a.base, b, shape=b.shape[1:]), (1,) + b.shape[1:])
        return self.op("matmul", a, b, shape=a.shape[:-1] + b.shape[1:])

    def batch_shape(self, a: _E, b: _E) -> tuple[int, ...]:
        """The broadcast batch axes (before the last two) of two matrix operands."""
        try:
            return tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
        except ValueError:
            raise _Problem(f"the batch axes of shapes {a.shape} and {b.shape} do not broadcast") from None

    def matrix_transpose(self, a: _E) -> _E:
        perm = list(range(a.ndim - 2)) + [a.ndim - 1, a.ndim - 2]
        return self.op("transpose", a, shape=a.shape[:-2] + (a.shape[-1], a.shape[-2]), perm=perm)

    @staticmethod
    def _square(a: _E, what: str) -> None:
        if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
            raise _Problem(f"{what} of an array of shape {a.shape}, which is not a square matrix (or a batch of them)")

    def _cholesky(self, op: Any, ins: list, var: Any) -> _E:
        core = getattr(op, "core_op", op)
        a = self.operand(self.value(ins[0]))
        self._square(a, "pt.linalg.cholesky")
        if core.lower:
            return self.op("cholesky", a, shape=a.shape)
        # the upper factor, from the upper triangle: Lᵀ of Aᵀ's lower one
        return self.matrix_transpose(self.op("cholesky", self.matrix_transpose(a), shape=a.shape))

    def _solve_triangular(self, op: Any, ins: list, var: Any) -> _E:
        core = getattr(op, "core_op", op)
        if getattr(core, "unit_diagonal", False):
            raise _Problem("pt.linalg.solve_triangular with unit_diagonal=True is not supported")
        a, b = (self.operand(self.value(i)) for i in ins)
        self._square(a, "pt.linalg.solve_triangular")
        n = a.shape[-1]
        attrs = {"lower": bool(core.lower)}
        b_ndim = getattr(core, "b_ndim", b.ndim if b.ndim < 2 else 2)
        if b_ndim == 1:
            if b.shape[-1] != n:
                raise _Problem(f"pt.linalg.solve_triangular of shapes {a.shape} and {b.shape}: they do not align")
            if a.ndim == 2 and b.ndim == 1:
                return self.op("solve_triangular", a, b, shape=b.shape, **attrs)
            # batches of vectors are batches of one-column matrices
            col = self.reshape(b, b.shape + (1,))
            shape = self.batch_shape(a, col) + (n, 1)
            x = self.op("solve_triangular", a, col, shape=shape, **attrs)
            return self.reshape(x, shape[:-1])
        if b.ndim < 2 or b.shape[-2] != n:
            raise _Problem(f"pt.linalg.solve_triangular of shapes {a.shape} and {b.shape}: they do not align")
        return self.op("solve_triangular", a, b, shape=self.batch_shape(a, b) + b.shape[-2:], **attrs)

    def _solve(self, op: Any, ins: list, var: Any) -> _E:
        core = getattr(op, "core_op", op)
        a, b = (self.operand(self.value(i)) for i in ins)
        self._square(a, "pt.linalg.solve")
        n = a.shape[-1]
        if core.assume_a in ("sym", "her", "pos"):
            # scipy reads one triangle of a symmetric matrix: the matrix
            # made from that triangle is the one solved with
            tri = np.tril(np.ones((n, n))) if core.lower else np.triu(np.ones((n, n)))
            half = self.binary("mul", a, _C(tri))
            a = self.binary("add", half, self.binary("mul", self.matrix_transpose(half), _C(1.0 - np.eye(n))))
        elif core.assume_a != "gen":
            raise _Problem(f"pt.linalg.solve with assume_a={core.assume_a!r} is not supported")
        if core.b_ndim == 1:
            if b.shape[-1] != n:
                raise _Problem(f"pt.linalg.solve of shapes {a.shape} and {b.shape}: they do not align")
            if a.ndim == 2 and b.ndim == 1:
                return self.op("solve", a, b, shape=b.shape)
            col = self.reshape(b, b.shape + (1,))
            shape = self.batch_shape(a, col) + (n, 1)
            return self.reshape(self.op("solve", a, col, shape=shape), shape[:-1])
        if b.ndim < 2 or b.shape[-2] != n:
            raise _Problem(f"pt.linalg.solve of shapes {a.shape} and {b.shape}: they do not align")
        return self.op("solve", a, b, shape=self.batch_shape(a, b) + b.shape[-2:])

    def _inv(self, op: Any, ins: list, var: Any) -> _E:
        a = self.operand(self.value(ins[0]))
        self._square(a, "pt.linalg.inv")
        return self.op("inv", a, shape=a.shape)

    def _det(self, op: Any, ins: list, var: Any) -> _E:
        a = self.operand(self.value(ins[0]))
        self._square(a, "pt.linalg.det")
        return self.op("det", a, shape=a.shape[:-2])

    def _kron(self, op: Any, ins: list, var: Any) -> _E:
        a, b = (self.operand(self.value(i)) for i in ins)
        if a.ndim != b.ndim or a.ndim not in (1, 2):
            raise _Problem(f"pt.linalg.kron of shapes {a.shape} and {b.shape} is not supported "
                           "(two vectors or two matrices are)")
        if a.ndim == 1:
            outer = self.binary("mul", self.reshape(a, (a.shape[0], 1)), self.reshape(b, (1, b.shape[0])))
            return self.reshape(outer, (a.size * b.size,))
        (m, n), (p, q) = a.shape, b.shape
        blocks = self.binary("mul", self.reshape(a, (m, 1, n, 1)), self.reshape(b, (1, p, 1, q)))
        return self.reshape(blocks, (m * p, n * q))

    def _alloc_diag(self, op: Any, ins: list, var: Any) -> _E:
        v = self.operand(self.value(ins[0]))
        k = int(op.offset)
        out_nd = v.ndim + 1
        if (op.axis1 % out_nd, op.axis2 % out_nd) != (out_nd - 2, out_nd - 1):
            raise _Problem(f"pt.diag onto axes {op.axis1} and {op.axis2} of a result of rank {out_nd} is not supported "
                           "(the last two axes are)")
        n = v.shape[-1] + abs(k)
        return self.op("diag", v, shape=v.shape[:-1] + (n, n), offset=k)

    def _extract_diag(self, op: Any, ins: list, var: Any) -> _E:
        x = self.operand(self.value(ins[0]))
        ax1, ax2 = op.axis1 % x.ndim, op.axis2 % x.ndim
        perm = [i for i in range(x.ndim) if i not in (ax1, ax2)] + [ax1, ax2]
        if perm != list(range(x.ndim)):
            x = self.op("transpose", x, shape=tuple(x.shape[i] for i in perm), perm=perm)
        k = int(op.offset)
        r, c = x.shape[-2:]
        d = max(0, min(r, c - k)) if k >= 0 else max(0, min(r + k, c))
        return self.op("extract_diag", x, shape=x.shape[:-2] + (d,), offset=k)

    def _reduce(self, op: Any, ins: list, var: Any) -> _E:
        kind = type(op.scalar_op).__name__
        x = self.operand(self.value(ins[0]))
        axes = None if op.axis is None else tuple(op.axis)
        if kind == "Add":
            return self.sum(x, axes)
        if kind == "Mul":
            if axes is None or len(set(axes)) == x.ndim:
                return self.op("prod", x, shape=())
            out = x
            for ax in sorted({ax % x.ndim for ax in axes}, reverse=True):
                out = self.op("prod", out, shape=out.shape[:ax] + out.shape[ax + 1 :], axis=ax)
            return out
        if kind in ("AND", "OR"):
            # of 0/1 values: all is "the sum is the count", any "the sum is positive"
            total = self.sum(x, axes)
            count = x.size // max(total.size, 1)
            if kind == "AND":
                return self.binary("eq", total, _C(float(count)))
            return self.binary("gt", total, _C(0.0))
        raise _Problem(f"{op_phrase(op)} is not supported (of reductions, sums, products, means, all and any are)")

    def _logsumexp(self, op: Any, ins: list, var: Any) -> _E:
        x = self.operand(self.value(ins[0]))
        axes = op.axis
        if axes is None or len(set(a % max(x.ndim, 1) for a in axes)) == x.ndim:
            return self.op("logsumexp", x, shape=())
        if len(axes) != 1:
            raise _Problem(f"logsumexp over several (but not all) axes {axes} is not supported")
        ax = axes[0] % x.ndim
        return self.op("logsumexp", x, shape=x.shape[:ax] + x.shape[ax + 1 :], axis=ax)

    def _log_softmax(self, x: _E, axes) -> _E:
        if axes is None or len(set(a % max(x.ndim, 1) for a in axes)) == x.ndim:
            lse = self.op("logsumexp", x, shape=())
        else:
            if len(axes) != 1:
                raise _Problem(f"softmax over several axes {axes} is not supported")
            ax = axes[0] % x.ndim
            lse = self.op("logsumexp", x, shape=x.shape[:ax] + x.shape[ax + 1 :], axis=ax)
            lse = self.reshape(lse, x.shape[:ax] + (1,) + x.shape[ax + 1 :])
        return self.binary("sub", x, lse)

    def _logsoftmax_op(self, op: Any, ins: list, var: Any) -> _E:
        return self._log_softmax(self.operand(self.value(ins[0])), op.axis)

    def _softmax_op(self, op: Any, ins: list, var: Any) -> _E:
        return self.unary("exp", self._log_softmax(self.operand(self.value(ins[0])), op.axis))

    def _cumop(self, op: Any, ins: list, var: Any) -> _E:
        kind = {"add": "cumsum", "mul": "cumprod"}.get(op.mode)
        if kind is None:
            raise _Problem(f"{op_phrase(op)} is not supported (of cumulative ops, pt.cumsum and pt.cumprod are)")
        x = self.operand(self.value(ins[0]))
        if op.axis is None:
            x = self.reshape(x, (x.size,))
            return self.op(kind, x, shape=x.shape, axis=0)
        return self.op(kind, x, shape=x.shape, axis=op.axis % x.ndim)

    def _logaddexp(self, op: Any, ins: list, var: Any) -> _E:
        """``pt.logaddexp(*xs)`` (an OpFromGraph of any number of inputs),
        folded pairwise."""
        vals = [self.unpadded(i)[0] for i in ins]
        out = vals[0]
        for v in vals[1:]:
            out = self.binary("logaddexp", out, v)
        out = self.operand(out)
        want = len(var.type.shape)
        if out.ndim < want:
            out = self.reshape(out, (1,) * (want - out.ndim) + out.shape)
        return out

    def _join(self, op: Any, ins: list, var: Any) -> _E:
        axis = getattr(op, "axis", None)
        parts = ins
        if axis is None:
            axis, parts = self.const_int(ins[0]), ins[1:]
        vals = [self.operand(self.value(p)) for p in parts]
        vals = [v for v in vals if v.size or v.ndim != vals[0].ndim]  # numpy drops empty parts too
        if len(vals) == 1:
            return vals[0]
        nd = vals[0].ndim
        ax = axis % nd
        for v in vals:
            if v.ndim != nd or v.shape[:ax] != vals[0].shape[:ax] or v.shape[ax + 1 :] != vals[0].shape[ax + 1 :]:
                raise _Problem(f"join along axis {ax} of shapes {[v.shape for v in vals]}")
        shape = vals[0].shape[:ax] + (sum(v.shape[ax] for v in vals),) + vals[0].shape[ax + 1 :]
        return self.op("concatenate", *vals, shape=shape, axis=ax)

    def _make_vector(self, op: Any, ins: list, var: Any) -> _E:
        vals = [self.operand(self.value(i)) for i in ins]
        return self.op("stack", *vals, shape=(len(vals),), axis=0)

    def _reshape(self, op: Any, ins: list, var: Any) -> _E:
        x = self.operand(self.value(ins[0]))
        shape = list(self.const_ints(ins[1]))
        if -1 in shape:
            known = int(np.prod([d for d in shape if d != -1], dtype=np.int64))
            shape[shape.index(-1)] = x.size // known if known else 0
        return self.reshape(x, shape)

    def _alloc(self, op: Any, ins: list, var: Any) -> _E:
        shape = tuple(self.const_int(i) for i in ins[1:])
        return self.broadcast_to(self.value(ins[0]), shape)

    def _subtensor(self, op: Any, ins: list, var: Any) -> _E:
        from pytensor.tensor.subtensor import indices_from_subtensor

        x = self.operand(self.value(ins[0]))
        idx = indices_from_subtensor(ins[1:], op.idx_list)
        return self.basic_index(x, [self._resolve_index(i) for i in idx])

    def _resolve_index(self, entry: Any):
        if isinstance(entry, slice):
            parts = []
            for p in (entry.start, entry.stop, entry.step):
                parts.append(None if is_none_const(p) else (p if isinstance(p, int) else self._index_scalar(p)))
            return slice(*parts)
        if is_none_const(entry):
            return None
        if self.is_random(entry):
            raise _Problem("an index that depends on a random variable is not supported")
        v = np.asarray(self.const(entry))
        if v.ndim == 0 and v.dtype.kind in "iu":
            return int(v)
        if v.dtype.kind not in "iub":
            raise _Problem(f"an index of dtype {v.dtype} is not supported")
        return v

    def _index_scalar(self, p: Any) -> int:
        if self.is_random(p):
            raise _Problem("a slice bound that depends on a random variable is not supported")
        return self.const_int(p)

    def basic_index(self, x: _E, key: list) -> _E:
        if any(isinstance(k, np.ndarray) for k in key):
            return self.advanced_index(x, key)
        out = x
        axis = 0
        for k in key:
            if k is None:
                out = self.reshape(out, out.shape[:axis] + (1,) + out.shape[axis:])
                axis += 1
            elif isinstance(k, slice):
                if k != slice(None):
                    out = self.slice(out, k, axis)
                axis += 1
            else:
                n = out.shape[axis]
                if not -n <= k < n:
                    raise _Problem(f"index {k} is out of range for an axis of length {n}")
                k %= n
                out = self.slice(out, slice(k, k + 1), axis)
                out = self.reshape(out, out.shape[:axis] + out.shape[axis + 1 :])
        return out

    def slice(self, x: _E, s: slice, axis: int) -> _E:
        n = len(range(x.shape[axis])[s])
        shape = x.shape[:axis] + (n,) + x.shape[axis + 1 :]
        return self.op("slice", x, shape=shape, axis=axis, start=s.start, stop=s.stop, step=s.step)

    def advanced_index(self, x: _E, key: list) -> _E:
        # integers count as 0-d arrays once any array is present, as in numpy
        expanded = []
        for k in key:
            if isinstance(k, np.ndarray) and k.dtype.kind == "b":
                expanded.extend(np.nonzero(k))
            elif isinstance(k, (int, np.integer)) and not isinstance(k, bool):
                expanded.append(np.asarray(k))
            else:
                expanded.append(k)
        if any(k is None for k in expanded):
            raise _Problem("new axes mixed with integer-array indexing are not supported")
        arrays = [i for i, k in enumerate(expanded) if isinstance(k, np.ndarray)]
        rest = [k for i, k in enumerate(expanded) if i not in arrays]
        if any(k != slice(None) for k in rest):
            raise _Problem("integer-array indexing combined with slices other than ':' is not supported")
        if len(expanded) > x.ndim:
            raise _Problem(f"too many indices for an array of shape {x.shape}")
        if len(arrays) == 1:
            ax = arrays[0]
            idx = self._normalise(expanded[ax], x.shape[ax])
            shape = x.shape[:ax] + idx.shape + x.shape[ax + 1 :]
            return self.op("gather", x, self.operand(_C(idx), index=True), shape=shape, axis=ax)
        if arrays != list(range(len(arrays))):
            raise _Problem("integer arrays on axes that are not the leading ones are not supported")
        k = len(arrays)
        lead = x.shape[:k]
        try:
            parts = np.broadcast_arrays(*[self._normalise(expanded[i], lead[i]) for i in arrays])
        except ValueError:
            raise _Problem("index arrays do not broadcast together") from None
        flat = np.ravel_multi_index(tuple(parts), lead) if parts[0].size else np.zeros(parts[0].shape, np.int64)
        flat_x = self.reshape(x, (int(np.prod(lead, dtype=np.int64)),) + x.shape[k:])
        shape = flat.shape + x.shape[k:]
        return self.op("gather", flat_x, self.operand(_C(np.asarray(flat, np.int64)), index=True), shape=shape, axis=0)

    def _normalise(self, idx: np.ndarray, n: int) -> np.ndarray:
        key = (id(idx), n)
        hit = self._norm_cache.get(key)
        if hit is not None and hit[0] is idx:
            return hit[1]  # the same array each time it is used: one data node
        out = self._normalise_new(idx, n)
        self._norm_cache[key] = (idx, out)
        return out

    @staticmethod
    def _normalise_new(idx: np.ndarray, n: int) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.int64)
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise _Problem(f"index out of range for an axis of length {n}")
        return np.where(idx < 0, idx + n, idx)

    def _adv1(self, op: Any, ins: list, var: Any) -> _E:
        x = self.operand(self.value(ins[0]))
        return self.advanced_index(x, [self._resolve_index(ins[1])])

    def _adv(self, op: Any, ins: list, var: Any) -> _E:
        from pytensor.tensor.subtensor import indices_from_subtensor

        x = self.operand(self.value(ins[0]))
        idx = indices_from_subtensor(ins[1:], op.idx_list)
        return self.basic_index(x, [self._resolve_index(i) for i in idx])

    def _inc_subtensor(self, op: Any, ins: list, var: Any) -> _E:
        """``pt.set_subtensor`` / ``pt.inc_subtensor`` (basic and advanced
        indices): the flat positions the index picks out, worked out here
        with numpy, and a scatter of the values into them."""
        from pytensor.tensor.subtensor import indices_from_subtensor

        x = self.operand(self.value(ins[0]))
        y = self.operand(self.value(ins[1]))
        key = tuple(self._resolve_index(i) for i in indices_from_subtensor(ins[2:], op.idx_list))
        try:
            pos = np.arange(x.size, dtype=np.int64).reshape(x.shape)[key]
        except IndexError as err:
            raise _Problem(f"{op_phrase(op)}: {err}") from None
        pos = np.asarray(pos)
        setting = bool(op.set_instead_of_inc)
        if not setting and getattr(op, "ignore_duplicates", False) and np.unique(pos).size != pos.size:
            raise _Problem(f"{op_phrase(op)} with ignore_duplicates=True and repeated indices is not supported")
        while y.ndim > pos.ndim and y.shape[0] == 1:
            y = self.reshape(y, y.shape[1:])
        if y.ndim > pos.ndim or np.broadcast_shapes(y.shape, pos.shape) != pos.shape:
            raise _Problem(f"{op_phrase(op)}: values of shape {y.shape} do not fit the {pos.shape} elements indexed")
        if pos.size == 0:
            return x
        idx = self.operand(_C(pos), index=True)
        return self.op("scatter" if setting else "scatter_add", x, idx, y, shape=x.shape)

    # -- random variables -------------------------------------------------------
    def free_ref(self, rv: Any) -> _E:
        if rv not in self._free_done:
            self._free_node(rv)
        e = self._free_done[rv]
        if e is None:
            raise _Failed()
        return e

    def _free_node(self, rv: Any) -> None:
        self._free_done[rv] = None
        if rv.name in self._discrete:
            return  # reported by run(), with what to do instead
        try:
            node = self._rv_node(rv, "free")
        except _Failed:
            return
        except _Problem as p:
            self.problems.append((rv.name, str(p)))
            return
        self.nodes.append(node)
        self._free_done[rv] = _E({"ref": rv.name}, node["shape"])

    def _observed_node(self, rv: Any) -> None:
        try:
            node = self._rv_node(rv, "observed")
        except _Failed:
            return
        except _Problem as p:
            self.problems.append((rv.name, str(p)))
            return
        self.nodes.append(node)

    def _rv_node(self, rv: Any, kind: str) -> dict:
        wrapping = self._wrapping(rv)
        if wrapping is None:
            dist, params, shape = self._distribution(rv)
        else:
            how, (dist, params, shape), lower, upper, base_rv = wrapping
        node: dict = {"name": rv.name, "kind": kind, "dist": dist}
        pj = {}
        pshapes = []
        event_dims = {q["name"]: q["event_dims"] for q in _CATALOGUE[dist]["params"]}
        for pname, p in params.items():
            if hasattr(p, "owner") and hasattr(p, "type"):
                p, _ = self.unpadded(p, keep=event_dims.get(pname, 0))
            e = self.operand(p)
            pj[pname] = e.json
            pshapes.append(e.shape)
        node["params"] = pj
        bounds = None
        if wrapping is not None:
            bounds = {}
            for side, b in (("lower", lower), ("upper", upper)):
                e = self._bound(b, side)
                if e is not None:
                    bounds[side] = e.json
                    pshapes.append(e.shape)
            if bounds:
                if how == "censored" and kind == "free":
                    raise _Problem(
                        "pm.Censored as a free variable is not supported: censoring describes observed data "
                        "(PyMC's own samplers cannot sample it either)"
                    )
                node[how] = bounds
            else:
                bounds = None
        if kind == "free":
            if shape is None:
                # a wrapper's own op may not say its size; its base, which PyMC
                # gives the full size, does
                sized = rv if wrapping is None or base_rv is None else base_rv
                shape = self._rv_shape(sized, pshapes, dist, list(params) + list(bounds or {}))
            node["shape"] = list(shape)
            if bounds is not None:
                tr = self._truncated_transform(rv, bounds)
            else:
                tr = self._transform(rv, dist, params)
            if tr is not None:
                node["transform"] = tr
        else:
            obs = self.m.rvs_to_values[rv]
            if self.is_random(obs):
                raise _Problem("observed values that depend on free variables are not supported")
            value = np.asarray(self.const(obs))
            if np.ma.isMaskedArray(value) or (value.dtype.kind == "f" and not np.all(np.isfinite(value))):
                raise _Problem("observed values with missing (NaN or masked) entries are not supported")
            name = self._data.get(obs)
            if name is not None:
                if name not in self._data_nodes:
                    self._data_nodes[name] = self._data_node(value, name=name)
                data_name = self._data_nodes[name]
            else:
                data_name = self._data_node(value, name=self._fresh(f"{rv.name}_observed"))
            node["observed"] = {"ref": data_name}
        return node

    # -- censoring and truncation -------------------------------------------
    def _wrapping(self, rv: Any):
        """(how, (dist, params, shape), lower, upper, base rv) for
        pm.Censored, pm.Truncated and pm.TruncatedNormal (which is
        pm.Truncated of a Normal: PyMC builds one for the other; its base rv
        is None), else None."""
        op = rv.owner.op
        cls = type(op).__name__
        if cls == "CensoredRV":
            base, lower, upper = rv.owner.inputs
            return "censored", self._base_distribution(base, rv), lower, upper, base
        if cls == "TruncatedRV":
            *inputs, lower, upper = rv.owner.inputs
            base = op.base_rv_op.make_node(*inputs).default_output()
            return "truncated", self._base_distribution(base, rv), lower, upper, base
        if cls == "TruncatedNormalRV":
            mu, sigma, lower, upper = op.dist_params(rv.owner)
            return "truncated", ("Normal", {"mu": mu, "sigma": sigma}, None), lower, upper, None
        return None

    def _base_distribution(self, base: Any, rv: Any):
        wrapper = distribution_name(rv)
        if base.owner is None or not _is_rv_op(base.owner.op):
            raise _Problem(f"{wrapper} of something that is not a distribution is not supported")
        dist, params, shape = self._distribution(base)
        row = _CATALOGUE[dist]
        if not any(v.get("cdf") for v in row["variants"]):
            have = sorted(n for n, r in _CATALOGUE.items() if any(v.get("cdf") for v in r["variants"]))
            raise _Problem(
                f"{wrapper} is not supported: exmc has no log-CDF for {dist} "
                f"(it has one for {', '.join(have)})"
            )
        return dist, params, shape

    def _bound(self, b: Any, side: str) -> "_E | None":
        """A censoring or truncation bound, or None where it is no bound:
        an infinite constant on its own side. A constant array with some
        infinite elements becomes a data node (the format's only place
        for infinite data), an expression of free variables an expression."""
        if b is None:
            return None
        v = b
        if hasattr(b, "owner") and hasattr(b, "type"):
            v, _ = self.unpadded(b)
            if isinstance(v, _E):
                return v
        if not isinstance(v, _C):
            v = _C(v)
        arr = np.asarray(v.value, dtype=np.float64)
        none = -np.inf if side == "lower" else np.inf
        if np.all(arr == none):
            return None
        if np.any(np.isnan(arr)) or np.any(arr == -none):
            raise _Problem(f"the {side} bound holds NaN or {-none}")
        if np.all(np.isfinite(arr)):
            return self.operand(v)
        name = self._fresh(f"{side}_bound")
        node = {"name": name, "kind": "data", "shape": list(arr.shape)}
        self.nodes.append(node)
        self.arrays[name] = np.ascontiguousarray(arr)
        return _E({"ref": name}, arr.shape)

    def _truncated_transform(self, rv: Any, bounds: dict) -> str | None:
        """A truncated free variable's transform: PyMC's default, the
        interval between its bounds, is exmc's too."""
        tr = self.m.rvs_to_transforms.get(rv)
        if tr is None:
            return "none"
        if type(tr).__name__ == "Interval":
            return None
        raise _Problem(
            f"transform={transform_name(tr)} on {with_article(distribution_name(rv))} is not supported: "
            "a truncated variable takes its default (the interval between its bounds) or none"
        )

    def _rv_shape(self, rv: Any, pshapes: list, dist: str, pnames: list | None = None) -> tuple[int, ...]:
        static = rv.type.shape
        if all(d is not None for d in static):
            return tuple(int(d) for d in static)
        op = rv.owner.op
        size = op.size_param(rv.owner) if hasattr(op, "size_param") else None
        row = _CATALOGUE.get(dist)
        if row is not None and row["layout"] == "event" and pnames is not None:
            return self._event_shape(rv, row, size, dict(zip(pnames, pshapes)))
        if not is_none_const(size):
            return self.const_ints(size) if np.ndim(self.const(size)) else ()
        try:
            full = np.broadcast_shapes(*pshapes) if pshapes else ()
        except ValueError:
            raise _Problem(f"parameter shapes {pshapes} do not broadcast") from None
        if dist == "NormalMixture":
            full = full[:-1]
        # the parameters lost their leading length-1 axes (unpadded)
        return (1,) * max(rv.type.ndim - len(full), 0) + tuple(full)

    def _event_shape(self, rv: Any, row: dict, size: Any, pshapes: dict) -> tuple[int, ...]:
        """A multivariate variable's shape: its batch axes (PyMC's size, or
        the parameters' batch axes broadcast), then its event axes, those of
        the parameter the catalogue names."""
        vd = row["value_dims"]
        src = pshapes.get(row.get("shape_from", ""))
        if src is None or len(src) < vd:
            raise _Problem(f"cannot work out the shape of {with_article(distribution_name(rv))}; give it shape=")
        event = tuple(src[len(src) - vd:])
        if not is_none_const(size):
            return tuple(self.const_ints(size)) + event
        dims = {p["name"]: p["event_dims"] for p in row["params"]}
        batches = [tuple(s[: len(s) - dims.get(n, 0)]) for n, s in pshapes.items()]
        try:
            batch = np.broadcast_shapes(*batches) if batches else ()
        except ValueError:
            raise _Problem(f"parameter batch shapes {batches} do not broadcast") from None
        # the parameters lost their leading length-1 axes (unpadded)
        return (1,) * max(rv.type.ndim - vd - len(batch), 0) + tuple(batch) + event

    def _transform(self, rv: Any, dist: str, params: dict) -> str | None:
        tr = self.m.rvs_to_transforms.get(rv)
        if tr is None:
            return self._transform_kind(rv, dist, params, tr)
        try:
            return self._transform_kind(rv, dist, params, tr)
        except _Problem as p:
            chain = list(getattr(tr, "transform_list", ()))
            # PyMC puts the distribution's default transform first and the
            # one passed as transform= after it
            given = transform_name(chain[-1] if len(chain) == 2 else tr)
            where = with_article(distribution_name(rv))
            note = f"; PyMC chains it after the default transform {transform_name(chain[0])}" if len(chain) == 2 else ""
            raise _Problem(f"transform={given} on {where} is not supported: {p}{note}") from None

    def _transform_kind(self, rv: Any, dist: str, params: dict, tr: Any) -> str | None:
        default = _DEFAULT_TRANSFORM[dist]
        if tr is None:
            return None if default == "identity" else "none"
        name = type(tr).__name__
        if _PYMC_TRANSFORMS.get(name) == default and default in ("log", "simplex", "cholesky-cov-packed"):
            return None
        if name == "ZeroSumTransform" and default == "zerosum":
            n = rv.owner.op.ndim_supp
            if tuple(tr.zerosum_axes) == tuple(range(-n, 0)):
                return None
            raise _Problem(f"exmc's zerosum transform is over the last {n} axes")
        # PyMC's logodds is the interval transform on (0, 1) (Beta's,
        # Kumaraswamy's)
        if name == "LogOddsTransform" and _CATALOGUE[dist]["variants"][0]["transform"] == "interval(0, 1)":
            return None
        if name == "CircularTransform" and default == "circular":
            return None
        bounds = _INTERVAL_BOUNDS.get(dist)
        if name == "Interval" and bounds is not None:
            # the distribution's own bounds (Uniform's, Triangular's lower
            # and upper, Pareto's m and no upper bound)
            lo, hi = tr.args_fn(*rv.owner.inputs)
            if all(b is None if p is None else self._same(b, params[p]) for b, p in ((lo, bounds[0]), (hi, bounds[1]))):
                return None
            raise _Problem(f"its bounds differ from the {dist}'s")
        if name == "Ordered" and default == "identity":
            if getattr(tr, "positive", False) or not getattr(tr, "ascending", True):
                raise _Problem("exmc's ordered transform is the plain ascending one")
            return "ordered"
        parts = [type(t).__name__ for t in getattr(tr, "transform_list", ())]
        if "Ordered" in parts or name == "Ordered":
            raise _Problem("exmc orders unconstrained variables only (such as a pm.Normal's)")
        if parts:
            raise _Problem("exmc supports no chains of transforms")
        raise _Problem("exmc supports the default transforms, default_transform=None and "
                       "pm.distributions.transforms.ordered")

    def _same(self, a: Any, b: Any) -> bool:
        if a is b or a is None and b is None:
            return True
        if a is None or b is None:
            return False
        if isinstance(b, (_C, _E)):
            bv = b
        else:
            bv = self.value(b)
        av = self.value(a)
        if isinstance(av, _C) and isinstance(bv, _C):
            return np.array_equal(np.asarray(av.value, float), np.asarray(bv.value, float))
        if isinstance(av, _E) and isinstance(bv, _E):
            return av.json == bv.json
        return False

    def _distribution(self, rv: Any):
        op = rv.owner.op
        cls = type(op).__name__
        handler = _DISTS.get(cls)
        if handler is not None:
            return handler(self, rv, list(op.dist_params(rv.owner)))
        # a distribution whose random variable takes the catalogue's
        # parameters in the catalogue's order needs no handler
        name = _rv_op_names().get(cls)
        if name is not None:
            params = list(op.dist_params(rv.owner))
            row = _CATALOGUE[name]
            if row["layout"] in ("elementwise", "event") and len(row["variants"]) == 1:
                names = row["variants"][0]["params"]
                if len(names) == len(params):
                    return name, dict(zip(names, params)), None
        raise _Problem(f"{distribution_name(rv)} is not supported")

    # parameter helpers
    def reciprocal(self, var: Any):
        """1/var, reading through PyMC's own ``scale = 1 / rate``."""
        # constants keep PyTensor's own arithmetic (a float32 1/3 stays
        # float32), so that the model is the one PyMC evaluates
        if self.is_random(var):
            inner = elemwise_input(var, "Reciprocal")
            if inner is not None:
                return self.value(inner)
            node = var.owner
            if node is not None and type(node.op).__name__ == "DimShuffle":
                inner = elemwise_input(node.inputs[0], "Reciprocal")
                if inner is not None:
                    return self.dimshuffle(node.op, self.operand(self.value(inner)))
        v = self.value(var)
        if isinstance(v, _C):
            return _C(1.0 / np.asarray(v.value, dtype=np.float64))
        return self.binary("div", _C(1.0), v)

    def logit_of(self, var: Any):
        """z when var is sigmoid(z) (possibly broadcast), else None."""
        if not self.is_random(var):
            return None
        inner = elemwise_input(var, "Sigmoid")
        if inner is not None:
            return self.value(inner)
        node = var.owner
        if node is not None and type(node.op).__name__ == "DimShuffle":
            inner = elemwise_input(node.inputs[0], "Sigmoid")
            if inner is not None:
                v = self.value(inner)
                return self.dimshuffle(node.op, self.operand(v))
        return None

    def scalar(self, var: Any, what: str):
        v = self.value(var)
        shape = v.shape
        if int(np.prod(shape, dtype=np.int64)) != 1:
            raise _Problem(f"{what} must be a scalar, got shape {shape}")
        if isinstance(v, _C):
            return _C(np.asarray(v.value).reshape(()))
        return self.reshape(v, ())

    # -- the whole model ----------------------------------------------------------
    def run(self) -> Translation:
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 20000))
        try:
            self.problems.extend(self._discrete_problems)
            for rv in self.free_rvs:
                if rv not in self._free_done:
                    self._free_node(rv)
            for rv in self.observed_rvs:
                self._observed_node(rv)
            for pot in self.m.potentials:
                try:
                    e = self.operand(self.value(pot))
                except _Failed:
                    continue
                except _Problem as p:
                    self.problems.append((pot.name or "potential", str(p)))
                    continue
                self.nodes.append({"name": pot.name or self._fresh("potential"), "kind": "potential", "expr": e.json})
            for name, graph in self._extra_terms:
                try:
                    e = self.operand(self.value(graph))
                except _Failed:
                    continue
                except _Problem as p:
                    self.problems.append((name, str(p)))
                    continue
                self.nodes.append({"name": self._fresh(name), "kind": "potential", "expr": e.json})
            if self._assertions:
                ninf = self.operand(_C(-np.inf))
                terms = [self.op("switch", c, _C(0.0), ninf, shape=()) for c in self._assertions]
                total = terms[0]
                for t in terms[1:]:
                    total = self.binary("add", total, t)
                self.nodes.append({"name": self._fresh("assertions"), "kind": "potential", "expr": total.json})
            self._in_deterministics = True
            translated = []
            for det in self.m.deterministics:
                try:
                    e = self.operand(self.value(det.owner.inputs[0]))
                except _Failed:
                    self.det_problems[det.name] = "it depends on a variable that could not be translated"
                    continue
                except _Problem as p:
                    self.det_problems[det.name] = str(p)
                    continue
                self.nodes.append({"name": det.name, "kind": "deterministic", "expr": e.json})
                translated.append(det.name)
        finally:
            sys.setrecursionlimit(old)
        if self.problems:
            raise UnsupportedModelError(self.problems, fallback=not self._discrete)
        free = []
        for rv in self.free_rvs:
            value = self.m.rvs_to_values[rv]
            shape = tuple(self._free_done[rv].shape)
            tr = self.m.rvs_to_transforms.get(rv)
            kind = "identity" if tr is None else _PYMC_TRANSFORMS.get(type(tr).__name__, type(tr).__name__)
            free.append(
                FreeBlock(
                    name=rv.name,
                    value_name=value.name,
                    shape=shape,
                    size=_unconstrained_size(shape, kind, len(getattr(tr, "zerosum_axes", (0,)))),
                    transform=kind,
                )
            )
        doc = {"format": FORMAT, "nodes": self.nodes}
        if self.noncentered is not None:
            doc["noncentered"] = bool(self.noncentered)
        return Translation(
            doc=doc,
            arrays=self.arrays,
            free=free,
            observed=[rv.name for rv in self.observed_rvs],
            deterministics=translated,
            pending=dict(self.det_problems),
        )


_FAILED = object()


def _is_assertion(op: Any) -> bool:
    """PyTensor's CheckAndRaise (``Assert``), but not PyMC's parameter checks."""
    from pytensor.raise_op import CheckAndRaise

    return isinstance(op, CheckAndRaise) and type(op).__name__ != "CheckParameterValue"


def _is_scalar_op(op: Any) -> bool:
    from pytensor.scalar.basic import ScalarOp

    return isinstance(op, ScalarOp)


def _is_rv_op(op: Any) -> bool:
    from pytensor.tensor.random.op import RandomVariable

    if isinstance(op, RandomVariable):
        return True
    try:
        from pymc.distributions.distribution import SymbolicRandomVariable
    except ImportError:  # pragma: no cover
        return False
    return isinstance(op, SymbolicRandomVariable)


# ---------------------------------------------------------------------------
# distributions: PyTensor RV op class -> (exmc name, params, shape or None)


def _zero(t: Translator, var: Any, what: str) -> None:
    v = t.value(var)
    if not isinstance(v, _C) or np.any(np.asarray(v.value) != 0):
        raise _Problem(f"{what} must be 0")


def _halfnormal(t, rv, p):
    _zero(t, p[0], "the location of HalfNormal")
    return "HalfNormal", {"sigma": p[1]}, None


def _exponential(t, rv, p):
    return "Exponential", {"lam": t.reciprocal(p[0])}, None


def _gamma(t, rv, p):
    return "Gamma", {"alpha": p[0], "beta": t.reciprocal(p[1])}, None


def _halfstudentt(t, rv, p):
    if len(p) == 3:
        _zero(t, p[1], "the location of HalfStudentT")
        return "HalfStudentT", {"nu": p[0], "sigma": p[2]}, None
    return "HalfStudentT", {"nu": p[0], "sigma": p[1]}, None


def _halfcauchy(t, rv, p):
    if len(p) == 2:
        _zero(t, p[0], "the location of HalfCauchy")
        return "HalfCauchy", {"beta": p[1]}, None
    return "HalfCauchy", {"beta": p[0]}, None


def _rice(t, rv, p):
    # PyMC's random variable takes b = nu/sigma and sigma, whichever the
    # user gave
    return "Rice", {"b": p[0], "sigma": p[1]}, None


def _logitnormal(t, rv, p):
    # pm.LogitNormal is a CustomDist: sigmoid of a Normal(mu, sigma)
    if type(rv.owner.op).__mro__[1].__name__ != "CustomSymbolicDistRV" or len(p) != 2:
        raise _Problem(f"{distribution_name(rv)} is not supported")
    return "LogitNormal", {"mu": p[0], "sigma": p[1]}, None


def _flat(t, rv, p):
    return "Flat", {}, None


def _halfflat(t, rv, p):
    return "HalfFlat", {}, None


def _bernoulli(t, rv, p):
    z = t.logit_of(p[0])
    if z is not None:
        return "Bernoulli", {"logit_p": z}, None
    return "Bernoulli", {"p": p[0]}, None


def _binomial(t, rv, p):
    z = t.logit_of(p[1])
    if z is not None:
        return "Binomial", {"n": p[0], "logit_p": z}, None
    return "Binomial", {"n": p[0], "p": p[1]}, None


def _poisson(t, rv, p):
    return "Poisson", {"mu": p[0]}, None


def _negbinomial(t, rv, p):
    return "NegativeBinomial", {"n": p[0], "p": p[1]}, None


def _random_walk(t, rv, p):
    init, innov = p[0], p[1]
    for what, d in (("initial distribution", init), ("innovation distribution", innov)):
        if d.owner is None or type(d.owner.op).__name__ != "NormalRV":
            raise _Problem(
                f"{distribution_name(rv)} with {with_article(distribution_name(d))} {what} is not supported "
                "(exmc's random walk has Normal ones)"
            )
    im, isd = init.owner.op.dist_params(init.owner)
    mu, sd = innov.owner.op.dist_params(innov.owner)
    params = {
        "mu": t.scalar(mu, "the drift of the random walk"),
        "sigma": t.scalar(sd, "the innovation sigma of the random walk"),
        "init_mu": t.scalar(im, "the initial mu of the random walk"),
        "init_sigma": t.scalar(isd, "the initial sigma of the random walk"),
    }
    shape = None
    if not all(d is not None for d in rv.type.shape):
        s0 = t._rv_shape(init, [], "Normal")
        s1 = t._rv_shape(innov, [], "Normal")
        if not s0 or not s1:
            raise _Problem("cannot work out the random walk's length")
        shape = tuple(s1[:-1]) + (s0[-1] + s1[-1],)
    return "GaussianRandomWalk", params, shape


def _rv_class(var: Any) -> str | None:
    return type(var.owner.op).__name__ if var.owner is not None else None


def _is_dirac_zero(t: Translator, var: Any) -> bool:
    if _rv_class(var) != "DiracDeltaRV":
        return False
    (c,) = var.owner.op.dist_params(var.owner)
    v = t.value(c)
    return isinstance(v, _C) and bool(np.all(np.asarray(v.value) == 0))


def _padded_right(var: Any) -> Any:
    """x when var is x with a length-1 axis added on the right
    (``pt.shape_padright``, ``pt.stack``'s expand_dims), else None."""
    node = var.owner
    if node is None or type(node.op).__name__ != "DimShuffle":
        return None
    op = node.op
    if tuple(op.new_order) != tuple(range(op.input_ndim)) + ("x",):
        return None
    return node.inputs[0]


def _stacked_pair(w: Any):
    """(a, b) when w is ``pt.stack([a, b], axis=-1)``, else None."""
    node = w.owner
    if node is None:
        return None
    cls = type(node.op).__name__
    if cls == "MakeVector" and len(node.inputs) == 2:
        return tuple(node.inputs)
    if cls == "Join":
        axis = getattr(node.op, "axis", None)
        parts = node.inputs if axis is not None else node.inputs[1:]
        if len(parts) == 2 and axis in (-1, w.ndim - 1):
            pair = tuple(_padded_right(q) for q in parts)
            if all(q is not None for q in pair):
                return pair
    return None


def _psi(t: Translator, w: Any, exact: bool):
    """psi when the weights w are PyMC's ``stack([1 - psi, psi], axis=-1)``
    (zero-inflated and hurdle mixtures). With ``exact`` the first weight
    must be 1 - psi (a zero-inflated mixture's log-density reads both);
    otherwise psi is the second weight, which is all a hurdle reads."""
    if not t.is_random(w):
        arr = np.asarray(t.const(w), dtype=np.float64)
        if arr.ndim == 0 or arr.shape[-1] != 2:
            raise _Problem(f"the weights have shape {arr.shape}, not a last axis of two")
        if exact and not np.array_equal(arr[..., 0], 1 - arr[..., 1]):
            raise _Problem("weights other than (1 - psi, psi) for a point mass at 0 and a count distribution "
                           "are not supported")
        return _C(arr[..., 1])
    pair = _stacked_pair(w)
    if pair is not None:
        a, b = pair
        if not exact:
            return b
        node = a.owner
        if node is not None and type(node.op).__name__ == "Elemwise" and op_name(node.op) == "Sub":
            one, other = node.inputs
            while other is not b and other.owner is not None and type(other.owner.op).__name__ == "DimShuffle" \
                    and other.owner.op.input_ndim == other.ndim:
                other = other.owner.inputs[0]
            c = None if t.is_random(one) else np.asarray(t.const(one))
            if other is b and c is not None and np.all(c == 1):
                return b
    if not exact:
        x = t.operand(t.value(w))
        return t.basic_index(x, [slice(None)] * (x.ndim - 1) + [1])
    raise _Problem("weights other than (1 - psi, psi) for a point mass at 0 and a count distribution are not supported")


# the count distributions PyMC inflates at zero or puts behind a hurdle:
# the base's RV op -> (suffix of the exmc name, its parameters from the
# op's); a continuous base (a hurdle's only) is taken as it is
def _count_base(t: Translator, cls: str, params: list) -> tuple[str, dict]:
    """The exmc distribution (without its prefix) and parameters of a base
    PyMC inflates or puts behind a hurdle; ("", {}) for one exmc has not."""
    if cls == "PoissonRV":
        return "Poisson", {"mu": params[0]}
    if cls == "NegBinomialRV":
        return "NegativeBinomial", {"n": params[0], "p": params[1]}
    if cls == "BinomialRV":
        return "Binomial", {"n": params[0], "p": params[1]}
    if cls == "GammaRV":
        return "Gamma", {"alpha": params[0], "beta": t.reciprocal(params[1])}
    if cls == "LogNormalRV":
        return "LogNormal", {"mu": params[0], "sigma": params[1]}
    return "", {}


def _zero_inflated(t, rv, w, base):
    cls = _rv_class(base)
    what, params = _count_base(t, cls, list(base.owner.op.dist_params(base.owner)))
    name = "ZeroInflated" + what
    if not what or name not in _CATALOGUE:
        raise _Problem(f"a zero-inflated {distribution_name(base)} is not supported")
    return name, {"psi": _psi(t, w, exact=True), **params}, None


def _hurdle(t, rv, p):
    w, zero, base = p
    if not _is_dirac_zero(t, zero):
        raise _Problem(f"{distribution_name(rv)} whose first component is not a point mass at 0 is not supported")
    cls = _rv_class(base)
    if cls == "TruncatedRV":
        op = base.owner.op
        n = len(op.base_rv_op.ndims_params)
        *ins, lower, upper = base.owner.inputs
        lo, hi = t.value(lower), t.value(upper)
        if not (isinstance(lo, _C) and np.all(np.asarray(lo.value) == 1)
                and isinstance(hi, _C) and np.all(np.isposinf(np.asarray(hi.value)))):
            raise _Problem("a hurdle whose count distribution is truncated other than to x >= 1 is not supported")
        what, params = _count_base(t, type(op.base_rv_op).__name__, ins[len(ins) - n:])
    else:
        what, params = _count_base(t, cls, list(base.owner.op.dist_params(base.owner)))
    name = "Hurdle" + what
    if not what or name not in _CATALOGUE:
        raise _Problem(f"a hurdle of {distribution_name(base)} is not supported")
    return name, {"psi": _psi(t, w, exact=False), **params}, None


def _hypergeometric(t, rv, p):
    good, bad, n = p
    gv, bv = t.value(good), t.value(bad)
    if isinstance(gv, _C) and isinstance(bv, _C):
        total = _C(np.asarray(gv.value) + np.asarray(bv.value))
    else:
        total = t.binary("add", gv, bv)
    return "HyperGeometric", {"N": total, "k": good, "n": n}, None


def _softmax_input(var: Any) -> Any:
    """z when var is ``pt.special.softmax(z, axis=-1)`` (PyMC's logit_p)."""
    node = var.owner
    if node is None or type(node.op).__name__ != "Softmax":
        return None
    axis = node.op.axis
    if axis is None:
        return node.inputs[0] if var.ndim == 1 else None
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    return node.inputs[0] if len(axes) == 1 and axes[0] % var.ndim == var.ndim - 1 else None


def _ordered_of(t: Translator, p: Any):
    """(name, params) when the probabilities p are PyMC's
    ``OrderedLogistic.compute_p(eta, cutpoints)`` or
    ``OrderedProbit.compute_p(eta, cutpoints, sigma)`` (possibly behind the
    deterministic ``<name>_probs``), else None. The candidates are read off
    the graph and each is confirmed by building PyMC's own graph from it
    and comparing the two."""
    import pymc as pm
    from pytensor.graph.basic import equal_computations

    try:
        from pytensor.graph.traversal import ancestors
    except ImportError:  # pragma: no cover (an older PyTensor)
        from pytensor.graph.basic import ancestors

    while p.owner is not None and type(p.owner.op).__name__ == "DimShuffle":
        op = p.owner.op  # leading axes added for broadcasting
        k = len(op.new_order) - op.input_ndim
        if k <= 0 or tuple(op.new_order) != ("x",) * k + tuple(range(op.input_ndim)):
            break
        p = p.owner.inputs[0]
    if p in t._dets:
        p = p.owner.inputs[0]
    if p.owner is None:
        return None
    blockers = list(t._free) + list(t._observed)
    pairs, divisors = [], []
    for v in ancestors([p], blockers=blockers):
        node = v.owner
        if node is None or type(node.op).__name__ != "Elemwise":
            continue
        name = op_name(node.op)
        if name == "Sub" and len(node.inputs) == 2:
            a, b = node.inputs
            if (eta := _padded_right(b)) is not None:
                pairs.append(("OrderedLogistic", eta, a))
            if (eta := _padded_right(a)) is not None:
                pairs.append(("OrderedProbit", eta, b))
        elif name == "TrueDiv":
            d = node.inputs[1]
            padded = _padded_right(d)
            divisors.append(d if padded is None else padded)
    for kind, eta, cut in pairs:
        if kind == "OrderedLogistic":
            if equal_computations([p], [pm.OrderedLogistic.compute_p(eta, cut)]):
                return kind, {"eta": eta, "cutpoints": cut}
            continue
        for sigma in dict.fromkeys([*divisors, 1]):
            try:
                ref = pm.OrderedProbit.compute_p(eta, cut, sigma)
            except Exception:  # noqa: BLE001 - a divisor that is no sigma
                continue
            if equal_computations([p], [ref]):
                return kind, {"eta": eta, "cutpoints": cut, "sigma": sigma}
    return None


def _categorical(t, rv, p):
    (prob,) = p
    z = _softmax_input(prob)
    if z is not None:
        return "Categorical", {"logit_p": z}, None
    ordered = _ordered_of(t, prob)
    if ordered is not None:
        return (*ordered, None)
    return "Categorical", {"p": prob}, None


def _mixture(t, rv, p):
    w, comps = p[0], p[1:]
    if len(comps) == 2 and _is_dirac_zero(t, comps[0]) and _rv_class(comps[1]) != "DiracDeltaRV":
        return _zero_inflated(t, rv, w, comps[1])
    for c in comps:
        if c.owner is None or type(c.owner.op).__name__ != "NormalRV":
            what = distribution_name(rv)
            if what == "pm.Mixture":
                what = f"pm.Mixture of {', '.join(distribution_name(k) for k in comps)}"
            raise _Problem(f"{what} is not supported (exmc's mixtures have Normal components only)")
    if len(comps) == 1:
        c = comps[0]
        mu, sigma = c.owner.op.dist_params(c.owner)
        params = {"w": w, "mu": mu, "sigma": sigma}
    else:
        mus, sigmas = [], []
        for c in comps:
            m_, s_ = c.owner.op.dist_params(c.owner)
            mus.append(t.operand(t.value(m_)))
            sigmas.append(t.operand(t.value(s_)))
        try:
            target = np.broadcast_shapes(*[e.shape for e in mus + sigmas])
        except ValueError:
            raise _Problem("the mixture components' parameters do not broadcast together") from None
        n = len(comps)
        mu = t.op("stack", *[t.broadcast_to(e, target) for e in mus], shape=target + (n,), axis=len(target))
        sigma = t.op("stack", *[t.broadcast_to(e, target) for e in sigmas], shape=target + (n,), axis=len(target))
        params = {"w": w, "mu": mu, "sigma": sigma}
    return "NormalMixture", params, None


def _zerosumnormal(t, rv, p):
    sigma, support_shape = p[0], p[1]
    n = rv.owner.op.ndim_supp
    # PyMC's sigma has length one along the zero-sum axes; exmc's
    # broadcasts over the axes before them
    s = t.value(sigma)
    shp = tuple(s.shape)
    if len(shp) < n or any(d != 1 for d in shp[len(shp) - n:]):
        raise _Problem("sigma must have length one along the zero-sum axes")
    s = t.reshape(s, shp[: len(shp) - n]) if not isinstance(s, _C) else _C(np.asarray(s.value).reshape(shp[: len(shp) - n]))
    shape = None
    if not all(d is not None for d in rv.type.shape):
        event = t.const_ints(support_shape)
        size = rv.owner.op.size_param(rv.owner) if hasattr(rv.owner.op, "size_param") else None
        batch = t.const_ints(size) if size is not None and not is_none_const(size) else shp[: len(shp) - n]
        shape = tuple(batch) + tuple(event)
    return "ZeroSumNormal", {"sigma": s, "n_zerosum_axes": _C(np.float64(n))}, shape


def _mv_matrix(rv, m):
    """How a multivariate normal's matrix was given: ("chol", L) for PyMC's
    ``chol=L`` (its graph is L @ L.mT with L tagged lower triangular, which
    PyMC's log-density reads as the factor), ("tau", T) for ``tau=T`` (the
    inverse of T), ("cov", m) otherwise."""
    node = m.owner
    if node is None:
        return "cov", m
    op = node.op
    core = getattr(op, "core_op", op)
    name = type(core).__name__
    if name == "MatrixInverse":
        return "tau", node.inputs[0]
    if name == "Dot" and len(node.inputs) == 2:
        a, b = node.inputs
        bt = b.owner
        if (getattr(a.tag, "lower_triangular", False) and bt is not None
                and type(bt.op).__name__ == "DimShuffle" and bt.inputs[0] is a
                and tuple(bt.op.new_order) == (*range(a.ndim - 2), a.ndim - 1, a.ndim - 2)):
            return "chol", a
    return "cov", m


def _expanded_from(var, ndim):
    """var without the leading length-1 axes PyTensor adds to broadcast it
    (ExpandDims on the left), keeping at least ndim axes."""
    while var.owner is not None and type(var.owner.op).__name__ == "DimShuffle":
        op = var.owner.op
        k = len(op.new_order) - op.input_ndim
        if op.input_ndim < ndim or k <= 0 or tuple(op.new_order) != ("x",) * k + tuple(range(op.input_ndim)):
            break
        var = var.owner.inputs[0]
    return var


def _mv_params(t, mu, m):
    """mu and the matrix of a multivariate normal or t. PyMC broadcasts mu
    against the covariance's last row (``second(cov[..., -1], mu)``), the
    covariance being inv(tau) for ``tau=``: mu is read from under that
    broadcast and broadcast against the matrix actually given, so that
    nothing of inv(tau) is computed."""
    kind, m = _mv_matrix(None, _expanded_from(m, 2))
    me = t.operand(t.value(m))
    mu = _expanded_from(mu, 1)
    node = mu.owner
    if (node is not None and type(node.op).__name__ == "Elemwise"
            and type(node.op.scalar_op).__name__ == "Second"):
        mu = node.inputs[1]
    mue = t.operand(t.value(mu))
    try:
        shape = np.broadcast_shapes(mue.shape, me.shape[:-1])
    except ValueError:
        raise _Problem(f"mu of shape {mue.shape} does not broadcast against the matrix's rows {me.shape[:-1]}") from None
    if mue.shape != shape:
        mue = t.broadcast_to(mue, shape)
    return kind, mue, me


def _mvnormal(t, rv, p):
    kind, mu, m = _mv_params(t, p[0], p[1])
    return "MvNormal", {"mu": mu, kind: m}, None


def _mvstudentt(t, rv, p):
    kind, mu, m = _mv_params(t, p[1], p[2])
    return "MvStudentT", {"nu": p[0], "mu": mu, {"cov": "scale"}.get(kind, kind): m}, None


def _lkj_cholesky_cov(t, rv, p):
    """PyMC's LKJCholeskyCov: exmc's LKJCholeskyCov(n, eta) for the packed
    factor, and PyMC's sd_dist at the lengths of the factor's rows (the
    standard deviations) as a potential: PyMC's own log-density of it, so
    that any sd_dist PyMC has translates as its other graphs do."""
    import pymc as pm
    import pytensor.tensor as pt

    _, n, eta, sd_dist = rv.owner.inputs
    n = int(t.const(n))
    if rv.ndim != 1:
        raise _Problem("a batch of LKJCholeskyCov factors is not supported")
    rows = np.zeros((n, n * (n + 1) // 2))
    for i in range(n):
        rows[i, i * (i + 1) // 2 : (i + 1) * (i + 2) // 2] = 1.0
    stds = pt.sqrt(pt.dot(pt.as_tensor(rows), rv**2))
    t._extra_terms.append((f"{rv.name}_sd_dist", pm.logp(sd_dist, stds).sum()))
    return "LKJCholeskyCov", {"n": _C(np.float64(n)), "eta": eta}, None


_DISTS = {
    "_LKJCholeskyCovRV": _lkj_cholesky_cov,
    "HalfNormalRV": _halfnormal,
    "ExponentialRV": _exponential,
    "GammaRV": _gamma,
    "HalfStudentTRV": _halfstudentt,
    "HalfCauchyRV": _halfcauchy,
    "RiceRV": _rice,
    "LogitNormal": _logitnormal,
    "FlatRV": _flat,
    "HalfFlatRV": _halfflat,
    "BernoulliRV": _bernoulli,
    "BinomialRV": _binomial,
    "PoissonRV": _poisson,
    "NegBinomialRV": _negbinomial,
    "RandomWalkRV": _random_walk,
    "MixtureRV": _mixture,
    "ZeroSumNormalRV": _zerosumnormal,
    "MvNormalRV": _mvnormal,
    "MvStudentTRV": _mvstudentt,
    "_HurdleRV": _hurdle,
    "CategoricalRV": _categorical,
    "HyperGeometricRV": _hypergeometric,
}

_OPS = {
    "DimShuffle": Translator._dimshuffle,
    "Dot": Translator._dot,
    "Sum": Translator._reduce,
    "Prod": Translator._reduce,
    "CAReduce": Translator._reduce,
    "All": Translator._reduce,
    "Any": Translator._reduce,
    "LogSumExp": Translator._logsumexp,
    "LogSoftmax": Translator._logsoftmax_op,
    "Softmax": Translator._softmax_op,
    "CumOp": Translator._cumop,
    "LogAddExp": Translator._logaddexp,
    "Join": Translator._join,
    "MakeVector": Translator._make_vector,
    "Reshape": Translator._reshape,
    "Alloc": Translator._alloc,
    "Subtensor": Translator._subtensor,
    "AdvancedSubtensor1": Translator._adv1,
    "AdvancedSubtensor": Translator._adv,
    "IncSubtensor": Translator._inc_subtensor,
    "AdvancedIncSubtensor": Translator._inc_subtensor,
    "AdvancedIncSubtensor1": Translator._inc_subtensor,
    "Cholesky": Translator._cholesky,
    "SolveTriangular": Translator._solve_triangular,
    "AllocDiag": Translator._alloc_diag,
    "Solve": Translator._solve,
    "MatrixInverse": Translator._inv,
    "Det": Translator._det,
    "KroneckerProduct": Translator._kron,
    "ExtractDiag": Translator._extract_diag,
}


def translate(model: Any, *, noncentered: bool | None = None) -> Translation:
    """Translate a ``pymc.Model`` (raises :class:`UnsupportedModelError`)."""
    return Translator(model, noncentered=noncentered).run()
