"""A run waited for: what ``exmc.sample`` does by default."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from .. import _ffi
from ..progress import track
from ..trace import from_arrow
from .native import NativeRun, settle_failures
from .options import Options


def run_nuts(
    compiled: Any,
    options: Options,
    *,
    progressbar: Any,
    strict: bool,
    init_points: np.ndarray | None = None,
    stacklevel: int = 2,
):
    """Run NUTS on a compiled model with checked options, drawing progress,
    until every chain has ended; returns the draws (a pyarrow Table, failed
    chains left out: settle_failures) and the seconds it took.
    ``init_points`` (chains x dim, unconstrained) replaces the jitter.
    Ctrl-C stops every chain and raises KeyboardInterrupt."""
    ffi, _, _ = _ffi.load()
    opts = options.to_c()
    if init_points is not None:
        init_points = np.ascontiguousarray(init_points, dtype=np.float64)
        if init_points.shape != (options.chains, compiled.dim):
            raise ValueError(
                f"initial points must have shape ({options.chains}, {compiled.dim}), got {init_points.shape}"
            )
        opts.init = ffi.cast("const double*", ffi.from_buffer("double[]", init_points))

    started = time.perf_counter()
    run = NativeRun(compiled, opts)
    try:
        try:
            track(run.progress, progressbar=progressbar, done=lambda: run.wait(0),
                  wait=lambda seconds: run.wait(int(seconds * 1000)))
        except KeyboardInterrupt:
            run.cancel()
            run.wait(-1)
            raise
        elapsed = time.perf_counter() - started
        failed = run.chain_errors()
        chains = run.chain_numbers
        table = run.result().read_all()
    finally:
        run.free()
    table = settle_failures(failed, chains, strict=strict, table=table, stacklevel=stacklevel + 1)
    return table, elapsed


def sample(compiled: Any, options: Options, *, progressbar: Any, strict: bool, attrs: dict, stacklevel: int = 2):
    """The DataTree of a blocking run of ``compiled``."""
    table, elapsed = run_nuts(compiled, options, progressbar=progressbar, strict=strict, stacklevel=stacklevel + 1)
    return from_arrow(table, model=compiled.model, sampling_time=elapsed, tuning_steps=options.tune, attrs=attrs)


__all__ = ["run_nuts", "sample"]
