"""The C library's run, and what becomes of the chains that fail.

:class:`NativeRun` is a thin owner of the library's run handle
(``exmc_run_*`` in exmc.h), which every way of sampling drives.
:func:`settle_failures` is the one policy for chains that failed for good,
which every way of sampling applies.

Waits inside the library are cut into slices of :data:`POLL_MS`: a signal
is only handled between two calls into it, so this is what keeps Ctrl-C
working while chains run.
"""

from __future__ import annotations

import warnings
from typing import Any, Iterable, Mapping

from .. import _ffi
from .._errors import ChainError, check, error_out
from ..progress import ChainProgress

#: longest single wait inside the library, in milliseconds
POLL_MS = 100


def failure_message(failed: Mapping[int, str]) -> str:
    return "; ".join(f"chain {c}: {m}" for c, m in sorted(failed.items()))


def settle_failures(
    failed: Mapping[int, str],
    chains: Iterable[int],
    *,
    strict: bool,
    table: Any = None,
    stacklevel: int = 2,
) -> Any:
    """Apply the failed-chain policy, the same on every path (blocking,
    background, streamed, on Dask, PyMC models): ``failed`` maps each chain
    that failed for good to its cause, ``chains`` are the run's chain
    numbers.

    Raises ChainError when ``strict``, or when every chain of the run
    failed (nothing would be left to return). Otherwise warns, naming each
    failed chain and its cause, and returns ``table`` (the run's draws, a
    pyarrow Table) without the failed chains' rows; with no table (a
    stream, whose batches are already delivered) returns None.
    ``stacklevel`` is the warning's, counted from the caller.
    """
    if not failed:
        return table
    chains = list(chains)
    message = failure_message(failed)
    if strict or all(c in failed for c in chains):
        raise ChainError(f"{len(failed)} of {len(chains)} chains failed: {message}", dict(failed))
    what = "and are left out" if table is not None else "(their batches stop where they failed)"
    warnings.warn(f"{len(failed)} of {len(chains)} chains failed {what}: {message}", RuntimeWarning,
                  stacklevel=stacklevel + 1)
    if table is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    bad = pa.array(sorted(failed), pa.int64())
    return table.filter(pc.invert(pc.is_in(table.column("chain"), value_set=bad)))


def as_progress(record: Any) -> ChainProgress:
    return ChainProgress(
        int(record.draws_done), int(record.total), int(record.divergences), bool(record.finished),
        bool(record.tuning),
    )


class Closing:
    """A handle on a run that is closed on leaving a ``with`` block and
    when collected: subclasses define ``close``, which must be idempotent."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


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
        self.first_chain = int(opts.first_chain)

    @property
    def chain_numbers(self) -> range:
        return range(self.first_chain, self.first_chain + self.chains)

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


__all__ = ["NativeRun", "POLL_MS", "as_progress", "failure_message", "settle_failures"]
