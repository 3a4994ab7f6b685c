"""Regenerate arviz_reference.json, the ArviZ reference values for core/diag.

Dev tool, not run by the tests. It needs ArviZ >= 1.0 (arviz-stats >= 1.0),
which needs Python >= 3.12; run it from a throwaway venv outside the repo:

    python3.12 -m venv /tmp/azref
    /tmp/azref/bin/pip install arviz numpy
    /tmp/azref/bin/python core/diag/testdata/gen_arviz_reference.py

numba must NOT be installed in that venv, so that arviz-stats takes its
numpy/scipy code path (the one the Go port follows).
"""

import importlib.util
import json
import math
import os
import re
import sys

import arviz as az
import arviz_base as azb
import arviz_stats as azs
import numpy as np

QUANTILE_PROBS = [0.05, 0.11, 0.5, 0.89, 0.95]


def ar1(rng, n_chain, n_draw, phi, mean=0.0):
    """Stationary AR(1) chains with unit marginal variance."""
    out = np.empty((n_chain, n_draw))
    scale = math.sqrt(1.0 - phi * phi)
    for c in range(n_chain):
        x = rng.normal()
        for i in range(n_draw):
            x = phi * x + scale * rng.normal()
            out[c, i] = x
    return out + mean


def cases():
    rng = np.random.default_rng(20240611)
    yield "iid", ar1(rng, 4, 200, 0.0)
    yield "ar05", ar1(rng, 4, 200, 0.5)
    yield "ar095", ar1(rng, 4, 200, 0.95)
    yield "antithetic", ar1(rng, 4, 200, -0.6)
    shifted = ar1(rng, 4, 200, 0.3)
    shifted[2] += 1.5
    yield "shifted", shifted
    yield "single", ar1(rng, 1, 500, 0.7)
    yield "odd_draws", ar1(rng, 3, 201, 0.3)
    yield "ties", np.floor(3.0 * ar1(rng, 4, 100, 0.4))
    yield "heavy_tail", rng.standard_t(2.0, size=(4, 150))
    yield "constant", np.full((2, 50), 3.0)
    yield "too_short", ar1(rng, 2, 3, 0.0)


def num(v):
    v = float(v)
    return None if math.isnan(v) else v


def reference(x):
    r = {
        "rhat": num(azs.rhat(x, method="rank")),
        "ess_bulk": num(azs.ess(x, method="bulk")),
        "ess_tail": num(azs.ess(x, method="tail", prob=(0.05, 0.95))),
        "ess_mean": num(azs.ess(x, method="mean")),
        "mcse_mean": num(azs.mcse(x, method="mean")),
        "mcse_sd": num(azs.mcse(x, method="sd")),
        "ess_quantile": {
            repr(p): num(azs.ess(x, method="quantile", prob=p)) for p in QUANTILE_PROBS
        },
    }
    dt = azb.from_dict({"posterior": {"x": x}})
    s = az.summary(dt, kind="all", round_to="none").loc["x"]
    r["summary"] = {
        k: num(s[k])
        for k in ("mean", "sd", "mcse_mean", "mcse_sd", "ess_bulk", "ess_tail", "r_hat")
    }
    return r


def main():
    if importlib.util.find_spec("numba") is not None:
        sys.exit("uninstall numba: the reference must come from arviz-stats' numpy path")
    out = {
        "generated_by": "core/diag/testdata/gen_arviz_reference.py",
        "versions": {
            "python": sys.version.split()[0],
            "arviz": az.__version__,
            "arviz_stats": azs.__version__,
            "arviz_base": azb.__version__,
            "numpy": np.__version__,
        },
        "calls": {
            "rhat": 'arviz_stats.rhat(x, method="rank")',
            "ess_bulk": 'arviz_stats.ess(x, method="bulk")',
            "ess_tail": 'arviz_stats.ess(x, method="tail", prob=(0.05, 0.95))',
            "ess_mean": 'arviz_stats.ess(x, method="mean")',
            "mcse_mean": 'arviz_stats.mcse(x, method="mean")',
            "mcse_sd": 'arviz_stats.mcse(x, method="sd")',
            "ess_quantile": 'arviz_stats.ess(x, method="quantile", prob=p) for each key p',
            "summary": 'arviz.summary(arviz_base.from_dict({"posterior": {"x": x}}), '
            'kind="all", round_to="none"); its ess_tail uses the default '
            'prob=rcParams["stats.ci_prob"]=0.89, i.e. quantiles 0.11 and 0.89',
        },
        "note": "x has shape (chain, draw); null stands for NaN",
        "cases": [],
    }
    for name, x in cases():
        out["cases"].append({"name": name, "chains": x.tolist(), "ref": reference(x)})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "arviz_reference.json")
    text = json.dumps(out, indent=1)
    # One line per chain keeps the file short and diffable.
    text = re.sub(
        r"\[\s*([-0-9.eE+]+(?:,\s*[-0-9.eE+]+)*)\s*\]",
        lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]",
        text,
    )
    with open(path, "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
