"""exmc: Bayesian NUTS sampling with a Go core.

Build a model PyMC-style::

    import exmc
    with exmc.Model(coords={"school": names}) as m:
        mu = exmc.Normal("mu", mu=0, sigma=5)
        tau = exmc.HalfCauchy("tau", beta=5)
        theta = exmc.Normal("theta", mu=mu, sigma=tau, dims="school")
        exmc.Normal("y", mu=theta, sigma=sigma, observed=y, dims="school")

Importing exmc never loads the native library (see ``exmc._ffi``).
"""

from . import math
from ._version import __version__
from . import distributions as _distributions
from .distributions import *  # noqa: F403 - one class per row of the Go core's catalogue
from .expr import Expr, ShapeError
from .model import FORMAT, Data, Deterministic, Model, Potential, Variable, modelcontext
from .progress import ChainProgress, ProgressBar
from .trace import SAMPLE_STATS, to_datatree
from .compiled import CompiledModel
from .sampling import Batch, Run, Stream, sample, sample_stream
from ._errors import ChainError, ExmcError
# the PyMC bridge registers its sampler with exmc.sampling when imported
# (exmc.sampling.api.register_pymc_sampler)
from .pymc import UnsupportedModelError, from_pymc
from .variational import Approximation, fit

__all__ = [
    "__version__",
    "sample",
    "sample_stream",
    "fit",
    "Approximation",
    "Batch",
    "Stream",
    "Run",
    "from_pymc",
    "UnsupportedModelError",
    "CompiledModel",
    "ChainError",
    "ExmcError",
    "math",
    "FORMAT",
    "Model",
    "Data",
    "Deterministic",
    "Potential",
    "Variable",
    "Expr",
    "ShapeError",
    "modelcontext",
    "ChainProgress",
    "ProgressBar",
    "SAMPLE_STATS",
    "to_datatree",
    *_distributions.__all__,
]
