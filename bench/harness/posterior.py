"""The scale suite's posterior check: a sampler's posterior against
nutpie's, scalar by scalar.

Every scalar free parameter must have

- its mean within 0.1 of nutpie's sd, plus Monte Carlo error, of nutpie's
  mean: ``|m - m_ref| <= 0.1 sd_ref + z sqrt(mcse_m^2 + mcse_m_ref^2)``;
- its sd within 10% of nutpie's, plus Monte Carlo error:
  ``|sd - sd_ref| <= 0.1 sd_ref + z sqrt(mcse_sd^2 + mcse_sd_ref^2)``;

with the Monte Carlo standard errors ArviZ estimates (``az.mcse``, methods
"mean" and "sd") and z chosen so that two samplers of the same posterior
fail a model of n scalars with probability at most 1% (Bonferroni over its
2n two-sided comparisons): 3.5 for one scalar, 4.9 for 5,000.

The draws of all the runs of a model by one sampler (one chain per seed)
are pooled as chains.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

#: the family-wise chance of flagging a correct sampler
FAMILY_ERROR = 0.01
MEAN_TOL = 0.1
SD_TOL = 0.1


def pool(runs: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Draws of several runs (each name -> chains x draws x ...) as one set
    of chains; runs of different lengths are cut to the shortest."""
    n = min(a.shape[1] for r in runs for a in r.values())
    return {k: np.concatenate([r[k][:, :n] for r in runs], axis=0) for k in runs[0]}


def moments(draws: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per scalar (the variables' elements in order): mean, sd, and their
    Monte Carlo standard errors."""
    import arviz as az
    import xarray as xr

    names = sorted(draws)
    ds = xr.Dataset({k: (("chain", "draw") + tuple(f"{k}_dim_{i}" for i in range(draws[k].ndim - 2)), draws[k])
                     for k in names})
    mcse_mean = az.mcse(ds, method="mean")
    mcse_sd = az.mcse(ds, method="sd")
    out: dict = {"mean": [], "sd": [], "mcse_mean": [], "mcse_sd": [], "label": []}
    for k in names:
        a = draws[k].reshape(draws[k].shape[0] * draws[k].shape[1], -1)
        out["mean"].append(a.mean(axis=0))
        out["sd"].append(a.std(axis=0, ddof=1))
        out["mcse_mean"].append(np.asarray(mcse_mean[k].values, dtype=float).ravel())
        out["mcse_sd"].append(np.asarray(mcse_sd[k].values, dtype=float).ravel())
        out["label"] += [k] if a.shape[1] == 1 else [f"{k}[{i}]" for i in range(a.shape[1])]
    return {k: (np.concatenate(v) if k != "label" else v) for k, v in out.items()}


def z_for(n: int) -> float:
    return NormalDist().inv_cdf(1 - FAMILY_ERROR / (4 * n))


def compare(cand: dict[str, np.ndarray], ref: dict[str, np.ndarray]) -> dict:
    """Check ``cand``'s draws against ``ref``'s (both name -> chains x
    draws x ...). ``ok`` is whether every scalar passes both tests."""
    if sorted(cand) != sorted(ref):
        return {"ok": False, "error": f"different variables: {sorted(cand)} and {sorted(ref)}"}
    for k in cand:
        if cand[k].shape[2:] != ref[k].shape[2:]:
            return {"ok": False, "error": f"{k}: shapes {cand[k].shape[2:]} and {ref[k].shape[2:]}"}
    return compare_moments(moments(cand), moments(ref))


def compare_moments(c: dict, r: dict) -> dict:
    """The test of :func:`compare` on two samplers' :func:`moments` of the
    same scalars (stored references are moments, not draws)."""
    if list(c["label"]) != list(r["label"]):
        return {"ok": False, "error": f"different scalars: {c['label'][:5]}... and {r['label'][:5]}..."}
    n = len(r["mean"])
    z = z_for(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_err = np.abs(c["mean"] - r["mean"])
        mean_tol = MEAN_TOL * r["sd"] + z * np.hypot(c["mcse_mean"], r["mcse_mean"])
        sd_err = np.abs(c["sd"] - r["sd"])
        sd_tol = SD_TOL * r["sd"] + z * np.hypot(c["mcse_sd"], r["mcse_sd"])
        mean_bad = ~(mean_err <= mean_tol)
        sd_bad = ~(sd_err <= sd_tol)
        # how far out the worst scalar is, as a fraction of its tolerance
        mean_worst = int(np.nanargmax(mean_err / mean_tol))
        sd_worst = int(np.nanargmax(sd_err / sd_tol))
    return {
        "ok": not (mean_bad.any() or sd_bad.any()),
        "scalars": n,
        "z": z,
        "mean_failed": int(mean_bad.sum()),
        "sd_failed": int(sd_bad.sum()),
        "worst_mean": {"scalar": r["label"][mean_worst], "err_over_tol": float(mean_err[mean_worst] / mean_tol[mean_worst]),
                       "diff_in_sd": float(mean_err[mean_worst] / r["sd"][mean_worst])},
        "worst_sd": {"scalar": r["label"][sd_worst], "err_over_tol": float(sd_err[sd_worst] / sd_tol[sd_worst]),
                     "ratio": float(c["sd"][sd_worst] / r["sd"][sd_worst])},
        "failed_scalars": sorted({r["label"][i] for i in np.flatnonzero(mean_bad | sd_bad)})[:10],
    }
