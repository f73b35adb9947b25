"""The two backward paths agree: `backward_raw` (numpy, used without create_graph) and
`backward` (Tensor ops, recorded with create_graph) give the same gradients for every op."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from autograd_core import Node, Tensor, Value, grad
from autograd_core.checking.checks import OPS, OpCase


def _scalar(out: Any, rng: np.random.Generator) -> Any:
    """A random weighted sum of the outputs, so every output element matters."""
    outs = out if isinstance(out, tuple) else (out,)
    total: Any = None
    for o in outs:
        if isinstance(o, Value):
            term = o * float(rng.standard_normal())
        else:
            term = (o * Tensor(rng.standard_normal(o.shape))).sum()
        total = term if total is None else total + term
    return total


@pytest.mark.parametrize("case", OPS, ids=lambda c: c.name)
def test_raw_and_recorded_backward_agree(case: OpCase) -> None:
    inputs = case.make_inputs(np.random.default_rng(0))
    leaves = [x for x in inputs if isinstance(x, Node) and x.requires_grad]
    weights = np.random.default_rng(1)
    fast = grad(_scalar(case.fn(*inputs), weights), leaves, allow_unused=True)
    weights = np.random.default_rng(1)
    slow = grad(_scalar(case.fn(*inputs), weights), leaves, allow_unused=True, create_graph=True)
    for i, (a, b) in enumerate(zip(fast, slow)):
        assert (a is None) == (b is None), f"input {i}: one path gave no gradient"
        if a is not None:
            np.testing.assert_allclose(np.asarray(a.data, dtype=float),
                                       np.asarray(b.data, dtype=float), rtol=1e-9, atol=1e-12,
                                       err_msg=f"{case.name}: input {i}")


def test_a_wrong_raw_backward_would_be_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograd_core import functions as fn

    monkeypatch.setattr(fn.Exp, "backward_raw", lambda ctx, g: (g * 2.0,))
    x = Tensor(np.array([0.3, -0.2]), requires_grad=True)
    (fast,) = grad(x.exp().sum(), [x])
    (slow,) = grad(x.exp().sum(), [x], create_graph=True)
    assert not np.allclose(fast.data, slow.data)


@pytest.mark.parametrize("f", [lambda x: 1.5 - x, lambda x: x - 1.5, lambda x: 2.5 * x,
                               lambda x: x * 2.5, lambda x: x + 1.5, lambda x: 1.5 + x],
                         ids=["rsub", "sub", "rmul", "mul", "add", "radd"])
def test_python_number_fast_paths_agree_and_are_right(f: Any) -> None:
    x = Tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    (fast,) = grad((f(x) * f(x)).sum(), [x])
    (slow,) = grad((f(x) * f(x)).sum(), [x], create_graph=True)
    eps = 1e-6
    numeric = [(np.sum(f(x.data + eps * e) ** 2) - np.sum(f(x.data - eps * e) ** 2)) / (2 * eps)
               for e in np.eye(3)]
    np.testing.assert_allclose(fast.data, slow.data, rtol=1e-12)
    np.testing.assert_allclose(fast.data, numeric, rtol=1e-6)


def _fused_cases() -> list[tuple[str, Any, Any]]:
    from autograd_core import functions as fn

    rng = np.random.default_rng(3)
    t = np.array([2, 0, 1, 2])

    def leaf(*shape: int) -> Tensor:
        return Tensor(rng.standard_normal(shape), requires_grad=True)

    return [
        ("linear 2-D", lambda x, w, b: fn.Linear.apply(x, w, b), (leaf(4, 3), leaf(5, 3), leaf(5))),
        ("linear 3-D", lambda x, w, b: fn.Linear.apply(x, w, b),
         (leaf(2, 4, 3), leaf(5, 3), leaf(5))),
        ("linear no bias", lambda x, w: fn.Linear.apply(x, w, None), (leaf(4, 3), leaf(5, 3))),
        ("cross entropy", lambda z: fn.CrossEntropy.apply(z, t), (leaf(4, 3),)),
    ]


@pytest.mark.parametrize("name, f, inputs", _fused_cases(), ids=lambda v: v if isinstance(v, str)
                         else "")
def test_fused_primitives_are_right_on_both_paths(name: str, f: Any, inputs: Any) -> None:
    from autograd_core import gradcheck, gradgradcheck

    assert gradcheck(f, inputs)  # the raw path (no create_graph)
    assert gradgradcheck(f, inputs)  # the recorded path, differentiated again
    rng = np.random.default_rng(1)
    fast = grad(_scalar(f(*inputs), rng), list(inputs))
    rng = np.random.default_rng(1)
    slow = grad(_scalar(f(*inputs), rng), list(inputs), create_graph=True)
    for a, b in zip(fast, slow):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-10, atol=1e-12)


def test_value_dot_backward_takes_the_raw_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # Value.dot is the scalar MLP's hot op: without create_graph its gradient must come from
    # backward_raw (plain floats), not from the recorded Value-op formula.
    from autograd_core.value import primitives as vf

    def recorded(ctx: Any, g: Any) -> Any:
        raise AssertionError("the recorded backward ran without create_graph")

    monkeypatch.setattr(vf._Dot, "backward", recorded)
    w1, w2, x1, x2, b = (Value(v) for v in (0.5, -1.5, 2.0, 3.0, 0.25))
    Value.dot([w1, w2], [x1, x2], b).backward()
    assert (w1.grad, w2.grad, x1.grad, x2.grad, b.grad) == (2.0, 3.0, 0.5, -1.5, 1.0)
