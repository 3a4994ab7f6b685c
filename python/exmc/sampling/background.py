"""A run in the background: what ``exmc.sample(..., blocking=False)``
returns."""

from __future__ import annotations

import threading
import time
from typing import Any

from .._errors import ChainError
from ..progress import ChainProgress
from ..trace import from_arrow
from .draws import concat
from .native import POLL_MS, Closing, NativeRun, settle_failures
from .options import Options


class Run(Closing):
    """A run started by ``exmc.sample(..., blocking=False)``.

    The chains run in the library's threads while Python goes on::

        run = exmc.sample(model, blocking=False)
        while not run.wait(timeout=1.0):
            print(run.progress)
            idata = run.inspect()     # the draws so far
        idata = run.result()

    ``result()`` gives what ``exmc.sample`` would have returned. Leaving
    the run (``close()``, the end of a ``with`` block, or dropping the last
    reference) stops chains still going. Methods may be called from any
    thread.
    """

    def __init__(
        self,
        compiled: Any,
        options: Options,
        *,
        strict: bool = False,
        attrs: dict | None = None,
    ):
        self._lock = threading.RLock()
        self._compiled = compiled
        self._options = options
        self._strict = strict
        self._attrs = dict(attrs or {})
        self._batches: list = []
        self._progress: list[ChainProgress] | None = None
        self._failed: dict[int, str] | None = None
        self._result = None
        self._error: ChainError | None = None
        self._started = time.perf_counter()
        self._elapsed: float | None = None
        self._native: NativeRun | None = NativeRun(compiled, options.to_c())

    # -- state ----------------------------------------------------------------
    @property
    def chains(self) -> int:
        return self._options.chains

    @property
    def options(self) -> Options:
        return self._options

    @property
    def progress(self) -> list[ChainProgress]:
        """Each chain's progress now (warmup iterations included)."""
        with self._lock:
            if self._native is not None:
                return self._native.chain_progress()
            return list(self._progress or [])

    @property
    def done(self) -> bool:
        """True once every chain has ended (finished, failed or cancelled)."""
        return self.wait(0)

    @property
    def failed(self) -> dict[int, str]:
        """Chains that failed for good so far: chain -> cause."""
        with self._lock:
            if self._native is not None:
                return self._native.chain_errors()
            return dict(self._failed or {})

    # -- control ----------------------------------------------------------------
    def cancel(self) -> None:
        """Ask every chain to stop; they stop within one transition.
        ``result()`` then gives the draws made before they stopped."""
        with self._lock:
            if self._native is not None:
                self._native.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds (None: until the end) for every
        chain to end; True when they have. Ctrl-C interrupts the wait, not
        the run."""
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        while True:
            with self._lock:
                if self._native is None:
                    return True
                left = POLL_MS if deadline is None else int(1000 * (deadline - time.monotonic()))
                if self._native.wait(max(0, min(POLL_MS, left))):
                    if self._elapsed is None:
                        self._elapsed = time.perf_counter() - self._started
                    return True
            if deadline is not None and time.monotonic() >= deadline:
                return False

    # -- draws ----------------------------------------------------------------
    def _drain(self) -> None:
        native = self._native
        while native is not None:
            code, batch = native.next(0)
            if batch is None:
                return
            self._batches.append(batch)

    def inspect(self):
        """The draws made so far as a DataTree, or None before the first
        one (warmup draws count only with ``save_warmup=True``).

        Chains are cut to the shortest, so that the arrays stay
        rectangular; chains with no draw yet are left out, and the
        ``chain`` coordinate keeps every chain's own number."""
        with self._lock:
            if self._result is not None:
                return self._result
            self._drain()
            if not self._batches:
                return None
            return concat(self._batches, model=self._compiled.model, attrs=self._attrs, partial=True)

    def result(self, timeout: float | None = None):
        """Wait for the end (up to ``timeout`` seconds: TimeoutError
        after that) and return the DataTree ``exmc.sample`` would have.

        Failed chains are left out with a warning, or raise ChainError
        with ``strict=True`` (or when every chain failed). After
        ``cancel()``, the draws made before the chains stopped, cut to the
        shortest chain."""
        with self._lock:
            if self._result is not None:
                return self._result
            if self._error is not None:
                raise self._error
        if not self.wait(timeout):
            raise TimeoutError(f"the run did not end within {timeout} s")
        with self._lock:
            if self._result is not None:
                return self._result
            if self._error is not None:
                raise self._error
            native = self._native
            if native is None:
                raise RuntimeError("the run was closed before its result was taken")
            failed = native.chain_errors()
            self._progress = native.chain_progress()
            self._failed = failed
            table = native.result(allow_cancelled=True).read_all()
            self._batches = []
            self.close()
            try:
                table = settle_failures(failed, self._options.chain_numbers, strict=self._strict, table=table,
                                        stacklevel=2)
            except ChainError as e:
                self._error = e
                raise
            self._result = from_arrow(
                table,
                model=self._compiled.model,
                sampling_time=self._elapsed,
                tuning_steps=self._options.tune,
                attrs=self._attrs,
            )
            return self._result

    def close(self) -> None:
        """Stop chains still going and free the run. The result, when it
        was taken, stays."""
        with self._lock:
            native, self._native = self._native, None
            if native is None:
                return
            if self._progress is None or self._failed is None:
                native.cancel()
                native.wait(-1)
                self._progress = native.chain_progress()
                self._failed = native.chain_errors()
            native.free()


    def __repr__(self) -> str:
        try:
            recs = self.progress
        except Exception:
            recs = []
        done = sum(r.draws_done for r in recs)
        total = sum(r.total for r in recs)
        state = "done" if recs and all(r.finished for r in recs) else "running"
        return f"<exmc.Run {self.chains} chains, {done}/{total} iterations, {state}>"


__all__ = ["Run"]
