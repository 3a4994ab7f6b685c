"""Peak memory of a process and the processes it starts.

``getrusage(RUSAGE_CHILDREN).ru_maxrss`` in a parent that has started just
one child gives that child's peak resident set, but for a child that forks
workers (PyMC's multiprocess sampling) it is the peak of the largest single
process, not of all of them together. :class:`TreeSampler` therefore also
polls the proportional set size (PSS: shared pages split between the
processes that share them, so forked copies are not counted twice) of the
process and all its descendants, and keeps the peak of the sum.
"""

from __future__ import annotations

import os
import threading


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    out.extend(int(c) for c in f.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_kb(root: int | None = None) -> int:
    root = os.getpid() if root is None else root
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _pss_kb(pid)
        todo.extend(_children(pid))
    return total


class TreeSampler:
    """Polls :func:`tree_pss_kb` every ``interval`` seconds in a thread."""

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        # the first poll waits an interval: a poll costs about a millisecond
        # of CPU, and taken as a run starts it competes with the run's own
        # threads, which on all cores stretches a run of a few milliseconds
        # by a tenth; __exit__ reads the tree once more at the end
        while not self._stop.wait(self.interval):
            self.peak_kb = max(self.peak_kb, tree_pss_kb())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak_kb = max(self.peak_kb, tree_pss_kb())
        return False
