"""Fused primitives: one node where composites would make several, kept only where a benchmark
showed the hot spot (the training step's linear layer and loss)."""

from __future__ import annotations

import numpy as np

from ..engine import Function
from ._util import _v


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
        x, w, _ = ctx.inputs
        x, w = _v(g, x), _v(g, w)
        n = ctx.needs_input_grad
        g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
        gx = g @ w if n[0] else None
        gw = g2.T @ (x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x) if n[1] else None
        gb = g2.sum(axis=0) if n[2] else None
        return gx, gw, gb

    backward_raw = backward  # one formula: `_v` gives arrays in the raw pass, Nodes when recorded


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
        return (z.softmax(-1) - z._const(onehot)) * (g / z.shape[0]), None

    # split: the raw pass reuses the softmax forward saved; recorded, it is ops of z
    def backward_raw(ctx, g):
        z, target = ctx.inputs
        n = z.shape[0]
        scale = g / n
        p = ctx._saved[0] * scale  # a new array: the saved softmax stays for retain_graph
        p[np.arange(n), target] -= scale
        return p, None
