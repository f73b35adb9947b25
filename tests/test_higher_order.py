"""Second and third derivatives of the smooth ops against finite differences of the derivative
one order lower (Hessian-vector products, third-order directional derivatives)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor

Fn = Callable[[Tensor], Tensor]


def _pos(t: Tensor) -> Tensor:
    """Map any real input to [0.5, 1.5]: keeps log, sqrt and pow bases in their domain."""
    return t.sigmoid() + 0.5


# Each op maps a (2, 3) float64 Tensor to a Tensor; binary ops take their two operands from
# the rows of the one input, so every operand is differentiated.
SMOOTH: dict[str, Fn] = {
    "exp": lambda t: t.exp(),
    "log": lambda t: _pos(t).log(),
    "sqrt": lambda t: _pos(t).sqrt(),
    "sin": lambda t: t.sin(),
    "cos": lambda t: t.cos(),
    "tanh": lambda t: t.tanh(),
    "sigmoid": lambda t: t.sigmoid(),
    "pow_scalar": lambda t: t**3,
    "pow_frac": lambda t: _pos(t) ** 1.5,
    "pow_tensor": lambda t: _pos(t[0]) ** t[1],
    "rpow": lambda t: 2.0**t,
    "mul": lambda t: t[0] * t[1],
    "div": lambda t: t[0] / _pos(t[1]),
    "rdiv": lambda t: 1.0 / _pos(t),
    "matmul": lambda t: t @ t.T,
    "matmul_1d": lambda t: (t[0] @ t[1]) * t[0],
    "sum_sq": lambda t: (t * t).sum(axis=1),
    "mean": lambda t: (t * t).mean(axis=0, keepdims=True),
    "var": lambda t: t.var(axis=1),
    "std": lambda t: t.std(axis=1),
    "logsumexp": lambda t: t.logsumexp(axis=1),
    "prod": lambda t: t.prod(axis=0),
    "softmax": lambda t: t.softmax(axis=-1),
    "log_softmax": lambda t: t.log_softmax(axis=0),
    "shape_ops": lambda t: (t.reshape(3, 2).T[:, ::-1] ** 2).transpose().flatten(),
    "broadcast_concat": lambda t: ag.concatenate([t * t, t.sum(0, keepdims=True) ** 2], 0),
    "stack_pad_getitem": lambda t: ag.pad(ag.stack([t, t.sin()]), 1)[1, [0, 0, 2]] ** 2,
    "where_max": lambda t: ag.where(t.data > 0, t**2, t**3) + ag.maximum(t, t * 0.5) ** 2,
}

_rng = np.random.default_rng(7)
X = _rng.uniform(-1.0, 1.0, (2, 3))
X = np.where(np.abs(X) < 0.1, X + 0.3, X)  # away from 0 (where/maximum kinks)


def _scalar(op: Fn, w: np.ndarray) -> Callable[[Tensor], Tensor]:
    return lambda t: (op(t) * Tensor(w)).sum()


def first(f: Callable[[Tensor], Tensor], x: np.ndarray) -> np.ndarray:
    t = Tensor(x, requires_grad=True)
    (g,) = ag.grad(f(t), t)
    return g.data


def hvp(f: Callable[[Tensor], Tensor], x: np.ndarray, v: np.ndarray,
        create_graph: bool = False) -> Any:
    t = Tensor(x, requires_grad=True)
    (g,) = ag.grad(f(t), t, create_graph=True)
    (h,) = ag.grad((g * Tensor(v)).sum(), t, create_graph=create_graph)
    return h if create_graph else h.data


def third(f: Callable[[Tensor], Tensor], x: np.ndarray, v: np.ndarray,
          u: np.ndarray) -> np.ndarray:
    """grad_x of u . (H(x) v): the third derivative contracted with v and u."""
    t = Tensor(x, requires_grad=True)
    (g,) = ag.grad(f(t), t, create_graph=True)
    (h,) = ag.grad((g * Tensor(v)).sum(), t, create_graph=True)
    hu = (h * Tensor(u)).sum()
    if not hu.requires_grad:  # H is constant (a quadratic op): as in PyTorch, no graph to go on
        return np.zeros_like(x)
    (k,) = ag.grad(hu, t, allow_unused=True)
    return np.zeros_like(x) if k is None else k.data


def _dirs(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r = np.random.default_rng(seed)
    w = r.standard_normal(np.shape(SMOOTH["exp"](Tensor(X)).data))
    return w, r.standard_normal(X.shape), r.standard_normal(X.shape)


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_second_derivative_matches_differences_of_first(name: str) -> None:
    op = SMOOTH[name]
    w = np.random.default_rng(1).standard_normal(np.shape(op(Tensor(X)).data))
    f = _scalar(op, w)
    v = np.random.default_rng(2).standard_normal(X.shape)
    eps = 1e-5
    expected = (first(f, X + eps * v) - first(f, X - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hvp(f, X, v), expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_third_derivative_matches_differences_of_second(name: str) -> None:
    op = SMOOTH[name]
    w = np.random.default_rng(3).standard_normal(np.shape(op(Tensor(X)).data))
    f = _scalar(op, w)
    r = np.random.default_rng(4)
    v, u = r.standard_normal(X.shape), r.standard_normal(X.shape)
    eps = 1e-5
    expected = (hvp(f, X + eps * u, v) - hvp(f, X - eps * u, v)) / (2 * eps)
    np.testing.assert_allclose(third(f, X, v, u), expected, rtol=1e-4, atol=1e-6)


def test_known_higher_derivatives_of_tanh_and_sin() -> None:
    x = Tensor(np.array([-0.7, 0.2, 1.1]), requires_grad=True)
    (d1,) = ag.grad(x.tanh().sum(), x, create_graph=True)
    (d2,) = ag.grad(d1.sum(), x, create_graph=True)
    (d3,) = ag.grad(d2.sum(), x)
    t = np.tanh(x.data)
    s2 = 1 - t * t
    np.testing.assert_allclose(d1.data, s2)
    np.testing.assert_allclose(d2.data, -2 * t * s2)
    np.testing.assert_allclose(d3.data, -2 * s2 * s2 + 4 * t * t * s2)
    y = Tensor(np.array([0.3, 1.0]), requires_grad=True)
    g = y.sin().sum()
    for k in range(1, 5):
        (g,) = ag.grad(g.sum() if g.ndim else g, y, create_graph=True)
        np.testing.assert_allclose(g.data, [np.cos, lambda a: -np.sin(a), lambda a: -np.cos(a),
                                            np.sin][k - 1](y.data))


def test_backward_create_graph_then_gradient_penalty() -> None:
    # d/dw of ||d(loss)/dx||^2 for loss = sum(tanh(x * w)): a gradient penalty.
    x = Tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    w = Tensor(np.array([0.3, 0.8, -0.4]), requires_grad=True)

    def penalty(wd: np.ndarray) -> float:
        s2 = 1 - np.tanh(x.data * wd) ** 2
        return float(np.sum((s2 * wd) ** 2))

    (gx,) = ag.grad((x * w).tanh().sum(), x, create_graph=True)
    (gx * gx).sum().backward()
    eps = 1e-6
    num = np.array([(penalty(w.data + eps * e) - penalty(w.data - eps * e)) / (2 * eps)
                    for e in np.eye(3)])
    np.testing.assert_allclose(w.grad.data, num, rtol=1e-6)


def test_hessian_of_quadratic_form_is_exact() -> None:
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = Tensor(np.array([0.4, -0.2]), requires_grad=True)
    f = x @ Tensor(a) @ x
    (g,) = ag.grad(f, x, create_graph=True)
    np.testing.assert_allclose(g.data, 2 * a @ x.data)
    rows = [ag.grad(g[i], x, retain_graph=True)[0].data for i in range(2)]
    np.testing.assert_allclose(np.stack(rows), 2 * a)


def test_library_gradgradcheck_agrees_on_smooth_ops() -> None:
    for name in ("tanh", "softmax", "matmul", "prod", "pow_tensor"):
        t = Tensor(X.copy(), requires_grad=True)
        assert ag.gradgradcheck(SMOOTH[name], (t,)), name


def test_piecewise_linear_ops_have_zero_second_derivative() -> None:
    x = Tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True)
    y = (x.relu() * 3 + x.abs() + x.clip(-0.5, 1.0) + ag.maximum(x, 0.0 * x)).sum()
    (g,) = ag.grad(y, x, create_graph=True)
    np.testing.assert_allclose(g.data, [0 + -1 + 0 + 0.0, 3 + 1 + 1 + 1, 3 + 1 + 0 + 1])
    if g.requires_grad:
        (h,) = ag.grad(g.sum(), x, allow_unused=True)
        assert h is None or np.all(h.data == 0)


def test_second_derivative_of_relu_and_abs_is_zero_not_an_error() -> None:
    from autograd_core import Tensor, grad

    for f in (lambda t: t.relu(), lambda t: t.abs()):
        x = Tensor(np.array([1.5, -2.0, 0.5]), requires_grad=True)
        (g,) = grad(f(x).sum(), x, create_graph=True)
        assert g.requires_grad  # still connected to x, as in PyTorch
        (h,) = grad(g.sum(), x)
        np.testing.assert_array_equal(h.data, np.zeros(3))
