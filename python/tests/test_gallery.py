"""Gallery-style PyMC models (gallery_models.py), sampled natively by exmc,
against nutpie's posterior (gallery_refs/, written by
bench/gallery_refs.py).

The criterion is the scale benchmark's (bench/harness/posterior.py): every
scalar compared has its mean within 0.1 of nutpie's sd plus Monte Carlo
error, and its sd within 10% plus Monte Carlo error, the Monte Carlo
errors of both runs combined and scaled by a z that makes a correct
sampler fail a model with probability at most 1% (Bonferroni over its
scalars). exmc's run has a fixed seed, so a passing model keeps passing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import exmc

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
from bench.harness import posterior  # noqa: E402

sys.path.insert(0, str(HERE))
import gallery_models  # noqa: E402

pm = pytest.importorskip("pymc")


def test_every_model_has_a_reference():
    missing = [n for n in gallery_models.MODELS if not (HERE / "gallery_refs" / f"{n}.json").exists()]
    assert not missing, f"no nutpie reference for {missing}: run bench/gallery_refs.py --only NAME and commit it"


@pytest.mark.parametrize("name", sorted(gallery_models.MODELS))
def test_gallery_model_matches_nutpie(name):
    entry = gallery_models.MODELS[name]
    path = HERE / "gallery_refs" / f"{name}.json"
    if not path.exists():
        pytest.fail(f"no nutpie reference for {name}: run bench/gallery_refs.py --only {name}")
    ref = json.loads(path.read_text())
    model = entry.build()
    names = gallery_models.names_compared(entry, model)
    assert sorted(ref["shapes"]) == sorted(names), "the reference was written for other variables: write it again"
    # backend="native": a model the core cannot express raises, naming why
    dt = exmc.sample(model, backend="native", **entry.sample)
    assert dt.attrs["exmc_backend"] == "native"
    draws = {n: np.asarray(dt["posterior"][n].values, dtype=np.float64) for n in names}
    for n in names:
        assert list(draws[n].shape[2:]) == ref["shapes"][n], f"{n}: shape {draws[n].shape[2:]} vs nutpie's {ref['shapes'][n]}"
    got = posterior.compare_moments(posterior.moments(draws), {k: (np.asarray(v) if k != "label" else v)
                                                                for k, v in ref.items() if k in ("label", "mean", "sd", "mcse_mean", "mcse_sd")})
    assert got["ok"], f"{name} differs from nutpie's posterior: {got}"
