"""The wheel build hook (build/hatch_build.py), without running a build."""

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
