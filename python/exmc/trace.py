"""Sampling output -> ArviZ 1.x ``xarray.DataTree``.

Draws arrive as numpy views of Arrow buffers owned by the Go core's C
allocations. ``arviz_base.from_dict`` wraps the arrays it is given in
``xarray.DataArray`` objects without copying them, so the posterior of the
returned tree shares memory with those buffers (the tests check this with
``np.shares_memory``). Nothing here may call ``np.array``/``astype`` on a
draw array for that reason.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ._version import __version__

#: sample statistics under their ArviZ names
SAMPLE_STATS = (
    "lp",
    "acceptance_rate",
    "step_size",
    "step_size_nom",
    "tree_depth",
    "n_steps",
    "diverging",
    "energy",
    "energy_error",
    "max_energy_error",
    "reached_max_treedepth",
)

INFERENCE_LIBRARY = "exmc"


def _as_arrays(group: str, data: Mapping[str, Any] | None) -> dict[str, np.ndarray]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ValueError(f"{group} must be a mapping of variable name -> array, got {type(data).__name__}")
    out = {}
    for name, value in data.items():
        # np.asarray returns an ndarray argument itself: no copy
        out[name] = value if isinstance(value, np.ndarray) else np.asarray(value)
    return out


def _check_sample_shapes(groups: dict[str, dict[str, np.ndarray]]) -> None:
    """Every array of these groups starts with the same (chain, draw)."""
    lead = None
    for group, arrays in groups.items():
        for name, arr in arrays.items():
            if arr.ndim < 2:
                raise ValueError(f"{group}[{name!r}] must have shape (chains, draws, ...), got {arr.shape}")
            if lead is None:
                lead = (group, name, arr.shape[:2])
                continue
            for axis, what in ((0, "chains"), (1, "draws")):
                if arr.shape[axis] != lead[2][axis]:
                    raise ValueError(
                        f"{group}[{name!r}] has {arr.shape[axis]} {what}, "
                        f"but {lead[0]}[{lead[1]!r}] has {lead[2][axis]}"
                    )


#: the dimensions ArviZ gives every sampled group
SAMPLE_DIMS = ("chain", "draw")


def _rename_sample_dim_variables(groups: dict[str, dict[str, np.ndarray]], dims: dict) -> dict:
    """Rename, in place, the sampled variables called ``chain`` or ``draw``.

    Sampling takes any name, but a group of ArviZ's DataTree has dimensions
    ``chain`` and ``draw``, and xarray cannot hold a variable of the same
    name as a dimension it does not index (ArviZ drops it without a word).
    Such a variable is kept as ``chain_`` (``draw_``; more underscores if
    that is taken too), with a warning; the draws in Arrow form
    (``exmc.sample_stream``, ``exmc_sample``) keep its own name. Returns
    ``dims`` with the new names."""
    taken = {name for arrays in groups.values() for name in arrays}
    renamed = {}
    for old in SAMPLE_DIMS:
        if not any(old in arrays for arrays in groups.values()):
            continue
        new = old + "_"
        while new in taken:
            new += "_"
        taken.add(new)
        renamed[old] = new
        for arrays in groups.values():
            if old in arrays:
                # keep the variables' order
                items = [(new if k == old else k, v) for k, v in arrays.items()]
                arrays.clear()
                arrays.update(items)
    if not renamed:
        return dims
    import warnings

    warnings.warn(
        "ArviZ's groups have the dimensions chain and draw, and cannot hold a variable of either name: "
        + ", ".join(f"variable {old!r} is {new!r} in the DataTree" for old, new in renamed.items())
        + " (the Arrow draws of exmc.sample_stream keep the name)",
        RuntimeWarning,
        stacklevel=3,
    )
    return {renamed.get(k, k): v for k, v in dims.items()}


def to_datatree(
    posterior: Mapping[str, Any],
    sample_stats: Mapping[str, Any] | None = None,
    *,
    warmup_posterior: Mapping[str, Any] | None = None,
    warmup_sample_stats: Mapping[str, Any] | None = None,
    observed_data: Mapping[str, Any] | None = None,
    constant_data: Mapping[str, Any] | None = None,
    log_likelihood: Mapping[str, Any] | None = None,
    coords: Mapping[str, Any] | None = None,
    dims: Mapping[str, Any] | None = None,
    model: Any = None,
    sampling_time: float | None = None,
    tuning_steps: int | None = None,
    attrs: Mapping[str, Any] | None = None,
):
    """Assemble an ArviZ ``DataTree`` from sampling output.

    Parameters
    ----------
    posterior, warmup_posterior : mapping of name -> array of shape (chains, draws, *var_shape)
    sample_stats, warmup_sample_stats : mapping of ArviZ stat name (see
        :data:`SAMPLE_STATS`) -> array of shape (chains, draws)
    observed_data, constant_data : mapping of name -> array
    log_likelihood : mapping of observed variable name -> array of shape
        (chains, draws, *observed_shape)
    coords, dims : as in PyMC: dimension name -> labels, variable name -> dimension names
    model : exmc.Model, optional
        Supplies ``coords``, ``dims``, ``observed_data`` and ``constant_data``
        (explicit arguments take precedence).
    sampling_time : seconds spent sampling (an attribute of posterior and sample_stats)
    tuning_steps : number of warmup iterations per chain (likewise)
    attrs : extra attributes for every group

    The arrays are used as given (read-only views are fine) and not copied.
    """
    import arviz_base

    if model is not None:
        coords = {**model.coords, **(coords or {})}
        dims = {**model.named_vars_to_dims, **(dims or {})}
        if observed_data is None:
            observed_data = model.observed_data()
        if constant_data is None:
            constant_data = model.constant_data()
    coords = {k: list(v) for k, v in (coords or {}).items()}
    dims = {k: [dims[k]] if isinstance(dims[k], str) else list(dims[k]) for k in (dims or {})}

    sampled = {
        "posterior": _as_arrays("posterior", posterior),
        "sample_stats": _as_arrays("sample_stats", sample_stats),
        "log_likelihood": _as_arrays("log_likelihood", log_likelihood),
    }
    warmup = {
        "warmup_posterior": _as_arrays("warmup_posterior", warmup_posterior),
        "warmup_sample_stats": _as_arrays("warmup_sample_stats", warmup_sample_stats),
    }
    dims = _rename_sample_dim_variables({**sampled, **warmup}, dims)
    _check_sample_shapes({k: v for k, v in sampled.items() if v})
    _check_sample_shapes({k: v for k, v in warmup.items() if v})
    if not sampled["posterior"]:
        raise ValueError("the posterior has no variables")
    chains = next(iter(sampled["posterior"].values())).shape[0]
    for group, arrays in warmup.items():
        for name, arr in arrays.items():
            if arr.shape[0] != chains:
                raise ValueError(f"{group}[{name!r}] has {arr.shape[0]} chains, the posterior {chains}")

    data: dict[str, dict[str, np.ndarray]] = {}
    for group, arrays in (
        ("posterior", sampled["posterior"]),
        ("sample_stats", sampled["sample_stats"]),
        ("log_likelihood", sampled["log_likelihood"]),
        ("observed_data", _as_arrays("observed_data", observed_data)),
        ("constant_data", _as_arrays("constant_data", constant_data)),
        ("warmup_posterior", warmup["warmup_posterior"]),
        ("warmup_sample_stats", warmup["warmup_sample_stats"]),
    ):
        if arrays:
            data[group] = arrays

    base = {"inference_library": INFERENCE_LIBRARY, "inference_library_version": __version__}
    run = dict(base)
    if sampling_time is not None:
        run["sampling_time"] = float(sampling_time)
    if tuning_steps is not None:
        run["tuning_steps"] = int(tuning_steps)
    extra = dict(attrs or {})
    group_attrs: dict[str, dict] = {"/": {**run, **extra}}
    for group in data:
        kinds = ("posterior", "sample_stats", "warmup_posterior", "warmup_sample_stats")
        group_attrs[group] = {**(run if group in kinds else base), **extra}

    return arviz_base.from_dict(
        data,
        coords=coords,
        dims=dims,
        save_warmup=bool(warmup["warmup_posterior"] or warmup["warmup_sample_stats"]),
        index_origin=0,
        attrs=group_attrs,
    )


def arrow_to_numpy(array: Any, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """A read-only numpy view of a pyarrow array, with no copy.

    Accepts a primitive pyarrow array (or a one-chunk ChunkedArray), or a
    fixed-size list of one (flattened). Boolean arrays are bit-packed in
    Arrow and are the one case that is copied.
    """
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        if array.num_chunks != 1:
            raise ValueError(f"a zero-copy view needs a single chunk, got {array.num_chunks}")
        array = array.chunk(0)
    while pa.types.is_fixed_size_list(array.type):
        array = array.flatten()
    if array.null_count:
        raise ValueError("the array has nulls, which have no numpy view")
    out = array.to_numpy(zero_copy_only=not pa.types.is_boolean(array.type))
    if shape is not None:
        out = out.reshape(shape)
    return out


SHAPE_METADATA_KEY = b"exmc:shape"
_INDEX_COLUMNS = ("chain", "draw", "warmup")
#: the struct columns of the draws (include/exmc.h, exmc_sample): ArviZ
#: group -> column; each field of a column is a variable (or statistic) of
#: that group, whatever its name
GROUP_COLUMNS = ("posterior", "sample_stats", "log_likelihood")


def _column_shape(field: Any, column: Any) -> tuple[int, ...]:
    import json

    import pyarrow as pa

    meta = field.metadata or {}
    if SHAPE_METADATA_KEY in meta:
        return tuple(int(d) for d in json.loads(meta[SHAPE_METADATA_KEY]))
    shape = []
    t = field.type
    while pa.types.is_fixed_size_list(t):
        shape.append(t.list_size)
        t = t.value_type
    return tuple(shape)


def group_fields(record: Any) -> dict[str, list[tuple[Any, Any]]]:
    """The fields of the draws' struct columns: group -> [(pyarrow Field,
    its array)], each array a zero-copy view of the record batch's rows.
    Groups the draws do not have are left out; a record without the
    ``posterior`` struct column is refused with the layout it should
    have."""
    import pyarrow as pa

    names = record.schema.names
    if "posterior" not in names or not pa.types.is_struct(record.schema.field("posterior").type):
        raise ValueError(
            "the draws have no 'posterior' struct column: they are not in the layout of exmc_sample "
            "(include/exmc.h: chain, draw, warmup, then struct columns sample_stats, posterior and log_likelihood)"
        )
    out: dict[str, list[tuple[Any, Any]]] = {}
    for group in GROUP_COLUMNS:
        if group not in names:
            continue
        column = record.column(group)
        if isinstance(column, pa.ChunkedArray):
            if column.num_chunks != 1:
                raise ValueError(f"a zero-copy view needs a single chunk, got {column.num_chunks}")
            column = column.chunk(0)
        struct = record.schema.field(group).type
        out[group] = [(struct.field(i), column.field(i)) for i in range(struct.num_fields)]
    return out


def split_draws(data: Any) -> dict[str, dict[str, np.ndarray]]:
    """Split the Go core's draws into ArviZ groups of numpy views.

    ``data`` is a pyarrow RecordBatch, Table (of one batch) or
    RecordBatchReader in the layout of ``exmc_sample`` (include/exmc.h):
    chain-major rows with ``chain``, ``draw`` and ``warmup`` columns, and
    struct columns ``sample_stats`` (the statistics, ArviZ names),
    ``posterior`` (one field per reported variable, named for it:
    fixed-size lists for arrays, shape in the field metadata
    ``exmc:shape``) and, when asked for, ``log_likelihood``. A variable may
    have any name, a statistic's included: the groups never mix.

    Returns ``{"posterior", "sample_stats", "log_likelihood",
    "warmup_posterior", "warmup_sample_stats"}`` (empty groups left out),
    each array of shape (chains, draws, *shape). When every chain has the
    same number of rows the arrays are views of the Arrow buffers (boolean
    columns excepted: Arrow packs them in bits); chains of unequal length (a
    chain failed or the run was cancelled) are cut to the shortest, which
    copies.
    """
    import pyarrow as pa

    if isinstance(data, pa.RecordBatchReader):
        data = data.read_all()
    if isinstance(data, pa.Table):
        batches = data.to_batches()
        if len(batches) != 1:
            # several batches cannot be viewed as one array without a copy
            data = data.combine_chunks()
            batches = data.to_batches()
        data = batches[0] if batches else pa.RecordBatch.from_pylist([], schema=data.schema)
    names = data.schema.names
    for col in _INDEX_COLUMNS:
        if col not in names:
            raise ValueError(f"the draws have no {col!r} column")
    fields = group_fields(data)
    chain = np.asarray(data.column("chain").to_numpy(zero_copy_only=False), dtype=np.int64)
    warmup = np.asarray(data.column("warmup").to_numpy(zero_copy_only=False), dtype=bool)
    if chain.size and np.any(np.diff(chain) < 0):
        raise ValueError("the draws are not chain-major")
    ids, starts, counts = np.unique(chain, return_index=True, return_counts=True)
    n_warm = [int(warmup[s : s + c].sum()) for s, c in zip(starts, counts)]
    for s, c, w in zip(starts, counts, n_warm):
        if w and not warmup[s : s + w].all():
            raise ValueError("warmup draws must come before the posterior draws of their chain")
    equal = len(set(counts.tolist())) <= 1 and len(set(n_warm)) <= 1
    if not equal:
        import warnings

        warnings.warn(
            f"chains have unequal numbers of draws ({counts.tolist()}); all are cut to the shortest",
            RuntimeWarning,
            stacklevel=2,
        )
    warm = min(n_warm) if n_warm else 0
    post = int(min(c - w for c, w in zip(counts, n_warm))) if len(counts) else 0

    groups: dict[str, dict[str, np.ndarray]] = {
        "posterior": {}, "sample_stats": {}, "log_likelihood": {},
        "warmup_posterior": {}, "warmup_sample_stats": {},
    }
    for group, members in fields.items():
        for field, column in members:
            shape = _column_shape(field, column)
            flat = arrow_to_numpy(column)
            if equal:
                full = flat.reshape((len(ids), int(counts[0]) if len(counts) else 0) + shape)
                warm_part, post_part = full[:, :warm], full[:, warm:]
            else:
                rows = flat.reshape((-1,) + shape)
                warm_part = np.stack([rows[s + w - warm : s + w] for s, w in zip(starts, n_warm)])
                post_part = np.stack([rows[s + w : s + w + post] for s, w in zip(starts, n_warm)])
            groups[group][field.name] = post_part
            if warm and group != "log_likelihood":
                groups["warmup_" + group][field.name] = warm_part
    return {k: v for k, v in groups.items() if v}


def from_arrow(data: Any, *, model: Any = None, **kwargs: Any):
    """:func:`split_draws` then :func:`to_datatree` (extra keyword arguments
    go to the latter)."""
    groups = split_draws(data)
    if "posterior" not in groups:
        raise ValueError("the draws hold no variables")
    return to_datatree(
        groups["posterior"],
        groups.get("sample_stats"),
        warmup_posterior=groups.get("warmup_posterior"),
        warmup_sample_stats=groups.get("warmup_sample_stats"),
        log_likelihood=groups.get("log_likelihood"),
        model=model,
        **kwargs,
    )


__all__ = ["SAMPLE_STATS", "to_datatree", "arrow_to_numpy", "split_draws", "from_arrow", "group_fields"]
