"""Variational inference: ``exmc.fit`` fits a normal approximation to the
posterior by ADVI, mean-field or full-rank, in the Go core (``core/vi``,
``exmc_fit_*`` in exmc.h).

    approx = exmc.fit(model, method="advi", n=10_000, random_seed=1)
    approx.history          # each step's ELBO estimate
    approx.mean, approx.cov # in the unconstrained space
    idata = approx.sample(1000)   # a DataTree, posterior as exmc.sample's

``model`` is an exmc model or a ``pymc.Model`` (translated as
``exmc.sample`` translates it, with PyMC's own parameterisation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _ffi
from ._errors import check, error_out
from .sampling.target import compile_model, pymc_model

#: exmc.fit's methods: the name, and its value in exmc_fit_options.method
METHODS = {"advi": "EXMC_FIT_ADVI", "fullrank_advi": "EXMC_FIT_FULLRANK_ADVI"}

#: longest single wait inside the library, in milliseconds, so that Ctrl-C
#: is handled while a fit runs
POLL_MS = 100


@dataclass
class Approximation:
    """A fitted normal approximation N(mean, cov) on the unconstrained
    space, whose coordinates :attr:`param_names` names."""

    method: str
    mean: np.ndarray
    #: L, lower triangular, with cov = L L^T (diagonal for mean-field)
    chol: np.ndarray
    #: each step's ELBO estimate (from that step's draws: noisy)
    history: np.ndarray
    #: the convergence checks' ELBO estimates, at steps elbo_steps
    elbo: np.ndarray
    elbo_steps: np.ndarray
    steps: int
    converged: bool
    #: draws where the log-density or its gradient was not finite
    rejected: int
    param_names: list[str]
    _compiled: Any = field(repr=False)
    _coords: dict = field(repr=False, default_factory=dict)
    _dims: dict = field(repr=False, default_factory=dict)
    _model: Any = field(repr=False, default=None)

    @property
    def cov(self) -> np.ndarray:
        return self.chol @ self.chol.T

    @property
    def std(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))

    def sample(self, draws: int = 1000, *, random_seed: int | None = None):
        """``draws`` draws of the approximation, mapped to the model's
        variables (transforms undone, deterministics computed) as one
        chain of a DataTree whose posterior group is as ``exmc.sample``
        builds it."""
        from .trace import to_datatree

        if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)):
            raise TypeError(f"draws must be an int, got {type(draws).__name__}")
        if draws < 1:
            raise ValueError(f"draws must be at least 1, got {draws}")
        rng = np.random.default_rng(random_seed)
        z = self.mean + rng.standard_normal((int(draws), self.mean.size)) @ self.chol.T
        rows = [self._compiled.constrain(x) for x in z]
        posterior = {name: np.stack([r[name] for r in rows])[None] for name in rows[0]}
        attrs = {"inference_library": "exmc", "inference_method": self.method, "fit_steps": self.steps,
                 "fit_converged": int(self.converged)}
        if random_seed is not None:
            attrs["random_seed"] = random_seed
        return to_datatree(posterior, coords=self._coords or None, dims=self._dims or None, model=self._model,
                           attrs=attrs)


def _compiled_for(model: Any):
    """The compiled model, its coords and dims, and the exmc model."""
    pm_model = pymc_model(model)
    if pm_model is None:
        compiled = compile_model(model)
        return compiled, {}, {}, compiled.model
    from pymc.backends.arviz import coords_and_dims_for_inferencedata

    from .pymc._compiled import compile_native

    compiled, _, _ = compile_native(pm_model, noncentered=False)
    coords, dims = coords_and_dims_for_inferencedata(pm_model)
    return compiled, dict(coords), dict(dims), None


def fit(
    model: Any = None,
    *,
    method: str = "advi",
    n: int = 10_000,
    random_seed: int | None = None,
    learning_rate: float | None = None,
    grad_draws: int | None = None,
    eval_every: int | None = None,
    eval_draws: int | None = None,
    tol: float | None = None,
    start: Any = None,
) -> Approximation:
    """Fit a normal approximation to the posterior of ``model`` by ADVI.

    ``method`` is ``"advi"`` (mean-field: independent normals) or
    ``"fullrank_advi"`` (a dense covariance). The evidence lower bound is
    maximised by Adam's steps on reparameterised gradients, at most ``n``
    steps; every ``eval_every`` steps it is estimated from ``eval_draws``
    draws, and the fit stops once the mean or median relative change of
    the recent estimates is below ``tol`` (0: never). ``start`` is the
    initial mean, in the unconstrained space (default: zeros). Options left
    None take the core's defaults (exmc_fit_options_default). Ctrl-C stops
    the fit and raises KeyboardInterrupt.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")
    compiled, coords, dims, exmc_model = _compiled_for(model)
    ffi, lib, _ = _ffi.load()
    opts = ffi.new("exmc_fit_options*")
    lib.exmc_fit_options_default(opts)
    opts.method = getattr(lib, METHODS[method])
    for name, value, kind in (("n", n, int), ("grad_draws", grad_draws, int), ("eval_every", eval_every, int),
                              ("eval_draws", eval_draws, int), ("learning_rate", learning_rate, float),
                              ("tol", tol, float)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or (
                kind is int and not isinstance(value, (int, np.integer))):
            raise TypeError(f"{name} must be {'an int' if kind is int else 'a number'}, got {type(value).__name__}")
        if kind is int and not -(2**63) <= value < 2**63:
            raise ValueError(f"{name} is {value}; give between 1 and 2^30")
        setattr(opts, name, kind(value))
    if random_seed is not None:
        if isinstance(random_seed, bool) or not isinstance(random_seed, (int, np.integer)):
            raise TypeError(f"random_seed must be an int, got {type(random_seed).__name__}")
        opts.seed = int(random_seed) % 2**64
    keep = None
    if start is not None:
        keep = np.ascontiguousarray(start, dtype=np.float64)
        if keep.shape != (compiled.dim,):
            raise ValueError(f"start must have shape ({compiled.dim},), the model's unconstrained dimension; "
                             f"got {keep.shape}")
        opts.init = ffi.from_buffer("double[]", keep)
    out = ffi.new("exmc_fit**")
    err = error_out(ffi)
    check(lib.exmc_fit_start(compiled.handle, opts, out, err), err, ffi, lib, "fit")
    handle = out[0]
    try:
        try:
            while True:
                err = error_out(ffi)
                if check(lib.exmc_fit_wait(handle, POLL_MS, err), err, ffi, lib, "fit") == lib.EXMC_OK:
                    break
        except KeyboardInterrupt:
            lib.exmc_fit_cancel(handle, ffi.NULL)
            raise
        table = _result(ffi, lib, handle)
    finally:
        lib.exmc_fit_free(handle)
    row = table.to_pylist()[0]
    d = compiled.dim
    return Approximation(
        method=method,
        mean=np.asarray(row["mean"], dtype=np.float64),
        chol=np.asarray(row["chol"], dtype=np.float64).reshape(d, d),
        history=np.asarray(row["history"], dtype=np.float64),
        elbo=np.asarray(row["elbo"], dtype=np.float64),
        elbo_steps=np.asarray(row["elbo_step"], dtype=np.int64),
        steps=int(row["steps"]),
        converged=bool(row["converged"]),
        rejected=int(row["rejected"]),
        param_names=compiled.param_names(),
        _compiled=compiled,
        _coords=coords,
        _dims=dims,
        _model=exmc_model,
    )


def _result(ffi: Any, lib: Any, handle: Any):
    import pyarrow as pa

    stream = ffi.new("struct ArrowArrayStream*")
    err = error_out(ffi)
    check(lib.exmc_fit_result(handle, stream, err), err, ffi, lib, "fit")
    return pa.RecordBatchReader._import_from_c(int(ffi.cast("uintptr_t", stream))).read_all()


__all__ = ["Approximation", "METHODS", "fit"]
