"""Odd and hostile inputs: numpy's answer with the right gradient, or a clear named error."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor, Value

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def grad_of(f, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = Tensor(x, requires_grad=True)
    out = f(t)
    out.sum().backward()
    return out.data, t.grad.data


# ---------------------------------------------------------------- wrong types

BAD = ["abc", None, object(), {"a": 1}, 1 + 2j, [1, "a"], [[1], [1, 2]], [None]]


def _id(x: object) -> str:
    """A stable test id: repr() of a bare object() holds its address, which differs between
    pytest-xdist workers and breaks their collection."""
    return "object()" if type(x) is object else repr(x)


@pytest.mark.parametrize("bad", BAD, ids=_id)
def test_construction_from_wrong_types_is_a_type_error_naming_tensor(bad) -> None:
    with pytest.raises(TypeError, match="Tensor"):
        Tensor(bad)


@pytest.mark.parametrize("bad", ["abc", None, object(), [1, "a"], np.array(["x"])], ids=_id)
@pytest.mark.parametrize("op", [
    lambda t, o: t + o, lambda t, o: o + t, lambda t, o: t * o, lambda t, o: t - o,
    lambda t, o: t / o, lambda t, o: t ** o, lambda t, o: t @ o, lambda t, o: t < o,
    lambda t, o: ag.maximum(t, o), lambda t, o: ag.where(t.data > 1, t, o),
])
def test_operands_of_wrong_type_are_type_errors(op, bad) -> None:
    t = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError) as info:
        op(t, bad)
    assert "Tensor" in str(info.value) or "unsupported" in str(info.value)


@pytest.mark.parametrize("call, words", [
    (lambda t: t.sum(axis="a"), "sum"), (lambda t: t.reshape("a"), "reshape"),
    (lambda t: t.transpose("a"), "transpose"), (lambda t: t.broadcast_to("a"), "broadcast_to"),
    (lambda t: t.clip("a"), "clip"), (lambda t: t.astype("U3"), "astype"),
    (lambda t: t.max(axis=1.5), "max"), (lambda t: t.mean(axis=(0, 0)), "mean"),
    (lambda t: t.sum(axis=3), "sum"), (lambda t: t.reshape(4, 4), "reshape"),
    (lambda t: t @ Tensor(np.ones(3)), "matmul"), (lambda t: ag.stack([]), "stack"),
])
def test_bad_arguments_name_the_op(call, words) -> None:
    t = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises((TypeError, ValueError)) as info:
        call(t)
    assert words in str(info.value)


def test_mismatched_shapes_name_the_shapes() -> None:
    t = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    for other in (np.ones(2), Tensor(np.ones(2)), [1.0, 2.0]):
        with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
            t + other


def test_huge_python_ints_are_value_errors() -> None:
    with pytest.raises(ValueError, match="too large"):
        Tensor(2 ** 2000)
    with pytest.raises(ValueError, match="too large"):
        Value(2 ** 2000)


@pytest.mark.parametrize("mix", [
    lambda: Value(1.0) + Tensor([1.0]), lambda: Tensor([1.0]) + Value(1.0),
    lambda: Value(1.0) * Tensor([1.0]), lambda: Tensor([1.0]) * Value(1.0),
    lambda: Tensor([1.0]) @ Value(1.0), lambda: Value(2.0) ** Tensor([1.0]),
    lambda: ag.maximum(Tensor([1.0]), Value(1.0)), lambda: Tensor(Value(1.0)),
    lambda: Value(Tensor(1.0)),
])
def test_mixing_value_and_tensor_is_a_clear_type_error(mix) -> None:
    with pytest.raises(TypeError, match="Value|Tensor"):
        mix()


# ---------------------------------------------------------------- empty, 0-d

@pytest.mark.parametrize("f", [
    lambda t: t.exp(), lambda t: t.sum(), lambda t: t.sum(0), lambda t: t * 2.0 + 1.0,
    lambda t: t @ np.ones((3, 2)), lambda t: t.T @ t, lambda t: t.reshape(3, 0),
    lambda t: t[:, 1], lambda t: ag.concatenate([t, t]), lambda t: ag.pad(t, 1),
    lambda t: t.sigmoid(), lambda t: t.prod(0), lambda t: t.amax(1), lambda t: t.softmax(1),
    lambda t: t.max(1).values,
    lambda t: t.log_softmax(1), lambda t: t.logsumexp(1),
])
def test_empty_tensors_follow_numpy_and_get_empty_gradients(f) -> None:
    x = np.zeros((0, 3))
    out, g = grad_of(f, x)
    assert g.shape == (0, 3) and g.dtype == np.float64
    assert np.all(g == 0) or g.size == 0
    assert out.shape == f(Tensor(x)).shape


def test_empty_sum_and_mean_are_numpy_values() -> None:
    x = np.zeros((0, 3))
    assert Tensor(x).sum().item() == 0.0
    assert np.isnan(Tensor(x).mean().item())  # numpy: mean of nothing is NaN
    np.testing.assert_array_equal(Tensor(x).prod(axis=0).data, np.ones(3))


@pytest.mark.parametrize("op", ["max", "min", "argmax", "argmin"])
def test_reducing_over_nothing_is_a_value_error(op) -> None:
    # (logsumexp over nothing is log 0 = -inf, as in PyTorch: test_pytorch_agreement.py)
    with pytest.raises(ValueError, match=f"{op}.*empty"):
        getattr(Tensor(np.zeros((0, 3))), op)(0)
    with pytest.raises(ValueError, match=op):
        getattr(Tensor(np.zeros((0, 3))), op)()


@pytest.mark.parametrize("f, dfdx", [
    (lambda t: t.sum(), 1.0), (lambda t: t.mean(), 1.0), (lambda t: t.max(), 1.0),
    (lambda t: t * t, 6.0), (lambda t: t.exp(), np.exp(3.0)), (lambda t: t.softmax(), 0.0),
    (lambda t: t.log_softmax(), 0.0), (lambda t: t.var(ddof=0), 0.0),
    (lambda t: t.reshape(1, 1), 1.0),
    (lambda t: t[None], 1.0), (lambda t: t.broadcast_to((2, 2)), 4.0),
])
def test_zero_dim_tensors(f, dfdx) -> None:
    _, g = grad_of(f, np.array(3.0))
    assert g.shape == ()
    np.testing.assert_allclose(g, dfdx, rtol=1e-12)


def test_zero_dim_errors() -> None:
    t = Tensor(np.array(3.0))
    with pytest.raises(TypeError, match="len"):
        len(t)
    with pytest.raises(ValueError, match="matmul"):
        t @ t


# ---------------------------------------------------------------- NaN, Inf, huge, tiny

def test_stable_ops_stay_finite_for_huge_inputs() -> None:
    x = np.array([1e30, -1e30, 88.0, -88.0, 0.0], dtype=np.float32)
    for f in (lambda t: t.sigmoid(), lambda t: t.tanh(), lambda t: t.softmax(),
              lambda t: t.log_softmax() * np.float32(0.1), lambda t: t.logsumexp()):
        out, g = grad_of(f, x)
        assert np.isfinite(out).all() and np.isfinite(g).all()


def test_tiny_and_subnormal_values_keep_exact_gradients() -> None:
    x = np.array([1e-45, 1e-38, -1e-30], dtype=np.float32)
    _, g = grad_of(lambda t: t * 3.0, x)
    np.testing.assert_array_equal(g, np.full(3, 3.0, np.float32))
    _, g = grad_of(lambda t: t * t, x)
    np.testing.assert_array_equal(g, 2 * x)


def test_nan_and_inf_follow_ieee_like_numpy() -> None:
    x = np.array([np.nan, np.inf, -np.inf, 0.0])
    out, g = grad_of(lambda t: t * 2.0, x)
    np.testing.assert_array_equal(out, x * 2.0)
    np.testing.assert_array_equal(g, np.full(4, 2.0))
    out, g = grad_of(lambda t: t.relu(), x)
    np.testing.assert_array_equal(out, np.maximum(x, 0))
    np.testing.assert_array_equal(g, [0.0, 1.0, 0.0, 0.0])  # relu' is 0 at NaN and at 0
    out, _ = grad_of(lambda t: t.softmax(), np.array([-np.inf, 0.0, 1.0]))
    np.testing.assert_allclose(out, [0.0, 1 / (1 + np.e), np.e / (1 + np.e)])


# ---------------------------------------------------------------- dtypes

F = [np.float16, np.float32, np.float64]


@pytest.mark.parametrize("da", F)
@pytest.mark.parametrize("db", F)
def test_float_dtype_mixes_promote_like_numpy_and_grads_keep_each_dtype(da, db) -> None:
    xa, xb = np.array([1.0, 2.0], da), np.array([3.0, 4.0], db)
    a, b = Tensor(xa, requires_grad=True), Tensor(xb, requires_grad=True)
    out = a * b + a / b
    assert out.dtype == (xa * xb + xa / xb).dtype
    out.sum().backward()
    assert a.grad.dtype == da and b.grad.dtype == db
    np.testing.assert_allclose(a.grad.data, xb + 1 / xb.astype(np.float64), rtol=2e-3)
    np.testing.assert_allclose(b.grad.data, xa - xa / xb.astype(np.float64) ** 2, rtol=2e-3)


def test_python_scalars_do_not_upcast_float16_and_float32() -> None:
    for d in (np.float16, np.float32):
        assert (Tensor(np.ones(2, d)) * 2.5).dtype == d
        assert (1.5 - Tensor(np.ones(2, d))).dtype == d


def test_python_lists_of_mixed_numbers_become_the_default_float() -> None:
    t = Tensor([1, 2.5, True, np.float64(3), np.int8(4)])
    assert t.dtype == ag.get_default_dtype()
    np.testing.assert_array_equal(t.data, [1, 2.5, 1, 3, 4])


def test_integer_tensors_cannot_require_grad() -> None:
    with pytest.raises(TypeError, match="floating-point"):
        Tensor(np.array([1, 2]), requires_grad=True)


# ---------------------------------------------------------------- unusual numpy arrays

def test_non_contiguous_and_fortran_arrays_give_numpy_results() -> None:
    base = np.arange(24.0).reshape(4, 6)
    for x in (base[:, ::2], base.T, np.asfortranarray(base), base[::-1]):
        out, g = grad_of(lambda t: (t * t).sum(0), x)
        np.testing.assert_array_equal(out, (x * x).sum(0))
        np.testing.assert_array_equal(g, 2 * x)


def test_read_only_arrays_work_and_their_grads_are_writable() -> None:
    x = np.arange(4.0)
    x.flags.writeable = False
    t = Tensor(x, requires_grad=True)
    (t * t).sum().backward()
    (t * t).sum().backward()  # accumulation must not write into anything read-only
    np.testing.assert_array_equal(t.grad.data, 4 * x)
    assert not x.flags.writeable and np.array_equal(x, np.arange(4.0))


def test_gradient_never_aliases_the_users_array() -> None:
    x = np.ones(3)
    t = Tensor(x, requires_grad=True)
    g = np.full(3, 2.0)
    (t * 1.0).backward(g)
    t.grad.data[0] = 99.0
    assert g[0] == 2.0


# ---------------------------------------------------------------- nn layers and optimizers

@pytest.mark.parametrize("call, words", [
    (lambda nn, optim: nn.Linear(3, 2)(Tensor(np.ones((4, 5)))), "linear"),
    (lambda nn, optim: nn.Linear(0, 2), "Linear"),
    (lambda nn, optim: nn.Dropout(1.5), "Dropout"),
    (lambda nn, optim: nn.Embedding(3, 2)(np.array([0.5])), "embedding"),
    (lambda nn, optim: nn.functional.cross_entropy(Tensor(np.zeros((2, 3))), "ab"),
     "cross_entropy"),
    (lambda nn, optim: optim.SGD([nn.Parameter(np.ones(2))], lr=-1.0), "learning rate"),
    (lambda nn, optim: optim.SGD([np.ones(2)], lr=0.1), "SGD"),
], ids=["linear-shape", "Linear-0", "Dropout-p", "Embedding-float", "ce-str", "sgd-lr",
        "sgd-array"])
def test_nn_and_optim_reject_bad_arguments_by_name(call, words) -> None:
    nn, optim = pytest.importorskip("nn"), pytest.importorskip("optim")
    with pytest.raises((TypeError, ValueError, IndexError)) as info:
        call(nn, optim)
    assert words in str(info.value)


@pytest.mark.parametrize("call, words", [
    (lambda nn, optim: nn.Linear(2.5, 2), "Linear"),
    (lambda nn, optim: nn.Linear("a", 2), "Linear"),
    (lambda nn, optim: optim.SGD([nn.Parameter(np.ones(2))], lr="a"), "lr"),
], ids=["Linear-float", "Linear-str", "SGD-lr-str"])
def test_wrong_types_for_layer_sizes_and_rates_name_the_op(call, words) -> None:
    nn, optim = pytest.importorskip("nn"), pytest.importorskip("optim")
    with pytest.raises(TypeError) as info:
        call(nn, optim)
    assert words in str(info.value)
