"""Helpers the primitives share: constants made through the node at hand, never by importing
Tensor (this package sits below the front-ends)."""

from __future__ import annotations

from typing import Any

import numpy as np


def _zeros_for(x: Any) -> Any:
    """A constant zero gradient shaped like `x` (for ops that are flat almost everywhere)."""
    return x._const(np.zeros(x.shape, dtype=x.dtype))


def _mask(g: Any, keep: np.ndarray) -> Any:
    """g where `keep`, else 0. A product with the boolean mask: np.where is ~8x slower here,
    and the only difference (inf * 0 = NaN where where() gives 0) makes a bad value louder."""
    return g * g._const(keep)
