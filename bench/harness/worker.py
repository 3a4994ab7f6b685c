"""A benchmark worker: runs a list of jobs in this process and writes what
it measured to a directory (``runs.json`` and one ``.npz`` of draws per
run). The orchestrator scores the draws, so that ArviZ is not loaded here
and every sampler's draws are scored by the same code.

``python worker.py run SPEC OUTDIR``
    run the jobs of the JSON file SPEC;
``python worker.py check SPEC OUTDIR``
    check that the PyMC and exmc definitions agree (check.json);
``python worker.py isolated SPEC OUTDIR``
    run them in a fresh child process and add the child's peak resident
    set (``getrusage(RUSAGE_CHILDREN)``) to OUTDIR/rusage.json. Nothing is
    imported in this parent beyond the standard library, so its own memory
    does not count.
"""

from __future__ import annotations

import contextlib
import json
import resource
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _warm_up() -> None:
    """Import the data stack every sampler's result is built on (pandas,
    pyarrow, xarray, and the optional array backends xarray probes for when
    it builds its first array), so that no sampler's first figure includes
    that one-time cost of the process; each sampler's own imports are left
    to it."""
    import numpy as np
    import pandas  # noqa: F401
    import pyarrow as pa
    import xarray as xr

    pa.array(np.zeros(2))
    xr.DataArray(np.zeros((1, 2)), dims=("chain", "draw")).to_dataset(name="x")


def _run(spec_path: str, out_dir: str) -> None:
    sys.path.insert(0, str(HERE.parent))
    spec = json.loads(Path(spec_path).read_text())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    import numpy as np

    _warm_up()
    from harness import measure
    from harness.memory import TreeSampler
    from harness.samplers import Models, Settings, gradient_seconds, run

    if spec.get("pin_threads"):
        (out / "threads.json").write_text(json.dumps(measure.pin_threads(), indent=1))
    models = Models()
    records = []
    # only the four-chain phase reports memory; elsewhere the poll is noise
    poll_memory = spec.get("poll_memory", False)
    # the scale suite: each run's peak resident set, and each model's
    # gradient per sampler, timed once per process after its first run
    peak_rss = spec.get("peak_rss", False)
    timed: dict = {}

    def time_gradient(job, compiled=None) -> dict:
        key = (job["model"], job["sampler"])
        if key not in timed:
            try:
                timed[key] = {"grad_s": gradient_seconds(models, job["model"], job["sampler"], compiled)}
            except Exception as err:
                timed[key] = {"grad_error": f"{type(err).__name__}: {err}"}
        return timed[key]

    def save():
        # written after every job, so that a crash keeps what was measured
        (out / "runs.json").write_text(json.dumps(records, indent=1))

    for i, job in enumerate(spec["jobs"]):
        if job.get("gradient_only"):
            records.append({**{k: job[k] for k in ("model", "sampler")}, "gradient_only": True,
                            "reason": job.get("reason"), **time_gradient(job)})
            save()
            continue
        settings = Settings(**{**spec["settings"], **job.get("settings", {})})
        mem = TreeSampler() if poll_memory else None
        rss = measure.PeakRSS() if peak_rss else None
        try:
            with mem if mem is not None else contextlib.nullcontext(), rss if rss is not None else contextlib.nullcontext():
                r = run(models, job["model"], job["sampler"], job["chains"], job["seed"], settings, job.get("cores"))
        except Exception as err:  # one sampler failing must not lose the others' runs
            records.append({**{k: job[k] for k in ("model", "sampler", "chains", "seed")},
                            "error": f"{type(err).__name__}: {err}"})
            save()
            print(f"  {job['model']:14s} {job['sampler']:13s} FAILED: {err}", file=sys.stderr, flush=True)
            continue
        rec = r.record()
        rec["tree_pss_peak_mb"] = mem.peak_kb / 1024 if mem is not None else None
        if rss is not None:
            rec["peak_rss_mb"], rec["rss_before_mb"] = rss.peak_mb, rss.before_mb
        rec["index_in_process"] = i
        rec["draws_file"] = f"run{i}.npz"
        np.savez(out / rec["draws_file"], **r.draws)
        if spec.get("gradients"):
            rec.update(time_gradient(job, r.compiled))
        records.append(rec)
        save()
        print(f"  {r.model:14s} {r.sampler:13s} chains={r.chains} seed={r.seed} "
              f"sample {r.sample_s:8.3f}s compile {r.compile_s:7.3f}s", file=sys.stderr, flush=True)
    if spec.get("gradients"):
        (out / "call_overhead.json").write_text(json.dumps({"cffi_call_s": measure.cffi_call_overhead()}))


def _check(spec_path: str, out_dir: str) -> None:
    sys.path.insert(0, str(HERE.parent))
    from harness.check import agreement

    spec = json.loads(Path(spec_path).read_text())
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    (Path(out_dir) / "check.json").write_text(json.dumps(agreement(spec["models"]), indent=1))


def _isolated(spec_path: str, out_dir: str) -> int:
    child = subprocess.run([sys.executable, __file__, "run", spec_path, out_dir])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    # ru_maxrss is in kilobytes on Linux
    (Path(out_dir) / "rusage.json").write_text(json.dumps({"max_rss_mb": usage.ru_maxrss / 1024,
                                                           "returncode": child.returncode}))
    return child.returncode


if __name__ == "__main__":
    mode, spec_path, out_dir = sys.argv[1:4]
    if mode == "run":
        _run(spec_path, out_dir)
    elif mode == "check":
        _check(spec_path, out_dir)
    elif mode == "isolated":
        sys.exit(_isolated(spec_path, out_dir))
    else:
        sys.exit(f"unknown mode {mode!r}")
