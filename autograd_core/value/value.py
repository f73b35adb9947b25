"""`Value`: a scalar on the shared graph engine, with micrograd's API.

Arithmetic follows IEEE 754 as numpy does, never Python's math errors: ``exp(1000) = inf``,
``log(0) = -inf``, ``log(-1) = nan``, ``1 / 0 = inf``, ``(-8) ** 0.5 = nan``.

Derivatives at kinks (the same conventions as `Tensor` and `nn.functional`):

=================  =========================
op                 derivative at the kink
=================  =========================
relu(x) at 0       0
leaky_relu at 0    slope
abs(x) at 0        0
elu(x) at 0        alpha (the left branch)
=================  =========================
"""

from __future__ import annotations

from numbers import Real
from typing import Any
from weakref import ref as _weakref

from ..engine import Function, Node, no_grad
from .primitives import (
    _INF,
    _Abs,
    _Add,
    _div,
    _Dot,
    _Elu,
    _Exp,
    _LeakyRelu,
    _Log,
    _Mul,
    _Pow,
    _PowConst,
    _Relu,
    _Sigmoid,
    _Softplus,
    _Sqrt,
    _Sum,
    _Tanh,
)

__all__ = ["Value"]

# ---------------------------------------------------------------- Value

def _check_number(data: Any, where: str) -> float:
    if isinstance(data, Real):
        try:
            return float(data)
        except OverflowError:
            raise ValueError(f"{where}: {data!r:.40} is too large for a float") from None
    if isinstance(data, Node):
        raise TypeError(f"{where}: expected a number, got a {type(data).__name__}; Value and "
                        "Tensor cannot be mixed (use Tensor for arrays, Value for scalars)")
    raise TypeError(f"{where}: expected a real number (int or float), got "
                    f"{type(data).__name__} {data!r:.40}")


class Value(Node):
    """A scalar that remembers how it was computed, so `backward()` can fill in `.grad`."""

    __slots__ = ("data", "grad", "label")

    _out_type: type[Value]
    _keeps_graph = True
    shape = ()
    ndim = 0

    def __init__(self, data: float, label: str = "", *, requires_grad: bool = True) -> None:
        self.data = _check_number(data, "Value")
        self.grad = 0.0
        self.label = label
        self._fn = None
        self.requires_grad = requires_grad
        self._hooks = None
        self._retains_grad = False

    @staticmethod
    def _from_op(data: float, fn: Function | None) -> Value:
        v = object.__new__(Value)
        v.data = data
        v.grad = 0.0
        v.label = ""
        v._fn = fn
        v.requires_grad = fn is not None
        v._hooks = None
        v._retains_grad = fn is not None  # every Value keeps its .grad, as in micrograd
        return v

    # ---- engine hooks
    def _seed_grad(self, gradient: Any) -> Value:
        if gradient is None:
            return _const(1.0)
        return gradient if isinstance(gradient, Value) else _const(gradient)

    def _fit_grad(self, g: Node, fn: Function, i: int) -> Node:
        return g

    def _grad_plus(self, g: Node) -> float:
        return self.grad + g.data  # type: ignore[attr-defined]

    def _wrap_grad(self, g: Any) -> Value:
        return _const(g)

    def _const(self, data: Any) -> Value:
        return _const(data)

    def _fit_raw(self, g: Any, fn: Function, i: int) -> float:
        if type(g) is float:
            return g
        if isinstance(g, Value):
            return g.data
        if isinstance(g, Real):
            return float(g)
        raise TypeError(f"{type(fn).__name__}.backward returned a {type(g).__name__} as the "
                        f"gradient for input {i}; return a Value (or a number), or None")

    def _grad_plus_raw(self, g: float, stored: set[int]) -> float:
        return self.grad + g

    def _check_finite(self) -> str | None:
        d = self.data
        if d != d:
            return "NaN"
        return "Inf" if d in (_INF, -_INF) else None

    def _describe(self) -> str:
        return f"Value {self.label + ' ' if self.label else ''}data={self.data:.6g}"

    def _meta(self) -> None:
        return None

    @staticmethod
    def _zeros(meta: None) -> Value:
        return _const(0.0)

    def _detached(self) -> Value:
        return _const(self.data)

    # ---- micrograd compatibility: its drawing code reads _prev and _op
    @property
    def _prev(self) -> set[Value]:
        fn = self._fn
        return {x for x in (fn.inputs or ()) if isinstance(x, Value)} if fn else set()

    @property
    def _op(self) -> str:
        fn = self._fn
        if fn is None:
            return ""
        if type(fn) is _PowConst and fn.inputs is not None:  # micrograd writes "**-1"
            c = fn.inputs[1]
            return f"**{int(c) if float(c).is_integer() else c}"
        return _OP_SYMBOLS.get(type(fn).__name__, fn.name)

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"

    def item(self) -> float:
        """The data as a Python float."""
        return self.data

    def detach(self) -> Value:
        """A new Value with the same data and no history."""
        return Value(self.data, self.label, requires_grad=False)

    # ---- arithmetic, built as micrograd builds it: a number becomes a Value in the graph
    # that gets its gradient too, `-a` is `a * -1`, `a - b` is `a + (-b)` and `a / b` is
    # `a * b**-1`, so every node and every gradient is the one micrograd's lecture shows.
    def __add__(self, other: Any) -> Value:
        return _Add._apply2(self, other if isinstance(other, Value) else _number(other, self))

    def __radd__(self, other: Any) -> Value:
        return _Add._apply2(_number(other, self), self)

    def __mul__(self, other: Any) -> Value:
        return _Mul._apply2(self, other if isinstance(other, Value) else _number(other, self))

    def __rmul__(self, other: Any) -> Value:
        return _Mul._apply2(_number(other, self), self)

    def __truediv__(self, other: Any) -> Value:
        if isinstance(other, Value):
            return _Mul._apply2(self, _PowConst._apply1(other, -1.0))
        return _Mul._apply2(self, _number(_div(1.0, _check_number(other, "Value /")), self))

    def __rtruediv__(self, other: Any) -> Value:
        return _Mul._apply2(_number(other, self), _PowConst._apply1(self, -1.0))

    def __sub__(self, other: Any) -> Value:
        if isinstance(other, Value):
            return _Add._apply2(self, -other)
        return _Add._apply2(self, _number(-_check_number(other, "Value -"), self))

    def __rsub__(self, other: Any) -> Value:
        return _Add._apply2(_number(other, self), -self)

    def __neg__(self) -> Value:
        return _Mul._apply2(self, _number(-1.0, self))

    def __pos__(self) -> Value:
        return self

    def __pow__(self, other: Any) -> Value:
        if isinstance(other, Value):
            return _Pow._apply2(self, other)
        return _PowConst._apply1(self, _check_number(other, "Value.__pow__ exponent"))

    def __rpow__(self, other: Any) -> Value:
        return _Pow._apply2(_const(other), self)

    # ---- functions
    def exp(self) -> Value:
        """e ** self."""
        return _Exp._apply1(self)

    def log(self) -> Value:
        """Natural logarithm."""
        return _Log._apply1(self)

    def sqrt(self) -> Value:
        """Square root."""
        return _Sqrt._apply1(self)

    def abs(self) -> Value:
        """|self|, with derivative 0 at 0."""
        return _Abs._apply1(self)

    def __abs__(self) -> Value:
        return _Abs._apply1(self)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return _Tanh._apply1(self)

    def sigmoid(self) -> Value:
        """1 / (1 + e^-x), computed without overflow."""
        return _Sigmoid._apply1(self)

    def relu(self) -> Value:
        """max(0, x), with derivative 0 at 0."""
        return _Relu._apply1(self)

    def leaky_relu(self, slope: float = 0.1) -> Value:
        """max(slope * x, x): the lecture's leaky ReLU (slope 0.1), derivative `slope` at 0."""
        return _LeakyRelu._apply1(self, float(slope))

    def elu(self, alpha: float = 1.0) -> Value:
        """x for x > 0, alpha * (e^x - 1) otherwise."""
        return _Elu._apply1(self, float(alpha))

    def softplus(self) -> Value:
        """log(1 + e^x), computed without overflow."""
        return _Softplus._apply1(self)

    @staticmethod
    def sum(values: Any, start: Any = 0.0) -> Value:
        """The sum of many Values as one node (faster than chaining `+`)."""
        values = list(values)
        like = _any_grad(values, start)
        vals = [v if isinstance(v, Value) else _number(v, like) for v in values]
        if not isinstance(start, Value) and start == 0.0 and vals:
            return _Sum.apply(*vals)
        vals.append(start if isinstance(start, Value) else _number(start, like))
        return _Sum.apply(*vals)

    @staticmethod
    def dot(ws: Any, xs: Any, bias: Any = 0.0) -> Value:
        """sum_i ws[i] * xs[i] + bias as one node (micrograd's neuron, fused)."""
        ws, xs = list(ws), list(xs)
        like = _any_grad(ws, xs, bias)
        ws = [w if isinstance(w, Value) else _number(w, like) for w in ws]
        xs = [x if isinstance(x, Value) else _number(x, like) for x in xs]
        if len(ws) != len(xs):
            raise ValueError(f"Value.dot: {len(ws)} weights but {len(xs)} inputs")
        b = bias if isinstance(bias, Value) else _number(bias, like)
        return _Dot.apply(*ws, *xs, b)

    # ---- micrograd's by-hand backprop: `o.grad = 1.0; o._backward(); n._backward()...`
    def _backward(self) -> None:
        """One step of backprop by hand, as micrograd's: add this node's `grad` times each local
        derivative into its inputs' `.grad` (a leaf has nothing to do)."""
        fn = self._fn
        if fn is None or fn.inputs is None:
            return
        cls = type(fn)
        if cls.saves_output and (fn._outref is None or fn._outref() is None):
            fn._outref = _weakref(self)  # freed by an earlier backward(); this node is it
        with no_grad():
            gin = cls.backward_raw(fn, self.grad) if cls.backward_raw is not None \
                else cls.backward(fn, _const(self.grad))
        if type(gin) is not tuple:
            gin = (gin,)
        for i, (x, gx) in enumerate(zip(fn.inputs, gin)):
            if gx is not None and isinstance(x, Value) and fn.needs_input_grad[i]:
                x.grad += x._fit_raw(gx, fn, i)


Value._out_type = Value

_OP_SYMBOLS = {"_Add": "+", "_Mul": "*", "_Div": "/", "_Neg": "neg", "_PowConst": "**",
               "_Pow": "**", "_Exp": "exp", "_Log": "log", "_Tanh": "tanh",
               "_Sigmoid": "sigmoid", "_Relu": "ReLU", "_Sum": "sum", "_Dot": "dot"}


def _any_grad(*groups: Any) -> Value | None:
    """A Value among `groups` (Values or lists of them) that requires grad, or None."""
    for g in groups:
        for v in (g if isinstance(g, list) else (g,)):
            if isinstance(v, Value) and v.requires_grad:
                return v
    return None


def _number(x: Any, like: Value | None) -> Value:
    """A number met in arithmetic, as micrograd wraps it: a leaf Value that gets its gradient
    whenever the Value it meets (`like`) requires one."""
    v = _const(x)
    v.requires_grad = like is not None and like.requires_grad
    return v


def _const(x: Any) -> Value:
    """A Value that needs no gradient (seeds, zeros, the constants of backward formulas)."""
    v = object.__new__(Value)
    v.data = _check_number(x, "Value arithmetic")
    v.grad = 0.0
    v.label = ""
    v._fn = None
    v.requires_grad = False
    v._hooks = None
    v._retains_grad = False
    return v

