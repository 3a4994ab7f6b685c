"""Functions on expressions, as ``pm.math``: every one returns an exmc
expression whose shape is known."""

from __future__ import annotations

from typing import Any, Sequence

from . import expr as _e


def exp(x: Any) -> _e.Expr:
    return _e._unary("exp", x)


def log(x: Any) -> _e.Expr:
    return _e._unary("log", x)


def log1p(x: Any) -> _e.Expr:
    return _e._unary("log1p", x)


def expm1(x: Any) -> _e.Expr:
    return _e._unary("expm1", x)


def sqrt(x: Any) -> _e.Expr:
    return _e._unary("sqrt", x)


def square(x: Any) -> _e.Expr:
    return _e._unary("square", x)


def abs(x: Any) -> _e.Expr:  # noqa: A001 - the numpy/PyMC name
    return _e._unary("abs", x)


def sigmoid(x: Any) -> _e.Expr:
    """1 / (1 + exp(-x))."""
    return _e._unary("sigmoid", x)


invlogit = sigmoid
expit = sigmoid


def softplus(x: Any) -> _e.Expr:
    """log(1 + exp(x))."""
    return _e._unary("softplus", x)


def logit(x: Any) -> _e.Expr:
    """log(x / (1 - x))."""
    return _e._unary("logit", x)


def tanh(x: Any) -> _e.Expr:
    return _e._unary("tanh", x)


def erf(x: Any) -> _e.Expr:
    return _e._unary("erf", x)


def maximum(a: Any, b: Any) -> _e.Expr:
    return _e._binary("maximum", a, b)


def minimum(a: Any, b: Any) -> _e.Expr:
    return _e._binary("minimum", a, b)


def dot(a: Any, b: Any) -> _e.Expr:
    """numpy's ``dot`` for scalars, vectors and matrices."""
    return _e.dot(a, b)


def matmul(a: Any, b: Any) -> _e.Expr:
    """``a @ b`` for 1-D and 2-D operands."""
    return _e.matmul(a, b)


def sum(x: Any, axis: int | Sequence[int] | None = None) -> _e.Expr:  # noqa: A001
    return _e.reduce_sum(x, axis)


def mean(x: Any, axis: int | Sequence[int] | None = None) -> _e.Expr:
    return _e.reduce_mean(x, axis)


def cumsum(x: Any, axis: int | None = None) -> _e.Expr:
    """Running sum along ``axis``; with ``axis=None`` over the flattened
    array, as numpy."""
    return _e.cumsum(x, axis)


def stack(xs: Sequence[Any], axis: int = 0) -> _e.Expr:
    return _e.stack(xs, axis)


def concatenate(xs: Sequence[Any], axis: int = 0) -> _e.Expr:
    return _e.concatenate(xs, axis)


def reshape(x: Any, shape: Sequence[int]) -> _e.Expr:
    return _e.reshape(x, shape)


def transpose(x: Any, axes: Sequence[int] | None = None) -> _e.Expr:
    return _e.transpose(x, axes)


def gather(x: Any, index: Any, axis: int = 0) -> _e.Expr:
    """``x[index]`` along ``axis`` (numpy's ``take``)."""
    return _e.gather(x, index, axis)


__all__ = [
    "exp", "log", "log1p", "expm1", "sqrt", "square", "abs", "sigmoid", "invlogit", "expit",
    "softplus", "logit", "tanh", "erf", "maximum", "minimum", "dot", "matmul", "sum", "mean",
    "cumsum", "stack", "concatenate", "reshape", "transpose", "gather",
]
