"""micrograd parity, the last bits: numbers in a Value graph get their gradient as in micrograd,
the graph has micrograd's shape (`-a` is `a * -1`, `a / b` is `a * b**-1`), and every Value made
by an op offers micrograd's `_backward()` so the lecture's by-hand cells run unchanged."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from autograd_core import Value


def _nodes(root: Any) -> list[Any]:
    """Every node of a graph, walking `_prev` (micrograd's attribute) iteratively."""
    seen: dict[int, Any] = {}
    stack = [root]
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen[id(v)] = v
            stack.extend(v._prev)
    return list(seen.values())


def _signature(root: Any) -> list[tuple[str, float, float]]:
    """The graph as a sorted list of (op, data, grad): equal for graphs of the same shape."""
    return sorted((v._op, round(float(v.data), 9), round(float(v.grad), 9)) for v in _nodes(root))


def neuron_and_pieces() -> dict[str, Value]:
    """micrograd lecture's neuron, kept in pieces for the by-hand cells."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    return dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, x1w1=x1w1, x2w2=x2w2, x1w1x2w2=x1w1x2w2,
                n=n, o=o)


def test_the_lectures_by_hand_cells_run_unchanged() -> None:
    v = neuron_and_pieces()
    o, n, b, x1w1x2w2, x2w2, x1w1 = (v[k] for k in ("o", "n", "b", "x1w1x2w2", "x2w2", "x1w1"))
    o.grad = 1.0
    o._backward()
    n._backward()
    b._backward()  # a leaf: nothing to do
    x1w1x2w2._backward()
    x2w2._backward()
    x1w1._backward()
    auto = neuron_and_pieces()
    auto["o"].backward()
    for name in v:
        assert v[name].grad == pytest.approx(auto[name].grad, rel=1e-12), name
    assert v["x1"].grad == pytest.approx(-1.5) and v["w1"].grad == pytest.approx(1.0)
    assert v["n"].grad == pytest.approx(0.5)


def test_by_hand_steps_also_work_after_backward() -> None:
    x = Value(0.7)
    y = (x * 3.0).tanh()  # tanh's backward reads its output, which backward() lets go
    y.backward()
    first = x.grad
    y._backward()  # y.grad is still 1: m.grad doubles, as it would in micrograd
    (m,) = y._prev
    m._backward()  # then x gets m.grad * 3 on top of its first gradient
    assert x.grad == pytest.approx(3 * first, rel=1e-12)


def test_numbers_get_their_gradient() -> None:
    x = Value(3.0)
    y = (x * 2 + 1).relu()
    y.backward()
    (inner,) = y._prev
    consts = sorted((c.data, c.grad) for c in inner._prev)
    assert consts == [(1.0, 1.0), (6.0, 1.0)]  # the 1, and the product node x * 2
    (prod,) = [c for c in inner._prev if c._op == "*"]
    assert sorted((c.data, c.grad) for c in prod._prev) == [(2.0, 3.0), (3.0, 2.0)]


def test_numbers_need_no_gradient_when_nothing_does() -> None:
    frozen = Value(2.0, requires_grad=False)
    y = frozen * 3 + 1
    assert not y.requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_micrograds_shapes_for_neg_sub_and_div() -> None:
    a, b = Value(1.5), Value(-2.0)
    assert (-a)._op == "*" and {c.data for c in (-a)._prev} == {1.5, -1.0}
    assert (a - 2)._op == "+" and {c.data for c in (a - 2)._prev} == {1.5, -2.0}
    assert (a / 4)._op == "*" and {c.data for c in (a / 4)._prev} == {1.5, 0.25}
    q = 3 / b
    assert q._op == "*" and sorted(c._op for c in q._prev) == ["", "**-1"]
    for y, want in ((a - b, 1.0), (a / b, 1 / -2.0), (2.0 - a, -1.0), (3.0 / a, -3.0 / 2.25)):
        a.grad = 0.0
        y.backward()
        assert a.grad == pytest.approx(want, rel=1e-12)


# ---------------------------------------------------------------- against micrograd itself

def _readme(a: Any, b: Any) -> Any:
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


EXPRESSIONS: list[tuple[str, Callable[..., Any], tuple[float, ...]]] = [
    ("(x * 2 + 1).relu()", lambda x: (x * 2 + 1).relu(), (3.0,)),
    ("micrograd's README", _readme, (-4.0, 2.0)),
    ("numbers on both sides", lambda x, y: (2 - x) * (y / 3) + 4 / (x - y) - (-y) ** 2,
     (0.5, 1.5)),
    ("a ReLU neuron", lambda x1, x2, w1, w2, b: (x1 * w1 + x2 * w2 + b).relu(),
     (2.0, 0.5, -3.0, 1.0, 6.8813735870195432)),
    ("powers and a sum with numbers", lambda x: (x**3 + 1) * 0.5 - x / 2 + 1 / x**2, (0.3,)),
]  # micrograd's engine has +, *, **number, relu and their compositions (no tanh, no exp)


@pytest.mark.parametrize("name,expr,args", EXPRESSIONS, ids=[e[0] for e in EXPRESSIONS])
def test_every_node_and_gradient_matches_micrograd(name: str, expr: Callable[..., Any],
                                                   args: tuple[float, ...]) -> None:
    mg = pytest.importorskip("micrograd.engine")
    ours = expr(*[Value(a) for a in args])
    theirs = expr(*[mg.Value(a) for a in args])
    ours.backward()
    theirs.backward()
    assert _signature(ours) == _signature(theirs)


def test_by_hand_cells_match_micrograds_closures() -> None:
    mg = pytest.importorskip("micrograd.engine")

    def by_hand(V: Any) -> list[float]:
        x1, x2, w1, w2, b = V(2.0), V(0.5), V(-3.0), V(1.0), V(6.8813735870195432)
        x1w1, x2w2 = x1 * w1, x2 * w2
        s = x1w1 + x2w2
        n = s + b
        o = (n * n / 2).relu()  # micrograd's engine has no tanh: relu of a product instead
        o.grad = 1.0
        for node in _topological(o)[::-1]:
            node._backward()
        return [v.grad for v in (x1, x2, w1, w2, b, n)]

    ours, theirs = by_hand(Value), by_hand(mg.Value)
    assert ours == pytest.approx(theirs, rel=1e-12)
    assert math.isclose(ours[0], -3.0 * (2.0 * -3.0 + 0.5 + 6.8813735870195432), rel_tol=1e-9)


def _topological(root: Any) -> list[Any]:
    """micrograd's build_topo, written iteratively: inputs before the nodes made from them."""
    order: list[Any] = []
    seen: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
        elif id(v) not in seen:
            seen.add(id(v))
            stack.append((v, True))
            stack.extend((c, False) for c in v._prev)
    return order
