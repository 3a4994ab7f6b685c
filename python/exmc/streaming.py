"""Draws while the chains run: ``exmc.sample_stream``.

Each batch is one chain's consecutive draws of one phase, taken from the
library with one call (``exmc_run_next``) and handed over as Arrow, so the
arrays of a :class:`Batch` are views of the library's buffers. Batches of
different chains interleave in the order they were made; :func:`concat`
puts any collection of them back together as a DataTree.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import numpy as np

from .progress import DEFAULT_INTERVAL, ChainProgress, ProgressBar
from .runs import POLL_MS, NativeRun, Options, failure_message
from .trace import _column_shape, arrow_to_numpy, group_fields

_INDEX = ("chain", "draw", "warmup")


@dataclass(frozen=True, eq=False)
class Batch:
    """Consecutive draws of one chain in one phase.

    ``draw`` holds the draws' indices within their phase (warmup and
    posterior are each counted from 0); ``posterior`` maps each variable
    to an array with the draws as leading axis, ``stats`` each sample
    statistic (ArviZ names) likewise, and ``log_likelihood`` each observed
    variable's pointwise log-likelihood when it was asked for. ``record``
    is the Arrow record batch the arrays are views of."""

    chain: int
    draw: np.ndarray
    tuning: bool
    posterior: dict[str, np.ndarray]
    stats: dict[str, np.ndarray]
    log_likelihood: dict[str, np.ndarray] = field(default_factory=dict)
    record: Any = None

    def __len__(self) -> int:
        return len(self.draw)

    def __repr__(self) -> str:
        phase = "warmup" if self.tuning else "posterior"
        span = f"{self.draw[0]}..{self.draw[-1]}" if len(self.draw) else "-"
        return f"<exmc.Batch chain {self.chain}, {phase} draws {span}, variables {list(self.posterior)}>"

    @classmethod
    def from_arrow(cls, record: Any) -> "Batch":
        """A Batch over a record batch in the layout of ``exmc_run_next``."""
        n = record.num_rows
        names = record.schema.names
        for col in _INDEX:
            if col not in names:
                raise ValueError(f"the batch has no {col!r} column")
        chains = arrow_to_numpy(record.column("chain"))
        if n and np.any(chains != chains[0]):
            raise ValueError("a batch holds the draws of one chain")
        warm = arrow_to_numpy(record.column("warmup"))
        groups: dict[str, dict[str, np.ndarray]] = {}
        for group, members in group_fields(record).items():
            groups[group] = {
                f.name: arrow_to_numpy(column).reshape((n,) + _column_shape(f, column)) for f, column in members
            }
        posterior = groups.get("posterior", {})
        stats = groups.get("sample_stats", {})
        loglik = groups.get("log_likelihood", {})
        return cls(
            chain=int(chains[0]) if n else -1,
            draw=arrow_to_numpy(record.column("draw")),
            tuning=bool(warm[0]) if n else False,
            posterior=posterior,
            stats=stats,
            log_likelihood=loglik,
            record=record,
        )


def _records(batches: Iterable[Any]) -> list:
    out = []
    for b in batches:
        out.append(b.record if isinstance(b, Batch) else b)
    return out


def concat(
    batches: Iterable[Any],
    *,
    model: Any = None,
    partial: bool = False,
    drop_chains: Iterable[int] = (),
    **kwargs: Any,
):
    """Put batches (:class:`Batch` or their Arrow record batches, in any
    order) together as one DataTree, as ``exmc.sample`` would have made it
    from the same draws.

    Chains listed in ``drop_chains`` (failed ones, say) are left out. With
    ``partial``, the batches are those of a run still going: chains are
    cut to the shortest, those without a draw are left out, and the
    ``chain`` coordinate keeps the chains' own numbers; None when there is
    no draw at all. Other keyword arguments go to :func:`exmc.to_datatree`
    (``sampling_time``, ``attrs``, ...).
    """
    import pyarrow as pa

    from .trace import from_arrow

    records = [r for r in _records(batches) if r.num_rows]
    if not records:
        if partial:
            return None
        raise ValueError("there are no draws to put together")
    table = pa.Table.from_batches(records)
    chain = np.asarray(table.column("chain").to_numpy(), dtype=np.int64)
    warm = np.asarray(table.column("warmup").to_numpy(zero_copy_only=False), dtype=bool)
    draw = np.asarray(table.column("draw").to_numpy(), dtype=np.int64)
    keep = ~np.isin(chain, np.fromiter(drop_chains, dtype=np.int64))
    # chain-major, each chain's warmup first, draws in order
    order = np.lexsort((draw, ~warm, chain))
    order = order[keep[order]]
    ids = np.unique(chain[order])
    if len(ids) == 0:
        if partial:
            return None
        raise ValueError("every chain with draws was dropped")
    if partial:
        mine = {c: order[chain[order] == c] for c in ids}
        n_warm = {c: int(np.sum(warm[rows])) for c, rows in mine.items()}
        cut_warm = min(n_warm.values())
        cut_post = min(len(rows) - n_warm[c] for c, rows in mine.items())
        if cut_warm == 0 and cut_post == 0:
            return None
        order = np.concatenate(
            [np.concatenate([rows[:cut_warm], rows[n_warm[c] : n_warm[c] + cut_post]]) for c, rows in mine.items()]
        )
        coords = dict(kwargs.pop("coords", None) or {})
        coords.setdefault("chain", [int(c) for c in ids])
        kwargs["coords"] = coords
    table = table.take(pa.array(order, pa.int64()))
    return from_arrow(table, model=model, **kwargs)


class Stream:
    """Batches of draws while the chains run; see :func:`sample_stream`.

    Iterate over it for :class:`Batch` objects. ``close()`` (also at the
    end of a ``with`` block, when a ``for`` loop over a temporary stream is
    left with ``break``, or when the stream is garbage-collected) stops
    every chain and frees the run."""

    def __init__(
        self,
        compiled: Any,
        options: Options,
        *,
        strict: bool = False,
        progressbar: Any = False,
        poll_ms: int = POLL_MS,
    ):
        self.compiled = compiled
        self.options = options
        self.strict = strict
        self._poll_ms = int(poll_ms)
        self._progress: list[ChainProgress] | None = None
        self._failed: dict[int, str] | None = None
        self._bar: ProgressBar | None = None
        self._last_draw = 0.0
        self._native: NativeRun | None = NativeRun(compiled, options.to_c())
        if progressbar:
            mode = progressbar if isinstance(progressbar, str) else "auto"
            self._bar = ProgressBar(self._native.progress, mode=mode)

    # -- iteration ---------------------------------------------------------------
    def __iter__(self) -> Iterator[Batch]:
        return self

    def __next__(self) -> Batch:
        native = self._native
        if native is None:
            raise StopIteration
        try:
            while True:
                self._draw_progress()
                code, record = native.next(self._poll_ms)
                if record is not None:
                    return Batch.from_arrow(record)
                if code == native.lib.EXMC_DONE:
                    break
        except BaseException:
            # KeyboardInterrupt, or an error from the library: stop the chains
            self.close()
            raise
        self._finish()
        raise StopIteration

    def _draw_progress(self, force: bool = False) -> None:
        if self._bar is None:
            return
        now = time.monotonic()
        if force or now - self._last_draw >= DEFAULT_INTERVAL:
            self._last_draw = now
            self._bar.update()

    def _finish(self) -> None:
        """The run ended and every batch was taken: report failed chains."""
        native = self._native
        self._draw_progress(force=True)
        failed = native.chain_errors()
        self.close()
        if not failed:
            return
        from ._errors import ChainError

        chains = self.options.chains
        if self.strict or len(failed) == chains:
            raise ChainError(f"{len(failed)} of {chains} chains failed: {failure_message(failed)}", failed)
        import warnings

        warnings.warn(
            f"{len(failed)} of {chains} chains failed (their batches stop where they failed): "
            + failure_message(failed),
            RuntimeWarning,
            stacklevel=3,
        )

    # -- state and control -------------------------------------------------------
    @property
    def progress(self) -> list[ChainProgress]:
        """Each chain's progress (the last before ``close()`` once closed)."""
        if self._native is not None:
            return self._native.chain_progress()
        return list(self._progress or [])

    @property
    def failed(self) -> dict[int, str]:
        """Chains that failed for good so far: chain -> cause."""
        if self._native is not None:
            return self._native.chain_errors()
        return dict(self._failed or {})

    @property
    def closed(self) -> bool:
        return self._native is None

    def cancel(self) -> None:
        """Ask every chain to stop; batches already made can still be
        taken, then iteration ends."""
        if self._native is not None:
            self._native.cancel()

    def close(self) -> None:
        """Stop every chain, wait for them (within one transition) and free
        the run."""
        native, self._native = self._native, None
        if native is None:
            return
        try:
            native.cancel()
            native.wait(-1)
            self._progress = native.chain_progress()
            self._failed = native.chain_errors()
        finally:
            native.free()
            if self._bar is not None:
                self._bar.close()

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


def sample_stream(
    model: Any = None,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    cores: int | None = None,
    random_seed: Any = None,
    target_accept: float = 0.8,
    max_treedepth: int = 10,
    init: str | None = None,
    save_warmup: bool = False,
    log_likelihood: bool = False,
    progressbar: Any = False,
    dense_mass: bool = False,
    strict: bool = False,
    batch_size: int = 50,
    metric: str | None = None,
    schedule: str | None = None,
    criterion: str | None = None,
) -> Stream:
    """Sample as :func:`exmc.sample` does, yielding batches of draws while
    the chains run::

        with exmc.sample_stream(model, random_seed=1) as stream:
            for batch in stream:
                print(batch.chain, batch.draw[-1], batch.posterior["mu"].mean())

    Each :class:`Batch` holds at most ``batch_size`` consecutive draws of
    one chain (a chain also sends what it has every 0.1 s); warmup batches
    (``batch.tuning``) come only with ``save_warmup=True``. Breaking out of
    the loop and closing the stream stops every chain. ``concat(batches,
    model=model)`` gives the DataTree ``exmc.sample`` returns for the same
    seed.

    A chain that fails for good stops sending batches; at the end its
    failure is reported in a warning, or raised as ChainError with
    ``strict=True`` (or when every chain failed). ``progressbar`` is off by
    default here, the loop being the caller's.
    """
    from .sampling import _compile, _pymc_model

    if _pymc_model(model) is not None:
        raise NotImplementedError("sample_stream takes exmc models; a pymc.Model is sampled by exmc.sample only")
    options = Options.checked(
        draws=draws, tune=tune, chains=chains, cores=cores, random_seed=random_seed,
        target_accept=target_accept, max_treedepth=max_treedepth, init=init, save_warmup=save_warmup,
        log_likelihood=log_likelihood, dense_mass=dense_mass, batch_size=batch_size, metric=metric,
        schedule=schedule, criterion=criterion,
    )
    compiled = _compile(model)
    return Stream(compiled, options, strict=strict, progressbar=progressbar)


__all__ = ["Batch", "Stream", "sample_stream", "concat"]
