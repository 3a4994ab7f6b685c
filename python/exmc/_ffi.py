"""Loading ``libexmc.so`` with cffi in ABI mode.

The C declarations come from the packaged ``exmc.h`` (copied there from
``include/exmc.h`` at build time, so the header stays the one source of
truth); cffi's ``cdef`` cannot read preprocessor lines, so
:func:`parse_header` reduces the header to what it accepts.

The library is loaded on first use only, never at import: loading starts the
Go runtime, and a process must not ``fork()`` after that (worker pools must
use the "spawn" start method). A child forked after loading gets a clear
error instead of a hang.
"""

from __future__ import annotations

import ast
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LIBRARY_ENV = "EXMC_LIBRARY"
HEADER_ENV = "EXMC_HEADER"

_PKG_DIR = Path(__file__).resolve().parent
_LIB_DIR = _PKG_DIR / "_lib"
_LIB_NAME = {"darwin": "libexmc.dylib", "win32": "exmc.dll"}.get(sys.platform, "libexmc.so")


@dataclass
class Header:
    """A C header reduced for ``cffi.FFI.cdef``."""

    cdef: str
    int_constants: dict[str, int] = field(default_factory=dict)
    str_constants: dict[str, str] = field(default_factory=dict)


_TOKENS = re.compile(
    r'(?P<str>"(?:\\.|[^"\\\n])*")|(?P<chr>\'(?:\\.|[^\'\\\n])*\')'
    r"|(?P<block>/\*.*?\*/)|(?P<line>//[^\n]*)",
    re.S,
)
_DIRECTIVE = re.compile(r"^\s*#\s*(\w+)\s*(.*?)\s*$")
_DEFINE = re.compile(r"^([A-Za-z_]\w*)(\()?\s*(.*)$")
_INT_LITERAL = re.compile(r"^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)(?:[uU]?[lL]{0,2}|[lL]{1,2}[uU])$")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_ATTRIBUTE = re.compile(r"__attribute__\s*\(\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\)|__declspec\s*\([^()]*\)")


def _strip_comments(text: str) -> str:
    def repl(m: re.Match) -> str:
        if m.group("block") is not None:
            # keep line structure, so that directives stay on their lines
            return " " + "\n" * m.group("block").count("\n")
        if m.group("line") is not None:
            return ""
        return m.group(0)

    return _TOKENS.sub(repl, text)


def _int_literal(token: str) -> int | None:
    m = _INT_LITERAL.match(token)
    if not m:
        return None
    digits = m.group(1)
    if digits.lower().startswith("0x"):
        return int(digits, 16)
    if digits.lower().startswith("0b"):
        return int(digits, 2)
    if len(digits) > 1 and digits.startswith("0"):
        return int(digits, 8)
    return int(digits)


_AST_OK = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.Invert,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod, ast.LShift, ast.RShift,
    ast.BitOr, ast.BitAnd, ast.BitXor, ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt,
    ast.GtE, ast.Constant,
)


def _eval_c_int(expr: str, macros: dict[str, Any]) -> int | None:
    """Value of a constant C integer expression, or None when it is not one.
    Unknown identifiers count as 0, as the preprocessor has it."""
    expr = re.sub(r"\bdefined\s*\(\s*(\w+)\s*\)|\bdefined\s+(\w+)",
                  lambda m: "1" if (m.group(1) or m.group(2)) in macros else "0", expr)

    def ident(m: re.Match) -> str:
        value = macros.get(m.group(0))
        return str(value) if isinstance(value, int) else "0"

    def literal(m: re.Match) -> str:
        v = _int_literal(m.group(0))
        return str(v) if v is not None else m.group(0)

    expr = re.sub(r"\b\d\w*", literal, expr)
    expr = _IDENT.sub(ident, expr)
    expr = expr.replace("&&", " and ").replace("||", " or ").replace("/", "//")
    expr = re.sub(r"!(?!=)", " not ", expr)
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError:
        return None
    if not all(isinstance(n, _AST_OK) for n in ast.walk(tree)):
        return None
    try:
        return int(eval(compile(tree, "<header>", "eval"), {"__builtins__": {}}, {}))
    except Exception:
        return None


def parse_header(text: str) -> Header:
    """Reduce a C header to declarations cffi's ``cdef`` accepts.

    Handles comments, line continuations, ``#include``/``#pragma`` (dropped),
    conditional blocks (``#ifdef __cplusplus ... extern "C" ... #endif`` is
    skipped because ``__cplusplus`` is not defined; include guards are kept),
    and object-like ``#define``: integer constants become ``#define NAME
    <int>`` lines (cffi's ABI mode reads those), string constants are
    returned apart, empty or attribute macros (export markers) are erased
    where they are used, and other textual macros are expanded.
    """
    text = text.replace("\\\r\n", "").replace("\\\n", "")
    text = _strip_comments(text)

    macros: dict[str, Any] = {}
    header = Header(cdef="")
    substitutions: dict[str, str] = {}
    out: list[str] = []
    # stack of [active, taken, parent_active]
    stack: list[list[bool]] = []

    def active() -> bool:
        return all(frame[0] for frame in stack)

    for line in text.splitlines():
        m = _DIRECTIVE.match(line)
        if not m:
            if active():
                out.append(line)
            continue
        directive, rest = m.group(1), m.group(2)
        if directive in ("if", "ifdef", "ifndef"):
            if directive == "ifdef":
                cond = rest.split()[0] in macros if rest else False
            elif directive == "ifndef":
                cond = rest.split()[0] not in macros if rest else True
            else:
                value = _eval_c_int(rest, macros)
                cond = True if value is None else bool(value)
            stack.append([cond, cond])
        elif directive == "elif":
            if not stack:
                raise ValueError("#elif without #if in header")
            frame = stack[-1]
            if frame[1]:
                frame[0] = False
            else:
                value = _eval_c_int(rest, macros)
                frame[0] = True if value is None else bool(value)
                frame[1] = frame[0]
        elif directive == "else":
            if not stack:
                raise ValueError("#else without #if in header")
            frame = stack[-1]
            frame[0] = not frame[1]
            frame[1] = True
        elif directive == "endif":
            if not stack:
                raise ValueError("#endif without #if in header")
            stack.pop()
        elif not active():
            continue
        elif directive == "define":
            d = _DEFINE.match(rest)
            if not d:
                continue
            name, is_function, body = d.group(1), d.group(2), d.group(3).strip()
            if is_function:
                macros[name] = None
                continue
            if not body:
                # an export marker such as `#define EXMC_API`
                macros[name] = ""
                substitutions[name] = ""
            elif body.startswith('"') and body.endswith('"'):
                macros[name] = body
                header.str_constants[name] = ast.literal_eval(body)
            else:
                value = _int_literal(body)
                idents = _IDENT.findall(re.sub(r"\b\d\w*", "", body))
                if value is None and not _ATTRIBUTE.search(body) and all(
                    isinstance(macros.get(i), int) for i in idents
                ):
                    # constant expressions: (-1), (1 << 4), (EXMC_E_BASE - 2)
                    value = _eval_c_int(body, macros)
                if value is not None:
                    macros[name] = value
                    header.int_constants[name] = value
                    out.append(f"#define {name} {value}")
                else:
                    macros[name] = body
                    substitutions[name] = _ATTRIBUTE.sub("", body).strip()
        elif directive == "undef":
            macros.pop(rest.split()[0] if rest else "", None)
            substitutions.pop(rest.split()[0] if rest else "", None)
        # #include, #pragma, #error, #warning, #line: nothing for cdef
    if stack:
        raise ValueError("unterminated #if in header")

    body = "\n".join(out)
    body = _ATTRIBUTE.sub("", body)
    body = re.sub(r'\bextern\s+"C"\s*\{', "", body)
    body = re.sub(r'\bextern\s+"C"', "", body)
    body = re.sub(r"\b(__restrict__|__restrict|restrict|__inline__|__inline)\b", "", body)
    for _ in range(8):
        if not substitutions:
            break
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, substitutions)) + r")\b")
        new = pattern.sub(lambda mm: substitutions[mm.group(1)], body)
        if new == body:
            break
        body = new
    lines = [ln.rstrip() for ln in body.splitlines()]
    cleaned: list[str] = []
    for ln in lines:
        if ln or (cleaned and cleaned[-1]):
            cleaned.append(ln)
    header.cdef = "\n".join(cleaned).strip() + "\n"
    return header


def header_to_cdef(text: str) -> str:
    return parse_header(text).cdef


# ---------------------------------------------------------------------------
# lazy loading

_lock = threading.Lock()
_loaded: dict[str, Any] = {}


def library_path() -> Path:
    env = os.environ.get(LIBRARY_ENV)
    return Path(env) if env else _LIB_DIR / _LIB_NAME


def header_path() -> Path:
    env = os.environ.get(HEADER_ENV)
    if env:
        return Path(env)
    packaged = _LIB_DIR / "exmc.h"
    if packaged.exists():
        return packaged
    # a source checkout used without building (python/exmc -> include/)
    return _PKG_DIR.parent.parent / "include" / "exmc.h"


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

            hpath = header_path()
            lpath = library_path()
            if not hpath.exists():
                raise RuntimeError(f"exmc.h not found at {hpath}; reinstall exmc-sampler or set {HEADER_ENV}")
            if not lpath.exists():
                raise RuntimeError(
                    f"{_LIB_NAME} not found at {lpath}. The Go core is built by `pip install .` "
                    f"(which needs Go); set {LIBRARY_ENV} to use a library built elsewhere."
                )
            header = parse_header(hpath.read_text())
            ffi = cffi.FFI()
            ffi.cdef(header.cdef)
            lib = ffi.dlopen(str(lpath))
            _loaded.update(ffi=ffi, lib=lib, header=header, pid=os.getpid())
    return load()


def ffi() -> Any:
    return load()[0]


def lib() -> Any:
    return load()[1]
