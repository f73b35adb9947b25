"""gradcheck / gradgradcheck: correct ops pass, each kind of wrong backward is caught and named."""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import (
    Function,
    GradcheckError,
    GradcheckWarning,
    Tensor,
    Value,
    check_gradients,
    gradcheck,
    gradgradcheck,
    numerical_jacobian,
)


def t64(*shape: int, seed: int = 0, name: str | None = None) -> Tensor:
    rng = np.random.default_rng(seed)
    return Tensor(rng.uniform(0.5, 1.5, shape), requires_grad=True, name=name)


class GoodMul(Function):
    def forward(ctx, a, b):
        return a * b

    def backward(ctx, g):
        a, b = ctx.inputs
        return g * b, g * a


class WrongAtOne(Function):
    """a * b whose gradient for `a` is tripled at element 1 only."""

    def forward(ctx, a, b):
        return a * b

    def backward(ctx, g):
        a, b = ctx.inputs
        scale = np.ones(a.shape)
        scale[1] = 3.0
        return g * b * scale, g * a


class NoneForB(Function):
    def forward(ctx, a, b):
        return a * b

    def backward(ctx, g):
        return g * ctx.inputs[1], None


class ShortGrad(Function):
    def forward(ctx, a, b):
        return a * b

    def backward(ctx, g):
        return g * ctx.inputs[1], Tensor(np.ones(2))


class Squared(Function):
    """Right Jacobian for one-hot gradients, but backward squares the incoming gradient."""

    def forward(ctx, a):
        return 2.0 * a

    def backward(ctx, g):
        return (g * g * 2.0,)


# ---------------------------------------------------------------- first order

def test_correct_custom_function_passes() -> None:
    assert gradcheck(GoodMul.apply, (t64(2, 3), t64(3, seed=1))) is True
    assert gradcheck(GoodMul.apply, (t64(2, 3), t64(3, seed=1)), fast=True) is True


def test_wrong_backward_is_caught_naming_input_and_element() -> None:
    x, w = t64(3, name="x"), t64(3, seed=1, name="w")
    with pytest.raises(GradcheckError) as exc:
        gradcheck(WrongAtOne.apply, (x, w))
    msg = str(exc.value)
    assert "analytical" in msg and "numerical" in msg
    assert "output 0" in msg and "input 0 ('x')" in msg and "input 1" not in msg
    assert "1 of 9 Jacobian elements fail" in msg
    # The failing row: output index (1,), input index (1,), analytical 3 w1, numerical w1.
    w1 = w.data[1]
    row = [ln for ln in msg.splitlines() if ln.strip().startswith("(1,)")]
    assert len(row) == 1
    cells = row[0].split()
    assert cells[:2] == ["(1,)", "(1,)"]
    assert float(cells[2]) == pytest.approx(3 * w1, rel=1e-6)
    assert float(cells[3]) == pytest.approx(w1, rel=1e-6)
    assert float(cells[4]) == pytest.approx(2 * w1, rel=1e-2)
    assert "atol=1e-05" in msg and "rtol=0.001" in msg


def test_raise_exception_false_returns_false_and_leaves_inputs_alone() -> None:
    x, w = t64(3), t64(3, seed=1)
    before = x.data.copy()
    assert gradcheck(WrongAtOne.apply, (x, w), raise_exception=False) is False
    np.testing.assert_array_equal(x.data, before)
    assert x.grad is None and w.grad is None


def test_error_is_an_assertion_with_the_result_attached() -> None:
    with pytest.raises(AssertionError) as exc:
        gradcheck(WrongAtOne.apply, (t64(3), t64(3, seed=1)))
    res = exc.value.result  # type: ignore[attr-defined]
    assert not res.ok and res.mismatches[0].kind == "values"
    assert res.max_abs_err > 0.5


def test_worst_elements_come_first_and_rows_are_capped() -> None:
    class Graded(Function):
        def forward(ctx, a):
            return a * 1.0

        def backward(ctx, g):  # error grows with the element's index
            return (g * (1.0 + np.arange(ctx.inputs[0].size, dtype=float)),)

    msg = check_gradients(Graded.apply, t64(14)).message
    errs = [float(ln.split()[-2]) for ln in msg.splitlines() if re.match(r"\s+\(\d+,\)", ln)]
    assert len(errs) == 10
    assert errs == sorted(errs, reverse=True)
    assert "13 of 196" in msg and "... and 3 more failing elements" in msg


def test_missing_gradient_has_its_own_message() -> None:
    with pytest.raises(GradcheckError, match="missing gradient") as exc:
        gradcheck(NoneForB.apply, (t64(3), t64(3, seed=1, name="b")))
    msg = str(exc.value)
    assert "input 1 ('b')" in msg and "None" in msg and "numerical" in msg


def test_none_is_fine_where_the_numerical_gradient_is_zero() -> None:
    class IgnoresB(Function):
        def forward(ctx, a, b):
            return a * 2.0

        def backward(ctx, g):
            return g * 2.0, None

    assert gradcheck(IgnoresB.apply, (t64(3), t64(3, seed=1)))


def test_detached_path_is_a_missing_gradient() -> None:
    msg = check_gradients(lambda x: x.detach() * 2.0 + 0.0 * x, t64(3)).message
    assert "missing gradient" not in msg  # 0 * x keeps a (zero) path: a plain mismatch
    assert "3 of 9" in msg


def test_wrong_shape_has_its_own_message() -> None:
    with pytest.raises(GradcheckError, match="wrong gradient shape") as exc:
        gradcheck(ShortGrad.apply, (t64(3), t64(3, seed=1)))
    msg = str(exc.value)
    assert "ShortGrad" in msg and "(2,)" in msg and "(3,)" in msg
    assert "analytical" in msg and "numerical" in msg


def test_fast_mode_catches_the_wrong_backward() -> None:
    with pytest.raises(GradcheckError, match="projection") as exc:
        gradcheck(WrongAtOne.apply, (t64(3, name="x"), t64(3, seed=1)), fast=True)
    assert "input 0 ('x')" in str(exc.value) and "fast=False" in str(exc.value)


def test_fast_mode_on_a_large_input_passes_a_correct_op() -> None:
    x = Tensor(np.random.default_rng(3).standard_normal((40, 30)), requires_grad=True)
    assert gradcheck(lambda a: (a.tanh() @ a.T).sum(axis=0), x, fast=True)


def test_float32_inputs_warn_and_mention_float64() -> None:
    x = Tensor(np.linspace(-1, 1, 4, dtype=np.float32), requires_grad=True)
    with pytest.warns(GradcheckWarning, match="float64"):
        assert gradcheck(lambda a: a.tanh(), x)


def test_nonlinear_backward_is_caught() -> None:
    with pytest.raises(GradcheckError, match="not linear in the output gradient"):
        gradcheck(Squared.apply, t64(2, 2))


def test_non_reentrant_backward_is_caught_and_nondet_tol_allows_it() -> None:
    calls = [0]

    class Drifting(Function):
        def forward(ctx, a):
            return a * 2.0

        def backward(ctx, g):
            calls[0] += 1
            return (g * (2.0 + 1e-9 * calls[0]),)

    with pytest.raises(GradcheckError, match="not reentrant"):
        gradcheck(Drifting.apply, t64(3))
    assert gradcheck(Drifting.apply, t64(3), nondet_tol=1e-6)


def test_tuple_outputs_report_the_output_at_fault() -> None:
    def fn(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
        return GoodMul.apply(a, b).sum(), WrongAtOne.apply(a, b)

    msg = check_gradients(fn, (t64(3), t64(3, seed=1))).message
    assert "output 1 (shape (3,))" in msg and "output 0" not in msg


def test_integer_outputs_are_skipped() -> None:
    assert gradcheck(lambda a: (a.exp(), a.argmax()), t64(4))


def test_value_inputs() -> None:
    assert gradcheck(lambda a, b: (a * b).tanh() + a.exp() / b, (Value(0.3), Value(-1.2)))

    class BadValueMul(Function):
        def forward(ctx, a, b):
            return a * b

        def backward(ctx, g):
            a, b = ctx.inputs
            return g * b, g * b  # should be g * a

    with pytest.raises(GradcheckError, match="input 1") as exc:
        gradcheck(BadValueMul.apply, (Value(0.5, "a"), Value(2.0, "b")))
    assert "1 of 1 Jacobian element fail" in str(exc.value)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(lambda a: a * 2, Tensor(np.ones(3)))
    with pytest.raises(TypeError, match="output 0 is a ndarray"):
        gradcheck(lambda a: a.data, t64(3))


def test_numerical_jacobian_of_a_product_is_diagonal() -> None:
    x, w = t64(3), t64(3, seed=1)
    jx, jw = numerical_jacobian(lambda a, b: a * b, (x, w))[0]
    np.testing.assert_allclose(jx, np.diag(w.data), atol=1e-8)
    np.testing.assert_allclose(jw, np.diag(x.data), atol=1e-8)
    ja = ag.analytical_jacobian(lambda a, b: a * b, (x, w))[0][0]
    np.testing.assert_allclose(ja, np.diag(w.data), atol=1e-12)


# ---------------------------------------------------------------- second order

def test_gradgradcheck_passes_smooth_ops() -> None:
    assert gradgradcheck(lambda a, b: (a.tanh() * b.exp()).sum(axis=0), (t64(2, 3), t64(3)))
    assert gradgradcheck(lambda a, b: (a * b).tanh() / b + (a * a).log(), (Value(0.4), Value(1.3)))


def test_gradgradcheck_catches_a_backward_that_is_not_differentiable() -> None:
    class DetachedBackward(Function):
        """First derivative right, but computed from raw data: no second derivative."""

        def forward(ctx, a):
            return a * a

        def backward(ctx, g):
            return (g * Tensor(2.0 * ctx.inputs[0].data),)

    x = t64(3, name="x")
    assert gradcheck(DetachedBackward.apply, x)
    with pytest.raises(GradcheckError, match="gradgradcheck failed") as exc:
        gradgradcheck(DetachedBackward.apply, x)
    msg = str(exc.value)
    assert "the gradient w.r.t. input 0 ('x')" in msg and "missing gradient" in msg


def test_core_grad_outputs_stay_in_the_graph() -> None:
    x, v = t64(3), t64(3, seed=1)
    (gx,) = ag.grad(x * x, [x], grad_outputs=[v], create_graph=True)
    (gv,) = ag.grad(gx.sum(), [v], allow_unused=True)
    assert gv is not None
    np.testing.assert_allclose(gv.data, 2 * x.data)


# ---------------------------------------------------------------- property: the element is named

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies


@hypothesis.settings(max_examples=25, deadline=None)
@hypothesis.given(st.lists(st.integers(1, 3), min_size=0, max_size=3), st.data())
def test_the_one_wrong_element_is_the_one_reported(shape: list[int], data: st.DataObject) -> None:
    shp = tuple(shape)
    size = int(np.prod(shp)) if shp else 1
    k = data.draw(st.integers(0, size - 1))
    scale = np.ones(shp)
    scale.reshape(-1)[k] = 2.0

    class OneWrong(Function):
        def forward(ctx, a):
            return a * 1.5

        def backward(ctx, g):
            return (g * 1.5 * scale,)

    x = Tensor(np.random.default_rng(k).uniform(-1, 1, shp), requires_grad=True)
    msg = check_gradients(OneWrong.apply, x).message
    assert f"1 of {size * size} Jacobian element" in msg
    idx = str(tuple(int(i) for i in np.unravel_index(k, shp)))
    row = re.split(r"\s{2,}", msg.splitlines()[-1].strip())  # columns: 2+ spaces apart
    if shp:  # output and input index columns, both the element k
        assert row[:2] == [idx, idx]
    assert [float(v) for v in row[-4:-2]] == pytest.approx([3.0, 1.5], rel=1e-6)
