"""In-place safety: version checks at backward, leaf rules, views, and what in-place ops compute."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Tensor, no_grad

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

A = np.array([1.0, 2.0, 3.0])


def leaf() -> Tensor:
    return Tensor(A.copy(), requires_grad=True)


# ---------------------------------------------------------------- what the ops compute

@pytest.mark.parametrize("op, expected", [
    (lambda t: t.add_(2.0), A + 2),
    (lambda t: t.add_(np.ones(3), alpha=3.0), A + 3),
    (lambda t: t.sub_(1.5), A - 1.5),
    (lambda t: t.sub_(Tensor(A), alpha=2.0), A - 2 * A),
    (lambda t: t.mul_(A), A * A),
    (lambda t: t.div_(4.0), A / 4),
    (lambda t: t.zero_(), np.zeros(3)),
    (lambda t: t.fill_(7.0), np.full(3, 7.0)),
    (lambda t: t.copy_(np.array([9.0, 8.0, 7.0])), np.array([9.0, 8.0, 7.0])),
    (lambda t: t.copy_(5.0), np.full(3, 5.0)),
    (lambda t: t.clamp_(1.5, 2.5), np.clip(A, 1.5, 2.5)),
    (lambda t: t.clamp_(max=2.0), np.minimum(A, 2.0)),
])
def test_inplace_ops_match_numpy_and_bump_the_version(op, expected) -> None:
    t = Tensor(A.copy())
    buf = t.data
    out = op(t)
    assert out is t
    np.testing.assert_allclose(t.data, expected)
    assert t.data is buf  # really in place on a plain tensor
    assert t._version == 1


def test_setitem_writes_and_keeps_gradients_right() -> None:
    a = leaf()
    s = Tensor(10.0, requires_grad=True)
    b = a * 2.0
    b[1] = s * 3.0  # b = [2a0, 3s, 2a2]
    b[2:] = 0.0
    np.testing.assert_allclose(b.data, [2.0, 30.0, 0.0])
    (b * Tensor([1.0, 2.0, 4.0])).sum().backward()
    np.testing.assert_allclose(a.grad.data, [2.0, 0.0, 0.0])
    np.testing.assert_allclose(s.grad.data, 6.0)


@pytest.mark.parametrize("name, op, dydx", [
    ("add_", lambda b: b.add_(1.0), 2.0),
    ("mul_", lambda b: b.mul_(3.0), 6.0),
    ("div_", lambda b: b.div_(4.0), 0.5),
    ("clamp_", lambda b: b.clamp_(-100.0, 100.0), 2.0),
    ("fill_", lambda b: b.fill_(1.0), 0.0),
    ("zero_", lambda b: b.zero_(), 0.0),
])
def test_inplace_on_a_non_leaf_is_differentiable(name, op, dydx) -> None:
    a = leaf()
    b = a * 2.0
    op(b)
    b.sum().backward()
    np.testing.assert_allclose(a.grad.data, np.full(3, dydx), err_msg=name)


def test_saved_output_rebased_by_an_inplace_op_still_differentiates_right() -> None:
    a = leaf()
    b = a.exp()
    b.mul_(2.0)  # b = 2 e^a; exp's backward must still use e^a
    b.sum().backward()
    np.testing.assert_allclose(a.grad.data, 2 * np.exp(A), rtol=1e-6)


# ---------------------------------------------------------------- leaf rules

@pytest.mark.parametrize("op", [
    lambda t: t.add_(1.0), lambda t: t.sub_(1.0), lambda t: t.mul_(2.0), lambda t: t.div_(2.0),
    lambda t: t.zero_(), lambda t: t.fill_(1.0), lambda t: t.copy_(A),
    lambda t: t.clamp_(0.0, 1.0), lambda t: t.__setitem__(0, 1.0),
])
def test_inplace_on_a_leaf_requiring_grad_is_an_error_outside_no_grad(op) -> None:
    a = leaf()
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad.*no_grad"):
        op(a)
    np.testing.assert_array_equal(a.data, A)  # nothing was written
    with no_grad():
        op(a)  # what optimizers do
    assert a._version == 1 and a.is_leaf and a.requires_grad


def test_optimizer_style_update_between_steps_is_fine() -> None:
    w = leaf()
    for _ in range(3):
        loss = (w * w).sum()
        loss.backward()
        with no_grad():
            w.sub_(w.grad, alpha=0.1)
            w.grad = None
    np.testing.assert_allclose(w.data, A * 0.8 ** 3, rtol=1e-6)


# ---------------------------------------------------------------- the checks at backward

def test_modifying_a_saved_input_is_caught_with_op_tensor_and_fix() -> None:
    a = leaf()
    b = a * 2.0
    c = b * b  # Mul reads b at backward
    with no_grad():
        b.add_(1.0)
    with pytest.raises(RuntimeError) as info:
        c.sum().backward()
    msg = str(info.value)
    assert "backward of Mul" in msg and "input 0" in msg and "shape=(3,)" in msg
    assert "in-place" in msg and "clone()" in msg


def test_update_before_backward_is_caught() -> None:
    w = leaf()
    loss = (w * w).sum()
    with no_grad():
        w.sub_(0.1)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        loss.backward()


def test_assigning_data_counts_as_a_write() -> None:
    w = leaf()
    loss = (w * w).sum()
    w.data = np.zeros(3)
    with pytest.raises(RuntimeError, match="backward of Mul"):
        loss.backward()


def test_constant_operand_written_in_place_is_caught() -> None:
    w = leaf()
    x = Tensor(np.ones(3))
    loss = (w * x).sum()  # the gradient of w is x
    x.fill_(5.0)
    with pytest.raises(RuntimeError, match="input 1"):
        loss.backward()


def test_ops_that_do_not_read_their_inputs_allow_later_writes() -> None:
    w = leaf()
    x = Tensor(np.ones(3))
    loss = (w + x).sum()  # add's backward never reads x
    x.fill_(5.0)
    loss.backward()
    np.testing.assert_allclose(w.grad.data, np.ones(3))


def test_a_tensor_used_then_rebased_is_an_error_not_a_wrong_gradient() -> None:
    # c = b + 1 was recorded with b's old history; after b.mul_(3) the gradient of c would
    # flow through the new history (3x too large) unless it is refused.
    a = leaf()
    b = a * 2.0
    c = b + 1.0
    b.mul_(3.0)
    with pytest.raises(RuntimeError, match=r"backward of Add\w*: input 0"):
        c.sum().backward()


def test_the_documented_idiom_write_into_a_clone_read_the_original() -> None:
    a = leaf()
    x = a * 1.0
    with pytest.raises(RuntimeError, match="in-place"):
        x[0] = x[1] * 5.0  # x[1] used x before x was written
        x.sum().backward()
    a = leaf()  # a fresh leaf: the failed pass may have accumulated part of a gradient
    x = a * 1.0
    y = x.clone()
    y[0] = x[1] * 5.0  # the README's fix
    y.sum().backward()
    np.testing.assert_allclose(a.grad.data, [0.0, 6.0, 1.0])


def test_x_mul_x_in_place_gives_the_square_s_gradient() -> None:
    a = leaf()
    b = a * 1.0
    b.mul_(b)  # b = a^2, with b's old value as both factors
    b.sum().backward()
    np.testing.assert_allclose(a.grad.data, 2 * a.data)


@pytest.mark.parametrize("make_view", [
    lambda b: b.reshape(1, 3), lambda b: b[1:], lambda b: b[...], lambda b: b.T,
])
def test_views_share_the_check_with_their_base(make_view) -> None:
    # A reshape/slice/detach of a tensor shares its memory: writing into the base must be
    # caught when the view was saved (and vice versa), as PyTorch's shared version counter.
    w = leaf()
    v = make_view(w)
    loss = (v * v).sum()
    with no_grad():
        w.mul_(10.0)
    with pytest.raises(RuntimeError, match="in-place"):
        loss.backward()


def test_writing_through_a_detached_alias_is_caught() -> None:
    w = leaf()
    loss = (w * w).sum()
    w.detach().add_(1.0)  # the same memory as w
    with pytest.raises(RuntimeError, match="shares memory"):
        loss.backward()


def test_inplace_on_a_view_of_a_recorded_tensor_is_an_error_and_changes_nothing() -> None:
    # PyTorch refuses a view of a leaf, and writes a view of a non-leaf through to its base;
    # here both are refused rather than leaving the base silently as it was.
    a = leaf()
    with pytest.raises(RuntimeError, match="view of another one"):
        a.reshape(1, 3).add_(10.0)
    y = a * 2.0
    with pytest.raises(RuntimeError, match=r"y\[1:\] = y\[1:\] \* 3"):
        y[0:2].zero_()
    np.testing.assert_array_equal(a.data, A)
    np.testing.assert_array_equal(y.data, A * 2.0)


def test_retained_graph_sees_writes_between_two_backwards() -> None:
    w = leaf()
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    with no_grad():
        w.add_(1.0)
    with pytest.raises(RuntimeError, match="in-place"):
        loss.backward()


def test_direct_numpy_writes_are_not_caught_as_documented() -> None:
    # The README's "not caught" case: `t.data[...] = ...` bypasses the version counter.
    w = leaf()
    loss = (w * w).sum()
    w.data[0] = 100.0
    loss.backward()
    assert w.grad.data[0] == 200.0  # uses the new value: a silently different gradient


# ---------------------------------------------------------------- errors of the ops themselves

def test_inplace_cannot_change_shape() -> None:
    t = Tensor(np.zeros(3))
    with pytest.raises(ValueError, match=r"add_.*\(2, 3\).*\(3,\)"):
        t.add_(np.ones((2, 3)))
    b = leaf() * 1.0
    with pytest.raises(ValueError, match="add_"):
        b.add_(np.ones((2, 3)))


def test_inplace_cannot_cast_float_into_int() -> None:
    t = Tensor(np.array([1, 2, 3]))
    with pytest.raises(TypeError, match="mul_.*float64.*int64"):
        t.mul_(2.5)
    t.mul_(2)
    np.testing.assert_array_equal(t.data, [2, 4, 6])


@pytest.mark.parametrize("make", [
    lambda: Tensor(np.broadcast_to(np.arange(3.0), (2, 3))),
    lambda: Tensor(np.frombuffer(b"\x00" * 24, dtype=np.float64)),
])
def test_inplace_on_read_only_data_is_a_clear_error(make) -> None:
    t = make()
    with pytest.raises(ValueError, match="read-only"):
        t.add_(1.0)
    with pytest.raises(ValueError, match="read-only"):
        t[0] = 1.0


@pytest.mark.parametrize("op, dadx", [
    (lambda t: t.add_(t), 4.0),    # a = 2x + 2x
    (lambda t: t.sub_(t), 0.0),    # a = 2x - 2x
    (lambda t: t.copy_(t), 2.0),   # a = 2x, unchanged
], ids=["add_", "sub_", "copy_"])
def test_inplace_op_with_itself_as_operand_is_right_or_an_error(op, dadx) -> None:
    x = leaf()
    a = x * 2.0
    op(a)
    try:
        a.sum().backward()
    except RuntimeError as e:  # refusing, like x.mul_(x) above, is also safe
        assert "in-place" in str(e)
        return
    np.testing.assert_allclose(x.grad.data, np.full(3, dadx))  # d(a.sum())/dx by hand
