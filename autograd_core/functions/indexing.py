"""Indexing: `a[index]` and its partner, adding a gradient back into zeros at `index`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import Function


class GetItem(Function):
    """a[index]; the gradient is scattered back into zeros (IndexAdd)."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, index):
        return a[index]

    def backward(ctx, g):
        a, index = ctx.inputs
        return IndexAdd.apply(g, index, a.shape), None

    # split: recorded, the scatter must be the IndexAdd op; raw, it is that op's forward
    def backward_raw(ctx, g):
        a, index = ctx.inputs
        return IndexAdd.forward(None, g, index, a.shape), None


def _has_array_index(index: Any) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, (np.ndarray, list)) and np.asarray(i).dtype != bool for i in items)


class IndexAdd(Function):
    """zeros(shape) with `g` added at `index`; repeated indices accumulate (GetItem's partner)."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, g, index, shape):
        out = np.zeros(shape, dtype=g.dtype)
        if _has_array_index(index):
            np.add.at(out, index, g)
        else:
            out[index] = g  # basic indexing never repeats an element
        return out

    def backward(ctx, gg):
        return gg[ctx.inputs[1]], None, None
