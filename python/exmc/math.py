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


def erfc(x: Any) -> _e.Expr:
    """1 - erf(x), without its cancellation for large x."""
    return _e._unary("erfc", x)


def erfcx(x: Any) -> _e.Expr:
    """exp(x**2) * erfc(x), the scaled complementary error function."""
    return _e._unary("erfcx", x)


def log_ndtr(x: Any) -> _e.Expr:
    """log Phi(x), the log of the standard normal distribution function,
    accurate in both tails (as scipy.special.log_ndtr)."""
    return _e._unary("log_ndtr", x)


def normal_lcdf(mu: Any, sigma: Any, x: Any) -> _e.Expr:
    """log P(X <= x) for X ~ Normal(mu, sigma)."""
    return log_ndtr((x - mu) / sigma)


def normal_lccdf(mu: Any, sigma: Any, x: Any) -> _e.Expr:
    """log P(X > x) for X ~ Normal(mu, sigma)."""
    return log_ndtr((mu - x) / sigma)


def gammaln(x: Any) -> _e.Expr:
    """log |Gamma(x)|."""
    return _e._unary("gammaln", x)


def digamma(x: Any) -> _e.Expr:
    """The derivative of gammaln."""
    return _e._unary("digamma", x)


psi = digamma


def betaln(a: Any, b: Any) -> _e.Expr:
    """log B(a, b) = gammaln(a) + gammaln(b) - gammaln(a + b)."""
    return _e._binary("betaln", a, b)


def logaddexp(a: Any, b: Any) -> _e.Expr:
    """log(exp(a) + exp(b)), without overflow."""
    return _e._binary("logaddexp", a, b)


def sin(x: Any) -> _e.Expr:
    return _e._unary("sin", x)


def cos(x: Any) -> _e.Expr:
    return _e._unary("cos", x)


def floor(x: Any) -> _e.Expr:
    """Rounds down. Piecewise constant: its gradient is 0 (as PyTensor's),
    so it belongs on data, or where a parameter's gradient need not pass."""
    return _e._unary("floor", x)


def ceil(x: Any) -> _e.Expr:
    """Rounds up; gradient 0, as floor's."""
    return _e._unary("ceil", x)


def round(x: Any) -> _e.Expr:  # noqa: A001 - the numpy/PyMC name
    """Rounds half to even (numpy's round, pt.round); gradient 0, as floor's."""
    return _e._unary("round", x)


def clip(x: Any, lower: Any, upper: Any) -> _e.Expr:
    """minimum(maximum(x, lower), upper): the gradient passes to x between
    the bounds and to the bound x is clipped to outside them."""
    return minimum(maximum(x, lower), upper)


def maximum(a: Any, b: Any) -> _e.Expr:
    return _e._binary("maximum", a, b)


def minimum(a: Any, b: Any) -> _e.Expr:
    return _e._binary("minimum", a, b)


def dot(a: Any, b: Any) -> _e.Expr:
    """numpy's ``dot`` for scalars, vectors and matrices."""
    return _e.dot(a, b)


def matmul(a: Any, b: Any) -> _e.Expr:
    """``a @ b`` as numpy's matmul (batches of matrices over leading axes)."""
    return _e.matmul(a, b)


def cholesky(a: Any) -> _e.Expr:
    """The lower Cholesky factor (NaN, a rejected point, where ``a`` is not
    positive definite)."""
    return _e.cholesky(a)


def solve_triangular(a: Any, b: Any, lower: bool = False, trans: bool = False) -> _e.Expr:
    """scipy's ``solve_triangular``: x with ``a @ x = b``."""
    return _e.solve_triangular(a, b, lower=lower, trans=trans)


def diag(v: Any, k: int = 0) -> _e.Expr:
    """numpy's ``diag``."""
    return _e.diag(v, k)


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> _e.Expr:
    """numpy's ``diagonal``."""
    return _e.diagonal(a, offset, axis1, axis2)


extract_diag = diagonal


def set_subtensor(x: Any, key: Any, values: Any) -> _e.Expr:
    """``x`` with ``x[key]`` set to ``values`` (``key`` numpy-style: slices,
    integers, integer or boolean arrays)."""
    return _e.set_subtensor(x, key, values)


def inc_subtensor(x: Any, key: Any, values: Any) -> _e.Expr:
    """``x`` with ``values`` added at ``x[key]`` (repeated indices add up)."""
    return _e.inc_subtensor(x, key, values)


def solve(a: Any, b: Any) -> _e.Expr:
    """x with ``a @ x = b`` (NaN, a rejected point, where ``a`` is singular)."""
    return _e.solve(a, b)


def inv(a: Any) -> _e.Expr:
    return _e.inv(a)


def det(a: Any) -> _e.Expr:
    return _e.det(a)


def logabsdet(a: Any) -> _e.Expr:
    """log |det a| (what numpy's ``slogdet`` gives second)."""
    return _e.logabsdet(a)


def outer(a: Any, b: Any) -> _e.Expr:
    return _e.outer(a, b)


def kron(a: Any, b: Any) -> _e.Expr:
    return _e.kron(a, b)


def softmax(x: Any, axis: int | None = -1) -> _e.Expr:
    return _e.softmax(x, axis)


def log_softmax(x: Any, axis: int | None = -1) -> _e.Expr:
    return _e.log_softmax(x, axis)


def eye(n: int, m: int | None = None, k: int = 0) -> _e.Expr:
    """numpy's ``eye``."""
    return _e.eye(n, m, k)


def tril(a: Any, k: int = 0) -> _e.Expr:
    return _e.tril(a, k)


def triu(a: Any, k: int = 0) -> _e.Expr:
    return _e.triu(a, k)


def sum(x: Any, axis: int | Sequence[int] | None = None) -> _e.Expr:  # noqa: A001
    return _e.reduce_sum(x, axis)


def mean(x: Any, axis: int | Sequence[int] | None = None) -> _e.Expr:
    return _e.reduce_mean(x, axis)


def prod(x: Any, axis: int | Sequence[int] | None = None) -> _e.Expr:
    """The product along ``axis`` (all axes by default); its gradient is
    exact where elements are zero."""
    return _e.reduce_prod(x, axis)


def cumsum(x: Any, axis: int | None = None) -> _e.Expr:
    """Running sum along ``axis``; with ``axis=None`` over the flattened
    array, as numpy."""
    return _e.cumsum(x, axis)


def cumprod(x: Any, axis: int | None = None) -> _e.Expr:
    """Running product along ``axis``; with ``axis=None`` over the
    flattened array, as numpy."""
    return _e.cumprod(x, axis)


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
    "softplus", "logit", "tanh", "erf", "erfc", "erfcx", "log_ndtr", "normal_lcdf", "normal_lccdf",
    "gammaln", "digamma", "psi", "betaln", "logaddexp", "sin", "cos", "floor", "ceil", "round", "clip",
    "maximum", "minimum", "dot", "matmul", "sum", "mean",
    "cumsum", "cumprod", "stack", "concatenate", "reshape", "transpose", "gather",
    "cholesky", "solve_triangular", "diag", "diagonal", "extract_diag", "eye", "tril", "triu",
    "prod", "set_subtensor", "inc_subtensor", "solve", "inv", "det", "logabsdet", "outer", "kron",
    "softmax", "log_softmax",
]
