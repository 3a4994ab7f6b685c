"""PyMC models compiled for exmc: ``from_pymc`` and the compiled-model
classes that present exmc's log-density in PyMC's unconstrained layout."""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np

from .. import _ffi
from .._errors import check, error_out
from ..compiled import CompiledModel
from ._translate import Translation, UnsupportedModelError, discrete_problems, translate

#: backend names: "native" translates the model into exmc's core; "pymc"
#: samples PyMC's own log-density compiled by PyTensor's numba backend
BACKENDS = ("native", "pymc", "auto")
_ALIASES = {"native": "native", "exmc": "native", "pymc": "pymc", "numba": "pymc", "auto": "auto"}


def resolve_backend(backend: Any) -> str:
    if backend is None:
        return "native"
    if not isinstance(backend, str) or backend.lower() not in _ALIASES:
        raise ValueError(
            f"backend must be 'native' (translate the model into exmc's core), 'pymc' (PyMC's own "
            f"log-density compiled with numba; 'numba' is the same) or 'auto' (native, else pymc), got {backend!r}"
        )
    return _ALIASES[backend.lower()]


class _Layout:
    """Where each of PyMC's unconstrained blocks lies in exmc's vector."""

    def __init__(self, translation: Translation, info: dict):
        blocks = {p["name"]: p for p in info["params"]}
        index = []
        for b in translation.free:
            p = blocks.get(b.name)
            if p is None or p.get("aux") or p["size"] != b.size:
                raise RuntimeError(f"exmc's layout has no block for {b.name!r} matching PyMC's (a bug in the bridge)")
            index.extend(range(p["offset"], p["offset"] + p["size"]))
        self.index = np.asarray(index, dtype=np.intp)
        self.identity = bool(np.array_equal(self.index, np.arange(self.index.size)))

    def to_core(self, x: np.ndarray) -> np.ndarray:
        if self.identity:
            return x
        out = np.empty_like(x)
        out[..., self.index] = x
        return out

    def to_pymc(self, y: np.ndarray) -> np.ndarray:
        return y if self.identity else y[..., self.index]


class PyMCModel(CompiledModel):
    """A PyMC model compiled by exmc. ``logp``, ``logp_grad`` and
    ``constrain`` take points ``x`` ordered exactly as PyMC orders its value
    variables (``DictToArrayBijection.map(model.initial_point())``), on
    PyMC's transformed scales, so that ``logp(x)`` equals
    ``model.compile_logp(jacobian=True)`` and the gradient
    ``model.compile_dlogp(jacobian=True)``.

    ``backend`` is ``"native"`` (the model translated into exmc's core) or
    ``"pymc"`` (PyMC's log-density compiled with numba). ``value_names``
    lists PyMC's value variables in order; ``compile_seconds`` is the time
    the translation and compilation took."""

    backend: str = "native"

    def __init__(self, handle: Any, info: dict, model: Any = None):
        super().__init__(handle, info, model)
        self.pymc_model = None
        self.translation: Translation | None = None
        self.value_names: list[str] = []
        self.compile_seconds = 0.0
        self._layout: _Layout | None = None

    # -- PyMC's layout -------------------------------------------------------
    def _core_point(self, x: Any) -> np.ndarray:
        x = self._point(x)
        return np.ascontiguousarray(self._layout.to_core(x)) if self._layout is not None else x

    def logp_grad(self, x: Any) -> tuple[float, np.ndarray]:
        lp, grad = super().logp_grad(self._core_point(x))
        if self._layout is not None:
            grad = self._layout.to_pymc(grad)
        return lp, grad

    def logp(self, x: Any) -> float:
        return super().logp(self._core_point(x))

    def constrain(self, x: Any) -> dict[str, np.ndarray]:
        return super().constrain(self._core_point(x))

    def initial_point(self) -> np.ndarray:
        """PyMC's initial point, flattened in this layout."""
        from pymc.blocking import DictToArrayBijection

        return DictToArrayBijection.map(self.pymc_model.initial_point()).data.astype(np.float64)


class FallbackModel(PyMCModel):
    """PyMC's own log-density compiled by PyTensor's numba backend into a C
    function, sampled by exmc's NUTS through ``exmc_model_from_function``.
    The numba function never takes the GIL."""

    backend = "pymc"

    def __init__(self, handle: Any, info: dict, model: Any = None):
        super().__init__(handle, info, model)
        self._cfunc = None
        self._expand = None
        self.layout = None

    @classmethod
    def build(cls, model: Any) -> "FallbackModel":
        from . import _numba

        discrete = discrete_problems(model)
        if discrete:
            # PyMC's log-density of a discrete variable is defined on the
            # integers only; NUTS would move it continuously
            raise UnsupportedModelError(discrete, fallback=False)
        started = time.perf_counter()
        layout = _numba.value_layout(model)
        jit_fn, n = _numba.compile_logp_dlogp(model, layout)
        cfunc = _numba.make_cfunc(jit_fn, n)
        ffi, lib, _ = _ffi.load()
        names = ",".join(f"__x[{i}]" for i in range(n)).encode()
        out = ffi.new("exmc_model**")
        err = error_out(ffi)
        fn = ffi.cast("exmc_logp_fn", cfunc.address)
        code = lib.exmc_model_from_function(n, fn, ffi.NULL, names if n else ffi.NULL, out, err)
        check(code, err, ffi, lib, "wrapping PyMC's log-density")
        self = cls._wrap(out[0], None)
        self._cfunc = cfunc  # the C function must outlive the model
        self._fn = fn
        self.layout = layout
        self.pymc_model = model
        self.value_names = [v.name for v, _, _ in layout]
        self.compile_seconds = time.perf_counter() - started
        return self

    def constrain(self, x: Any) -> dict[str, np.ndarray]:
        """The free variables (constrained) and deterministics at x,
        computed by PyMC."""
        x = self._point(x)
        names = [rv.name for rv in self.pymc_model.free_RVs] + [d.name for d in self.pymc_model.deterministics]
        out = self.expand(names)(x[None, :])
        return {k: v[0] for k, v in out.items()}

    def expand(self, names: list[str]):
        from . import _numba

        key = tuple(names)
        if self._expand is None or self._expand[0] != key:
            self._expand = (key, _numba.compile_expand(self.pymc_model, list(names), self.layout))
        return self._expand[1]


def compile_native(model: Any, *, noncentered: bool | None) -> tuple[CompiledModel, Translation, float]:
    """Translate and compile with the Go core; returns the compiled model
    (in exmc's own layout), the translation and the seconds it took."""
    started = time.perf_counter()
    tr = translate(model, noncentered=noncentered)
    compiled = CompiledModel.from_model(tr)
    return compiled, tr, time.perf_counter() - started


def from_pymc(model: Any = None, *, backend: str = "native") -> PyMCModel:
    """Compile a ``pymc.Model`` for exmc.

    The result exposes ``dim``, ``logp(x)`` and ``logp_grad(x)`` with ``x``
    in PyMC's order and on PyMC's transformed scales, so that exmc's
    log-density equals ``model.compile_logp(jacobian=True)`` and its
    gradient ``model.compile_dlogp(jacobian=True)``. exmc's automatic
    non-centring is off here, so that the parameterisation is PyMC's.

    ``backend="native"`` (the default) translates the model into exmc's
    core and raises :class:`~exmc.pymc.UnsupportedModelError`, naming each
    op or distribution it cannot express and its variable, when it cannot;
    ``backend="pymc"`` (or ``"numba"``) compiles PyMC's own log-density with
    PyTensor's numba backend instead; ``"auto"`` tries the first and falls
    back to the second with a warning.
    """
    import pymc as pm

    model = pm.modelcontext(model)
    backend = resolve_backend(backend)
    if backend == "pymc":
        return FallbackModel.build(model)
    try:
        started = time.perf_counter()
        tr = translate(model, noncentered=False)
        out = PyMCModel.from_model(tr)
    except UnsupportedModelError as err:
        if backend != "auto" or not err.fallback:
            raise
        warnings.warn(f"{err}\nUsing backend='pymc'.", RuntimeWarning, stacklevel=2)
        return FallbackModel.build(model)
    out.pymc_model = model
    out.translation = tr
    out.value_names = [b.value_name for b in tr.free]
    out._layout = _Layout(tr, out.info)
    out.compile_seconds = time.perf_counter() - started
    return out
