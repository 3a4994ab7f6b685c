"""The fallback: PyMC's own log-density, compiled with PyTensor's numba
backend into a C function that exmc's NUTS calls directly.

The function has the signature of ``exmc_logp_fn``::

    int logp(size_t dim, const double* x, double* logp, double* grad, void* ctx)

and runs in numba's nopython mode, so the Go threads that call it never take
the GIL. ``x`` is PyMC's unconstrained vector, in the order of
``model.value_vars``. Data (``pm.Data``) are frozen into the function as
constants.
"""

from __future__ import annotations

from typing import Any

import numpy as np


#: the vectorised functions that run once after sampling are compiled
#: quickly and run as numpy, a handful of whole-array operations per call
_POST_MODE = "FAST_COMPILE"


def _graph_imports():
    import pytensor.tensor as pt
    from pytensor.compile.sharedvalue import SharedVariable
    from pytensor.graph.replace import graph_replace

    try:
        from pytensor.graph.traversal import ancestors
    except ImportError:  # PyTensor 2
        from pytensor.graph.basic import ancestors
    return pt, SharedVariable, graph_replace, ancestors


def value_layout(model: Any) -> list[tuple[Any, tuple[int, ...], int]]:
    """``(value variable, shape, size)`` for each free variable, in PyMC's
    order (that of ``DictToArrayBijection.map(model.initial_point())``)."""
    point = model.initial_point()
    out = []
    for v in model.value_vars:
        shape = tuple(np.shape(point[v.name]))
        out.append((v, shape, int(np.prod(shape, dtype=np.int64))))
    return out


def _freeze_shared(outputs: list, graph_replace, ancestors, SharedVariable, pt) -> list:
    shared = {a for a in ancestors(outputs) if isinstance(a, SharedVariable)}
    shared = [s for s in shared if not _is_rng(s)]
    if not shared:
        return outputs
    frozen = {s: pt.constant(s.get_value(borrow=False), name=s.name) for s in shared}
    return graph_replace(outputs, frozen, strict=False)


def _is_rng(var: Any) -> bool:
    return "Generator" in type(var.type).__name__ or "RandomType" in type(var.type).__name__


def flat_point_graph(model: Any, outputs: list, layout=None):
    """``(x, outputs)``: the graphs with every value variable read from one
    flat float64 vector x laid out as PyMC does."""
    pt, SharedVariable, graph_replace, ancestors = _graph_imports()
    layout = layout or value_layout(model)
    n = sum(size for _, _, size in layout)
    x = pt.vector("x", dtype="float64", shape=(n,))
    repl = {}
    offset = 0
    for v, shape, size in layout:
        repl[v] = x[offset : offset + size].reshape(shape).astype(v.dtype)
        offset += size
    outs = graph_replace(outputs, repl, strict=False)
    return x, _freeze_shared(outs, graph_replace, ancestors, SharedVariable, pt)


def compile_logp_dlogp(model: Any, layout=None):
    """The numba-jitted ``f(x) -> (logp, grad)`` of PyMC's log-density with
    its Jacobian terms, and the dimension."""
    import pytensor.tensor as pt

    try:
        from pymc.pytensorf import compile as pm_compile
    except ImportError:  # PyMC before 5.19
        from pymc.pytensorf import compile_pymc as pm_compile

    layout = layout or value_layout(model)
    value_vars = [v for v, _, _ in layout]
    logp = model.logp(jacobian=True)
    grads = pt.grad(logp, value_vars)
    grad = pt.concatenate([g.ravel() for g in grads]) if grads else pt.zeros(0)
    x, (logp, grad) = flat_point_graph(model, [logp, grad], layout)
    fn = pm_compile([x], [logp, grad], mode="NUMBA")
    return fn.vm.jit_fn, int(x.type.shape[0])


def _double_ptr():
    from numba import types
    from numba.extending import intrinsic

    @intrinsic
    def as_double_ptr(typingctx, addr):
        """An integer address as a ``double*`` (NULL stays NULL)."""
        sig = types.CPointer(types.float64)(addr)

        def codegen(context, builder, signature, args):
            return builder.inttoptr(args[0], context.get_value_type(signature.return_type))

        return sig, codegen

    return as_double_ptr


def make_cfunc(jit_fn: Any, n: int):
    """A ``numba.cfunc`` with exmc's log-density signature around jit_fn.
    Returns 0 on success, 1 when the log-density raised (an invalid point),
    2 when the log-density or the gradient is not finite, -1 on a dimension
    mismatch. ``grad`` travels as an address so that NULL can be checked."""
    import numba
    from numba import types

    as_double_ptr = _double_ptr()

    def logp(dim, x_ptr, lp_ptr, grad_addr, ctx):
        if dim != n:
            return -1
        x = numba.carray(x_ptr, (n,))
        try:
            lp, g = jit_fn(x)
        except Exception:  # noqa: BLE001
            return 1
        v = lp[()]
        lp_ptr[0] = v
        finite = np.isfinite(v)
        if grad_addr != 0:
            out = numba.carray(as_double_ptr(grad_addr), (n,))
            for i in range(n):
                out[i] = g[i]
                finite = finite and np.isfinite(g[i])
        if not finite:
            return 2
        return 0

    double_ptr = types.CPointer(types.float64)
    sig = types.intc(types.uintp, double_ptr, double_ptr, types.uintp, types.voidptr)
    return numba.cfunc(sig, nopython=True)(logp)


def _has_loop(outputs: list) -> bool:
    """Whether a graph holds an op with an inner graph (a Scan): those do
    not vectorise into whole-array operations."""
    _, _, _, ancestors = _graph_imports()
    for var in ancestors(outputs):
        node = var.owner
        if node is not None and hasattr(node.op, "inner_outputs") or (
            node is not None and type(node.op).__name__ in ("Scan", "OpFromGraph")
        ):
            return True
    return False


def batched(inputs: list, outputs: list):
    """A function evaluating ``outputs`` (graphs of single-point ``inputs``)
    for a batch of points given with a leading axis, returning a list of
    arrays with that axis first.

    The graph is vectorised and run as a few whole-array numpy operations,
    which compiles in a moment; a graph with a loop (a Scan) is instead
    compiled by numba and run point by point."""
    import pytensor
    import pytensor.tensor as pt
    from pytensor.graph.replace import vectorize_graph

    if _has_loop(outputs):
        fn = pytensor.function(inputs, outputs, on_unused_input="ignore", mode="NUMBA")
        point = getattr(getattr(fn, "vm", None), "jit_fn", None) or fn

        def run_each(*args):
            n = len(args[0])
            rows = [point(*(np.ascontiguousarray(a[i]) for a in args)) for i in range(n)]
            return [np.stack([np.asarray(r[k]) for r in rows]) for k in range(len(outputs))]

        return run_each
    batch = [pt.tensor(dtype=v.dtype, shape=(None, *v.type.shape)) for v in inputs]
    vouts = vectorize_graph(outputs, replace=dict(zip(inputs, batch)))
    fn = pytensor.function(batch, vouts, on_unused_input="ignore", mode=_POST_MODE)
    return lambda *args: [np.asarray(v) for v in fn(*args)]


def compile_expand(model: Any, names: list[str], layout=None):
    """A function ``(X) -> dict`` evaluating the named variables (free
    variables on their constrained scale and deterministics) for every row
    of X, a (draws, dim) matrix of PyMC unconstrained points."""
    layout = layout or value_layout(model)
    by_name = {var.name: var for var in model.unobserved_value_vars}
    x, outs = flat_point_graph(model, [by_name[name] for name in names], layout)
    fn = batched([x], outs)

    def expand(points: np.ndarray) -> dict[str, np.ndarray]:
        values = fn(np.ascontiguousarray(points, dtype=np.float64))
        return dict(zip(names, values))

    return expand


def compile_deterministics(model: Any, names: list[str]):
    """A function ``(values) -> dict`` computing the named deterministics
    from the free variables' constrained values, each given with a leading
    axis of draws."""
    pt, SharedVariable, graph_replace, ancestors = _graph_imports()

    free = list(model.free_RVs)
    dets = [model[name] for name in names]
    holders = [rv.type() for rv in free]
    repl = dict(zip(free, holders))
    for obs in model.observed_RVs:
        repl[obs] = model.rvs_to_values[obs]
    outs = graph_replace(dets, repl, strict=False)
    outs = _freeze_shared(outs, graph_replace, ancestors, SharedVariable, pt)
    fn = batched(holders, outs)

    def compute(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        args = [np.asarray(values[rv.name], dtype=rv.dtype) for rv in free]
        return dict(zip(names, fn(*args)))

    return compute


def compile_pointwise_loglik(model: Any, layout=None):
    """A function ``(X) -> dict`` of each observed variable's elementwise
    log-likelihood at every row of X (PyMC unconstrained points)."""
    observed = list(model.observed_RVs)
    terms = model.logp(vars=observed, sum=False)
    x, outs = flat_point_graph(model, terms, layout)
    fn = batched([x], outs)

    def loglik(points: np.ndarray) -> dict[str, np.ndarray]:
        values = fn(np.ascontiguousarray(points, dtype=np.float64))
        return {rv.name: v for rv, v in zip(observed, values)}

    return loglik
