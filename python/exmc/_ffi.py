"""Loading ``libexmc.so`` with cffi in ABI mode.

The C declarations come from ``include/exmc.h``, the one source of truth:
the wheel's build hook runs the C preprocessor on it and packages the
declarations cffi reads (``_lib/exmc_cdef.h``) and the header's constants
(``_lib/exmc_constants.json``) beside the library, so that an installed
package needs no C compiler (see :mod:`exmc._cdef`). A source checkout whose
header has changed since the last build, or a header named by
``EXMC_HEADER``, is preprocessed when the library is loaded.

The library is loaded on first use only, never at import: loading starts the
Go runtime, and a process must not ``fork()`` after that (worker pools must
use the "spawn" start method). A child forked after loading gets a clear
error instead of a hang.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

from . import _cdef
from ._cdef import Header

LIBRARY_ENV = "EXMC_LIBRARY"
HEADER_ENV = "EXMC_HEADER"

_PKG_DIR = Path(__file__).resolve().parent
_LIB_DIR = _PKG_DIR / "_lib"
_LIB_NAME = {"darwin": "libexmc.dylib", "win32": "exmc.dll"}.get(sys.platform, "libexmc.so")
# include/exmc.h of a source checkout the package is used from (python/exmc)
_CHECKOUT_HEADER = _PKG_DIR.parent.parent / "include" / "exmc.h"


# ---------------------------------------------------------------------------
# lazy loading

_lock = threading.Lock()
_loaded: dict[str, Any] = {}


def library_path() -> Path:
    env = os.environ.get(LIBRARY_ENV)
    return Path(env) if env else _LIB_DIR / _LIB_NAME


def declarations() -> Header:
    """The declarations and constants of the library: from the header that
    EXMC_HEADER names when it is set; else those packaged by the build,
    unless the package is used from a source checkout whose header they were
    not made from (changed since the last build, or never built), which is
    read instead. Reading a header needs a C preprocessor."""
    env = os.environ.get(HEADER_ENV)
    if env:
        if not Path(env).is_file():
            raise RuntimeError(f"exmc.h not found at {env} (named by {HEADER_ENV})")
        return _cdef.generate(Path(env))
    packaged = None
    if (_LIB_DIR / _cdef.CDEF_FILE).is_file() and (_LIB_DIR / _cdef.CONSTANTS_FILE).is_file():
        packaged = _cdef.read(_LIB_DIR)
    if _CHECKOUT_HEADER.is_file() and (packaged is None or packaged.header_sha256 != _cdef.digest(_CHECKOUT_HEADER)):
        return _cdef.generate(_CHECKOUT_HEADER)
    if packaged is None:
        raise RuntimeError(
            f"the declarations of libexmc ({_LIB_DIR / _cdef.CDEF_FILE}) are missing; "
            f"reinstall exmc-sampler, or set {HEADER_ENV} to exmc.h"
        )
    return packaged


def is_loaded() -> bool:
    return "lib" in _loaded


def load() -> tuple[Any, Any, Header]:
    """``(ffi, lib, header)``, loading the library on the first call."""
    if "lib" in _loaded:
        if _loaded["pid"] != os.getpid():
            raise RuntimeError(
                "libexmc was loaded before this process was forked; the Go runtime does not "
                "survive fork(). Start worker processes with the 'spawn' method, or load "
                "exmc only inside the workers."
            )
        return _loaded["ffi"], _loaded["lib"], _loaded["header"]
    with _lock:
        if "lib" not in _loaded:
            import cffi

            lpath = library_path()
            if not lpath.exists():
                raise RuntimeError(
                    f"{_LIB_NAME} not found at {lpath}. The Go core is built by `pip install .` "
                    f"(which needs Go); set {LIBRARY_ENV} to use a library built elsewhere."
                )
            header = declarations()
            ffi = cffi.FFI()
            ffi.cdef(header.cdef)
            lib = ffi.dlopen(str(lpath))
            _loaded.update(ffi=ffi, lib=lib, header=header, pid=os.getpid())
    return load()


def ffi() -> Any:
    return load()[0]


def lib() -> Any:
    return load()[1]
