"""Reductions: sum, max, min, prod, logsumexp over axes (keepdims or not).

Forward on numpy arrays, `backward` in Node ops and, for the hot ones, `backward_raw` in numpy.
Each backward first puts the reduced axes back as size 1 (`_keep_shape`), then broadcasts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import Function
from .shape import Pad

# ================================================================ reductions

def _keep_shape(shape: tuple[int, ...], axis: Any) -> tuple[int, ...]:
    """`shape` with the reduced axes kept as size 1 (what keepdims=True gives)."""
    if axis is None:
        return (1,) * len(shape)
    axes = axis if isinstance(axis, tuple) else (axis,)
    axes = tuple(a % len(shape) for a in axes) if shape else ()
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


class Sum(Function):
    """Sum over axes; each element gets the gradient of its sum."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, axis, keepdims):
        return a.sum(axis=axis, keepdims=keepdims)  # the method: np.sum's wrapper costs 1 us

    def backward(ctx, g):
        a, axis, _ = ctx.inputs
        return g.reshape(_keep_shape(a.shape, axis)).broadcast_to(a.shape), None, None

    # split: ndarray has no .broadcast_to; filling np.empty is the fast raw form
    def backward_raw(ctx, g):
        a, axis, _ = ctx.inputs
        out = np.empty(a.shape, dtype=np.result_type(g))  # fresh memory, filled in C
        out[...] = np.reshape(g, _keep_shape(a.shape, axis))
        return out, None, None


class _Extreme(Function):
    """max/min over axes; ties share the gradient evenly (numpy and PyTorch's amax)."""

    __slots__ = ()
    saves_output = True

    def backward(ctx, g):
        a, axis, _ = ctx.inputs
        kshape = _keep_shape(a.shape, axis)
        hit = a.data == ctx.output.data.reshape(kshape)
        share = (hit / hit.sum(axis=axis, keepdims=True)).astype(g.dtype)
        return g.reshape(kshape) * share, None, None


class Max(_Extreme):
    """Maximum over axes (ties share the gradient)."""

    __slots__ = ()

    def forward(ctx, a, axis, keepdims):
        return a.max(axis=axis, keepdims=keepdims)


class Min(_Extreme):
    """Minimum over axes (ties share the gradient)."""

    __slots__ = ()

    def forward(ctx, a, axis, keepdims):
        return a.min(axis=axis, keepdims=keepdims)


class Prod(Function):
    """Product over axes; the gradient of each element is the product of the others."""

    __slots__ = ()
    saves_output = True

    def forward(ctx, a, axis, keepdims):
        return a.prod(axis=axis, keepdims=keepdims)

    def backward(ctx, g):
        a, axis, _ = ctx.inputs
        kshape = _keep_shape(a.shape, axis)
        gk = g.reshape(kshape)
        if np.all(a.data != 0):
            return gk * ctx.output.reshape(kshape) / a, None, None
        # With zeros present out/a is 0/0: form the product of the others directly, from
        # Node ops, so that second and higher derivatives stay right at the zeros too.
        return gk * _prod_of_others(a, axis), None, None


def _prod_of_others(x: Any, axis: Any) -> Any:
    """For each element, the product of the other elements it is reduced with: the product of
    those before it times the product of those after it (differentiable Node ops)."""
    nd = x.ndim
    axes = tuple(range(nd)) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    axes = tuple(a % nd for a in axes) if nd else ()
    rest = [i for i in range(nd) if i not in axes]
    perm = rest + list(axes)
    moved = x.transpose(tuple(perm)) if nd else x
    flat = moved.reshape(moved.shape[: len(rest)] + (-1,))
    if flat.shape[-1] <= 1:  # nothing else to multiply by: the empty product, 1
        others = flat * 0.0 + 1.0
    else:
        others = _exclusive_cumprod(flat) * _exclusive_cumprod(flat[..., ::-1])[..., ::-1]
    others = others.reshape(moved.shape)
    return others.transpose(tuple(int(i) for i in np.argsort(perm))) if nd else others


def _exclusive_cumprod(x: Any) -> Any:
    """p[..., i] = x[..., 0] * ... * x[..., i - 1] (1 for i = 0) along the last axis, by
    doubling (log2(n) whole-array products), so that it is a short chain of Node ops."""
    n = x.shape[-1]
    lead = ((0, 0),) * (x.ndim - 1)
    p = Pad.apply(x[..., :-1], lead + ((1, 0),), 1.0)
    d = 1
    while d < n:
        p = p * Pad.apply(p[..., :-d], lead + ((d, 0),), 1.0)
        d *= 2
    return p


class LogSumExp(Function):
    """log(sum(exp(a))) over axes, shifted by the max so that no exp overflows."""

    __slots__ = ()
    saves_output = True

    def forward(ctx, a, axis, keepdims):
        m = a.max(axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        out = np.log(np.exp(a - m).sum(axis=axis, keepdims=True)) + m
        return out if keepdims else np.squeeze(out, axis=axis)

    def backward(ctx, g):
        a, axis, _ = ctx.inputs
        kshape = _keep_shape(a.shape, axis)
        return g.reshape(kshape) * (a - ctx.output.reshape(kshape)).exp(), None, None

    # split: ndarray has no .exp() method, Tensor no np.exp (numpy protocols)
    def backward_raw(ctx, g):
        a, axis, _ = ctx.inputs
        kshape = _keep_shape(a.shape, axis)
        return np.reshape(g, kshape) * np.exp(a._data - np.reshape(ctx.output._data, kshape)), \
            None, None
