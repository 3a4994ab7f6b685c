"""cffi declarations from the C header, and lazy loading."""

import subprocess
import sys
import textwrap

import pytest

from exmc import _cdef, _ffi

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


@pytest.fixture
def sample_header(tmp_path):
    path = tmp_path / "exmc.h"
    path.write_text(SAMPLE_HEADER)
    return path


def test_generate_strips_preprocessor(sample_header):
    h = _cdef.generate(sample_header)
    cdef = h.cdef
    for gone in ("#include", "#ifdef", "#endif", "extern", "__cplusplus", "EXMC_API",
                 "__attribute__", "__declspec", "/*", "//", "restrict", "EXMC_MAX", "EXMC_H"):
        assert gone not in cdef, gone
    assert "#define EXMC_OK 0" in cdef
    assert "#define EXMC_ERR_INVALID -1" in cdef
    assert "#define EXMC_ERR_BASE 16" in cdef
    assert "#define EXMC_ERR_NEXT 18" in cdef
    assert "#define EXMC_FLAGS 3" in cdef
    assert h.int_constants["EXMC_VERSION_MINOR"] == 1
    assert h.str_constants == {"EXMC_VERSION_STRING": "0.1.0"}
    assert "int exmc_model_new(const char* json, size_t len, exmc_model** out, char** err);" in cdef
    assert h.header_sha256 == _cdef.digest(sample_header)


def test_cffi_accepts_the_cdef(sample_header):
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(_cdef.generate(sample_header).cdef)
    assert ffi.sizeof("exmc_progress") == 32
    p = ffi.new("exmc_progress*", {"draws_done": 3, "total": 10})
    assert p.draws_done == 3
    # ABI mode resolves the integer #defines without a compiler
    lib = ffi.dlopen(None)
    assert lib.EXMC_ERR_INVALID == -1
    assert lib.EXMC_ERR_NEXT == 18


def test_cplusplus_else_branch_is_kept(tmp_path):
    header = tmp_path / "h.h"
    header.write_text("#ifdef __cplusplus\nint a(void);\n#else\nint b(void);\n#endif\n"
                      "#ifndef __cplusplus\nint c(void);\n#endif\n")
    assert _cdef.generate(header).cdef.split() == ["int", "b(void);", "int", "c(void);"]


def test_a_macro_that_is_no_constant_is_only_expanded(tmp_path):
    header = tmp_path / "h.h"
    header.write_text("#define EXMC_INDEX int64_t\n#define EXMC_SCALE 1.5\nEXMC_INDEX exmc_n(void);\n")
    h = _cdef.generate(header)
    assert h.int_constants == {} and h.str_constants == {}
    assert sorted(h.not_constants) == ["EXMC_INDEX", "EXMC_SCALE"]
    assert "int64_t exmc_n(void);" in h.cdef


def test_preprocessor_errors_are_reported(tmp_path):
    header = tmp_path / "h.h"
    header.write_text("#ifdef X\nint a;\n")
    with pytest.raises(RuntimeError, match="C preprocessor failed"):
        _cdef.generate(header)
    header.write_text("int a;\n#endif\n")
    with pytest.raises(RuntimeError, match="C preprocessor failed"):
        _cdef.generate(header)
    # a system header beyond the empty stand-ins is not exmc's to declare
    header.write_text("#include <stdio.h>\nint a;\n")
    with pytest.raises(RuntimeError, match="stdio.h"):
        _cdef.generate(header)


def test_missing_preprocessor_is_a_clear_error(sample_header, monkeypatch):
    monkeypatch.setenv("CC", "exmc-no-such-compiler")
    with pytest.raises(RuntimeError, match="needs a C preprocessor.*exmc-no-such-compiler"):
        _cdef.generate(sample_header)


@pytest.fixture
def packaged(tmp_path, monkeypatch):
    """The project header's declarations written as the build hook does, in
    a package directory of their own; no checkout header beside it."""
    from pathlib import Path

    lib_dir = tmp_path / "_lib"
    lib_dir.mkdir()
    header = Path(__file__).resolve().parents[2] / "include" / "exmc.h"
    _cdef.write(_cdef.generate(header), lib_dir)
    monkeypatch.setattr(_ffi, "_LIB_DIR", lib_dir)
    monkeypatch.setattr(_ffi, "_CHECKOUT_HEADER", tmp_path / "no-checkout" / "exmc.h")
    monkeypatch.delenv(_ffi.HEADER_ENV, raising=False)
    return lib_dir, header


def test_packaged_declarations_load_without_a_compiler(packaged, monkeypatch):
    """What a wheel carries: the declarations are read, not preprocessed, so
    a machine without a C compiler loads the library."""
    import cffi

    lib_dir, header = packaged
    monkeypatch.setenv("CC", "exmc-no-such-compiler")
    h = _ffi.declarations()
    assert h.cdef == (lib_dir / _cdef.CDEF_FILE).read_text()
    assert h.int_constants["EXMC_ERR_CHAINS"] == -5
    assert h.header_sha256 == _cdef.digest(header)
    ffi = cffi.FFI()
    ffi.cdef(h.cdef)
    lib = ffi.dlopen(str(_ffi.library_path()))
    assert ffi.string(lib.exmc_version()).decode().count(".") == 2
    assert lib.EXMC_DONE == 2


def test_a_checkout_header_changed_since_the_build_is_read(packaged, tmp_path, monkeypatch):
    _, header = packaged
    changed = tmp_path / "checkout" / "exmc.h"
    changed.parent.mkdir()
    changed.write_text(header.read_text().replace("#endif /* EXMC_H */", "int exmc_added(void);\n#endif /* EXMC_H */"))
    monkeypatch.setattr(_ffi, "_CHECKOUT_HEADER", changed)
    h = _ffi.declarations()
    assert "int exmc_added(void);" in h.cdef
    assert h.header_sha256 == _cdef.digest(changed)
    # unchanged, the packaged declarations are read as they are
    monkeypatch.setattr(_ffi, "_CHECKOUT_HEADER", header)
    monkeypatch.setenv("CC", "exmc-no-such-compiler")
    assert "exmc_added" not in _ffi.declarations().cdef


def test_exmc_header_overrides_the_packaged_declarations(packaged, sample_header, monkeypatch):
    monkeypatch.setenv(_ffi.HEADER_ENV, str(sample_header))
    assert _ffi.declarations().int_constants["EXMC_ERR_NEXT"] == 18
    monkeypatch.setenv(_ffi.HEADER_ENV, str(sample_header.parent / "missing.h"))
    with pytest.raises(RuntimeError, match="exmc.h not found at .*missing.h"):
        _ffi.declarations()


def test_missing_declarations_are_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(_ffi, "_LIB_DIR", tmp_path)
    monkeypatch.setattr(_ffi, "_CHECKOUT_HEADER", tmp_path / "exmc.h")
    monkeypatch.delenv(_ffi.HEADER_ENV, raising=False)
    with pytest.raises(RuntimeError, match="exmc_cdef.h.*missing"):
        _ffi.declarations()


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

    h = _cdef.generate(header)
    assert h.not_constants == []
    ffi = cffi.FFI()
    ffi.cdef(h.cdef)
    # the progress records the sampling loop polls have the fields progress.py reads
    rec = ffi.new("exmc_progress*")
    for name in ("draws_done", "total", "divergences", "finished", "tuning"):
        assert hasattr(rec, name)
    from exmc.progress import as_chain_progress

    rec.draws_done, rec.total, rec.finished = 5, 10, 1
    assert as_chain_progress(rec).finished is True
