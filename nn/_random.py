"""nn's random draws come from the library's streams (autograd_core's `manual_seed`,
`Generator`, one default stream per thread): `nn.manual_seed(n)` is that same function."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import manual_seed, numpy_rng

__all__ = ["manual_seed", "default_rng"]


def default_rng(rng: Any = None) -> np.random.Generator:
    """The numpy Generator behind `rng` (a Generator, numpy Generator or int seed); without one,
    this thread's default stream, read at call time (so a later `manual_seed` also governs
    layers built before it)."""
    return numpy_rng(rng)
