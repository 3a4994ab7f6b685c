"""``exmc.sample``: NUTS on the Go core, returning ArviZ's DataTree."""

from __future__ import annotations

import numbers
import time
import warnings
from typing import Any

import numpy as np

from . import _ffi
from .compiled import CompiledModel
from .progress import track
from .runs import NativeRun, Options



def _int_option(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def _seed(random_seed: Any) -> int:
    if random_seed is None:
        return int(np.random.SeedSequence().generate_state(1, np.uint64)[0])
    if isinstance(random_seed, np.random.Generator):
        return int(random_seed.integers(0, 2**63))
    if isinstance(random_seed, bool) or not isinstance(random_seed, numbers.Integral):
        raise TypeError(f"random_seed must be None or a non-negative integer, got {random_seed!r}")
    if random_seed < 0 or random_seed >= 2**64:
        raise ValueError(f"random_seed must be in [0, 2**64), got {random_seed}")
    return int(random_seed)


#: exmc.sample's adaptation options -> {value: the EXMC_* constant's name};
#: each option's first value is its default
CHOICES = {
    "metric": {"gradient": "EXMC_METRIC_GRADIENT", "variance": "EXMC_METRIC_VARIANCE"},
    "schedule": {"online": "EXMC_SCHEDULE_ONLINE", "windowed": "EXMC_SCHEDULE_WINDOWED"},
    "criterion": {"displacement": "EXMC_CRITERION_DISPLACEMENT", "momentum_sum": "EXMC_CRITERION_MOMENTUM_SUM"},
}


def _choice(option: str, value: Any) -> str:
    """The checked value of one of CHOICES' options (None: its default)."""
    values = CHOICES[option]
    if value is None:
        return next(iter(values))
    if not isinstance(value, str) or value not in values:
        raise ValueError(f"{option} must be one of {', '.join(map(repr, values))}, got {value!r}")
    return value


def set_choice(opts: Any, lib: Any, option: str, value: str) -> None:
    """Write a checked choice option into a cffi exmc_options."""
    if value == next(iter(CHOICES[option])):
        return  # the library's default, also for a library without the field
    try:
        setattr(opts, option, getattr(lib, CHOICES[option][value]))
    except AttributeError:
        raise RuntimeError(f"this libexmc has no exmc_options.{option}; {option}={value!r} needs a newer one") from None


def _compile(model: Any) -> CompiledModel:
    from .model import Model, modelcontext

    if isinstance(model, CompiledModel):
        return model
    if model is None:
        model = modelcontext(None)
    if isinstance(model, Model):
        return CompiledModel.from_model(model)
    raise TypeError(f"model must be an exmc.Model or a pymc.Model, got {type(model).__name__}")


def _pymc_model(model: Any) -> Any:
    """The pymc.Model to sample, if that is what was given (or, with no
    model given and no exmc model open, the PyMC model of the enclosing
    ``with`` block); None otherwise. PyMC is never imported here."""
    import sys

    pm = sys.modules.get("pymc")
    if pm is None:
        return None
    if model is None:
        from ._context import current

        if current() is not None:
            return None
        return pm.Model.get_context(error_if_none=False)
    return model if isinstance(model, pm.Model) else None


# the run handle's owner, shared with exmc.runs and exmc.streaming
_Run = NativeRun


def sample(
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
    progressbar: Any = True,
    dense_mass: bool = False,
    strict: bool = False,
    blocking: bool = True,
    client: Any = None,
    metric: str | None = None,
    schedule: str | None = None,
    criterion: str | None = None,
    **kwargs: Any,
):
    """Draw samples from a model's posterior with NUTS.

    ``model`` is an :class:`exmc.Model` (or the model of the enclosing
    ``with`` block). The chains run in parallel threads of the Go core,
    without the GIL; the result is ArviZ's ``xarray.DataTree`` with the
    groups ``posterior``, ``sample_stats``, ``observed_data``,
    ``constant_data``, and ``log_likelihood`` and ``warmup_*`` when asked.

    ``metric`` chooses how warmup estimates the diagonal mass matrix:
    ``"gradient"`` (the default: sqrt(var(draws) / var(gradients)) per
    coordinate, as nutpie does) or ``"variance"`` (the draws' variance, as
    Stan and PyMC do); ``dense_mass=True`` estimates a dense one instead.
    ``schedule`` chooses when: ``"online"`` (the default: after every draw
    from running estimators, nutpie's schedule) or ``"windowed"`` (at the
    end of doubling windows, Stan's and PyMC's; a dense metric always uses
    it). ``criterion`` is NUTS's U-turn test: ``"displacement"`` (the
    default: the span's displacement against the momentum at an end, as
    nutpie) or ``"momentum_sum"`` (the summed momentum, as Stan and PyMC).

    ``init`` is ``"jitter"`` (uniform(-2, 2) around zero in unconstrained
    space, Stan's default, and the default for exmc models) or ``"zero"``. A
    chain that fails for good is reported in a warning and left out of the
    result, unless ``strict``, which raises instead. Ctrl-C stops every chain
    and raises ``KeyboardInterrupt``.

    ``blocking=False`` returns at once with an :class:`exmc.Run` (progress,
    ``inspect()`` for the draws so far, ``cancel()``, ``wait()``,
    ``result()``). ``client`` (a ``dask.distributed.Client``) runs each
    chain as a task on the cluster's workers and returns the same DataTree,
    with the same draws for the same seed, as a local run (see
    :func:`exmc.dask.sample`).

    ``model`` may also be a ``pymc.Model``: see :func:`exmc.pymc.sample_pymc`
    for the options PyMC users know (``initvals``, ``var_names``,
    ``idata_kwargs``, ``backend``, ...).
    """
    pymc_model = _pymc_model(model)
    if pymc_model is not None and (client is not None or not blocking):
        raise NotImplementedError("blocking=False and client= take exmc models; a pymc.Model is sampled in place")
    if pymc_model is not None:
        from .pymc import sample_pymc

        return sample_pymc(
            pymc_model, draws=draws, tune=tune, chains=chains, cores=cores, random_seed=random_seed,
            target_accept=target_accept, max_treedepth=max_treedepth, init=init, save_warmup=save_warmup,
            log_likelihood=log_likelihood, progressbar=progressbar, dense_mass=dense_mass, strict=strict,
            **({} if metric is None else {"metric": metric}),
            **({} if schedule is None else {"schedule": schedule}),
            **({} if criterion is None else {"criterion": criterion}), **kwargs,
        )
    if kwargs:
        raise TypeError(f"sample() got unexpected keyword arguments: {', '.join(sorted(kwargs))}")
    options = Options.checked(
        draws=draws, tune=tune, chains=chains, cores=cores, random_seed=random_seed,
        target_accept=target_accept, max_treedepth=max_treedepth, init=init, save_warmup=save_warmup,
        log_likelihood=log_likelihood, dense_mass=dense_mass, metric=metric, schedule=schedule,
        criterion=criterion,
    )
    compiled = _compile(model)
    attrs = {"random_seed": options.seed, **compiled.parameterisation_attrs()}
    if client is not None or not blocking:
        from .runs import Run

        if client is None:
            return Run(compiled, options, strict=strict, attrs=attrs)
        if not blocking:
            raise NotImplementedError("blocking=False with a Dask client: submit exmc.sample as a task instead")
        from .dask import sample_on

        return sample_on(client, compiled, options, progressbar=progressbar, strict=strict, attrs=attrs)
    table, elapsed = _run_nuts(compiled, options, progressbar=progressbar, strict=strict)
    from .trace import from_arrow

    return from_arrow(
        table,
        model=compiled.model,
        sampling_time=elapsed,
        tuning_steps=options.tune,
        attrs=attrs,
    )


def _run_nuts(
    compiled: CompiledModel,
    options: Options,
    *,
    progressbar: Any,
    strict: bool,
    init_points: np.ndarray | None = None,
):
    """Run NUTS on a compiled model with checked options; returns the draws
    (a pyarrow Table, failed chains left out) and the seconds it took.
    ``init_points`` (chains x dim, unconstrained) replaces the jitter."""
    ffi, _, _ = _ffi.load()
    chains = options.chains
    opts = options.to_c()
    if init_points is not None:
        init_points = np.ascontiguousarray(init_points, dtype=np.float64)
        if init_points.shape != (chains, compiled.dim):
            raise ValueError(f"initial points must have shape ({chains}, {compiled.dim}), got {init_points.shape}")
        opts.init = ffi.cast("const double*", ffi.from_buffer("double[]", init_points))

    started = time.perf_counter()
    run = _Run(compiled, opts)
    try:
        try:
            track(run.progress, progressbar=progressbar, done=lambda: run.wait(0),
                  wait=lambda seconds: run.wait(int(seconds * 1000)))
        except KeyboardInterrupt:
            run.cancel()
            run.wait(-1)
            raise
        elapsed = time.perf_counter() - started
        failed = run.chain_errors()
        if failed and (strict or len(failed) == chains):
            from ._errors import ChainError

            lines = "; ".join(f"chain {c}: {m}" for c, m in sorted(failed.items()))
            raise ChainError(f"{len(failed)} of {chains} chains failed: {lines}", failed)
        reader = run.result()
    finally:
        run.free()
    table = reader.read_all()
    if failed:
        import pyarrow as pa
        import pyarrow.compute as pc

        warnings.warn(
            f"{len(failed)} of {chains} chains failed and are left out: "
            + "; ".join(f"chain {c}: {m}" for c, m in sorted(failed.items())),
            RuntimeWarning,
            stacklevel=3,
        )
        good = pa.array(sorted(set(range(chains)) - set(failed)), pa.int64())  # pyarrow wants an Arrow value set
        keep = pc.is_in(table.column("chain"), value_set=good)
        table = table.filter(keep)
    return table, elapsed
