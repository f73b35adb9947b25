"""Tensor edge cases found in review: hooks on leaves used twice, retain_grad with hooks,
non-scalar backward, float32 leaves in float64 graphs, 0-d round trips, pad and split."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


def test_arange_with_only_stop_and_step_follows_numpy() -> None:
    np.testing.assert_array_equal(ag.arange(5, step=2).data, np.arange(5, step=2))


def test_leaf_hook_runs_once_on_the_summed_gradient() -> None:
    # PyTorch: a leaf used on two paths sees one call, with the total gradient.
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    seen: list[np.ndarray] = []
    x.register_hook(lambda g: seen.append(g.data.copy()))
    (x * 3 + x * x).sum().backward()
    assert len(seen) == 1
    np.testing.assert_allclose(seen[0], 3 + 2 * x.data)
    np.testing.assert_allclose(x.grad.data, 3 + 2 * x.data)


@pytest.mark.parametrize("retain_first", [True, False])
def test_retain_grad_stores_the_hook_replaced_gradient(retain_first: bool) -> None:
    # PyTorch (>= 2.0): retain_grad's value is taken after every tensor hook, whatever the order.
    x = Tensor(np.array([1.0, -2.0]), requires_grad=True)
    m = x * 3
    if retain_first:
        m.retain_grad()
    m.register_hook(lambda g: g * 10)
    if not retain_first:
        m.retain_grad()
    (m * m).sum().backward()
    np.testing.assert_allclose(m.grad.data, 10 * 2 * m.data)
    np.testing.assert_allclose(x.grad.data, 3 * 10 * 2 * m.data)


def test_backward_gradient_weights_a_non_scalar_output_and_accumulates() -> None:
    x = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    w = np.array([[1.0, 0.0], [-2.0, 0.5]])
    y = x * x
    y.backward(gradient=Tensor(w), retain_graph=True)
    np.testing.assert_allclose(x.grad.data, 2 * x.data * w)
    y.backward(gradient=w)  # a second pass accumulates (PyTorch)
    np.testing.assert_allclose(x.grad.data, 4 * x.data * w)
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward(gradient=w)


def test_float32_leaf_gets_a_float32_gradient_through_a_float64_graph() -> None:
    a = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    b = Tensor(np.array([3.0, 4.0]), requires_grad=True)
    y = a * b
    assert y.dtype == np.float64  # numpy's promotion
    y.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    np.testing.assert_array_equal(a.grad.data, [3.0, 4.0])
    np.testing.assert_array_equal(b.grad.data, [1.0, 2.0])


def test_zero_dim_tensor_round_trip() -> None:
    x = Tensor(np.float64(1.5), requires_grad=True)
    y = (x * x * x).sum(axis=None, keepdims=True)
    assert x.shape == () and y.shape == () and x.grad is None
    y.backward()
    assert x.grad.shape == () and x.grad.item() == pytest.approx(3 * 1.5**2)


def test_pad_and_split_accept_lists_and_name_bad_pad_widths() -> None:
    np.testing.assert_array_equal(ag.pad([1.0, 2.0], 1).data, [0.0, 1.0, 2.0, 0.0])
    assert [p.tolist() for p in ag.split([1.0, 2.0, 3.0, 4.0], 2)] == [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(ValueError, match="pad_width"):
        ag.pad(Tensor(np.ones((2, 2))), [(1, 1), (1, 1), (1, 1)])


def test_a_hook_handle_removes_the_hook_pytorch_style() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    handle = x.register_hook(lambda g: g * 10)
    handle.remove()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])
