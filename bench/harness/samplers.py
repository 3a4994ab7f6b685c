"""One sampling run of one model by one sampler, timed as MODELS.md says.

Every run starts from a model object (a ``pymc.Model``, or an ``exmc.Model``
for exmc's own API) and returns a :class:`Run`: the draws of every free
variable, the statistics the score needs, and three times:

``compile_s``
    everything between the model object and the start of sampling
    (compilation, initial points) plus turning the draws into the
    sampler's result object;
``sample_s``
    the sampling itself, warmup included: the sampler's own clock where it
    reports one (PyMC's and exmc's ``sampling_time``), else the wall time
    from starting nutpie's sampler to its end, before its result is
    converted to ArviZ;
``first_posterior_s``
    wall time from the model object to the posterior, all included.

``sample_cpu_s`` is the CPU time of the threads that sample, over the
sampling (see ``measure.py``); it is None for PyMC's multi-process runs.

Settings are the same for every sampler and are never changed per model:
``tune``, ``draws``, ``target_accept``, ``max_treedepth``, the seed; the rest
is each sampler's default.
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

# name -> what it is, for the report
SAMPLERS = {
    "pymc": "PyMC's own NUTS (pm.sample, nuts_sampler=\"pymc\")",
    "nutpie": "nutpie (compile_pymc_model + sample)",
    "exmc": "exmc on the PyMC model (exmc.sample(pymc_model))",
    "exmc_native": "exmc on its own model API (exmc.Model)",
    "exmc_centred": "exmc on the PyMC model, automatic non-centring off (noncentered=False)",
}
# the samplers that need PyMC imported
NEEDS_PYMC = {"pymc", "nutpie", "exmc", "exmc_centred"}
# models with a candidate for exmc's automatic non-centring (a Normal whose
# scale is random): the only ones where exmc_centred can differ from exmc
REWRITTEN = {"medium", "stress", "eight_schools", "funnel"}


@dataclass
class Settings:
    tune: int = 1000
    draws: int = 1000
    target_accept: float = 0.8
    max_treedepth: int = 10


@dataclass
class Run:
    model: str
    sampler: str
    chains: int
    cores: int
    seed: int
    compile_s: float
    sample_s: float
    first_posterior_s: float
    divergences: int
    grad_evals: int
    noncentered: str = ""
    tune: int = 0
    iterations: int = 0
    sample_cpu_s: float | None = None
    draws: dict = field(default_factory=dict, repr=False)
    # the sampler's compiled model (nutpie's, exmc's own API's), for timing
    # its gradient after the run; not recorded
    compiled: object = field(default=None, repr=False)

    def record(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("draws", "compiled")}


def free_names(pymc_model) -> list[str]:
    return [rv.name for rv in pymc_model.free_RVs]


def _posterior(dt, names: list[str]) -> dict[str, np.ndarray]:
    post = dt["posterior"] if "posterior" in dt.children else dt.posterior
    return {n: np.array(post[n].values, dtype=np.float64) for n in names}


def _stats(dt):
    return dt["sample_stats"] if "sample_stats" in dt.children else dt.sample_stats


def _counts(dt) -> tuple[int, int]:
    st = _stats(dt)
    return int(np.asarray(st["diverging"].values).sum()), int(np.asarray(st["n_steps"].values).sum())


def run_pymc(model, name, chains, cores, seed, s: Settings) -> Run:
    import pymc as pm

    from .measure import pymc_sampling_cpu

    names = free_names(model)
    started = time.perf_counter()
    with pymc_sampling_cpu() as cpu:
        dt = pm.sample(
            draws=s.draws, tune=s.tune, chains=chains, cores=cores, random_seed=seed, model=model,
            nuts_sampler="pymc", target_accept=s.target_accept, max_treedepth=s.max_treedepth,
            progressbar=False, compute_convergence_checks=False,
        )
    total = time.perf_counter() - started
    sample_s = float(dt["posterior"].attrs["sampling_time"])
    div, grads = _counts(dt)
    return Run(name, "pymc", chains, cores, seed, total - sample_s, sample_s, total, div, grads,
               sample_cpu_s=cpu["seconds"], draws=_posterior(dt, names))


def run_nutpie(model, name, chains, cores, seed, s: Settings) -> Run:
    import nutpie

    from .measure import OtherThreadsCPU

    names = free_names(model)
    started = time.perf_counter()
    compiled = nutpie.compile_pymc_model(model)
    compiled_at = time.perf_counter()
    kwargs = dict(draws=s.draws, tune=s.tune, chains=chains, cores=cores, seed=seed, target_accept=s.target_accept,
                  maxdepth=s.max_treedepth, progress_bar=False, save_warmup=False)
    with OtherThreadsCPU() as cpu:
        bg = nutpie.sample(compiled, blocking=False, **kwargs)
        inner = getattr(bg, "_sampler", None)
        if inner is not None and hasattr(bg, "_extract"):
            inner.wait(None)
            sampled_at = time.perf_counter()
        else:
            # a nutpie without the background sampler's internals: time the
            # whole call, conversion included (to nutpie's disadvantage)
            dt = bg.wait()
            sampled_at = time.perf_counter()
    if inner is not None and hasattr(bg, "_extract"):
        dt = bg._extract(inner.take_results())
    done = time.perf_counter()
    sample_s = sampled_at - compiled_at
    div, grads = _counts(dt)
    return Run(name, "nutpie", chains, cores, seed, done - started - sample_s, sample_s, done - started, div, grads,
               sample_cpu_s=cpu.seconds, draws=_posterior(dt, names), compiled=compiled)


def run_exmc_pymc(model, name, chains, cores, seed, s: Settings, noncentered: bool | None = None) -> Run:
    import exmc

    from .measure import OtherThreadsCPU

    names = free_names(model)
    started = time.perf_counter()
    with OtherThreadsCPU() as cpu:
        dt = exmc.sample(
            model, draws=s.draws, tune=s.tune, chains=chains, cores=cores, random_seed=seed,
            target_accept=s.target_accept, max_treedepth=s.max_treedepth, progressbar=False, noncentered=noncentered,
        )
    total = time.perf_counter() - started
    sample_s = float(dt.attrs["sampling_time"])
    div, grads = _counts(dt)
    return Run(name, "exmc_centred" if noncentered is False else "exmc", chains, cores, seed, total - sample_s, sample_s,
               total, div, grads, noncentered=str(dt.attrs.get("noncentered", "")), sample_cpu_s=cpu.seconds,
               draws=_posterior(dt, names))


def run_exmc_native(model, name, chains, cores, seed, s: Settings) -> Run:
    import exmc

    from .measure import OtherThreadsCPU

    started = time.perf_counter()
    compiled = exmc.CompiledModel.from_model(model)
    with OtherThreadsCPU() as cpu:
        dt = exmc.sample(
            compiled, draws=s.draws, tune=s.tune, chains=chains, cores=cores, random_seed=seed,
            target_accept=s.target_accept, max_treedepth=s.max_treedepth, progressbar=False,
        )
    total = time.perf_counter() - started
    sample_s = float(dt.attrs["sampling_time"])
    names = [v["name"] for v in compiled.info["vars"] if v.get("kind", "free") == "free"]
    div, grads = _counts(dt)
    return Run(name, "exmc_native", chains, cores, seed, total - sample_s, sample_s, total, div, grads,
               noncentered=",".join(compiled.noncentered), sample_cpu_s=cpu.seconds, draws=_posterior(dt, names),
               compiled=compiled)


class Models:
    """Model objects, built once per process and reused by every run (a
    model object is the starting point of every figure)."""

    def __init__(self):
        self._pymc: dict = {}
        self._exmc: dict = {}
        self._data: dict = {}

    def pymc(self, name):
        if name not in self._pymc:
            import logging

            from . import pymc_models

            # PyMC logs a few lines per run; the orchestrator prints its own
            logging.getLogger("pymc").setLevel(logging.ERROR)
            from . import scale_models

            if name in scale_models.SCALE:
                self._pymc[name] = scale_models.build_pymc(name, self.data(name))
            else:
                self._pymc[name] = pymc_models.build(name)
        return self._pymc[name]

    def exmc(self, name):
        if name not in self._exmc:
            from . import exmc_models, scale_models

            if name in scale_models.SCALE:
                self._exmc[name] = scale_models.build_exmc(name, data=self.data(name))
            else:
                self._exmc[name] = exmc_models.build(name)
        return self._exmc[name]

    def data(self, name):
        """A scale model's generated data, shared by its PyMC and exmc
        definitions in this process."""
        if name not in self._data:
            from . import scale_models

            self._data[name] = scale_models.generate(name)
        return self._data[name]


def gradient_seconds(models: Models, name: str, sampler: str, compiled=None) -> float:
    """Seconds per log-density-and-gradient call of the sampler's compiled
    model (``measure.py``): ``compiled`` is the one a run built (nutpie's,
    exmc's own API's), else it is compiled here. exmc on the PyMC model is
    timed on ``exmc.from_pymc(model)``: the model as written, non-centring
    off."""
    from . import measure

    if sampler == "pymc":
        return measure.pymc_gradient(models.pymc(name))
    if sampler == "nutpie":
        if compiled is None:
            import nutpie

            compiled = nutpie.compile_pymc_model(models.pymc(name))
        return measure.nutpie_gradient(compiled)
    import exmc

    if sampler in ("exmc", "exmc_centred"):
        return measure.exmc_gradient(exmc.from_pymc(models.pymc(name)))
    if sampler == "exmc_native":
        return measure.exmc_gradient(compiled if compiled is not None else
                                     exmc.CompiledModel.from_model(models.exmc(name)))
    raise ValueError(f"unknown sampler {sampler!r}")


def run(models: Models, name: str, sampler: str, chains: int, seed: int, s: Settings, cores: int | None = None) -> Run:
    if cores is None:
        cores = min(chains, os.cpu_count() or 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if sampler == "pymc":
            r = run_pymc(models.pymc(name), name, chains, cores, seed, s)
        elif sampler == "nutpie":
            r = run_nutpie(models.pymc(name), name, chains, cores, seed, s)
        elif sampler == "exmc":
            r = run_exmc_pymc(models.pymc(name), name, chains, cores, seed, s)
        elif sampler == "exmc_centred":
            r = run_exmc_pymc(models.pymc(name), name, chains, cores, seed, s, noncentered=False)
        elif sampler == "exmc_native":
            r = run_exmc_native(models.exmc(name), name, chains, cores, seed, s)
        else:
            raise ValueError(f"unknown sampler {sampler!r}")
    r.tune, r.iterations = s.tune, s.tune + s.draws
    return r
