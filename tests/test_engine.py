"""The shared graph engine: grad mode, retain_graph, grad(), deep graphs and memory."""

from __future__ import annotations

import gc
import sys
import threading
import tracemalloc
import weakref

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor, Value, enable_grad, grad, is_grad_enabled, no_grad

# ---------------------------------------------------------------- grad mode


def test_no_grad_context_records_nothing() -> None:
    x = Value(2.0)
    t = Tensor(np.ones(3), requires_grad=True)
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        y = x * x
        u = t * 2
    assert is_grad_enabled()
    assert not y.requires_grad and y.is_leaf
    assert not u.requires_grad and u.grad_fn is None
    with pytest.raises(RuntimeError, match="does not require grad"):
        u.sum().backward()


def test_no_grad_and_enable_grad_as_decorators_and_nested() -> None:
    x = Value(2.0)

    @no_grad()
    def f() -> Value:
        assert not is_grad_enabled()
        return x * 3

    @enable_grad()
    def g() -> Value:
        assert is_grad_enabled()
        return x * 3

    assert not f().requires_grad
    assert f.__name__ == "f"  # functools.wraps
    with no_grad():
        y = g()
        assert not is_grad_enabled()
        with enable_grad():
            z = x * 4
        with no_grad():
            pass
        assert not is_grad_enabled()
    assert y.requires_grad and z.requires_grad
    assert is_grad_enabled()


def test_grad_mode_restored_after_exception() -> None:
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            1 / 0  # noqa: B018
    assert is_grad_enabled()


def test_set_grad_enabled() -> None:
    with ag.set_grad_enabled(False):
        assert not is_grad_enabled()
        with ag.set_grad_enabled(True):
            assert is_grad_enabled()
    assert is_grad_enabled()


def test_grad_mode_is_per_thread() -> None:
    seen = []
    with no_grad():
        th = threading.Thread(target=lambda: seen.append(is_grad_enabled()))
        th.start()
        th.join()
    assert seen == [True]


# ---------------------------------------------------------------- retain_graph


@pytest.mark.parametrize("kind", ["value", "tensor"])
def test_second_backward_without_retain_graph_raises(kind: str) -> None:
    x = Value(3.0) if kind == "value" else Tensor(np.array([3.0]), requires_grad=True)
    y = (x * x).exp() if kind == "value" else (x * x).exp().sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


@pytest.mark.parametrize("kind", ["value", "tensor"])
def test_retain_graph_accumulates(kind: str) -> None:
    x = Value(3.0) if kind == "value" else Tensor(np.array(3.0), requires_grad=True)
    y = x * x * x
    y.backward(retain_graph=True)
    first = x.grad if kind == "value" else x.grad.item()
    assert first == pytest.approx(27.0)
    y.backward()
    second = x.grad if kind == "value" else x.grad.item()
    assert second == pytest.approx(54.0)


def test_freed_graph_error_through_shared_subgraph() -> None:
    x = Value(2.0)
    h = x.tanh()
    y1 = h * 2
    y1.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        (h * 3).backward()  # the new op is fine, but h's own history was freed


# ---------------------------------------------------------------- grad()


def test_grad_returns_tuple_and_does_not_touch_dot_grad() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    w = Tensor(np.array([3.0, -1.0]), requires_grad=True)
    y = (x * w).sum()
    gs = grad(y, [x, w])
    assert isinstance(gs, tuple) and len(gs) == 2
    np.testing.assert_allclose(gs[0].data, [3.0, -1.0])
    np.testing.assert_allclose(gs[1].data, [1.0, 2.0])
    assert x.grad is None and w.grad is None
    assert not gs[0].requires_grad  # create_graph=False gives plain constants
    (gx,) = grad(x.sum() * 2, x)  # single input, not a list
    np.testing.assert_allclose(gx.data, [2.0, 2.0])


def test_grad_allow_unused() -> None:
    x, z = Value(1.0), Value(2.0)
    y = x * 3
    with pytest.raises(RuntimeError, match="allow_unused"):
        grad(y, [x, z], retain_graph=True)
    gx, gz = grad(y, [x, z], allow_unused=True)
    assert gx.data == 3.0 and gz is None


def test_grad_with_grad_outputs_and_intermediate_input() -> None:
    x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    h = x * x
    y = h * 2
    gh, gx = grad(y, [h, x], grad_outputs=Tensor(np.array([1.0, 0.5, -1.0])))
    np.testing.assert_allclose(gh.data, [2.0, 1.0, -2.0])
    np.testing.assert_allclose(gx.data, [4.0, 4.0, -12.0])


def test_grad_create_graph_gives_differentiable_result() -> None:
    x = Tensor(np.array([0.5, -1.0]), requires_grad=True)
    y = (x**3).sum()
    (g,) = grad(y, x, create_graph=True)
    assert g.requires_grad
    np.testing.assert_allclose(g.data, 3 * x.data**2)
    g.sum().backward()
    np.testing.assert_allclose(x.grad.data, 6 * x.data)


def test_grad_retain_graph_defaults_to_create_graph() -> None:
    x = Value(1.5)
    y = x.exp()
    grad(y, x)
    with pytest.raises(RuntimeError, match="retain_graph"):
        grad(y, x)
    y = x.exp()
    grad(y, x, create_graph=True)
    grad(y, x)  # the first call retained the graph


def test_grad_rejects_inputs_without_requires_grad() -> None:
    x = Tensor(np.ones(2), requires_grad=True)
    c = Tensor(np.ones(2))
    with pytest.raises(RuntimeError, match="input 1"):
        grad((x * c).sum(), [x, c])


def test_mixing_value_and_tensor_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Value(1.0) * Tensor(np.ones(2))  # noqa: B018
    with pytest.raises(TypeError):
        Tensor(np.ones(2)) * Value(1.0)  # noqa: B018


# ---------------------------------------------------------------- deep graphs and memory

N = 100_000


def test_value_chain_of_100k_ops_backprops_and_is_released() -> None:
    limit = sys.getrecursionlimit()
    x = Value(1.0)
    y = x
    for _ in range(N):
        y = y * 1.00001
    mid = weakref.ref(y._fn.inputs[0])  # type: ignore[union-attr]
    y.backward()
    assert sys.getrecursionlimit() == limit
    assert x.grad == pytest.approx(1.00001**N, rel=1e-9)
    del y
    gc.collect()
    assert mid() is None, "the chain was not freed after del"
    assert x.grad == pytest.approx(1.00001**N, rel=1e-9)


def _tensor_chain(x: Tensor, n: int) -> Tensor:
    y = x
    for _ in range(n):
        y = y * 1.0001
    return y


def test_tensor_chain_of_100k_ops_backprops_and_memory_is_released() -> None:
    limit = sys.getrecursionlimit()
    x = Tensor(np.ones(4), requires_grad=True)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        y = _tensor_chain(x, N)
        built = tracemalloc.get_traced_memory()[0] - base
        mid = weakref.ref(y._fn.inputs[0])  # type: ignore[union-attr]
        y.sum().backward()
        del y
        gc.collect()
        after = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert sys.getrecursionlimit() == limit
    np.testing.assert_allclose(x.grad.data, np.full(4, 1.0001**N), rtol=1e-9)
    assert mid() is None
    assert built > 5_000_000  # sanity: the graph really took memory
    assert after < built / 50, f"{after} bytes still held after del (graph took {built})"


def test_deep_graph_freed_without_backward() -> None:
    x = Tensor(np.ones(2), requires_grad=True)
    y = _tensor_chain(x, N)
    mid = weakref.ref(y._fn.inputs[0])  # type: ignore[union-attr]
    del y  # dropping an unused deep graph must not hit the recursion limit either
    gc.collect()
    assert mid() is None


def test_backward_through_wide_fanout_accumulates() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    terms = [x * float(k) for k in range(200)]
    y = terms[0]
    for t in terms[1:]:
        y = y + t
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [sum(range(200))] * 2)


# ---------------------------------------------------------------- reviewer's edge cases


def test_grad_of_several_outputs_sums_their_vector_jacobian_products() -> None:
    x = Tensor(np.array([1.0, -2.0]), requires_grad=True)
    y1, y2 = x * x, x.sum() * 3
    (g,) = grad([y1, y2], x, grad_outputs=[Tensor(np.array([1.0, 2.0])), None])
    np.testing.assert_allclose(g.data, 2 * x.data * [1.0, 2.0] + 3)
    assert x.grad is None


def test_grad_of_an_output_with_respect_to_itself_is_the_seed() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * 2
    gy, gx = grad(y, [y, x], grad_outputs=np.array([0.5, -1.0]))
    np.testing.assert_allclose(gy.data, [0.5, -1.0])
    np.testing.assert_allclose(gx.data, [1.0, -2.0])


def test_no_grad_inside_create_graph_cuts_only_that_part() -> None:
    x = Tensor(np.array([0.5, 1.5]), requires_grad=True)
    with no_grad():
        c = x * 10  # a constant: no history
    y = (x**2 * c).sum()
    assert not c.requires_grad and c.is_leaf
    (g,) = grad(y, x, create_graph=True)
    np.testing.assert_allclose(g.data, 2 * x.data * c.data)
    (h,) = grad(g.sum(), x)
    np.testing.assert_allclose(h.data, 2 * c.data)  # c is a constant in the second derivative


def test_retain_graph_second_backward_through_value_and_tensor_accumulates_exactly() -> None:
    x = Value(0.7)
    y = x.tanh() * x
    y.backward(retain_graph=True)
    first = x.grad
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad == pytest.approx(3 * first)
    assert first == pytest.approx(np.tanh(0.7) + 0.7 * (1 - np.tanh(0.7) ** 2))
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()
