"""Helpers the primitives share: constants made through the node at hand, never by importing
Tensor (this package sits below the front-ends), and `_v`, which lets one backward formula
serve both the recorded pass (Nodes) and the raw pass (arrays)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import Node


def _v(g: Any, x: Any) -> Any:
    """`x` in the kind of the gradient `g`: the Node itself when the pass is recorded, its array
    in the raw pass. With it one formula (`g * _v(g, b)`) is both `backward` and `backward_raw`;
    measured, it costs ~0.1 us per raw op and nothing visible on W2 (issue 19)."""
    return x if isinstance(g, Node) else x._data


def _zeros_like(g: Any, x: Any) -> Any:
    """Zeros shaped like `x`, in the kind of `g` (a constant Node, or an array)."""
    z = np.zeros(x.shape, dtype=x.dtype)
    return x._const(z) if isinstance(g, Node) else z


def _zeros_for(x: Any) -> Any:
    """A constant zero gradient shaped like `x` (for ops that are flat almost everywhere)."""
    return x._const(np.zeros(x.shape, dtype=x.dtype))
