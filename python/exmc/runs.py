"""Sampling runs that go on in the background.

:class:`NativeRun` is a thin owner of the C library's run handle
(``exmc_run_*`` in exmc.h). :class:`Run` is what
``exmc.sample(..., blocking=False)`` returns: progress, a look at the draws
so far, cancellation and the final DataTree.

Waits inside the library are cut into slices of :data:`POLL_MS`: a signal
is only handled between two calls into it, so this is what keeps Ctrl-C
working while chains run.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
import warnings
from typing import Any

from . import _ffi
from ._errors import ChainError, check, error_out
from .progress import ChainProgress

#: longest single wait inside the library, in milliseconds
POLL_MS = 100


@dataclasses.dataclass(frozen=True)
class Options:
    """Checked sampling options, as ``exmc_options`` wants them.

    ``jitter`` is the half-width of the uniform initial jitter (``init``:
    "jitter" is 2, "zero" is 0). ``first_chain`` numbers the run's chains
    from there (exmc.h, ``first_chain``): a run of chain k alone makes the
    draws of chain k of a run of them all."""

    draws: int = 1000
    tune: int = 1000
    chains: int = 4
    cores: int | None = None
    seed: int = 0
    target_accept: float = 0.8
    max_treedepth: int = 10
    dense_mass: bool = False
    save_warmup: bool = False
    log_likelihood: bool = False
    jitter: float = 2.0
    batch_size: int = 50
    first_chain: int = 0
    metric: str = "gradient"
    schedule: str = "online"
    criterion: str = "displacement"

    @classmethod
    def checked(
        cls,
        *,
        draws: Any = 1000,
        tune: Any = 1000,
        chains: Any = 4,
        cores: Any = None,
        random_seed: Any = None,
        target_accept: Any = 0.8,
        max_treedepth: Any = 10,
        init: str | None = None,
        save_warmup: bool = False,
        log_likelihood: bool = False,
        dense_mass: bool = False,
        batch_size: Any = 50,
        metric: Any = None,
        schedule: Any = None,
        criterion: Any = None,
    ) -> "Options":
        """Validate options spelled as :func:`exmc.sample` spells them."""
        import numbers

        from .sampling import _choice, _int_option, _seed

        if isinstance(target_accept, bool) or not isinstance(target_accept, numbers.Real):
            raise TypeError(f"target_accept must be a number, got {target_accept!r}")
        if not 0 < target_accept < 1:
            raise ValueError(f"target_accept must be in (0, 1), got {target_accept}")
        jitter = {"jitter": 2.0, "zero": 0.0}.get("jitter" if init is None else init)
        if jitter is None:
            raise ValueError(f"init must be 'jitter' or 'zero', got {init!r}")
        return cls(
            draws=_int_option("draws", draws, 1),
            tune=_int_option("tune", tune, 0),
            chains=_int_option("chains", chains, 1),
            cores=None if cores is None else _int_option("cores", cores, 1),
            seed=_seed(random_seed),
            target_accept=float(target_accept),
            max_treedepth=_int_option("max_treedepth", max_treedepth, 1),
            dense_mass=bool(dense_mass),
            save_warmup=bool(save_warmup),
            log_likelihood=bool(log_likelihood),
            jitter=jitter,
            batch_size=_int_option("batch_size", batch_size, 1),
            metric=_choice("metric", metric),
            schedule=_choice("schedule", schedule),
            criterion=_choice("criterion", criterion),
        )

    def replace(self, **changes: Any) -> "Options":
        return dataclasses.replace(self, **changes)

    def to_c(self) -> Any:
        """A filled ``exmc_options*`` (cffi)."""
        ffi, lib, _ = _ffi.load()
        opts = ffi.new("exmc_options*")
        lib.exmc_options_default(opts)
        opts.draws, opts.tune, opts.chains = self.draws, self.tune, self.chains
        opts.cores = self.cores if self.cores is not None else min(self.chains, os.cpu_count() or 1)
        opts.seed = self.seed
        opts.target_accept = float(self.target_accept)
        opts.max_treedepth = self.max_treedepth
        opts.dense_mass = int(bool(self.dense_mass))
        opts.save_warmup = int(bool(self.save_warmup))
        opts.log_likelihood = int(bool(self.log_likelihood))
        opts.init_jitter = float(self.jitter)
        opts.batch_size = self.batch_size
        from .sampling import set_choice

        set_choice(opts, lib, "metric", self.metric)
        set_choice(opts, lib, "schedule", self.schedule)
        set_choice(opts, lib, "criterion", self.criterion)
        if self.first_chain:
            try:
                opts.first_chain = self.first_chain
            except AttributeError:
                raise RuntimeError(
                    "this libexmc has no exmc_options.first_chain (it predates sampling chains apart); "
                    "rebuild exmc"
                ) from None
        return opts


def failure_message(failed: dict[int, str]) -> str:
    return "; ".join(f"chain {c}: {m}" for c, m in sorted(failed.items()))


def keep_good_chains(table: Any, failed: dict[int, str], chains: int, *, strict: bool, stacklevel: int = 3) -> Any:
    """The draws of the chains that did not fail, as ``exmc.sample`` treats
    failures: a ChainError when ``strict`` or when every chain failed, a
    RuntimeWarning naming each failed chain and its cause otherwise."""
    if not failed:
        return table
    if strict or len(failed) >= chains:
        raise ChainError(f"{len(failed)} of {chains} chains failed: {failure_message(failed)}", dict(failed))
    import pyarrow as pa
    import pyarrow.compute as pc

    warnings.warn(
        f"{len(failed)} of {chains} chains failed and are left out: {failure_message(failed)}",
        RuntimeWarning,
        stacklevel=stacklevel,
    )
    bad = pa.array(sorted(failed), pa.int64())
    return table.filter(pc.invert(pc.is_in(table.column("chain"), value_set=bad)))


def as_progress(record: Any) -> ChainProgress:
    return ChainProgress(
        int(record.draws_done), int(record.total), int(record.divergences), bool(record.finished),
        bool(record.tuning),
    )


class NativeRun:
    """A started run of the C library, freed (and its chains stopped)
    however it is left. Chains are named by their numbers, ``first_chain``
    on."""

    handle: Any = None

    def __init__(self, compiled: Any, opts: Any):
        self.ffi, self.lib, _ = _ffi.load()
        out = self.ffi.new("exmc_run**")
        err = error_out(self.ffi)
        check(self.lib.exmc_run_start(compiled.handle, opts, out, err), err, self.ffi, self.lib, "sample")
        self.handle = out[0]
        # a function model's callback must outlive the run
        self.compiled = compiled
        self.chains = int(opts.chains)
        try:
            self.first_chain = int(opts.first_chain)
        except AttributeError:
            self.first_chain = 0

    def next(self, timeout_ms: int) -> tuple[int, Any]:
        """``(code, batch)``: EXMC_OK with a pyarrow RecordBatch, or
        EXMC_TIMEOUT / EXMC_DONE with None."""
        import pyarrow as pa

        ffi, lib = self.ffi, self.lib
        schema = ffi.new("struct ArrowSchema*")
        array = ffi.new("struct ArrowArray*")
        err = error_out(ffi)
        code = check(lib.exmc_run_next(self.handle, timeout_ms, schema, array, err), err, ffi, lib, "next batch")
        if code != lib.EXMC_OK:
            return code, None
        batch = pa.RecordBatch._import_from_c(int(ffi.cast("uintptr_t", array)), int(ffi.cast("uintptr_t", schema)))
        return code, batch

    def progress(self) -> list:
        ffi, lib = self.ffi, self.lib
        buf = ffi.new("exmc_progress[]", self.chains)
        err = error_out(ffi)
        check(lib.exmc_run_progress(self.handle, buf, self.chains, ffi.NULL, err), err, ffi, lib, "progress")
        return [buf[i] for i in range(self.chains)]

    def chain_progress(self) -> list[ChainProgress]:
        return [as_progress(r) for r in self.progress()]

    def wait(self, timeout_ms: int) -> bool:
        err = error_out(self.ffi)
        code = check(self.lib.exmc_run_wait(self.handle, timeout_ms, err), err, self.ffi, self.lib, "sample")
        return code == self.lib.EXMC_OK

    def cancel(self) -> None:
        err = error_out(self.ffi)
        check(self.lib.exmc_run_cancel(self.handle, err), err, self.ffi, self.lib, "cancel")

    def chain_errors(self) -> dict[int, str]:
        """Failed chains: chain number -> cause (the core's message without
        its leading "chain <number>: ")."""
        ffi, lib = self.ffi, self.lib
        failed = {}
        for c in range(self.chains):
            msg = ffi.new("char**")
            err = error_out(ffi)
            check(lib.exmc_run_chain_error(self.handle, c, msg, err), err, ffi, lib, "chain error")
            if msg[0] != ffi.NULL:
                number = self.first_chain + c
                text = ffi.string(msg[0]).decode("utf-8", "replace")
                lib.exmc_free_string(msg[0])
                # the core names the chain already; callers name it once
                prefix = f"chain {number}: "
                failed[number] = text[len(prefix) :] if text.startswith(prefix) else text
        return failed

    def result(self, allow_cancelled: bool = False):
        """Every draw as a pyarrow RecordBatchReader, failed chains'
        included; with ``allow_cancelled``, a cancelled run gives the draws
        made before it stopped."""
        import pyarrow as pa

        ffi, lib = self.ffi, self.lib
        stream = ffi.new("struct ArrowArrayStream*")
        err = error_out(ffi)
        code = lib.exmc_run_result(self.handle, stream, err)
        accepted = (lib.EXMC_OK, lib.EXMC_ERR_CHAINS) + ((lib.EXMC_ERR_CANCELLED,) if allow_cancelled else ())
        if code not in accepted:
            if stream.release != ffi.NULL:
                stream.release(stream)
            check(code, err, ffi, lib, "sample")
        check(max(code, 0), err, ffi, lib, "sample")
        return pa.RecordBatchReader._import_from_c(int(ffi.cast("uintptr_t", stream)))

    def free(self) -> None:
        handle, self.handle = self.handle, None
        if handle is not None:
            self.lib.exmc_run_free(handle)

    def __del__(self) -> None:
        try:
            self.free()
        except Exception:
            pass


class Run:
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
            from .streaming import concat

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
                table = keep_good_chains(table, failed, self.chains, strict=self._strict, stacklevel=4)
            except ChainError as e:
                self._error = e
                raise
            from .trace import from_arrow

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

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        try:
            recs = self.progress
        except Exception:
            recs = []
        done = sum(r.draws_done for r in recs)
        total = sum(r.total for r in recs)
        state = "done" if recs and all(r.finished for r in recs) else "running"
        return f"<exmc.Run {self.chains} chains, {done}/{total} iterations, {state}>"


__all__ = ["Options", "NativeRun", "Run", "keep_good_chains", "POLL_MS"]
