"""Every differentiable Tensor primitive: forward on numpy arrays, backward in Tensor ops.

One small class per op, forward and backward side by side, so each derivative can be audited
in one scroll. Backward returns one gradient per forward argument (None for non-Tensors);
the engine sums each gradient back to its input's shape, so no op undoes broadcasting itself.
Composites (mean, var, softmax...) live in tensor.py and have no backward code at all.
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
    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, b):
        return a - b

    def backward(ctx, g):
        return g, -g

    def backward_raw(ctx, g):
        return g, -g


class Mul(Function):
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
    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a):
        return -a

    def backward(ctx, g):
        return (-g,)

    def backward_raw(ctx, g):
        return (-g,)


class Exp(Function):
    __slots__ = ()
    saves_output = True

    def forward(ctx, a):
        return np.exp(a)

    def backward(ctx, g):
        return (g * ctx.output,)

    def backward_raw(ctx, g):
        return (g * ctx.output._data,)


class Log(Function):
    __slots__ = ()

    def forward(ctx, a):
        return np.log(a)

    def backward(ctx, g):
        return (g / ctx.inputs[0],)

    def backward_raw(ctx, g):
        return (g / ctx.inputs[0]._data,)


class Sqrt(Function):
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
        return (g * np.sign(ctx.inputs[0].data).astype(g.dtype),)


class Sin(Function):
    __slots__ = ()

    def forward(ctx, a):
        return np.sin(a)

    def backward(ctx, g):
        return (g * ctx.inputs[0].cos(),)


class Cos(Function):
    __slots__ = ()

    def forward(ctx, a):
        return np.cos(a)

    def backward(ctx, g):
        return (-g * ctx.inputs[0].sin(),)


class Tanh(Function):
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
        return (_mask(g, ctx.inputs[0].data > 0),)

    def backward_raw(ctx, g):
        return (g * (ctx.inputs[0]._data > 0),)


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


# ================================================================ reductions

def _keep_shape(shape: tuple[int, ...], axis: Any) -> tuple[int, ...]:
    """`shape` with the reduced axes kept as size 1 (what keepdims=True gives)."""
    if axis is None:
        return (1,) * len(shape)
    axes = axis if isinstance(axis, tuple) else (axis,)
    axes = tuple(a % len(shape) for a in axes) if shape else ()
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


class Sum(Function):
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
    __slots__ = ()

    def forward(ctx, a, axis, keepdims):
        return a.max(axis=axis, keepdims=keepdims)


class Min(_Extreme):
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
    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, shape):
        return a.reshape(shape)

    def backward(ctx, g):
        return g.reshape(ctx.inputs[0].shape), None

    def backward_raw(ctx, g):
        return np.reshape(g, ctx.inputs[0].shape), None


class Transpose(Function):
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
