"""Hatch build hook: puts the Go core into the wheel.

For a wheel it runs, from the repository root,

    go build -buildmode=c-shared -o python/exmc/_lib/libexmc.so ./capi

writes the library's distribution catalogue (exmc_catalogue) next to it as
catalogue.json, from which the Python distribution classes are made, and
its sampling options' schema (exmc_options_schema) as options.json, from
which the signatures of exmc.sample and its kin are made,
writes the declarations cffi reads next to the library, made from
include/exmc.h by the C preprocessor (python/exmc/_cdef.py: exmc_cdef.h and
exmc_constants.json), so that the header stays the one source of truth and
the installed package needs no C compiler, and tags the wheel for this
platform: the library is native code, but it does not link against
libpython, so one wheel serves every Python 3 (py3-none-<plat>).

Environment:

EXMC_SKIP_GO_BUILD=1
    FOR DEVELOPMENT ONLY: skip the Go build, so that the pure-Python parts
    can be installed and tested before (or without) the Go side. A package
    installed this way cannot sample.
GO
    the go binary to use (default: `go` on PATH, then /usr/local/go/bin/go).
EXMC_GO_BUILD_FLAGS
    extra flags for `go build`, split on whitespace (for example -race).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SKIP_ENV = "EXMC_SKIP_GO_BUILD"
LIB_NAME = {"darwin": "libexmc.dylib", "win32": "exmc.dll"}.get(sys.platform, "libexmc.so")


def _cdef_module(root: Path):
    """python/exmc/_cdef.py, loaded from its file: importing the exmc
    package would need its dependencies at build time."""
    spec = importlib.util.spec_from_file_location("exmc_cdef", root / "python" / "exmc" / "_cdef.py")
    mod = importlib.util.module_from_spec(spec)
    # its dataclasses look their module up by name
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def write_declarations(root: Path, lib_dir: Path) -> list[Path]:
    """Make the declarations of root/include/exmc.h and write them into
    lib_dir; returns the files written."""
    cdef = _cdef_module(root)
    return cdef.write(cdef.generate(root / "include" / "exmc.h"), lib_dir)


# Prints what one of the library's static-JSON functions (exmc_catalogue,
# exmc_options_schema) returns.
_JSON_PROGRAM = """
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
fn = getattr(lib, sys.argv[2])
fn.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_char_p)]
out, err = ctypes.c_char_p(), ctypes.c_char_p()
if fn(ctypes.byref(out), ctypes.byref(err)) != 0:
    sys.exit(sys.argv[2] + ": " + (err.value or b"failed").decode())
sys.stdout.write(out.value.decode())
"""


def _write_json(lib_path: Path, function: str, out: Path) -> Path:
    """Write what the library's ``function`` returns to ``out``. The
    library is loaded in a child process: the Go runtime it starts must not
    be inherited by anything this build forks."""
    proc = subprocess.run([sys.executable, "-c", _JSON_PROGRAM, str(lib_path), function], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"exmc-sampler: reading {function} of {lib_path} failed:\n{proc.stdout}{proc.stderr}")
    out.write_text(proc.stdout)
    return out


def write_catalogue(lib_path: Path, lib_dir: Path) -> Path:
    """Write the library's distribution catalogue (exmc_catalogue) to
    lib_dir/catalogue.json, which the Python classes are made from."""
    return _write_json(lib_path, "exmc_catalogue", lib_dir / "catalogue.json")


def write_options(lib_path: Path, lib_dir: Path) -> Path:
    """Write the library's sampling options' schema (exmc_options_schema)
    to lib_dir/options.json, which the Python signatures are made from."""
    return _write_json(lib_path, "exmc_options_schema", lib_dir / "options.json")


def _platform_tag() -> str:
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


# where the official Go installer puts the toolchain, for builds whose PATH
# does not include it
GO_FALLBACKS = ("/usr/local/go/bin/go",)


def _find_go() -> str:
    candidates = [os.environ.get("GO"), shutil.which("go"), *GO_FALLBACKS]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    raise RuntimeError(
        "exmc-sampler: the Go toolchain was not found, and it is needed to build the native "
        "core (libexmc). Install Go (https://go.dev/dl/, the version go.mod asks for) and put "
        "`go` on PATH, or point the GO environment variable at the go binary. "
        f"({SKIP_ENV}=1 skips the build for development of the Python code only; "
        "such an install cannot sample.)"
    )


class ExmcBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        lib_dir = root / "python" / "exmc" / "_lib"
        lib_dir.mkdir(parents=True, exist_ok=True)
        lib_path = lib_dir / LIB_NAME
        header = root / "include" / "exmc.h"

        build_data["pure_python"] = False
        build_data["tag"] = f"py3-none-{_platform_tag()}"

        skip = os.environ.get(SKIP_ENV, "") == "1"
        if skip:
            self.app.display_warning(
                f"{SKIP_ENV}=1: not building the Go core (development only; this install cannot sample)"
            )
        else:
            self._go_build(root, lib_path)

        declarations: list[Path] = []
        if header.is_file():
            declarations = write_declarations(root, lib_dir)
        elif not skip:
            raise RuntimeError(f"exmc-sampler: {header} is missing; it declares the C API cffi loads")
        if lib_path.is_file():
            declarations.append(write_catalogue(lib_path, lib_dir))
            declarations.append(write_options(lib_path, lib_dir))

        # an editable install imports the package from python/exmc, where the
        # files already are; a regular wheel needs them listed, because the
        # _lib folder is excluded from the package's own files
        if version != "editable":
            for path in (lib_path, *declarations):
                if path.is_file():
                    build_data["force_include"][str(path)] = f"exmc/_lib/{path.name}"

    def _go_build(self, root: Path, lib_path: Path) -> None:
        go = _find_go()
        cmd = [go, "build", "-buildmode=c-shared", *os.environ.get("EXMC_GO_BUILD_FLAGS", "").split(),
               "-o", str(lib_path), "./capi"]
        env = dict(os.environ)
        env["CGO_ENABLED"] = "1"
        self.app.display_info(f"building the Go core: {' '.join(cmd)}")
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(
                f"exmc-sampler: `{' '.join(cmd)}` failed in {root} (exit {proc.returncode}):\n"
                f"{proc.stdout}{proc.stderr}"
            )
        # cgo writes its own header beside the library; the package reads
        # include/exmc.h only, so drop the generated one to avoid confusion
        generated = lib_path.with_suffix(".h")
        if generated.exists():
            generated.unlink()
