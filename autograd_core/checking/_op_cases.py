"""The table of gradient-check cases: every built-in differentiable op, one line (or a few) each.

Read it through `autograd_core.checking` (`OPS`, `OpCase`, `cases_for`, `public_op_names`).
Inputs are float64 and kept away from kinks, poles and ties (log on positives, abs away from 0,
max without ties, floor away from integers), where finite differences are meaningless.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..tensor import Tensor
from ..tensor import ops as T
from ..value import Value

Shape = tuple[int, ...]


@dataclass(frozen=True)
class OpCase:
    """One gradient-check case of one public op.

    - `op`: the public op it covers ("exp", "sum", "getitem", "Value.tanh"); see
      `public_op_names()`. Several cases share an op (shapes, axes, keepdims...).
    - `variant`: what this case varies, e.g. "(2, 3) axis=1 keepdims"; `name` is "op[variant]".
    - `fn(*inputs)`: applies the op; returns a Tensor/Value or a tuple of them.
    - `make_inputs(rng)`: a tuple of fresh inputs, float64 leaves with requires_grad=True (and
      constants such as boolean masks), drawn from a domain without kinks or ties.
    - `ref(*raw)`: the forward in plain numpy/math on the inputs' raw data (`.data` of each
      Tensor/Value, other arguments as they are), or None.
    - `shapes`: the shapes of the differentiable inputs, for display.
    - `second_order`: whether gradgradcheck is run; `eps`, `atol`, `rtol`: tolerances.
    """

    op: str
    variant: str
    fn: Callable[..., Any]
    make_inputs: Callable[[np.random.Generator], tuple[Any, ...]]
    ref: Callable[..., Any] | None
    shapes: tuple[Shape, ...]
    second_order: bool = True
    eps: float = 1e-6
    atol: float = 1e-5
    rtol: float = 1e-3

    @property
    def name(self) -> str:
        """A unique, readable id: "op[variant]"."""
        return f"{self.op}[{self.variant}]"


# ---------------------------------------------------------------- input domains

def _draw(rng: np.random.Generator, shape: Shape, domain: str) -> np.ndarray:
    if domain == "real":
        a = rng.uniform(-1.5, 1.5, shape)
    elif domain == "pos":
        a = rng.uniform(0.5, 2.0, shape)
    elif domain == "neg":
        a = rng.uniform(-2.0, -0.3, shape)
    elif domain == "nonzero":  # away from 0: abs, relu, sign, division
        a = rng.uniform(0.3, 1.5, shape) * rng.choice([-1.0, 1.0], shape)
    elif domain == "distinct":  # no two elements within 0.2: max/min without ties
        n = math.prod(shape)
        a = (rng.permutation(n) * 0.3 - 0.15 * n + rng.uniform(0, 0.05, n)).reshape(shape)
    elif domain == "frac":  # away from integers: floor
        a = rng.integers(-3, 3, shape) + rng.uniform(0.2, 0.8, shape)
    elif domain == "clip":  # away from the bounds -0.5 and 0.5
        a = rng.choice([-1.0, 0.0, 1.0], shape) + rng.uniform(-0.35, 0.35, shape)
    else:  # pragma: no cover - a typo in the table
        raise ValueError(f"unknown domain {domain!r}")
    return np.asarray(a, dtype=np.float64)


def _leaves(*specs: tuple[Shape, str]) -> Callable[[np.random.Generator], tuple[Any, ...]]:
    def make(rng: np.random.Generator) -> tuple[Any, ...]:
        return tuple(Tensor(_draw(rng, s, d), requires_grad=True) for s, d in specs)
    return make


def _values(*domains: str) -> Callable[[np.random.Generator], tuple[Any, ...]]:
    def make(rng: np.random.Generator) -> tuple[Any, ...]:
        return tuple(Value(float(_draw(rng, (), d))) for d in domains)
    return make


def _shapes(shapes: Sequence[Shape]) -> str:
    return " x ".join(str(s) for s in shapes)


S1 = [(), (3,), (2, 3), (2, 1, 4)]  # unary sweep
S2 = [((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((1, 3), (2, 3)), ((2, 1, 4), (3, 1)),
      ((2, 3), ())]  # binary sweep, broadcasting included
AXES = [((3,), None, False), ((3,), 0, True), ((2, 3), None, True), ((2, 3), 0, False),
        ((2, 3), 1, True), ((2, 3), -1, False), ((2, 3), (0, 1), False), ((2, 1, 4), (0, 2), True),
        ((2, 1, 4), 1, False), ((), None, False)]

CASES: list[OpCase] = []


def add(op: str, variant: str, fn: Callable[..., Any], make: Any, ref: Any,
        shapes: Sequence[Shape], **kw: Any) -> None:
    """Append one case to the table."""
    CASES.append(OpCase(op, variant, fn, make, ref, tuple(shapes), **kw))


# ---------------------------------------------------------------- Tensor: elementwise

UNARY: list[tuple[Any, ...]] = [  # op, method, numpy reference, domain
    ("exp", np.exp, "real"), ("log", np.log, "pos"), ("sqrt", np.sqrt, "pos"),
    ("abs", np.abs, "nonzero"), ("sin", np.sin, "real"), ("cos", np.cos, "real"),
    ("tanh", np.tanh, "real"), ("sigmoid", lambda a: 1 / (1 + np.exp(-a)), "real"),
    ("relu", lambda a: np.maximum(a, 0), "nonzero"), ("sign", np.sign, "nonzero"),
    ("floor", np.floor, "frac"), ("neg", np.negative, "real"),
]
for _op, _ref, _dom in UNARY:
    for _s in S1:
        add(_op, str(_s), lambda x, _m=_op: getattr(x, _m)(), _leaves((_s, _dom)), _ref, [_s])
    if hasattr(T, _op):
        add(_op, "(2, 3) function form", lambda x, _m=_op: getattr(T, _m)(x),
            _leaves(((2, 3), _dom)), _ref, [(2, 3)])
add("abs", "abs(x)", lambda x: abs(x), _leaves(((3,), "nonzero")), np.abs, [(3,)])
add("neg", "-x", lambda x: -x, _leaves(((3,), "real")), np.negative, [(3,)])
for _s in S1[1:3]:
    add("clip", f"{_s} [-0.5, 0.5]", lambda x: x.clip(-0.5, 0.5), _leaves((_s, "clip")),
        lambda a: np.clip(a, -0.5, 0.5), [_s])
add("clip", "(3,) lo only", lambda x: T.clip(x, -0.5), _leaves(((3,), "clip")),
    lambda a: np.maximum(a, -0.5), [(3,)])
add("clamp", "(2, 3)", lambda x: x.clamp(-0.5, 0.5), _leaves(((2, 3), "clip")),
    lambda a: np.clip(a, -0.5, 0.5), [(2, 3)])

BINARY: list[tuple[Any, ...]] = [  # op, tensor form, numpy reference, domain of the second argument
    ("add", lambda a, b: a + b, np.add, "real"), ("sub", lambda a, b: a - b, np.subtract, "real"),
    ("mul", lambda a, b: a * b, np.multiply, "real"),
    ("div", lambda a, b: a / b, np.divide, "nonzero"),
    ("maximum", T.maximum, np.maximum, "real"), ("minimum", T.minimum, np.minimum, "real"),
]
for _op, _f, _ref, _dom in BINARY:
    for _sa, _sb in S2:
        add(_op, _shapes([_sa, _sb]), _f, _leaves((_sa, "real"), (_sb, _dom)), _ref, [_sa, _sb])
    if _op in ("add", "sub", "mul", "div"):
        add(_op, "(2, 3) method", lambda a, b, _m=_op: getattr(a, _m)(b),
            _leaves(((2, 3), "real"), ((2, 3), _dom)), _ref, [(2, 3), (2, 3)])
        add(_op, "(3,) with 1.5", lambda a, _f=_f: _f(a, 1.5), _leaves(((3,), "real")),
            lambda a, _r=_ref: _r(a, 1.5), [(3,)])
        add(_op, "1.5 with (3,)", lambda a, _f=_f: _f(1.5, a), _leaves(((3,), _dom)),
            lambda a, _r=_ref: _r(1.5, a), [(3,)])
add("maximum", "(3,) with 0.1", lambda a: T.maximum(a, 0.1), _leaves(((3,), "nonzero")),
    lambda a: np.maximum(a, 0.1), [(3,)])
add("minimum", "0.1 with (3,)", lambda a: T.minimum(0.1, a), _leaves(((3,), "nonzero")),
    lambda a: np.minimum(0.1, a), [(3,)])

for _sa, _sb in S2:
    add("pow", _shapes([_sa, _sb]), lambda a, b: a ** b, _leaves((_sa, "pos"), (_sb, "real")),
        np.power, [_sa, _sb])
for _c, _dom in [(2, "real"), (3, "real"), (0.5, "pos"), (-1.5, "pos"), (2.5, "pos")]:
    add("pow", f"(2, 3) ** {_c}", lambda a, _c=_c: a ** _c, _leaves(((2, 3), _dom)),
        lambda a, _c=_c: np.power(a, _c), [(2, 3)])
add("pow", "2.0 ** (3,)", lambda a: 2.0 ** a, _leaves(((3,), "real")),
    lambda a: np.power(2.0, a), [(3,)])
add("pow", "method", lambda a, b: a.pow(b), _leaves(((3,), "pos"), ((3,), "real")), np.power,
    [(3,), (3,)])

_COND = np.array([[True, False, True], [False, False, True]])
add("where", "(2, 3), (2, 3) x (3,)", lambda a, b: T.where(_COND, a, b),
    _leaves(((2, 3), "real"), ((3,), "real")), lambda a, b: np.where(_COND, a, b),
    [(2, 3), (3,)])
add("where", "(1, 3) x 0.0", lambda a: T.where(_COND, a, 0.0), _leaves(((1, 3), "real")),
    lambda a: np.where(_COND, a, 0.0), [(1, 3)])
add("where", "0.0 x (2, 1, 3)", lambda b: T.where(_COND, 0.0, b), _leaves(((2, 1, 3), "real")),
    lambda b: np.where(_COND, 0.0, b), [(2, 1, 3)])

# ---------------------------------------------------------------- Tensor: matmul

MATMUL = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 4)),
          ((2, 1, 2, 3), (3, 3, 2)), ((4,), (2, 4, 3))]
for _sa, _sb in MATMUL:
    add("matmul", _shapes([_sa, _sb]), lambda a, b: a @ b, _leaves((_sa, "real"), (_sb, "real")),
        np.matmul, [_sa, _sb])
add("matmul", "function form", T.matmul, _leaves(((2, 3), "real"), ((3, 2), "real")),
    np.matmul, [(2, 3), (3, 2)])
add("matmul", "method", lambda a, b: a.matmul(b), _leaves(((2, 3), "real"), ((3, 2), "real")),
    np.matmul, [(2, 3), (3, 2)])
_A = np.arange(6.0).reshape(2, 3) / 6
add("mm", "(2, 3) x (3, 2)", lambda a, b: a.mm(b), _leaves(((2, 3), "real"), ((3, 2), "real")),
    np.matmul, [(2, 3), (3, 2)])
add("mm", "function form", T.mm, _leaves(((1, 3), "real"), ((3, 2), "real")), np.matmul,
    [(1, 3), (3, 2)])
add("matmul", "ndarray @ (3, 2)", lambda b: b.__rmatmul__(_A), _leaves(((3, 2), "real")),
    lambda b: _A @ b, [(3, 2)])

# ---------------------------------------------------------------- Tensor: reductions

REDUCTIONS: list[tuple[Any, ...]] = [  # var and std with numpy's ddof=0 here (a 0-d input)
    ("sum", np.sum, "real"), ("mean", np.mean, "real"), ("amax", np.max, "distinct"),
    ("amin", np.min, "distinct"), ("var", np.var, "real"), ("std", np.std, "real"),
    ("prod", np.prod, "nonzero"),
    ("logsumexp", lambda a, axis=None, keepdims=False: np.log(np.sum(
        np.exp(a), axis=axis, keepdims=keepdims)), "real"),
]
for _op, _ref, _dom in REDUCTIONS:
    for _s, _ax, _kd in AXES:
        if _op == "std" and (_s == () or _ax == 1 and _s == (2, 1, 4)):
            continue  # the std of one element is 0: sqrt's kink
        _kw = {"keepdims": _kd, **({"ddof": 0} if _op in ("var", "std") else {})}
        add(_op, f"{_s} axis={_ax}{' keepdims' if _kd else ''}",
            lambda x, _m=_op, _ax=_ax, _kw=_kw: getattr(x, _m)(_ax, **_kw),
            _leaves((_s, _dom)), lambda a, _r=_ref, _ax=_ax, _kd=_kd: _r(a, axis=_ax,
                                                                          keepdims=_kd), [_s])
    _kw0 = {"ddof": 0} if _op in ("var", "std") else {}
    add(_op, "(2, 3) function form axis=0", lambda x, _m=_op, _kw0=_kw0: getattr(T, _m)(
        x, 0, **_kw0), _leaves(((2, 3), _dom)), lambda a, _r=_ref: _r(a, axis=0), [(2, 3)])
for _op, _ref in (("var", np.var), ("std", np.std)):  # PyTorch's default: correction=1
    add(_op, "(2, 3) default correction=1", lambda x, _m=_op: getattr(x, _m)(1),
        _leaves(((2, 3), "real")), lambda a, _r=_ref: _r(a, axis=1, ddof=1), [(2, 3)])
    add(_op, "(2, 3) dim=0 keepdim unbiased=False", lambda x, _m=_op: getattr(T, _m)(
        x, dim=0, keepdim=True, unbiased=False), _leaves(((2, 3), "real")),
        lambda a, _r=_ref: _r(a, axis=0, keepdims=True), [(2, 3)])
    add(_op, "(2, 3) correction=2", lambda x, _m=_op: getattr(x, _m)(correction=2),
        _leaves(((2, 3), "real")), lambda a, _r=_ref: _r(a, ddof=2), [(2, 3)])
for _op, _ref, _arg in (("max", np.max, np.argmax), ("min", np.min, np.argmin)):
    add(_op, "(2, 3) all elements", lambda x, _m=_op: getattr(x, _m)(),
        _leaves(((2, 3), "distinct")), _ref, [(2, 3)])
    add(_op, "(2, 3) dim=1 values", lambda x, _m=_op: getattr(x, _m)(dim=1).values,
        _leaves(((2, 3), "distinct")), lambda a, _r=_ref: _r(a, axis=1), [(2, 3)])
    add(_op, "(2, 1, 4) function form 0 keepdim values", lambda x, _m=_op: getattr(T, _m)(
        x, 0, keepdim=True)[0], _leaves(((2, 1, 4), "distinct")),
        lambda a, _r=_ref: _r(a, axis=0, keepdims=True), [(2, 1, 4)])
    add(_op, "(3,) with a tensor (elementwise)", lambda x, y, _m=_op: getattr(x, _m)(y),
        _leaves(((3,), "distinct"), ((3,), "distinct")),
        np.maximum if _op == "max" else np.minimum, [(3,), (3,)])
add("log10", "(2, 3)", lambda x: x.log10(), _leaves(((2, 3), "pos")), np.log10, [(2, 3)])
add("log10", "function form", lambda x: T.log10(x), _leaves(((3,), "pos")), np.log10, [(3,)])


def _np_log_softmax(a: np.ndarray, axis: int) -> np.ndarray:
    m = a.max(axis=axis, keepdims=True)
    return a - m - np.log(np.exp(a - m).sum(axis=axis, keepdims=True))


for _op, _ref in [("softmax", lambda a, ax: np.exp(_np_log_softmax(a, ax))),
                  ("log_softmax", _np_log_softmax)]:
    for _s, _ax in [((3,), -1), ((2, 3), -1), ((2, 3), 0), ((2, 1, 4), 2), ((2, 1, 4), 0)]:
        add(_op, f"{_s} axis={_ax}", lambda x, _m=_op, _ax=_ax: getattr(x, _m)(_ax),
            _leaves((_s, "real")), lambda a, _r=_ref, _ax=_ax: _r(a, _ax), [_s])
    add(_op, "(2, 3) function form", lambda x, _m=_op: getattr(T, _m)(x),
        _leaves(((2, 3), "real")), lambda a, _r=_ref: _r(a, -1), [(2, 3)])

# ---------------------------------------------------------------- Tensor: shape

SHAPE_OPS: list[tuple[Any, ...]] = [  # op, variant, input shape, Tensor form, numpy reference
    ("reshape", "(2, 3) -> (3, 2)", (2, 3), lambda x: x.reshape(3, 2), lambda a: a.reshape(3, 2)),
    ("reshape", "(2, 1, 4) -> (-1,)", (2, 1, 4), lambda x: T.reshape(x, (-1,)),
     lambda a: a.reshape(-1)),
    ("reshape", "() -> (1, 1)", (), lambda x: x.reshape(1, 1), lambda a: a.reshape(1, 1)),
    ("view", "(2, 3) -> (6, 1)", (2, 3), lambda x: x.view(6, 1), lambda a: a.reshape(6, 1)),
    ("transpose", "(2, 3)", (2, 3), lambda x: x.transpose(), lambda a: a.T),
    ("transpose", "(2, 1, 4) axes (2, 0, 1)", (2, 1, 4), lambda x: T.transpose(x, 2, 0, 1),
     lambda a: a.transpose(2, 0, 1)),
    ("transpose", "(2, 3) dims 0, 1 swap", (2, 3), lambda x: x.transpose(0, 1), lambda a: a.T),
    ("transpose", "(2, 1, 4) dims 2, 0 swap", (2, 1, 4), lambda x: T.transpose(x, 2, 0),
     lambda a: a.swapaxes(0, 2)),
    ("transpose", "(2, 3) tuple (1, 0)", (2, 3), lambda x: x.transpose((1, 0)), lambda a: a.T),
    ("t", "(2, 3)", (2, 3), lambda x: x.t(), lambda a: a.T),
    ("expand", "(3, 1) -> (-1, 4)", (3, 1), lambda x: x.expand(-1, 4),
     lambda a: np.broadcast_to(a, (3, 4))),
    ("expand", "(3,) -> (2, 3)", (3,), lambda x: x.expand((2, 3)),
     lambda a: np.broadcast_to(a, (2, 3))),
    ("permute", "(2, 1, 4) -> (1, 2, 0)", (2, 1, 4), lambda x: x.permute(1, 2, 0),
     lambda a: a.transpose(1, 2, 0)),
    ("T", "(2, 3)", (2, 3), lambda x: x.T, lambda a: a.T),
    ("T", "(2, 1, 4)", (2, 1, 4), lambda x: x.T, lambda a: a.T),
    ("swapaxes", "(2, 1, 4) 0 <-> 2", (2, 1, 4), lambda x: x.swapaxes(0, 2),
     lambda a: a.swapaxes(0, 2)),
    ("swapaxes", "(2, 3) function form", (2, 3), lambda x: T.swapaxes(x, 0, -1),
     lambda a: a.swapaxes(0, -1)),
    ("flatten", "(2, 1, 4)", (2, 1, 4), lambda x: x.flatten(), lambda a: a.reshape(-1)),
    ("flatten", "(2, 1, 4) from axis 1", (2, 1, 4), lambda x: T.flatten(x, 1),
     lambda a: a.reshape(2, -1)),
    ("flatten", "()", (), lambda x: x.flatten(), lambda a: a.reshape(1)),
    ("flatten", "(2, 1, 4) dims 0 to 1", (2, 1, 4), lambda x: x.flatten(0, 1),
     lambda a: a.reshape(2, 4)),
    ("squeeze", "(2, 1, 4)", (2, 1, 4), lambda x: x.squeeze(), lambda a: a.squeeze()),
    ("squeeze", "(1, 3) axis=0", (1, 3), lambda x: T.squeeze(x, 0), lambda a: a.squeeze(0)),
    ("unsqueeze", "(3,) axis=0", (3,), lambda x: x.unsqueeze(0), lambda a: a[None]),
    ("unsqueeze", "(2, 3) axis=-1", (2, 3), lambda x: T.unsqueeze(x, -1), lambda a: a[..., None]),
    ("expand_dims", "(2, 3) axis=1", (2, 3), lambda x: x.expand_dims(1), lambda a: a[:, None]),
    ("expand_dims", "() function form", (), lambda x: T.expand_dims(x, 0), lambda a: a[None]),
    ("broadcast_to", "(3,) -> (2, 3)", (3,), lambda x: x.broadcast_to((2, 3)),
     lambda a: np.broadcast_to(a, (2, 3))),
    ("broadcast_to", "(2, 1, 4) -> (2, 3, 4)", (2, 1, 4), lambda x: T.broadcast_to(x, (2, 3, 4)),
     lambda a: np.broadcast_to(a, (2, 3, 4))),
    ("broadcast_to", "() -> (2, 2)", (), lambda x: x.broadcast_to((2, 2)),
     lambda a: np.broadcast_to(a, (2, 2))),
    ("sum_to", "(2, 3) -> (3,)", (2, 3), lambda x: x.sum_to((3,)), lambda a: a.sum(0)),
    ("sum_to", "(2, 1, 4) -> (1, 4)", (2, 1, 4), lambda x: x.sum_to((1, 4)),
     lambda a: a.sum(0)),
    ("pad", "(2, 3) by 1", (2, 3), lambda x: T.pad(x, 1), lambda a: np.pad(a, 1)),
    ("pad", "(2, 3) ((0, 1), (2, 0)) with 0.5", (2, 3),
     lambda x: T.pad(x, ((0, 1), (2, 0)), 0.5),
     lambda a: np.pad(a, ((0, 1), (2, 0)), constant_values=0.5)),
    ("split", "(6,) pieces of 2", (6,), lambda x: tuple(T.split(x, 2)),
     lambda a: tuple(np.split(a, 3))),
    ("split", "(7,) pieces of 3", (7,), lambda x: tuple(x.split(3)),
     lambda a: tuple(np.split(a, [3, 6]))),
    ("split", "(2, 3) sizes [1, 2] dim=1", (2, 3), lambda x: tuple(x.split([1, 2], dim=1)),
     lambda a: tuple(np.split(a, [1], axis=1))),
    ("chunk", "(7,) into 3", (7,), lambda x: tuple(x.chunk(3)),
     lambda a: tuple(np.split(a, [3, 6]))),
    ("chunk", "(2, 4) into 2 dim=1", (2, 4), lambda x: tuple(T.chunk(x, 2, dim=1)),
     lambda a: tuple(np.split(a, 2, axis=1))),
]
for _op, _var, _s, _f, _ref in SHAPE_OPS:
    add(_op, _var, _f, _leaves((_s, "real")), _ref, [_s])

_CONCAT: list[tuple[list[Shape], int]] = [
    ([(2, 3), (1, 3)], 0), ([(2, 3), (2, 2)], 1), ([(3,), (3,), (2,)], 0),
    ([(2, 1, 4), (2, 1, 4)], -1)]
_STACK: list[tuple[list[Shape], int]] = [
    ([(3,), (3,), (3,)], 0), ([(2, 3), (2, 3)], 1), ([(), ()], 0), ([(2, 3), (2, 3)], -1)]
for _shapes_, _ax in _CONCAT:
    add("concatenate", f"{_shapes([*_shapes_])} axis={_ax}",
        lambda *xs, _ax=_ax: T.concatenate(xs, axis=_ax),
        _leaves(*[(s, "real") for s in _shapes_]),
        lambda *a, _ax=_ax: np.concatenate(a, axis=_ax), _shapes_)
add("cat", "(2, 3), (1, 3) dim=0", lambda a, b: T.cat([a, b]),
    _leaves(((2, 3), "real"), ((1, 3), "real")), lambda a, b: np.concatenate([a, b]),
    [(2, 3), (1, 3)])
add("cat", "(2, 3), (2, 2) dim=1", lambda a, b: T.cat((a, b), dim=1),
    _leaves(((2, 3), "real"), ((2, 2), "real")), lambda a, b: np.concatenate([a, b], 1),
    [(2, 3), (2, 2)])
for _shapes_, _ax in _STACK:
    add("stack", f"{_shapes([*_shapes_])} axis={_ax}", lambda *xs, _ax=_ax: T.stack(xs, _ax),
        _leaves(*[(s, "real") for s in _shapes_]), lambda *a, _ax=_ax: np.stack(a, _ax),
        _shapes_)

# ---------------------------------------------------------------- Tensor: indexing

_MASK = np.array([[True, False, True], [False, True, True]])
INDEXES = [  # variant, input shape, index
    ("int", (3,), 1), ("negative int", (2, 3), -1), ("slice", (2, 3), (slice(None), 1)),
    ("slice with step", (5,), slice(None, None, 2)), ("reversed", (4,), slice(None, None, -1)),
    ("None and slice", (2, 3), (None, slice(1, None))), ("Ellipsis", (2, 1, 4), (Ellipsis, 0)),
    ("int array with repeats", (3,), np.array([0, 2, 0, 0])),
    ("list of ints", (2, 3), [1, 1, 0]), ("boolean mask", (2, 3), _MASK),
    ("array and slice", (2, 3), (np.array([0, 1, 1]), slice(1, None))),
    ("int, slice, array", (2, 1, 4), (0, slice(None), np.array([1, 3, 3]))),
    ("2-D int array", (4,), np.array([[0, 1], [3, 3]])),
]
for _var, _s, _idx in INDEXES:
    add("getitem", f"{_s}[{_var}]", lambda x, _i=_idx: x[_i], _leaves((_s, "real")),
        lambda a, _i=_idx: a[_i], [_s])


def _set(index: Any) -> Callable[[Tensor, Tensor], Tensor]:
    def f(x: Tensor, v: Tensor) -> Tensor:
        y = x * 1.0  # a non-leaf: leaves that require grad cannot be written in place
        y[index] = v
        return y
    return f


def _np_set(index: Any) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    def f(a: np.ndarray, v: np.ndarray) -> np.ndarray:
        out = a.copy()
        out[index] = v
        return out
    return f


for _var, _s, _vs, _idx in [("row", (2, 3), (3,), 1), ("column", (2, 3), (2,), (slice(None), 0)),
                            ("broadcast value", (2, 3), (), (slice(None), slice(1, None))),
                            ("int array", (4,), (2,), np.array([3, 0]))]:
    add("setitem", f"{_s}[{_var}] = {_vs}", _set(_idx), _leaves((_s, "real"), (_vs, "real")),
        _np_set(_idx), [_s, _vs])
