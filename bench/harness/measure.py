"""What the scale suite measures beyond a run's wall time: the CPU time of
the threads that sample, a process's peak resident set during one run, one
log-density-and-gradient call of each sampler's compiled model, and the
pinning of BLAS and OpenMP to one thread.

CPU time. exmc and nutpie sample on threads of their own while Python's
main thread compiles the model, then waits, then builds the result; PyMC
samples one chain on the main thread. So a run's sampling CPU seconds are:

- exmc, nutpie: the CPU time of every thread of the process but the main
  one, over the sampling call (the process's CPU clock, which also counts
  threads that have ended, minus the main thread's);
- PyMC: the CPU time of the process during its sampling loop
  (``pymc.sampling.mcmc._sample_many``, timed by wrapping it for the run).

Peak memory. Writing 5 to ``/proc/self/clear_refs`` resets the kernel's
high-water mark of the resident set (``VmHWM``) to the current resident
set; read after the run, it is the run's peak. Runs share a process, so
the peak includes what the process held before (the interpreter, PyMC,
the other samplers' models): the rise over the resident set at the start
of the run is given too.
"""

from __future__ import annotations

import contextlib
import os
import time

import numpy as np

#: the variables every BLAS and OpenMP runtime reads for its thread count
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMBA_NUM_THREADS")


def pin_environment(env: dict | None = None) -> dict:
    """``env`` (default: a copy of os.environ) with every BLAS and OpenMP
    thread count set to 1, for a worker process to start with."""
    env = dict(os.environ if env is None else env)
    for k in THREAD_VARS:
        env[k] = "1"
    return env


def pin_threads() -> dict:
    """Limit every BLAS and OpenMP pool loaded so far to one thread with
    threadpoolctl (on top of the environment the worker started with) and
    describe them; the limit holds for the life of the process."""
    info: dict = {"env": {k: os.environ.get(k) for k in THREAD_VARS}}
    try:
        import threadpoolctl
    except ImportError:
        info["threadpoolctl"] = None
        return info
    limiter = threadpoolctl.threadpool_limits(limits=1)
    # kept alive (and never restored) for the rest of the process
    pin_threads._limiter = limiter  # type: ignore[attr-defined]
    info["threadpoolctl"] = threadpoolctl.__version__
    info["pools"] = [{k: p.get(k) for k in ("user_api", "internal_api", "num_threads", "version")}
                     for p in threadpoolctl.threadpool_info()]
    return info


# ---------------------------------------------------------------------------
# CPU time


def process_cpu() -> float:
    return time.clock_gettime(time.CLOCK_PROCESS_CPUTIME_ID)


class OtherThreadsCPU:
    """CPU seconds of every thread but the calling one, over the block."""

    def __enter__(self):
        self._p, self._t = process_cpu(), time.thread_time()
        return self

    def __exit__(self, *exc):
        self.seconds = (process_cpu() - self._p) - (time.thread_time() - self._t)
        return False


@contextlib.contextmanager
def pymc_sampling_cpu():
    """Yields a dict whose "seconds" is the process's CPU time inside PyMC's
    one-process sampling loop during the block (None if it did not run)."""
    import pymc.sampling.mcmc as mcmc

    out: dict = {"seconds": None}
    inner = getattr(mcmc, "_sample_many", None)
    if inner is None:
        yield out
        return

    def timed(*args, **kwargs):
        t0 = process_cpu()
        try:
            return inner(*args, **kwargs)
        finally:
            out["seconds"] = (out["seconds"] or 0.0) + process_cpu() - t0

    mcmc._sample_many = timed
    try:
        yield out
    finally:
        mcmc._sample_many = inner


# ---------------------------------------------------------------------------
# memory


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class PeakRSS:
    """The process's peak resident set during the block (MB), and the
    resident set at its start; None where /proc does not allow it."""

    def __enter__(self):
        self.before_mb = self.peak_mb = None
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            self._reset = True
        except OSError:
            self._reset = False
        rss = _status_kb("VmRSS")
        self.before_mb = None if rss is None else rss / 1024
        return self

    def __exit__(self, *exc):
        hwm = _status_kb("VmHWM")
        if self._reset and hwm is not None:
            self.peak_mb = hwm / 1024
        return False


# ---------------------------------------------------------------------------
# gradient calls


def time_call(call, min_seconds: float = 0.2, repeats: int = 9) -> float:
    """CPU seconds of the calling thread per call: the least over
    ``repeats`` loops of calls, each of at least ``min_seconds / repeats``.
    The thread's CPU clock leaves out the time other processes take the
    CPU from it (on a shared machine, most of a wall-clock timing's noise),
    and the least of several loops what is left (cache misses after being
    moved to another CPU). The calls are single-threaded (BLAS held to one
    thread). A first call is made before and left out."""
    call()
    target = min_seconds / repeats
    n = 1
    while True:
        t0 = time.thread_time()
        for _ in range(n):
            call()
        elapsed = time.thread_time() - t0
        if elapsed >= target:
            break
        n = n * 16 if elapsed <= 0 else min(n * 16, max(n * 2, int(n * 1.2 * target / elapsed) + 1))
    best = elapsed / n
    for _ in range(repeats - 1):
        t0 = time.thread_time()
        for _ in range(n):
            call()
        best = min(best, (time.thread_time() - t0) / n)
    return best


def point(dim: int, seed: int = 11) -> np.ndarray:
    """The unconstrained point every gradient is timed at."""
    return np.random.default_rng(seed).uniform(-0.5, 0.5, dim)


def exmc_gradient(compiled, min_seconds: float = 0.2) -> float:
    """Seconds per call of the C ABI's ``exmc_log_density_gradient`` on a
    compiled exmc model (one cffi call from Python, as exmc's own
    ``CompiledModel.logp_grad`` makes, without its allocations)."""
    from exmc import _ffi

    ffi, lib, _ = _ffi.load()
    x = point(compiled.dim)
    xb = ffi.new("double[]", x.tolist())
    gb = ffi.new("double[]", compiled.dim)
    lp = ffi.new("double*")
    err = ffi.new("char**")
    handle, n = compiled.handle, compiled.dim
    code = lib.exmc_log_density_gradient(handle, xb, n, lp, gb, err)
    if code != 0:
        msg = ffi.string(err[0]).decode() if err[0] != ffi.NULL else ""
        raise RuntimeError(f"exmc_log_density_gradient returned {code}: {msg}")
    f = lib.exmc_log_density_gradient
    return time_call(lambda: f(handle, xb, n, lp, gb, err), min_seconds)


_NUTPIE_SIG = "int64_t(*)(uint64_t, double*, double*, double*, void*)"


def nutpie_gradient(compiled, min_seconds: float = 0.2) -> float:
    """Seconds per call of nutpie's compiled log-density and gradient (the
    numba C callback its sampler calls, with its data), through cffi."""
    import cffi

    ffi = cffi.FFI()
    f = ffi.cast(_NUTPIE_SIG, compiled.compiled_logp_func.address)
    n = compiled.n_dim
    xb = ffi.new("double[]", point(n).tolist())
    gb = ffi.new("double[]", n)
    lp = ffi.new("double*")
    ud = ffi.cast("void*", compiled.user_data.ctypes.data)
    code = f(n, xb, gb, lp, ud)
    if code != 0:
        raise RuntimeError(f"nutpie's log-density returned {code}")
    return time_call(lambda: f(n, xb, gb, lp, ud), min_seconds)


def pymc_gradient(model, min_seconds: float = 0.2) -> float:
    """Seconds per call of PyMC's ``logp_dlogp_function`` on a flat array
    (the function its NUTS calls, with its Python overhead)."""
    f = model.logp_dlogp_function(ravel_inputs=True)
    size = sum(int(np.prod(v.shape)) for v in model.initial_point(0).values())
    x = point(size)
    lp, _ = f(x)
    if not np.isfinite(lp):
        raise RuntimeError("PyMC's log-density is not finite at the timing point")
    return time_call(lambda: f(x), min_seconds)


_CALL_OVERHEAD: dict = {}


def cffi_call_overhead() -> float:
    """Seconds per cffi call from Python of a C function that does nothing
    useful (libc's labs): the part of the exmc and nutpie timings that is
    the call itself."""
    if "s" not in _CALL_OVERHEAD:
        import cffi

        ffi = cffi.FFI()
        ffi.cdef("long labs(long);")
        libc = ffi.dlopen(None)
        f = libc.labs
        _CALL_OVERHEAD["s"] = time_call(lambda: f(-3), 0.1)
    return _CALL_OVERHEAD["s"]
