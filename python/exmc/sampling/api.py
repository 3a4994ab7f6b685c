"""The public entry points: ``exmc.sample`` and ``exmc.sample_stream``.

A ``pymc.Model`` is sampled by the PyMC bridge (``exmc.pymc``), which
imports this package, never the reverse: the bridge hands its sampler to
:func:`register_pymc_sampler` when it is imported (``exmc/__init__``
imports it), and :func:`sample` calls it through that one hook.
"""

from __future__ import annotations

from typing import Any, Callable

from . import blocking, dask
from .background import Run
from .options import SAMPLING, Keyword, documented
from .stream import Stream
from .target import compile_model, pymc_model

# the PyMC bridge's sampler: sample_pymc(model, **keywords)
_pymc_sampler: Callable[..., Any] | None = None


def register_pymc_sampler(sampler: Callable[..., Any]) -> None:
    """The hook through which ``exmc.pymc`` samples the PyMC models given
    to :func:`sample`: ``sampler(pymc_model, **keywords)`` receives the
    keywords the caller gave (PyMC's own among them)."""
    global _pymc_sampler
    _pymc_sampler = sampler


#: the keywords of exmc.sample: the shared ones, where the run goes, and,
#: for a pymc.Model, PyMC's own (passed on to the bridge)
SAMPLE = SAMPLING.extend(
    Keyword("blocking", True, "False: return at once with an exmc.Run"),
    dask.CLIENT,
    rest="pymc_keywords",
)


def sample(model: Any = None, *args: Any, **kwargs: Any):
    """Draw samples from a model's posterior with NUTS.

    ``model`` is an :class:`exmc.Model` (or the model of the enclosing
    ``with`` block). The chains run in parallel threads of the Go core,
    without the GIL; the result is ArviZ's ``xarray.DataTree`` with the
    groups ``posterior``, ``sample_stats``, ``observed_data``,
    ``constant_data``, and ``log_likelihood`` and ``warmup_*`` when asked.

    A chain that fails for good is reported in a warning and left out of
    the result, unless ``strict``, which raises instead. Ctrl-C stops every
    chain and raises ``KeyboardInterrupt``.

    ``blocking=False`` returns at once with an :class:`exmc.Run` (progress,
    ``inspect()`` for the draws so far, ``cancel()``, ``wait()``,
    ``result()``). ``client`` (a ``dask.distributed.Client``) runs each
    chain as a task on the cluster's workers and returns the same DataTree,
    with the same draws for the same seed, as a local run (see
    :func:`exmc.dask.sample`).

    ``model`` may also be a ``pymc.Model``: see :func:`exmc.pymc.sample_pymc`
    for the options PyMC users know (``initvals``, ``var_names``,
    ``idata_kwargs``, ``backend``, ...).

    Types are checked here (TypeError); ranges by the Go core (ValueError),
    each naming the keyword at fault.
    """
    call = SAMPLE.bind("sample", (model, *args), kwargs)
    client, blocking_run = call["client"], call["blocking"]
    pymc = pymc_model(call["model"])
    if pymc is not None:
        if client is not None or not blocking_run:
            raise NotImplementedError("blocking=False and client= take exmc models; a pymc.Model is sampled in place")
        if _pymc_sampler is None:
            raise RuntimeError("exmc.pymc, which samples PyMC models, was not imported")
        given = {k: v for k, v in call.given.items() if k not in ("model", "blocking", "client")}
        return _pymc_sampler(pymc, **given, **call.rest)
    if call.rest:
        raise TypeError(f"sample() got unexpected keyword arguments: {', '.join(sorted(call.rest))}")
    options = call.checked_options()
    compiled = compile_model(call["model"])
    attrs = {"random_seed": options.random_seed, **compiled.parameterisation_attrs()}
    progressbar, strict = call["progressbar"], call["strict"]
    if client is not None:
        if not blocking_run:
            raise NotImplementedError("blocking=False with a Dask client: submit exmc.sample as a task instead")
        return dask.sample_on(client, compiled, options, progressbar=progressbar, strict=strict, attrs=attrs,
                              stacklevel=2)
    if not blocking_run:
        return Run(compiled, options, strict=strict, attrs=attrs)
    return blocking.sample(compiled, options, progressbar=progressbar, strict=strict, attrs=attrs, stacklevel=2)


#: the keywords of exmc.sample_stream: the loop being the caller's, no
#: progress bar by default
SAMPLE_STREAM = SAMPLING.extend(defaults={"progressbar": False})


def sample_stream(model: Any = None, *args: Any, **kwargs: Any) -> Stream:
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
    call = SAMPLE_STREAM.bind("sample_stream", (model, *args), kwargs)
    if pymc_model(call["model"]) is not None:
        raise NotImplementedError("sample_stream takes exmc models; a pymc.Model is sampled by exmc.sample only")
    options = call.checked_options()
    compiled = compile_model(call["model"])
    return Stream(compiled, options, strict=call["strict"], progressbar=call["progressbar"])


documented(sample, SAMPLE)
documented(sample_stream, SAMPLE_STREAM)

__all__ = ["SAMPLE", "SAMPLE_STREAM", "register_pymc_sampler", "sample", "sample_stream"]
