"""The head-to-head benchmark of bench/MODELS.md (``make bench``; ``make
bench-quick`` for a short development run).

Phases, all in this one invocation:

1. the model check: the PyMC and exmc definitions give the same log-density;
2. Go: the hand-written gradients agree with the compiled ones, and both
   are timed side by side;
3. one chain: per model, one worker process runs every sampler on every
   seed, the order of the samplers rotated from seed to seed;
4. four chains on all cores: per model and sampler (in the quick mode, per
   sampler), a fresh process whose peak memory is read when it ends; PyMC
   forks its chain processes, which must not happen in a process that has
   loaded exmc's Go runtime, another reason for one process per sampler;
5. eight schools from model object to posterior (4 chains x 1000 draws,
   compilation included) in fresh processes, one per sampler and repeat;
6. exmc's parallel scaling: per model and exmc sampler, one process runs
   one chain and four chains by turns, pairs of runs on the same seed
   after a first pair left out, so that the ratio of millisecond-long runs
   is read from many repetitions under the same conditions;
7. scoring (ArviZ bulk ESS of the draws, here, the same code for every
   sampler), then results.json, results.md and ratios.png in bench/results.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import gobench, machine, report, score  # noqa: E402
from harness.data import MODELS  # noqa: E402
from harness.samplers import REWRITTEN, SAMPLERS  # noqa: E402

WORKER = HERE / "harness" / "worker.py"

MODES = {
    "full": {
        "models": MODELS, "samplers": list(SAMPLERS), "seeds": 5, "tune": 1000, "draws": 1000, "chains": [1, 4],
        "four_chain_models": MODELS, "ttfp_repeats": 3, "go_count": 5, "go_benchtime": "1s", "scaling_pairs": 15,
    },
    # a minute or two: one seed, short runs, three models; four chains and
    # the time to first posterior on eight schools only (at full length:
    # that figure is defined for 4 x 1000 draws)
    "quick": {
        "models": ["simple", "eight_schools", "logistic"], "samplers": list(SAMPLERS), "seeds": 1, "tune": 300,
        "draws": 300, "chains": [1, 4], "four_chain_models": ["eight_schools"], "ttfp_repeats": 1, "go_count": 1,
        "go_benchtime": "0.2s", "scaling_pairs": 3,
    },
}
SEED_BASE = 20240


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _worker(mode: str, spec: dict, work: Path, tag: str, env: dict | None = None) -> Path:
    out = work / tag
    spec_path = work / f"{tag}.json"
    spec_path.write_text(json.dumps(spec))
    subprocess.run([sys.executable, str(WORKER), mode, str(spec_path), str(out)], check=False, env=env)
    return out


def _collect(out: Path, phase: str) -> list[dict]:
    path = out / "runs.json"
    if not path.exists():
        return [{"phase": phase, "error": f"worker {out.name} wrote no results"}]
    usage = json.loads((out / "rusage.json").read_text()) if (out / "rusage.json").exists() else {}
    runs = []
    for rec in json.loads(path.read_text()):
        rec["phase"] = phase
        rec["process"] = out.name
        if usage:
            rec["max_rss_mb"] = usage["max_rss_mb"]
        if "error" not in rec and "draws_file" in rec:
            rec = score.score_run(rec, out / rec["draws_file"])
        runs.append(rec)
    return runs


def _samplers_for(model: str, samplers: list[str]) -> list[str]:
    return [s for s in samplers if s != "exmc_centred" or model in REWRITTEN]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="the short development run")
    ap.add_argument("--models", nargs="+", choices=MODELS, help="only these models")
    ap.add_argument("--samplers", nargs="+", choices=list(SAMPLERS), help="only these samplers")
    ap.add_argument("--seeds", type=int, help="seeds per model and sampler")
    ap.add_argument("--skip-go", action="store_true", help="skip the Go gradient benchmarks")
    ap.add_argument("--skip-four", action="store_true", help="skip the four-chain runs")
    ap.add_argument("--out", type=Path, default=HERE / "results", help="where to write the results")
    ap.add_argument("--keep-work", action="store_true", help="keep the workers' raw output")
    args = ap.parse_args(argv)

    mode = "quick" if args.quick else "full"
    cfg = dict(MODES[mode])
    if args.models:
        cfg["models"] = args.models
        cfg["four_chain_models"] = [m for m in cfg["four_chain_models"] if m in args.models] or args.models
    if args.samplers:
        cfg["samplers"] = args.samplers
    if args.seeds:
        cfg["seeds"] = args.seeds
    seeds = [SEED_BASE + i for i in range(cfg["seeds"])]
    settings = {"tune": cfg["tune"], "draws": cfg["draws"], "target_accept": 0.8, "max_treedepth": 10}
    cores = os.cpu_count() or 1
    started = time.time()

    work = Path(tempfile.mkdtemp(prefix="exmc-bench-"))
    runs: list[dict] = []
    results: dict = {"mode": mode, "settings": settings, "seeds": seeds, "models": cfg["models"],
                     "samplers": {s: SAMPLERS[s] for s in cfg["samplers"]}, "cores": cores,
                     "machine": machine.describe(), "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    _say(f"exmc benchmark ({mode}): {results['machine']['cpu']}, {cores} cores; work in {work}")
    try:
        _say("model check: PyMC and exmc definitions")
        out = _worker("check", {"models": cfg["models"]}, work, "check")
        results["model_check"] = json.loads((out / "check.json").read_text()) if (out / "check.json").exists() else None

        if not args.skip_go:
            _say("Go: hand-written gradients")
            results["gradients"] = gobench.run(cfg["go_count"], cfg["go_benchtime"])

        if 1 in cfg["chains"]:
            for m in cfg["models"]:
                _say(f"one chain: {m}")
                names = _samplers_for(m, cfg["samplers"])
                jobs = []
                for i, seed in enumerate(seeds):
                    k = i % len(names)
                    jobs += [{"model": m, "sampler": s, "chains": 1, "cores": 1, "seed": seed}
                             for s in names[k:] + names[:k]]
                runs += _collect(_worker("run", {"settings": settings, "jobs": jobs}, work, f"one-{m}"), "one_chain")

        if 4 in cfg["chains"] and not args.skip_four:
            four = cfg["four_chain_models"]
            for m in four:
                for s in _samplers_for(m, cfg["samplers"]):
                    _say(f"four chains: {m} / {s}")
                    jobs = [{"model": m, "sampler": s, "chains": 4, "cores": cores, "seed": seed} for seed in seeds]
                    if m == "eight_schools":
                        # the first run of a fresh process is also the time to first posterior
                        for j in jobs:
                            j["settings"] = {"tune": 1000, "draws": 1000}
                    spec = {"settings": settings, "jobs": jobs, "poll_memory": True}
                    runs += _collect(_worker("isolated", spec, work, f"four-{m}-{s}"), "four_chains")

            ttfp = [s for s in cfg["samplers"] if s != "exmc_centred"]
            if "eight_schools" in four:
                for rep in range(1, cfg["ttfp_repeats"]):
                    for s in ttfp:
                        _say(f"eight schools, model to posterior: {s} (repeat {rep + 1})")
                        jobs = [{"model": "eight_schools", "sampler": s, "chains": 4, "cores": cores,
                                 "seed": seeds[0] + 100 + rep, "settings": {"tune": 1000, "draws": 1000}}]
                        runs += _collect(_worker("isolated", {"settings": settings, "jobs": jobs}, work,
                                                 f"ttfp-{s}-{rep}"), "ttfp")

            for m in cfg["models"]:
                for s in [s for s in cfg["samplers"] if s in report.GOAL_EXMC]:
                    _say(f"scaling: {m} / {s}, one and four chains by turns")
                    # the first pair of a process pays for its one-time costs
                    # (threads, heap) and is left out of the figures
                    jobs = []
                    for i in range(-1, cfg["scaling_pairs"]):
                        seed = seeds[i % len(seeds)]
                        jobs += [{"model": m, "sampler": s, "chains": 1, "cores": 1, "seed": seed},
                                 {"model": m, "sampler": s, "chains": 4, "cores": cores, "seed": seed}]
                    runs += _collect(_worker("run", {"settings": settings, "jobs": jobs}, work, f"scaling-{m}-{s}"),
                                     "scaling")
    finally:
        results["runs"] = runs
        results["elapsed_s"] = time.time() - started
        results["load_average_at_end"] = machine.load_average()
        args.out.mkdir(parents=True, exist_ok=True)
        report.write(results, args.out)
        if args.keep_work:
            _say(f"raw worker output kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    _say(f"done in {results['elapsed_s']:.0f} s: {args.out / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
