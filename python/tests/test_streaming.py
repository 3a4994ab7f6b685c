"""Streaming draws (exmc.sample_stream), non-blocking runs
(exmc.sample(..., blocking=False)) and chain failures seen from Python."""

import _thread
import gc
import threading
import time

import numpy as np
import pytest

import exmc
from exmc.streaming import concat


def _assert_same_tree(a, b):
    assert sorted(a.children) == sorted(b.children)
    for group in a.children:
        assert sorted(a[group].data_vars) == sorted(b[group].data_vars), group
        for name in a[group].data_vars:
            x, y = a[group][name], b[group][name]
            assert x.dims == y.dims, (group, name)
            assert np.array_equal(x.values, y.values), (group, name)
        for dim, coord in a[group].coords.items():
            assert np.array_equal(coord.values, b[group].coords[dim].values), (group, dim)


def test_first_batch_comes_early_and_batches_make_the_blocking_result(eight_schools):
    kw = dict(draws=6000, tune=500, chains=4, random_seed=11, save_warmup=True, log_likelihood=True)
    compiled = exmc.CompiledModel.from_model(eight_schools)  # the library loaded and the model compiled
    batches = []
    first = None
    started = time.perf_counter()
    with exmc.sample_stream(compiled, batch_size=40, **kw) as stream:
        for batch in stream:
            if first is None:
                first = time.perf_counter() - started
            batches.append(batch)
    total = time.perf_counter() - started
    assert first < 0.25 * total, (first, total)

    seen = {}
    for b in batches:
        assert isinstance(b, exmc.Batch)
        assert 0 < len(b) <= 40
        assert b.draw.dtype == np.int64 and np.array_equal(b.draw, np.arange(b.draw[0], b.draw[0] + len(b)))
        assert b.posterior["theta"].shape == (len(b), 8)
        assert b.posterior["mu"].shape == (len(b),)
        assert set(b.stats) == set(exmc.SAMPLE_STATS)
        assert b.log_likelihood["y"].shape == (len(b), 8)
        assert not b.posterior["theta"].flags.writeable  # a view of the library's buffer
        # each chain's batches of each phase follow one another
        key = (b.chain, b.tuning)
        assert b.draw[0] == seen.get(key, 0)
        seen[key] = b.draw[-1] + 1
    assert seen == {(c, t): (500 if t else 6000) for c in range(4) for t in (True, False)}

    blocking = exmc.sample(eight_schools, progressbar=False, **kw)
    streamed = concat(reversed(batches), model=eight_schools, attrs=dict(blocking.posterior.attrs))
    _assert_same_tree(blocking, streamed)


@pytest.fixture(scope="module")
def slow_model():
    """A likelihood of 100,000 observations: a gradient takes a fraction of
    a millisecond, so a run of a million draws cannot end while a test
    watches it, however fast the sampler gets (eight schools draws about a
    hundred thousand a second)."""
    y = np.random.default_rng(0).normal(1.0, 2.0, 100_000)
    with exmc.Model() as m:
        mu = exmc.Normal("mu", 0, 10)
        s = exmc.HalfNormal("s", 5)
        exmc.Normal("y", mu, s, observed=y)
    return m


def test_breaking_out_cancels_every_chain_within_a_second(eight_schools):
    stream = exmc.sample_stream(eight_schools, draws=1_000_000, tune=100, chains=4, random_seed=1)
    with stream:
        for batch in stream:
            if not batch.tuning and batch.draw[-1] > 100:
                break
        started = time.perf_counter()
    took = time.perf_counter() - started
    assert took < 1.0, took
    assert stream.closed
    progress = stream.progress
    assert len(progress) == 4
    assert all(p.finished for p in progress)
    assert all(p.draws_done < p.total for p in progress)
    assert list(stream) == []


def test_a_dropped_stream_stops_its_chains(eight_schools):
    stream = exmc.sample_stream(eight_schools, draws=1_000_000, tune=10, chains=2, random_seed=1)
    native = stream._native
    for _ in stream:
        break
    del stream
    gc.collect()
    assert native.handle is None


def test_ctrl_c_while_streaming_stops_the_chains(slow_model):
    # batches come slowly, so that Ctrl-C finds the loop waiting in the
    # stream for the next one, not in the loop's body
    stream = exmc.sample_stream(slow_model, draws=1_000_000, tune=10, chains=2, random_seed=1)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    started = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            for _ in stream:
                pass
    finally:
        timer.cancel()
    assert time.perf_counter() - started < 1.5
    assert stream.closed
    assert all(p.finished for p in stream.progress)


def test_nonblocking_run(slow_model, eight_schools):
    with exmc.sample(
        slow_model, draws=1_000_000, tune=200, chains=3, cores=2, random_seed=2, blocking=False
    ) as run:
        _watch_and_cancel(run)

    # left to finish, the run gives what exmc.sample gives
    kw = dict(draws=300, tune=300, chains=2, random_seed=9)
    with exmc.sample(eight_schools, blocking=False, **kw) as run:
        assert run.wait() is True and run.done
        tree = run.result()
        assert run.inspect() is tree
    _assert_same_tree(exmc.sample(eight_schools, progressbar=False, **kw), tree)


def _watch_and_cancel(run):
    assert isinstance(run, exmc.Run)
    assert run.wait(timeout=0.05) is False
    deadline = time.monotonic() + 10
    # 200 warmup iterations, then at least 50 draws in each running chain
    while not all(p.draws_done > 250 for p in run.progress[:2]):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    tree = run.inspect()
    assert tree.posterior.sizes["draw"] >= 50
    assert tree.posterior["mu"].dims == ("chain", "draw")
    # two cores: chain 2 waits for a free one, and has no draw to show
    assert list(tree.posterior.chain.values) == [0, 1]
    progress = run.progress
    assert len(progress) == 3 and not any(p.finished for p in progress)
    assert [p.draws_done > 200 for p in progress] == [True, True, False]
    assert not run.done

    run.cancel()
    started = time.perf_counter()
    assert run.wait(timeout=1.0)
    assert time.perf_counter() - started < 1.0
    with pytest.warns(RuntimeWarning, match="unequal numbers of draws"):
        partial = run.result()
    assert list(partial.posterior.chain.values) == [0, 1]  # chain 2 never started
    assert 50 <= partial.posterior.sizes["draw"] < 1_000_000
    assert run.result() is partial


def test_nonblocking_run_argument_errors(eight_schools):
    with pytest.raises(ValueError, match="draws"):
        exmc.sample(eight_schools, draws=0, blocking=False)
    with pytest.raises(ValueError, match="batch_size"):
        exmc.sample_stream(eight_schools, batch_size=0)
    with pytest.raises(ValueError, match="init"):
        exmc.sample_stream(eight_schools, init="nowhere")


# -- chain failures ------------------------------------------------------------


class _Normal:
    """A standard normal from a cffi callback that fails for good (returns
    -7) at the point ``fail_at``. A chain's draws depend on the seed and
    its number alone, so a point that one chain visits in warmup, taken
    from a run without the failure, says which chain fails, and where,
    however the chains are scheduled."""

    def __init__(self, fail_at=None):
        from exmc import _ffi
        from exmc._errors import check, error_out

        ffi, lib, _ = _ffi.load()
        self.fail_at = fail_at

        @ffi.callback("int(size_t, const double*, double*, double*, void*)")
        def logp(dim, x, lp, grad, ctx):
            if self.fail_at is not None and (x[0], x[1]) == self.fail_at:
                return -7
            total = 0.0
            for i in range(dim):
                total -= 0.5 * x[i] * x[i]
                if grad != ffi.NULL:
                    grad[i] = -x[i]
            lp[0] = total
            return 0

        out = ffi.new("exmc_model**")
        err = error_out(ffi)
        check(lib.exmc_model_from_function(2, logp, ffi.NULL, b"a,b", out, err), err, ffi, lib, "model")
        self.compiled = exmc.CompiledModel._wrap(out[0], None)
        self._logp = logp  # the callback must outlive the model


_FAIL_KW = dict(draws=150, tune=150, cores=1, random_seed=4, progressbar=False)


@pytest.fixture(scope="module")
def failing_chain_2():
    """A model whose chain 2 (of 4) fails for good during warmup, and the
    draws of the same run with no failure."""
    good = exmc.sample(_Normal().compiled, chains=4, save_warmup=True, **_FAIL_KW)
    warm = good.warmup_posterior
    point = (float(warm["a"].values[2, 50]), float(warm["b"].values[2, 50]))
    return (lambda: _Normal(fail_at=point)), good


def test_failed_chain_is_reported_and_the_others_kept(failing_chain_2):
    make, good = failing_chain_2
    with pytest.warns(RuntimeWarning, match=r"1 of 4 chains failed .*chain 2: warmup iteration \d+: .*-7") as rec:
        tree = exmc.sample(make().compiled, chains=4, **_FAIL_KW)
    assert not any("chain 2: chain 2" in str(w.message) for w in rec)
    assert tree.posterior.sizes["chain"] == 3
    for i, c in enumerate([0, 1, 3]):
        assert np.array_equal(tree.posterior["a"].values[i], good.posterior["a"].values[c])
        assert np.array_equal(tree.sample_stats["lp"].values[i], good.sample_stats["lp"].values[c])


def test_strict_raises_with_the_failed_chain(failing_chain_2):
    make, _ = failing_chain_2
    with pytest.raises(exmc.ChainError, match="chain 2: warmup iteration") as info:
        exmc.sample(make().compiled, chains=4, strict=True, **_FAIL_KW)
    assert list(info.value.failed) == [2]
    assert "-7" in info.value.failed[2]


def test_failed_chain_while_streaming(failing_chain_2):
    make, good = failing_chain_2
    kw = {k: v for k, v in _FAIL_KW.items() if k != "progressbar"}
    with pytest.warns(RuntimeWarning, match="1 of 4 chains failed.*chain 2"):
        batches = list(exmc.sample_stream(make().compiled, chains=4, **kw))
    assert {b.chain for b in batches} == {0, 1, 3}  # chain 2 failed in warmup
    tree = concat(batches)
    assert list(tree.posterior.chain.values) == [0, 1, 2]
    assert np.array_equal(tree.posterior["b"].values, good.posterior["b"].values[[0, 1, 3]])

    with pytest.raises(exmc.ChainError, match="chain 2"):
        for _ in exmc.sample_stream(make().compiled, chains=4, strict=True, **kw):
            pass

    run = exmc.sample(make().compiled, chains=4, blocking=False, **kw)
    assert run.wait(timeout=30)
    assert list(run.failed) == [2]
    with pytest.warns(RuntimeWarning, match="chain 2"):
        tree = run.result()
    assert tree.posterior.sizes["chain"] == 3


def test_concat_of_a_partial_run_keeps_chain_numbers(eight_schools):
    with exmc.sample_stream(eight_schools, draws=200, tune=50, chains=3, random_seed=3, batch_size=25) as s:
        batches = list(s)
    some = [b for b in batches if b.chain != 1 and not b.tuning and b.draw[-1] < (100 if b.chain == 0 else 150)]
    tree = concat(some, model=eight_schools, partial=True)
    assert list(tree.posterior.chain.values) == [0, 2]
    shortest = min(sum(len(b) for b in some if b.chain == c) for c in (0, 2))
    assert 0 < shortest <= 100 and tree.posterior.sizes["draw"] == shortest
    full = concat(batches, model=eight_schools)
    assert np.array_equal(tree.posterior["mu"].values, full.posterior["mu"].values[[0, 2], :shortest])
    assert concat([], partial=True) is None
    with pytest.raises(ValueError):
        concat([])
    dropped = concat(batches, model=eight_schools, drop_chains=[1])
    assert dropped.posterior.sizes["chain"] == 2



def test_live_trace_example_runs_without_a_display(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    pytest.importorskip("matplotlib")
    script = Path(__file__).resolve().parents[2] / "examples" / "live_trace.py"
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("DISPLAY", None)
    # the script runs elsewhere: paths given relative to here must still hold
    for key in ("EXMC_LIBRARY", "EXMC_HEADER"):
        if key in env:
            env[key] = os.path.abspath(env[key])
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in env["PYTHONPATH"].split(os.pathsep))
    args = ["--rows", "200", "--draws", "200", "--tune", "200", "--chains", "2", "--every", "0.05",
            "--frames", str(tmp_path / "frames")]
    done = subprocess.run([sys.executable, str(script), *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "400 draws" in done.stdout
    assert (tmp_path / "live_trace.png").stat().st_size > 0
    assert list((tmp_path / "frames").glob("frame*.png"))


def test_stream_takes_the_adaptation_options(eight_schools):
    """sample_stream takes exmc.sample's options, the adaptation's included:
    the streamed draws equal the blocking ones for the same options and
    seed."""
    kw = dict(draws=60, tune=100, chains=1, random_seed=5, metric="variance", schedule="windowed",
              criterion="momentum_sum")
    with exmc.sample_stream(eight_schools, **kw) as stream:
        streamed = concat(list(stream), model=eight_schools)
    _assert_same_tree(exmc.sample(eight_schools, progressbar=False, **kw), streamed)
    with pytest.raises(ValueError, match="metric must be one of"):
        exmc.sample_stream(eight_schools, metric="dense")
    with pytest.raises(ValueError, match="schedule must be one of"):
        exmc.sample_stream(eight_schools, schedule="stan")
