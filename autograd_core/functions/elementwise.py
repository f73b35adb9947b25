"""Elementwise primitives of one argument: exp, log, sqrt, abs, sin, cos, tanh, sigmoid, relu,
clip, sign, floor (and neg, and the cast between float dtypes).

The same shape as arithmetic.py: forward on arrays, `backward` in Node ops, `backward_raw` in
numpy for the hot ones. Composites (mean, var, softmax...) are built in the Tensor front-end
and have no backward code at all.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import Function
from ._util import _v, _zeros_for
from .arithmetic import Where


def _where(cond: np.ndarray, a: Any, b: Any) -> Any:
    return Where.apply(cond, a, b)

# ================================================================ elementwise, unary

class Neg(Function):
    """-a; d/da = -1."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a):
        return -a

    def backward(ctx, g):
        return (-g,)

    backward_raw = backward  # type-free: arrays and Nodes share these operators


class Exp(Function):
    """e^a; d/da = e^a (the saved output)."""

    __slots__ = ()
    saves_output = True

    def forward(ctx, a):
        return np.exp(a)

    def backward(ctx, g):
        return (g * _v(g, ctx.output),)

    backward_raw = backward  # one formula: `_v` gives arrays in the raw pass, Nodes when recorded


class Log(Function):
    """Natural log; d/da = 1/a."""

    __slots__ = ()

    def forward(ctx, a):
        return np.log(a)

    def backward(ctx, g):
        return (g / _v(g, ctx.inputs[0]),)

    backward_raw = backward  # one formula: `_v` gives arrays in the raw pass, Nodes when recorded


class Sqrt(Function):
    """√a; d/da = 1/(2√a) (the saved output)."""

    __slots__ = ()
    saves_output = True

    def forward(ctx, a):
        return np.sqrt(a)

    def backward(ctx, g):
        return (g / (_v(g, ctx.output) * 2.0),)

    backward_raw = backward  # one formula: `_v` gives arrays in the raw pass, Nodes when recorded


class Abs(Function):
    """|a|, with derivative 0 at 0."""

    __slots__ = ()

    def forward(ctx, a):
        return np.abs(a)

    def backward(ctx, g):
        # sign(a) as an op of `a` (with zero derivative), not a constant: under create_graph
        # the gradient then stays connected to `a`, and d2|a|/da2 is 0, not an error (PyTorch).
        return (g * ctx.inputs[0].sign(),)

    # split: the recorded step must be an op of `a` (above); ndarray has no .sign() method
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
        t = _v(g, ctx.output)
        return (g * (1.0 - t * t),)

    backward_raw = backward  # one formula: `_v` gives arrays in the raw pass, Nodes when recorded


class Sigmoid(Function):
    """1 / (1 + e^-a); a primitive so that huge |a| never overflows."""

    __slots__ = ()
    saves_output = True

    def forward(ctx, a):
        # e^-|a| never overflows; pick the form that divides by a number >= 1.
        e = np.exp(-np.abs(a))
        return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(e.dtype, copy=False)

    def backward(ctx, g):
        s = _v(g, ctx.output)
        return (g * s * (1.0 - s),)

    backward_raw = backward  # one formula: `_v` gives arrays in the raw pass, Nodes when recorded


class Relu(Function):
    """max(a, 0), with derivative 0 at 0."""

    __slots__ = ()

    def forward(ctx, a):
        return np.maximum(a, 0)

    def backward(ctx, g):
        # g where a > 0, exact zeros elsewhere (PyTorch's threshold_backward: an inf or NaN
        # gradient does not leak through as 0 * inf). Plus a zero that is an op of `a` (Step),
        # so that under create_graph the gradient stays connected to `a` and d2relu/da2 is 0,
        # not an error (as in PyTorch).
        a = ctx.inputs[0]
        keep = a.data > 0
        return (_where(keep, g, 0.0) + Step._apply1(a, np.zeros_like(keep)),)

    # split: the recorded step must be an op of `a` (above); the raw one is the plain mask
    def backward_raw(ctx, g):
        keep = ctx.inputs[0]._data > 0
        if keep.size < 4096:
            return (np.where(keep, g, 0),)
        # On large arrays a product and a sum cost half of np.where; the product is exact
        # except where an inf or NaN gradient meets a blocked unit (0 * inf), which a finite
        # sum rules out, and np.where then gives those exact zeros.
        with np.errstate(invalid="ignore"):  # 0 * inf: repaired just below
            r = g * keep
        return (r if np.isfinite(r.sum()) else np.where(keep, g, 0),)


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
        # Exact zeros where clipped (PyTorch's where): an inf or NaN gradient does not leak.
        return _where(keep, g, 0.0), None, None


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


class Cast(Function):
    """astype between float dtypes: the gradient is cast back."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, dtype):
        return a.astype(dtype)

    def backward(ctx, g):
        return g.astype(ctx.inputs[0].dtype), None
