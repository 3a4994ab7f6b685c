"""Turning the C library's return codes into Python exceptions."""

from __future__ import annotations

from typing import Any


class ExmcError(RuntimeError):
    """An error inside the exmc core that is not the caller's fault."""


class ChainError(RuntimeError):
    """One or more chains failed for good; ``failed`` maps chain -> cause."""

    def __init__(self, message: str, failed: dict[int, str]):
        super().__init__(message)
        self.failed = failed


def error_out(ffi: Any) -> Any:
    """A fresh ``char**`` for a call's error message."""
    return ffi.new("char**")


def check(code: int, err: Any, ffi: Any, lib: Any, what: str) -> int:
    """Raise for a negative return code, with the core's message; return
    non-negative codes (OK, TIMEOUT, DONE) to the caller."""
    message = None
    if err is not None and err[0] != ffi.NULL:
        message = ffi.string(err[0]).decode("utf-8", "replace")
        lib.exmc_free_error(err[0])
        err[0] = ffi.NULL
    if code >= 0:
        return code
    text = f"{what}: {message or 'failed'}"
    if code in (lib.EXMC_ERR_INVALID, lib.EXMC_ERR_MODEL):
        raise ValueError(text)
    if code == lib.EXMC_ERR_CHAINS:
        raise ChainError(text, {})
    raise ExmcError(text)
