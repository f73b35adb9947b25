"""Every differentiable Tensor primitive: forward on numpy arrays, backward in Tensor ops.

One small class per op, forward and backward side by side, so each derivative can be audited
in one scroll. Backward returns one gradient per forward argument (None for non-Tensors);
the engine sums each gradient back to its input's shape, so no op undoes broadcasting itself.
Composites (mean, var, softmax...) live in tensor.py and have no backward code at all.

This file holds the elementwise ops; functions_array.py the reductions, shape, indexing,
linear-algebra and fused ops. Both are reachable here, as `functions.Sum`, `functions.MatMul`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .engine import Function


def _zeros_for(x: Any) -> Any:
    """A constant zero gradient shaped like Tensor `x` (for ops that are flat almost everywhere)."""
    from .tensor import Tensor

    return Tensor._wrap(np.zeros(x.shape, dtype=x.dtype))


def _mask(g: Any, keep: np.ndarray) -> Any:
    """g where `keep`, else 0. A product with the boolean mask: np.where is ~8x slower here,
    and the only difference (inf * 0 = NaN where where() gives 0) makes a bad value louder."""
    from .tensor import Tensor

    return g * Tensor._wrap(keep)


# ================================================================ elementwise, binary

class Add(Function):
    """a + b; d/da = d/db = 1."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, b):
        return a + b

    def backward(ctx, g):
        return g, g

    def backward_raw(ctx, g):
        return g, g


class AddScalar(Function):
    """a + c for a Python number c (no constant tensor, no broadcasting to undo)."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, c):
        return a + c

    def backward(ctx, g):
        return g, None

    def backward_raw(ctx, g):
        return g, None


class MulScalar(Function):
    """a * c for a Python number c."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, c):
        return a * c

    def backward(ctx, g):
        return g * ctx.inputs[1], None

    def backward_raw(ctx, g):
        return g * ctx.inputs[1], None


class RSubScalar(Function):
    """c - a for a Python number c."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, c):
        return c - a

    def backward(ctx, g):
        return -g, None

    def backward_raw(ctx, g):
        return -g, None


class Sub(Function):
    """a - b; d/da = 1, d/db = -1."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, b):
        return a - b

    def backward(ctx, g):
        return g, -g

    def backward_raw(ctx, g):
        return g, -g


class Mul(Function):
    """a * b; d/da = b, d/db = a."""

    __slots__ = ()

    def forward(ctx, a, b):
        return a * b

    def backward(ctx, g):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        return (g * b if n[0] else None), (g * a if n[1] else None)

    def backward_raw(ctx, g):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        return (g * b._data if n[0] else None), (g * a._data if n[1] else None)


class Div(Function):
    """a / b; d/da = 1/b, d/db = -a/b²."""

    __slots__ = ()

    def forward(ctx, a, b):
        return a / b

    def backward(ctx, g):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        return (g / b if n[0] else None), (-g * a / (b * b) if n[1] else None)

    def backward_raw(ctx, g):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        ga = g / b._data
        return (ga if n[0] else None), (-ga * a._data / b._data if n[1] else None)


class PowScalar(Function):
    """a ** c for a Python number c."""

    __slots__ = ()

    def forward(ctx, a, c):
        return a ** c

    def backward(ctx, g):
        a, c = ctx.inputs
        if c == 0:
            return _zeros_for(a), None
        return g * c * a ** (c - 1), None

    def backward_raw(ctx, g):
        a, c = ctx.inputs
        if c == 0:
            return np.zeros_like(a._data), None
        return g * c * a._data ** (c - 1), None


class Pow(Function):
    """a ** b for two tensors."""

    __slots__ = ()
    saves_output = True

    def forward(ctx, a, b):
        return a ** b

    def backward(ctx, g):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        ga = g * b * a ** (b - 1) if n[0] else None
        gb = None
        if n[1]:
            # d(a^b)/db = a^b log a, taken as 0 where a == 0 (the limit for b > 0).
            zero = a.data == 0
            gb = _mask(g * ctx.output * Where.apply(zero, 1.0, a).log(), ~zero)
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
        return g * wa.astype(g.dtype), g * (1 - wa).astype(g.dtype)


class Minimum(Function):
    """Elementwise min; on ties each side gets half the gradient."""

    __slots__ = ()

    def forward(ctx, a, b):
        return np.minimum(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        ad, bd = a.data, b.data
        wa = (ad < bd) + 0.5 * (ad == bd)
        return g * wa.astype(g.dtype), g * (1 - wa).astype(g.dtype)


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

    def backward_raw(ctx, g):
        cond = ctx.inputs[0]
        n = ctx.needs_input_grad
        return (None, np.where(cond, g, 0) if n[1] else None,
                np.where(cond, 0, g) if n[2] else None)


# ================================================================ elementwise, unary

class Neg(Function):
    """-a; d/da = -1."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a):
        return -a

    def backward(ctx, g):
        return (-g,)

    def backward_raw(ctx, g):
        return (-g,)


class Exp(Function):
    """e^a; d/da = e^a (the saved output)."""

    __slots__ = ()
    saves_output = True

    def forward(ctx, a):
        return np.exp(a)

    def backward(ctx, g):
        return (g * ctx.output,)

    def backward_raw(ctx, g):
        return (g * ctx.output._data,)


class Log(Function):
    """Natural log; d/da = 1/a."""

    __slots__ = ()

    def forward(ctx, a):
        return np.log(a)

    def backward(ctx, g):
        return (g / ctx.inputs[0],)

    def backward_raw(ctx, g):
        return (g / ctx.inputs[0]._data,)


class Sqrt(Function):
    """√a; d/da = 1/(2√a) (the saved output)."""

    __slots__ = ()
    saves_output = True

    def forward(ctx, a):
        return np.sqrt(a)

    def backward(ctx, g):
        return (g / (ctx.output * 2.0),)

    def backward_raw(ctx, g):
        return (g / (ctx.output._data * 2.0),)


class Abs(Function):
    """|a|, with derivative 0 at 0."""

    __slots__ = ()

    def forward(ctx, a):
        return np.abs(a)

    def backward(ctx, g):
        # sign(a) as an op of `a` (with zero derivative), not a constant: under create_graph
        # the gradient then stays connected to `a`, and d2|a|/da2 is 0, not an error (PyTorch).
        return (g * ctx.inputs[0].sign(),)

    def backward_raw(ctx, g):
        return (g * np.sign(ctx.inputs[0]._data),)


class Sin(Function):
    """sin a; d/da = cos a."""

    __slots__ = ()

    def forward(ctx, a):
        return np.sin(a)

    def backward(ctx, g):
        return (g * ctx.inputs[0].cos(),)


class Cos(Function):
    """cos a; d/da = -sin a."""

    __slots__ = ()

    def forward(ctx, a):
        return np.cos(a)

    def backward(ctx, g):
        return (-g * ctx.inputs[0].sin(),)


class Tanh(Function):
    """tanh a; d/da = 1 - tanh² a (the saved output)."""

    __slots__ = ()
    saves_output = True

    def forward(ctx, a):
        return np.tanh(a)

    def backward(ctx, g):
        t = ctx.output
        return (g * (1.0 - t * t),)

    def backward_raw(ctx, g):
        t = ctx.output._data
        return (g * (1.0 - t * t),)


class Sigmoid(Function):
    """1 / (1 + e^-a); a primitive so that huge |a| never overflows."""

    __slots__ = ()
    saves_output = True

    def forward(ctx, a):
        # e^-|a| never overflows; pick the form that divides by a number >= 1.
        e = np.exp(-np.abs(a))
        return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(e.dtype, copy=False)

    def backward(ctx, g):
        s = ctx.output
        return (g * s * (1.0 - s),)

    def backward_raw(ctx, g):
        s = ctx.output._data
        return (g * s * (1.0 - s),)


class Relu(Function):
    """max(a, 0), with derivative 0 at 0."""

    __slots__ = ()

    def forward(ctx, a):
        return np.maximum(a, 0)

    def backward(ctx, g):
        # The step 1[a > 0] as an op of `a` (zero derivative), so that under create_graph the
        # gradient stays connected to `a` and d2relu/da2 is 0, not an error (as in PyTorch).
        a = ctx.inputs[0]
        return (g * Step._apply1(a, a.data > 0),)

    def backward_raw(ctx, g):
        return (g * (ctx.inputs[0]._data > 0),)


class Step(Function):
    """The indicator `keep` (a boolean array) as a float function of `a` with zero derivative."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, keep):
        return keep.astype(a.dtype)

    def backward(ctx, g):
        return _zeros_for(ctx.inputs[0]), None


class Clip(Function):
    """clip(a, lo, hi); the gradient passes where lo <= a <= hi (PyTorch's clamp)."""

    __slots__ = ()

    def forward(ctx, a, lo, hi):
        return np.clip(a, lo, hi)

    def backward(ctx, g):
        a, lo, hi = ctx.inputs
        d = a.data
        keep = np.ones(d.shape, dtype=bool)
        if lo is not None:
            keep &= d >= lo
        if hi is not None:
            keep &= d <= hi
        return _mask(g, keep), None, None


class Sign(Function):
    """-1, 0 or +1: flat almost everywhere, so its gradient is 0."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a):
        return np.sign(a)

    def backward(ctx, g):
        return (_zeros_for(ctx.inputs[0]),)


class Floor(Function):
    """Largest integer <= a: flat almost everywhere, so its gradient is 0."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a):
        return np.floor(a)

    def backward(ctx, g):
        return (_zeros_for(ctx.inputs[0]),)


# One namespace for all primitives (imported last: functions_array needs nothing from here).
from .functions_array import *  # noqa: E402, F403
