"""The models are the same models: exmc's own definitions (with the
automatic non-centring off, so that the layouts match) and the PyMC
definitions give the same log-density at random unconstrained points."""

from __future__ import annotations

import numpy as np

from .data import DIMS, MODELS


def max_rel_diff(pm_model, exmc_model, points: int = 5, seed: int = 7, mode=None) -> tuple[int, float]:
    """(exmc's dimension, the largest relative difference of the two
    log-densities) at ``points`` uniform(-2, 2) unconstrained points, each
    given to PyMC by the value variables' names exmc reports. ``mode`` is
    PyTensor's compilation mode for PyMC's log-density (None: its default)."""
    import exmc

    c = exmc.CompiledModel.from_model(exmc_model)
    logp = pm_model.compile_logp(jacobian=True, mode=mode)
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(points):
        x = rng.uniform(-2, 2, c.dim)
        point = {p["value_name"]: x[p["offset"]: p["offset"] + p["size"]].reshape(p["shape"])
                 for p in c.info["params"]}
        a, b = c.logp(x), float(logp(point))
        worst = max(worst, abs(a - b) / max(1.0, abs(b)))
    return c.dim, worst


def agreement(models=MODELS, points: int = 5) -> dict:
    from . import exmc_models, pymc_models, scale_models

    out = {}
    for name in models:
        if name in scale_models.SCALE:
            pm_model = scale_models.build_pymc(name)
            ex_model = scale_models.build_exmc(name, noncentered=False)
            expected = scale_models.SCALE[name].dim
        else:
            pm_model = pymc_models.build(name)
            ex_model = exmc_models.build(name, noncentered=False)
            expected = DIMS[name]
        dim, worst = max_rel_diff(pm_model, ex_model, points)
        out[name] = {"dim": dim, "dim_expected": expected, "max_rel_diff": worst,
                     "ok": dim == expected and worst < 1e-7}
    return out
