"""A backward pass that fails part way changes no `.grad` at all; a retry either works (the
graph was retained) or raises the freed-graph error, and never adds a gradient twice."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd_core as ag
import optim
from autograd_core import AnomalyError, Tensor, Value


def leaf(values: Any) -> Tensor:
    return Tensor(np.array(values, dtype=np.float64), requires_grad=True)


class Boom(Exception):
    pass


def _graph_with_a_failing_hook() -> tuple[Tensor, Tensor, Tensor, list[int]]:
    """a reaches the loss directly (its gradient is ready first), b through a hooked node."""
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    h = b * 2.0
    calls = [0]

    def hook(g: Tensor) -> None:
        calls[0] += 1
        if calls[0] == 1:
            raise Boom

    h.register_hook(hook)
    loss = (a * 3.0).sum() + h.sum()
    return a, b, loss, calls


@pytest.mark.parametrize("retain", [False, True])
def test_a_hook_that_raises_leaves_every_grad_as_it_was(retain: bool) -> None:
    a, b, loss, _ = _graph_with_a_failing_hook()
    a.grad = Tensor(np.array([10.0, 10.0]))  # an earlier gradient must stay as it is
    with pytest.raises(Boom):
        loss.backward(retain_graph=retain)
    np.testing.assert_array_equal(a.grad.data, [10.0, 10.0])
    assert b.grad is None


def test_a_retry_after_a_failure_with_a_retained_graph_adds_once() -> None:
    a, b, loss, _ = _graph_with_a_failing_hook()
    with pytest.raises(Boom):
        loss.backward(retain_graph=True)
    loss.backward(retain_graph=True)  # the hook passes now
    np.testing.assert_array_equal(a.grad.data, [3.0, 3.0])  # once, not 6
    np.testing.assert_array_equal(b.grad.data, [2.0, 2.0])
    loss.backward()
    np.testing.assert_array_equal(a.grad.data, [6.0, 6.0])


def test_a_retry_after_a_failure_without_retain_graph_is_the_freed_graph_error() -> None:
    a, b, loss, _ = _graph_with_a_failing_hook()
    with pytest.raises(Boom):
        loss.backward()  # frees what it passed before the hook raised
    with pytest.raises(RuntimeError, match="second time"):
        loss.backward()
    assert a.grad is None and b.grad is None  # nothing added, then or now


def test_an_inplace_version_error_changes_no_grad() -> None:
    a, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    y = w * 1.0
    z = y * y  # saves y
    loss = (a * 2.0).sum() + z.sum()
    y.add_(1.0)
    with pytest.raises(RuntimeError, match="in-place"):
        loss.backward()
    assert a.grad is None and w.grad is None


def test_an_anomaly_changes_no_grad_and_a_step_after_it_moves_nothing() -> None:
    p, q = leaf([1.0, 2.0]), leaf([0.0, 1.0])
    opt = optim.SGD([p, q], lr=0.1)
    with ag.detect_anomaly():
        loss = (p * 2.0).sum() + q.sqrt().sum()  # d sqrt(q)/dq at 0 is inf
        with pytest.raises(AnomalyError):
            loss.backward()
    assert p.grad is None and q.grad is None
    opt.step()  # no gradient anywhere: no parameter moves
    np.testing.assert_array_equal(p.data, [1.0, 2.0])


def test_retained_non_leaf_grads_are_part_of_the_transaction() -> None:
    a = leaf([1.0, 2.0])
    m = a * 2.0
    m.retain_grad()
    n = m * 1.0
    n.register_hook(lambda g: (_ for _ in ()).throw(Boom()))
    with pytest.raises(Boom):
        (n.sum() + m.sum()).backward()
    assert m.grad is None and a.grad is None


def test_value_graphs_are_transactional_too() -> None:
    x = Value(2.0)
    y = x * 3.0
    z = y + x
    y.register_hook(lambda g: (_ for _ in ()).throw(Boom()))
    with pytest.raises(Boom):
        z.backward()
    assert (x.grad, y.grad, z.grad) == (0.0, 0.0, 0.0)  # micrograd's every-node .grad too
