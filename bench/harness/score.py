"""Scoring, as MODELS.md says: ArviZ's bulk ESS, the minimum over every
scalar free parameter; ESS/s over the sampling seconds; R-hat with more
than one chain. Then the median and min-max over seeds."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import numpy as np


def _dataset(draws: dict[str, np.ndarray]):
    import xarray as xr

    data = {}
    for name, a in draws.items():
        dims = ("chain", "draw") + tuple(f"{name}_dim_{i}" for i in range(a.ndim - 2))
        data[name] = (dims, a)
    return xr.Dataset(data)


def _min_over_scalars(ds) -> float:
    return float(min(np.nanmin(np.asarray(v.values, dtype=float)) for v in ds.data_vars.values()))


def _max_over_scalars(ds) -> float:
    return float(max(np.nanmax(np.asarray(v.values, dtype=float)) for v in ds.data_vars.values()))


def score_run(rec: dict, draws_path: Path) -> dict:
    import arviz as az

    with np.load(draws_path) as f:
        draws = {k: f[k] for k in f.files}
    ds = _dataset(draws)
    ess = az.ess(ds, method="bulk")
    rec = dict(rec)
    rec["min_ess_bulk"] = _min_over_scalars(ess)
    rec["ess_per_s"] = rec["min_ess_bulk"] / rec["sample_s"]
    rec["ess_per_grad"] = rec["min_ess_bulk"] / rec["grad_evals"] if rec["grad_evals"] else None
    if rec.get("sample_cpu_s"):
        rec["ess_per_cpu_s"] = rec["min_ess_bulk"] / rec["sample_cpu_s"]
    rec["scalars"] = int(sum(max(1, int(np.prod(a.shape[2:]))) for a in draws.values()))
    if rec["chains"] > 1:
        rec["max_rhat"] = _max_over_scalars(az.rhat(ds))
    return rec


def _summary(values: list) -> dict | None:
    vals = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals)}


FIGURES = ("ess_per_s", "min_ess_bulk", "sample_s", "compile_s", "first_posterior_s", "divergences", "grad_evals",
           "ess_per_grad", "max_rhat", "tree_pss_peak_mb")


def aggregate(runs: list[dict], figures=FIGURES) -> dict:
    """(model, sampler, chains) -> {figure: summary over seeds}."""
    groups: dict = {}
    for r in runs:
        groups.setdefault((r["model"], r["sampler"], r["chains"]), []).append(r)
    out = {}
    for key, rs in groups.items():
        rs = sorted(rs, key=lambda r: r["seed"])
        entry = {f: _summary([r.get(f) for r in rs]) for f in figures}
        entry["seeds"] = [r["seed"] for r in rs]
        entry["noncentered"] = rs[0].get("noncentered", "")
        entry["max_rss_mb"] = max((r["max_rss_mb"] for r in rs if r.get("max_rss_mb") is not None), default=None)
        out[key] = entry
    return out


def ratios(runs: list[dict], num: str, den: str, figure: str = "ess_per_s") -> dict:
    """(model, chains) -> the ratio of medians num/den of a figure, and
    the min-max of the ratios of runs paired by seed."""
    by = {}
    for r in runs:
        by.setdefault((r["model"], r["chains"]), {}).setdefault(r["sampler"], {})[r["seed"]] = r.get(figure)
    out = {}
    for key, s in by.items():
        if num not in s or den not in s:
            continue
        a, b = s[num], s[den]
        seeds = sorted(set(a) & set(b))
        paired = [a[k] / b[k] for k in seeds if a[k] is not None and b[k]]
        ma = statistics.median([v for v in a.values() if v is not None])
        mb = statistics.median([v for v in b.values() if v is not None])
        out[key] = {"ratio": ma / mb if mb else math.inf, "min": min(paired, default=None),
                    "max": max(paired, default=None), "n": len(paired)}
    return out
