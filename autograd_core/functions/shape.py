"""Tensor primitives over whole arrays: reductions, shape, indexing, linear algebra, fused ops.

The partner of functions.py (elementwise ops), in the same shape: one small class per op,
forward on numpy arrays, `backward` in Tensor ops and, for the hot ones, `backward_raw` in numpy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .engine import Function

__all__ = [
    "Sum", "Max", "Min", "Prod", "LogSumExp", "Reshape", "Transpose", "BroadcastTo", "SumTo",
    "GetItem", "IndexAdd", "Concatenate", "Pad", "MatMul", "Linear", "CrossEntropy",
    "sum_to_array",
]


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
        # With zeros present out/a is 0/0: form the product of the others directly
        # (a constant here, so higher derivatives at such points are not available).
        return gk * _prod_of_others(a.data, axis).astype(g.dtype), None, None


def _prod_of_others(x: np.ndarray, axis: Any) -> np.ndarray:
    axes = tuple(range(x.ndim)) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    axes = tuple(a % x.ndim for a in axes) if x.ndim else ()
    rest = [i for i in range(x.ndim) if i not in axes]
    moved = np.transpose(x, rest + list(axes))
    flat = moved.reshape(moved.shape[: len(rest)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    left = np.concatenate([ones, np.cumprod(flat, axis=-1)[..., :-1]], axis=-1)
    right = np.concatenate([np.cumprod(flat[..., ::-1], axis=-1)[..., :-1][..., ::-1], ones],
                           axis=-1)
    others = (left * right).reshape(moved.shape)
    return np.transpose(others, np.argsort(rest + list(axes)))


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

    def backward_raw(ctx, g):
        a, axis, _ = ctx.inputs
        kshape = _keep_shape(a.shape, axis)
        return np.reshape(g, kshape) * np.exp(a._data - np.reshape(ctx.output._data, kshape)), \
            None, None


# ================================================================ shape

class Reshape(Function):
    """The same elements in another shape; the gradient is reshaped back."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, shape):
        return a.reshape(shape)

    def backward(ctx, g):
        return g.reshape(ctx.inputs[0].shape), None

    def backward_raw(ctx, g):
        return np.reshape(g, ctx.inputs[0].shape), None


class Transpose(Function):
    """Permute axes; the gradient takes the inverse permutation."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, axes):
        return a.transpose(axes)

    def backward(ctx, g):
        axes = ctx.inputs[1]
        inverse = None if axes is None else tuple(np.argsort(axes))
        return g.transpose(inverse), None

    def backward_raw(ctx, g):
        axes = ctx.inputs[1]
        return np.transpose(g, None if axes is None else np.argsort(axes)), None


class BroadcastTo(Function):
    """Repeat along broadcast axes; the gradient is summed back (SumTo)."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, shape):
        return np.broadcast_to(a, shape)

    def backward(ctx, g):
        return g.sum_to(ctx.inputs[0].shape), None

    def backward_raw(ctx, g):
        return sum_to_array(g, ctx.inputs[0].shape), None


class SumTo(Function):
    """Sum `a` down to `shape` (the partner of broadcast_to: it undoes broadcasting)."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, shape):
        return sum_to_array(a, shape)

    def backward(ctx, g):
        return g.broadcast_to(ctx.inputs[0].shape), None

    def backward_raw(ctx, g):
        return np.broadcast_to(g, ctx.inputs[0].shape), None


def sum_to_array(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum an array over the axes that broadcasting to its shape from `shape` added."""
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and a.shape[i + lead] != 1)
    out = a.sum(axis=axes, keepdims=True) if axes else a
    return out.reshape(shape) if lead or out.shape != shape else out


class GetItem(Function):
    """a[index]; the gradient is scattered back into zeros (IndexAdd)."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, index):
        return a[index]

    def backward(ctx, g):
        a, index = ctx.inputs
        return IndexAdd.apply(g, index, a.shape), None

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


class Concatenate(Function):
    """Join along an existing axis; each input gets its slice of the gradient."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, axis, *arrays):
        return np.concatenate(arrays, axis=axis)

    def backward(ctx, g):
        axis, *xs = ctx.inputs
        ax = axis % g.ndim
        grads, start = [], 0
        for x in xs:
            n = x.shape[ax]
            index = (slice(None),) * ax + (slice(start, start + n),)
            grads.append(g[index] if ctx.needs_input_grad[len(grads) + 1] else None)
            start += n
        return (None, *grads)


class Pad(Function):
    """Constant padding (numpy's `pad` with mode='constant')."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, pad_width, value):
        return np.pad(a, pad_width, mode="constant", constant_values=value)

    def backward(ctx, g):
        a, pad_width, _ = ctx.inputs
        index = tuple(slice(lo, lo + n) for (lo, _hi), n in zip(pad_width, a.shape))
        return g[index], None, None


# ================================================================ linear algebra

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


# ================================================================ fused (measured hot spots)

class Linear(Function):
    """x @ w.T + b in one op (nn.Linear's layout: w is (out, in)). Fused because it saves a
    pass over the output and two graph nodes per layer on the training hot path."""

    __slots__ = ()

    def forward(ctx, x, w, b):
        out = x @ w.T
        if b is not None:
            out += b  # `out` is fresh, so adding in place is safe
        return out

    def backward(ctx, g):
        x, w, b = ctx.inputs
        n = ctx.needs_input_grad
        g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
        gx = g @ w if n[0] else None
        gw = g2.T @ (x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x) if n[1] else None
        gb = g2.sum(axis=0) if n[2] else None
        return gx, gw, gb

    def backward_raw(ctx, g):
        x, w, b = ctx.inputs
        n = ctx.needs_input_grad
        xd = x._data
        g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
        gw = g2.T @ (xd.reshape(-1, xd.shape[-1]) if xd.ndim != 2 else xd) if n[1] else None
        return (g @ w._data if n[0] else None), gw, (g2.sum(axis=0) if n[2] else None)


class CrossEntropy(Function):
    """mean over rows of logsumexp(z) - z[row, target]: log_softmax and NLL fused, which is
    both stable (shifted by the row max) and one node instead of six."""

    __slots__ = ()
    reads_inputs = True

    def forward(ctx, z, target):
        m = z.max(axis=-1, keepdims=True)
        if not np.isfinite(m).all():
            m = np.where(np.isfinite(m), m, 0)
        e = np.exp(z - m)
        s = e.sum(axis=-1, keepdims=True)
        n = z.shape[0]
        loss = (np.log(s[:, 0]) + m[:, 0] - z[np.arange(n), target]).sum() / n
        if ctx is not None:
            e /= s
            ctx._saved = (e,)  # the softmax, which is all that backward_raw needs
        return np.asarray(loss, dtype=z.dtype)

    def backward(ctx, g):
        z, target = ctx.inputs
        onehot = np.zeros(z.shape, dtype=z.dtype)
        onehot[np.arange(z.shape[0]), target] = 1
        from .tensor import Tensor

        return (z.softmax(-1) - Tensor._wrap(onehot)) * (g / z.shape[0]), None

    def backward_raw(ctx, g):
        z, target = ctx.inputs
        n = z.shape[0]
        scale = g / n
        p = ctx._saved[0] * scale  # a new array: the saved softmax stays for retain_graph
        p[np.arange(n), target] -= scale
        return p, None
