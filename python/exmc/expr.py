"""Expressions: what parameters, deterministics and potentials are made of.

Every expression knows its shape as soon as it is built, so that a shape
mismatch is reported while the model is written, not when the Go core
compiles it. The shape rules here mirror the ones in
``docs/model-format.md`` (numpy broadcasting, plus the rules of each op);
the Go core checks them again and is the authority.
"""

from __future__ import annotations

import builtins
import math as _pymath
import numbers
from typing import Any, Iterator, Sequence

import numpy as np

from . import _context

FLOAT = "float64"
INT = "int64"

#: numpy arrays with more elements than this become data nodes instead of
#: ``const`` expressions, so that they can travel as Arrow buffers.
CONST_INLINE_LIMIT = 64

_LABEL_LIMIT = 80


class ShapeError(ValueError):
    """Shapes that do not fit together."""


class _IndexOutOfRange(ValueError, IndexError):
    """An index outside its axis (both a ValueError, as every model-building
    error is, and an IndexError, as numpy users expect)."""


def _is_scalar_number(x: Any) -> bool:
    if isinstance(x, (bool, np.bool_)):
        return False
    return isinstance(x, (numbers.Real, np.integer, np.floating))


def _is_integer(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


class Expr:
    """Base of every expression: constants, node references and operations.

    Python operators build new expressions: ``+ - * / **``, unary ``-``,
    ``@``, ``abs()`` and indexing (integers, slices, ``None``, ``...`` and
    one integer-array or boolean-mask index).
    """

    shape: tuple[int, ...] = ()
    dtype: str = FLOAT

    # numpy calls __array_ufunc__ for ``ndarray <op> Expr``, which lets the
    # expression build the operation instead of numpy looping over objects.
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs:
            return NotImplemented
        op = _UFUNCS.get(ufunc)
        if op is None:
            return NotImplemented
        if op in _BINARY_OPS:
            return _binary(op, *inputs)
        if op == "matmul":
            return matmul(*inputs)
        return _unary(op, *inputs)

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"{self._label()} is a symbolic exmc expression and has no numeric value; "
            "use exmc.math functions instead of numpy functions on it"
        )

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def to_json(self) -> Any:
        raise NotImplementedError

    def refs(self) -> Iterator[Any]:
        """The model nodes this expression refers to (with repetitions)."""
        return iter(())

    def _label(self) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<exmc expression {_short(self._label())} shape={self.shape}>"

    # Arithmetic. Returning NotImplemented for unknown operand types lets
    # Python raise its usual TypeError.
    def __add__(self, other):
        return _binary_or_not("add", self, other)

    def __radd__(self, other):
        return _binary_or_not("add", other, self)

    def __sub__(self, other):
        return _binary_or_not("sub", self, other)

    def __rsub__(self, other):
        return _binary_or_not("sub", other, self)

    def __mul__(self, other):
        return _binary_or_not("mul", self, other)

    def __rmul__(self, other):
        return _binary_or_not("mul", other, self)

    def __truediv__(self, other):
        return _binary_or_not("div", self, other)

    def __rtruediv__(self, other):
        return _binary_or_not("div", other, self)

    def __pow__(self, other):
        return _binary_or_not("pow", self, other)

    def __rpow__(self, other):
        return _binary_or_not("pow", other, self)

    def __matmul__(self, other):
        try:
            return matmul(self, other)
        except TypeError:
            return NotImplemented

    def __rmatmul__(self, other):
        try:
            return matmul(other, self)
        except TypeError:
            return NotImplemented

    def __neg__(self):
        return _unary("neg", self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _unary("abs", self)

    def __getitem__(self, key):
        return _getitem(self, key)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError(f"len() of a scalar expression {_short(self._label())}")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError(f"iteration over a scalar expression {_short(self._label())}")
        return (self[i] for i in range(self.shape[0]))

    # numpy-like methods
    @property
    def T(self) -> Expr:
        return transpose(self)

    def sum(self, axis=None, dtype=None, out=None, **kwargs) -> Expr:
        _no_numpy_extras("sum", dtype, out, kwargs)
        return reduce_sum(self, axis)

    def mean(self, axis=None, dtype=None, out=None, **kwargs) -> Expr:
        _no_numpy_extras("mean", dtype, out, kwargs)
        return reduce_mean(self, axis)

    def cumsum(self, axis=None, dtype=None, out=None) -> Expr:
        _no_numpy_extras("cumsum", dtype, out, {})
        return cumsum(self, axis)

    def cumprod(self, axis=None, dtype=None, out=None) -> Expr:
        _no_numpy_extras("cumprod", dtype, out, {})
        return cumprod(self, axis)

    def reshape(self, *shape) -> Expr:
        if len(shape) == 1 and not _is_integer(shape[0]):
            shape = shape[0]
        return reshape(self, shape)

    def transpose(self, *axes) -> Expr:
        if len(axes) == 1 and not _is_integer(axes[0]):
            axes = axes[0]
        return transpose(self, axes if axes else None)

    def dot(self, other) -> Expr:
        return dot(self, other)


def _no_numpy_extras(name, dtype, out, kwargs):
    if dtype is not None or out is not None or any(v not in (None, False) for v in kwargs.values()):
        raise TypeError(f"{name}() of an exmc expression takes only `axis`")


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_LIMIT else text[: _LABEL_LIMIT - 3] + "..."


class Constant(Expr):
    """A number or a small array written inline (``const`` in the format)."""

    def __init__(self, value: Any):
        if isinstance(value, np.ndarray) and value.ndim > 0:
            self.value = np.array(value, dtype=np.float64, order="C")
            self.value.setflags(write=False)
            self.shape = tuple(int(d) for d in value.shape)
            self._scalar = None
        else:
            scalar = value.item() if isinstance(value, (np.ndarray, np.generic)) else value
            # Integers stay integers in the JSON ("mu": 0, as in the format's
            # example); both spellings parse to the same float.
            self._scalar = int(scalar) if _is_integer(scalar) else float(scalar)
            self.value = np.array(float(self._scalar))
            self.shape = ()
        self.dtype = FLOAT

    def to_json(self) -> Any:
        if self._scalar is not None:
            return self._scalar
        return {"const": self.value.ravel().tolist(), "shape": list(self.shape)}

    def _label(self) -> str:
        if self._scalar is not None:
            return repr(self._scalar)
        if self.value.size <= 4:
            return "const" + repr(self.value.tolist())
        return f"const<shape {self.shape}>"


class Operation(Expr):
    """An ``{"op": ...}`` node. Build these with the functions of this module
    (or ``exmc.math``), which check shapes; the constructor does not."""

    def __init__(self, op: str, args: Sequence[Expr], attrs: dict, shape, dtype: str = FLOAT):
        self.op = op
        self.args = tuple(args)
        self.attrs = dict(attrs)
        self.shape = tuple(int(d) for d in shape)
        self.dtype = dtype

    def to_json(self) -> Any:
        out = {"op": self.op, "args": [a.to_json() for a in self.args]}
        out.update(self.attrs)
        return out

    def refs(self) -> Iterator[Any]:
        stack = list(reversed(self.args))
        while stack:
            e = stack.pop()
            if isinstance(e, Operation):
                stack.extend(reversed(e.args))
            elif not isinstance(e, Constant):
                yield e

    def _label(self) -> str:
        parts = []
        length = 0
        for a in self.args:
            text = a._label()
            parts.append(text)
            length += len(text)
            if length > _LABEL_LIMIT:
                break
        attrs = "".join(f", {k}={v!r}" for k, v in self.attrs.items())
        return f"{self.op}({', '.join(parts)}{attrs})"


# ---------------------------------------------------------------------------
# turning Python and numpy values into expressions


def _find_model(exprs) -> Any:
    """The model of the first node referred to in ``exprs``, else the current
    model: a large array combined with a node becomes data of that node's
    model even outside its ``with`` block."""
    for e in exprs:
        if isinstance(e, Operation):
            refs = e.refs()
        elif isinstance(e, Expr) and not isinstance(e, Constant):
            refs = iter((e,))
        else:
            continue
        for r in refs:
            model = getattr(r, "model", None)
            if model is not None:
                return model
    return _context.current()


def _numeric_array(x: Any, what: str) -> np.ndarray:
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise TypeError(f"{what} cannot be read as a numeric array: {err}") from None
    if arr.dtype.kind == "b":
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{what} must be numeric, got an array of dtype {arr.dtype}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} contains NaN or infinite values")
    return arr


def as_expr(x: Any, *, model=None, what: str = "value", defer_data: bool = False) -> Expr:
    """Turn a number, a numpy array (or a list) or an expression into an
    expression. Arrays larger than :data:`CONST_INLINE_LIMIT` become data
    nodes of ``model`` (or of the current model) so that they are not written
    into the JSON text; with ``defer_data`` they stay constants for now and
    :func:`materialize` turns them into data nodes once the node that uses
    them has passed its checks (a failed node then leaves nothing behind)."""
    if isinstance(x, Expr):
        return x
    if _is_scalar_number(x):
        if not _pymath.isfinite(float(x)):
            raise ValueError(f"{what} is not finite: {x!r}")
        return Constant(x)
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{what} must be a number, an array or an expression, not a bool")
    if isinstance(x, (np.ndarray, list, tuple)) or hasattr(x, "__array__"):
        if isinstance(x, np.ma.MaskedArray):
            raise TypeError(f"{what}: masked arrays (missing values) are not supported")
        arr = _numeric_array(x, what)
        if arr.ndim == 0:
            return Constant(arr.item())
        if arr.size > CONST_INLINE_LIMIT and not defer_data:
            owner = model if model is not None else _context.current()
            if owner is not None:
                return owner._auto_data(arr.astype(np.float64))
        return Constant(arr)
    raise TypeError(
        f"{what} must be a number, a numpy array or an exmc expression, not {type(x).__name__}"
    )


def materialize(e: Expr, model) -> Expr:
    """A large constant left by ``as_expr(..., defer_data=True)`` as a data node."""
    if isinstance(e, Constant) and e.value.size > CONST_INLINE_LIMIT and model is not None:
        return model._auto_data(e.value)
    return e


def as_index(x: Any, *, model=None, length: int | None = None) -> Expr:
    """Turn an integer array, a boolean mask or an int64 expression into an
    index expression for ``gather``. numpy indices always become int64 data
    nodes, so that the Go core sees their integer type."""
    if isinstance(x, Expr):
        if x.dtype != INT:
            raise TypeError(f"an index must be an integer expression; {_short(x._label())} is {x.dtype}")
        return x
    arr = np.asarray(x)
    if arr.dtype.kind == "b":
        if arr.ndim != 1:
            raise TypeError("only 1-D boolean masks are supported as an index")
        if length is not None and arr.shape[0] != length:
            raise ShapeError(f"boolean mask of length {arr.shape[0]} for an axis of length {length}")
        arr = np.flatnonzero(arr)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"an index array must hold integers, got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    if length is not None:
        if arr.size and (arr.min() < -length or arr.max() >= length):
            raise _IndexOutOfRange(f"index out of range for an axis of length {length}")
        arr = np.where(arr < 0, arr + length, arr)
    owner = model if model is not None else _context.current()
    if owner is None:
        raise ValueError("indexing with an integer array needs a model (use it inside `with exmc.Model():`)")
    return owner._auto_data(arr)


# ---------------------------------------------------------------------------
# building operations, with their shape rules

_BINARY_OPS = ("add", "sub", "mul", "div", "pow", "maximum", "minimum", "logaddexp", "betaln")
_UNARY_OPS = (
    "neg", "exp", "log", "log1p", "expm1", "sqrt", "square", "abs",
    "sigmoid", "softplus", "logit", "tanh", "erf", "erfc", "erfcx", "log_ndtr",
    "gammaln", "digamma", "sin", "cos", "floor", "ceil", "round",
)

_UFUNCS = {
    np.add: "add",
    np.subtract: "sub",
    np.multiply: "mul",
    np.true_divide: "div",
    np.power: "pow",
    np.float_power: "pow",
    np.maximum: "maximum",
    np.minimum: "minimum",
    np.negative: "neg",
    np.exp: "exp",
    np.log: "log",
    np.log1p: "log1p",
    np.expm1: "expm1",
    np.sqrt: "sqrt",
    np.square: "square",
    np.absolute: "abs",
    np.tanh: "tanh",
    np.sin: "sin",
    np.cos: "cos",
    np.floor: "floor",
    np.ceil: "ceil",
    np.rint: "round",
    np.logaddexp: "logaddexp",
    np.matmul: "matmul",
}


def _broadcast_shapes(op: str, args: Sequence[Expr]) -> tuple[int, ...]:
    try:
        return tuple(np.broadcast_shapes(*(a.shape for a in args)))
    except ValueError:
        shapes = " and ".join(str(a.shape) for a in args)
        raise ShapeError(
            f"shapes {shapes} do not broadcast in {op}({', '.join(_short(a._label()) for a in args)})"
        ) from None


def _binary(op: str, a: Any, b: Any) -> Expr:
    model = _find_model((a, b))
    a = as_expr(a, model=model, what=f"operand of {op}")
    b = as_expr(b, model=model, what=f"operand of {op}")
    return Operation(op, (a, b), {}, _broadcast_shapes(op, (a, b)))


def _binary_or_not(op: str, a: Any, b: Any):
    try:
        return _binary(op, a, b)
    except TypeError:
        return NotImplemented


def _unary(op: str, x: Any) -> Expr:
    x = as_expr(x, what=f"argument of {op}")
    return Operation(op, (x,), {}, x.shape)


def _axis(axis: Any, ndim: int, op: str, label: str) -> int:
    if not _is_integer(axis):
        raise TypeError(f"{op}: axis must be an integer, got {axis!r}")
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ShapeError(f"{op}: axis {axis} is out of range for {_short(label)} of rank {ndim}")
    return axis % ndim


def matmul(a: Any, b: Any) -> Expr:
    """numpy's ``matmul``: matrix-vector, vector-matrix, matrix-matrix or
    vector-vector products, and batches of matrices over leading axes
    (which broadcast)."""
    model = _find_model((a, b))
    a = as_expr(a, model=model, what="operand of matmul")
    b = as_expr(b, model=model, what="operand of matmul")
    label = f"matmul({_short(a._label())}, {_short(b._label())})"
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(f"matmul takes no scalar operands (use *), got shapes {a.shape} and {b.shape} in {label}")
    inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != inner_b:
        raise ShapeError(f"matmul: inner dimensions {a.shape} and {b.shape} do not match in {label}")
    batch = _batch_shapes("matmul", a, b, label)
    shape = batch + (a.shape[-2:-1] if a.ndim > 1 else ()) + (b.shape[-1:] if b.ndim > 1 else ())
    return Operation("matmul", (a, b), {}, shape)


def _batch_shapes(op: str, a: Expr, b: Expr, label: str) -> tuple[int, ...]:
    """The broadcast batch axes (those before the last two) of two matrix
    operands; a vector has none."""
    try:
        return tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    except ValueError:
        raise ShapeError(f"{op}: the batch axes of shapes {a.shape} and {b.shape} do not broadcast in {label}") from None


def _square(op: str, a: Expr) -> None:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ShapeError(f"{op} takes a square matrix (or a batch of them), got {_short(a._label())} of shape {a.shape}")


def cholesky(a: Any) -> Expr:
    """The lower Cholesky factor of a symmetric positive-definite matrix (or
    of each of a batch), from its lower triangle. Where the matrix is not
    positive definite the factor is NaN, and the point is rejected."""
    a = as_expr(a, what="argument of cholesky")
    _square("cholesky", a)
    return Operation("cholesky", (a,), {}, a.shape)


def solve_triangular(a: Any, b: Any, lower: bool = False, trans: bool = False) -> Expr:
    """x with ``a @ x = b`` (``a.T @ x = b`` with ``trans``), reading only the
    lower or (by default, as scipy) upper triangle of ``a``. ``b`` is a
    vector, or a matrix (or batch of them) with as many rows as ``a``."""
    model = _find_model((a, b))
    a = as_expr(a, model=model, what="matrix of solve_triangular")
    b = as_expr(b, model=model, what="right-hand side of solve_triangular")
    label = f"solve_triangular({_short(a._label())}, {_short(b._label())})"
    _square("solve_triangular", a)
    n = a.shape[-1]
    if b.ndim == 1:
        if b.shape[0] != n or a.ndim > 2:
            raise ShapeError(f"solve_triangular: a vector right-hand side of shape {b.shape} does not fit "
                             f"a matrix of shape {a.shape} in {label}")
        shape = b.shape
    else:
        if b.ndim == 0 or b.shape[-2] != n:
            raise ShapeError(f"solve_triangular: shapes {a.shape} and {b.shape} do not align in {label}")
        shape = _batch_shapes("solve_triangular", a, b, label) + b.shape[-2:]
    return Operation("solve_triangular", (a, b), {"lower": bool(lower), "trans": bool(trans)}, shape)


def solve(a: Any, b: Any) -> Expr:
    """x with ``a @ x = b`` for a general square ``a`` (LU with partial
    pivoting; NaN, a rejected point, where ``a`` is singular). ``b`` is a
    vector, or a matrix (or batch of them) with as many rows as ``a``."""
    model = _find_model((a, b))
    a = as_expr(a, model=model, what="matrix of solve")
    b = as_expr(b, model=model, what="right-hand side of solve")
    label = f"solve({_short(a._label())}, {_short(b._label())})"
    _square("solve", a)
    n = a.shape[-1]
    if b.ndim == 1:
        if b.shape[0] != n or a.ndim > 2:
            raise ShapeError(f"solve: a vector right-hand side of shape {b.shape} does not fit "
                             f"a matrix of shape {a.shape} in {label}")
        return Operation("solve", (a, b), {}, b.shape)
    if b.ndim == 0 or b.shape[-2] != n:
        raise ShapeError(f"solve: shapes {a.shape} and {b.shape} do not align in {label}")
    return Operation("solve", (a, b), {}, _batch_shapes("solve", a, b, label) + b.shape[-2:])


def inv(a: Any) -> Expr:
    """The inverse of a square matrix (or of each of a batch)."""
    a = as_expr(a, what="argument of inv")
    _square("inv", a)
    return Operation("inv", (a,), {}, a.shape)


def det(a: Any) -> Expr:
    """The determinant of a square matrix (or of each of a batch)."""
    a = as_expr(a, what="argument of det")
    _square("det", a)
    return Operation("det", (a,), {}, a.shape[:-2])


def logabsdet(a: Any) -> Expr:
    """log |det a|, without forming the determinant (no overflow)."""
    a = as_expr(a, what="argument of logabsdet")
    _square("logabsdet", a)
    return Operation("logabsdet", (a,), {}, a.shape[:-2])


def outer(a: Any, b: Any) -> Expr:
    """numpy's ``outer`` of two vectors (flattened first, as numpy)."""
    model = _find_model((a, b))
    a = as_expr(a, model=model, what="operand of outer")
    b = as_expr(b, model=model, what="operand of outer")
    return _binary("mul", reshape(a, (a.size, 1)), reshape(b, (1, b.size)))


def kron(a: Any, b: Any) -> Expr:
    """numpy's ``kron`` of two vectors or two matrices."""
    model = _find_model((a, b))
    a = as_expr(a, model=model, what="operand of kron")
    b = as_expr(b, model=model, what="operand of kron")
    if a.ndim != b.ndim or a.ndim not in (1, 2):
        raise ShapeError(f"kron takes two vectors or two matrices, got shapes {a.shape} and {b.shape}")
    if a.ndim == 1:
        return reshape(outer(a, b), (a.size * b.size,))
    (m, n), (p, q) = a.shape, b.shape
    return reshape(_binary("mul", reshape(a, (m, 1, n, 1)), reshape(b, (1, p, 1, q))), (m * p, n * q))


def log_softmax(x: Any, axis: int | None = -1) -> Expr:
    """x minus its logsumexp along ``axis`` (over everything when None)."""
    x = as_expr(x, what="argument of log_softmax")
    if axis is None:
        return _binary("sub", x, Operation("logsumexp", (x,), {"axis": None}, ()))
    ax = _axis(axis, x.ndim, "log_softmax", x._label())
    lse = Operation("logsumexp", (x,), {"axis": ax}, x.shape[:ax] + x.shape[ax + 1 :])
    return _binary("sub", x, reshape(lse, x.shape[:ax] + (1,) + x.shape[ax + 1 :]))


def softmax(x: Any, axis: int | None = -1) -> Expr:
    """exp(log_softmax(x)): non-negative, summing to 1 along ``axis``."""
    return _unary("exp", log_softmax(x, axis))


def diag(v: Any, k: int = 0) -> Expr:
    """numpy's ``diag``: a vector's square matrix with it on the ``k``-th
    diagonal, or a matrix's ``k``-th diagonal."""
    v = as_expr(v, what="argument of diag")
    if not _is_integer(k):
        raise TypeError(f"diag: k must be an integer, got {k!r}")
    k = int(k)
    if v.ndim == 1:
        n = v.shape[0] + abs(k)
        return Operation("diag", (v,), {"offset": k}, (n, n))
    if v.ndim == 2:
        return diagonal(v, k)
    raise ShapeError(f"diag takes a vector or a matrix, got {_short(v._label())} of shape {v.shape}")


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Expr:
    """numpy's ``diagonal``: the diagonal of the matrices on ``axis1`` and
    ``axis2``, as the last axis."""
    a = as_expr(a, what="argument of diagonal")
    if a.ndim < 2:
        raise ShapeError(f"diagonal takes an array of rank 2 or more, got {_short(a._label())} of shape {a.shape}")
    ax1 = _axis(axis1, a.ndim, "diagonal", a._label())
    ax2 = _axis(axis2, a.ndim, "diagonal", a._label())
    if ax1 == ax2:
        raise ShapeError("diagonal: axis1 and axis2 cannot be the same")
    if not _is_integer(offset):
        raise TypeError(f"diagonal: offset must be an integer, got {offset!r}")
    offset = int(offset)
    perm = [i for i in range(a.ndim) if i not in (ax1, ax2)] + [ax1, ax2]
    if perm != list(range(a.ndim)):
        a = transpose(a, perm)
    r, c = a.shape[-2:]
    d = max(0, min(r, c - offset)) if offset >= 0 else max(0, min(r + offset, c))
    return Operation("extract_diag", (a,), {"offset": offset}, a.shape[:-2] + (d,))


def eye(n: int, m: int | None = None, k: int = 0) -> Expr:
    """numpy's ``eye``, a constant."""
    return Constant(np.eye(n, m, k))


def tril(a: Any, k: int = 0) -> Expr:
    """The lower triangle of the last two axes (on and below the ``k``-th
    diagonal), zero above."""
    a = as_expr(a, what="argument of tril")
    if a.ndim < 2:
        raise ShapeError(f"tril takes a matrix (or a batch of them), got {_short(a._label())} of shape {a.shape}")
    return _binary("mul", a, Constant(np.tri(a.shape[-2], a.shape[-1], k)))


def triu(a: Any, k: int = 0) -> Expr:
    """The upper triangle of the last two axes (on and above the ``k``-th
    diagonal), zero below."""
    a = as_expr(a, what="argument of triu")
    if a.ndim < 2:
        raise ShapeError(f"triu takes a matrix (or a batch of them), got {_short(a._label())} of shape {a.shape}")
    return _binary("mul", a, Constant(1.0 - np.tri(a.shape[-2], a.shape[-1], k - 1)))


def dot(a: Any, b: Any) -> Expr:
    """numpy's ``dot`` for scalars, vectors and matrices."""
    model = _find_model((a, b))
    a = as_expr(a, model=model, what="operand of dot")
    b = as_expr(b, model=model, what="operand of dot")
    if a.ndim == 0 or b.ndim == 0:
        return _binary("mul", a, b)
    return matmul(a, b)


def gather(a: Any, index: Any, axis: int = 0) -> Expr:
    """``a[index]`` along ``axis`` (numpy's ``take``)."""
    a = as_expr(a, what="array of gather")
    axis = _axis(axis, a.ndim, "gather", a._label())
    idx = as_index(index, model=_find_model((a,)), length=a.shape[axis])
    _check_index_values(idx, a.shape[axis], a)
    shape = a.shape[:axis] + idx.shape + a.shape[axis + 1 :]
    return Operation("gather", (a, idx), {"axis": axis}, shape, a.dtype)


def _scatter(op: str, a: Any, key: Any, values: Any) -> Expr:
    model = _find_model((a, values))
    a = as_expr(a, model=model, what=f"array of {op}")
    values = as_expr(values, model=model, what=f"values of {op}")
    if isinstance(key, Expr):
        raise TypeError(f"{op}: the index must be numpy-style (slices, integers, integer or boolean arrays), "
                        "not an expression")
    try:
        pos = np.asarray(np.arange(a.size, dtype=np.int64).reshape(a.shape)[key])
    except IndexError as err:
        raise _IndexOutOfRange(f"{op}: {err} for {_short(a._label())} of shape {a.shape}") from None
    try:
        fits = np.broadcast_shapes(values.shape, pos.shape) == pos.shape
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"{op}: values of shape {values.shape} do not fit the {pos.shape} elements indexed "
                         f"in {_short(a._label())}")
    if pos.size == 0:
        return a
    idx = as_index(pos, model=model)
    return Operation("scatter" if op == "set_subtensor" else "scatter_add", (a, idx, values), {}, a.shape)


def set_subtensor(a: Any, key: Any, values: Any) -> Expr:
    """``a`` with ``a[key]`` set to ``values`` (as numpy's ``a[key] = values``
    on a copy: a position written twice takes the last value)."""
    return _scatter("set_subtensor", a, key, values)


def inc_subtensor(a: Any, key: Any, values: Any) -> Expr:
    """``a`` with ``values`` added at ``a[key]``; a position indexed twice gets
    both (numpy's ``np.add.at``)."""
    return _scatter("inc_subtensor", a, key, values)


def _check_index_values(idx: Expr, length: int, a: Expr) -> None:
    values = getattr(idx, "value", None)
    if getattr(idx, "kind", None) != "data" or values is None or values.size == 0:
        return
    lo, hi = int(values.min()), int(values.max())
    if lo < -length or hi >= length:
        raise _IndexOutOfRange(
            f"index {idx._label()!r} holds values in [{lo}, {hi}], outside [{-length}, {length}) "
            f"for {_short(a._label())}"
        )


def slice_axis(a: Any, start=None, stop=None, step=None, axis: int = 0) -> Expr:
    """``a[start:stop:step]`` along ``axis`` (Python semantics)."""
    a = as_expr(a, what="array of slice")
    axis = _axis(axis, a.ndim, "slice", a._label())
    for name, v in (("start", start), ("stop", stop), ("step", step)):
        if v is not None and not _is_integer(v):
            raise TypeError(f"slice {name} must be an integer or None, got {v!r}")
    if step is not None and int(step) == 0:
        raise ValueError("slice step cannot be zero")
    n = len(range(a.shape[axis])[slice(start, stop, step)])
    shape = a.shape[:axis] + (n,) + a.shape[axis + 1 :]
    attrs = {
        "axis": axis,
        "start": None if start is None else int(start),
        "stop": None if stop is None else int(stop),
        "step": None if step is None else int(step),
    }
    return Operation("slice", (a,), attrs, shape, a.dtype)


def _reduce(op: str, a: Any, axis) -> Expr:
    a = as_expr(a, what=f"argument of {op}")
    if axis is None:
        return Operation(op, (a,), {"axis": None}, ())
    if isinstance(axis, (tuple, list)):
        axes = sorted({_axis(ax, a.ndim, op, a._label()) for ax in axis}, reverse=True)
        if len(axes) != len(axis):
            raise ValueError(f"{op}: repeated axis in {axis!r}")
        if len(axes) == a.ndim:
            return Operation(op, (a,), {"axis": None}, ())
        out = a
        for ax in axes:
            out = Operation(op, (out,), {"axis": ax}, out.shape[:ax] + out.shape[ax + 1 :])
        return out
    ax = _axis(axis, a.ndim, op, a._label())
    return Operation(op, (a,), {"axis": ax}, a.shape[:ax] + a.shape[ax + 1 :])


def reduce_sum(a: Any, axis=None) -> Expr:
    return _reduce("sum", a, axis)


def reduce_mean(a: Any, axis=None) -> Expr:
    return _reduce("mean", a, axis)


def reduce_prod(a: Any, axis=None) -> Expr:
    return _reduce("prod", a, axis)


def cumsum(a: Any, axis=None) -> Expr:
    """Running sum; with ``axis=None`` over the flattened array, as numpy."""
    return _cumulative("cumsum", a, axis)


def cumprod(a: Any, axis=None) -> Expr:
    """Running product; with ``axis=None`` over the flattened array, as numpy."""
    return _cumulative("cumprod", a, axis)


def _cumulative(op: str, a: Any, axis) -> Expr:
    a = as_expr(a, what=f"argument of {op}")
    if a.ndim == 0:
        raise ShapeError(f"{op} needs an array, got the scalar {_short(a._label())}")
    if axis is None:
        if a.ndim > 1:
            a = reshape(a, (a.size,))
        axis = 0
    ax = _axis(axis, a.ndim, op, a._label())
    return Operation(op, (a,), {"axis": ax}, a.shape)


def _as_expr_list(args: Any, op: str) -> list[Expr]:
    if isinstance(args, Expr) or not isinstance(args, (list, tuple)):
        raise TypeError(f"{op} takes a list or tuple of arrays")
    if not args:
        raise ValueError(f"{op} needs at least one array")
    model = _find_model(args)
    return [as_expr(a, model=model, what=f"argument of {op}") for a in args]


def stack(args: Sequence[Any], axis: int = 0) -> Expr:
    exprs = _as_expr_list(args, "stack")
    shape = exprs[0].shape
    for e in exprs[1:]:
        if e.shape != shape:
            raise ShapeError(
                f"stack needs equal shapes, got {shape} and {e.shape} "
                f"({_short(exprs[0]._label())}, {_short(e._label())})"
            )
    ax = _axis(axis, len(shape) + 1, "stack", "the result")
    dtype = INT if all(e.dtype == INT for e in exprs) else FLOAT
    return Operation("stack", exprs, {"axis": ax}, shape[:ax] + (len(exprs),) + shape[ax:], dtype)


def concatenate(args: Sequence[Any], axis: int = 0) -> Expr:
    exprs = _as_expr_list(args, "concatenate")
    first = exprs[0]
    if first.ndim == 0:
        raise ShapeError("concatenate needs arrays of rank 1 or more, got a scalar")
    ax = _axis(axis, first.ndim, "concatenate", first._label())
    total = 0
    for e in exprs:
        if e.ndim != first.ndim or e.shape[:ax] != first.shape[:ax] or e.shape[ax + 1 :] != first.shape[ax + 1 :]:
            raise ShapeError(
                f"concatenate along axis {ax}: shapes {first.shape} and {e.shape} do not fit "
                f"({_short(first._label())}, {_short(e._label())})"
            )
        total += e.shape[ax]
    dtype = INT if all(e.dtype == INT for e in exprs) else FLOAT
    return Operation("concatenate", exprs, {"axis": ax}, first.shape[:ax] + (total,) + first.shape[ax + 1 :], dtype)


def reshape(a: Any, shape: Any) -> Expr:
    a = as_expr(a, what="argument of reshape")
    if _is_integer(shape):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not builtins.all(_is_integer(d) for d in shape):
        raise TypeError(f"reshape: shape must be a sequence of integers, got {shape!r}")
    shape = [int(d) for d in shape]
    unknown = [i for i, d in enumerate(shape) if d == -1]
    if len(unknown) > 1 or builtins.any(d < -1 for d in shape):
        raise ShapeError(f"reshape: invalid shape {tuple(shape)}")
    known = int(np.prod([d for d in shape if d != -1], dtype=np.int64))
    if unknown:
        if known == 0 or a.size % known:
            raise ShapeError(f"cannot reshape {_short(a._label())} of shape {a.shape} into {tuple(shape)}")
        shape[unknown[0]] = a.size // known
    elif known != a.size:
        raise ShapeError(f"cannot reshape {_short(a._label())} of shape {a.shape} into {tuple(shape)}")
    return Operation("reshape", (a,), {"shape": list(shape)}, tuple(shape), a.dtype)


def transpose(a: Any, perm: Any = None) -> Expr:
    a = as_expr(a, what="argument of transpose")
    if a.ndim == 0 and not perm:
        return a
    if perm is None:
        perm = list(range(a.ndim))[::-1]
    else:
        perm = [_axis(p, a.ndim, "transpose", a._label()) for p in perm]
        if sorted(perm) != list(range(a.ndim)):
            raise ShapeError(f"transpose: {perm} is not a permutation of the {a.ndim} axes of {_short(a._label())}")
    shape = tuple(a.shape[p] for p in perm)
    return Operation("transpose", (a,), {"perm": perm}, shape, a.dtype)


def _getitem(a: Expr, key: Any) -> Expr:
    if not isinstance(key, tuple):
        key = (key,)

    def is_array_index(k):
        return isinstance(k, (Expr, np.ndarray, list))

    n_ellipsis = sum(1 for k in key if k is Ellipsis)
    if n_ellipsis > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    n_arrays = sum(1 for k in key if is_array_index(k))
    if n_arrays > 1:
        raise TypeError(
            "only one integer-array index per indexing is supported; index one axis at a time"
        )
    consumed = sum(1 for k in key if k is not None and k is not Ellipsis)
    if consumed > a.ndim:
        raise _IndexOutOfRange(
            f"too many indices for {_short(a._label())}: it has rank {a.ndim}, {consumed} were given"
        )
    if n_ellipsis:
        i = key.index(Ellipsis)
        key = key[:i] + (slice(None),) * (a.ndim - consumed) + key[i + 1 :]

    out = a
    axis = 0
    for k in key:
        if k is None:
            out = reshape(out, out.shape[:axis] + (1,) + out.shape[axis:])
            axis += 1
        elif isinstance(k, slice):
            if k != slice(None):
                out = slice_axis(out, k.start, k.stop, k.step, axis=axis)
            axis += 1
        elif _is_integer(k):
            n = out.shape[axis]
            i = int(k)
            if not -n <= i < n:
                raise _IndexOutOfRange(
                    f"index {i} is out of range for axis {axis} of length {n} of {_short(a._label())}"
                )
            i %= n
            # an integer index is a one-element slice with the axis dropped,
            # which needs no integer data node
            out = slice_axis(out, i, i + 1, None, axis=axis)
            out = reshape(out, out.shape[:axis] + out.shape[axis + 1 :])
        elif is_array_index(k):
            before = out.ndim
            out = gather(out, k, axis=axis)
            axis += out.ndim - before + 1
        else:
            raise TypeError(f"unsupported index {k!r} for {_short(a._label())}")
    return out


# ---------------------------------------------------------------------------
# numeric evaluation (of data-only expressions, and for tests)


def _erf(x):
    return np.vectorize(_pymath.erf, otypes=[np.float64])(x)


def _scipy(name: str):
    """scipy.special's function of that name (scipy comes with ArviZ)."""

    def f(*args):
        from scipy import special

        return getattr(special, name)(*args)

    return f


_NUMPY_UNARY = {
    "neg": np.negative,
    "exp": np.exp,
    "log": np.log,
    "log1p": np.log1p,
    "expm1": np.expm1,
    "sqrt": np.sqrt,
    "square": np.square,
    "abs": np.abs,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "softplus": lambda x: np.logaddexp(0.0, x),
    "logit": lambda x: np.log(x) - np.log1p(-x),
    "tanh": np.tanh,
    "erf": _erf,
    "erfc": _scipy("erfc"),
    "erfcx": _scipy("erfcx"),
    "log_ndtr": _scipy("log_ndtr"),
    "gammaln": _scipy("gammaln"),
    "digamma": _scipy("digamma"),
    "sin": np.sin,
    "cos": np.cos,
    "floor": np.floor,
    "ceil": np.ceil,
    "round": np.rint,  # half to even, as the core's round
}

_NUMPY_BINARY = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.true_divide,
    "pow": lambda a, b: np.power(np.asarray(a, dtype=np.float64), b),
    "maximum": np.maximum,
    "minimum": np.minimum,
    "logaddexp": np.logaddexp,
    "betaln": _scipy("betaln"),
}


def _solve_triangular(a, b, lower, trans):
    a = np.tril(a) if lower else np.triu(a)
    if trans:
        a = np.swapaxes(a, -1, -2)
    return np.linalg.solve(a, b)


def evaluate(expr: Any, values: dict[str, Any] | None = None) -> np.ndarray:
    """Evaluate an expression with numpy. Data nodes use their own values;
    other nodes must be given in ``values`` (name -> array)."""
    values = values or {}
    expr = as_expr(expr)
    if isinstance(expr, Constant):
        return np.array(expr.value)
    if not isinstance(expr, Operation):
        name = getattr(expr, "name", None)
        if name in values:
            return np.asarray(values[name])
        own = getattr(expr, "value", None)
        if own is not None:
            return np.asarray(own)
        raise ValueError(f"no value for node {name!r}")
    args = [evaluate(a, values) for a in expr.args]
    op, at = expr.op, expr.attrs
    with np.errstate(all="ignore"):
        if op in _NUMPY_UNARY:
            out = _NUMPY_UNARY[op](args[0])
        elif op in _NUMPY_BINARY:
            out = _NUMPY_BINARY[op](args[0], args[1])
        elif op == "matmul":
            out = np.matmul(args[0], args[1])
        elif op == "solve":
            out = np.linalg.solve(args[0], args[1])
        elif op == "inv":
            out = np.linalg.inv(args[0])
        elif op == "det":
            out = np.linalg.det(args[0])
        elif op == "logabsdet":
            out = np.linalg.slogdet(args[0])[1]
        elif op == "logsumexp":
            m = np.max(args[0], axis=at["axis"], keepdims=True)
            out = np.squeeze(m, axis=at["axis"]) + np.log(np.sum(np.exp(args[0] - m), axis=at["axis"]))
        elif op == "cholesky":
            out = np.linalg.cholesky(args[0])
        elif op == "solve_triangular":
            out = _solve_triangular(args[0], args[1], at["lower"], at["trans"])
        elif op == "diag":
            out = np.diag(args[0], at["offset"])
        elif op == "extract_diag":
            out = np.diagonal(args[0], at["offset"], axis1=-2, axis2=-1)
        elif op == "gather":
            out = np.take(args[0], args[1].astype(np.int64), axis=at["axis"])
        elif op == "slice":
            index = [slice(None)] * args[0].ndim
            index[at["axis"]] = slice(at["start"], at["stop"], at["step"])
            out = args[0][tuple(index)]
        elif op == "sum":
            out = np.sum(args[0], axis=at["axis"])
        elif op == "mean":
            out = np.mean(args[0], axis=at["axis"])
        elif op in ("scatter", "scatter_add"):
            out = np.array(args[0], dtype=np.float64).ravel()
            pos = args[1].astype(np.int64)
            vals = np.broadcast_to(args[2], pos.shape)
            if op == "scatter":
                out[pos.ravel()] = vals.ravel()
            else:
                np.add.at(out, pos.ravel(), vals.ravel())
            out = out.reshape(np.shape(args[0]))
        elif op == "prod":
            out = np.prod(args[0], axis=at["axis"])
        elif op == "cumsum":
            out = np.cumsum(args[0], axis=at["axis"])
        elif op == "cumprod":
            out = np.cumprod(args[0], axis=at["axis"])
        elif op == "stack":
            out = np.stack(args, axis=at["axis"])
        elif op == "concatenate":
            out = np.concatenate(args, axis=at["axis"])
        elif op == "reshape":
            out = np.reshape(args[0], at["shape"])
        elif op == "transpose":
            out = np.transpose(args[0], at["perm"])
        else:
            raise ValueError(f"unknown op {op!r}")
    return np.asarray(out)
