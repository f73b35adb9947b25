"""Elementwise primitives of two arguments: + - * / **, maximum, minimum, where.

One small class per op, forward and backward side by side, so each derivative can be audited
in one scroll. `forward` works on raw numpy arrays; `backward` on Nodes (so that it can be
recorded for higher derivatives) and, for the hot ops, `backward_raw` on arrays. Backward
returns one gradient per forward argument (None for non-Nodes); the engine sums each back to
its input's shape, so no op undoes broadcasting itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import Function
from ._util import _v, _zeros_like

# ================================================================ elementwise, binary

class Add(Function):
    """a + b; d/da = d/db = 1."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, b):
        return a + b

    def backward(ctx, g):
        return g, g

    backward_raw = backward  # type-free: arrays and Nodes share these operators


class AddScalar(Function):
    """a + c for a Python number c (no constant tensor, no broadcasting to undo)."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, c):
        return a + c

    def backward(ctx, g):
        return g, None

    backward_raw = backward  # type-free: arrays and Nodes share these operators


class MulScalar(Function):
    """a * c for a Python number c."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, c):
        return a * c

    def backward(ctx, g):
        return g * ctx.inputs[1], None

    backward_raw = backward  # type-free: arrays and Nodes share these operators


class DivScalar(Function):
    """a / c for a Python number c (divided, not multiplied by 1/c: numpy's and PyTorch's
    rounding, so the mean of equal values is that value)."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, c):
        return a / c

    def backward(ctx, g):
        return g / ctx.inputs[1], None

    backward_raw = backward  # type-free: arrays and Nodes share these operators


class RSubScalar(Function):
    """c - a for a Python number c."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, c):
        return c - a

    def backward(ctx, g):
        return -g, None

    backward_raw = backward  # type-free: arrays and Nodes share these operators


class Sub(Function):
    """a - b; d/da = 1, d/db = -1."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, b):
        return a - b

    def backward(ctx, g):
        return g, -g

    backward_raw = backward  # type-free: arrays and Nodes share these operators


class Mul(Function):
    """a * b; d/da = b, d/db = a."""

    __slots__ = ()

    def forward(ctx, a, b):
        return a * b

    def backward(ctx, g):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        return (g * _v(g, b) if n[0] else None), (g * _v(g, a) if n[1] else None)

    backward_raw = backward  # one formula: `_v` gives arrays in the raw pass, Nodes when recorded


class Div(Function):
    """a / b; d/da = 1/b, d/db = -a/b²."""

    __slots__ = ()

    def forward(ctx, a, b):
        return a / b

    def backward(ctx, g):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        bv = _v(g, b)
        ga = g / bv
        return (ga if n[0] else None), (-ga * _v(g, a) / bv if n[1] else None)

    backward_raw = backward  # one formula: `_v` gives arrays in the raw pass, Nodes when recorded


class PowScalar(Function):
    """a ** c for a Python number c."""

    __slots__ = ()

    def forward(ctx, a, c):
        return a ** c

    def backward(ctx, g):
        a, c = ctx.inputs
        if c == 0:  # flat everywhere; the formula below would give 0 * inf at a = 0
            return _zeros_like(g, a), None
        return g * c * _v(g, a) ** (c - 1), None

    backward_raw = backward  # one formula: `_v` gives arrays in the raw pass, Nodes when recorded


class Pow(Function):
    """a ** b for two tensors."""

    __slots__ = ()
    saves_output = True

    def forward(ctx, a, b):
        return a ** b

    def backward(ctx, g):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        ga = gb = None
        if n[0]:
            # a^0 is 1 for every a, so its derivative is 0, not 0 * 0^-1 = NaN. Where b == 0 the
            # result is masked to 0 (PyTorch's where, which also makes its derivative in b 0
            # there), and the base is replaced by 1 first, so that the masked-out side holds
            # no 0 * inf for a higher derivative to pass on as NaN.
            flat = b.data == 0
            if flat.any():
                ga = Where.apply(flat, 0.0, g * b * Where.apply(flat, 1.0, a) ** (b - 1))
            else:
                ga = g * b * a ** (b - 1)
        if n[1]:
            # d(a^b)/db = a^b log a, taken as 0 where a == 0 and b >= 0 (the limit; PyTorch):
            # log of 1 there, so that it is 0 exactly.
            zero = (a.data == 0) & (b.data >= 0)
            gb = g * ctx.output * (Where.apply(zero, 1.0, a) if zero.any() else a).log()
        return ga, gb


class Maximum(Function):
    """Elementwise max; on ties each side gets half the gradient."""

    __slots__ = ()

    def forward(ctx, a, b):
        return np.maximum(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        ad, bd = a.data, b.data
        wa = (ad > bd) + 0.5 * (ad == bd)
        return _share(g, wa), _share(g, 1 - wa)


class Minimum(Function):
    """Elementwise min; on ties each side gets half the gradient."""

    __slots__ = ()

    def forward(ctx, a, b):
        return np.minimum(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        ad, bd = a.data, b.data
        wa = (ad < bd) + 0.5 * (ad == bd)
        return _share(g, wa), _share(g, 1 - wa)


def _share(g: Any, w: np.ndarray) -> Any:
    """g * w, with exact zeros where w is 0 (PyTorch's masked_fill): an infinite or NaN
    gradient does not leak into the side that lost, not even as 0 * inf."""
    out = g * w.astype(g.dtype)
    lost = w == 0
    return Where.apply(lost, 0.0, out) if lost.any() else out


class Where(Function):
    """where(cond, a, b); `cond` is a boolean array, a and b Tensors or numbers."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, cond, a, b):
        return np.where(cond, a, b)

    def backward(ctx, g):
        cond = ctx.inputs[0]
        n = ctx.needs_input_grad
        ga = Where.apply(cond, g, 0.0) if n[1] else None
        gb = Where.apply(cond, 0.0, g) if n[2] else None
        return None, ga, gb

    # split: `where` is a function, not an operator: recorded it must be the op, raw np.where
    def backward_raw(ctx, g):
        cond = ctx.inputs[0]
        n = ctx.needs_input_grad
        return (None, np.where(cond, g, 0) if n[1] else None,
                np.where(cond, 0, g) if n[2] else None)
