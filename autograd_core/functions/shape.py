"""Shape primitives: reshape, transpose, broadcast_to and its partner sum_to, concatenate, pad.

No arithmetic: each backward moves the gradient back to the input's layout (the inverse
permutation, the summed-back broadcast, the input's slice of a join).
"""

from __future__ import annotations

import numpy as np

from ..engine import Function


class Reshape(Function):
    """The same elements in another shape; the gradient is reshaped back."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, shape):
        return a.reshape(shape)

    def backward(ctx, g):
        return g.reshape(ctx.inputs[0].shape), None

    backward_raw = backward  # type-free: arrays and Nodes share these operators


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

    backward_raw = backward  # type-free: arrays and Nodes share these operators


class BroadcastTo(Function):
    """Repeat along broadcast axes; the gradient is summed back (SumTo)."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, shape):
        return np.broadcast_to(a, shape)

    def backward(ctx, g):
        return g.sum_to(ctx.inputs[0].shape), None

    # split: ndarray has no .sum_to method
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

    # split: ndarray has no .broadcast_to method
    def backward_raw(ctx, g):
        return np.broadcast_to(g, ctx.inputs[0].shape), None


def sum_to_array(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum an array over the axes that broadcasting to its shape from `shape` added."""
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and a.shape[i + lead] != 1)
    out = a.sum(axis=axes, keepdims=True) if axes else a
    return out.reshape(shape) if lead or out.shape != shape else out


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
