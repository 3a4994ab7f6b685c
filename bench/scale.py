"""The scale suite (``make bench-scale``; ``make bench-scale-quick`` for a
short development run): exmc, nutpie and PyMC on models from tens to ten
thousand parameters and up to ten million data values
(``harness/scale_models.py``), and on the seven models of MODELS.md.

Phases, all in this one invocation, every worker process started with its
BLAS and OpenMP thread counts set to one (and threadpoolctl's limit of one
once its libraries are loaded):

1. the model check: each scale model's PyMC and exmc definitions give the
   same log-density (as ``make bench`` checks the seven);
2. per model, one worker process runs one chain of every sampler on every
   seed, the order of the samplers rotated from seed to seed (the scheme of
   ``run.py``'s one-chain phase), and after each sampler's first run times
   its compiled model's gradient; PyMC is left out of the sizes where one
   run is projected at more than a few minutes (its gradient is still timed,
   and the report gives the time a run would have taken);
3. scoring: ArviZ bulk ESS per wall second and per CPU second of the
   sampling threads, ESS per 1000 gradients, and each sampler's posterior
   against nutpie's (``harness/posterior.py``); then results.json and
   results.md in bench/results/scale (quick: bench/results/scale/quick).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as head  # noqa: E402
from harness import machine, measure, posterior, scale_report  # noqa: E402
from harness.data import MODELS  # noqa: E402
from harness.scale_models import SCALE, SMALLEST  # noqa: E402

SAMPLERS = ["pymc", "nutpie", "exmc", "exmc_native"]
# where one PyMC run is projected at more than a few minutes: its
# gradient (0.3 ms at T = 10k, timed) times the gradients per draw nutpie
# takes (about 350 there) and PyMC's Python per step, over 500 + 500
# iterations, 4-7 minutes (bench/README.md); the report gives the
# projection from the run itself
PYMC_SKIPPED = {"stochvol_10k"}

LARGEST = {"tune": 500, "draws": 500}
MODES = {
    # about an hour on two quiet cores (bench/README.md): 3 seeds of
    # 1000 + 1000 iterations, fewer seeds where a run takes minutes, and the
    # largest sizes shorter
    "full": {
        "models": [*SCALE, *MODELS], "seeds": 3, "tune": 1000, "draws": 1000, "pymc_skipped": PYMC_SKIPPED,
        "fewer_seeds": {"hier_500x10k": 2, "stochvol_1k": 2, "logit_10kx50": 2, "linreg_10kx200": 2,
                        "hier_5kx100k": 1, "stochvol_10k": 1, "logit_100kx100": 1},
        "model_settings": {"hier_5kx100k": LARGEST, "stochvol_10k": LARGEST, "logit_100kx100": LARGEST},
    },
    # a few minutes: the smallest size of each family and three of the
    # seven models, one seed, short chains
    "quick": {
        "models": [*SMALLEST, "eight_schools", "logistic", "sv"], "seeds": 1, "tune": 200, "draws": 200,
        "pymc_skipped": set(), "fewer_seeds": {}, "model_settings": {},
    },
}
SEED_BASE = 20240


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _jobs(model: str, samplers: list[str], seeds: list[int], skip_pymc: bool, settings: dict) -> list[dict]:
    names = [s for s in samplers if not (s == "pymc" and skip_pymc)]
    jobs = []
    for i, seed in enumerate(seeds):
        k = i % len(names)
        jobs += [{"model": model, "sampler": s, "chains": 1, "cores": 1, "seed": seed, "settings": settings}
                 for s in names[k:] + names[:k]]
    if skip_pymc and "pymc" in samplers:
        jobs.append({"model": model, "sampler": "pymc", "gradient_only": True,
                     "reason": "one run projected at more than a few minutes"})
    return jobs


def _posterior_checks(runs: list[dict], work: Path) -> dict:
    """sampler -> its posterior against nutpie's, pooled over seeds."""
    draws: dict = {}
    for r in runs:
        if "error" in r or "draws_file" not in r:
            continue
        with np.load(work / r["process"] / r["draws_file"]) as f:
            draws.setdefault(r["sampler"], []).append({k: f[k] for k in f.files})
    if "nutpie" not in draws:
        return {}
    ref = posterior.pool(draws["nutpie"])
    out = {}
    for s, rs in draws.items():
        if s == "nutpie":
            continue
        try:
            out[s] = posterior.compare(posterior.pool(rs), ref)
        except Exception as err:  # a malformed posterior is a failed check, not a lost benchmark
            out[s] = {"ok": False, "error": f"{type(err).__name__}: {err}"}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="the short development run")
    ap.add_argument("--models", nargs="+", choices=[*SCALE, *MODELS], help="only these models")
    ap.add_argument("--samplers", nargs="+", choices=SAMPLERS, help="only these samplers")
    ap.add_argument("--seeds", type=int, help="seeds per model and sampler (every model)")
    ap.add_argument("--tune", type=int, help="tuning iterations (every model)")
    ap.add_argument("--draws", type=int, help="kept draws (every model)")
    ap.add_argument("--pymc-all", action="store_true", help="run PyMC on every size, the largest too")
    ap.add_argument("--out", type=Path, help="where to write (default bench/results/scale, quick: .../scale/quick)")
    ap.add_argument("--keep-work", action="store_true", help="keep the workers' raw output")
    args = ap.parse_args(argv)

    mode = "quick" if args.quick else "full"
    cfg = dict(MODES[mode])
    out_dir = args.out or (HERE / "results" / "scale" / ("quick" if args.quick else ""))
    models = args.models or cfg["models"]
    samplers = args.samplers or SAMPLERS
    skipped = set() if args.pymc_all else cfg["pymc_skipped"]
    settings = {"tune": cfg["tune"], "draws": cfg["draws"], "target_accept": 0.8, "max_treedepth": 10}

    def settings_for(m: str) -> dict:
        own = dict(cfg["model_settings"].get(m, {}))
        for k in ("tune", "draws"):
            if getattr(args, k) is not None:
                own[k] = getattr(args, k)
        return {**settings, **own}

    env = measure.pin_environment()
    started = time.time()

    def seeds_for(m: str) -> list[int]:
        n = args.seeds or cfg["fewer_seeds"].get(m, cfg["seeds"])
        return [SEED_BASE + i for i in range(n)]

    work = Path(tempfile.mkdtemp(prefix="exmc-scale-"))
    runs: list[dict] = []
    results: dict = {"suite": "scale", "mode": mode, "settings": settings, "models": models, "samplers": samplers,
                     "seeds": {m: seeds_for(m) for m in models}, "cores": os.cpu_count() or 1,
                     "model_settings": {m: settings_for(m) for m in models},
                     "pymc_skipped": sorted(m for m in models if m in skipped and "pymc" in samplers),
                     "machine": machine.describe(), "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                     "posterior_check": {}, "threads": None, "call_overhead_s": None}
    _say(f"exmc scale suite ({mode}): {results['machine']['cpu']}, {results['cores']} cores; work in {work}")
    try:
        _say("model check: PyMC and exmc definitions")
        out = head._worker("check", {"models": models}, work, "check", env=env)
        results["model_check"] = json.loads((out / "check.json").read_text()) if (out / "check.json").exists() else None

        for m in models:
            _say(f"{m}: {', '.join(samplers)}" + (" (PyMC: gradient only)" if m in skipped else ""))
            spec = {"settings": settings, "jobs": _jobs(m, samplers, seeds_for(m), m in skipped, settings_for(m)),
                    "pin_threads": True, "peak_rss": True, "gradients": True}
            out = head._worker("run", spec, work, f"scale-{m}", env=env)
            got = head._collect(out, "scale")
            runs += got
            results["posterior_check"][m] = _posterior_checks(got, work)
            if results["threads"] is None and (out / "threads.json").exists():
                results["threads"] = json.loads((out / "threads.json").read_text())
            if results["call_overhead_s"] is None and (out / "call_overhead.json").exists():
                results["call_overhead_s"] = json.loads((out / "call_overhead.json").read_text())["cffi_call_s"]
    finally:
        results["runs"] = runs
        results["elapsed_s"] = time.time() - started
        results["load_average_at_end"] = machine.load_average()
        out_dir.mkdir(parents=True, exist_ok=True)
        scale_report.write(results, out_dir)
        if args.keep_work:
            _say(f"raw worker output kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    _say(f"done in {results['elapsed_s']:.0f} s: {out_dir / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
