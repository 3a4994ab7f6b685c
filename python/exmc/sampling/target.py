"""What is sampled: the model an entry point was given, compiled."""

from __future__ import annotations

import sys
from typing import Any

from .._context import current
from ..compiled import CompiledModel
from ..model import Model, modelcontext


def compile_model(model: Any) -> CompiledModel:
    """The compiled model to sample: ``model`` itself when it is compiled,
    else the exmc.Model given (or of the enclosing ``with`` block),
    compiled."""
    if isinstance(model, CompiledModel):
        return model
    if model is None:
        model = modelcontext(None)
    if isinstance(model, Model):
        return CompiledModel.from_model(model)
    raise TypeError(f"model must be an exmc.Model or a pymc.Model, got {type(model).__name__}")


def pymc_model(model: Any) -> Any:
    """The pymc.Model to sample, if that is what was given (or, with no
    model given and no exmc model open, the PyMC model of the enclosing
    ``with`` block); None otherwise. PyMC is never imported here: a PyMC
    model exists only once PyMC was."""
    pm = sys.modules.get("pymc")
    if pm is None:
        return None
    if model is None:
        if current() is not None:
            return None
        return pm.Model.get_context(error_if_none=False)
    return model if isinstance(model, pm.Model) else None


__all__ = ["compile_model", "pymc_model"]
