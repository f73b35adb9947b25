"""User-defined ops: subclassing `autograd_core.Function` (PyTorch's custom autograd API)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import check_tensor_grads

import autograd_core as ag
from autograd_core import Function, Tensor, Value


class Cube(Function):
    """x ** 3 with the input saved explicitly (raw array) for backward."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        assert isinstance(x, np.ndarray)  # forward sees raw data
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> Tensor:
        assert isinstance(g, Tensor)  # backward sees gradient Tensors
        (x,) = ctx.saved_tensors
        return g * (3 * x**2)


class ScaledExp(Function):
    """scale * exp(x): a non-Tensor argument passes through unchanged; backward in Tensor ops
    (via ctx.inputs), so it can be differentiated again."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, scale: float) -> np.ndarray:
        assert isinstance(scale, float)
        return scale * np.exp(x)

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> tuple[Tensor, None]:
        x, scale = ctx.inputs
        return g * scale * x.exp(), None


class SumAndProduct(Function):
    """Two outputs: (a + b, a * b)."""

    @staticmethod
    def forward(ctx: Any, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return a + b, a * b

    @staticmethod
    def backward(ctx: Any, g_sum: Tensor, g_prod: Tensor) -> tuple[Tensor, Tensor]:
        a, b = ctx.inputs
        return g_sum + g_prod * b, g_sum + g_prod * a


class RecordNeeds(Function):
    """Remembers ctx.needs_input_grad for the test to read."""

    seen: list[tuple[bool, ...]] = []

    @staticmethod
    def forward(ctx: Any, a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
        RecordNeeds.seen.append(tuple(ctx.needs_input_grad))
        return a * b * k

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> tuple[Any, Any, None]:
        a, b, k = ctx.inputs
        n = ctx.needs_input_grad
        return (g * b * k if n[0] else None), (g * a * k if n[1] else None), None


def test_custom_op_forward_and_gradient() -> None:
    x = np.array([[0.5, -1.2, 2.0]])
    out = Cube.apply(Tensor(x))
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(out.data, x**3)
    check_tensor_grads(Cube.apply, x)


def test_custom_op_with_non_tensor_argument_and_higher_order() -> None:
    x = np.array([0.1, -0.4])
    check_tensor_grads(lambda t: ScaledExp.apply(t, 2.5), x)
    t = Tensor(x, requires_grad=True)
    (g,) = ag.grad(ScaledExp.apply(t, 2.5).sum(), t, create_graph=True)
    (h,) = ag.grad(g.sum(), t)
    np.testing.assert_allclose(h.data, 2.5 * np.exp(x))


def test_multi_output_op() -> None:
    a = np.array([1.0, 2.0])
    b = np.array([-0.5, 3.0])
    check_tensor_grads(lambda x, y: SumAndProduct.apply(x, y)[1] * 2
                       + SumAndProduct.apply(x, y)[0], a, b)
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    s, p = SumAndProduct.apply(ta, tb)
    np.testing.assert_allclose(s.data, a + b)
    np.testing.assert_allclose(p.data, a * b)
    (p * p).sum().backward()  # only the second output is used: the first gets zeros
    np.testing.assert_allclose(ta.grad.data, 2 * a * b * b)
    np.testing.assert_allclose(tb.grad.data, 2 * a * b * a)


def test_multi_output_both_used() -> None:
    ta = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    tb = Tensor(np.array([3.0, 4.0]), requires_grad=True)
    s, p = SumAndProduct.apply(ta, tb)
    (s * 2 + p).sum().backward()
    np.testing.assert_allclose(ta.grad.data, 2 + tb.data)
    np.testing.assert_allclose(tb.grad.data, 2 + ta.data)


def test_needs_input_grad() -> None:
    RecordNeeds.seen.clear()
    a = Tensor(np.array([2.0]), requires_grad=True)
    b = Tensor(np.array([5.0]))
    y = RecordNeeds.apply(a, b, 3)
    assert RecordNeeds.seen[-1] == (True, False, False)
    y.sum().backward()
    np.testing.assert_allclose(a.grad.data, [15.0])
    assert b.grad is None


def test_saved_tensors_after_free_mentions_retain_graph() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = Cube.apply(x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()
    y = Cube.apply(x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, 3 * 3 * x.data**2)  # three backwards in all


def test_custom_op_under_no_grad_is_not_recorded() -> None:
    x = Tensor(np.array([1.0]), requires_grad=True)
    with ag.no_grad():
        y = Cube.apply(x)
    assert not y.requires_grad and y.is_leaf


def test_custom_op_on_values() -> None:
    class Square(Function):
        @staticmethod
        def forward(ctx: Any, x: float) -> float:
            assert isinstance(x, float)
            return x * x

        @staticmethod
        def backward(ctx: Any, g: Value) -> Value:
            return g * 2 * ctx.inputs[0]

    x = Value(3.0)
    y = Square.apply(x)
    assert isinstance(y, Value) and y.data == 9.0
    y.backward()
    assert x.grad == 6.0
    x2 = Value(3.0)
    (d1,) = ag.grad(Square.apply(x2), x2, create_graph=True)
    (d2,) = ag.grad(d1, x2)
    assert d2.data == 2.0


# ---------------------------------------------------------------- misuse gives clear errors

class TooFew(Function):
    @staticmethod
    def forward(ctx: Any, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a * b

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> Tensor:
        return g * ctx.inputs[1]  # forgot the second gradient


class WrongShape(Function):
    @staticmethod
    def forward(ctx: Any, a: np.ndarray) -> np.ndarray:
        return a.sum()

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> Tensor:
        return Tensor(np.ones(7))


class WrongType(Function):
    @staticmethod
    def forward(ctx: Any, a: np.ndarray) -> np.ndarray:
        return a * 2

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> Any:
        return ("not a gradient",)


def test_wrong_number_of_gradients_is_a_clear_error() -> None:
    a = Tensor(np.ones(2), requires_grad=True)
    b = Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"TooFew.*1 gradient.*2"):
        TooFew.apply(a, b).sum().backward()


def test_wrong_gradient_shape_is_a_clear_error() -> None:
    a = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"WrongShape.*\(7,\).*\(2, 3\)"):
        WrongShape.apply(a).backward()


def test_wrong_gradient_type_is_a_clear_error() -> None:
    a = Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(TypeError, match="WrongType.*str"):
        WrongType.apply(a).sum().backward()


class ComplexGrad(Function):
    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return x * 2

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> Any:
        return (1 + 2j,)


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_complex_gradient_is_refused_on_both_backward_paths(create_graph: bool) -> None:
    a = Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(TypeError, match="ComplexGrad.*complex"):
        ComplexGrad.apply(a).sum().backward(create_graph=create_graph)


def test_apply_needs_a_tensor_or_value() -> None:
    with pytest.raises(TypeError, match="Cube"):
        Cube.apply(np.ones(2))
    with pytest.raises(TypeError, match="mix"):
        TooFew.apply(Tensor(np.ones(1)), Value(1.0))


def test_wrong_backward_is_caught_by_the_finite_difference_helper() -> None:
    class BadSin(Function):
        @staticmethod
        def forward(ctx: Any, a: np.ndarray) -> np.ndarray:
            return np.sin(a)

        @staticmethod
        def backward(ctx: Any, g: Tensor) -> Tensor:
            return g * ctx.inputs[0].sin()  # should be cos

    with pytest.raises(AssertionError, match="gradient of input 0"):
        check_tensor_grads(BadSin.apply, np.array([0.3, 1.0]))
    with pytest.raises(AssertionError):
        ag.gradcheck(BadSin.apply, (Tensor(np.array([0.3, 1.0]), requires_grad=True),))


# ---------------------------------------------------------------- reviewer's edge cases


def test_multi_output_second_derivative_and_separate_backwards() -> None:
    # f = sum((a + b) * (a * b)): d2f/da2 = 4b (with b held), through both outputs' graphs.
    a = Tensor(np.array([0.5, -1.0]), requires_grad=True)
    b = Tensor(np.array([2.0, 0.3]), requires_grad=True)
    s, p = SumAndProduct.apply(a, b)
    (ga, gb) = ag.grad((s * p).sum(), [a, b], create_graph=True)
    np.testing.assert_allclose(ga.data, 2 * a.data * b.data + b.data**2)
    (haa,) = ag.grad(ga.sum(), a)
    np.testing.assert_allclose(haa.data, 2 * b.data)
    # Each output on its own pass (retain_graph): gradients accumulate as in PyTorch.
    s, p = SumAndProduct.apply(a, b)
    s.sum().backward(retain_graph=True)
    p.sum().backward()
    np.testing.assert_allclose(a.grad.data, 1 + b.data)
    np.testing.assert_allclose(b.grad.data, 1 + a.data)


def test_grad_with_respect_to_one_output_of_a_multi_output_op() -> None:
    a = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = Tensor(np.array([3.0, -1.0]), requires_grad=True)
    s, p = SumAndProduct.apply(a, b)
    y = (s * p).sum()
    gs, gp, ga = ag.grad(y, [s, p, a])
    np.testing.assert_allclose(gs.data, p.data)
    np.testing.assert_allclose(gp.data, s.data)
    np.testing.assert_allclose(ga.data, p.data + s.data * b.data)
    assert a.grad is None and b.grad is None


def test_raw_saved_arrays_give_first_order_only_and_gradgradcheck_says_so() -> None:
    # Cube saves the raw array forward received: first derivatives are right, but the
    # backward graph cannot see x, so second derivatives are missing (not PyTorch's behaviour,
    # where saved tensors stay in the graph). gradgradcheck must catch it; saving ctx.inputs
    # (ScaledExp's way) is the fix.
    x = Tensor(np.array([0.5, 1.5]), requires_grad=True)
    assert ag.gradcheck(Cube.apply, (x,))
    res = ag.check_gradients(Cube.apply, (x,), order=2)
    assert not res.ok and "missing gradient" in res.message
    assert ag.gradgradcheck(lambda t: ScaledExp.apply(t, 2.0), (x,))
