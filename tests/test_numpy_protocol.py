"""numpy's functions on Tensors: results are Tensors on the graph with numpy's meaning of the
arguments; anything without a Tensor version is a TypeError that says what to use instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.testing import assert_grads_close

RNG = np.random.default_rng(0)
A = RNG.uniform(0.5, 2.0, size=(2, 3))  # positive: log, sqrt and powers are defined
B = RNG.uniform(-1.0, 1.0, size=(2, 3))

UNARY: list[tuple[str, Callable[[Any], Any]]] = [
    ("exp", np.exp), ("log", np.log), ("log10", np.log10), ("sqrt", np.sqrt), ("abs", np.abs),
    ("sin", np.sin), ("cos", np.cos), ("tanh", np.tanh), ("negative", np.negative),
    ("square", np.square), ("reciprocal", np.reciprocal), ("positive", np.positive),
]


@pytest.mark.parametrize("name,f", UNARY, ids=[u[0] for u in UNARY])
def test_unary_ufuncs_stay_on_the_graph(name: str, f: Callable[[Any], Any]) -> None:
    out = f(Tensor(A, requires_grad=True))
    assert isinstance(out, Tensor) and out.requires_grad, type(out)
    np.testing.assert_allclose(out.data, f(A), rtol=1e-12)
    assert_grads_close(lambda t: f(t).sum(), (Tensor(A.copy(), requires_grad=True),))


BINARY: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("add", np.add), ("subtract", np.subtract), ("multiply", np.multiply),
    ("true_divide", np.true_divide), ("power", np.power), ("maximum", np.maximum),
    ("minimum", np.minimum),
]


@pytest.mark.parametrize("name,f", BINARY, ids=[b[0] for b in BINARY])
def test_binary_ufuncs_with_tensors_arrays_and_numbers(name: str, f: Callable[..., Any]) -> None:
    for other in (Tensor(B + 3.0), B + 3.0, 0.5):
        for left in (True, False):
            x = Tensor(A, requires_grad=True)
            out = f(x, other) if left else f(other, x)
            raw = f(A, np.asarray(other.data if isinstance(other, Tensor) else other)) if left \
                else f(np.asarray(other.data if isinstance(other, Tensor) else other), A)
            assert isinstance(out, Tensor) and out.requires_grad
            np.testing.assert_allclose(out.data, raw, rtol=1e-12)
    assert_grads_close(lambda a, b: f(a, b).sum(), (Tensor(A.copy(), requires_grad=True),
                                                     Tensor(B + 3.0, requires_grad=True)))


def test_maximum_with_zero_is_relu_on_the_graph() -> None:
    x = Tensor(B, requires_grad=True)
    np.maximum(x, 0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, (B > 0).astype(float))


def test_matmul_and_comparisons() -> None:
    x = Tensor(A, requires_grad=True)
    out = np.matmul(x, A.T)
    assert isinstance(out, Tensor) and out.requires_grad
    assert isinstance(A.T @ x, Tensor)
    less = np.less(x, 1.0)
    assert isinstance(less, Tensor) and less.dtype == bool and not less.requires_grad
    finite = np.isfinite(x)
    assert isinstance(finite, Tensor) and finite.data.all()


FUNCTIONS: list[tuple[str, Callable[[Any], Any]]] = [
    ("sum", lambda a: np.sum(a)), ("sum axis", lambda a: np.sum(a, axis=0)),
    ("sum keepdims", lambda a: np.sum(a, axis=1, keepdims=True)),
    ("mean", lambda a: np.mean(a, axis=1)), ("var (ddof=0)", lambda a: np.var(a, axis=0)),
    ("var ddof=1", lambda a: np.var(a, ddof=1)), ("std", lambda a: np.std(a, axis=1)),
    ("max (values)", lambda a: np.max(a, axis=1)), ("min", lambda a: np.min(a)),
    ("amax", lambda a: np.amax(a, axis=0, keepdims=True)), ("prod", lambda a: np.prod(a, 0)),
    ("reshape", lambda a: np.reshape(a, (3, 2))), ("ravel", np.ravel),
    ("transpose", np.transpose), ("transpose axes", lambda a: np.transpose(a, (1, 0))),
    ("swapaxes", lambda a: np.swapaxes(a, 0, 1)), ("expand_dims", lambda a: np.expand_dims(a, 1)),
    ("squeeze", lambda a: np.squeeze(np.expand_dims(a, 0))),
    ("broadcast_to", lambda a: np.broadcast_to(a, (4, 2, 3))),
    ("clip", lambda a: np.clip(a, 0.8, 1.5)), ("copy", np.copy),
    ("concatenate", lambda a: np.concatenate([a, a], axis=1)),
    ("concatenate axis None", lambda a: np.concatenate([a, a], axis=None)),
    ("stack", lambda a: np.stack([a, a * 2], axis=-1)),
    ("where", lambda a: np.where(A > 1.0, a, 0.0)),
    ("split", lambda a: np.split(a, 3, axis=1)[1]),
    ("split at", lambda a: np.split(a, [1], axis=1)[1]),
    ("pad", lambda a: np.pad(a, 1)), ("dot", lambda a: np.dot(a, A.T)),
    ("norm", lambda a: np.linalg.norm(a)), ("norm axis", lambda a: np.linalg.norm(a, axis=1)),
]


@pytest.mark.parametrize("name,f", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_numpy_functions_give_numpys_answer_as_a_tensor_on_the_graph(
        name: str, f: Callable[[Any], Any]) -> None:
    out = f(Tensor(A, requires_grad=True))
    assert isinstance(out, Tensor) and out.requires_grad, type(out)
    np.testing.assert_allclose(out.data, f(A), rtol=1e-12)
    assert_grads_close(lambda t: (f(t) * 1.5).sum(), (Tensor(A.copy(), requires_grad=True),))


def test_functions_with_no_gradient_give_their_values() -> None:
    t = Tensor(A, requires_grad=True)
    assert np.shape(t) == (2, 3) and np.ndim(t) == 2 and np.size(t) == 6
    assert np.allclose(t, A) and np.array_equal(t, A)
    idx = np.argmax(t, axis=1)
    assert isinstance(idx, Tensor) and idx.data.tolist() == np.argmax(A, axis=1).tolist()
    rows, cols = np.where(A > 1.0)
    np.testing.assert_array_equal(rows.data, np.nonzero(A > 1.0)[0])
    assert np.asarray(t) is t.data
    assert np.isclose(t, A).data.all()


@pytest.mark.parametrize("call,words", [
    (lambda t: np.cumsum(t), "numpy.cumsum has no Tensor version"),
    (lambda t: np.sort(t), "numpy.sort"),
    (lambda t: np.einsum("ij->i", t), "numpy.einsum"),
    (lambda t: np.add.accumulate(t), "add.accumulate"),
    (lambda t: np.arctan(t), "numpy.arctan"),
    (lambda t: np.exp(t, out=t), "cannot write into a Tensor"),
    (lambda t: np.sum(t, dtype=np.float32), "dtype= and out= are not supported"),
    (lambda t: np.pad(t, 1, mode="reflect"), "only mode='constant'"),
    (lambda t: np.dot(np.ones((2, 2, 3)), t.T), "numpy.dot on Tensors"),
])
def test_unsupported_numpy_calls_are_type_errors_that_say_what_to_use(call, words) -> None:
    with pytest.raises(TypeError, match=words) as info:
        call(Tensor(A, requires_grad=True))
    msg = str(info.value)
    assert "Tensor" in msg


def test_out_into_an_array_writes_the_array() -> None:
    p = Tensor(A.copy(), requires_grad=True)
    (p * p).sum().backward()
    before = p.data.copy()
    p.data += -0.1 * p.grad  # the makemore lecture's update
    np.testing.assert_allclose(p.data, before - 0.1 * 2 * before)
    arr = np.zeros((2, 3))
    np.add(arr, Tensor(A), out=arr)
    np.testing.assert_allclose(arr, A)


def test_reduce_methods_of_ufuncs() -> None:
    t = Tensor(A, requires_grad=True)
    out = np.add.reduce(t)  # numpy's default axis 0
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(out.data, A.sum(0))
    np.testing.assert_allclose(np.maximum.reduce(t, axis=1).data, A.max(1))


def test_the_tensors_own_operators_are_unchanged_by_the_protocols() -> None:
    # ndarray on the left goes through numpy's protocol to the Tensor, the same result as the
    # Tensor's reflected operator; a numpy scalar on the left too.
    x = Tensor(A, requires_grad=True)
    for left in (B, np.float64(2.5)):
        for op in (np.add, np.subtract, np.multiply, np.true_divide):
            got = op(left, x)
            want = {np.add: x.__radd__, np.subtract: x.__rsub__, np.multiply: x.__rmul__,
                    np.true_divide: x.__rtruediv__}[op](left)
            assert isinstance(got, Tensor) and got.requires_grad
            np.testing.assert_array_equal(got.data, want.data)
    assert ag.Tensor(np.ones(2)).dtype == np.float64
