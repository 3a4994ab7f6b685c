"""The scale suite's own pieces (bench/scale.py, bench/harness): its models
at their smallest sizes, their data generator, the posterior check and the
CPU and memory measurements. The suite itself runs with ``make
bench-scale``; these run with ``make test``."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pymc")

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from harness import check, measure, posterior, scale_models  # noqa: E402

import exmc  # noqa: E402


def test_generator_is_deterministic():
    for name in scale_models.SMALLEST:
        a, b = scale_models.generate(name), scale_models.generate(name)
        assert a.keys() == b.keys()
        for k in a:
            assert a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]), (name, k)
    # each data set has its own stream, and the sizes its name says
    d = scale_models.generate("hier_50x1k")
    assert d["y"].shape == (1000,) and d["group_idx"].dtype == np.int64
    assert np.array_equal(np.bincount(d["group_idx"]), np.full(50, 20))
    assert scale_models.generate("logit_1kx10")["X"].shape == (1000, 10)
    assert scale_models.generate("stochvol_100")["returns"].shape == (100,)
    assert scale_models.generate("linreg_10kx200")["X"].shape == (10_000, 200)
    assert not np.array_equal(scale_models.generate("logit_1kx10")["X"][:, 0],
                              scale_models.generate("hier_50x1k")["x"][:1000])


def test_every_size_has_a_name_and_a_dimension():
    assert list(scale_models.SCALE)[:3] == ["hier_50x1k", "hier_500x10k", "hier_5kx100k"]
    assert scale_models.SMALLEST == ["hier_50x1k", "stochvol_100", "logit_1kx10", "linreg_10kx200"]
    assert scale_models.SCALE["hier_5kx100k"].dim == 10_005
    assert scale_models.SCALE["stochvol_10k"].dim == 10_002


@pytest.mark.parametrize("name", scale_models.SMALLEST)
def test_pymc_and_exmc_definitions_agree(name):
    """The PyMC model and the exmc model give the same log-density in the
    same layout (exmc's non-centring off), and both sample."""
    data = scale_models.generate(name)
    pm_model = scale_models.build_pymc(name, data)
    ex_model = scale_models.build_exmc(name, noncentered=False, data=data)
    dim, worst = check.max_rel_diff(pm_model, ex_model, points=3, mode="FAST_COMPILE")
    assert dim == scale_models.SCALE[name].dim
    assert worst < 1e-7
    free = [rv.name for rv in pm_model.free_RVs]
    for model in (pm_model, scale_models.build_exmc(name, data=data)):
        dt = exmc.sample(model, draws=20, tune=20, chains=1, random_seed=3, progressbar=False)
        for v in free:
            assert np.isfinite(dt.posterior[v].values).all(), v
        assert dt.posterior[free[0]].shape[:2] == (1, 20)


def _normal_draws(rng, mean, sd, chains=4, draws=1000, size=3):
    return {"x": rng.normal(mean, sd, size=(chains, draws, size)), "s": np.abs(rng.normal(size=(chains, draws)))}


def test_posterior_check_passes_the_same_posterior_and_flags_others():
    rng = np.random.default_rng(5)
    ref = _normal_draws(rng, 0.0, 1.0)
    same = posterior.compare(_normal_draws(rng, 0.0, 1.0), ref)
    assert same["ok"] and same["scalars"] == 4
    shifted = posterior.compare(_normal_draws(rng, 0.5, 1.0), ref)
    assert not shifted["ok"] and shifted["mean_failed"] == 3 and shifted["sd_failed"] == 0
    wider = posterior.compare(_normal_draws(rng, 0.0, 1.4), ref)
    assert not wider["ok"] and wider["sd_failed"] == 3
    assert wider["worst_sd"]["ratio"] > 1.2
    # a few draws make the Monte Carlo error, and so the tolerance, larger
    few = posterior.compare(_normal_draws(rng, 0.3, 1.0, chains=1, draws=30), ref)
    assert few["ok"]
    assert not posterior.compare({"y": ref["x"]}, ref)["ok"]
    pooled = posterior.pool([ref, _normal_draws(rng, 0.0, 1.0, chains=1, draws=800)])
    assert pooled["x"].shape == (5, 800, 3)


def test_cpu_of_other_threads():
    def spin(seconds):
        t0 = time.thread_time()
        while time.thread_time() - t0 < seconds:
            pass

    with measure.OtherThreadsCPU() as other:
        t = threading.Thread(target=spin, args=(0.2,))
        t.start()
        t.join()
    assert 0.19 <= other.seconds < 0.4
    with measure.OtherThreadsCPU() as mine:
        spin(0.2)
    assert mine.seconds < 0.05


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self")
def test_peak_rss_of_a_block():
    with measure.PeakRSS() as rss:
        a = np.ones(25_000_000)  # 200 MB
        del a
    assert rss.peak_mb - rss.before_mb > 150


def test_gradient_timing_of_exmc():
    name = "logit_1kx10"
    c = exmc.CompiledModel.from_model(scale_models.build_exmc(name))
    s = measure.exmc_gradient(c, min_seconds=0.02)
    assert 0 < s < 0.01
    lp, g = c.logp_grad(measure.point(c.dim))
    assert np.isfinite(lp) and np.isfinite(g).all()
