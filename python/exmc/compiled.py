"""A model compiled by the Go core: its log-density, gradient and layout."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from . import _ffi
from ._errors import check, error_out


def _arrow_data(arrays: dict[str, np.ndarray]):
    """One-row struct array holding each data array as a list, built over
    the numpy buffers without copying them (Arrow columns must share one
    length, so each array is one list element)."""
    import pyarrow as pa

    columns = []
    for a in arrays.values():
        flat = pa.array(np.ascontiguousarray(a).reshape(-1))
        columns.append(pa.ListArray.from_arrays(pa.array([0, len(flat)], pa.int32()), flat))
    return pa.StructArray.from_arrays(columns, names=list(arrays))


class CompiledModel:
    """The compiled log-density of an exmc model, with its unconstrained
    layout. Shared by every chain; calls are thread-safe and release the
    GIL."""

    # (JSON document, data arrays) the model was compiled from: what another
    # process needs to compile it again (see source()).
    _source: tuple[str, dict[str, np.ndarray]] | None = None

    def __init__(self, handle: Any, info: dict, model: Any = None):
        self._handle = handle
        self.info = info
        self.model = model

    @classmethod
    def from_model(cls, model: Any) -> "CompiledModel":
        return cls.from_source(model.to_json(inline_data=False), model.data_arrays(), model)

    @classmethod
    def from_source(
        cls, doc: str | bytes, arrays: dict[str, np.ndarray] | None = None, model: Any = None
    ) -> "CompiledModel":
        """Compile a model from its JSON form with the values of its data
        nodes left out, given apart as arrays (name -> array), as
        ``exmc.Model.to_json(inline_data=False)`` and ``data_arrays()``
        give them."""
        ffi, lib, _ = _ffi.load()
        text = doc.decode() if isinstance(doc, bytes) else doc
        doc = text.encode()
        arrays = dict(arrays or {})
        out = ffi.new("exmc_model**")
        err = error_out(ffi)
        if arrays:
            import pyarrow as pa  # noqa: F401  (pyarrow exports through its C interface)

            data = _arrow_data(arrays)
            c_schema = ffi.new("struct ArrowSchema*")
            c_array = ffi.new("struct ArrowArray*")
            data._export_to_c(int(ffi.cast("uintptr_t", c_array)), int(ffi.cast("uintptr_t", c_schema)))
            code = lib.exmc_model_from_json_arrow(doc, len(doc), c_schema, c_array, out, err)
            # on failure the library may not have taken the structures over
            if c_array.release != ffi.NULL:
                c_array.release(c_array)
            if c_schema.release != ffi.NULL:
                c_schema.release(c_schema)
        else:
            code = lib.exmc_model_from_json(doc, len(doc), out, err)
        check(code, err, ffi, lib, "compiling the model")
        compiled = cls._wrap(out[0], model)
        compiled._source = (text, arrays)
        return compiled

    @classmethod
    def from_json(cls, doc: str | bytes | dict) -> "CompiledModel":
        """Compile a model given in its JSON form (docs/model-format.md),
        with its data inline."""
        ffi, lib, _ = _ffi.load()
        if isinstance(doc, dict):
            doc = json.dumps(doc)
        if isinstance(doc, str):
            doc = doc.encode()
        out = ffi.new("exmc_model**")
        err = error_out(ffi)
        check(lib.exmc_model_from_json(doc, len(doc), out, err), err, ffi, lib, "compiling the model")
        compiled = cls._wrap(out[0], None)
        compiled._source = (doc.decode(), {})
        return compiled

    def source(self) -> tuple[str, dict[str, np.ndarray]]:
        """The JSON document and data arrays this model was compiled from,
        for :meth:`from_source` in another process. A model wrapping a
        function (a C or numba log-density) has none: ValueError."""
        if self._source is None:
            raise ValueError(
                f"this {type(self).__name__} was not compiled from a model document, so it cannot "
                "be compiled again in another process"
            )
        return self._source

    @classmethod
    def _wrap(cls, handle: Any, model: Any) -> "CompiledModel":
        ffi, lib, _ = _ffi.load()
        handle = ffi.gc(handle, lib.exmc_model_free)
        s = ffi.new("char**")
        err = error_out(ffi)
        check(lib.exmc_model_info(handle, s, err), err, ffi, lib, "model info")
        try:
            info = json.loads(ffi.string(s[0]).decode())
        finally:
            lib.exmc_free_string(s[0])
        return cls(handle, info, model)

    @property
    def handle(self) -> Any:
        return self._handle

    @property
    def dim(self) -> int:
        return int(self.info["dim"])

    @property
    def noncentered(self) -> list[str]:
        """The hierarchical Normals the automatic non-centring rewrote."""
        return list(self.info.get("noncentered") or [])

    @property
    def kept_centered(self) -> dict[str, float]:
        """The hierarchical Normals the automatic non-centring left as
        written because their data inform them, each with the estimated
        share of its posterior precision that comes from the data."""
        return dict(self.info.get("kept_centered") or {})

    def parameterisation_attrs(self) -> dict[str, str]:
        """The result attributes that say how hierarchical Normals ran:
        ``noncentered`` and ``kept_centered``, comma-separated names."""
        return {"noncentered": ",".join(self.noncentered), "kept_centered": ",".join(sorted(self.kept_centered))}

    def param_names(self, constrained: bool = False) -> list[str]:
        ffi, lib, _ = _ffi.load()
        s = ffi.new("const char**")
        err = error_out(ffi)
        check(lib.exmc_model_param_names(self._handle, int(constrained), s, err), err, ffi, lib, "parameter names")
        text = ffi.string(s[0]).decode()
        return text.split(",") if text else []

    def _point(self, x: Any) -> np.ndarray:
        a = np.asarray(x)
        if a.dtype.kind not in "iuf":
            raise TypeError(f"the point must be an array of {self.dim} real numbers, got {type(x).__name__}"
                            + (f" of {a.dtype}" if isinstance(x, np.ndarray) else ""))
        x = np.ascontiguousarray(a, dtype=np.float64)
        if x.shape != (self.dim,):
            raise ValueError(f"the point must have shape ({self.dim},), got {x.shape}")
        return x

    def logp_grad(self, x: Any) -> tuple[float, np.ndarray]:
        """The log-density and its gradient at the unconstrained point x."""
        ffi, lib, _ = _ffi.load()
        x = self._point(x)
        grad = np.empty(self.dim)
        lp = ffi.new("double*")
        err = error_out(ffi)
        code = lib.exmc_log_density_gradient(
            self._handle, ffi.from_buffer("double[]", x), x.size, lp, ffi.from_buffer("double[]", grad), err
        )
        check(code, err, ffi, lib, "log-density")
        return float(lp[0]), grad

    def logp(self, x: Any) -> float:
        """The log-density at the unconstrained point x."""
        ffi, lib, _ = _ffi.load()
        x = self._point(x)
        lp = ffi.new("double*")
        err = error_out(ffi)
        code = lib.exmc_log_density_gradient(self._handle, ffi.from_buffer("double[]", x), x.size, lp, ffi.NULL, err)
        check(code, err, ffi, lib, "log-density")
        return float(lp[0])

    def constrain(self, x: Any) -> dict[str, np.ndarray]:
        """The reported values (free variables and deterministics) at x."""
        ffi, lib, _ = _ffi.load()
        x = self._point(x)
        size = ffi.new("size_t*")
        err = error_out(ffi)
        check(lib.exmc_model_constrained_size(self._handle, size, err), err, ffi, lib, "constrain")
        out = np.empty(int(size[0]))
        code = lib.exmc_constrain(
            self._handle, ffi.from_buffer("double[]", x), x.size, ffi.from_buffer("double[]", out), out.size, err
        )
        check(code, err, ffi, lib, "constrain")
        return {
            v["name"]: out[v["offset"] : v["offset"] + v["size"]].reshape(v["shape"]) for v in self.info["vars"]
        }
