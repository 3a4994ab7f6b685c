"""Chains as tasks on a Dask cluster (exmc.sample(..., client=client)).

One LocalCluster with two spawned worker processes serves the module: it
takes a few seconds to start."""

import os
import signal
import threading
import time

import numpy as np
import pytest

import exmc

distributed = pytest.importorskip("distributed")
import dask  # noqa: E402  (after the skip: dask comes with distributed)

import exmc.dask  # noqa: E402
import exmc.sampling.dask  # noqa: E402

SEED = 20
# about a second per chain on one worker, so that a worker can be killed
# while it samples
KW = dict(draws=200_000, tune=500, chains=4, random_seed=SEED)
TOTAL = KW["draws"] + KW["tune"]


def _model():
    y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
    sigma = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
    with exmc.Model(coords={"school": list("ABCDEFGH")}) as m:
        s = exmc.Data("sigma", sigma, dims="school")
        mu = exmc.Normal("mu", mu=0, sigma=5)
        tau = exmc.HalfCauchy("tau", beta=5)
        theta = exmc.Normal("theta", mu=mu, sigma=tau, dims="school")
        exmc.Normal("y", mu=theta, sigma=s, observed=y, dims="school")
    return m


@pytest.fixture(scope="module")
def model():
    return _model()


@pytest.fixture(scope="module")
def reference(model):
    return exmc.sample(model, progressbar=False, **KW)


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.worker.multiprocessing-method": "spawn"}):
        cluster = LocalCluster(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None)
        c = Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def _assert_same_tree(a, b):
    assert sorted(a.children) == sorted(b.children)
    for group in a.children:
        assert sorted(a[group].data_vars) == sorted(b[group].data_vars), group
        for name in a[group].data_vars:
            assert a[group][name].dims == b[group][name].dims, (group, name)
            assert np.array_equal(a[group][name].values, b[group][name].values), (group, name)
    assert set(a.posterior.attrs) == set(b.posterior.attrs)


def test_four_chains_on_two_workers_match_a_local_run(client, model, reference, monkeypatch):
    seen = []

    class Recording(exmc.ProgressBar):
        def update(self):
            records = super().update()
            seen.append([(r.draws_done, r.total, r.finished) for r in records])
            return records

    monkeypatch.setattr(exmc.sampling.dask, "ProgressBar", Recording)
    tree = exmc.sample(model, client=client, progressbar=False, **KW)
    _assert_same_tree(reference, tree)
    assert tree.posterior.attrs["random_seed"] == SEED
    # the workers' progress reached the client while they sampled
    live = [recs for recs in seen if any(0 < done < total for done, total, _ in recs)]
    assert live, seen[:3]
    assert seen[-1] == [(TOTAL, TOTAL, True)] * 4


def test_blocks_of_chains_per_task(client, model, reference):
    tree = exmc.dask.sample(model, client=client, chains_per_task=3, progressbar=False, **KW)
    _assert_same_tree(reference, tree)


def test_a_worker_killed_mid_run_still_gives_every_chain(client, model, reference):
    pids = client.run(os.getpid)
    started = time.time()
    killed = {}

    def reports():
        """chain -> [(worker, draws done, finished)] as the tasks published them"""
        out = {}
        for stamp, msg in client.get_events(exmc.dask.TOPIC):
            if stamp >= started - 1:
                for r in msg["chains"]:
                    out.setdefault(r["chain"], []).append((msg.get("worker"), r["draws_done"], r["finished"]))
        return out

    def kill_a_sampling_worker():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for chain, rs in reports().items():
                worker, done, finished = rs[-1]
                if 0 < done < 0.75 * TOTAL and not finished and worker in pids:
                    os.kill(pids[worker], signal.SIGKILL)
                    killed.update(worker=worker, chain=chain, done=done)
                    return
            time.sleep(0.02)

    killer = threading.Thread(target=kill_a_sampling_worker)
    killer.start()
    try:
        tree = exmc.sample(model, client=client, progressbar=False, **KW)
    finally:
        killer.join()
    assert killed, "no worker was caught sampling"
    _assert_same_tree(reference, tree)
    # the chain cut short was sampled again, to the end, on another worker
    again = reports()[killed["chain"]]
    assert any(w != killed["worker"] and f and n == TOTAL for w, n, f in again), (killed, again)
    # the nanny starts a new worker; later tests want two again. Starting
    # one imports exmc, PyMC and Dask afresh: on a loaded machine (a CI run
    # beside eight busy processes) that took over 60 s, so the wait is long
    # (it is not a measurement: a worker that never comes still fails)
    client.wait_for_workers(2, timeout=600)


def test_ctrl_c_stops_the_tasks(client, model):
    import _thread

    timer = threading.Timer(1.0, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            exmc.sample(model, client=client, progressbar=False, draws=2_000_000, tune=100, chains=2)
    finally:
        timer.cancel()
    stopped = time.time()
    # a task still sampling would go on publishing its progress; the tasks
    # see the stop event within a fraction of a second and publish no more
    time.sleep(1.0)
    events = client.get_events(exmc.dask.TOPIC)
    assert any(stopped - 1.0 < stamp < stopped + 0.5 for stamp, _ in events)
    late = [msg for stamp, msg in events if stamp > stopped + 0.5]
    assert not late, late


def test_a_fork_started_worker_is_refused(client, model):
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        with pytest.raises(exmc.dask.ForkedWorkerError, match="spawn"):
            exmc.dask.check_start_method()
    exmc.dask.check_start_method()

    key = "distributed.worker.multiprocessing-method"
    client.run(lambda: (dask.config.set({key: "fork"}), None)[1])
    try:
        with pytest.raises(exmc.dask.ForkedWorkerError, match="DASK_DISTRIBUTED__WORKER__MULTIPROCESSING_METHOD"):
            exmc.dask.sample(model, client=client, retries=0, progressbar=False, draws=10, tune=10, chains=2)
    finally:
        client.run(lambda: (dask.config.set({key: "spawn"}), None)[1])


def test_model_travels_as_json_and_arrow(model):
    doc, arrays = exmc.CompiledModel.from_model(model).source()
    blob = exmc.dask.pack_model(doc, arrays)
    doc2, arrays2 = exmc.dask.unpack_model(blob)
    assert doc2 == doc == model.to_json(inline_data=False)
    assert list(arrays2) == list(arrays) == ["sigma", "y_observed"]
    for name, values in arrays.items():
        assert arrays2[name].dtype == values.dtype and np.array_equal(arrays2[name], values.reshape(-1))
    again = exmc.CompiledModel.from_source(doc2, arrays2)
    assert again.info == exmc.CompiledModel.from_model(model).info
    # a model with no data still packs
    assert exmc.dask.unpack_model(exmc.dask.pack_model('{"x": 1}', {})) == ('{"x": 1}', {})


def test_a_model_that_cannot_travel_is_refused_before_anything_runs(client):
    from exmc import _ffi
    from exmc._errors import check, error_out

    ffi, lib, _ = _ffi.load()

    @ffi.callback("int(size_t, const double*, double*, double*, void*)")
    def logp(dim, x, lp, grad, ctx):
        lp[0] = -0.5 * x[0] * x[0]
        if grad != ffi.NULL:
            grad[0] = -x[0]
        return 0

    out = ffi.new("exmc_model**")
    err = error_out(ffi)
    check(lib.exmc_model_from_function(1, logp, ffi.NULL, ffi.NULL, out, err), err, ffi, lib, "model")
    compiled = exmc.CompiledModel._wrap(out[0], None)
    with pytest.raises(ValueError, match="cannot be compiled again in another process"):
        exmc.sample(compiled, client=client, progressbar=False, draws=10, tune=10)
    with pytest.raises(NotImplementedError):
        exmc.sample(compiled, client=client, blocking=False)
