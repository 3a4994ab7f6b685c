"""Draws while the chains run: the :class:`Stream` that
``exmc.sample_stream`` returns.

Each batch is one chain's consecutive draws of one phase, taken from the
library with one call (``exmc_run_next``) and handed over as Arrow, so the
arrays of a :class:`~exmc.sampling.draws.Batch` are views of the library's
buffers. Batches of different chains interleave in the order they were
made; :func:`~exmc.sampling.draws.concat` puts any collection of them back
together as a DataTree.
"""

from __future__ import annotations

import time
from typing import Any, Iterator

from ..progress import DEFAULT_INTERVAL, ChainProgress, ProgressBar
from .draws import Batch
from .native import POLL_MS, Closing, NativeRun, settle_failures
from .options import Options


class Stream(Closing):
    """Batches of draws while the chains run; see :func:`sample_stream`.

    Iterate over it for :class:`Batch` objects. ``close()`` (also at the
    end of a ``with`` block, when a ``for`` loop over a temporary stream is
    left with ``break``, or when the stream is garbage-collected) stops
    every chain and frees the run."""

    def __init__(
        self,
        compiled: Any,
        options: Options,
        *,
        strict: bool = False,
        progressbar: Any = False,
        poll_ms: int = POLL_MS,
    ):
        self.compiled = compiled
        self.options = options
        self.strict = strict
        self._poll_ms = int(poll_ms)
        self._progress: list[ChainProgress] | None = None
        self._failed: dict[int, str] | None = None
        self._bar: ProgressBar | None = None
        self._last_draw = 0.0
        self._native: NativeRun | None = NativeRun(compiled, options.to_c())
        if progressbar:
            mode = progressbar if isinstance(progressbar, str) else "auto"
            self._bar = ProgressBar(self._native.progress, mode=mode)

    # -- iteration ---------------------------------------------------------------
    def __iter__(self) -> Iterator[Batch]:
        return self

    def __next__(self) -> Batch:
        native = self._native
        if native is None:
            raise StopIteration
        try:
            while True:
                self._draw_progress()
                code, record = native.next(self._poll_ms)
                if record is not None:
                    return Batch.from_arrow(record)
                if code == native.lib.EXMC_DONE:
                    break
        except BaseException:
            # KeyboardInterrupt, or an error from the library: stop the chains
            self.close()
            raise
        self._finish()
        raise StopIteration

    def _draw_progress(self, force: bool = False) -> None:
        if self._bar is None:
            return
        now = time.monotonic()
        if force or now - self._last_draw >= DEFAULT_INTERVAL:
            self._last_draw = now
            self._bar.update()

    def _finish(self) -> None:
        """The run ended and every batch was taken: report failed chains."""
        native = self._native
        self._draw_progress(force=True)
        failed = native.chain_errors()
        self.close()
        settle_failures(failed, self.options.chain_numbers, strict=self.strict, stacklevel=3)

    # -- state and control -------------------------------------------------------
    @property
    def progress(self) -> list[ChainProgress]:
        """Each chain's progress (the last before ``close()`` once closed)."""
        if self._native is not None:
            return self._native.chain_progress()
        return list(self._progress or [])

    @property
    def failed(self) -> dict[int, str]:
        """Chains that failed for good so far: chain -> cause."""
        if self._native is not None:
            return self._native.chain_errors()
        return dict(self._failed or {})

    @property
    def closed(self) -> bool:
        return self._native is None

    def cancel(self) -> None:
        """Ask every chain to stop; batches already made can still be
        taken, then iteration ends."""
        if self._native is not None:
            self._native.cancel()

    def close(self) -> None:
        """Stop every chain, wait for them (within one transition) and free
        the run."""
        native, self._native = self._native, None
        if native is None:
            return
        try:
            native.cancel()
            native.wait(-1)
            self._progress = native.chain_progress()
            self._failed = native.chain_errors()
        finally:
            native.free()
            if self._bar is not None:
                self._bar.close()



__all__ = ["Stream"]
