"""Linear algebra: numpy's matmul, with the 1-D and batched cases of its backward."""

from __future__ import annotations

import numpy as np

from ..engine import Function
from .shape import sum_to_array


class MatMul(Function):
    """numpy's matmul: 1-D, 2-D and batched N-D with broadcast batch dims."""

    __slots__ = ()

    def forward(ctx, a, b):
        return np.matmul(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        if a.ndim == 1 and b.ndim == 1:
            return (g * b if n[0] else None), (g * a if n[1] else None)
        if a.ndim == 1:  # (k,) @ (..., k, m) -> (..., m)
            g2 = g.unsqueeze(-2)
            ga = (g2 @ b.swapaxes(-1, -2)).sum_to((1, a.shape[0])).reshape(a.shape) \
                if n[0] else None
            gb = a.reshape(-1, 1) @ g2 if n[1] else None
            return ga, gb
        if b.ndim == 1:  # (..., n, k) @ (k,) -> (..., n)
            g2 = g.unsqueeze(-1)
            ga = g2 @ b.reshape(1, -1) if n[0] else None
            gb = (a.swapaxes(-1, -2) @ g2).sum_to((b.shape[0], 1)).reshape(b.shape) \
                if n[1] else None
            return ga, gb
        ga = g @ b.swapaxes(-1, -2) if n[0] else None
        gb = a.swapaxes(-1, -2) @ g if n[1] else None
        return ga, gb

    # split: the 1-D cases need .unsqueeze and .sum_to, which ndarray lacks
    def backward_raw(ctx, g):
        a, b = ctx.inputs
        ad, bd = a._data, b._data
        n = ctx.needs_input_grad
        if ad.ndim == 1 and bd.ndim == 1:
            return (g * bd if n[0] else None), (g * ad if n[1] else None)
        if ad.ndim == 1:
            g2 = np.expand_dims(g, -2)
            ga = sum_to_array(g2 @ np.swapaxes(bd, -1, -2), (1, ad.shape[0])).reshape(ad.shape) \
                if n[0] else None
            return ga, (ad.reshape(-1, 1) @ g2 if n[1] else None)
        if bd.ndim == 1:
            g2 = np.expand_dims(g, -1)
            gb = sum_to_array(np.swapaxes(ad, -1, -2) @ g2, (bd.shape[0], 1)).reshape(bd.shape) \
                if n[1] else None
            return (g2 @ bd.reshape(1, -1) if n[0] else None), gb
        return (g @ np.swapaxes(bd, -1, -2) if n[0] else None), \
            (np.swapaxes(ad, -1, -2) @ g if n[1] else None)
