"""`make lint`'s import contracts (pyproject.toml's [tool.importlinter])
hold for the package, and fail on a copy of it with an import cycle or a
layer broken, even by an import inside a function."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(tmp_path, edits=()):
    """lint-imports with the project's contracts on a copy of python/exmc,
    each (file, line) of edits appended to its file first."""
    pkg = tmp_path / "src" / "exmc"
    shutil.copytree(ROOT / "python" / "exmc", pkg, ignore=shutil.ignore_patterns("_lib", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for file, line in edits:
        path = pkg / file
        path.write_text(path.read_text() + "\n" + line + "\n")
    proc = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(tmp_path / "src"), "PATH": "/usr/bin:/bin"}, timeout=120,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_the_package_keeps_its_contracts(tmp_path):
    code, out = lint(tmp_path)
    assert code == 0, out
    assert "3 kept, 0 broken" in out


BREAKS = [
    # the cycle of issue 13: the sampling package reaching the PyMC bridge,
    # which imports it
    ("sampling/api.py", "from ..pymc import _sample", ["imports neither the PyMC bridge", "no import cycle"]),
    # a lower layer importing a higher one, hidden in a function
    ("sampling/options.py", "def _late():\n    from .api import sample", ["form layers", "no import cycle"]),
    # two modules of one layer
    ("sampling/stream.py", "from . import background", ["form layers"]),
    # a cycle outside the sampling package
    ("trace.py", "from . import compiled", []),
]


@pytest.mark.parametrize("file, line, broken", BREAKS,
                         ids=[b[0] + ": " + b[1].splitlines()[-1].strip() for b in BREAKS])
def test_a_broken_layer_or_a_cycle_fails_lint(tmp_path, file, line, broken):
    edits = [(file, line)]
    if file == "trace.py":
        edits.append(("compiled.py", "from . import trace"))
        broken = ["no import cycle"]
    code, out = lint(tmp_path, edits)
    assert code != 0, out
    for name in broken:
        assert any(name in l and "BROKEN" in l for l in out.splitlines()), (name, out)
