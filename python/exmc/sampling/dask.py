"""Chains on a Dask cluster: ``exmc.sample(model, client=client)``.

Each task samples one chain (or a block of consecutive chains) in a worker
process. The model travels as what it was compiled from, its JSON document
and its data as Arrow, packed in one Arrow IPC stream; each worker compiles
it once and keeps it for the run's other tasks. A task numbers its chains
from their place in the whole run (``first_chain`` in exmc.h), and a
chain's random stream depends on the seed and its number only, so the
draws are those of a local run with the same seed, whichever worker runs
which chain, and however often a task is run again after a worker died.

Tasks publish their chains' progress as Dask events (``log_event``, no
round trip); the client subscribes to them and draws the progress bar.
Cancelling (Ctrl-C) sets a Dask Event that running tasks poll.

Worker processes must not be forked from a process that had loaded
libexmc (the Go runtime does not survive ``fork()``): Dask's default start
method, "spawn", is the right one, and a task refuses to run in a worker
whose configuration says "fork".
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from typing import Any

from .. import _ffi
from ..compiled import CompiledModel
from ..progress import DEFAULT_INTERVAL, ChainProgress, ProgressBar
from ..trace import from_arrow
from .native import NativeRun, as_progress, settle_failures
from .options import SAMPLING, Keyword, Options, documented
from .target import compile_model, pymc_model

#: the event topic tasks publish progress under (one for every run; each
#: message names its run)
TOPIC = "exmc-progress"

# a model payload larger than this is scattered to the workers once instead
# of travelling with every task
_SCATTER_BYTES = 4 << 20

# seconds between two progress messages of a task (and two looks at the
# stop event)
_PUBLISH_SECONDS = 0.2

# models compiled in this worker process, by payload digest
_MODELS: OrderedDict[str, Any] = OrderedDict()
_MODELS_MAX = 8
_models_lock = threading.Lock()


class ForkedWorkerError(RuntimeError):
    """A Dask worker started with the "fork" method was asked to sample."""


# -- the model as one Arrow IPC stream ------------------------------------------

_MODEL_KEY = b"exmc:model"


def pack_model(doc: str, arrays: dict[str, Any]) -> bytes:
    """The model's JSON document (schema metadata) and data arrays (one row
    of list columns, values flattened) as Arrow IPC stream bytes."""
    import numpy as np
    import pyarrow as pa

    fields, columns = [], []
    for name, value in arrays.items():
        flat = pa.array(np.ascontiguousarray(value).reshape(-1))
        columns.append(pa.ListArray.from_arrays(pa.array([0, len(flat)], pa.int32()), flat))
        fields.append(pa.field(name, columns[-1].type, nullable=False))
    schema = pa.schema(fields, metadata={_MODEL_KEY: doc.encode()})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as writer:
        if columns:
            writer.write_batch(pa.record_batch(columns, schema=schema))
    return sink.getvalue().to_pybytes()


def unpack_model(blob: bytes) -> tuple[str, dict[str, Any]]:
    import pyarrow as pa

    reader = pa.ipc.open_stream(blob)
    doc = reader.schema.metadata[_MODEL_KEY].decode()
    table = reader.read_all()
    arrays = {}
    for name, column in zip(table.column_names, table.columns):
        arrays[name] = column.chunk(0).flatten().to_numpy(zero_copy_only=False)
    return doc, arrays


def _compiled(blob: bytes) -> Any:
    key = hashlib.sha256(blob).hexdigest()
    with _models_lock:
        if key in _MODELS:
            _MODELS.move_to_end(key)
            return _MODELS[key]
    doc, arrays = unpack_model(blob)
    compiled = CompiledModel.from_source(doc, arrays)
    with _models_lock:
        _MODELS[key] = compiled
        while len(_MODELS) > _MODELS_MAX:
            _MODELS.popitem(last=False)
    return compiled


# -- the task -------------------------------------------------------------------


def check_start_method() -> None:
    """Refuse to sample in a worker started by ``fork()``: raise
    ForkedWorkerError naming the setting to change."""
    import dask

    method = dask.config.get("distributed.worker.multiprocessing-method", default=None)
    if method == "fork":
        raise ForkedWorkerError(
            "exmc cannot sample in a Dask worker started with fork(): the Go runtime inside libexmc "
            "does not survive a fork. Start the workers with the 'spawn' method (Dask's default): "
            "set distributed.worker.multiprocessing-method to 'spawn', e.g. "
            "DASK_DISTRIBUTED__WORKER__MULTIPROCESSING_METHOD=spawn"
        )
    # the library's own check: loaded in a parent process before a fork
    _ffi.load()


def _record(chain: int, p: ChainProgress, failed: bool, ended: bool = False) -> dict:
    return {
        "chain": chain, "draws_done": p.draws_done, "total": p.total, "divergences": p.divergences,
        "finished": p.finished or ended, "tuning": p.tuning and not ended, "failed": failed,
    }


def _progress_records(run: NativeRun, ended: bool = False) -> list[dict]:
    """Each chain's progress; ``ended`` once the run has ended, when every
    chain has finished even if its flag is not raised yet (the run ends
    just before its last chain's flag is, DECISIONS 34)."""
    return [_record(int(r.chain), as_progress(r), bool(r.failed), ended) for r in run.progress()]


def sample_chains(model: bytes, first: int, count: int, options: dict, run_id: str) -> dict:
    """Sample chains ``first`` .. ``first + count - 1`` of a run (a Dask
    task). Returns the draws as Arrow IPC stream bytes, failed chains
    (number -> cause) and the chains' last progress."""
    import pyarrow as pa

    check_start_method()
    compiled = _compiled(model)
    opts = Options(**options).replace(first_chain=first, chains=count, cores=count)
    publish, stopped = _worker_channel(run_id)
    run = NativeRun(compiled, opts.to_c())
    try:
        while not run.wait(int(_PUBLISH_SECONDS * 1000)):
            publish(_progress_records(run))
            if stopped():
                run.cancel()
        records = _progress_records(run, ended=True)
        publish(records)
        failed = run.chain_errors()
        table = run.result(allow_cancelled=True).read_all()
    finally:
        run.free()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return {"first": first, "count": count, "arrow": sink.getvalue().to_pybytes(), "failed": failed,
            "progress": records}


def _worker_channel(run_id: str):
    """(publish(records), stopped()) for a task: progress goes out as an
    event; the stop flag is a Dask Event, looked at no more often than
    progress is published. Outside a worker (a task run in place), both
    do nothing."""
    try:
        from distributed import Event, get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return (lambda records: None), (lambda: False)
    stop = Event(f"exmc-stop-{run_id}")

    def publish(records: list[dict]) -> None:
        try:
            worker.log_event(TOPIC, {"run": run_id, "chains": records})
        except Exception:
            pass  # progress is a courtesy; sampling goes on without it

    def stopped() -> bool:
        try:
            return bool(stop.is_set())
        except Exception:
            return False

    return publish, stopped


# -- the client -----------------------------------------------------------------


class _Subscriptions:
    """One handler per client for the progress topic, dispatching each
    message to the run it names (a client may run several at once)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, dict[str, Any]] = {}

    def add(self, client: Any, run_id: str, callback: Any) -> None:
        with self._lock:
            runs = self._runs.setdefault(client.id, {})
            first = not runs
            runs[run_id] = callback
            if first:
                client.subscribe_topic(TOPIC, lambda event: self._dispatch(client.id, event))

    def remove(self, client: Any, run_id: str) -> None:
        with self._lock:
            runs = self._runs.get(client.id, {})
            runs.pop(run_id, None)
            if not runs:
                self._runs.pop(client.id, None)
                try:
                    client.unsubscribe_topic(TOPIC)
                except Exception:
                    pass

    def _dispatch(self, client_id: str, event: Any) -> None:
        _, msg = event
        with self._lock:
            callback = self._runs.get(client_id, {}).get(msg.get("run"))
        if callback is not None:
            callback(msg.get("chains") or [])


_subscriptions = _Subscriptions()


def sample_on(
    client: Any,
    compiled: Any,
    options: Options,
    *,
    progressbar: Any = True,
    strict: bool = False,
    attrs: dict | None = None,
    chains_per_task: int = 1,
    retries: int = 2,
    stacklevel: int = 2,
):
    """Sample ``compiled`` with checked ``options`` on the workers of
    ``client``; returns the DataTree ``exmc.sample`` returns locally."""
    import pyarrow as pa

    if chains_per_task < 1:
        raise ValueError(f"chains_per_task must be at least 1, got {chains_per_task}")
    doc, arrays = compiled.source()
    blob = pack_model(doc, arrays)
    model_arg: Any = blob
    if len(blob) > _SCATTER_BYTES:
        # replicated on every worker, so that losing one loses no copy
        model_arg = client.scatter(blob, broadcast=True, hash=False)
    run_id = uuid.uuid4().hex
    chains = options.chains
    total = options.tune + options.draws
    records: dict[int, dict] = {}

    def on_progress(chain_records: list[dict]) -> None:
        for r in chain_records:
            records[int(r["chain"])] = r

    def poll() -> list[dict]:
        blank = {"draws_done": 0, "total": total, "divergences": 0, "finished": False, "tuning": options.tune > 0}
        return [records.get(c, blank) for c in range(chains)]

    task_options = dataclasses.asdict(options)
    blocks = [(first, min(chains_per_task, chains - first)) for first in range(0, chains, chains_per_task)]
    _subscriptions.add(client, run_id, on_progress)
    mode = progressbar if isinstance(progressbar, str) else "auto"
    bar = ProgressBar(poll, enabled=bool(progressbar), mode=mode)
    started = time.perf_counter()
    futures = []
    try:
        for first, count in blocks:
            futures.append(
                client.submit(
                    sample_chains, model_arg, first, count, task_options, run_id,
                    key=f"exmc-chains-{first}-{first + count - 1}-{run_id}", pure=False, retries=retries,
                )
            )
        while not all(f.done() for f in futures):
            bar.update()
            time.sleep(DEFAULT_INTERVAL)
        results = client.gather(futures)
        for res in results:
            on_progress(res["progress"])
        bar.update()
    except BaseException:
        _stop(client, run_id, futures)
        raise
    finally:
        bar.close()
        _subscriptions.remove(client, run_id)
    elapsed = time.perf_counter() - started

    results.sort(key=lambda r: r["first"])
    tables = [pa.ipc.open_stream(r["arrow"]).read_all() for r in results]
    table = pa.concat_tables(tables)
    failed = {int(c): m for r in results for c, m in r["failed"].items()}
    table = settle_failures(failed, options.chain_numbers, strict=strict, table=table, stacklevel=stacklevel + 1)
    return from_arrow(
        table,
        model=compiled.model,
        sampling_time=elapsed,
        tuning_steps=options.tune,
        attrs=attrs,
    )


def _stop(client: Any, run_id: str, futures: list) -> None:
    """Stop running tasks (they look at the event a few times a second)
    and drop queued ones."""
    try:
        from distributed import Event

        Event(f"exmc-stop-{run_id}", client=client).set()
    except Exception:
        pass
    try:
        client.cancel(futures)
    except Exception:
        pass


#: the keyword that sends a run to a Dask cluster (exmc.sample's too)
CLIENT = Keyword("client", None, "a dask.distributed.Client: each chain runs as a task on its workers")

#: the keywords of exmc.dask.sample beside exmc.sample's
DASK = SAMPLING.extend(
    CLIENT,
    Keyword("chains_per_task", 1, "chains sampled in each task (1: as many tasks as chains, the most parallel)"),
    Keyword("retries", 2, "how often a task that raised is run again"),
)


def sample(model: Any = None, *args: Any, **kwargs: Any):
    """``exmc.sample`` on a Dask cluster, with the task layout exposed.

    ``chains_per_task`` chains run in each task (1: as many tasks as
    chains, the most parallel); ``retries`` is how often a task that
    raised is run again (a task whose worker died is run again elsewhere
    by the scheduler regardless, up to ``distributed.scheduler.
    allowed-failures`` times). The other keywords are those of
    :func:`exmc.sample`.
    """
    call = DASK.bind("sample", (model, *args), kwargs)
    if call["client"] is None:
        raise TypeError("exmc.dask.sample() needs client=, a dask.distributed.Client")
    if pymc_model(call["model"]) is not None:
        raise NotImplementedError("exmc.dask.sample takes exmc models; a pymc.Model is sampled in place")
    options = call.checked_options()
    compiled = compile_model(call["model"])
    attrs = {"random_seed": options.random_seed, **compiled.parameterisation_attrs()}
    return sample_on(
        call["client"], compiled, options, progressbar=call["progressbar"], strict=call["strict"], attrs=attrs,
        chains_per_task=call["chains_per_task"], retries=call["retries"],
    )


documented(sample, DASK)

__all__ = ["sample", "sample_on", "sample_chains", "check_start_method", "ForkedWorkerError", "TOPIC"]
