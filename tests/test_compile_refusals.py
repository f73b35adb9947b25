"""autograd_core.compile refuses, when it records, what a replay could not repeat faithfully;
and what it can replay instead (arrays the step names, library checks) it replays."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd_core import Tensor, no_grad
from autograd_core.compile import CompileError, ConcretizationError
from autograd_core.compile import compile as ag_compile

# ---------------------------------------------------------------- refusals

def _param():
    return Tensor(np.array([1.0, 2.0]), requires_grad=True)


def test_refuses_item_inside_the_step():
    w = _param()

    def f():
        loss = (w * w).sum()
        return loss.item()

    with pytest.raises(ConcretizationError, match=r"\.item\(\) of a traced"):
        ag_compile(f)()


def test_refuses_python_branch_on_a_tensor():
    w = _param()

    def f():
        loss = (w * w).sum()
        if loss > 1:
            loss = loss * 2.0
        return loss

    with pytest.raises(ConcretizationError, match=r"bool\(\) of a traced"):
        ag_compile(f)()


def test_refuses_float_of_a_tensor():
    w = _param()
    with pytest.raises(ConcretizationError, match="concretization"):
        ag_compile(lambda: float((w * w).sum()))()


def test_refuses_numpys_global_generator():
    w = _param()
    with pytest.raises(CompileError, match="np.random.rand"), no_grad():
        ag_compile(lambda: (w * Tensor(np.random.rand(2))).sum())()


def test_refuses_a_generator_it_cannot_record():
    w = _param()
    holder = {"rng": np.random.default_rng(0)}

    def draw():
        return holder["rng"]

    with pytest.raises(CompileError, match="does not record"), no_grad():
        ag_compile(lambda: (w * Tensor(draw().normal(size=2))).sum())()


def test_refuses_hooks():
    w = _param()

    def f():
        loss = (w * w).sum()
        loss.register_hook(lambda g: g)
        return loss

    with pytest.raises(CompileError, match="hook"):
        ag_compile(f)()
    w.register_hook(lambda g: g)

    def g():
        loss = (w * w).sum()
        loss.backward()
        return loss

    with pytest.raises(CompileError, match="hook"):
        ag_compile(g)()


def test_refuses_module_forward_hooks():
    model = nn.Linear(2, 2)
    model.register_forward_hook(lambda m, i, o: None)
    x = Tensor(np.ones((1, 2)))
    with pytest.raises(CompileError, match="forward hooks"), no_grad():
        ag_compile(lambda: model(x).sum())()


def test_refuses_anomaly_mode():
    from autograd_core import detect_anomaly

    w = _param()
    with detect_anomaly(), pytest.raises(CompileError, match="anomaly"):
        ag_compile(lambda: (w * w).sum().item())()


def test_refuses_in_place_writes_to_inputs():
    def f(x):
        x += 1.0
        return x.sum()

    with pytest.raises(CompileError, match="writes into its input"):
        ag_compile(f)(np.ones(3))


def test_refuses_value_graphs():
    from autograd_core import Value

    v = Value(2.0)
    with pytest.raises(CompileError, match="Value"):
        ag_compile(lambda: v * v)()


def test_refuses_keeping_a_traced_value_outside():
    w = _param()
    kept = []

    def f():
        loss = (w * w).sum()
        kept.append(loss)
        return loss

    with pytest.raises(CompileError, match="changes the list"), no_grad():
        ag_compile(f)()


def test_refuses_python_attribute_changes():
    class Trainer:
        def __init__(self):
            self.w = _param()
            self.steps = 0

        def step(self):
            self.steps += 1
            return (self.w * self.w).sum()

    t = Trainer()
    with pytest.raises(CompileError, match=r"changes self\.steps"), no_grad():
        ag_compile(t.step)()


def test_refuses_writing_traced_values_into_an_array_out_of_reach():
    w = _param()
    frozen = (np.zeros(2),)  # in a tuple: compile cannot put a stand-in there

    def f():
        y = w * 2.0
        frozen[0][...] = y.data
        return y.sum()

    with pytest.raises(CompileError, match="plain numpy array"), no_grad():
        ag_compile(f)()


def test_arrays_the_step_names_are_read_and_written_at_replay_time():
    w = _param()
    total = np.zeros(2)
    scale = np.array([1.0, 10.0])

    def f():
        with no_grad():
            y = w * Tensor(scale)
            total[...] += y.data
            return y.sum()

    step = ag_compile(f)
    step()
    scale[1] = 100.0  # changed in place between calls: the replay reads the new value
    assert step().item() == 1.0 + 200.0
    assert np.array_equal(total, [2.0, 220.0])
    assert step.stats["replayed"] == 1


def test_a_library_check_that_fails_at_replay_runs_the_step_eagerly():
    model = nn.Linear(3, 2)
    xs = np.ones((4, 3), dtype=np.float32)

    def f(x):
        with no_grad():
            return nn.functional.cross_entropy(model(x), np.zeros(4, dtype=np.int64))

    step = ag_compile(f)
    step(Tensor(xs))
    bad = xs.copy()
    bad[0, 0] = np.inf  # cross_entropy's "all logits finite" check now goes the other way
    got = step(Tensor(bad))
    want = f(Tensor(bad))
    assert np.array_equal(got.data, want.data, equal_nan=True)
    assert step.stats["eager"] == 1


def test_refuses_returning_a_graph():
    w = _param()
    with pytest.raises(CompileError, match="still has its graph"):
        ag_compile(lambda: (w * w).sum())()


def test_after_a_refusal_the_state_is_plain_and_values_left_behind_still_compute():
    model = nn.Linear(2, 2)
    kept = {}

    def f():
        out = model(Tensor(np.ones((1, 2))))
        kept["out"] = out.data  # a stand-in, since the recording stops below
        return float(out.sum())

    with pytest.raises(ConcretizationError):
        ag_compile(f)()
    assert type(model.weight.data) is np.ndarray and type(model.bias.data) is np.ndarray
    left = kept["out"]
    with no_grad():
        want = model(Tensor(np.ones((1, 2)))).data
    assert np.array_equal(np.asarray(left), want) and np.array_equal(left + 0.0, want)
