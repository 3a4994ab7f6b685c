"""The progress display, driven by a polling callable."""

import threading
import time

import pytest

from exmc.progress import ChainProgress, ProgressBar, as_chain_progress, track


class FakeRun:
    """Chains that advance by `step` draws at each poll."""

    def __init__(self, chains=2, total=30, tune=10, step=10, divergent_chain=1):
        self.total, self.tune, self.step = total, tune, step
        self.done = [0] * chains
        self.divergent_chain = divergent_chain
        self.polls = 0

    def poll(self):
        self.polls += 1
        out = []
        for i in range(len(self.done)):
            self.done[i] = min(self.total, self.done[i] + self.step)
            out.append({
                "draws_done": self.done[i],
                "total": self.total,
                "divergences": 2 if i == self.divergent_chain and self.done[i] > self.tune else 0,
                "finished": self.done[i] == self.total,
                "tuning": self.done[i] < self.tune,
            })
        return out


def test_record_forms():
    class Struct:
        draws_done, total, divergences, finished, tuning = 5, 10, 1, 0, 1

    expected = ChainProgress(5, 10, 1, False, True)
    assert as_chain_progress(Struct()) == expected
    assert as_chain_progress((5, 10, 1, False, True)) == expected
    assert as_chain_progress({"draws_done": 5, "total": 10, "divergences": 1, "tuning": True}) == expected
    assert as_chain_progress(expected) is expected
    with pytest.raises(ValueError):
        as_chain_progress({"total": 3})


def test_progressbar_off_writes_nothing(capsys):
    run = FakeRun()
    records = track(run.poll, progressbar=False, interval=0.001)
    assert all(r.finished for r in records)
    assert run.done == [30, 30]
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_simple_progress_line(capsys):
    run = FakeRun()
    records = track(run.poll, progressbar="simple", interval=0.001)
    err = capsys.readouterr().err
    assert records[1].divergences == 2
    last = err.strip().splitlines()[-1]
    assert "2 chains" in last and "60/60 draws" in last and "2 divergences" in last
    assert "draws/s" in last and "done" in last


def test_simple_progress_on_a_terminal():
    class Tty:
        def __init__(self):
            self.parts = []

        def isatty(self):
            return True

        def write(self, s):
            self.parts.append(s)

        def flush(self):
            pass

    out = Tty()
    run = FakeRun(step=5)
    track(run.poll, progressbar="simple", interval=0.001, file=out)
    # one line per poll, and the final one when the display closes
    assert sum(p.startswith("\r") for p in out.parts) == run.polls + 1
    assert out.parts[-1].endswith("\n")


def test_tqdm_progress(capsys):
    run = FakeRun(chains=3)
    track(run.poll, progressbar="tqdm", interval=0.001)
    err = capsys.readouterr().err
    for i in range(3):
        assert f"Chain {i}" in err
    assert "30/30" in err
    assert "divergences" in err


def test_done_callable_stops_polling():
    run = FakeRun(total=10**9, step=1)
    stop = threading.Event()
    threading.Timer(0.05, stop.set).start()
    t0 = time.monotonic()
    track(run.poll, progressbar=False, interval=0.005, done=stop.is_set)
    assert time.monotonic() - t0 < 5
    assert run.polls >= 2


def test_interrupt_calls_cancel():
    cancelled = []

    def poll():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        track(poll, progressbar=False, on_interrupt=lambda: cancelled.append(True))
    assert cancelled == [True]


def test_progressbar_context_manager(capsys):
    run = FakeRun()
    with ProgressBar(run.poll, mode="simple") as bar:
        bar.update()
        assert not bar.all_finished
    assert capsys.readouterr().err.count("\n") >= 1
    with pytest.raises(ValueError):
        ProgressBar(run.poll, mode="fancy")


def test_auto_mode_writes_plain_lines_to_a_log(capsys):
    # stderr captured by pytest is not a terminal: no tqdm escape sequences
    run = FakeRun(chains=2)
    track(run.poll, progressbar=True, interval=0.001)
    err = capsys.readouterr().err
    assert "\x1b[" not in err
    assert "Sampling 2 chains" in err
