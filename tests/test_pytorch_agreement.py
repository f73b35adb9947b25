"""Regressions from the differential check against PyTorch (issue 13): each case that gave a
silently different answer now gives PyTorch's (or numpy's, where the README says so) or a clear
error. Expected values come from the math, numpy, or PyTorch itself (skipped without it)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor, grad, gradgradcheck
from nn import functional as F


def _torch() -> Any:
    return pytest.importorskip("torch")


def leaf(values: Any) -> Tensor:
    return Tensor(np.array(values, dtype=np.float64), requires_grad=True)


# ---------------------------------------------------------------- 1. repeated indices

def test_assignment_through_a_repeated_index_keeps_the_last_write_as_numpy() -> None:
    x = leaf([1.0, 5.0, 5.0])
    y = x * 1.0
    v = leaf(10.0)
    y[np.array([0, 0])] = v
    want = np.array([1.0, 5.0, 5.0])
    want[np.array([0, 0])] = 10.0
    np.testing.assert_array_equal(y.data, want)  # 10, not 20
    y.sum().backward()
    assert v.grad.item() == 1.0  # y[0] = v once: dy[0]/dv = 1
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, 1.0])


def test_a_repeated_write_of_different_values_gives_the_last_one_the_gradient() -> None:
    y = leaf([1.0, 2.0]) * 1.0
    v = leaf([5.0, 7.0])
    y[np.array([0, 0])] = v
    assert y.data[0] == 7.0
    (y * Tensor(np.array([3.0, 1.0]))).sum().backward()
    np.testing.assert_array_equal(v.grad.data, [0.0, 3.0])  # PyTorch: [3, 3] (README)


# ---------------------------------------------------------------- 2. 0-d gradients

def test_a_0d_gradient_is_an_array_that_can_be_filled_in_place() -> None:
    p = leaf(0.5)
    for _ in range(2):
        (p * p).backward()
    assert type(p.grad.data) is np.ndarray and p.grad.data.flags.writeable
    assert p.grad.item() == 2.0


# ---------------------------------------------------------------- 3. prod with zeros

@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
def test_prod_second_derivative_with_zeros(axis: Any) -> None:
    x = leaf([[0.0, 2.0, 3.0], [1.5, -2.0, 0.5], [0.0, 0.0, 2.0]])
    assert gradgradcheck(lambda t: t.prod(axis=axis), (x,))


def test_prod_second_derivative_matches_pytorch_row_by_row() -> None:
    torch = _torch()
    v = np.array([[0.0, 2.0, 3.0], [1.0, 2.0, 3.0], [0.0, 0.0, 2.0]])
    w = np.arange(9.0).reshape(3, 3)
    x = leaf(v)
    (g,) = grad(x.prod(axis=1).sum(), x, create_graph=True)
    (h,) = grad((g * Tensor(w)).sum(), x)
    t = torch.tensor(v, requires_grad=True)
    (tg,) = torch.autograd.grad(t.prod(1).sum(), t, create_graph=True)
    (th,) = torch.autograd.grad((tg * torch.tensor(w)).sum(), t)
    np.testing.assert_allclose(h.data, th.numpy(), rtol=1e-12)


# ---------------------------------------------------------------- 4. writes into constants

def test_writing_a_value_that_requires_grad_into_a_constant_records_it() -> None:
    w = leaf([1.0, 2.0, 3.0])
    buf = Tensor(np.zeros(3))
    buf[1] = w[1] * 2.0
    buf.add_(w)
    assert buf.requires_grad and not buf.is_leaf
    buf.sum().backward()
    np.testing.assert_array_equal(w.grad.data, [1.0, 3.0, 1.0])


def test_writing_into_a_view_that_would_not_reach_its_base_is_an_error() -> None:
    base = Tensor(np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match="shares its memory"):
        base[0].add_(leaf([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(base.data, np.zeros((2, 3)))  # nothing written


# ---------------------------------------------------------------- 5. clip with Tensor bounds

@pytest.mark.parametrize("lo, hi", [([0.0, 0.5, -1.0], [1.0, 0.8, 2.0]),
                                    ([0.2, 0.2, 0.2], [0.2, 0.2, 0.2]),
                                    ([2.0, -3.0, 0.0], None), (None, [0.0, 0.0, 0.0])])
def test_tensor_clip_bounds_get_pytorch_s_gradient(lo: Any, hi: Any) -> None:
    torch = _torch()
    xv = np.array([-0.5, 0.7, 1.5])
    x, tx = leaf(xv), torch.tensor(xv, requires_grad=True)
    bounds = [None if b is None else leaf(b) for b in (lo, hi)]
    tbounds = [None if b is None else torch.tensor(b, dtype=torch.float64, requires_grad=True)
               for b in (lo, hi)]
    out = x.clip(*bounds)
    tout = torch.clamp(tx, *tbounds)
    w = np.array([1.0, -2.0, 3.0])
    (out * Tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(out.data, tout.detach().numpy())
    for a, b in zip([x, *bounds], [tx, *tbounds]):
        if a is not None:
            got = np.zeros(3) if a.grad is None else a.grad.data
            want = np.zeros(3) if b.grad is None else b.grad.numpy()
            np.testing.assert_array_equal(got, want)


# ---------------------------------------------------------------- 6, 7. zero variance, 0 ** 0

def test_std_gradient_is_zero_where_the_variance_is_zero() -> None:
    x = leaf([[2.0, 2.0, 2.0], [1.0, 2.0, 3.0]])
    x.std(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad.data[0], [0.0, 0.0, 0.0])  # PyTorch: 0, not NaN
    assert np.isfinite(x.grad.data).all()


def test_pow_with_tensor_exponent_at_zero_base_and_exponent() -> None:
    a, b = leaf([0.0, 0.0, 2.0]), leaf([0.0, 2.0, 3.0])
    (a ** b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [0.0, 0.0, 12.0])  # d(a^0)/da = 0, as a ** 0
    np.testing.assert_allclose(b.grad.data, [0.0, 0.0, 8.0 * math.log(2.0)])


# ---------------------------------------------------------------- 9. empty axes

def test_softmax_along_an_empty_axis_is_the_empty_result() -> None:
    x = leaf(np.zeros((2, 0)))
    for out in (x.softmax(axis=1), x.log_softmax(axis=1), F.softmax(x, 1)):
        assert out.shape == (2, 0) and out is not x


def test_split_and_flatten_of_empty_axes_follow_numpy_and_pytorch() -> None:
    z = Tensor(np.zeros((0, 2, 3)))
    assert z.flatten(1).shape == (0, 6)
    # Tensor.split is PyTorch's (pieces of a size): one empty piece, as torch.zeros(0, 3).split(2)
    assert [p.shape for p in ag.split(Tensor(np.zeros((0, 3))), 2)] == [(0, 3)]
    # np.split on a Tensor keeps numpy's meaning (a number of sections): two empty pieces
    pieces = np.split(Tensor(np.zeros((0, 3))), 2)
    assert [p.shape for p in pieces] == [a.shape for a in np.split(np.zeros((0, 3)), 2)]
    assert all(isinstance(p, Tensor) for p in pieces)
    assert [p.shape for p in ag.split(Tensor(np.arange(4.0)), np.int64(2))] == [(2,), (2,)]


def test_logsumexp_over_no_elements_is_minus_infinity() -> None:
    np.testing.assert_array_equal(Tensor(np.zeros((3, 0))).logsumexp(axis=1).data,
                                  [-np.inf] * 3)  # log(0), as PyTorch


# ---------------------------------------------------------------- 10. integer inputs

def test_softmax_of_integers_is_a_type_error() -> None:
    x = Tensor(np.array([-123, 83], dtype=np.int8))
    for f in (lambda t: t.softmax(), lambda t: t.log_softmax(),
              lambda t: F.cross_entropy(t.reshape(1, 2), np.array([0]))):
        with pytest.raises(TypeError, match="floating-point"):
            f(x)


def test_integer_reductions_are_exact_in_float64_as_numpy() -> None:
    big = np.array([2 ** 62, 2 ** 62], dtype=np.int64)
    assert Tensor(big).mean().item() == np.mean(big) == 2.0 ** 62
    flags = np.ones(7, dtype=bool)
    assert Tensor(flags).mean().item() == 1.0 and Tensor(flags).mean().dtype == np.float64
    small = np.array([-123, 83], dtype=np.int8)
    assert Tensor(small).var(ddof=0).item() == np.var(small)
    assert Tensor(small).var().item() == np.var(small, ddof=1)  # PyTorch's correction=1
    lse = Tensor(small).logsumexp()
    assert lse.dtype == np.float64 and lse.item() == pytest.approx(83.0 + math.exp(-206.0))


# ---------------------------------------------------------------- 11. new nodes

@pytest.mark.parametrize("op", [lambda t: t.reshape(2, 3), lambda t: t.squeeze(),
                                lambda t: t.broadcast_to((2, 3)),
                                lambda t: t.astype(np.float64), lambda t: t.sum_to((2, 3))])
def test_ops_that_change_nothing_still_return_a_new_node(op: Any) -> None:
    x = leaf(np.ones((2, 3)))
    y = op(x)
    assert y is not x and y.grad_fn is not None
    seen = []
    y.register_hook(lambda g: seen.append("y"))
    (x * 2.0).sum().backward()  # a gradient of x alone: y's hook must not see it
    assert seen == []
    y.retain_grad()
    (y * 3.0).sum().backward()
    np.testing.assert_array_equal(y.grad.data, np.full((2, 3), 3.0))


def test_pytorch_s_identity_cases_return_the_tensor_itself() -> None:
    x = leaf([1.0, 2.0])
    assert +x is x and x.double() is x and x.flatten() is x  # as torch's +, double, flatten


# ---------------------------------------------------------------- 13. refused typos

@pytest.mark.parametrize("call, error", [
    (lambda: Tensor(np.ones(4)).reshape((2.2, 2.7)), TypeError),
    (lambda: Tensor(np.float64(3.0)).sum(axis=0), ValueError),
    (lambda: Tensor([1e10], dtype=np.int32), ValueError),
    (lambda: Tensor(np.array([1e10]), dtype=np.int8), ValueError),
    (lambda: Tensor(np.array([2], dtype=np.int64)) ** 10 ** 30, ValueError),
    (lambda: Tensor(np.array([True])) == 10 ** 30, ValueError),
    (lambda: ag.pad(Tensor(np.float64(1.0)), 1), ValueError),
    (lambda: ag.pad(Tensor(np.ones(2)), 1.5), ValueError),
    (lambda: Tensor(np.ma.masked_array([1.0, 2.0], mask=[0, 1])), TypeError),
    (lambda: Tensor(np.ones(2)) + np.matrix([[1.0, 2.0]]), TypeError),
])
@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix's own warning
def test_typos_are_refused_with_a_clear_error(call: Any, error: type) -> None:
    with pytest.raises(error):
        call()


# ---------------------------------------------------------------- 14. dtype promotion (NEP 50)

OPERANDS = [np.float64(2.5), np.float32(2.5), 2.5, 2, True, np.int64(3),
            np.zeros((), np.float64), np.zeros(2, np.float32), np.zeros(2, np.int64),
            np.zeros(2, np.float16)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int64, np.int8, bool])
@pytest.mark.parametrize("other", OPERANDS, ids=[repr(o) for o in OPERANDS])
def test_arithmetic_dtypes_are_numpy_s(dtype: Any, other: Any) -> None:
    a = np.ones(2, dtype=dtype)
    for op in (lambda p, q: p + q, lambda p, q: q * p, lambda p, q: p - q):
        try:
            want = op(a, other).dtype
        except (OverflowError, TypeError):
            continue
        assert op(Tensor(a), other).dtype == want


@pytest.mark.parametrize("n", [10, 100])  # below and above the size where relu's raw backward
def test_relu_blocks_an_infinite_gradient_with_exact_zeros(n: int) -> None:  # multiplies
    # PyTorch's threshold_backward: where the unit is off the gradient is exactly 0, even when
    # the incoming gradient is inf or NaN (a product would give NaN there).
    x = leaf(np.random.default_rng(0).normal(size=(n, n)))
    g = np.ones((n, n))
    g[0], g[1] = np.inf, np.nan
    x.relu().backward(Tensor(g))
    on = x.data > 0
    d = x.grad.data
    assert np.all(d[~on] == 0)
    assert np.all(np.isinf(d[0][on[0]])) and np.all(np.isnan(d[1][on[1]]))
    assert np.all(d[2:][on[2:]] == 1.0)


def test_the_variance_of_equal_values_is_exactly_zero() -> None:
    # PyTorch gives exactly 0 (x - mean(x) alone leaves the mean's rounding, 1e-34 for three
    # copies of 0.1, and relu of that took the other side of its kink: seed 577215, case 395).
    x = leaf(np.full((3, 2), 0.1))
    v = x.var(axis=0, correction=0)
    assert np.all(v.data == 0.0)
    v.relu().sum().backward()
    assert np.all(x.grad.data == 0.0)
    y = leaf(np.broadcast_to(np.array([[2.75, -1.68]]), (3, 2)).copy())
    assert np.all(y.var(axis=0).data == 0.0) and np.all(y.std(axis=0).data == 0.0)
