"""Draws as they come out of a run: :class:`Batch` and :func:`concat`.

A batch is one chain's consecutive draws of one phase, in the Arrow layout
of ``exmc_run_next`` (exmc.h), its arrays views of the library's buffers.
:func:`concat` puts any collection of batches back together as the
DataTree ``exmc.sample`` would have made from the same draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from ..trace import _column_shape, arrow_to_numpy, from_arrow, group_fields

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


__all__ = ["Batch", "concat"]
