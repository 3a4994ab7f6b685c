"""Write nutpie's posterior moments for the gallery models of
python/tests/gallery_models.py, which test_gallery.py checks exmc against.

    .venv/bin/python bench/gallery_refs.py              # every model without a reference
    .venv/bin/python bench/gallery_refs.py --only NAME  # (again) for NAME; repeatable
    .venv/bin/python bench/gallery_refs.py --all        # every model, again

Each reference is nutpie's run of 4 chains of 2,000 draws after 1,000
warmup steps, with BLAS and OpenMP on one thread, reduced to per-scalar
moments (mean, sd and their Monte Carlo errors, bench/harness/posterior.py)
and written to python/tests/gallery_refs/NAME.json with the settings and
versions that made it. nutpie compiles with numba: expect a few seconds
per model.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "python" / "tests"))

from bench.harness import measure  # noqa: E402

os.environ.update(measure.pin_environment({}))

import numpy as np  # noqa: E402

from bench.harness import posterior  # noqa: E402

REFS = ROOT / "python" / "tests" / "gallery_refs"
SETTINGS = {"chains": 4, "draws": 2000, "tune": 1000, "seed": 20261208}


def reference(name: str) -> dict:
    import gallery_models
    import nutpie

    entry = gallery_models.MODELS[name]
    model = entry.build()
    names = gallery_models.names_compared(entry, model)
    compiled = nutpie.compile_pymc_model(model)
    dt = nutpie.sample(compiled, chains=SETTINGS["chains"], draws=SETTINGS["draws"], tune=SETTINGS["tune"],
                       seed=SETTINGS["seed"], progress_bar=False)
    post = dt["posterior"]
    draws = {n: np.asarray(post[n].values, dtype=np.float64) for n in names}
    mom = posterior.moments(draws)
    divergences = int(np.asarray(dt["sample_stats"]["diverging"].values).sum())
    return {
        "model": name,
        "sampler": f"nutpie {nutpie.__version__}",
        "settings": SETTINGS,
        "divergences": divergences,
        "shapes": {n: list(draws[n].shape[2:]) for n in names},
        **{k: (list(v) if k == "label" else [float(x) for x in v]) for k, v in mom.items()},
    }


def main(argv: list[str] | None = None) -> int:
    import gallery_models

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", default=[], help="a model's name (repeatable)")
    ap.add_argument("--all", action="store_true", help="every model, even those with a reference")
    args = ap.parse_args(argv)
    measure.pin_threads()
    unknown = [n for n in args.only if n not in gallery_models.MODELS]
    if unknown:
        ap.error(f"no gallery model named {', '.join(unknown)}; there are: {', '.join(gallery_models.MODELS)}")
    if args.only:
        names = args.only
    elif args.all:
        names = list(gallery_models.MODELS)
    else:
        names = [n for n in gallery_models.MODELS if not (REFS / f"{n}.json").exists()]
    REFS.mkdir(exist_ok=True)
    for name in names:
        ref = reference(name)
        path = REFS / f"{name}.json"
        path.write_text(json.dumps(ref, indent=1) + "\n")
        print(f"{name}: {len(ref['label'])} scalars, {ref['divergences']} divergences -> {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
