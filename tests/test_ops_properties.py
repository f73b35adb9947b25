"""Ops at special points (ties, kinks, huge logits) and as properties over random shapes:
binary ops broadcast like numpy, indexing (forward and gradient) behaves like numpy's.

The table-driven sweep of every op is test_ops.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import check_tensor_grads
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_core as ag
from autograd_core import Tensor

_rng = np.random.default_rng(20240602)


# ---------------------------------------------------------------- ties and special points


def test_max_ties_split_gradient_evenly() -> None:
    x = Tensor(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]), requires_grad=True)
    x.amax(axis=1).sum().backward()  # amax (and max over all elements) share between ties
    np.testing.assert_allclose(x.grad.data, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    y = Tensor(np.array([1.0, 1.0]), requires_grad=True)
    z = Tensor(np.array([1.0, 0.0]), requires_grad=True)
    ag.maximum(y, z).sum().backward()
    np.testing.assert_allclose(y.grad.data, [0.5, 1.0])
    np.testing.assert_allclose(z.grad.data, [0.5, 0.0])


@pytest.mark.parametrize("name", ["amax", "amin"])
@pytest.mark.parametrize("axis,keepdims", [(None, False), (None, True), (0, True), (-1, False)])
def test_reduction_ties_split_evenly_for_every_axis(name: str, axis: Any, keepdims: bool) -> None:
    a = np.array([[2.0, -1.0, 2.0], [-1.0, -1.0, 0.5]])
    x = Tensor(a, requires_grad=True)
    w = np.random.default_rng(3).standard_normal(np.shape(getattr(np, name)(
        a, axis=axis, keepdims=keepdims)))
    (getattr(x, name)(axis, keepdims=keepdims) * Tensor(w)).sum().backward()
    # Independent expectation: each winner gets its output's weight / number of winners.
    ext = getattr(np, name)(a, axis=axis, keepdims=True)
    wins = (a == ext).astype(float)
    share = np.reshape(w, ext.shape) / wins.sum(axis=axis, keepdims=True)
    np.testing.assert_allclose(x.grad.data, wins * share)


def test_max_along_a_dim_sends_the_gradient_to_its_index_as_pytorch_does() -> None:
    a = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    for name in ("max", "min"):
        x = Tensor(a, requires_grad=True)
        values, indices = getattr(x, name)(1)
        (values * Tensor(np.array([2.0, 5.0]))).sum().backward()
        expected = np.zeros_like(a)
        expected[[0, 1], indices.data] = [2.0, 5.0]  # the first extreme of each row
        np.testing.assert_array_equal(indices.data, getattr(np, "arg" + name)(a, axis=1))
        np.testing.assert_allclose(x.grad.data, expected)
    torch = pytest.importorskip("torch")
    t = torch.tensor(a, requires_grad=True)
    tv, ti = t.max(1)
    (tv * torch.tensor([2.0, 5.0], dtype=torch.float64)).sum().backward()
    x = Tensor(a, requires_grad=True)
    v, i = x.max(1)
    (v * Tensor(np.array([2.0, 5.0]))).sum().backward()
    np.testing.assert_array_equal(i.data, ti.numpy())
    np.testing.assert_allclose(x.grad.data, t.grad.numpy())


def test_minimum_ties_split_evenly() -> None:
    y = Tensor(np.array([1.0, 1.0, -2.0]), requires_grad=True)
    z = Tensor(np.array([1.0, 0.0, 3.0]), requires_grad=True)
    ag.minimum(y, z).sum().backward()
    np.testing.assert_allclose(y.grad.data, [0.5, 0.0, 1.0])
    np.testing.assert_allclose(z.grad.data, [0.5, 1.0, 0.0])


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
