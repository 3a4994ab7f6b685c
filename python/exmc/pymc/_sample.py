"""``exmc.sample`` for a ``pymc.Model``: PyMC's option spellings, exmc's
NUTS, and a DataTree with the names, coords, dims, deterministics and data
groups ``pm.sample`` gives."""

from __future__ import annotations

import warnings
from typing import Any, Mapping

import numpy as np

from ..sampling.api import register_pymc_sampler
from ..sampling.blocking import run_nuts
from ..sampling.options import KEYWORDS, SAMPLING, Keyword, Options, documented
from ._compiled import FallbackModel, compile_native, resolve_backend
from ._translate import UnsupportedModelError

# PyMC's ``init`` strings: (start from PyMC's initial point with U(-1, 1)
# jitter?, dense mass matrix?)
_PYMC_INITS = {
    "auto": (True, False),
    "jitter+adapt_diag": (True, False),
    "jitter+adapt_diag_grad": (True, False),
    "adapt_diag": (False, False),
    "jitter+adapt_full": (True, True),
    "adapt_full": (False, True),
}
# exmc's own, from the options' schema: uniform(-j, j) around zero in
# unconstrained space
_EXMC_INITS: dict[str, float] = dict(KEYWORDS["init"].choices)

# nuts_sampler_kwargs / nuts entries that mean something to exmc's NUTS
_NUTS_KEYS = ("target_accept", "max_treedepth", "dense_mass", "step_scale")


class _Source:
    """What ``to_datatree`` reads from a model, in PyMC's terms."""

    def __init__(self, model: Any):
        from pymc.backends.arviz import coords_and_dims_for_inferencedata, find_constants, find_observations

        self._model = model
        coords, dims = coords_and_dims_for_inferencedata(model)
        self.coords = {k: list(np.asarray(v).tolist()) if not isinstance(v, list) else v for k, v in coords.items()}
        self.named_vars_to_dims = {k: tuple(v) for k, v in dims.items()}
        self._observed = {k: np.asarray(v) for k, v in find_observations(model).items()}
        self._constants = {k: np.asarray(v) for k, v in find_constants(model).items()}

    def observed_data(self) -> dict[str, np.ndarray]:
        return dict(self._observed)

    def constant_data(self) -> dict[str, np.ndarray]:
        return dict(self._constants)


def _pymc_seed(random_seed: Any) -> Any:
    """exmc's one seed from PyMC's spellings: one seed per chain (a
    sequence) or a RandomState make one; an int, a Generator or None are
    exmc's own (checked with the other options)."""
    if isinstance(random_seed, (list, tuple, np.ndarray)):
        entropy = [int(s) for s in np.asarray(random_seed).ravel()]
        return int(np.random.SeedSequence(entropy).generate_state(1, np.uint64)[0])
    if isinstance(random_seed, np.random.RandomState):
        return int(random_seed.randint(0, 2**63 - 1))
    return random_seed


def _merge_nuts_kwargs(options: dict, extra: Mapping | None, what: str) -> None:
    if extra is None:
        return
    if not isinstance(extra, Mapping):
        raise TypeError(f"{what} must be a dict, got {type(extra).__name__}")
    unknown = sorted(set(extra) - set(_NUTS_KEYS))
    if unknown:
        raise TypeError(
            f"{what}: exmc's NUTS takes {', '.join(_NUTS_KEYS)}; it has no use for {', '.join(map(repr, unknown))}"
        )
    for k, v in extra.items():
        if k == "step_scale":
            continue  # the step size is adapted from Stan's initial heuristic
        options[k] = v


#: the keywords of the PyMC path: exmc.sample's, with PyMC's spellings of
#: init and random_seed, and PyMC's own
PYMC = SAMPLING.extend(
    Keyword("init", None, "PyMC's 'auto' (None), 'jitter+adapt_diag', 'jitter+adapt_diag_grad', 'adapt_diag', "
            "'jitter+adapt_full', 'adapt_full', or exmc's 'jitter' and 'zero'"),
    Keyword("random_seed", None, "an int, a numpy Generator or RandomState, one seed per chain, or None"),
    Keyword("backend", None, "'native' (None: the model translated into exmc's core), 'pymc' or 'auto'"),
    Keyword("noncentered", None, "None: the data choose; True: non-centre hierarchical Normals; False: as written"),
    Keyword("initvals", None, "a dict, or one per chain, of constrained initial values"),
    Keyword("var_names", None, "the posterior variables to keep"),
    Keyword("idata_kwargs", None, "{'log_likelihood': True} adds the pointwise log-likelihood"),
    Keyword("nuts_sampler_kwargs", None, "target_accept, max_treedepth or dense_mass"),
    Keyword("nuts", None, "as nuts_sampler_kwargs"),
    Keyword("discard_tuned_samples", None, "False keeps the warmup draws (save_warmup)"),
    Keyword("compute_convergence_checks", True, "accepted for PyMC's sake"),
    Keyword("return_inferencedata", True, "must be True: exmc returns a DataTree"),
    replaces=("init", "random_seed"),
)


def sample_pymc(model: Any, *args: Any, **kwargs: Any):
    """Sample a ``pymc.Model`` with exmc's NUTS (what ``exmc.sample`` does
    when given one).

    Besides exmc's options, PyMC's spellings are accepted:
    ``random_seed`` (an int, a Generator or one seed per chain),
    ``initvals`` (a dict, or one per chain, of constrained values),
    ``var_names`` (the posterior variables to keep), ``idata_kwargs``
    (``{"log_likelihood": True}``), ``init`` (``"auto"``,
    ``"jitter+adapt_diag"``, ``"adapt_diag"``, ``"jitter+adapt_full"``,
    ``"adapt_full"``, or exmc's ``"jitter"`` and ``"zero"``),
    ``discard_tuned_samples``, and ``nuts_sampler_kwargs`` / ``nuts`` holding
    ``target_accept``, ``max_treedepth`` or ``dense_mass``.

    ``backend`` is ``"native"`` (the default: the model is translated into
    exmc's core), ``"pymc"`` (PyMC's own log-density compiled with
    PyTensor's numba backend, for models the core cannot express) or
    ``"auto"``. With the native backend, ``noncentered`` chooses how
    hierarchical Normals are parameterised: ``None`` (the default) rewrites
    them as ``mu + sigma * z`` unless the data inform them well enough that
    the model as written samples better, ``True`` always rewrites them and
    ``False`` keeps the model as written; the result's attributes
    ``exmc_backend``, ``noncentered`` (the rewritten) and ``kept_centered``
    (those the data kept as written) say what ran.
    """
    call = PYMC.bind("sample_pymc", (model, *args), kwargs)
    model = call["model"]
    if model is None:
        raise TypeError("sample_pymc() needs a pymc.Model")
    if not call["return_inferencedata"]:
        raise ValueError("exmc returns a DataTree; return_inferencedata=False (a MultiTrace) is not supported")
    values = call.options()
    _merge_nuts_kwargs(values, call["nuts_sampler_kwargs"], "nuts_sampler_kwargs")
    _merge_nuts_kwargs(values, call["nuts"], "nuts")
    idata_kwargs = call["idata_kwargs"]
    if idata_kwargs is not None:
        if not isinstance(idata_kwargs, Mapping):
            raise TypeError(f"idata_kwargs must be a dict, got {type(idata_kwargs).__name__}")
        unknown = sorted(set(idata_kwargs) - {"log_likelihood"})
        if unknown:
            raise TypeError(
                f"idata_kwargs: exmc understands 'log_likelihood' only, not {', '.join(map(repr, unknown))}"
            )
        values["log_likelihood"] = idata_kwargs.get("log_likelihood", values["log_likelihood"])
    if call["discard_tuned_samples"] is not None:
        values["save_warmup"] = not call["discard_tuned_samples"]
    init = call["init"]
    if init is None:
        init = "auto"
    if init in _PYMC_INITS:
        _, dense_init = _PYMC_INITS[init]
        values["dense_mass"] = values["dense_mass"] or dense_init
    elif init not in _EXMC_INITS:
        raise ValueError(f"init must be one of {', '.join(map(repr, [*_PYMC_INITS, *_EXMC_INITS]))}, got {init!r}")
    initvals = call["initvals"]
    # exmc's jitter when it starts the chains itself; none around the
    # initial points made here
    jittered = init in _EXMC_INITS and not initvals
    seed = _pymc_seed(call["random_seed"])
    options = Options.checked(**values, init=init if jittered else "zero", random_seed=seed)
    chains, seed = options.chains, options.random_seed
    var_names = call["var_names"]
    if var_names is not None:
        var_names = [var_names] if isinstance(var_names, str) else list(var_names)
        unknown = [v for v in var_names if v not in model.named_vars]
        if unknown:
            raise ValueError(f"var_names: the model has no variables {unknown}")
    initvals = _check_initvals(model, initvals, chains)

    backend = resolve_backend(call["backend"])
    noncentered = call["noncentered"]
    if noncentered is not None and not isinstance(noncentered, (bool, np.bool_)):
        raise ValueError(f"noncentered must be None or a bool, got {noncentered!r}")
    compiled, translation, compile_seconds = _compile(model, backend, noncentered, initvals)
    fallback = isinstance(compiled, FallbackModel)
    log_likelihood = options.log_likelihood
    if fallback:
        # PyMC computes the log-likelihood from the draws (_expand_fallback)
        options = options.replace(log_likelihood=False)

    init_points = None
    if not jittered:
        init_points = _initial_points(model, compiled, translation, chains, seed, init, initvals)
    table, elapsed = run_nuts(compiled, options, progressbar=call["progressbar"], strict=call["strict"],
                             init_points=init_points, stacklevel=3)
    from ..trace import split_draws, to_datatree

    groups = split_draws(table)
    if fallback:
        _expand_fallback(compiled, groups, log_likelihood)
    elif translation.pending:
        _add_pending(model, translation, groups)
    for g in ("posterior", "warmup_posterior"):
        if g in groups:
            groups[g] = _pymc_order(model, groups[g], var_names)
    attrs = {
        "random_seed": seed,
        "exmc_backend": compiled.backend if fallback else "native",
        **compiled.parameterisation_attrs(),
        "compile_seconds": float(compile_seconds),
    }
    return to_datatree(
        groups["posterior"],
        groups.get("sample_stats"),
        warmup_posterior=groups.get("warmup_posterior"),
        warmup_sample_stats=groups.get("warmup_sample_stats"),
        log_likelihood=groups.get("log_likelihood"),
        model=_Source(model),
        sampling_time=elapsed,
        tuning_steps=options.tune,
        attrs=attrs,
    )


documented(sample_pymc, PYMC)
register_pymc_sampler(sample_pymc)


def _check_initvals(model: Any, initvals: Any, chains: int):
    if initvals is None:
        return None
    per_chain = initvals if isinstance(initvals, (list, tuple)) else None
    if per_chain is not None:
        if len(per_chain) != chains:
            raise ValueError(f"initvals has {len(per_chain)} entries for {chains} chains")
        dicts = [d or {} for d in per_chain]
    else:
        dicts = [initvals]
    for d in dicts:
        if not isinstance(d, Mapping):
            raise TypeError(
                f"initvals must be a dict (or one per chain) of variable name -> value, got {type(d).__name__}"
            )
        for k in d:
            name = k if isinstance(k, str) else getattr(k, "name", None)
            if name is None or name not in model.named_vars or model[name] not in model.free_RVs:
                raise ValueError(f"initvals: {k!r} is not a free variable of the model")
    return initvals


def _initval_names(initvals: Any) -> set[str]:
    if not initvals:
        return set()
    dicts = initvals if isinstance(initvals, (list, tuple)) else [initvals]
    return {k if isinstance(k, str) else k.name for d in dicts if d for k in d}


def _compile(model: Any, backend: str, noncentered: bool | None, initvals: Any):
    if backend == "pymc":
        c = FallbackModel.build(model)
        return c, None, c.compile_seconds
    try:
        compiled, tr, seconds = compile_native(model, noncentered=noncentered)
    except UnsupportedModelError as err:
        if backend != "auto" or not err.fallback:
            raise
        warnings.warn(f"{err}\nUsing backend='pymc'.", RuntimeWarning, stacklevel=4)
        c = FallbackModel.build(model)
        return c, None, c.compile_seconds
    # a variable given an initial value keeps the parameterisation it is
    # given in
    fixed = _initval_names(initvals) & set(compiled.noncentered)
    if fixed:
        from ..compiled import CompiledModel

        for node in tr.doc["nodes"]:
            if node["name"] in fixed:
                node["noncentered"] = False
        compiled = CompiledModel.from_model(tr)
    return compiled, tr, seconds


def _initial_points(model, compiled, translation, chains, seed, init, initvals) -> np.ndarray:
    """chains x dim unconstrained starting points in the compiled model's
    layout."""
    from pymc.initial_point import make_initial_point_fns_per_chain

    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x1417]))
    pymc_jitter = init in _PYMC_INITS and _PYMC_INITS[init][0]
    fns = make_initial_point_fns_per_chain(
        model=model,
        overrides=initvals,
        jitter_rvs=set(model.free_RVs) if pymc_jitter else set(),
        chains=chains,
    )
    given = _initval_names(initvals)
    value_to_rv = {model.rvs_to_values[rv].name: rv.name for rv in model.free_RVs}
    points = np.empty((chains, compiled.dim))
    for c in range(chains):
        point = fns[c](int(rng.integers(2**31)))
        if init in _EXMC_INITS:
            # exmc's jitter around zero, except where an initial value is given
            j = _EXMC_INITS[init]
            base = {k: (v if value_to_rv[k] in given else rng.uniform(-j, j, size=np.shape(v)))
                    for k, v in point.items()}
        else:
            base = point
        if translation is None:
            points[c] = np.concatenate([np.ravel(base[name]) for name in compiled.value_names]) if base else []
            continue
        by_rv = {value_to_rv[k]: np.ravel(v) for k, v in base.items()}
        for p in compiled.info["params"]:
            block = slice(p["offset"], p["offset"] + p["size"])
            if p.get("aux"):
                # a non-centred node starts at its standard-normal block's centre
                j = 1.0 if pymc_jitter else (_EXMC_INITS.get(init, 0.0))
                points[c, block] = rng.uniform(-j, j, size=p["size"]) if j else 0.0
            else:
                points[c, block] = by_rv[p["name"]]
    return points


def _flat_draws(arr: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    lead = arr.shape[:2]
    return arr.reshape((lead[0] * lead[1],) + arr.shape[2:]), lead


def _expand_fallback(compiled: FallbackModel, groups: dict, log_likelihood: bool) -> None:
    """Replace the unconstrained draws by PyMC's named values (and add the
    pointwise log-likelihood when asked), computed by PyMC in one
    vectorised call per group."""
    from . import _numba

    model = compiled.pymc_model
    names = [rv.name for rv in model.free_RVs] + [d.name for d in model.deterministics]
    expand = compiled.expand(names)
    for g in ("posterior", "warmup_posterior"):
        if g not in groups or "__x" not in groups[g]:
            continue
        flat, lead = _flat_draws(groups[g].pop("__x"))
        values = expand(flat)
        for name in names:
            v = values[name]
            groups[g][name] = v.reshape(lead + v.shape[1:])
        if g == "posterior" and log_likelihood and model.observed_RVs:
            ll = _numba.compile_pointwise_loglik(model, compiled.layout)(flat)
            groups["log_likelihood"] = {k: v.reshape(lead + v.shape[1:]) for k, v in ll.items()}


def _add_pending(model: Any, translation, groups: dict) -> None:
    """Deterministics the core could not express, computed by PyMC from the
    constrained draws in one vectorised call."""
    from . import _numba

    names = [n for n in translation.pending]
    compute = _numba.compile_deterministics(model, names)
    for g in ("posterior", "warmup_posterior"):
        if g not in groups:
            continue
        lead = None
        values = {}
        for rv in model.free_RVs:
            flat, lead = _flat_draws(groups[g][rv.name])
            values[rv.name] = flat
        out = compute(values)
        for name in names:
            v = out[name]
            groups[g][name] = v.reshape(lead + v.shape[1:])


def _pymc_order(model: Any, posterior: dict, var_names: list[str] | None) -> dict:
    """Posterior variables in PyMC's order (free variables, then
    deterministics), restricted to var_names."""
    order = [rv.name for rv in model.free_RVs] + [d.name for d in model.deterministics]
    keep = order if var_names is None else [n for n in order if n in var_names]
    return {n: posterior[n] for n in keep if n in posterior}
