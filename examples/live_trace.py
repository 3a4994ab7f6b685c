"""Watch a model's trace grow while it samples.

    python examples/live_trace.py                  # a window, if the backend has one
    MPLBACKEND=Agg python examples/live_trace.py   # frames saved to live_trace_frames/

Draws arrive in batches from ``exmc.sample_stream`` while the chains run;
the figure is redrawn a few times a second. With an interactive matplotlib
backend the figure is a live window (``plt.pause`` gives the GUI time to
draw); with a non-interactive one (Agg, or a machine with no display) each
redraw is saved as a numbered PNG frame instead, and the last figure as
``live_trace.png``. Close the window or press Ctrl-C to stop sampling: the
chains stop with the loop.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib
import numpy as np

import exmc


def regression(n: int, seed: int = 0) -> exmc.Model:
    """A robust linear regression on n simulated rows: big enough that
    sampling takes a few seconds, so there is something to watch."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    beta = np.array([1.5, -0.7, 0.2])
    y = 0.5 + X @ beta + rng.standard_t(5, size=n)
    with exmc.Model(coords={"predictor": ["x0", "x1", "x2"]}) as m:
        data = exmc.Data("X", X)
        alpha = exmc.Normal("alpha", mu=0, sigma=5)
        b = exmc.Normal("beta", mu=0, sigma=2, dims="predictor")
        sigma = exmc.HalfNormal("sigma", sigma=2)
        exmc.StudentT("y", nu=5, mu=alpha + data @ b, sigma=sigma, observed=y)
    return m


def _interactive_backend() -> bool:
    backend = matplotlib.get_backend().lower()
    try:
        from matplotlib.backends import BackendFilter, backend_registry

        still = set(backend_registry.list_builtin(BackendFilter.NON_INTERACTIVE))
    except ImportError:  # matplotlib < 3.9
        from matplotlib import rcsetup

        still = {b.lower() for b in rcsetup.non_interactive_bk}
    # Jupyter's inline backend draws a figure once, not as it changes
    return backend not in still and "inline" not in backend


class TracePlot:
    """Per-chain traces (left) and the pooled histogram so far (right) of
    a few scalar quantities."""

    def __init__(self, names: list[str], chains: int, draws: int):
        import matplotlib.pyplot as plt

        self.plt = plt
        self.names = names
        self.fig, self.axes = plt.subplots(len(names), 2, figsize=(10, 2.2 * len(names)), squeeze=False,
                                           gridspec_kw={"width_ratios": [3, 1]})
        self.values = {(n, c): np.empty(draws) for n in names for c in range(chains)}
        self.count = np.zeros(chains, dtype=int)
        self.lines = {}
        for i, name in enumerate(names):
            ax = self.axes[i, 0]
            for c in range(chains):
                (self.lines[name, c],) = ax.plot([], [], lw=0.6, label=f"chain {c}")
            ax.set_xlim(0, draws)
            ax.set_ylabel(name)
        self.fig.legend(*self.axes[0, 0].get_legend_handles_labels(), loc="lower center", ncol=chains,
                        fontsize="small", frameon=False)
        self.axes[-1, 0].set_xlabel("draw")
        # room for the title above and the legend below
        self.fig.tight_layout(rect=(0, 0.04, 1, 0.95))

    def add(self, batch: exmc.Batch) -> None:
        c = batch.chain
        start, stop = int(batch.draw[0]), int(batch.draw[-1]) + 1
        for name in self.names:
            base, _, index = name.partition("[")
            values = batch.posterior[base]
            if index:
                values = values[:, int(index.rstrip("]"))]
            self.values[name, c][start:stop] = values
        self.count[c] = max(self.count[c], stop)

    def draw(self, title: str) -> None:
        for i, name in enumerate(self.names):
            pooled = []
            for c, n in enumerate(self.count):
                y = self.values[name, c][:n]
                self.lines[name, c].set_data(np.arange(n), y)
                pooled.append(y)
            ax = self.axes[i, 0]
            ax.relim()
            ax.autoscale_view(scalex=False)
            hist = self.axes[i, 1]
            hist.cla()
            pooled = np.concatenate(pooled)
            if pooled.size:
                hist.hist(pooled, bins=40, orientation="horizontal", color="0.4")
                hist.set_ylim(ax.get_ylim())
            hist.set_yticklabels([])
        self.fig.suptitle(title)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2000, help="rows of simulated data")
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", type=float, default=0.3, help="seconds between redraws")
    parser.add_argument("--frames", type=Path, default=Path("live_trace_frames"),
                        help="where frames go with a non-interactive backend")
    args = parser.parse_args()

    live = _interactive_backend()
    if not live:
        args.frames.mkdir(parents=True, exist_ok=True)
    model = regression(args.rows)
    plot = TracePlot(["alpha", "beta[0]", "sigma"], args.chains, args.draws)
    if live:
        plot.plt.ion()
        plot.plt.show()

    frame = 0
    last = 0.0
    started = time.perf_counter()

    def redraw(stream: exmc.Stream, final: bool = False) -> None:
        nonlocal frame
        progress = stream.progress
        done = sum(p.draws_done for p in progress)
        total = sum(p.total for p in progress) or 1
        phase = "warmup" if any(p.tuning for p in progress) else "sampling"
        divergences = sum(p.divergences for p in progress)
        plot.draw(f"{phase}: {100 * done / total:.0f}% of {total} iterations, "
                  f"{divergences} divergences, {time.perf_counter() - started:.1f} s")
        if live:
            plot.plt.pause(0.001)
        elif not final:
            plot.fig.savefig(args.frames / f"frame{frame:04d}.png", dpi=80)
            frame += 1

    with exmc.sample_stream(model, draws=args.draws, tune=args.tune, chains=args.chains,
                            random_seed=args.seed) as stream:
        try:
            for batch in stream:
                plot.add(batch)
                if time.perf_counter() - last >= args.every:
                    redraw(stream)
                    # counted from the end of the redraw, so that a slow one
                    # is followed by batches taken, not by another redraw
                    last = time.perf_counter()
                    if live and not plot.plt.fignum_exists(plot.fig.number):
                        break  # the window was closed: stop sampling
        except KeyboardInterrupt:
            print("interrupted: the chains are stopped")
        redraw(stream, final=True)

    plot.fig.savefig("live_trace.png", dpi=100)
    where = "" if live else f", {frame} frames in {args.frames}/"
    print(f"{int(plot.count.sum())} draws in {time.perf_counter() - started:.1f} s; figure in live_trace.png{where}")
    if live:
        plot.plt.ioff()
        plot.plt.show()


if __name__ == "__main__":
    main()
