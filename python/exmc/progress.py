"""Progress display for a sampling run.

The sampling loop owns the run; this module only reads per-chain progress
records through a callable and draws them, either as one tqdm bar per chain
(``tqdm.auto``, so Jupyter gets widgets) or as a single ``\\r``-rewritten line
on stderr. Polling is driven from Python (every ~0.15 s) so that the Go core
never calls back into Python while chains run.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

#: seconds between two polls of the sampling loop
DEFAULT_INTERVAL = 0.15

# a log file gets a line this often at most, instead of a \r line per poll
_NON_TTY_INTERVAL = 10.0


@dataclass
class ChainProgress:
    """Progress of one chain. ``draws_done`` and ``total`` count all the
    chain's iterations, warmup included."""

    draws_done: int
    total: int
    divergences: int = 0
    finished: bool = False
    tuning: bool = False


_FIELDS = ("draws_done", "total", "divergences", "finished", "tuning")


def as_chain_progress(record: Any) -> ChainProgress:
    """Read a progress record: a ChainProgress, a mapping, an object with the
    fields as attributes (a cffi struct, for instance) or a tuple in field
    order."""
    if isinstance(record, ChainProgress):
        return record
    if isinstance(record, Mapping):
        values = [record.get(f) for f in _FIELDS]
    elif isinstance(record, (tuple, list)):
        values = list(record) + [None] * (len(_FIELDS) - len(record))
    else:
        values = [getattr(record, f, None) for f in _FIELDS]
    done, total, div, finished, tuning = values
    if done is None or total is None:
        raise ValueError(f"a progress record needs draws_done and total, got {record!r}")
    return ChainProgress(int(done), int(total), int(div or 0), bool(finished), bool(tuning))


def _interactive(file: Any) -> bool:
    if "ipykernel" in sys.modules:
        return True
    isatty = getattr(file, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed file
        return False


class ProgressBar:
    """Draws the progress of every chain.

    Parameters
    ----------
    poll : callable returning a sequence of per-chain progress records
    enabled : False draws nothing (``update`` still polls)
    mode : "auto" (tqdm if installed, else "simple"), "tqdm" or "simple"
    file : where to draw; stderr (looked up at each write) by default
    """

    def __init__(
        self,
        poll: Callable[[], Sequence[Any]],
        *,
        enabled: bool = True,
        mode: str = "auto",
        file: Any = None,
        description: str = "Sampling",
    ):
        if mode not in ("auto", "tqdm", "simple"):
            raise ValueError(f"progress bar mode must be 'auto', 'tqdm' or 'simple', got {mode!r}")
        self._poll = poll
        self.enabled = bool(enabled)
        self._file = file
        self.description = description
        self._tqdm = None
        # tqdm's bars are for a terminal or a notebook; a log file gets the
        # occasional plain line instead of escape sequences.
        if mode == "auto" and not _interactive(self.file):
            mode = "simple"
        if self.enabled and mode in ("auto", "tqdm"):
            try:
                from tqdm.auto import tqdm
            except ImportError:
                if mode == "tqdm":
                    raise
            else:
                self._tqdm = tqdm
        self._bars: list = []
        self._start = time.monotonic()
        self._start_done: int | None = None
        self._last_line = ""
        self._last_non_tty = 0.0
        self._closed = False
        self.records: list[ChainProgress] = []

    @property
    def file(self):
        return self._file if self._file is not None else sys.stderr

    @property
    def all_finished(self) -> bool:
        return bool(self.records) and all(r.finished for r in self.records)

    def update(self) -> list[ChainProgress]:
        """Poll once and redraw; returns the records."""
        self.records = [as_chain_progress(r) for r in self._poll()]
        if self.enabled and not self._closed:
            if self._tqdm is not None:
                self._draw_tqdm()
            else:
                self._draw_simple(final=False)
        return self.records

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not self.enabled:
            return
        if self._tqdm is not None:
            for bar in self._bars:
                bar.close()
        elif self.records:
            self._draw_simple(final=True)

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- tqdm ---------------------------------------------------------------
    def _draw_tqdm(self) -> None:
        while len(self._bars) < len(self.records):
            i = len(self._bars)
            self._bars.append(
                self._tqdm(
                    total=self.records[i].total,
                    desc=f"Chain {i}",
                    position=i,
                    leave=True,
                    unit="draws",
                    file=self._file,
                    dynamic_ncols=True,
                    mininterval=0,
                )
            )
        for bar, rec in zip(self._bars, self.records):
            if bar.total != rec.total:
                bar.total = rec.total
            delta = rec.draws_done - bar.n
            if delta > 0:
                bar.update(delta)
            phase = "done" if rec.finished else ("tuning" if rec.tuning else "sampling")
            bar.set_postfix_str(f"{phase}, {rec.divergences} divergences", refresh=False)
            bar.refresh()

    # -- plain text -----------------------------------------------------------
    def _line(self) -> str:
        recs = self.records
        done = sum(r.draws_done for r in recs)
        total = sum(r.total for r in recs)
        if self._start_done is None:
            self._start_done = done
        elapsed = max(time.monotonic() - self._start, 1e-9)
        rate = (done - self._start_done) / elapsed
        div = sum(r.divergences for r in recs)
        pct = 100.0 * done / total if total else 100.0
        chains = "  ".join(
            f"{i}:{r.draws_done}/{r.total}{' done' if r.finished else (' tune' if r.tuning else '')}"
            for i, r in enumerate(recs)
        )
        return (
            f"{self.description} {len(recs)} chains {pct:3.0f}% {done}/{total} draws "
            f"{rate:.0f} draws/s {div} divergences | {chains}"
        )

    def _draw_simple(self, final: bool) -> None:
        f = self.file
        line = self._line()
        tty = bool(getattr(f, "isatty", lambda: False)())
        if tty:
            pad = " " * max(0, len(self._last_line) - len(line))
            f.write("\r" + line + pad + ("\n" if final else ""))
        else:
            now = time.monotonic()
            if not final and now - self._last_non_tty < _NON_TTY_INTERVAL and self._last_non_tty:
                return
            self._last_non_tty = now
            f.write(line + "\n")
        self._last_line = line
        f.flush()


def track(
    poll: Callable[[], Sequence[Any]],
    *,
    progressbar: bool | str = True,
    interval: float = DEFAULT_INTERVAL,
    done: Callable[[], bool] | None = None,
    on_interrupt: Callable[[], None] | None = None,
    file: Any = None,
    wait: Callable[[float], Any] | None = None,
) -> list[ChainProgress]:
    """Poll ``poll`` every ``interval`` seconds, drawing progress, until every
    chain reports ``finished`` (or ``done()`` returns True).

    Between polls, ``wait(interval)`` is called instead of sleeping when it
    is given: it should block until the run ends or the interval passes,
    whichever comes first, so that a short run is not rounded up to a whole
    interval. ``progressbar`` is True/False or a mode ("tqdm", "simple"). On
    Ctrl-C ``on_interrupt`` is called (to cancel the run; a Go call is not
    interrupted by a signal) and KeyboardInterrupt is raised again.
    Returns the last records.
    """
    mode = progressbar if isinstance(progressbar, str) else "auto"
    bar = ProgressBar(poll, enabled=bool(progressbar), mode=mode, file=file)
    try:
        while True:
            records = bar.update()
            if (done is not None and done()) or bar.all_finished:
                if done is not None and not bar.all_finished:
                    records = bar.update()
                return records
            if wait is not None:
                wait(interval)
            else:
                time.sleep(interval)
    except KeyboardInterrupt:
        if on_interrupt is not None:
            on_interrupt()
        raise
    finally:
        bar.close()


__all__ = ["ChainProgress", "ProgressBar", "track", "as_chain_progress", "DEFAULT_INTERVAL"]
