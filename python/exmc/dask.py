"""Chains on a Dask cluster: ``exmc.dask.sample(model, client=client,
chains_per_task=..., retries=...)``, importable from here as the README
shows. It lives in the sampling package: see :mod:`exmc.sampling.dask`."""

from .sampling.dask import (
    TOPIC,
    ForkedWorkerError,
    check_start_method,
    pack_model,
    sample,
    sample_chains,
    sample_on,
    unpack_model,
)

__all__ = [
    "sample",
    "sample_on",
    "sample_chains",
    "check_start_method",
    "pack_model",
    "unpack_model",
    "ForkedWorkerError",
    "TOPIC",
]
