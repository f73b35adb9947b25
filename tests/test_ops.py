"""Table-driven op tests: every op's forward against numpy and its gradient against central
differences in float64, swept over shapes, axes and keepdims.

The table is local to this file; `test_every_public_op_has_a_gradient_case` fails when a public
op (a name in `autograd_core.tensor.__all__` or a Tensor method) has no case in it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from conftest import check_tensor_grads
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

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
    ("max", lambda t, ax, k: t.max(ax, k), np.max),
    ("min", lambda t, ax, k: t.min(ax, k), np.min),
    ("var", lambda t, ax, k: t.var(ax, k), np.var),
    ("var_ddof", lambda t, ax, k: t.var(ax, k, ddof=1), lambda a, axis, keepdims: np.var(
        a, axis=axis, keepdims=keepdims, ddof=1)),
    ("std", lambda t, ax, k: t.std(ax, k), np.std),
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
        case(_name, lambda t, f=module_fn: f(t, axis=0), lambda a, ref=_ref: ref(
            a, axis=0, keepdims=False), data((3, 2)))

case("max", lambda t: t.max(), lambda a: np.max(a), data((2, 3)))
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
    ("permute", lambda t: t.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1), (2, 3, 2)),
    ("T", lambda t: t.T, lambda a: a.T, (2, 3, 2)),
    ("swapaxes", lambda t: t.swapaxes(0, -1), lambda a: a.swapaxes(0, -1), (2, 3, 2)),
    ("swapaxes", lambda t: ag.swapaxes(t, 1, 0), lambda a: a.swapaxes(1, 0), (2, 3)),
    ("flatten", lambda t: t.flatten(), lambda a: a.reshape(-1), (2, 3, 2)),
    ("flatten", lambda t: ag.flatten(t, 1), lambda a: a.reshape(2, -1), (2, 3, 2)),
    ("flatten", lambda t: t.flatten(), lambda a: a.reshape(1), ()),
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
    ("split", lambda t: t.split(3, axis=1)[1], lambda a: np.split(a, 3, axis=1)[1], (2, 3)),
    ("split", lambda t: ag.split(t, [1, 3])[2] * ag.split(t, [1])[0].sum(),
     lambda a: np.split(a, [1, 3])[2] * a[:1].sum(), (4, 2)),
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
    "register_hook", "retain_grad", "any", "all",
    # no gradient by definition; their forward is tested below
    "argmax", "argmin", "__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__",
    # Python protocol methods
    "__array__", "__bool__", "__float__", "__int__", "__index__", "__iter__", "__len__",
}


def public_ops() -> set[str]:
    names = set(TENSOR_ALL)
    for n, v in vars(Tensor).items():
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


# ---------------------------------------------------------------- ties and special points


def test_max_ties_split_gradient_evenly() -> None:
    x = Tensor(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]), requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad.data, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    y = Tensor(np.array([1.0, 1.0]), requires_grad=True)
    z = Tensor(np.array([1.0, 0.0]), requires_grad=True)
    ag.maximum(y, z).sum().backward()
    np.testing.assert_allclose(y.grad.data, [0.5, 1.0])
    np.testing.assert_allclose(z.grad.data, [0.5, 0.0])


def test_kinks_at_zero() -> None:
    x = Tensor(np.zeros(3), requires_grad=True)
    (x.relu() + x.abs()).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros(3))


def test_pow_tensor_exponent_at_zero_base_is_finite() -> None:
    a = Tensor(np.array([0.0, 2.0]), requires_grad=True)
    b = Tensor(np.array([2.0, 3.0]), requires_grad=True)
    (a**b).sum().backward()
    np.testing.assert_allclose(a.grad.data, [0.0, 12.0])
    np.testing.assert_allclose(b.grad.data, [0.0, 8 * np.log(2.0)])


@pytest.mark.parametrize("scale", [1e4, 1e6, 1e30])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_and_log_softmax_stable_for_huge_logits(scale: float, dtype: Any) -> None:
    raw = np.array([[1.0, -1.0, 0.0], [1.0, 1.0, -1.0]]) * scale
    x = Tensor(raw.astype(dtype), requires_grad=True)
    w = Tensor(np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]], dtype=dtype))
    s = x.softmax(-1)
    ls = x.log_softmax(-1)
    assert np.isfinite(s.data).all() and np.isfinite(ls.data).all()
    np.testing.assert_allclose(s.data, [[1, 0, 0], [0.5, 0.5, 0]], atol=1e-6)
    np.testing.assert_allclose(s.data.sum(-1), 1.0, rtol=1e-6)
    ref = raw - raw.max(-1, keepdims=True)  # exact here: the others underflow to 0
    ref = ref - np.log(np.exp(ref).sum(-1, keepdims=True))
    np.testing.assert_allclose(ls.data, ref.astype(dtype), rtol=1e-6)
    ((s * w).sum() + (ls * w).sum()).backward()
    assert np.isfinite(x.grad.data).all()
    # log_softmax's gradient: w - softmax * sum(w), exact for these one-hot-ish softmaxes
    sd = s.data.astype(np.float64)
    wd = w.data.astype(np.float64)
    g_ls = wd - sd * wd.sum(-1, keepdims=True)
    g_s = sd * (wd - (sd * wd).sum(-1, keepdims=True))
    np.testing.assert_allclose(x.grad.data, g_ls + g_s, rtol=1e-5, atol=1e-6)


def test_logsumexp_of_huge_and_minus_inf() -> None:
    x = Tensor(np.array([1e4, 1e4, -np.inf]), requires_grad=True)
    y = x.logsumexp()
    assert y.item() == pytest.approx(1e4 + np.log(2))
    y.backward()
    np.testing.assert_allclose(x.grad.data, [0.5, 0.5, 0.0])


# ---------------------------------------------------------------- properties: broadcasting

PROPERTY_BINARY: list[tuple[str, Callable[[Any, Any], Any], Callable[[Any, Any], Any]]] = [
    ("add", lambda a, b: a + b, np.add),
    ("sub", lambda a, b: a - b, np.subtract),
    ("mul", lambda a, b: a * b, np.multiply),
    ("div", lambda a, b: a / b, np.divide),
    ("pow", lambda a, b: a.abs() ** b, lambda a, b: np.abs(a) ** b),
    ("maximum", ag.maximum, np.maximum),
    ("minimum", ag.minimum, np.minimum),
    ("where", lambda a, b: ag.where(a.data > b.data, a, b), lambda a, b: np.where(a > b, a, b)),
]


@settings(max_examples=40)
@given(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
       st.sampled_from(PROPERTY_BINARY), st.integers(0, 2**16))
def test_binary_ops_broadcast_like_numpy(shapes: Any, op: Any, seed: int) -> None:
    _, f, ref = op
    r = np.random.default_rng(seed)
    sa, sb = shapes.input_shapes
    a = np.sign(r.standard_normal(sa)) * r.uniform(0.3, 1.5, sa)
    b = r.uniform(-1.5, 1.5, sb)
    # continuous draws: ties between a and b (kinks of maximum/where) have probability 0
    out = f(Tensor(a), Tensor(b))
    assert out.shape == shapes.result_shape
    np.testing.assert_allclose(out.data, ref(a, b), rtol=1e-12)
    check_tensor_grads(f, a, b, seed=seed)


# ---------------------------------------------------------------- properties: indexing

@st.composite
def index_cases(draw: st.DrawFn) -> tuple[tuple[int, ...], Any]:
    """A shape and an index into it: ints, slices with steps, None, Ellipsis, integer arrays
    (with repeats), boolean masks, and mixes of these."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    kind = draw(st.sampled_from(["mixed", "mixed", "mask", "mask_axis0"]))
    if kind == "mask":
        return shape, draw(hnp.arrays(bool, shape))
    n_arr = draw(st.integers(1, 4))  # one length for every integer array, so they broadcast
    items: list[Any] = []
    for i, n in enumerate(shape):
        if i == 0 and kind == "mask_axis0":
            items.append(draw(hnp.arrays(bool, (n,))))
            continue
        item = draw(st.sampled_from(["int", "slice", "array", "full"]))
        if item == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif item == "slice":
            bound = st.none() | st.integers(-n - 1, n + 1)
            step = draw(st.none() | st.sampled_from([1, 2, 3, -1, -2]))
            items.append(slice(draw(bound), draw(bound), step))
        elif item == "array":
            items.append(np.array(draw(st.lists(st.integers(-n, n - 1), min_size=n_arr,
                                                max_size=n_arr))))
        else:
            items.append(slice(None))
    if draw(st.booleans()):  # drop trailing items behind an Ellipsis (or not at all)
        k = draw(st.integers(0, len(items)))
        items = items[:k] + ([Ellipsis] if draw(st.booleans()) else [])
    for _ in range(draw(st.integers(0, 2))):
        items.insert(draw(st.integers(0, len(items))), None)
    if len(items) == 1 and draw(st.booleans()):
        return shape, items[0]  # a bare index, not a tuple
    return shape, tuple(items)


@settings(max_examples=50)
@given(index_cases(), st.integers(0, 2**16))
def test_indexing_forward_and_gradient_like_numpy(case_: Any, seed: int) -> None:
    shape, index = case_
    a = np.random.default_rng(seed).standard_normal(shape)
    try:
        expected = a[index]
    except IndexError:
        with pytest.raises(IndexError):
            Tensor(a)[index]
        return
    x = Tensor(a, requires_grad=True)
    y = x[index]
    assert y.shape == expected.shape
    np.testing.assert_array_equal(y.data, expected)
    w = np.random.default_rng(seed + 1).standard_normal(expected.shape)
    (y * Tensor(w)).sum().backward()
    # Expected gradient: which input element each output element came from, via element ids;
    # repeated picks accumulate.
    ids = np.arange(a.size).reshape(shape)[index]
    g = np.bincount(np.ravel(ids), weights=np.ravel(w), minlength=a.size).reshape(shape)
    np.testing.assert_allclose(x.grad.data, g, rtol=1e-12, atol=1e-12)


def test_repeated_integer_indices_accumulate() -> None:
    x = Tensor(np.arange(3.0), requires_grad=True)
    x[np.array([0, 0, 2, 0])].sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 0.0, 1.0])
    x.grad = None
    x[[1, 1]].sum().backward()  # a list index, as numpy
    np.testing.assert_array_equal(x.grad.data, [0.0, 2.0, 0.0])
    x.grad = None
    x[Tensor(np.array([2, 2]))].sum().backward()  # an integer Tensor index
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 2.0])


def test_second_derivative_through_indexing() -> None:
    x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    y = (x[np.array([0, 0, 2])] ** 3).sum()
    (g,) = ag.grad(y, x, create_graph=True)
    np.testing.assert_allclose(g.data, [6.0, 0.0, 27.0])
    (h,) = ag.grad(g.sum(), x)
    np.testing.assert_allclose(h.data, [12.0, 0.0, 18.0])
