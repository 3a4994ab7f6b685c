"""Draws while the chains run: ``exmc.sample_stream``, :class:`Stream`,
:class:`Batch` and :func:`concat`, importable from here as the README
shows (``from exmc.streaming import concat``). They live in the sampling
package (:mod:`exmc.sampling.stream`, :mod:`exmc.sampling.draws`)."""

from .sampling.api import sample_stream
from .sampling.draws import Batch, concat
from .sampling.stream import Stream

__all__ = ["Batch", "Stream", "sample_stream", "concat"]
