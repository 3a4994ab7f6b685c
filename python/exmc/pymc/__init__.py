"""exmc's bridge to PyMC.

``exmc.sample(pymc_model)`` samples a ``pymc.Model`` with exmc's NUTS, and
``exmc.from_pymc(pymc_model)`` compiles one into an exmc log-density whose
points are laid out as PyMC lays out its value variables.

The model is translated into exmc's own format (``docs/model-format.md``)
and compiled by the Go core (``backend="native"``, the default):

* distributions, with PyMC's parameters: those of exmc's catalogue
  (``exmc.DISTRIBUTIONS``, docs/model-format.md), among them
  GaussianRandomWalk (Normal initial and innovation distributions),
  NormalMixture (and ``pm.Mixture`` of Normal components), the zero-inflated
  and hurdle distributions, Categorical (``p`` or ``logit_p``) and
  OrderedLogistic and OrderedProbit (recognised in the probabilities PyMC
  computes for its Categorical);
* PyMC's default transforms, ``default_transform=None``, and the ordered
  transform;
* PyTensor expressions: elementwise arithmetic and functions (exp, log,
  log1p, expm1, sqrt, abs, sigmoid, softplus, logit, tanh, erf, erfc,
  erfcx, gammaln, digamma, log1mexp, logaddexp, sin, cos, tan, and
  floor/ceil/round/trunc with PyTensor's zero gradient, ...), comparisons,
  ``switch``/``where``, ``clip``, ``maximum``/``minimum``, sums and means,
  ``all``/``any``, ``logsumexp``, softmax, ``cumsum``, ``cumprod``, dot and matmul of vectors and matrices, reshapes,
  transposes and broadcasting, ``stack``/``concatenate``, slicing and
  integer-array or boolean-mask indexing, PyMC's parameter checks, and
  assertions (``pytensor.raise_op.Assert``: the log-density is -inf where
  one fails);
* ``pm.Data`` (as data), deterministics, potentials, coords and dims.

Anything else in the log-density is reported by the name the user wrote it
with (``pm.Censored``, ``pt.linalg.cholesky``,
``transform=pm.distributions.transforms.ordered``), with the variable it
belongs to, in an :class:`UnsupportedModelError`; ``backend="pymc"`` (or
``"numba"``) then samples the model through PyMC's own log-density
compiled by PyTensor's numba backend into a C function that exmc's NUTS
calls without the GIL, and ``backend="auto"`` does so by itself. A
deterministic the core cannot express does not stop the translation: PyMC
computes it from the draws after sampling. A discrete free variable is
refused by every backend (NUTS needs continuous variables).

Importing this module does not import PyMC; its functions do.
"""

from ._compiled import BACKENDS, FallbackModel, PyMCModel, from_pymc
from ._sample import sample_pymc
from ._translate import Translation, UnsupportedModelError, translate

__all__ = [
    "BACKENDS",
    "FallbackModel",
    "PyMCModel",
    "Translation",
    "UnsupportedModelError",
    "from_pymc",
    "sample_pymc",
    "translate",
]
