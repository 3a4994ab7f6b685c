"""The models are the same models: exmc's own definitions (with the
automatic non-centring off, so that the layouts match) and the PyMC
definitions give the same log-density at random unconstrained points."""

from __future__ import annotations

import numpy as np

from .data import DIMS, MODELS


def agreement(models=MODELS, points: int = 5) -> dict:
    import exmc

    from . import exmc_models, pymc_models

    out = {}
    for name in models:
        pm_model = pymc_models.build(name)
        c = exmc.CompiledModel.from_model(exmc_models.build(name, noncentered=False))
        logp = pm_model.compile_logp(jacobian=True)
        rng = np.random.default_rng(7)
        worst = 0.0
        for _ in range(points):
            x = rng.uniform(-2, 2, c.dim)
            point = {p["value_name"]: x[p["offset"]: p["offset"] + p["size"]].reshape(p["shape"])
                     for p in c.info["params"]}
            a, b = c.logp(x), float(logp(point))
            worst = max(worst, abs(a - b) / max(1.0, abs(b)))
        out[name] = {"dim": c.dim, "dim_expected": DIMS[name], "max_rel_diff": worst,
                     "ok": c.dim == DIMS[name] and worst < 1e-7}
    return out
