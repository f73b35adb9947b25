"""The scalar `Value`: micrograd's examples, every op against finite differences, random trees."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_core import Value, grad

EPS = 1e-6


def fd(f: Callable[..., float], xs: list[float], eps: float = EPS) -> list[float]:
    """Central differences of a float function of several floats (float64)."""
    out = []
    for i in range(len(xs)):
        hi = list(xs)
        lo = list(xs)
        hi[i] += eps
        lo[i] -= eps
        out.append((f(*hi) - f(*lo)) / (2 * eps))
    return out


# ---------------------------------------------------------------- micrograd's own examples

def _relu(x: Any) -> Any:
    return x.relu() if isinstance(x, Value) else max(x, 0.0)


def readme_expr(a: Any, b: Any) -> Any:
    """micrograd's README example (also its test_more_ops), over Values or floats."""
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + _relu(b + a)
    d += 3 * d + _relu(b - a)
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def sanity_expr(x: Any) -> Any:
    """micrograd's test_sanity_check expression."""
    z = 2 * x + 2 + x
    q = _relu(z) + z * x
    h = _relu(z * z)
    return h + q + q * x


def test_micrograd_readme_numbers() -> None:
    a, b = Value(-4.0), Value(2.0)
    g = readme_expr(a, b)
    g.backward()
    # The numbers micrograd's README prints.
    assert f"{g.data:.4f}" == "24.7041"
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_micrograd_more_ops_matches_finite_differences() -> None:
    a, b = Value(-4.0), Value(2.0)
    g = readme_expr(a, b)
    g.backward()
    assert g.data == pytest.approx(readme_expr(-4.0, 2.0), rel=1e-12)
    ga, gb = fd(readme_expr, [-4.0, 2.0])
    assert a.grad == pytest.approx(ga, rel=1e-6)
    assert b.grad == pytest.approx(gb, rel=1e-6)


def test_micrograd_sanity_check_matches_finite_differences() -> None:
    x = Value(-4.0)
    y = sanity_expr(x)
    y.backward()
    assert y.data == pytest.approx(sanity_expr(-4.0), rel=1e-12)
    assert x.grad == pytest.approx(fd(sanity_expr, [-4.0])[0], rel=1e-6)
    # By hand: z=-10, q=40, h=100, y=-20, dy/dx = 46.
    assert y.data == -20.0
    assert x.grad == pytest.approx(46.0)


def test_micrograd_examples_match_torch() -> None:
    torch = pytest.importorskip("torch")
    a = torch.tensor([-4.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    gt = _torch_readme(a, b)
    gt.backward()
    va, vb = Value(-4.0), Value(2.0)
    g = readme_expr(va, vb)
    g.backward()
    assert g.data == pytest.approx(gt.item(), rel=1e-12)
    assert va.grad == pytest.approx(a.grad.item(), rel=1e-12)
    assert vb.grad == pytest.approx(b.grad.item(), rel=1e-12)
    x = torch.tensor([-4.0], dtype=torch.float64, requires_grad=True)
    yt = _torch_sanity(x)
    yt.backward()
    vx = Value(-4.0)
    y = sanity_expr(vx)
    y.backward()
    assert y.data == pytest.approx(yt.item())
    assert vx.grad == pytest.approx(x.grad.item())


def _torch_readme(a: Any, b: Any) -> Any:
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    return g + 10.0 / f


def _torch_sanity(x: Any) -> Any:
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    return h + q + q * x


# ---------------------------------------------------------------- every op, one at a time

UNARY: dict[str, tuple[Callable[[Value], Value], Callable[[float], float], list[float]]] = {
    "exp": (lambda v: v.exp(), math.exp, [-2.0, 0.3, 1.5]),
    "log": (lambda v: v.log(), math.log, [0.2, 1.0, 3.0]),
    "sqrt": (lambda v: v.sqrt(), math.sqrt, [0.3, 2.0]),
    "tanh": (lambda v: v.tanh(), math.tanh, [-1.2, 0.0, 0.7]),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x)), [-3.0, 0.0, 2.0]),
    "relu": (lambda v: v.relu(), lambda x: max(x, 0.0), [-1.0, 2.0]),
    "leaky_relu": (lambda v: v.leaky_relu(), lambda x: max(0.1 * x, x), [-1.0, 2.0]),
    "leaky_relu_0.2": (lambda v: v.leaky_relu(0.2), lambda x: max(0.2 * x, x), [-1.0, 2.0]),
    "elu": (lambda v: v.elu(), lambda x: x if x > 0 else math.expm1(x), [-1.5, 0.5]),
    "elu_2": (lambda v: v.elu(2.0), lambda x: x if x > 0 else 2 * math.expm1(x), [-1.5, 0.5]),
    "softplus": (lambda v: v.softplus(), lambda x: math.log1p(math.exp(x)), [-2.0, 0.0, 3.0]),
    "abs": (lambda v: v.abs(), abs, [-1.5, 2.0]),
    "builtin_abs": (lambda v: abs(v), abs, [-1.5, 2.0]),
    "neg": (lambda v: -v, lambda x: -x, [1.5]),
    "pow2": (lambda v: v**2, lambda x: x**2, [-1.5, 3.0]),
    "pow_half": (lambda v: v**0.5, lambda x: x**0.5, [0.5, 4.0]),
    "pow_neg": (lambda v: v**-1.5, lambda x: x**-1.5, [0.5, 4.0]),
    "rpow": (lambda v: 2.0**v, lambda x: 2.0**x, [-1.0, 1.3]),
    "radd": (lambda v: 3 + v, lambda x: 3 + x, [1.0]),
    "rsub": (lambda v: 1 - v, lambda x: 1 - x, [1.0]),
    "rmul": (lambda v: 2 * v, lambda x: 2 * x, [1.0]),
    "rdiv": (lambda v: 10.0 / v, lambda x: 10.0 / x, [-2.0, 0.5]),
    "div_num": (lambda v: v / 4, lambda x: x / 4, [3.0]),
    "sub_num": (lambda v: v - 4, lambda x: x - 4, [3.0]),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_op_value_and_gradient(name: str) -> None:
    vf, ff, points = UNARY[name]
    for p in points:
        x = Value(p)
        y = vf(x)
        assert isinstance(y, Value)
        assert isinstance(y.data, float)
        assert y.data == pytest.approx(ff(p), rel=1e-12, abs=1e-15)
        y.backward()
        assert x.grad == pytest.approx(fd(ff, [p])[0], rel=1e-6, abs=1e-8), (name, p)


BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_op_value_and_gradients(name: str) -> None:
    f = BINARY[name]
    pa, pb = 1.7, -0.6
    a, b = Value(pa), Value(pb)
    y = f(a, b)
    assert y.data == pytest.approx(f(pa, pb), rel=1e-12)
    y.backward()
    ga, gb = fd(f, [pa, pb])
    assert a.grad == pytest.approx(ga, rel=1e-6)
    assert b.grad == pytest.approx(gb, rel=1e-6)


def test_fused_sum_and_dot() -> None:
    ws = [Value(w) for w in (0.5, -1.0, 2.0)]
    xs = [Value(x) for x in (1.5, 2.0, -0.5)]
    b = Value(0.25)
    y = Value.dot(ws, xs, b)
    assert y.data == pytest.approx(0.5 * 1.5 - 2.0 - 1.0 + 0.25)
    y.backward()
    assert [w.grad for w in ws] == pytest.approx([1.5, 2.0, -0.5])
    assert [x.grad for x in xs] == pytest.approx([0.5, -1.0, 2.0])
    assert b.grad == 1.0
    s = Value.sum(ws + [ws[0]])  # ws[0] twice: its gradient is 2
    assert s.data == pytest.approx(0.5 + -1.0 + 2.0 + 0.5)
    s.backward()
    assert ws[0].grad == pytest.approx(1.5 + 2.0)
    with pytest.raises(ValueError, match="dot"):
        Value.dot(ws, xs[:2])


def test_kink_conventions() -> None:
    """relu'(0)=0, leaky'(0)=slope, abs'(0)=0 (the documented table)."""
    cases = [(lambda v: v.relu(), 0.0), (lambda v: v.leaky_relu(0.1), 0.1),
             (lambda v: v.leaky_relu(0.3), 0.3), (lambda v: v.abs(), 0.0)]
    for f, expected in cases:
        x = Value(0.0)
        f(x).backward()
        assert x.grad == pytest.approx(expected)


def test_numerically_stable_extremes() -> None:
    assert Value(1000.0).tanh().data == 1.0
    assert Value(-1000.0).tanh().data == -1.0
    assert Value(-1000.0).sigmoid().data == pytest.approx(0.0, abs=1e-300)
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(1000.0).softplus().data == pytest.approx(1000.0)
    assert Value(-1000.0).softplus().data == pytest.approx(0.0, abs=1e-300)
    big = Value(1000.0).exp()
    assert big.data == math.inf
    x = Value(-1000.0)
    x.sigmoid().backward()
    assert math.isfinite(x.grad)
    x = Value(800.0)
    x.tanh().backward()
    assert x.grad == 0.0


def test_repr_and_types() -> None:
    v = Value(2)
    assert isinstance(v.data, float) and isinstance(v.grad, float)
    assert v.grad == 0.0
    assert repr(v) == "Value(data=2.0, grad=0.0)"
    (v * 3).backward()
    assert repr(v) == "Value(data=2.0, grad=3.0)"
    assert Value(1.0, label="w").label == "w"


@pytest.mark.parametrize("bad", ["a", None, [1.0], (1.0,), {"x": 1}, 1j])
def test_non_numbers_raise_type_error_naming_the_type(bad: Any) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_non_number_operands_raise_type_error() -> None:
    with pytest.raises(TypeError, match="str"):
        Value(1.0) + "a"  # noqa: B018
    with pytest.raises(TypeError, match="str"):
        Value(1.0) ** "a"  # noqa: B018


# ---------------------------------------------------------------- accumulation and reuse

def test_grad_accumulates_across_backward_calls() -> None:
    x = Value(3.0)
    (x * x).backward()
    (x * 2).backward()
    assert x.grad == pytest.approx(6.0 + 2.0)


def test_reused_node_gets_sum_of_paths() -> None:
    x = Value(1.5)
    h = x * 2.0  # an interior node used by many consumers
    n = 50
    terms = [h * float(k) for k in range(n)]
    y = Value.sum(terms) + h * h + h
    y.backward()
    # y = 2x * sum(k) + 4x^2 + 2x
    assert x.grad == pytest.approx(2 * sum(range(n)) + 8 * 1.5 + 2)
    x = Value(0.7)
    y = x
    for _ in range(30):
        y = y + x  # x reused 31 times, through a chain
    y.backward()
    assert x.grad == pytest.approx(31.0)


# ---------------------------------------------------------------- higher order for scalars

def test_value_second_and_third_derivatives() -> None:
    x = Value(0.8)
    y = x.tanh() * x.exp()
    (d1,) = grad([y], [x], create_graph=True)
    assert isinstance(d1, Value)

    def f(t: float) -> float:
        return math.tanh(t) * math.exp(t)

    def f1(t: float) -> float:
        return fd(f, [t], 1e-5)[0]

    assert d1.data == pytest.approx(fd(f, [0.8])[0], rel=1e-6)
    (d2,) = grad([d1], [x], create_graph=True)
    assert isinstance(d2, Value)
    # analytic first derivative, then finite differences of it for the second
    def g1(t: float) -> float:
        return (1 - math.tanh(t) ** 2) * math.exp(t) + math.tanh(t) * math.exp(t)

    assert d2.data == pytest.approx(fd(g1, [0.8])[0], rel=1e-6)
    (d3,) = grad([d2], [x])

    def g2(t: float) -> float:
        th, e = math.tanh(t), math.exp(t)
        sech2 = 1 - th * th
        return (-2 * th * sech2) * e + 2 * sech2 * e + th * e

    assert d3.data == pytest.approx(fd(g2, [0.8])[0], rel=1e-5)
    assert x.grad == 0.0  # grad() never touches .grad
    assert f1(0.8) == pytest.approx(d1.data, rel=1e-5)


def test_value_pow_with_value_exponent_higher_order() -> None:
    a, b = Value(1.3), Value(0.7)
    y = a**b
    ga, gb = grad([y], [a, b], create_graph=True)
    assert ga.data == pytest.approx(0.7 * 1.3 ** -0.3)
    assert gb.data == pytest.approx(1.3**0.7 * math.log(1.3))
    (gab,) = grad([ga], [b])
    assert gab.data == pytest.approx(fd(lambda t: t * 1.3 ** (t - 1), [0.7])[0], rel=1e-6)


# ---------------------------------------------------------------- random expression trees

_LEAVES = 3

# Each op: (arity, on Values, on floats, kink function or None). Inputs are shaped (v*v+1,
# tanh...) so that the floats stay finite; kinks are avoided with `assume`.
_OPS: list[tuple[str, int, Callable[..., Any], Callable[..., float]]] = [
    ("add", 2, lambda a, b: a + b, lambda a, b: a + b),
    ("sub", 2, lambda a, b: a - b, lambda a, b: a - b),
    ("mul", 2, lambda a, b: a * b, lambda a, b: a * b),
    ("div", 2, lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1)),
    ("pow", 2, lambda a, b: (a * a + 1) ** b.tanh(), lambda a, b: (a * a + 1) ** math.tanh(b)),
    ("square", 1, lambda a: a**2, lambda a: a**2),
    ("exp", 1, lambda a: a.tanh().exp(), lambda a: math.exp(math.tanh(a))),
    ("log", 1, lambda a: (a * a + 0.5).log(), lambda a: math.log(a * a + 0.5)),
    ("sqrt", 1, lambda a: (a * a + 0.5).sqrt(), lambda a: math.sqrt(a * a + 0.5)),
    ("tanh", 1, lambda a: a.tanh(), math.tanh),
    ("sigmoid", 1, lambda a: a.sigmoid(), lambda a: 1 / (1 + math.exp(-a))),
    ("softplus", 1, lambda a: a.softplus(), lambda a: math.log1p(math.exp(-abs(a))) + max(a, 0)),
    ("neg", 1, lambda a: -a, lambda a: -a),
    ("rconst", 1, lambda a: 2.0 - 3 * a, lambda a: 2.0 - 3 * a),
    ("rdiv", 1, lambda a: 1.0 / (a * a + 1), lambda a: 1.0 / (a * a + 1)),
]
_KINKED = [
    ("relu", lambda a: a.relu(), lambda a: max(a, 0.0)),
    ("leaky", lambda a: a.leaky_relu(0.1), lambda a: max(0.1 * a, a)),
    ("elu", lambda a: a.elu(), lambda a: a if a > 0 else math.expm1(a)),
    ("abs", lambda a: a.abs(), abs),
]
_OP_NAMES = {name: (arity, vf, ff) for name, arity, vf, ff in _OPS}
_KINK_NAMES = {name: (vf, ff) for name, vf, ff in _KINKED}

trees = st.recursive(
    st.integers(0, _LEAVES - 1),
    lambda sub: st.one_of(
        st.tuples(st.sampled_from([n for n, a, _, _ in _OPS if a == 1] + list(_KINK_NAMES)),
                  sub),
        st.tuples(st.sampled_from([n for n, a, _, _ in _OPS if a == 2]), sub, sub),
    ),
    max_leaves=10,
)


def _eval(tree: Any, leaves: list[Any], kinks: list[float]) -> Any:
    """Evaluate a tree over Values or floats (iteratively built trees are shallow here)."""
    if isinstance(tree, int):
        return leaves[tree]
    name, *args = tree
    vals = [_eval(a, leaves, kinks) for a in args]
    floats = not isinstance(vals[0], Value)
    if name in _KINK_NAMES:
        vf, ff = _KINK_NAMES[name]
        if floats:
            kinks.append(abs(vals[0]))
        return ff(vals[0]) if floats else vf(vals[0])
    _, vf, ff = _OP_NAMES[name]
    return ff(*vals) if floats else vf(*vals)


@settings(max_examples=60)
@given(trees, st.lists(st.floats(-2.0, 2.0), min_size=_LEAVES, max_size=_LEAVES))
def test_random_expression_trees_match_finite_differences(tree: Any, xs: list[float]) -> None:
    kinks: list[float] = []
    try:
        y0 = _eval(tree, xs, kinks)
    except (OverflowError, ZeroDivisionError, ValueError):
        assume(False)
    assume(math.isfinite(y0) and abs(y0) < 1e6)
    assume(all(k > 1e-3 for k in kinks))  # finite differences need smoothness near the point
    leaves = [Value(x) for x in xs]
    y = _eval(tree, leaves, [])
    if not isinstance(y, Value) or y.requires_grad is False:
        return
    assert y.data == pytest.approx(y0, rel=1e-9, abs=1e-12)
    y.backward()
    expected = fd(lambda *t: _eval(tree, list(t), []), xs)
    for leaf, e in zip(leaves, expected):
        assert leaf.grad == pytest.approx(e, rel=1e-4, abs=1e-4 * (1 + abs(y0)))
    # grad() agrees with backward and leaves .grad alone
    before = [leaf.grad for leaf in leaves]
    y2 = _eval(tree, leaves, [])
    gs = grad([y2], leaves, allow_unused=True)
    for g, e in zip(gs, before):
        assert (0.0 if g is None else g.data) == pytest.approx(e, rel=1e-9, abs=1e-12)
    assert [leaf.grad for leaf in leaves] == before
