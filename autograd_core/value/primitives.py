"""The scalar primitives behind `Value`: forward on Python floats, backward in Value ops.

Each op has a `backward` written with Node operations (so scalar graphs have higher-order
gradients too) and a `backward_raw` on plain floats (the fast path when no graph of the
backward pass is wanted). Where the formula is the Tensor primitive's (add, mul, exp, tanh...),
the class inherits it from `autograd_core.functions`, so each derivative is written once for
both front-ends; only the forward (on floats, with `math`) and the float fast path are here.
Arithmetic follows IEEE 754 like numpy, never Python's math errors.
"""

from __future__ import annotations

import math

from .. import functions as _fns
from ..engine import Function

_INF = float("inf")
_NAN = float("nan")


# ---------------------------------------------------------------- IEEE float helpers

def _div(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or a != a:
            return _NAN
        return math.copysign(_INF, a) * math.copysign(1.0, b)


def _pow(a: float, b: float) -> float:
    try:
        return math.pow(a, b)
    except OverflowError:
        odd = b == int(b) and int(b) % 2 == 1
        return -_INF if (a < 0 and odd) else _INF
    except ValueError:
        if a == 0 and b < 0:
            odd = b == int(b) and int(b) % 2 == 1
            return math.copysign(_INF, a) if odd else _INF
        return _NAN


def _exp(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        return _INF


def _log(a: float) -> float:
    if a > 0:
        return math.log(a)
    return -_INF if a == 0 else _NAN


def _sigmoid(a: float) -> float:
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = _exp(a)
    return e / (1.0 + e)


# ---------------------------------------------------------------- primitives

class _Add(_fns.Add):
    """Add on floats; `backward` and `backward_raw` are the Tensor primitive's (type-free)."""

    __slots__ = ()

    def forward(ctx, a, b):
        return a + b


class _Mul(_fns.Mul):
    """Mul on floats; `backward` (in Value ops) is the Tensor primitive's."""

    __slots__ = ()

    def forward(ctx, a, b):
        return a * b

    def backward_raw(ctx, g):
        a, b = ctx.inputs
        return g * b.data, g * a.data


class _Div(_fns.Div):
    """Div on floats; `backward` (in Value ops) is the Tensor primitive's."""

    __slots__ = ()

    def forward(ctx, a, b):
        return _div(a, b)

    def backward_raw(ctx, g):
        a, b = ctx.inputs
        return _div(g, b.data), -_div(g * a.data, b.data * b.data)


class _Neg(_fns.Neg):
    """Neg on floats; `backward` and `backward_raw` are the Tensor primitive's (type-free)."""

    __slots__ = ()

    def forward(ctx, a):
        return -a


class _PowConst(Function):
    __slots__ = ()

    def forward(ctx, a, c):
        return _pow(a, c)

    def backward(ctx, g):
        a, c = ctx.inputs
        if c == 0:
            return g * 0.0, None
        return g * c * a ** (c - 1), None

    def backward_raw(ctx, g):
        a, c = ctx.inputs
        return (0.0 if c == 0 else g * c * _pow(a.data, c - 1)), None


class _Pow(Function):
    __slots__ = ()

    def forward(ctx, a, b):
        return _pow(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        ga = g * b * a ** (b - 1) if ctx.needs_input_grad[0] else None
        gb = None
        if ctx.needs_input_grad[1]:
            # d(a^b)/db = a^b log a; at a == 0 the limit is 0 for b > 0.
            gb = g * a ** b * a.log() if a.data != 0 else g * 0.0
        return ga, gb


class _Exp(_fns.Exp):
    """Exp on floats; `backward` (in Value ops) is the Tensor primitive's."""

    __slots__ = ()

    def forward(ctx, a):
        return _exp(a)

    def backward_raw(ctx, g):
        return (g * ctx.output.data,)


class _Log(_fns.Log):
    """Log on floats; `backward` (in Value ops) is the Tensor primitive's."""

    __slots__ = ()

    def forward(ctx, a):
        return _log(a)

    def backward_raw(ctx, g):
        return (_div(g, ctx.inputs[0].data),)


class _Sqrt(_fns.Sqrt):
    """Sqrt on floats; `backward` (in Value ops) is the Tensor primitive's."""

    __slots__ = ()

    def forward(ctx, a):
        return math.sqrt(a) if a >= 0 else _NAN

    def backward_raw(ctx, g):
        return (_div(g * 0.5, ctx.output.data),)


class _Tanh(_fns.Tanh):
    """Tanh on floats; `backward` (in Value ops) is the Tensor primitive's."""

    __slots__ = ()

    def forward(ctx, a):
        return math.tanh(a)

    def backward_raw(ctx, g):
        t = ctx.output.data
        return (g * (1.0 - t * t),)


class _Sigmoid(_fns.Sigmoid):
    """Sigmoid on floats; `backward` (in Value ops) is the Tensor primitive's."""

    __slots__ = ()

    def forward(ctx, a):
        return _sigmoid(a)

    def backward_raw(ctx, g):
        s = ctx.output.data
        return (g * s * (1.0 - s),)


class _Softplus(Function):
    __slots__ = ()

    def forward(ctx, a):
        # log(1 + e^a) without overflow: max(a, 0) + log1p(e^-|a|)
        return max(a, 0.0) + math.log1p(math.exp(-abs(a)))

    def backward(ctx, g):
        return (g * ctx.inputs[0].sigmoid(),)


class _Relu(Function):
    __slots__ = ()

    def forward(ctx, a):
        return a if a > 0 else 0.0

    def backward(ctx, g):
        return (g * (1.0 if ctx.inputs[0].data > 0 else 0.0),)

    def backward_raw(ctx, g):
        return (g if ctx.inputs[0].data > 0 else 0.0,)


class _LeakyRelu(Function):
    __slots__ = ()

    def forward(ctx, a, slope):
        return a if a > 0 else slope * a

    def backward(ctx, g):
        a, slope = ctx.inputs
        return g * (1.0 if a.data > 0 else slope), None

    def backward_raw(ctx, g):
        a, slope = ctx.inputs
        return (g if a.data > 0 else g * slope), None


class _Elu(Function):
    __slots__ = ()

    def forward(ctx, a, alpha):
        return a if a > 0 else alpha * math.expm1(a)

    def backward(ctx, g):
        a, alpha = ctx.inputs
        return (g if a.data > 0 else g * alpha * a.exp()), None


class _Abs(Function):
    __slots__ = ()

    def forward(ctx, a):
        return abs(a)

    def backward(ctx, g):
        a = ctx.inputs[0].data
        return (g * (1.0 if a > 0 else (-1.0 if a < 0 else 0.0)),)


class _Sum(Function):
    """Sum of many Values in one op (a Neuron's weighted sum needs one node, not n)."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, *xs):
        return math.fsum(xs) if len(xs) > 64 else sum(xs, 0.0)

    def backward(ctx, g):
        return (g,) * len(ctx.inputs)

    def backward_raw(ctx, g):
        return (g,) * len(ctx.inputs)


class _Dot(Function):
    """sum_i w_i * x_i + b as one op: micrograd's neuron in a single node."""

    __slots__ = ()

    def forward(ctx, *wxb):
        n = (len(wxb) - 1) // 2
        acc = wxb[-1]
        for i in range(n):
            acc += wxb[i] * wxb[n + i]
        return acc

    def backward(ctx, g):
        wxb = ctx.inputs
        n = (len(wxb) - 1) // 2
        ws, xs = wxb[:n], wxb[n:2 * n]
        need = ctx.needs_input_grad
        gw = tuple(g * x if need[i] else None for i, x in enumerate(xs))
        gx = tuple(g * w if need[n + i] else None for i, w in enumerate(ws))
        return gw + gx + (g,)

    def backward_raw(ctx, g):
        wxb = ctx.inputs
        n = (len(wxb) - 1) // 2
        return tuple(g * x.data for x in wxb[n:2 * n]) + tuple(g * w.data for w in wxb[:n]) + (g,)
