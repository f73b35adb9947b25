"""The `Tensor` object: construction and dtype rules, attributes, creation functions, hooks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor

# ---------------------------------------------------------------- construction and dtypes


@pytest.mark.parametrize("data", [1.5, 3, [1, 2, 3], [[1.0, 2.0]], (1.0, 2.0)])
def test_python_data_becomes_float32(data: Any) -> None:
    t = Tensor(data)
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.data, np.asarray(data, dtype=np.float32))
    # tensor() infers as torch.tensor does: Python ints give int64, floats the default dtype
    ints = all(isinstance(v, int) for v in np.ravel(np.asarray(data, dtype=object)))
    assert ag.tensor(data).dtype == (np.int64 if ints else np.float32)


def test_set_default_dtype_changes_python_data_only() -> None:
    old = ag.get_default_dtype()
    try:
        ag.set_default_dtype(np.float64)
        assert Tensor([1.0, 2.0]).dtype == np.float64
        assert Tensor(np.ones(2, dtype=np.float32)).dtype == np.float32
        assert ag.zeros(2).dtype == np.float64
        with pytest.raises(TypeError, match="floating"):
            ag.set_default_dtype(np.int32)
    finally:
        ag.set_default_dtype(old)
    assert Tensor([1.0]).dtype == old


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_numpy_float_arrays_keep_their_dtype(dtype: Any) -> None:
    a = np.arange(6, dtype=dtype).reshape(2, 3)
    t = Tensor(a, requires_grad=True)
    assert t.dtype == dtype
    (t * 2).sum().backward()
    assert t.grad.dtype == dtype


def test_explicit_dtype_argument() -> None:
    assert Tensor([1, 2], dtype=np.float64).dtype == np.float64
    assert Tensor(np.ones(2, dtype=np.float32), dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("arr", [np.arange(3), np.array([True, False]),
                                 np.arange(3, dtype=np.uint8)])
def test_int_and_bool_arrays_allowed_but_not_requires_grad(arr: np.ndarray) -> None:
    t = Tensor(arr)
    assert t.dtype == arr.dtype
    with pytest.raises(TypeError, match=str(arr.dtype)):
        Tensor(arr, requires_grad=True)
    with pytest.raises(TypeError, match="floating"):
        Tensor(arr).requires_grad_()


@pytest.mark.parametrize("bad", ["abc", None, {"a": 1}, [[1.0], [2.0, 3.0]], 1 + 2j,
                                 np.array(["a"])])
def test_bad_data_raises_type_error(bad: Any) -> None:
    with pytest.raises(TypeError, match="Tensor"):
        Tensor(bad)


def test_tensor_of_tensor_or_value_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="Tensor"):
        Tensor(Tensor([1.0]))
    with pytest.raises(TypeError, match="Value"):
        Tensor(ag.Value(1.0))


# ---------------------------------------------------------------- attributes and methods


def test_attributes() -> None:
    a = np.arange(6.0).reshape(2, 3)
    t = Tensor(a, requires_grad=True)
    assert t.data is a
    assert t.grad is None
    assert t.requires_grad and t.is_leaf
    assert t.shape == (2, 3) and t.ndim == 2 and t.dtype == np.float64
    assert t.T.shape == (3, 2)
    np.testing.assert_array_equal(t.T.data, a.T)
    assert t.numpy() is a
    assert t.tolist() == a.tolist()
    assert len(t) == 2
    np.testing.assert_array_equal(np.asarray(t), a)
    assert np.asarray(t, dtype=np.float32).dtype == np.float32
    y = t * 2
    assert not y.is_leaf and y.requires_grad and y.grad_fn is not None


def test_T_reverses_all_axes() -> None:
    a = np.arange(24.0).reshape(2, 3, 4)
    t = Tensor(a, requires_grad=True)
    assert t.T.shape == (4, 3, 2)
    np.testing.assert_array_equal(t.T.data, a.T)
    w = np.random.default_rng(0).standard_normal((4, 3, 2))
    (t.T * Tensor(w)).sum().backward()
    np.testing.assert_array_equal(t.grad.data, w.T)


def test_item() -> None:
    assert Tensor(np.array([[2.5]])).item() == 2.5
    assert isinstance(Tensor(3.0).item(), float)
    with pytest.raises(ValueError, match=r"\(2,\)"):
        Tensor([1.0, 2.0]).item()


def test_len_of_0d_raises() -> None:
    with pytest.raises(TypeError, match="0-d"):
        len(Tensor(1.0))


def test_detach_shares_data_and_cuts_graph() -> None:
    x = Tensor(np.ones(3), requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.is_leaf
    np.testing.assert_array_equal(d.data, y.data)
    z = (d * x).sum()
    z.backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0, 2.0])  # nothing flowed through d


def test_requires_grad_() -> None:
    t = Tensor(np.ones(2))
    assert t.requires_grad_() is t and t.requires_grad
    (t * 3).sum().backward()
    np.testing.assert_array_equal(t.grad.data, [3.0, 3.0])
    y = t * 2
    with pytest.raises(RuntimeError, match="non-leaf"):
        y.requires_grad_(False)


def test_astype() -> None:
    x = Tensor(np.array([1.5, 2.5]), requires_grad=True)
    y = x.astype(np.float32)
    assert y.dtype == np.float32 and y.requires_grad
    (y * 2).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])
    i = x.astype(np.int64)
    assert i.dtype == np.int64 and not i.requires_grad
    assert x.astype(np.float64) is not x  # numpy's astype: always a new node
    assert x.double() is x  # PyTorch's double(): the tensor itself when nothing changes


def test_repr() -> None:
    r = repr(Tensor([1.0, 2.0]))
    assert r.startswith("tensor(") and "1." in r and "2." in r
    r = repr(Tensor(np.array([1.0, 2.0]), requires_grad=True))
    assert "requires_grad=True" in r and "float64" in r
    x = Tensor([1.0], requires_grad=True)
    assert "grad_fn=<Mul>" in repr(x * 2)
    big = repr(Tensor(np.zeros(10_000)))
    assert len(big) < 500  # summarised, not 10,000 numbers


def test_comparisons_are_bool_without_grad() -> None:
    x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    for r, e in [(x < 2, [1, 0, 0]), (x <= 2, [1, 1, 0]), (x > 2, [0, 0, 1]),
                 (x >= 2, [0, 1, 1]), (x == 2, [0, 1, 0]), (x != 2, [1, 0, 1]),
                 (x < Tensor(np.array([3.0, 2.0, 1.0])), [1, 0, 0])]:
        assert r.dtype == bool and not r.requires_grad
        np.testing.assert_array_equal(r.data, np.array(e, dtype=bool))


# ---------------------------------------------------------------- creation functions


@pytest.mark.parametrize("make,expected", [
    (lambda **k: ag.zeros(2, 3, **k), np.zeros((2, 3))),
    (lambda **k: ag.zeros((2, 3), **k), np.zeros((2, 3))),
    (lambda **k: ag.ones(4, **k), np.ones(4)),
    (lambda **k: ag.full((2, 2), 7.0, **k), np.full((2, 2), 7.0)),
    (lambda **k: ag.arange(5.0, **k), np.arange(5.0)),
    (lambda **k: ag.arange(1, 2, 0.25, **k), np.arange(1, 2, 0.25)),
    (lambda **k: ag.linspace(0, 1, 5, **k), np.linspace(0, 1, 5)),
    (lambda **k: ag.eye(3, **k), np.eye(3)),
    (lambda **k: ag.eye(2, 3, **k), np.eye(2, 3)),
    (lambda **k: ag.zeros_like(np.ones((2, 2)), **k), np.zeros((2, 2))),
    (lambda **k: ag.ones_like(Tensor(np.ones(3)), **k), np.ones(3)),
])
def test_creation_functions(make: Any, expected: np.ndarray) -> None:
    t = make()
    assert isinstance(t, Tensor) and not t.requires_grad
    np.testing.assert_allclose(t.data, expected)
    t64 = make(dtype=np.float64, requires_grad=True)
    assert t64.dtype == np.float64 and t64.requires_grad and t64.is_leaf
    if make().dtype != np.float64:  # *_like of a float64 array keeps float64
        assert make().dtype == np.float32


@pytest.mark.parametrize("make", [ag.rand, ag.randn])
def test_random_creation_is_reproducible_with_rng(make: Any) -> None:
    a = make(3, 4, rng=np.random.default_rng(7))
    b = make((3, 4), rng=np.random.default_rng(7))
    c = make(3, 4, rng=np.random.default_rng(8))
    assert a.shape == (3, 4) and a.dtype == np.float32
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.array_equal(a.data, c.data)
    d = make(2, dtype=np.float64, requires_grad=True, rng=np.random.default_rng(0))
    assert d.dtype == np.float64 and d.requires_grad


def test_rand_range_and_randn_moments() -> None:
    u = ag.rand(10_000, rng=np.random.default_rng(1)).data
    assert u.min() >= 0 and u.max() < 1
    n = ag.randn(10_000, rng=np.random.default_rng(1), dtype=np.float64).data
    assert abs(n.mean()) < 0.05 and abs(n.std() - 1) < 0.05


# ---------------------------------------------------------------- backward, hooks, retain_grad


def test_backward_on_non_scalar_needs_gradient() -> None:
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="non-scalar"):
        y.backward()
    y.backward(gradient=np.full((2, 3), 0.5))
    np.testing.assert_array_equal(x.grad.data, np.ones((2, 3)))
    with pytest.raises(RuntimeError, match=r"\(3,\)"):
        (x * 2).backward(gradient=np.ones(3))


def test_backward_on_one_element_non_0d() -> None:
    x = Tensor(np.array([[2.0]]), requires_grad=True)
    (x * x).backward()
    np.testing.assert_array_equal(x.grad.data, [[4.0]])


def test_grad_accumulates_and_is_not_shared() -> None:
    x = Tensor(np.ones(3), requires_grad=True)
    y = Tensor(np.ones(3), requires_grad=True)
    (x + y).sum().backward()
    assert x.grad.data is not y.grad.data  # an in-place update of one must not change the other
    x.grad.data[0] = 100.0
    assert y.grad.data[0] == 1.0
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [103.0, 4.0, 4.0])


def test_grad_does_not_alias_user_gradient_array() -> None:
    x = Tensor(np.ones(3), requires_grad=True)
    g = np.array([1.0, 2.0, 3.0])
    (x * 1.0).backward(gradient=g)
    (x * 1.0).backward(gradient=g)
    np.testing.assert_array_equal(g, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0, 6.0])


def test_register_hook_sees_and_replaces_gradient() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    seen = []
    h = x * 3
    h.register_hook(lambda g: seen.append(g.data.copy()))
    h.register_hook(lambda g: g * 10)
    (h * h).sum().backward()
    np.testing.assert_allclose(seen[0], 2 * h.data)
    np.testing.assert_allclose(x.grad.data, 3 * 10 * 2 * h.data)


def test_register_hook_on_leaf_and_remove() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    remove = x.register_hook(lambda g: g * 0)
    (x * 5).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])
    remove()
    (x * 5).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [5.0, 5.0])
    with pytest.raises(RuntimeError, match="require grad"):
        Tensor([1.0]).register_hook(lambda g: g)


def test_retain_grad() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    h = x * x
    k = x * 3
    h.retain_grad()
    (h * 2 + k).sum().backward()
    np.testing.assert_array_equal(h.grad.data, [2.0, 2.0])
    assert k.grad is None  # non-leaf without retain_grad keeps nothing
    with pytest.raises(RuntimeError, match="require"):
        Tensor([1.0]).retain_grad()


def test_backward_create_graph_gives_differentiable_grad() -> None:
    x = Tensor(np.array([0.3, -0.4]), requires_grad=True)
    (x.sin()).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    np.testing.assert_allclose(g.data, np.cos(x.data))
    (gg,) = ag.grad(g.sum(), x)
    np.testing.assert_allclose(gg.data, -np.sin(x.data))


def test_operands_numpy_on_the_left_and_python_numbers() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = np.array([3.0, 4.0]) * x + 1 - 2 / x
    assert isinstance(y, Tensor)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0 + 2.0, 4.0 + 0.5])
    assert (x * 2).dtype == np.float64 and (Tensor([1.0]) * 2.5).dtype == np.float32


# ---------------------------------------------------------------- error messages


def test_matmul_shape_error_names_op_and_both_shapes() -> None:
    a, b = Tensor(np.ones((3, 4))), Tensor(np.ones((5, 6)))
    for f in (lambda: a @ b, lambda: ag.matmul(a, b), lambda: a.matmul(b)):
        with pytest.raises(ValueError, match=r"matmul.*\(3, 4\).*\(5, 6\)"):
            f()
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3, 4\).*\(5, 4, 2\)"):
        Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((5, 4, 2)))
    with pytest.raises(ValueError, match="matmul"):
        Tensor(np.ones(3)) @ Tensor(np.ones(()))


@pytest.mark.parametrize("call", [
    lambda t: t.sum(axis=3), lambda t: t.mean(axis=-4), lambda t: t.max(axis=2),
    lambda t: t.min(axis=(0, 5)), lambda t: t.var(axis=2), lambda t: t.std(axis=7),
    lambda t: t.logsumexp(axis=2), lambda t: t.prod(axis=2),
    lambda t: t.softmax(axis=2),
    lambda t: t.log_softmax(axis=-3), lambda t: t.argmax(axis=2), lambda t: t.swapaxes(0, 2),
    lambda t: t.unsqueeze(4), lambda t: ag.concatenate([t, t], axis=2),
    lambda t: t.squeeze(axis=3),
], ids=["sum", "mean", "max", "min", "var", "std", "logsumexp", "prod", "softmax",
        "log_softmax", "argmax", "swapaxes", "unsqueeze", "concatenate", "squeeze"])
def test_bad_axis_error_names_op_axis_and_ndim(call: Callable[[Tensor], Any],
                                               request: pytest.FixtureRequest) -> None:
    t = Tensor(np.ones((2, 3)))
    op = request.node.callspec.id
    with pytest.raises((ValueError, IndexError)) as info:
        call(t)
    msg = str(info.value)
    # The op as a word: "softmax" must not pass by being part of "log_softmax".
    assert re.search(rf"(?<![\w.]){op}\b", msg), msg
    assert "axis" in msg and ("2 dim" in msg or "3 dim" in msg), msg


@pytest.mark.parametrize("call,words", [
    (lambda: Tensor(np.ones((2, 3))) + Tensor(np.ones((4,))), ["Add", "(2, 3)", "(4,)"]),
    (lambda: Tensor(np.ones((2, 3)), requires_grad=True) * Tensor(np.ones((4,))),
     ["Mul", "(2, 3)", "(4,)"]),
    (lambda: Tensor(np.ones((2, 3))).reshape(4, 2), ["reshape", "(2, 3)", "(4, 2)"]),
    (lambda: Tensor(np.ones((2, 3))).broadcast_to((4, 3)), ["broadcast_to", "(2, 3)"]),
    (lambda: ag.stack([Tensor(np.ones(2)), Tensor(np.ones(3))]), ["stack", "(2,)", "(3,)"]),
    (lambda: ag.concatenate([Tensor(np.ones((2, 2))), Tensor(np.ones((3, 3)))]),
     ["concatenate"]),
    (lambda: Tensor(np.ones((2, 3))).transpose((0, 0)), ["transpose"]),
    (lambda: Tensor(np.ones((2, 3))).squeeze(1), ["squeeze", "axis 1"]),
    (lambda: Tensor(np.ones((2, 3)))[5], ["(2, 3)"]),
    (lambda: ag.where(np.ones((2, 2), bool), Tensor(np.ones(3)), 0.0), ["where"]),
    (lambda: ag.where(np.ones(3), Tensor(np.ones(3)), 0.0), ["where", "boolean"]),
])
def test_shape_errors_name_op_and_shapes(call: Callable[[], Any], words: list[str]) -> None:
    with pytest.raises((ValueError, IndexError, TypeError)) as info:
        call()
    for w in words:
        assert w in str(info.value), (w, str(info.value))
