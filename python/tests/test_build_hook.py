"""The wheel build hook (build/hatch_build.py), without running a build."""

import hashlib
import importlib.util
from pathlib import Path

import hatchling  # noqa: F401  (the hook imports it; a missing build backend is a failure)
import pytest

HOOK = Path(__file__).resolve().parents[2] / "build" / "hatch_build.py"


@pytest.fixture
def hook():
    spec = importlib.util.spec_from_file_location("exmc_hatch_build", HOOK)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_missing_go_is_a_clear_error(hook, monkeypatch, tmp_path):
    monkeypatch.delenv("GO", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(hook, "GO_FALLBACKS", ())
    with pytest.raises(RuntimeError, match="Go toolchain was not found") as err:
        hook._find_go()
    assert "EXMC_SKIP_GO_BUILD=1" in str(err.value)


def test_go_env_var_is_used(hook, monkeypatch, tmp_path):
    fake = tmp_path / "mygo"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("GO", str(fake))
    assert hook._find_go() == str(fake)


def test_wheel_tag_is_platform_specific(hook):
    tag = hook._platform_tag()
    assert tag and tag != "any" and "-" not in tag and "." not in tag


ROOT = HOOK.parents[1]


@pytest.fixture
def source_tree(tmp_path):
    """What the hook reads of a source tree: the header and the module that
    turns it into declarations."""
    import shutil

    (tmp_path / "include").mkdir()
    shutil.copy(ROOT / "include" / "exmc.h", tmp_path / "include" / "exmc.h")
    (tmp_path / "python" / "exmc").mkdir(parents=True)
    shutil.copy(ROOT / "python" / "exmc" / "_cdef.py", tmp_path / "python" / "exmc" / "_cdef.py")
    return tmp_path


def test_declarations_are_written_from_the_header(hook, source_tree, tmp_path):
    import json

    import cffi

    out = tmp_path / "out"
    out.mkdir()
    written = hook.write_declarations(source_tree, out)
    assert sorted(p.name for p in written) == ["exmc_cdef.h", "exmc_constants.json"]
    constants = json.loads((out / "exmc_constants.json").read_text())
    assert constants["int"]["EXMC_OK"] == 0 and constants["int"]["EXMC_ERR_INVALID"] == -1
    assert constants["int"]["EXMC_CRITERION_MOMENTUM_SUM"] == 1
    assert constants["header_sha256"] == hashlib.sha256((source_tree / "include" / "exmc.h").read_bytes()).hexdigest()
    cdef = (out / "exmc_cdef.h").read_text()
    assert "#" not in cdef.replace("#define ", "")
    ffi = cffi.FFI()
    ffi.cdef(cdef)
    assert ffi.typeof("exmc_options").kind == "struct"



def test_the_wheel_carries_the_declarations_not_the_header(hook, source_tree, monkeypatch):
    """With the Go build skipped, initialize() still makes the declarations
    and lists them, so that the wheel loads them on a machine without a C
    compiler."""
    monkeypatch.setenv(hook.SKIP_ENV, "1")
    h = hook.ExmcBuildHook(str(source_tree), {}, None, None, str(source_tree / "dist"), "wheel")
    build_data = {"force_include": {}}
    h.initialize("standard", build_data)
    lib_dir = source_tree / "python" / "exmc" / "_lib"
    assert build_data["force_include"] == {
        str(lib_dir / "exmc_cdef.h"): "exmc/_lib/exmc_cdef.h",
        str(lib_dir / "exmc_constants.json"): "exmc/_lib/exmc_constants.json",
    }
    assert build_data["tag"].startswith("py3-none-")
    assert not (lib_dir / "exmc.h").exists()
