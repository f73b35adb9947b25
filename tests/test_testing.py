"""autograd_core.testing: the hypothesis strategies and assert_grads_close."""

from __future__ import annotations

import sys

import numpy as np
import pytest

pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import autograd_core as ag  # noqa: E402
from autograd_core import Function, Tensor, testing  # noqa: E402

FEW = settings(max_examples=20, deadline=None)


@FEW
@given(testing.tensors(shape=(2, 3), elements=st.floats(-1, 1)))
def test_tensors_have_the_shape_dtype_and_elements_asked_for(x: Tensor) -> None:
    assert x.shape == (2, 3) and x.dtype == np.float64 and x.requires_grad
    assert np.all(np.abs(x.data) <= 1)


@FEW
@given(testing.tensors(shape=st.sampled_from([(), (4,)]), dtype=np.float32))
def test_tensors_take_a_shape_strategy_and_dtype(x: Tensor) -> None:
    assert x.shape in ((), (4,)) and x.dtype == np.float32
    assert np.isfinite(x.data).all() and np.all(np.abs(x.data) <= 10)


@FEW
@given(st.data())
def test_broadcastable_shapes_broadcast_and_add_has_right_gradients(data: st.DataObject) -> None:
    sa, sb = data.draw(testing.broadcastable_shapes(2))
    np.broadcast_shapes(sa, sb)  # raises if they do not
    a = data.draw(testing.tensors(sa, elements=st.floats(-2, 2)))
    b = data.draw(testing.tensors(sb, elements=st.floats(-2, 2)))
    testing.assert_grads_close(lambda x, y: x * y + x, (a, b))


@FEW
@given(st.data())
def test_index_expressions_match_numpy_and_have_right_gradients(data: st.DataObject) -> None:
    shape = data.draw(st.sampled_from([(3,), (2, 3), (2, 1, 3)]))
    idx = data.draw(testing.index_expressions(shape))
    a = np.arange(float(np.prod(shape))).reshape(shape) / 7
    x = Tensor(a, requires_grad=True)
    np.testing.assert_array_equal(x[idx].data, a[idx])
    if a[idx].size:
        testing.assert_grads_close(lambda t: t[idx] * t[idx], x)


class _WrongExp(Function):
    def forward(ctx, a):
        return np.exp(a)

    def backward(ctx, g):
        return (g * ctx.inputs[0],)  # should be g * exp(a)


def test_assert_grads_close_passes_and_fails_with_the_report() -> None:
    x = Tensor(np.linspace(0.1, 1, 4), requires_grad=True)
    testing.assert_grads_close(lambda t: t.exp().sum(), x, order=2)
    with pytest.raises(AssertionError, match="analytical") as exc:
        testing.assert_grads_close(_WrongExp.apply, x)
    assert "4 of 16 Jacobian elements fail" in str(exc.value)
    with pytest.raises(ValueError, match="order"):
        testing.assert_grads_close(_WrongExp.apply, x, order=3)


def test_strategies_say_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    with pytest.raises(ImportError, match=r"`testing` extra"):
        testing.tensors()
    # The core and assert_grads_close do not need hypothesis.
    testing.assert_grads_close(lambda t: t * 2.0, ag.tensor(np.ones(2), requires_grad=True))


def test_core_never_imports_hypothesis() -> None:
    import subprocess

    code = ("import sys, autograd_core; import autograd_core.checking.gradcheck, "
            "autograd_core.checking.checks; print('hypothesis' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
