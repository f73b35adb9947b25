"""Table-driven op tests: every op's forward against numpy and its gradient against central
differences in float64, swept over shapes, axes and keepdims.

The table is local to this file; `test_every_public_op_has_a_gradient_case` fails when a public
op (a name in `autograd_core.tensor.__all__` or a Tensor method) has no case in it. Ties, kinks,
extreme values and the hypothesis properties (broadcasting, indexing) are in
test_ops_properties.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from conftest import check_tensor_grads

import autograd_core as ag
from autograd_core import Tensor

# `autograd_core.tensor` is also the name of the creation function, so fetch the module itself.
TENSOR_ALL = set(importlib.import_module("autograd_core.tensor").__all__)

_rng = np.random.default_rng(20240601)


def data(shape: tuple[int, ...], kind: str = "any") -> np.ndarray:
    """Random float64 data kept away from the kinks of the op under test."""
    x = _rng.standard_normal(shape)
    if kind == "any":  # away from 0 (relu, abs, sign) and from each other (max/min ties)
        return np.sign(x) * (np.abs(x) + 0.2) + _rng.uniform(-0.01, 0.01, shape)
    if kind == "pos":
        return _rng.uniform(0.5, 2.0, shape)
    if kind == "frac":  # away from integers (floor)
        return np.floor(3 * x) + _rng.uniform(0.2, 0.8, shape)
    raise ValueError(kind)


@dataclass
class Case:
    """One forward + gradient check: `op(*Tensors)` against `ref(*arrays)`."""

    covers: tuple[str, ...]  # public names this case exercises
    op: Callable[..., Any]
    ref: Callable[..., Any]
    inputs: tuple[np.ndarray, ...]
    rtol: float = 1e-5
    eps: float = 1e-6

    @property
    def id(self) -> str:
        shapes = "x".join(str(a.shape).replace(" ", "") for a in self.inputs)
        return f"{self.covers[0]}-{shapes}"


CASES: list[Case] = []


def case(covers: str, op: Callable[..., Any], ref: Callable[..., Any], *inputs: np.ndarray,
         rtol: float = 1e-5, eps: float = 1e-6) -> None:
    CASES.append(Case(tuple(covers.split()), op, ref, inputs, rtol, eps))


# ---------------------------------------------------------------- elementwise unary

SHAPES = [(), (3,), (2, 3)]
UNARY: list[tuple[str, Callable[[Any], Any], Callable[[Any], Any], str]] = [
    ("exp", lambda t: t.exp(), np.exp, "any"),
    ("log", lambda t: t.log(), np.log, "pos"),
    ("sqrt", lambda t: t.sqrt(), np.sqrt, "pos"),
    ("abs __abs__", lambda t: abs(t), np.abs, "any"),
    ("sin", lambda t: t.sin(), np.sin, "any"),
    ("cos", lambda t: t.cos(), np.cos, "any"),
    ("tanh", lambda t: t.tanh(), np.tanh, "any"),
    ("sigmoid", lambda t: t.sigmoid(), lambda a: 1 / (1 + np.exp(-a)), "any"),
    ("relu", lambda t: t.relu(), lambda a: np.maximum(a, 0), "any"),
    ("clip", lambda t: t.clip(-0.5, 0.7), lambda a: np.clip(a, -0.5, 0.7), "any"),
    ("clamp", lambda t: t.clamp(min=-0.5), lambda a: np.maximum(a, -0.5), "any"),
    ("sign", lambda t: t.sign(), np.sign, "any"),
    ("floor", lambda t: t.floor(), np.floor, "frac"),
    ("neg __neg__", lambda t: -t, np.negative, "any"),
    ("__pos__", lambda t: +t * 1.0, lambda a: a, "any"),
    ("pow __pow__", lambda t: t**3, lambda a: a**3, "any"),
    ("pow_fractional", lambda t: t.pow(0.5), np.sqrt, "pos"),
    ("pow_negative", lambda t: t ** -1.5, lambda a: a ** -1.5, "pos"),
    ("pow_zero", lambda t: t**0 + t, lambda a: 1 + a, "any"),
    ("__rpow__", lambda t: 2.0**t, lambda a: 2.0**a, "any"),
    ("clone", lambda t: t.clone(), lambda a: a, "any"),
]
for _names, _op, _ref, _kind in UNARY:
    for _s in SHAPES:
        case(_names, _op, _ref, data(_s, _kind))
# A float32 round trip: linear, so a big step keeps float32 rounding out of the difference.
for _s in SHAPES:
    case("astype double float", lambda t: t.float().double() * 2.0,
         lambda a: a.astype(np.float32).astype(np.float64) * 2, data(_s), rtol=1e-4, eps=1e-2)
    _first = _names.split()[0]
    if _first in TENSOR_ALL and _first != "clip":  # the module-level function too
        case(_first, getattr(ag, _first), _ref, data((2, 3), _kind))
case("clip", lambda t: ag.clip(t, -0.5, 0.7), lambda a: np.clip(a, -0.5, 0.7), data((2, 3)))

# ---------------------------------------------------------------- elementwise binary

BIN_SHAPES = [((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((1, 3), (2, 3)), ((2, 1, 4), (3, 1)),
              ((), (2, 3)), ((2, 3), (3,))]
BINARY: list[tuple[str, Callable[[Any, Any], Any], Callable[[Any, Any], Any], str, str]] = [
    ("add __add__", lambda a, b: a + b, np.add, "any", "any"),
    ("sub __sub__", lambda a, b: a - b, np.subtract, "any", "any"),
    ("mul __mul__", lambda a, b: a * b, np.multiply, "any", "any"),
    ("div __truediv__", lambda a, b: a / b, np.divide, "any", "any"),
    ("pow_tensor", lambda a, b: a**b, np.power, "pos", "any"),
    ("maximum", ag.maximum, np.maximum, "any", "any"),
    ("minimum", ag.minimum, np.minimum, "any", "any"),
    ("add", lambda a, b: a.add(b), np.add, "any", "any"),
    ("sub", lambda a, b: a.sub(b), np.subtract, "any", "any"),
    ("mul", lambda a, b: a.mul(b), np.multiply, "any", "any"),
    ("div", lambda a, b: a.div(b), np.divide, "any", "any"),
    ("where", lambda a, b: ag.where(a.data > 0, a, b), lambda a, b: np.where(a > 0, a, b),
     "any", "any"),
]
for _names, _op, _ref, _ka, _kb in BINARY:
    for _sa, _sb in BIN_SHAPES:
        case(_names, _op, _ref, data(_sa, _ka), data(_sb, _kb))

# numbers and arrays on either side
for _names, _op, _ref in [
    ("__radd__", lambda t: 2.5 + t, lambda a: 2.5 + a),
    ("__rsub__", lambda t: 2.5 - t, lambda a: 2.5 - a),
    ("__rmul__", lambda t: 2.5 * t, lambda a: 2.5 * a),
    ("__rtruediv__", lambda t: 2.5 / t, lambda a: 2.5 / a),
    ("__radd__ ndarray", lambda t: np.arange(3.0) + t, lambda a: np.arange(3.0) + a),
    ("where_scalar", lambda t: ag.where(t.data > 0, t, 0.0), lambda a: np.where(a > 0, a, 0)),
]:
    case(_names, _op, _ref, data((2, 3)))

# ---------------------------------------------------------------- matmul


MATMUL_SHAPES = [((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)), ((2, 3), (3, 4)),
                 ((2, 2, 3), (3, 4)), ((3,), (2, 3, 4)), ((2, 3, 4), (4,)),
                 ((2, 1, 2, 3), (3, 3, 2)), ((1, 2, 3), (4, 3, 2))]
for _sa, _sb in MATMUL_SHAPES:
    case("matmul __matmul__", lambda a, b: a @ b, np.matmul, data(_sa), data(_sb))
case("matmul", lambda a, b: a.matmul(b), np.matmul, data((2, 3)), data((3, 2)))
case("matmul", ag.matmul, np.matmul, data((2, 3)), data((3,)))
case("matmul", lambda a, b: ag.matmul(input=a, other=b), np.matmul, data((2, 3)), data((3, 2)))
case("mm", lambda a, b: a.mm(b), np.matmul, data((2, 3)), data((3, 2)))
case("mm", ag.mm, np.matmul, data((1, 3)), data((3, 4)))
case("__rmatmul__", lambda t: np.ones((2, 3)) @ t, lambda a: np.ones((2, 3)) @ a, data((3, 2)))

# ---------------------------------------------------------------- reductions


def axes_for(ndim: int) -> list[Any]:
    """None, every single axis (positive and negative) and every pair of axes."""
    out: list[Any] = [None]
    out += list(range(ndim)) + [-1] * (ndim > 0)
    out += [(i, j) for i in range(ndim) for j in range(i + 1, ndim)]
    return out


def _lse(a: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    m = np.max(a, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


REDUCTIONS: list[tuple[str, Callable[..., Any], Callable[..., Any]]] = [
    ("sum", lambda t, ax, k: t.sum(ax, keepdims=k), np.sum),
    ("mean", lambda t, ax, k: t.mean(axis=ax, keepdims=k), np.mean),
    ("amax", lambda t, ax, k: t.amax(ax, k), np.max),
    ("amin", lambda t, ax, k: t.amin(ax, k), np.min),
    ("var", lambda t, ax, k: t.var(ax, keepdims=k, ddof=0), np.var),
    ("var_ddof", lambda t, ax, k: t.var(ax, keepdims=k, ddof=1), lambda a, axis, keepdims:
        np.var(a, axis=axis, keepdims=keepdims, ddof=1)),
    ("std", lambda t, ax, k: t.std(ax, keepdims=k, ddof=0), np.std),
    ("logsumexp", lambda t, ax, k: t.logsumexp(ax, k), _lse),
    ("prod", lambda t, ax, k: t.prod(ax, k), np.prod),
]
for _name, _op, _ref in REDUCTIONS:
    for _s in [(), (3,), (2, 3), (2, 3, 2)]:
        for _ax in axes_for(len(_s)):
            if _name == "var_ddof" and (np.prod([_s[a] for a in (_ax if isinstance(_ax, tuple)
                                        else range(len(_s)) if _ax is None else (_ax,))]) < 2):
                continue  # n - ddof == 0
            if _name == "std" and not _s:
                continue  # std of one number is sqrt(0): not differentiable
            for _k in (False, True):
                case(_name, lambda t, op=_op, ax=_ax, k=_k: op(t, ax, k),
                     lambda a, ref=_ref, ax=_ax, k=_k: ref(a, axis=ax, keepdims=k), data(_s))
    module_fn = getattr(ag, _name, None)
    if module_fn is not None:
        _kw = {"ddof": 0} if _name in ("var", "std") else {}
        case(_name, lambda t, f=module_fn, kw=_kw: f(t, axis=0, **kw), lambda a, ref=_ref: ref(
            a, axis=0, keepdims=False), data((3, 2)))

case("max", lambda t: t.max(), lambda a: np.max(a), data((2, 3)))
case("min", lambda t: ag.min(t), lambda a: np.min(a), data((2, 3)))
# PyTorch's spellings: (values, indices) along one dim, var/std's correction=1 by default
for _ax in (0, 1, -1):
    for _k in (False, True):
        case("max", lambda t, ax=_ax, k=_k: t.max(dim=ax, keepdim=k).values,
             lambda a, ax=_ax, k=_k: np.max(a, axis=ax, keepdims=k), data((2, 3)))
        case("min", lambda t, ax=_ax, k=_k: ag.min(t, ax, keepdim=k)[0],
             lambda a, ax=_ax, k=_k: np.min(a, axis=ax, keepdims=k), data((2, 3)))
case("max", lambda t, u: t.max(u), np.maximum, data((2, 3)), data((2, 3)))
case("min", lambda t, u: ag.min(t, u), np.minimum, data((2, 3)), data((2, 3)))
for _name, _ref in (("var", np.var), ("std", np.std)):
    case(_name, lambda t, n=_name: getattr(t, n)(0), lambda a, r=_ref: r(a, axis=0, ddof=1),
         data((3, 2)))
    case(_name, lambda t, n=_name: getattr(ag, n)(t, dim=1, keepdim=True, unbiased=False),
         lambda a, r=_ref: r(a, axis=1, keepdims=True), data((3, 2)))
    case(_name, lambda t, n=_name: getattr(t, n)(correction=0),
         lambda a, r=_ref: r(a), data((3, 2)))
case("log10", lambda t: t.log10(), np.log10, data((2, 3), "pos"))
case("log10", ag.log10, np.log10, data((3,), "pos"))
case("prod_with_zero", lambda t: (t * Tensor(np.array([1.0, 0.0, 1.0]))).prod(),
     lambda a: np.prod(a * np.array([1.0, 0.0, 1.0])), data((3,)))

# ---------------------------------------------------------------- composites

for _ax in (-1, 0, 1):
    case("softmax", lambda t, ax=_ax: t.softmax(ax),
         lambda a, ax=_ax: np.exp(a - _lse(a, ax, True)), data((2, 3)))
    case("log_softmax", lambda t, ax=_ax: t.log_softmax(ax),
         lambda a, ax=_ax: a - _lse(a, ax, True), data((2, 3)))
case("softmax", ag.softmax, lambda a: np.exp(a - _lse(a, -1, True)), data((3,)))
case("log_softmax", ag.log_softmax, lambda a: a - _lse(a, -1, True), data((2, 1, 4)))

# ---------------------------------------------------------------- shape


SHAPE_OPS: list[tuple[str, Callable[[Any], Any], Callable[[Any], Any], tuple[int, ...]]] = [
    ("reshape", lambda t: t.reshape(3, 2), lambda a: a.reshape(3, 2), (2, 3)),
    ("reshape", lambda t: t.reshape((-1,)), lambda a: a.reshape(-1), (2, 3)),
    ("reshape", lambda t: t.reshape(2, -1, 2), lambda a: a.reshape(2, -1, 2), (2, 3, 2)),
    ("reshape", lambda t: ag.reshape(t, 1, 1), lambda a: a.reshape(1, 1), ()),
    ("view", lambda t: t.view(6), lambda a: a.reshape(6), (2, 3)),
    ("transpose", lambda t: t.transpose(), lambda a: a.T, (2, 3, 2)),
    ("transpose", lambda t: t.transpose(1, 2, 0), lambda a: a.transpose(1, 2, 0), (2, 3, 2)),
    ("transpose", lambda t: ag.transpose(t, (0, -1, 1)), lambda a: a.transpose(0, 2, 1),
     (2, 3, 2)),
    ("transpose", lambda t: t.transpose(0, 1), lambda a: a.T, (2, 3)),  # PyTorch's: a swap
    ("transpose", lambda t: t.transpose(2, 0), lambda a: a.swapaxes(0, 2), (2, 3, 2)),
    ("t", lambda t: t.t(), lambda a: a.T, (2, 3)),
    ("permute", lambda t: ag.permute(t, (1, 0)), lambda a: a.T, (2, 3)),
    ("expand", lambda t: t.expand(2, -1), lambda a: np.broadcast_to(a, (2, 3)), (1, 3)),
    ("permute", lambda t: t.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1), (2, 3, 2)),
    ("T", lambda t: t.T, lambda a: a.T, (2, 3, 2)),
    ("swapaxes", lambda t: t.swapaxes(0, -1), lambda a: a.swapaxes(0, -1), (2, 3, 2)),
    ("swapaxes", lambda t: ag.swapaxes(t, 1, 0), lambda a: a.swapaxes(1, 0), (2, 3)),
    ("flatten", lambda t: t.flatten(), lambda a: a.reshape(-1), (2, 3, 2)),
    ("flatten", lambda t: ag.flatten(t, 1), lambda a: a.reshape(2, -1), (2, 3, 2)),
    ("flatten", lambda t: t.flatten(), lambda a: a.reshape(1), ()),
    ("flatten", lambda t: t.flatten(0, 1), lambda a: a.reshape(6, 2), (2, 3, 2)),
    ("squeeze", lambda t: t.squeeze(), lambda a: a.squeeze(), (1, 3, 1)),
    ("squeeze", lambda t: t.squeeze(-1), lambda a: a.squeeze(-1), (1, 3, 1)),
    ("squeeze", lambda t: ag.squeeze(t, (0, 2)), lambda a: a.squeeze((0, 2)), (1, 3, 1)),
    ("unsqueeze", lambda t: t.unsqueeze(0), lambda a: a[None], (2, 3)),
    ("unsqueeze", lambda t: ag.unsqueeze(t, -1), lambda a: a[..., None], (2, 3)),
    ("expand_dims", lambda t: t.expand_dims(1), lambda a: np.expand_dims(a, 1), (2, 3)),
    ("expand_dims", lambda t: ag.expand_dims(t, 0), lambda a: a[None], ()),
    ("broadcast_to", lambda t: t.broadcast_to((2, 3)), lambda a: np.broadcast_to(a, (2, 3)),
     (1, 3)),
    ("broadcast_to", lambda t: ag.broadcast_to(t, (4, 2, 3)),
     lambda a: np.broadcast_to(a, (4, 2, 3)), (3,)),
    ("sum_to", lambda t: t.sum_to((1, 3)), lambda a: a.sum(0, keepdims=True), (2, 3)),
    # PyTorch's split: pieces of a size, or of the listed sizes; chunk: a number of pieces
    ("split", lambda t: t.split(1, dim=1)[1], lambda a: np.split(a, 3, axis=1)[1], (2, 3)),
    ("split", lambda t: ag.split(t, [1, 2, 1])[2] * ag.split(t, 3)[1].sum(),
     lambda a: a[3:] * a[3:].sum(), (4, 2)),
    ("chunk", lambda t: t.chunk(3, dim=1)[2], lambda a: a[:, 2:], (2, 3)),
    ("chunk", lambda t: ag.chunk(t, 2)[1], lambda a: a[2:], (4, 2)),
    ("pad", lambda t: ag.pad(t, 1), lambda a: np.pad(a, 1), (2, 3)),
    ("pad", lambda t: ag.pad(t, ((0, 1), (2, 0)), constant_values=1.5),
     lambda a: np.pad(a, ((0, 1), (2, 0)), constant_values=1.5), (2, 3)),
    ("__getitem__", lambda t: t[1:, ::-2], lambda a: a[1:, ::-2], (3, 4)),
    ("__getitem__", lambda t: t[np.array([0, 2, 0, 0])], lambda a: a[[0, 2, 0, 0]], (3, 2)),
]
for _name, _op, _ref, _s in SHAPE_OPS:
    case(_name, _op, _ref, data(_s))

for _ax in (0, 1, -1):
    case("concatenate", lambda a, b, ax=_ax: ag.concatenate([a, b, a], axis=ax),
         lambda a, b, ax=_ax: np.concatenate([a, b, a], axis=ax), data((2, 2)), data((2, 2)))
    case("stack", lambda a, b, ax=_ax: ag.stack([a, b], axis=ax),
         lambda a, b, ax=_ax: np.stack([a, b], axis=ax), data((2, 3)), data((2, 3)))
case("cat", lambda a, b: ag.cat([a, b], dim=1), lambda a, b: np.concatenate([a, b], axis=1),
     data((2, 1)), data((2, 3)))
case("cat", lambda a, b: ag.cat((a, b)), lambda a, b: np.concatenate([a, b]), data((1, 3)),
     data((2, 3)))
case("concatenate", lambda a, b: ag.concatenate([a, b], axis=1),
     lambda a, b: np.concatenate([a, b], axis=1), data((2, 1)), data((2, 3)))
case("stack", lambda a, b: ag.stack([a, b]), lambda a, b: np.stack([a, b]), data(()), data(()))

# ---------------------------------------------------------------- in-place ops on non-leaves


def _fresh(t: Tensor) -> Tensor:
    return t * 1.0  # a non-leaf copy: in-place writes are recorded on it


def _setitem(a: Tensor, b: Tensor) -> Tensor:
    y = _fresh(a)
    y[0] = b
    return y


def _setitem_ref(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    y = a.copy()
    y[0] = b
    return y


INPLACE = [
    ("add_", lambda a, b: _fresh(a).add_(b), np.add),
    ("add_", lambda a, b: _fresh(a).add_(b, alpha=2.0), lambda a, b: a + 2 * b),
    ("sub_", lambda a, b: _fresh(a).sub_(b), np.subtract),
    ("mul_", lambda a, b: _fresh(a).mul_(b), np.multiply),
    ("div_", lambda a, b: _fresh(a).div_(b), np.divide),
    ("copy_", lambda a, b: _fresh(a).copy_(b) * a, lambda a, b: b * a),
    ("__setitem__", _setitem, _setitem_ref),
]
for _name, _op, _ref in INPLACE:
    case(_name, _op, _ref, data((2, 3)), data((3,)))
case("clamp_", lambda t: _fresh(t).clamp_(-0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5),
     data((2, 3)))
case("fill_", lambda t: _fresh(t).fill_(2.0) * t, lambda a: 2.0 * a, data((2, 3)))
case("zero_", lambda t: _fresh(t).zero_() + t, lambda a: a, data((2, 3)))
case("pow_", lambda a, b: _fresh(a).pow_(b), np.power, data((2, 3), "pos"), data((3,)))
case("to", lambda t: t.to(np.float32).to(dtype=np.float64) * 2.0,
     lambda a: a.astype(np.float32).astype(np.float64) * 2, data((2, 3)), rtol=1e-4, eps=1e-2)


def _augmented(op: str) -> Callable[[Tensor, Tensor], Tensor]:
    def run(a: Tensor, b: Tensor) -> Tensor:
        y = _fresh(a)
        if op == "+":
            y += b
        elif op == "-":
            y -= b
        elif op == "*":
            y *= b
        elif op == "/":
            y /= b
        else:
            y **= b
        return y
    return run


for _name, _op, _ref, _kind in [("__iadd__", "+", np.add, "any"),
                                ("__isub__", "-", np.subtract, "any"),
                                ("__imul__", "*", np.multiply, "any"),
                                ("__itruediv__", "/", np.divide, "any"),
                                ("__ipow__", "**", np.power, "pos")]:
    case(_name, _augmented(_op), _ref, data((2, 3), _kind), data((3,)))


def _imatmul(a: Tensor, b: Tensor) -> Tensor:
    y = _fresh(a)
    y @= b
    return y


case("__imatmul__", _imatmul, np.matmul, data((2, 3)), data((3, 3)))


# ================================================================ the tests


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_forward_matches_numpy_and_gradient_matches_finite_differences(c: Case) -> None:
    out = c.op(*[Tensor(a) for a in c.inputs])
    expected = np.asarray(c.ref(*c.inputs))
    assert out.shape == expected.shape, f"{c.covers[0]}: shape {out.shape} != {expected.shape}"
    np.testing.assert_allclose(out.data, expected, rtol=c.rtol, atol=1e-12)
    check_tensor_grads(c.op, *c.inputs, rtol=c.rtol, eps=c.eps)


# Names that are not differentiable ops: metadata, conversion, graph control, no-gradient ops.
NOT_OPS = {
    "Tensor", "tensor", "set_default_dtype", "get_default_dtype", "zeros", "ones", "full",
    "arange", "linspace", "eye", "rand", "randn", "zeros_like", "ones_like", "full_like",
    "data", "grad", "grad_fn", "is_leaf", "requires_grad", "name", "shape", "ndim", "dtype",
    "size", "numel", "numpy", "item", "tolist", "detach", "requires_grad_", "backward",
    "register_hook", "retain_grad", "any", "all", "allclose", "nelement", "dim", "device",
    "long", "int", "bool",
    "cpu", "cuda", "contiguous", "is_floating_point", "empty", "empty_like", "rand_like",
    "randn_like", "randint", "randperm", "multinomial", "from_numpy", "as_tensor", "Generator",
    "manual_seed", "seed", "initial_seed", "numpy_rng", "float16", "float32", "float64",
    "int8", "int16", "int32", "int64", "uint8", "bool_",
    # numpy's dispatch protocols (tests/test_numpy_protocol.py)
    "__array_ufunc__", "__array_function__",
    # no gradient by definition; their forward is tested below
    "argmax", "argmin", "__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__",
    # Python protocol methods
    "__array__", "__bool__", "__float__", "__int__", "__index__", "__iter__", "__len__",
}


def _members(cls: type) -> dict[str, object]:
    """The class's attributes with the ones it inherits (Tensor's methods come from mixins)."""
    members: dict[str, object] = {}
    for klass in reversed(cls.__mro__[:-1]):
        members.update(vars(klass))
    return members


def public_ops() -> set[str]:
    names = set(TENSOR_ALL)
    for n, v in _members(Tensor).items():
        if n.startswith("_") and not (n.startswith("__") and n.endswith("__")):
            continue
        if n in ("__init__", "__repr__", "__hash__", "__slots__", "__module__", "__doc__",
                 "__annotations__", "__array_priority__", "__weakref__", "__qualname__",
                 "__firstlineno__", "__static_attributes__", "__dict__"):
            continue
        if callable(v) or isinstance(v, property):
            names.add(n)
    return names - NOT_OPS


def test_every_public_op_has_a_gradient_case() -> None:
    covered = {name for c in CASES for name in c.covers}
    missing = sorted(public_ops() - covered)
    assert not missing, f"public ops without a gradient-check case in test_ops.py: {missing}"


def test_argmax_argmin_forward_and_no_grad() -> None:
    a = data((3, 4))
    t = Tensor(a, requires_grad=True)
    for name in ("argmax", "argmin"):
        ref = getattr(np, name)
        for ax in (None, 0, 1, -1):
            for k in (False, True):
                r = getattr(t, name)(ax, keepdims=k)
                np.testing.assert_array_equal(r.data, ref(a, axis=ax, keepdims=k))
                assert not r.requires_grad
        np.testing.assert_array_equal(getattr(ag, name)(t, axis=1).data, ref(a, axis=1))
