"""Sampling with the Go core's NUTS: the options, the native run, and the
ways to run it.

The modules form layers, each importing only from those below it (``make
lint`` checks it: import-linter's contracts in pyproject.toml)::

    api                              exmc.sample, exmc.sample_stream
    dask                             chains as tasks on a Dask cluster
    blocking | stream | background   a run waited for, streamed, or left
                                     going (exmc.Run)
    native | draws                   the library's run and the failed-chain
                                     policy; batches of draws to a DataTree
    options | target                 the options' schema, signatures and
                                     checks; the model to sample

The PyMC bridge (``exmc.pymc``) samples PyMC models with these pieces. This
package never imports it: the bridge registers its sampler with
:func:`exmc.sampling.api.register_pymc_sampler`, the one hook by which
``exmc.sample`` reaches it.
"""

from .api import register_pymc_sampler, sample, sample_stream
from .background import Run
from .draws import Batch, concat
from .native import settle_failures
from .options import SAMPLING, Keyword, Options, Signature
from .stream import Stream

__all__ = [
    "Batch",
    "Keyword",
    "Options",
    "Run",
    "SAMPLING",
    "Signature",
    "Stream",
    "concat",
    "register_pymc_sampler",
    "sample",
    "sample_stream",
    "settle_failures",
]
