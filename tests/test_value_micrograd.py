"""The scalar `Value` as micrograd's code sees it: `_prev`, `_op`, reversed operators, and the
gradients micrograd fills in for intermediate nodes and the root."""

from __future__ import annotations

import math

import pytest

from autograd_core import Value


def test_micrograd_graph_attributes_prev_and_op() -> None:
    # micrograd's draw_dot walks `_prev` (a set of children) and prints `_op`.
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    assert a._prev == set() and a._op == "" and a.label == "a"
    for out, op, children in [(a + b, "+", {a, b}), (a * b, "*", {a, b})]:
        assert out._op == op and out._prev == children
    q = a / b  # micrograd's a * b**-1
    assert q._op == "*" and a in q._prev
    (inv,) = q._prev - {a}
    assert inv._op == "**-1" and inv._prev == {b}
    assert (a * 2)._prev >= {a} and (2 * a)._prev >= {a}
    for out in (a.tanh(), a.exp(), a.relu(), a**2):
        assert out._prev == {a} and out._op
    c = a + b
    c.backward()
    assert c._prev == {a, b}  # scalar graphs keep their structure after backward (drawable)


def test_reversed_operators_match_formulas() -> None:
    x = Value(1.5)
    ys = [2 * x, 1 - x, 10.0 / x, 2**x, 3 + x]
    vals = [3.0, -0.5, 10.0 / 1.5, 2**1.5, 4.5]
    grads = [2.0, -1.0, -10.0 / 1.5**2, 2**1.5 * math.log(2), 1.0]
    for y, v, g in zip(ys, vals, grads):
        x.grad = 0.0
        y.backward()
        assert y.data == pytest.approx(v) and x.grad == pytest.approx(g)


def test_micrograd_fills_intermediate_and_root_grads() -> None:
    x = Value(1.0)
    h = x * 2 + 1
    y = h.relu()
    y.backward()
    assert x.grad == 2.0
    assert y.grad == 1.0 and h.grad == 1.0
