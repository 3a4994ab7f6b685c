"""The model: a context manager that collects named nodes, and its JSON form
``exmc.model/v1`` (see ``docs/model-format.md``).

Data nodes the package creates by itself are named so:

* ``observed=<array>`` on a distribution named ``y`` creates the data node
  ``"y_observed"``; ``observed=<exmc.Data node>`` refers to that node instead;
* a numpy array with more than ``expr.CONST_INLINE_LIMIT`` elements used in an
  expression, and every integer array used as an index, becomes a data node
  ``"_data0"``, ``"_data1"``, ...

Both kinds are left out of ``constant_data``; observed values appear in
``observed_data`` under the observed variable's own name, as in PyMC. The
``_data<k>`` names skip any name already taken; a user variable already named
``"y_observed"`` makes ``observed=<array>`` on ``y`` a ValueError.
"""

from __future__ import annotations

import json
import math as _pymath
import numbers
from typing import Any, Iterable, Mapping

import numpy as np

from . import _context
from .expr import FLOAT, INT, Expr, as_expr, evaluate, materialize

FORMAT = "exmc.model/v1"

OBSERVED_SUFFIX = "_observed"
AUTO_DATA_PREFIX = "_data"


class Variable(Expr):
    """A named node of a model. Used in an expression, it stands for the
    node's value (a free variable's constrained value)."""

    kind: str = ""

    def __init__(self, name: str, model: "Model", shape, dims, dtype: str = FLOAT):
        self.name = name
        self.model = model
        self.shape = tuple(int(d) for d in shape)
        self.dims = dims
        self.dtype = dtype

    def to_json(self) -> Any:
        return {"ref": self.name}

    def _label(self) -> str:
        return self.name

    def __repr__(self) -> str:
        dims = f" dims={self.dims}" if self.dims else ""
        return f"<exmc {self.kind} {self.name!r} shape={self.shape}{dims}>"

    __str__ = _label

    def _node(self, inline_data: bool) -> dict:
        raise NotImplementedError

    def _dims_json(self, node: dict) -> None:
        if self.dims:
            node["dims"] = list(self.dims)


class DataVariable(Variable):
    """A constant array (``kind: "data"``)."""

    kind = "data"

    def __init__(self, name, model, value: np.ndarray, dims, auto: bool = False):
        dtype = INT if value.dtype == np.int64 else FLOAT
        super().__init__(name, model, value.shape, dims, dtype)
        self.value = value
        self.auto = auto

    def _node(self, inline_data: bool) -> dict:
        node: dict = {"name": self.name, "kind": "data", "shape": list(self.shape)}
        if self.dtype == INT:
            node["dtype"] = INT
        self._dims_json(node)
        if inline_data:
            node["values"] = self.value.ravel().tolist()
        return node


class RandomVariable(Variable):
    def __init__(self, name, model, dist: str, params: dict, shape, dims):
        super().__init__(name, model, shape, dims)
        self.dist = dist
        self.params = params
        # ("censored" or "truncated", {"lower": Expr, "upper": Expr}) for a
        # node made by exmc.Censored or exmc.Truncated
        self.wrapping: tuple[str, dict] | None = None

    def _params_json(self) -> dict:
        return {k: v.to_json() for k, v in self.params.items()}

    def _wrapping_json(self, node: dict) -> None:
        if self.wrapping is not None:
            how, bounds = self.wrapping
            node[how] = {side: e.to_json() for side, e in bounds.items()}


class FreeRV(RandomVariable):
    """A random variable to sample (``kind: "free"``)."""

    kind = "free"

    def __init__(self, name, model, dist, params, shape, dims, transform: str, noncentered: bool | None):
        super().__init__(name, model, dist, params, shape, dims)
        self.transform = transform
        self.noncentered = noncentered

    def _node(self, inline_data: bool) -> dict:
        node: dict = {"name": self.name, "kind": "free", "dist": self.dist}
        if self.shape:
            node["shape"] = list(self.shape)
        self._dims_json(node)
        node["params"] = self._params_json()
        self._wrapping_json(node)
        if self.transform != "auto":
            node["transform"] = self.transform
        if self.noncentered is not None:
            node["noncentered"] = self.noncentered
        return node


class ObservedRV(RandomVariable):
    """A likelihood term (``kind: "observed"``). Used in an expression, it
    stands for its observed values, as in PyMC."""

    kind = "observed"

    def __init__(self, name, model, dist, params, shape, dims, observed: Expr):
        super().__init__(name, model, dist, params, shape, dims)
        self.observed = observed

    def _node(self, inline_data: bool) -> dict:
        node: dict = {"name": self.name, "kind": "observed", "dist": self.dist}
        self._dims_json(node)
        node["params"] = self._params_json()
        self._wrapping_json(node)
        node["observed"] = self.observed.to_json()
        return node


class DeterministicVariable(Variable):
    kind = "deterministic"

    def __init__(self, name, model, expr: Expr, dims):
        super().__init__(name, model, expr.shape, dims, expr.dtype)
        self.expr = expr

    def _node(self, inline_data: bool) -> dict:
        node: dict = {"name": self.name, "kind": "deterministic", "expr": self.expr.to_json()}
        self._dims_json(node)
        return node


class PotentialVariable(Variable):
    kind = "potential"

    def __init__(self, name, model, expr: Expr, dims):
        super().__init__(name, model, expr.shape, dims)
        self.expr = expr

    def _node(self, inline_data: bool) -> dict:
        return {"name": self.name, "kind": "potential", "expr": self.expr.to_json()}


def _coord_label_json(label: Any) -> Any:
    if isinstance(label, str):
        return label
    if isinstance(label, (bool, np.bool_)):
        return str(label)
    if isinstance(label, (numbers.Integral, np.integer)):
        return int(label)
    if isinstance(label, (numbers.Real, np.floating)) and _pymath.isfinite(float(label)):
        return float(label)
    # dates and other objects travel as text; the Python side keeps the
    # original labels for the ArviZ output
    return str(label)


class Model:
    """A Bayesian model, built PyMC-style inside ``with exmc.Model() as m:``.

    Parameters
    ----------
    coords : mapping of dimension name -> labels, optional
    noncentered : bool or None, default None
        How the Go core parameterises hierarchical Normals (a free
        ``Normal(mu, sigma)`` whose ``sigma`` is random). ``None``: it
        rewrites them as ``mu + sigma * z`` unless the data inform them well
        enough that the model as written samples better; ``True``: it always
        rewrites them; ``False``: it keeps the model as written. A variable's
        own ``noncentered=`` wins over the model's.
    """

    def __init__(self, coords: Mapping[str, Iterable] | None = None, *, noncentered: bool | None = None):
        if noncentered is not None and not isinstance(noncentered, (bool, np.bool_)):
            raise ValueError(f"Model(noncentered=...) must be None or a bool, got {noncentered!r}")
        self.noncentered = None if noncentered is None else bool(noncentered)
        self._coords: dict[str, tuple] = {}
        self._nodes: list[Variable] = []
        self._named: dict[str, Variable] = {}
        self._auto_count = 0
        if coords is not None:
            self.add_coords(coords)

    # -- context ----------------------------------------------------------
    def __enter__(self) -> "Model":
        _context.push(self)
        return self

    def __exit__(self, *exc) -> None:
        _context.pop(self)

    @staticmethod
    def get_context(error_if_none: bool = True) -> "Model | None":
        model = _context.current()
        if model is None and error_if_none:
            raise TypeError("no model on the context stack: use `with exmc.Model():` or pass model=")
        return model

    # -- coords -----------------------------------------------------------
    def add_coord(self, name: str, values: Iterable) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a dimension name must be a non-empty string, got {name!r}")
        if values is None or isinstance(values, (str, bytes)):
            raise ValueError(f"coords[{name!r}] must be a sequence of labels, got {values!r}")
        try:
            labels = tuple(v.item() if isinstance(v, np.generic) else v for v in values)
        except TypeError:
            raise ValueError(f"coords[{name!r}] must be a sequence of labels, got {values!r}") from None
        try:
            unique = len(set(labels)) == len(labels)
        except TypeError:
            unique = True
        if not unique:
            raise ValueError(f"coords[{name!r}] has repeated labels")
        old = self._coords.get(name)
        if old is not None and old != labels:
            raise ValueError(f"dimension {name!r} already has other coords")
        self._coords[name] = labels

    def add_coords(self, coords: Mapping[str, Iterable]) -> None:
        if not isinstance(coords, Mapping):
            raise ValueError(f"coords must be a mapping of dimension name -> labels, got {type(coords).__name__}")
        for name, values in coords.items():
            self.add_coord(name, values)

    @property
    def coords(self) -> dict[str, tuple]:
        """Dimension name -> labels (the labels as given)."""
        return dict(self._coords)

    @property
    def dim_lengths(self) -> dict[str, int]:
        return {k: len(v) for k, v in self._coords.items()}

    # -- nodes ------------------------------------------------------------
    @property
    def named_vars(self) -> dict[str, Variable]:
        """Every named node, data included, in creation order."""
        return dict(self._named)

    def __getitem__(self, name: str) -> Variable:
        return self._named[name]

    def __contains__(self, name: object) -> bool:
        return name in self._named

    def _of_kind(self, cls) -> list:
        return [v for v in self._nodes if isinstance(v, cls)]

    @property
    def free_RVs(self) -> list[FreeRV]:
        return self._of_kind(FreeRV)

    @property
    def observed_RVs(self) -> list[ObservedRV]:
        return self._of_kind(ObservedRV)

    @property
    def deterministics(self) -> list[DeterministicVariable]:
        return self._of_kind(DeterministicVariable)

    @property
    def potentials(self) -> list[PotentialVariable]:
        return self._of_kind(PotentialVariable)

    @property
    def data_vars(self) -> list[DataVariable]:
        return self._of_kind(DataVariable)

    @property
    def free_var_names(self) -> list[str]:
        return [v.name for v in self.free_RVs]

    @property
    def observed_var_names(self) -> list[str]:
        return [v.name for v in self.observed_RVs]

    @property
    def deterministic_names(self) -> list[str]:
        return [v.name for v in self.deterministics]

    @property
    def potential_names(self) -> list[str]:
        return [v.name for v in self.potentials]

    @property
    def data_names(self) -> list[str]:
        return [v.name for v in self.data_vars]

    @property
    def named_vars_to_dims(self) -> dict[str, tuple[str, ...]]:
        """Variable name -> dimension names, for the variables that have dims."""
        return {v.name: tuple(v.dims) for v in self._nodes if v.dims}

    def observed_data(self) -> dict[str, np.ndarray]:
        """Observed variable name -> its observed values (PyMC's
        ``observed_data`` group). Observations given by an expression that
        depends on anything but data are left out."""
        out = {}
        for v in self.observed_RVs:
            obs = v.observed
            if isinstance(obs, DataVariable):
                out[v.name] = obs.value
            else:
                try:
                    out[v.name] = evaluate(obs)
                except ValueError:
                    pass
        return out

    def constant_data(self) -> dict[str, np.ndarray]:
        """The ``exmc.Data`` nodes a user named (PyMC's ``constant_data``)."""
        return {v.name: v.value for v in self.data_vars if not v.auto}

    # -- registration (used by distributions.py and the functions below) ---
    def _check_name(self, name: Any) -> str:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a variable name must be a non-empty string, got {name!r}")
        if name in self._named:
            raise ValueError(f"variable name {name!r} is already used in this model")
        return name

    def _register(self, var: Variable) -> Variable:
        self._check_name(var.name)
        self._nodes.append(var)
        self._named[var.name] = var
        return var

    def _auto_data(self, arr: np.ndarray) -> DataVariable:
        while True:
            name = f"{AUTO_DATA_PREFIX}{self._auto_count}"
            self._auto_count += 1
            if name not in self._named:
                break
        return self._register(DataVariable(name, self, _frozen_array(arr, name), None, auto=True))

    def _resolve_dims(self, name: str, dims: Any) -> tuple[str, ...] | None:
        if dims is None:
            return None
        if isinstance(dims, str):
            dims = (dims,)
        if not isinstance(dims, (tuple, list)) or not all(isinstance(d, str) for d in dims):
            raise ValueError(f"{name!r}: dims must be a string or a sequence of strings, got {dims!r}")
        dims = tuple(dims)
        if len(set(dims)) != len(dims):
            raise ValueError(f"{name!r}: repeated dimension in dims={dims}")
        for d in dims:
            if d not in self._coords:
                raise ValueError(
                    f"{name!r}: dimension {d!r} is not in the model's coords "
                    f"(known: {sorted(self._coords)}); add it with exmc.Model(coords=...)"
                )
        return dims

    def _dims_shape(self, dims: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(len(self._coords[d]) for d in dims)

    def _check_dims_fit(self, name: str, dims, shape) -> None:
        if dims is None:
            return
        if len(dims) != len(shape):
            raise ValueError(f"{name!r}: dims {dims} have {len(dims)} names for a value of shape {tuple(shape)}")
        want = self._dims_shape(dims)
        if tuple(shape) != want:
            raise ValueError(
                f"{name!r}: shape {tuple(shape)} does not match dims {dims}, whose coords have lengths {want}"
            )

    def _check_refs(self, name: str, expr: Expr) -> None:
        refs = [expr] if isinstance(expr, Variable) else expr.refs()
        for r in refs:
            if getattr(r, "model", self) is not self:
                raise ValueError(f"{name!r}: refers to {r.name!r}, a variable of another model")
            if isinstance(r, PotentialVariable):
                raise ValueError(f"{name!r}: refers to {r.name!r}, a potential, which has no value to refer to")

    # -- the JSON form ----------------------------------------------------
    def to_dict(self, inline_data: bool = True) -> dict:
        """The model as a ``exmc.model/v1`` document (a dict ready for
        ``json.dumps``). With ``inline_data=False`` the data nodes carry no
        ``values``; hand them over with :meth:`data_arrays`."""
        doc: dict = {"format": FORMAT}
        if self._coords:
            doc["coords"] = {k: [_coord_label_json(x) for x in v] for k, v in self._coords.items()}
        if self.noncentered is not None:
            doc["noncentered"] = self.noncentered
        doc["nodes"] = [v._node(inline_data) for v in self._nodes]
        return doc

    def to_json(self, inline_data: bool = True, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(inline_data=inline_data), indent=indent, allow_nan=False)

    def data_arrays(self) -> dict[str, np.ndarray]:
        """Every data node's values: name -> C-contiguous, read-only float64 or
        int64 array, ready for a zero-copy Arrow hand-over."""
        return {v.name: v.value for v in self.data_vars}

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{len(xs)} {label}"
            for label, xs in (
                ("free", self.free_RVs),
                ("observed", self.observed_RVs),
                ("deterministic", self.deterministics),
                ("potential", self.potentials),
                ("data", self.data_vars),
            )
            if xs
        )
        return f"<exmc.Model: {counts or 'empty'}>"


def modelcontext(model: Model | None) -> Model:
    """``model`` if given, else the innermost model of the ``with`` stack."""
    if model is not None:
        if not isinstance(model, Model):
            raise ValueError(f"model must be an exmc.Model, got {type(model).__name__}")
        return model
    return Model.get_context()


def _frozen_array(value: Any, name: str, infinite: bool = False) -> np.ndarray:
    """A C-contiguous, read-only float64 or int64 copy of ``value``; the copy
    keeps later changes to the caller's array out of the model. With
    ``infinite``, infinities are allowed (a censoring or truncation bound's
    elements with no bound)."""
    if isinstance(value, Expr):
        raise ValueError(f"{name!r}: data must be a numeric array, not an exmc expression")
    if isinstance(value, np.ma.MaskedArray):
        raise ValueError(f"{name!r}: masked arrays (missing values) are not supported")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{name!r}: data cannot be read as a numeric array: {err}") from None
    kind = arr.dtype.kind
    if kind in "biu":
        if kind == "u" and arr.size and arr.max() > np.iinfo(np.int64).max:
            raise ValueError(f"{name!r}: integer data does not fit in int64")
        out = np.array(arr, dtype=np.int64, order="C", copy=True)
    elif kind == "f":
        out = np.array(arr, dtype=np.float64, order="C", copy=True)
        bad = np.isnan(out) if infinite else ~np.isfinite(out)
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"{name!r}: data contains NaN or infinite values "
                f"({int(bad.sum())} of {out.size}, the first at index {where})"
            )
    else:
        raise ValueError(f"{name!r}: data must be numeric (float or integer), got dtype {arr.dtype}")
    out.setflags(write=False)
    return out


def Data(name: str, value: Any, *, dims: Any = None, model: Model | None = None) -> DataVariable:
    """A named constant array, as ``pm.Data``. Integer and boolean arrays
    become int64 data (usable as indices), the rest float64."""
    m = modelcontext(model)
    m._check_name(name)
    arr = _frozen_array(value, name)
    dims = m._resolve_dims(name, dims)
    m._check_dims_fit(name, dims, arr.shape)
    return m._register(DataVariable(name, m, arr, dims))


def _node_expr(m: Model, name: str, value: Any) -> Expr:
    try:
        expr = as_expr(value, model=m, what=f"{name!r}", defer_data=True)
    except TypeError as err:
        raise ValueError(f"{name!r}: {err}") from None
    m._check_refs(name, expr)
    return expr


def Deterministic(name: str, var: Any, *, dims: Any = None, model: Model | None = None) -> DeterministicVariable:
    """A named function of other nodes, reported in the posterior."""
    m = modelcontext(model)
    m._check_name(name)
    expr = _node_expr(m, name, var)
    dims = m._resolve_dims(name, dims)
    m._check_dims_fit(name, dims, expr.shape)
    return m._register(DeterministicVariable(name, m, materialize(expr, m), dims))


def Potential(name: str, var: Any, *, dims: Any = None, model: Model | None = None) -> PotentialVariable:
    """A term added to the log-density (an array is summed)."""
    m = modelcontext(model)
    m._check_name(name)
    expr = _node_expr(m, name, var)
    dims = m._resolve_dims(name, dims)
    m._check_dims_fit(name, dims, expr.shape)
    return m._register(PotentialVariable(name, m, materialize(expr, m), dims))


__all__ = [
    "FORMAT",
    "Model",
    "Data",
    "Deterministic",
    "Potential",
    "Variable",
    "DataVariable",
    "FreeRV",
    "ObservedRV",
    "DeterministicVariable",
    "PotentialVariable",
    "modelcontext",
]
