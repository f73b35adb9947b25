"""detect_anomaly: forward and backward NaN/Inf checks naming the op, shapes, ranges, line."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import AnomalyError, Function, Tensor, Value, detect_anomaly


def test_forward_nan_names_op_shapes_range_and_creation_line() -> None:
    x = Tensor(np.array([-1.0, 4.0], dtype=np.float32), requires_grad=True)
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        x.log()  # the line the error must point at: MARK-LOG
    msg = str(info.value)
    assert "forward of Log" in msg and "NaN" in msg
    assert "shape=(2,)" in msg
    assert "range [-1, 4]" in msg  # the input range, computed here by hand
    assert "test_anomaly.py" in msg and "MARK-LOG" in msg


def test_forward_inf_is_reported_unless_check_inf_is_off() -> None:
    x = Tensor([0.0, 1.0], requires_grad=True)
    with detect_anomaly(), pytest.raises(AnomalyError, match="forward of Div produced Inf"):
        1.0 / x
    with detect_anomaly(check_inf=False):
        y = 1.0 / x
    assert np.isinf(y.data[0])


def test_nan_that_came_in_with_the_inputs_is_not_blamed_on_the_next_op() -> None:
    x = Tensor([np.nan, 1.0], requires_grad=True)
    with detect_anomaly():
        y = x * 2.0  # NaN in, NaN out: not this op's fault
    assert np.isnan(y.data[0])


def test_backward_nan_names_op_input_and_creation_line() -> None:
    x = Tensor([0.0, 4.0], requires_grad=True)
    with detect_anomaly():
        y = x.sqrt()  # MARK-SQRT: finite forward, infinite derivative at 0
        z = y * 0.0  # grad 0 * inf = NaN flows back into sqrt's backward
        with pytest.raises(AnomalyError) as info:
            z.sum().backward()
    msg = str(info.value)
    # The op whose backward went wrong, not a helper op inside its formula.
    assert "backward of Sqrt returned NaN" in msg
    assert "range [0, 4]" in msg  # sqrt's input, still described after the graph is freed
    assert "MARK-SQRT" in msg


def test_backward_anomaly_points_at_user_function() -> None:
    class BadBackward(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2.0

        @staticmethod
        def backward(ctx, g):
            return (g * float("nan"),)

    x = Tensor([1.0, 2.0], requires_grad=True)
    with detect_anomaly():
        y = BadBackward.apply(x)  # MARK-USER
        with pytest.raises(AnomalyError, match="backward of BadBackward returned NaN") as info:
            y.sum().backward()
    assert "MARK-USER" in str(info.value)


def test_without_anomaly_mode_nan_flows_silently_and_no_trace_is_recorded() -> None:
    x = Tensor([-1.0], requires_grad=True)
    y = x.log()
    assert np.isnan(y.data[0])
    assert y.grad_fn._trace is None  # creation sites cost nothing outside the mode
    with detect_anomaly():
        z = x * 3.0
    assert z.grad_fn._trace is not None and "test_anomaly.py" in z.grad_fn._trace


def test_decorator_form_and_nesting_restore_the_previous_mode() -> None:
    @detect_anomaly()
    def f(t: Tensor) -> Tensor:
        assert ag.is_anomaly_enabled()
        return t.log()

    assert not ag.is_anomaly_enabled()
    with pytest.raises(AnomalyError):
        f(Tensor([-1.0], requires_grad=True))
    assert not ag.is_anomaly_enabled()
    with detect_anomaly(check_inf=False):
        with detect_anomaly():
            with pytest.raises(AnomalyError):
                Tensor([0.0], requires_grad=True).log()
        Tensor([0.0], requires_grad=True).log()  # Inf allowed again in the outer block
        assert ag.is_anomaly_enabled()
    assert not ag.is_anomaly_enabled()


def test_mode_is_restored_after_an_exception() -> None:
    with pytest.raises(AnomalyError), detect_anomaly():
        Tensor([-1.0], requires_grad=True).sqrt()
    assert not ag.is_anomaly_enabled()


def test_value_front_end_is_checked_too() -> None:
    a = Value(-2.0)
    with detect_anomaly(), pytest.raises(AnomalyError, match="Log"):
        a.log()
    b = Value(0.0)
    with detect_anomaly():
        c = b.sqrt()  # forward 0 is fine
        with pytest.raises(AnomalyError, match="backward"):
            c.backward()  # d sqrt / dx at 0 is inf


def test_clean_computation_passes_and_gives_the_same_gradient() -> None:
    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 4))
    x = rng.standard_normal((5, 3))

    def run() -> np.ndarray:
        wt = Tensor(w, requires_grad=True)
        ((Tensor(x) @ wt).tanh().softmax(axis=1) ** 2).sum().backward()
        return wt.grad.data

    plain = run()
    with detect_anomaly():
        checked = run()
    np.testing.assert_array_equal(plain, checked)


def test_anomaly_mode_is_thread_local() -> None:
    seen: list[bool] = []

    def other() -> None:
        seen.append(ag.is_anomaly_enabled())
        Tensor([-1.0], requires_grad=True).log()  # must not raise in this thread

    with detect_anomaly():
        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert seen == [False]


def test_messages_call_a_tensor_a_tensor() -> None:
    x = Tensor(np.array([-1.0, 4.0]), requires_grad=True)
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        x.log()
    msg = str(info.value)
    assert "_tensor." not in msg
    assert "Tensor shape=(2,)" in msg


@pytest.mark.parametrize("folder", ["nn", "optim", "autograd_core", "my_autograd_core_project"])
def test_a_user_script_in_a_folder_named_like_the_library_is_the_user_s(tmp_path: Any,
                                                                        folder: str) -> None:
    # Library frames are told by the installed package's own paths, not by substrings.
    script = tmp_path / folder / "train.py"
    script.parent.mkdir()
    script.write_text("import numpy as np\nfrom autograd_core import Tensor\n"
                      "def make(x):\n    return x.log()  # MARK-USER-LINE\n")
    namespace: dict[str, Any] = {}
    exec(compile(script.read_text(), str(script), "exec"), namespace)
    x = Tensor(np.array([-1.0, 2.0]), requires_grad=True)
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        namespace["make"](x)
    assert str(script) in str(info.value) and "MARK-USER-LINE" in str(info.value)


def test_a_hook_that_returns_nan_is_named_as_the_culprit() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    h = x * 2.0

    def poison(g: Tensor) -> Tensor:
        return g * np.nan

    h.register_hook(poison)
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        (h * 3.0).sum().backward()
    msg = str(info.value)
    assert "poison" in msg and "NaN" in msg and "test_anomaly.py" in msg
    assert "backward of Mul" not in msg  # not blamed on the op the NaN would reach next
    assert x.grad is None


def test_a_nan_seed_gradient_is_reported_as_the_caller_s() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * 2.0
    with detect_anomaly(), pytest.raises(AnomalyError, match="gradient passed for output 0"):
        y.backward(gradient=np.array([np.nan, 1.0]))
    with detect_anomaly(), pytest.raises(AnomalyError, match="contains NaN"):
        ag.grad(y, x, grad_outputs=Tensor(np.array([1.0, np.nan])))
