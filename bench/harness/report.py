"""results.json (every figure), results.md (the tables and the goals) and
ratios.png (exmc's ESS/s over PyMC's and nutpie's, per model)."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

from . import score
from .data import DIMS, MODELS
from .samplers import REWRITTEN, SAMPLERS

LABEL = {"pymc": "PyMC", "nutpie": "nutpie", "exmc": "exmc (PyMC model)", "exmc_native": "exmc (own API)",
         "exmc_centred": "exmc (PyMC model, rewrite off)"}
EXMC = ("exmc", "exmc_native", "exmc_centred")
PEERS = ("pymc", "nutpie")
# the exmc variants the goals are checked for: both ways of using exmc as
# shipped (the rewrite-off run is reported beside them, not scored)
GOAL_EXMC = ("exmc", "exmc_native")


def _ok(runs, phase=None):
    return [r for r in runs if "error" not in r and (phase is None or r.get("phase") == phase)]


def _key(*parts) -> str:
    return "/".join(str(p) for p in parts)


def _fmt(v, digits=3):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, int):
        return f"{v:,}"
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}"


def _med(s, digits=3):
    return "–" if s is None else _fmt(s["median"], digits)


def _range(s, digits=3):
    if s is None:
        return "–"
    if s["n"] == 1:
        return _fmt(s["median"], digits)
    return f"{_fmt(s['median'], digits)} [{_fmt(s['min'], digits)}–{_fmt(s['max'], digits)}]"


def _ratio(r):
    if r is None:
        return "–"
    txt = f"{r['ratio']:.2f}x"
    if r.get("n", 0) > 1 and r["min"] is not None:
        txt += f" [{r['min']:.2f}–{r['max']:.2f}]"
    return txt


def analyse(results: dict) -> dict:
    runs = results["runs"]
    scored = _ok(runs, "one_chain") + _ok(runs, "four_chains")
    agg = score.aggregate(scored)
    summary: dict = {}
    for (m, s, c), entry in agg.items():
        summary.setdefault(m, {}).setdefault(str(c), {})[s] = entry

    ratios: dict = {}
    for num in EXMC:
        for den in PEERS:
            for (m, c), r in score.ratios(scored, num, den).items():
                ratios.setdefault(m, {}).setdefault(str(c), {})[f"{num}/{den}"] = r

    # eight schools, model object to posterior: the first run of a fresh
    # process, 4 chains x 1000 draws
    ttfp: dict = {}
    for r in _ok(runs):
        if (r["model"] == "eight_schools" and r["chains"] == 4 and r.get("iterations") == 2000
                and r.get("tune") == 1000):
            e = ttfp.setdefault(r["sampler"], {"cold": [], "warm": []})
            e["cold" if r.get("index_in_process") == 0 else "warm"].append(r["first_posterior_s"])
    for e in ttfp.values():
        e["cold_median"] = statistics.median(e["cold"]) if e["cold"] else None
        e["warm_median"] = statistics.median(e["warm"]) if e["warm"] else None

    memory: dict = {}
    for r in _ok(runs, "four_chains"):
        e = memory.setdefault(r["model"], {}).setdefault(r["sampler"], {"max_rss_mb": None, "tree_pss_peak_mb": 0.0})
        if r.get("max_rss_mb") is not None:
            e["max_rss_mb"] = max(e["max_rss_mb"] or 0.0, r["max_rss_mb"])
        e["tree_pss_peak_mb"] = max(e["tree_pss_peak_mb"], r.get("tree_pss_peak_mb") or 0.0)

    # parallel scaling: seconds per iteration, 4 chains over 1 chain
    scaling: dict = {}
    per_iter = {}
    for r in scored:
        per_iter.setdefault((r["model"], r["sampler"], r["chains"]), []).append(r["sample_s"] / r["iterations"])
    for (m, s, c), v in per_iter.items():
        if c == 4 and (m, s, 1) in per_iter:
            one = statistics.median(per_iter[(m, s, 1)])
            scaling.setdefault(m, {})[s] = {"ratio": statistics.median(v) / one, "one_chain_s_per_iter": one,
                                           "four_chain_s_per_iter": statistics.median(v)}

    # exmc's scaling from its own phase: one and four chains by turns in
    # one process, many pairs
    interleaved: dict = {}
    by_chains: dict = {}
    for r in _ok(runs, "scaling"):
        if r["index_in_process"] < 2:  # the pair that warms the process up
            continue
        by_chains.setdefault((r["model"], r["sampler"]), {}).setdefault(r["chains"], []).append(
            r["sample_s"] / r["iterations"])
    for (m, s), v in by_chains.items():
        if 1 in v and 4 in v:
            one, four = statistics.median(v[1]), statistics.median(v[4])
            interleaved.setdefault(m, {})[s] = {"ratio": four / one, "one_chain_s_per_iter": one,
                                               "four_chain_s_per_iter": four, "pairs": min(len(v[1]), len(v[4]))}

    out = {"summary": summary, "ratios": ratios, "ttfp_eight_schools": ttfp, "memory_four_chains": memory,
           "scaling": scaling, "scaling_interleaved": interleaved}
    out["goals"] = goals(results, out)
    return out


def _check(entries: list[dict]) -> dict:
    have = [e for e in entries if e.get("value") is not None]
    return {"met": bool(have) and all(e["met"] for e in have), "entries": entries,
            "checked": len(have), "missing": len(entries) - len(have)}


def goals(results: dict, a: dict) -> dict:
    cores = results["cores"]
    g: dict = {}
    for num in GOAL_EXMC:
        for den, bound, name in (("pymc", 10.0, "ess_vs_pymc"), ("nutpie", 1.0, "ess_vs_nutpie")):
            entries = []
            for m in results["models"]:
                for c in ("1", "4"):
                    r = a["ratios"].get(m, {}).get(c, {}).get(f"{num}/{den}")
                    if r is None and c not in a["summary"].get(m, {}):
                        continue
                    v = None if r is None else r["ratio"]
                    entries.append({"model": m, "chains": int(c), "value": v, "met": v is not None and v >= bound})
            g[f"{name}:{num}"] = {"bound": bound, **_check(entries)}

    t = a["ttfp_eight_schools"]
    for num in GOAL_EXMC:
        entries = []
        for den in PEERS:
            if num in t and den in t and t[num]["cold_median"] and t[den]["cold_median"]:
                v = t[den]["cold_median"] / t[num]["cold_median"]
                entries.append({"peer": den, "value": v, "met": v >= 5.0})
        g[f"ttfp:{num}"] = {"bound": 5.0, **_check(entries)}

    entries = []
    for m, e in (results.get("gradients") or {}).get("models", {}).items():
        entries.append({"model": m, "value": e["ratio"], "met": e["ratio"] <= 1.5})
    g["gradient"] = {"bound": 1.5, **_check(entries)}

    bound = 4 / cores * 1.15
    for num in GOAL_EXMC:
        entries = []
        for m in results["models"]:
            # the interleaved measurement where there is one
            e = a.get("scaling_interleaved", {}).get(m, {}).get(num) or a["scaling"].get(m, {}).get(num)
            if e is not None:
                entries.append({"model": m, "value": e["ratio"], "met": e["ratio"] <= bound})
        g[f"scaling:{num}"] = {"bound": bound, **_check(entries)}

    for num in GOAL_EXMC:
        entries = []
        for m, e in a["memory_four_chains"].items():
            if num in e and "nutpie" in e and e[num]["max_rss_mb"] and e["nutpie"]["max_rss_mb"]:
                v = e[num]["max_rss_mb"] / e["nutpie"]["max_rss_mb"]
                entries.append({"model": m, "value": v, "met": v <= 1.0})
        g[f"memory:{num}"] = {"bound": 1.0, **_check(entries)}
    return g


GOAL_TEXT = {
    "ess_vs_pymc": "ESS/s >= 10x PyMC's, each model, 1 and 4 chains",
    "ess_vs_nutpie": "ESS/s >= nutpie's, each model, 1 and 4 chains",
    "ttfp": "eight schools, model to posterior (4 x 1000) >= 5x shorter than PyMC's and nutpie's",
    "gradient": "gradient within 1.5x of the hand-written one, each model",
    "scaling": "4 chains take <= (4/cores) x 1.15 of one chain's time",
    "memory": "peak memory of a 4-chain run <= nutpie's",
}


def _goal_line(key: str, g: dict) -> str:
    kind, _, who = key.partition(":")
    who_txt = f" — {LABEL[who]}" if who else ""
    status = "**met**" if g["met"] else ("**not met**" if g["checked"] else "not measured")
    misses = [e for e in g["entries"] if e.get("value") is not None and not e["met"]]
    if g["checked"] == 0:
        detail = "no data"
    elif not misses:
        vals = [e["value"] for e in g["entries"] if e.get("value") is not None]
        lo, hi = min(vals), max(vals)
        detail = f"all {g['checked']} within the bound (measured {lo:.2f}x to {hi:.2f}x)"
    else:
        parts = []
        for e in misses:
            where = e.get("model", e.get("peer", ""))
            if "chains" in e:
                where += f", {e['chains']} ch"
            parts.append(f"{where}: {e['value']:.2f}x")
        detail = f"{len(misses)} of {g['checked']} missed — " + "; ".join(parts)
    return f"| {GOAL_TEXT[kind]}{who_txt} | {g['bound']:.3g}x | {status} | {detail} |"


def machine_table(results: dict) -> list[str]:
    mc = results["machine"]
    return [
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {mc['cpu']} |",
        f"| cores | {mc['logical_cores']} logical ({mc.get('physical_cores') or '?'} physical) |",
        f"| memory | {mc['memory_gb']} GB |",
        f"| OS | {mc['os']} |",
        f"| load average (1, 5, 15 min) | at start {mc.get('load_average_at_start')}, at end {results.get('load_average_at_end')} |",
        "| versions | " + ", ".join(f"{k} {mc[k]}" for k in ("exmc", "pymc", "nutpie", "pytensor", "numba", "arviz", "numpy", "go", "python") if mc.get(k)) + " |",
        "",
    ]


def markdown(results: dict, a: dict) -> str:
    st = results["settings"]
    L = []
    L.append("# exmc head-to-head benchmark")
    L.append("")
    L.append(f"Generated by `bench/run.py` ({results['mode']} mode{', a development run: one seed, short runs, a subset' if results['mode'] == 'quick' else ''}) "
             f"on {results['started']}, in {results['elapsed_s'] / 60:.1f} minutes. "
             "The models and the scoring are those of `bench/MODELS.md`; every figure is in `results.json`.")
    L.append("")
    L += machine_table(results)
    L.append(f"Settings for every sampler: tune {st['tune']}, draws {st['draws']}, target_accept {st['target_accept']}, "
             f"max tree depth {st['max_treedepth']}, seeds {', '.join(map(str, results['seeds']))}; "
             f"everything else at each sampler's defaults. Four-chain runs use all {results['cores']} cores.")
    L.append("")
    L.append("Samplers: " + "; ".join(f"**{LABEL[s]}**: {SAMPLERS[s]}" for s in results["samplers"]) + ".")
    L.append("")

    L.append("## Goals")
    L.append("")
    L.append("| goal | bound | status | measured |")
    L.append("|---|---|---|---|")
    for key, g in a["goals"].items():
        L.append(_goal_line(key, g))
    L.append("")

    L.append("## ESS/s ratios: exmc over the peer")
    L.append("")
    L.append("Ratio of the medians over seeds, with the min–max of the ratios of runs paired by seed. "
             "Bold: the goal (10x PyMC, 1x nutpie) is met.")
    L.append("")
    L.append("| model | d | exmc | 1 chain ÷ PyMC | 1 chain ÷ nutpie | 4 chains ÷ PyMC | 4 chains ÷ nutpie |")
    L.append("|---|---|---|---|---|---|---|")
    for m in results["models"]:
        for num in EXMC:
            if num == "exmc_centred" and m not in REWRITTEN:
                continue
            cells = []
            present = False
            for c in ("1", "4"):
                for den, bound in (("pymc", 10), ("nutpie", 1)):
                    r = a["ratios"].get(m, {}).get(c, {}).get(f"{num}/{den}")
                    present |= r is not None
                    txt = _ratio(r)
                    cells.append(f"**{txt}**" if r is not None and r["ratio"] >= bound and num in GOAL_EXMC else txt)
            if present:
                L.append(f"| {m} | {DIMS[m]} | {LABEL[num]} | " + " | ".join(cells) + " |")
    L.append("")

    for c in ("1", "4"):
        if not any(c in a["summary"].get(m, {}) for m in results["models"]):
            continue
        title = "one chain" if c == "1" else f"four chains on {results['cores']} cores"
        L.append(f"## Results, {title}")
        L.append("")
        L.append("Median [min–max] over seeds. ESS: ArviZ bulk ESS, the minimum over every scalar free parameter. "
                 "Sample s: the sampling, warmup included; compile s: the rest of the way from model object to "
                 "posterior (compilation, initial points, building the result); gradients: leapfrog steps of the "
                 "kept draws (sum of n_steps)." + (" R-hat: the maximum over every scalar." if c == "4" else ""))
        L.append("")
        head = "| model | sampler | ESS/s | min ESS | sample s | compile s | first posterior s | divergences | gradients | ESS per 1000 gradients |"
        sep = "|---|---|---|---|---|---|---|---|---|---|"
        if c == "4":
            head += " max R-hat |"
            sep += "---|"
        head += " non-centred |"
        sep += "---|"
        L.append(head)
        L.append(sep)
        for m in results["models"]:
            for s in results["samplers"]:
                e = a["summary"].get(m, {}).get(c, {}).get(s)
                if e is None:
                    continue
                epg = e["ess_per_grad"]
                epg_txt = "–" if epg is None else _fmt(1000 * epg["median"])
                row = (f"| {m} | {LABEL[s]} | {_range(e['ess_per_s'])} | {_med(e['min_ess_bulk'])} | "
                       f"{_range(e['sample_s'])} | {_med(e['compile_s'])} | {_med(e['first_posterior_s'])} | "
                       f"{_range(e['divergences'])} | {_med(e['grad_evals'])} | {epg_txt} |")
                if c == "4":
                    row += f" {_med(e['max_rhat'], 4)} |"
                row += f" {e['noncentered'] or ('–' if s.startswith('exmc') else 'n/a')} |"
                L.append(row)
        L.append("")

    t = a["ttfp_eight_schools"]
    if t:
        L.append("## Eight schools: model object to posterior")
        L.append("")
        L.append("4 chains x 1000 draws (1000 tuning steps) on all cores, compilation included: the first run of a "
                 "fresh process (imports done, PyTensor's on-disk compilation cache warm, as on a second run of a "
                 "script), median over fresh processes; 'warm' is a later run in the same process.")
        L.append("")
        L.append("| sampler | first posterior s (fresh process) | runs | later run in the process s |")
        L.append("|---|---|---|---|")
        for s in results["samplers"]:
            if s in t:
                e = t[s]
                L.append(f"| {LABEL[s]} | {_fmt(e['cold_median'])} | {len(e['cold'])} | {_fmt(e['warm_median'])} |")
        L.append("")

    mem = a["memory_four_chains"]
    if mem:
        L.append("## Peak memory of a 4-chain run")
        L.append("")
        L.append("Each sampler's 4-chain runs of a model run in a fresh process; max RSS is that process's peak "
                 "resident set read with `getrusage(RUSAGE_CHILDREN)` by its parent. For PyMC, which samples in "
                 "forked worker processes, that is the largest single process only, so the peak total PSS of the "
                 "process and its children (polled every 20 ms) is given too. exmc's own API does not import PyMC.")
        L.append("")
        L.append("| model | " + " | ".join(f"{LABEL[s]} max RSS MB" for s in results["samplers"] if s != "exmc_centred") + " | PyMC total PSS MB |")
        L.append("|---|" + "---|" * (len([s for s in results["samplers"] if s != "exmc_centred"]) + 1))
        for m in results["models"]:
            if m not in mem:
                continue
            cells = [_fmt(mem[m].get(s, {}).get("max_rss_mb")) for s in results["samplers"] if s != "exmc_centred"]
            cells.append(_fmt(mem[m].get("pymc", {}).get("tree_pss_peak_mb")))
            L.append(f"| {m} | " + " | ".join(cells) + " |")
        L.append("")

    sc = a["scaling"]
    if sc:
        L.append("## Parallel scaling")
        L.append("")
        L.append(f"Sampling seconds per iteration, 4 chains on {results['cores']} cores over 1 chain (the goal for exmc: "
                 f"<= 4/{results['cores']} x 1.15 = {4 / results['cores'] * 1.15:.2f}).")
        L.append("")
        L.append("| model | " + " | ".join(LABEL[s] for s in results["samplers"]) + " |")
        L.append("|---|" + "---|" * len(results["samplers"]))
        for m in results["models"]:
            if m in sc:
                L.append(f"| {m} | " + " | ".join(_fmt(sc[m][s]["ratio"]) if s in sc[m] else "–" for s in results["samplers"]) + " |")
        L.append("")
    il = a.get("scaling_interleaved") or {}
    if il:
        who = [s for s in results["samplers"] if any(s in il[m] for m in il)]
        pairs = max(e["pairs"] for m in il for e in il[m].values())
        L.append("The ratios above divide medians of runs made in different processes (one-chain runs beside the "
                 "other samplers, four-chain runs in a fresh process each), "
                 f"{len(results['seeds'])} of each; for runs of a few "
                 "milliseconds they move by tens of percent from one benchmark to the next. exmc's goal is checked "
                 f"on its own measurement: one process per model and sampler runs one chain and four chains by turns, "
                 f"{pairs} pairs on the seeds above after a first pair left out, and the ratio is of the two medians of "
                 "seconds per iteration.")
        L.append("")
        L.append("| model | " + " | ".join(LABEL[s] + ", by turns" for s in who) + " |")
        L.append("|---|" + "---|" * len(who))
        for m in results["models"]:
            if m in il:
                L.append(f"| {m} | " + " | ".join(_fmt(il[m][s]["ratio"]) if s in il[m] else "–" for s in who) + " |")
        L.append("")

    gr = results.get("gradients")
    if gr:
        L.append("## Gradient: compiled versus hand-written Go")
        L.append("")
        L.append(f"One log-density and gradient evaluation (`go test -bench BenchmarkGradient ./bench/models`, the fastest of "
                 f"{gr['count']} x {gr['benchtime']}: other processes only ever add time), at the same point, on the compiled model's unconstrained layout "
                 "(`bench/models/handwritten.go`; `TestHandwritten` checks that both give the same value and gradient: "
                 f"{'passed' if gr['agreement_test_passed'] else '**FAILED**'}).")
        L.append("")
        L.append("| model | d | compiled ns | hand-written ns | compiled / hand-written |")
        L.append("|---|---|---|---|---|")
        for m in MODELS:
            e = gr["models"].get(m)
            if e:
                L.append(f"| {m} | {DIMS[m]} | {e['compiled_ns']:,.0f} | {e['handwritten_ns']:,.0f} | {e['ratio']:.2f}x |")
        L.append("")

    chk = results.get("model_check")
    if chk:
        L.append("## Model check")
        L.append("")
        L.append("exmc's own definitions (non-centring off) and the PyMC definitions, at 5 random unconstrained points: "
                 + ", ".join(f"{m} d={e['dim']} {'ok' if e['ok'] else '**MISMATCH**'} (max rel. diff {e['max_rel_diff']:.1e})"
                             for m, e in chk.items()) + ".")
        L.append("")

    errors = [r for r in results["runs"] if "error" in r]
    if errors:
        L.append("## Failed runs")
        L.append("")
        for r in errors:
            L.append(f"- {r.get('model', '?')} / {r.get('sampler', '?')} / {r.get('chains', '?')} chains / seed "
                     f"{r.get('seed', '?')}: {r['error']}")
        L.append("")

    L.append("## How it was measured")
    L.append("")
    L.append("- Every figure comes from this one invocation. One-chain runs of a model share one process, the samplers "
             "interleaved and their order rotated from seed to seed; 4-chain runs get a fresh process per model and "
             "sampler (PyMC forks its chain processes, which must not happen once exmc's Go runtime is loaded).")
    L.append("- Sample s is each sampler's own clock where it reports one (PyMC's and exmc's `sampling_time`, which "
             "leave out compilation and the conversion of the draws), and for nutpie the wall time from starting its "
             "sampler to its end, before its draws are converted to ArviZ. Every run compiles its model again: "
             "compile s is a run's first-posterior time minus its sample s.")
    L.append("- Gradients count the leapfrog steps of the kept draws only (warmup excluded) for every sampler.")
    L.append("- exmc rewrites hierarchical Normals to non-centred form unless their data inform them well (the "
             "'non-centred' column says which were rewritten); PyMC and nutpie sample the models as written "
             "(centred). The rewrite-off run of exmc is reported beside it; the goals are checked for exmc as "
             "shipped, on the PyMC model and on its own API.")
    L.append("")
    return "\n".join(L)


def chart(results: dict, a: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    models = [m for m in results["models"] if m in a["ratios"]]
    if not models:
        return
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), sharey=True)
    series = [("exmc", "1", "exmc (PyMC model), 1 chain", "#1f77b4", None),
              ("exmc", "4", "exmc (PyMC model), 4 chains", "#1f77b4", "//"),
              ("exmc_native", "1", "exmc (own API), 1 chain", "#ff7f0e", None),
              ("exmc_native", "4", "exmc (own API), 4 chains", "#ff7f0e", "//")]
    x = np.arange(len(models))
    w = 0.8 / len(series)
    for ax, den, goal in ((axes[0], "pymc", 10.0), (axes[1], "nutpie", 1.0)):
        for i, (num, c, label, color, hatch) in enumerate(series):
            vals, lo, hi = [], [], []
            for m in models:
                r = a["ratios"].get(m, {}).get(c, {}).get(f"{num}/{den}")
                if r is None:
                    vals.append(np.nan)
                    lo.append(0)
                    hi.append(0)
                    continue
                vals.append(r["ratio"])
                lo.append(r["ratio"] - (r["min"] if r["min"] is not None else r["ratio"]))
                hi.append((r["max"] if r["max"] is not None else r["ratio"]) - r["ratio"])
            ax.bar(x + (i - (len(series) - 1) / 2) * w, vals, w, yerr=[lo, hi], label=label, color=color,
                   hatch=hatch, edgecolor="white" if hatch else color, capsize=2, ecolor="#444")
        ax.axhline(goal, color="crimson", lw=1.2, ls="--", label=f"goal ({goal:g}x)")
        ax.axhline(1.0, color="#666", lw=0.8)
        ax.set_yscale("log")
        ax.set_xticks(x, models, rotation=30, ha="right")
        ax.set_title(f"exmc ESS/s ÷ {'PyMC' if den == 'pymc' else 'nutpie'}")
        ax.grid(axis="y", which="both", alpha=0.3)
    axes[0].set_ylabel("ratio of min bulk ESS per second (log scale)")
    for ax in axes:
        ax.legend(fontsize=7, loc="upper left")
    mc = results["machine"]
    fig.suptitle(f"exmc versus PyMC and nutpie — {mc['cpu']}, {results['cores']} cores "
                 f"({results['mode']} run; bars: median over seeds, whiskers: min–max)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)


def write(results: dict, out: Path) -> None:
    a = analyse(results)
    doc = dict(results)
    doc.update(a)
    (out / "results.json").write_text(json.dumps(doc, indent=1, default=float))
    (out / "results.md").write_text(markdown(results, a))
    try:
        chart(results, a, out / "ratios.png")
    except Exception as err:  # the tables matter more than the picture
        print(f"chart not drawn: {err}")
