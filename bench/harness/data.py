"""The data of the seven models, read from bench/data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# in the order of MODELS.md
MODELS = ["simple", "medium", "stress", "eight_schools", "funnel", "logistic", "sv"]

# unconstrained dimension, from MODELS.md; each definition is checked against it
DIMS = {"simple": 2, "medium": 5, "stress": 8, "eight_schools": 10, "funnel": 10, "logistic": 21, "sv": 102}


def load(name: str) -> dict[str, np.ndarray]:
    if name == "funnel":
        return {}
    raw = json.loads((DATA_DIR / f"{name}.json").read_text())
    return {k: np.asarray(v, dtype=np.float64) for k, v in raw.items() if not k.startswith("true_")}
