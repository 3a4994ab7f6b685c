"""The Go side: the hand-written gradients' agreement test and the
compiled-versus-hand-written gradient benchmark of bench/models."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_LINE = re.compile(r"^BenchmarkGradient/(\w+)/(compiled|handwritten)-\d+\s+\d+\s+([\d.]+) ns/op")


def run(count: int = 5, benchtime: str = "1s") -> dict:
    go = os.environ.get("GO", "go")
    test = subprocess.run(
        [go, "test", "-count=1", "-run", "^TestHandwritten$", "./bench/models"],
        cwd=ROOT, capture_output=True, text=True,
    )
    bench = subprocess.run(
        [go, "test", "-run", "^$", "-bench", "^BenchmarkGradient$", f"-count={count}", f"-benchtime={benchtime}",
         "./bench/models"],
        cwd=ROOT, capture_output=True, text=True,
    )
    samples: dict = {}
    for line in bench.stdout.splitlines():
        m = _LINE.match(line)
        if m:
            samples.setdefault(m[1], {}).setdefault(m[2], []).append(float(m[3]))
    models = {}
    for name, kinds in samples.items():
        # the fastest of the repeats: other processes on the machine only
        # ever add time, to either side
        c = min(kinds.get("compiled", [float("nan")]))
        h = min(kinds.get("handwritten", [float("nan")]))
        models[name] = {"compiled_ns": c, "handwritten_ns": h, "ratio": c / h,
                        "compiled_median_ns": statistics.median(kinds.get("compiled", [c])),
                        "handwritten_median_ns": statistics.median(kinds.get("handwritten", [h])),
                        "compiled_samples_ns": kinds.get("compiled"), "handwritten_samples_ns": kinds.get("handwritten")}
    return {
        "agreement_test_passed": test.returncode == 0,
        "agreement_test_output": test.stdout[-2000:] + test.stderr[-2000:],
        "bench_ok": bench.returncode == 0,
        "bench_error": "" if bench.returncode == 0 else (bench.stdout[-2000:] + bench.stderr[-2000:]),
        "count": count,
        "benchtime": benchtime,
        "models": models,
    }
