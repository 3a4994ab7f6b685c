"""The machine and software a benchmark ran on."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata


def _cpuinfo() -> dict:
    model, physical = "unknown", set()
    try:
        with open("/proc/cpuinfo") as f:
            phys = core = None
            for line in f:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key == "model name" and model == "unknown":
                    model = value
                elif key == "physical id":
                    phys = value
                elif key == "core id":
                    core = value
                elif not key and phys is not None:
                    physical.add((phys, core))
                    phys = core = None
    except OSError:
        pass
    return {"cpu": model, "physical_cores": len(physical) or None}


def _memory_gb() -> float | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def _os() -> str:
    try:
        with open("/etc/os-release") as f:
            fields = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
        name = fields.get("PRETTY_NAME", "").strip('"')
    except OSError:
        name = ""
    return f"{name} (Linux {platform.release()})" if name else platform.platform()


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _go() -> str | None:
    try:
        out = subprocess.run([os.environ.get("GO", "go"), "version"], capture_output=True, text=True, check=True).stdout
        return out.split()[2].removeprefix("go")
    except (OSError, subprocess.CalledProcessError, IndexError):
        return None


def load_average() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def describe() -> dict:
    info = _cpuinfo()
    info.update({
        "logical_cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "os": _os(),
        "python": platform.python_version(),
        "go": _go(),
        "load_average_at_start": load_average(),
    })
    for dist, key in (("exmc-sampler", "exmc"), ("pymc", "pymc"), ("nutpie", "nutpie"), ("pytensor", "pytensor"),
                      ("numba", "numba"), ("arviz", "arviz"), ("numpy", "numpy")):
        info[key] = _version(dist)
    return info
