"""The gradient-check table, continued: copies, casts and in-place ops of Tensor, then every
`Value` op. Importing this module appends its cases to `_op_cases.CASES` (checks.py does)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..value import Value
from ._op_cases import _leaves, _values, add

# ---------------------------------------------------------------- Tensor: copies, casts, in place

add("clone", "(2, 3)", lambda x: x.clone(), _leaves(((2, 3), "real")), lambda a: a.copy(),
    [(2, 3)])
# Through float32 and back: linear, so a wide step loses nothing and beats float32 round-off.
add("astype", "(2, 3) float32 and back", lambda x: x.astype(np.float32).astype(np.float64),
    _leaves(((2, 3), "real")), lambda a: a.astype(np.float32).astype(np.float64), [(2, 3)],
    eps=1e-2)
add("float", "(3,)", lambda x: x.float().double(), _leaves(((3,), "real")),
    lambda a: a.astype(np.float32).astype(np.float64), [(3,)], eps=1e-2)
add("double", "(3,)", lambda x: x.double() * 1.0, _leaves(((3,), "real")), lambda a: a, [(3,)])

INPLACE: list[tuple[Any, ...]] = [  # op, second argument's domain, numpy reference
    ("add_", "real", np.add), ("sub_", "real", np.subtract), ("mul_", "real", np.multiply),
    ("div_", "nonzero", np.divide), ("copy_", "real", lambda a, b: np.broadcast_to(b, a.shape)),
]
add("pow_", "(2, 3) ** (3,)", lambda a, b: (a * 1.0).pow_(b) * 1.0,
    _leaves(((2, 3), "pos"), ((3,), "real")), np.power, [(2, 3), (3,)])


def _augmented(op: str) -> Any:
    def run(a: Any, b: Any) -> Any:
        t = a * 1.0
        if op == "+=":
            t += b
        elif op == "-=":
            t -= b
        elif op == "*=":
            t *= b
        elif op == "/=":
            t /= b
        elif op == "**=":
            t **= b
        return t * 1.0
    return run


for _op, _m, _dom, _ref in (("+=", "add_", "real", np.add), ("-=", "sub_", "real", np.subtract),
                            ("*=", "mul_", "real", np.multiply),
                            ("/=", "div_", "nonzero", np.divide),
                            ("**=", "pow_", "real", np.power)):
    add(_m, f"{_op} (2, 3) with (3,)", _augmented(_op),
        _leaves(((2, 3), "pos" if _op == "**=" else "real"), ((3,), _dom)), _ref,
        [(2, 3), (3,)])
add("to", "(2, 3) float32 and back", lambda x: x.to(np.float32).to(dtype=np.float64),
    _leaves(((2, 3), "real")), lambda a: a.astype(np.float32).astype(np.float64), [(2, 3)],
    eps=1e-2)
for _op, _dom, _ref in INPLACE:
    add(_op, "(2, 3) with (3,)", lambda a, b, _m=_op: getattr(a * 1.0, _m)(b) * 1.0,
        _leaves(((2, 3), "real"), ((3,), _dom)), _ref, [(2, 3), (3,)])
add("add_", "alpha=2", lambda a, b: (a * 1.0).add_(b, alpha=2.0),
    _leaves(((3,), "real"), ((3,), "real")), lambda a, b: a + 2 * b, [(3,), (3,)])
add("clamp_", "(2, 3)", lambda a: (a * 1.0).clamp_(-0.5, 0.5), _leaves(((2, 3), "clip")),
    lambda a: np.clip(a, -0.5, 0.5), [(2, 3)])
add("zero_", "(3,)", lambda a: (a * 1.0).zero_() + a, _leaves(((3,), "real")), lambda a: a,
    [(3,)])
add("fill_", "(3,)", lambda a: (a * 2.0).fill_(0.5) * a, _leaves(((3,), "real")),
    lambda a: 0.5 * a, [(3,)])

# ---------------------------------------------------------------- Value

VALUE_UNARY: list[tuple[Any, ...]] = [  # op, Value form, math reference, domain
    ("neg", lambda a: -a, lambda a: -a, "real"), ("exp", Value.exp, math.exp, "real"),
    ("log", Value.log, math.log, "pos"), ("sqrt", Value.sqrt, math.sqrt, "pos"),
    ("abs", Value.abs, abs, "nonzero"), ("tanh", Value.tanh, math.tanh, "real"),
    ("sigmoid", Value.sigmoid, lambda a: 1 / (1 + math.exp(-a)), "real"),
    ("relu", Value.relu, lambda a: max(a, 0.0), "nonzero"),
    ("leaky_relu", Value.leaky_relu, lambda a: a if a > 0 else 0.1 * a, "nonzero"),
    ("elu", Value.elu, lambda a: a if a > 0 else math.expm1(a), "nonzero"),
    ("softplus", Value.softplus, lambda a: math.log1p(math.exp(a)), "real"),
]
for _op, _f, _ref, _dom in VALUE_UNARY:
    for _d in (["pos", "neg"] if _dom == "nonzero" else [_dom]):  # both sides of a kink
        add(f"Value.{_op}", _d, _f, _values(_d), _ref, [()])
add("Value.abs", "abs(v)", lambda a: abs(a), _values("nonzero"), abs, [()])
add("Value.leaky_relu", "slope=0.3", lambda a: a.leaky_relu(0.3), _values("nonzero"),
    lambda a: a if a > 0 else 0.3 * a, [()])
add("Value.elu", "alpha=2", lambda a: a.elu(2.0), _values("nonzero"),
    lambda a: a if a > 0 else 2.0 * math.expm1(a), [()])

VALUE_BINARY: list[tuple[Any, ...]] = [
    ("add", lambda a, b: a + b, "real"), ("sub", lambda a, b: a - b, "real"),
    ("mul", lambda a, b: a * b, "real"), ("truediv", lambda a, b: a / b, "nonzero"),
]
for _op, _f, _dom in VALUE_BINARY:
    add(f"Value.{_op}", "v, v", _f, _values("real", _dom), _f, [(), ()])
    add(f"Value.{_op}", "v, 1.5", lambda a, _f=_f: _f(a, 1.5), _values("real"),
        lambda a, _f=_f: _f(a, 1.5), [()])
    add(f"Value.{_op}", "1.5, v", lambda a, _f=_f: _f(1.5, a), _values(_dom),
        lambda a, _f=_f: _f(1.5, a), [()])
for _c, _dom in [(2, "real"), (3, "real"), (0.5, "pos"), (-1.5, "pos")]:
    add("Value.pow", f"v ** {_c}", lambda a, _c=_c: a ** _c, _values(_dom),
        lambda a, _c=_c: a ** _c, [()])
add("Value.pow", "v ** v", lambda a, b: a ** b, _values("pos", "real"), lambda a, b: a ** b,
    [(), ()])
add("Value.pow", "2.0 ** v", lambda a: 2.0 ** a, _values("real"), lambda a: 2.0 ** a, [()])
add("Value.sum", "3 values", lambda a, b, c: Value.sum([a, b, c]), _values("real", "real", "real"),
    lambda a, b, c: a + b + c, [(), (), ()])
add("Value.sum", "with start and a number", lambda a, b: Value.sum([a, 2.0, b], start=a),
    _values("real", "real"), lambda a, b: 2 * a + 2.0 + b, [(), ()])
add("Value.dot", "2 weights, bias", lambda w1, w2, x1, x2, b: Value.dot([w1, w2], [x1, x2], b),
    _values("real", "real", "real", "real", "real"),
    lambda w1, w2, x1, x2, b: w1 * x1 + w2 * x2 + b, [()] * 5)
add("Value.dot", "numbers as inputs", lambda w1, w2: Value.dot([w1, w2], [0.5, -2.0]),
    _values("real", "real"), lambda w1, w2: 0.5 * w1 - 2.0 * w2, [(), ()])
