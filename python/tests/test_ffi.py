"""cffi declarations from the C header, and lazy loading."""

import subprocess
import sys
import textwrap

import pytest

from exmc import _ffi

SAMPLE_HEADER = textwrap.dedent(r'''
    /* exmc.h: the C API of exmc.
     * Thread safety: see each function. */
    #ifndef EXMC_H
    #define EXMC_H

    #include <stddef.h>
    #include <stdint.h>

    #ifdef __cplusplus
    extern "C" {
    #endif

    #if defined(_WIN32)
    #  define EXMC_API __declspec(dllexport)
    #elif defined(__GNUC__) || 1
    #  define EXMC_API __attribute__((visibility("default")))
    #else
    #  define EXMC_API
    #endif

    #define EXMC_VERSION_MAJOR 0
    #define EXMC_VERSION_MINOR 1
    #define EXMC_VERSION_STRING "0.1.0" // not for cdef
    #define EXMC_OK 0
    #define EXMC_ERR_INVALID (-1)
    #define EXMC_ERR_BASE 0x10u
    #define EXMC_ERR_NEXT (EXMC_ERR_BASE + 2)
    #define EXMC_MAX(a, b) ((a) > (b) ? (a) : (b))
    #define EXMC_FLAGS \
        3

    typedef struct exmc_model exmc_model; /* opaque */
    typedef struct exmc_run exmc_run;

    typedef int (*exmc_logp_fn)(size_t dim, const double* x, double* logp,
                                double* grad, void* ctx);

    typedef struct exmc_progress {
        int64_t draws_done;
        int64_t total;
        int64_t divergences;
        int32_t finished;
        int32_t tuning;
    } exmc_progress;

    // every fallible call returns 0 or a negative code and fills *err
    EXMC_API int exmc_model_new(const char* json, size_t len, exmc_model** out, char** err);
    EXMC_API void exmc_free_error(char* err);
    EXMC_API int exmc_copy(double* restrict dst, const double* restrict src, size_t n);

    #ifdef __cplusplus
    }  /* extern "C" */
    #endif

    #endif /* EXMC_H */
''')


def test_parse_header_strips_preprocessor():
    h = _ffi.parse_header(SAMPLE_HEADER)
    cdef = h.cdef
    for gone in ("#include", "#ifdef", "#endif", "extern", "__cplusplus", "EXMC_API",
                 "__attribute__", "__declspec", "/*", "//", "restrict", "EXMC_MAX"):
        assert gone not in cdef, gone
    assert "#define EXMC_OK 0" in cdef
    assert "#define EXMC_ERR_INVALID -1" in cdef
    assert "#define EXMC_ERR_BASE 16" in cdef
    assert "#define EXMC_ERR_NEXT 18" in cdef
    assert "#define EXMC_FLAGS 3" in cdef
    assert h.int_constants["EXMC_VERSION_MINOR"] == 1
    assert h.str_constants == {"EXMC_VERSION_STRING": "0.1.0"}
    assert "int exmc_model_new(const char* json, size_t len, exmc_model** out, char** err);" in cdef


def test_cffi_accepts_the_cdef():
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(_ffi.header_to_cdef(SAMPLE_HEADER))
    assert ffi.sizeof("exmc_progress") == 32
    p = ffi.new("exmc_progress*", {"draws_done": 3, "total": 10})
    assert p.draws_done == 3
    # ABI mode resolves the integer #defines without a compiler
    lib = ffi.dlopen(None)
    assert lib.EXMC_ERR_INVALID == -1
    assert lib.EXMC_ERR_NEXT == 18


def test_cplusplus_else_branch_is_kept():
    h = _ffi.parse_header("#ifdef __cplusplus\nint a;\n#else\nint b;\n#endif\n#ifndef __cplusplus\nint c;\n#endif\n")
    assert h.cdef.split() == ["int", "b;", "int", "c;"]


def test_unbalanced_conditionals_are_errors():
    with pytest.raises(ValueError):
        _ffi.parse_header("#ifdef X\nint a;\n")
    with pytest.raises(ValueError):
        _ffi.parse_header("int a;\n#endif\n")


def test_import_does_not_load_the_library():
    code = (
        "import sys, exmc, numpy as np\n"
        "with exmc.Model() as m:\n"
        "    exmc.Normal('x')\n"
        "m.to_json()\n"
        "from exmc import _ffi\n"
        "assert not _ffi.is_loaded()\n"
        "assert '_cffi_backend' not in sys.modules, 'cffi imported at import time'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_library_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(_ffi.HEADER_ENV, str(tmp_path / "exmc.h"))
    (tmp_path / "exmc.h").write_text(SAMPLE_HEADER)
    monkeypatch.setenv(_ffi.LIBRARY_ENV, str(tmp_path / "libexmc.so"))
    monkeypatch.setattr(_ffi, "_loaded", {})
    with pytest.raises(RuntimeError, match="libexmc.so not found"):
        _ffi.load()


def test_the_project_header_gives_a_valid_cdef():
    from pathlib import Path

    header = Path(__file__).resolve().parents[2] / "include" / "exmc.h"
    import cffi

    h = _ffi.parse_header(header.read_text())
    ffi = cffi.FFI()
    ffi.cdef(h.cdef)
    # the progress records the sampling loop polls have the fields progress.py reads
    rec = ffi.new("exmc_progress*")
    for name in ("draws_done", "total", "divergences", "finished", "tuning"):
        assert hasattr(rec, name)
    from exmc.progress import as_chain_progress

    rec.draws_done, rec.total, rec.finished = 5, 10, 1
    assert as_chain_progress(rec).finished is True
