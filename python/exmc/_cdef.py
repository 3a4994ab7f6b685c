"""The cffi declarations of libexmc, made from the C header ``exmc.h``.

cffi's ``cdef`` reads plain C declarations, not preprocessor lines. So
:func:`generate` runs the C preprocessor on the header (``cc -E``, or
``$CC -E``) with empty stand-ins for the system headers it includes, so that
only exmc's own declarations remain, with every macro expanded and the
``extern "C"`` of C++ left out; the header's object-like macros become the
integer and string constants, their values computed by cffi's own parser.

The wheel's build hook (``build/hatch_build.py``) writes the result next to
the library (:data:`CDEF_FILE`, :data:`CONSTANTS_FILE`), so that an installed
package loads its declarations on a machine without a C compiler. A source
checkout, and a header named by ``EXMC_HEADER``, are preprocessed when the
library is loaded. The header stays the one source of the declarations.

This module needs only the standard library and cffi, so that the build
hook can load it from its file without importing the exmc package.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

#: the declarations cffi reads, written next to the library at build time
CDEF_FILE = "exmc_cdef.h"
#: the header's constants and the digest of the header they were made from
CONSTANTS_FILE = "exmc_constants.json"

#: system headers exmc.h may include: each is replaced by an empty file, so
#: that only exmc's declarations reach cffi, which knows their types
#: (int64_t, size_t, bool) itself
STAND_INS = ("stddef.h", "stdint.h", "stdbool.h")

#: erased by the preprocessor: export markers and qualifiers cffi does not read
_ERASED = ("__attribute__(x)", "__declspec(x)", "restrict", "__restrict", "__restrict__")

# a line the preprocessor writes for each macro in -dM mode
_DEFINE = re.compile(r"#define (?P<name>\w+)(?P<params>\([^)]*\))?(?: (?P<body>.*))?$")
# the line that carries one macro's expansion out of the preprocessor
_MARK = "exmc_cdef_constant_"
_MARKED = re.compile(rf"^{_MARK}(?P<name>\w+) = (?P<value>.*);$")
_STRINGS = re.compile(r'(?:"(?:[^"\\\n]|\\.)*"\s*)+')


@dataclass
class Header:
    """The declarations cffi reads and the constants of one header."""

    cdef: str
    int_constants: dict[str, int] = field(default_factory=dict)
    str_constants: dict[str, str] = field(default_factory=dict)
    #: sha256 of the header the declarations were made from
    header_sha256: str = ""
    #: object-like macros that are neither an integer nor a string constant
    #: (a type, a floating-point number): expanded in the declarations,
    #: not constants of the library
    not_constants: list[str] = field(default_factory=list)


def digest(header: Path) -> str:
    return hashlib.sha256(Path(header).read_bytes()).hexdigest()


def _compiler() -> list[str]:
    cc = shlex.split(os.environ.get("CC", "")) or ["cc"]
    if shutil.which(cc[0]) is None:
        raise RuntimeError(
            f"exmc: reading the C header needs a C preprocessor, and {cc[0]!r} was not found "
            "(set CC to a C compiler). An installed exmc-sampler carries its declarations "
            "ready-made and needs none."
        )
    return cc


def _run(cmd: list[str], what: str) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"exmc: the C preprocessor failed on {what} (`{shlex.join(cmd)}`):\n{proc.stderr}")
    return proc.stdout


def _macros(output: str) -> dict[str, str | None]:
    """name -> body of each object-like macro in -dM output (None for
    function-like macros)."""
    out: dict[str, str | None] = {}
    for line in output.splitlines():
        m = _DEFINE.match(line)
        if m:
            out[m["name"]] = None if m["params"] else (m["body"] or "")
    return out


def _integer(name: str, value: str) -> int | None:
    """The value of a C integer constant expression, by cffi's parser; None
    when value is not one."""
    import cffi

    ffi = cffi.FFI()
    try:
        ffi.cdef(f"enum exmc_cdef_probe {{ {name} = {value} }};")
    except (cffi.CDefError, cffi.FFIError):
        return None
    return ffi.typeof("enum exmc_cdef_probe").relements[name]


def generate(header: Path) -> Header:
    """Run the C preprocessor on header and return its declarations and
    constants, checked by cffi."""
    import cffi

    header = Path(header).resolve()
    if not header.is_file():
        raise RuntimeError(f"exmc: the C header {header} does not exist")
    cc = _compiler()
    with tempfile.TemporaryDirectory(prefix="exmc-cdef-") as tmp:
        tmp_dir = Path(tmp)
        stand_ins = tmp_dir / "include"
        stand_ins.mkdir()
        for name in STAND_INS:
            (stand_ins / name).write_text("")
        flags = ["-E", "-P", "-nostdinc", "-I", str(stand_ins), "-x", "c", *(f"-D{e}=" for e in _ERASED)]

        # the header's own macros: what -dM lists for it but not for nothing
        empty = tmp_dir / "empty.h"
        empty.write_text("")
        ours = _macros(_run([*cc, *flags, "-dM", str(header)], str(header)))
        builtin = _macros(_run([*cc, *flags, "-dM", str(empty)], "an empty file"))
        names = sorted(n for n, body in ours.items() if body and (n not in builtin or builtin[n] != body))

        # the declarations, followed by one marked line per macro that the
        # preprocessor expands in place
        probe = tmp_dir / "probe.h"
        probe.write_text(f'#include "{header}"\n' + "".join(f"{_MARK}{n} = {n};\n" for n in names))
        lines = _run([*cc, *flags, str(probe)], str(header)).splitlines()

    result = Header(cdef="", header_sha256=digest(header))
    declarations: list[str] = []
    for line in lines:
        m = _MARKED.match(line.strip())
        if not m:
            if line.strip() or (declarations and declarations[-1]):
                declarations.append(line.rstrip())
            continue
        name, value = m["name"], m["value"].strip()
        if not value:
            continue  # an export marker, or a macro erased above
        if _STRINGS.fullmatch(value):
            # adjacent C string literals, whose escapes Python reads alike
            result.str_constants[name] = ast.literal_eval(value)
            continue
        number = _integer(name, value)
        if number is None:
            result.not_constants.append(name)
        else:
            result.int_constants[name] = number
    defines = [f"#define {n} {v}" for n, v in result.int_constants.items()]
    result.cdef = "\n".join([*declarations, "", *defines]).strip() + "\n"
    # what cffi cannot read fails here, when the package is built
    cffi.FFI().cdef(result.cdef)
    return result


def write(header: Header, directory: Path) -> list[Path]:
    """Write the declarations and constants into directory; returns the
    files written."""
    directory = Path(directory)
    cdef = directory / CDEF_FILE
    cdef.write_text(header.cdef)
    constants = directory / CONSTANTS_FILE
    constants.write_text(json.dumps({
        "header_sha256": header.header_sha256,
        "int": header.int_constants,
        "str": header.str_constants,
    }, indent=1, sort_keys=True) + "\n")
    return [cdef, constants]


def read(directory: Path) -> Header:
    """The declarations and constants that write put into directory."""
    directory = Path(directory)
    constants = json.loads((directory / CONSTANTS_FILE).read_text())
    return Header(
        cdef=(directory / CDEF_FILE).read_text(),
        int_constants=dict(constants["int"]),
        str_constants=dict(constants["str"]),
        header_sha256=constants["header_sha256"],
    )
