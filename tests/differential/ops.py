"""The op catalogue: every Tensor op of the README's op table, one drawing function each.

A drawing function takes the generator, picks inputs (and parameters) that suit the op, and
returns the Step rendered for both libraries, or None when nothing suits. `CATALOGUE` maps a
name to (function, weight); to cover a new op, add a function and a line there.
In-place ops and `t[i] = v` are in inplace.py, array-shaped ops (reductions, shape, indexing,
matmul) in ops_array.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .program import Step, bool_lit, fixed, lit, near, promote, same

if TYPE_CHECKING:
    from .generate import Gen

Draw = Callable[["Gen"], "Step | None"]


def _num(x: float) -> str:
    return repr(float(x))


# ================================================================ elementwise, unary

# name -> (our spelling, PyTorch's, domain check on the input's values, discontinuous?)
UNARY: dict[str, tuple[str, str, Callable[[np.ndarray], bool], bool]] = {
    "exp": ("{x}.exp()", "torch.exp({x})", lambda v: v.size == 0 or v.max() < 8, False),
    "log": ("{x}.log()", "torch.log({x})", lambda v: v.size == 0 or v.min() > 0.05, False),
    "sqrt": ("{x}.sqrt()", "torch.sqrt({x})", lambda v: v.size == 0 or v.min() > 0.05, False),
    "abs": ("{x}.abs()", "torch.abs({x})", lambda v: True, False),
    "sin": ("ag.sin({x})", "torch.sin({x})", lambda v: True, False),
    "cos": ("{x}.cos()", "torch.cos({x})", lambda v: True, False),
    "tanh": ("{x}.tanh()", "torch.tanh({x})", lambda v: True, False),
    "sigmoid": ("{x}.sigmoid()", "torch.sigmoid({x})", lambda v: True, False),
    "relu": ("{x}.relu()", "torch.relu({x})", lambda v: True, False),
    "sign": ("{x}.sign()", "torch.sign({x})", lambda v: True, True),
    "floor": ("ag.floor({x})", "torch.floor({x})", lambda v: True, True),
    "neg": ("-{x}", "-{x}", lambda v: True, False),
    "softmax": ("{x}.softmax({a})", "torch.softmax({x}, {a})", lambda v: True, False),
    "log_softmax": ("ag.log_softmax({x}, {a})", "torch.log_softmax({x}, {a})",
                    lambda v: True, False),
    "clone": ("{x}.clone()", "{x}.clone()", lambda v: True, False),
    "detach": ("{x}.detach()", "{x}.detach()", lambda v: True, False),
}


def unary(name: str) -> Draw:
    """Draw `name` applied to an existing float node whose values are in its domain."""
    ours, theirs, ok, jumps = UNARY[name]

    def draw(g: Gen) -> Step | None:
        x = g.pick(lambda m: ok(m.value))
        if x is None:
            return None
        m = g.meta(x)
        if name in ("relu", "abs", "sign") and near(m.value) or \
                name == "floor" and near(m.value, np.round(m.value)):
            return None  # a value within rounding of the kink (generate.near)
        a = _axis(g, len(m.shape)) if "{a}" in ours else 0
        out = g.new_name()
        return Step(out, f"{out} = " + ours.format(x=x, a=a),
                    f"{out} = " + theirs.format(x=x, a=a), (x,), same(x),
                    frozenset({"jump"} if jumps else ()))
    return draw


def _axis(g: Gen, ndim: int) -> int:
    """One valid axis, negative half the time (a 0-d tensor takes 0 or -1)."""
    n = max(ndim, 1)
    return int(g.rng.integers(-n, n))


def draw_clip(g: Gen) -> Step | None:
    """clip with number bounds (one may be None), or with Tensor bounds."""
    x = g.pick()
    if x is None:
        return None
    m = g.meta(x)
    out = g.new_name()
    r = g.rng.random()
    if r < 0.6 or not m.shape and r < 0.8:
        lo, hi = sorted(g.rng.normal(size=2).round(3))
        lo_s = "None" if g.rng.random() < 0.2 else _num(lo)
        hi_s = "None" if lo_s != "None" and g.rng.random() < 0.3 else _num(hi)
        if lo_s == hi_s == "None":
            hi_s = _num(hi)
        if any(b != "None" and near(m.value, float(b)) for b in (lo_s, hi_s)):
            return None
        spelling = "{x}.clip({lo}, {hi})" if g.rng.random() < 0.5 else "ag.clip({x}, {lo}, {hi})"
        return Step(out, f"{out} = " + spelling.format(x=x, lo=lo_s, hi=hi_s),
                    f"{out} = torch.clamp({x}, {lo_s}, {hi_s})", (x,), same(x))
    # Tensor bounds: they broadcast against x (PyTorch's clamp gives them a gradient).
    lo_n = g.operand(g.partner_shape(m.shape))
    hi_n = g.operand(g.partner_shape(m.shape))
    lo_v, hi_v = g.meta(lo_n).value, g.meta(hi_n).value
    try:
        if np.any(np.broadcast_arrays(lo_v, hi_v)[0] > np.broadcast_arrays(lo_v, hi_v)[1]):
            return None
        if np.broadcast_shapes(m.shape, lo_v.shape, hi_v.shape) != m.shape:
            return None
    except ValueError:
        return None
    if near(m.value, lo_v) or near(m.value, hi_v) or near(lo_v, hi_v):
        return None
    return Step(out, f"{out} = {x}.clip({lo_n}, {hi_n})",
                f"{out} = torch.clamp({x}, {lo_n}, {hi_n})", (x, lo_n, hi_n),
                promote(x, lo_n, hi_n))


def draw_pow_number(g: Gen) -> Step | None:
    """x ** c for a number c (int or float), or c ** x."""
    c = float(g.rng.choice([2, 3, 0.5, -1, 0, 1.5, -2]))
    if g.rng.random() < 0.25:
        x = g.pick(lambda m: m.value.size == 0 or m.value.max() < 5)
        if x is None:
            return None
        base = float(g.rng.choice([2.0, 0.5, 3]))
        out = g.new_name()
        return Step(out, f"{out} = {base!r} ** {x}", f"{out} = {base!r} ** {x}", (x,),
                    promote(x, base))

    def ok(v: np.ndarray) -> bool:
        if v.size == 0:
            return True
        if c in (0.5, 1.5):
            return bool(v.min() > 0.05)
        if c < 0:
            return bool(np.abs(v).min() > 0.2)
        return True
    x = g.pick(lambda m: ok(m.value))
    if x is None:
        return None
    cs = str(int(c)) if c == int(c) and g.rng.random() < 0.5 else repr(c)
    out = g.new_name()
    spelling = "{x} ** {c}" if g.rng.random() < 0.7 else "{x}.pow({c})"
    return Step(out, f"{out} = " + spelling.format(x=x, c=cs), f"{out} = {x} ** {cs}", (x,),
                promote(x, eval(cs)))


# ================================================================ elementwise, binary

BINARY = {
    "add": ("{a} + {b}", "{a} + {b}"),
    "sub": ("{a} - {b}", "{a} - {b}"),
    "mul": ("{a} * {b}", "{a} * {b}"),
    "div": ("{a} / {b}", "{a} / {b}"),
    "pow": ("{a} ** {b}", "{a} ** {b}"),
    "maximum": ("ag.maximum({a}, {b})", "torch.maximum({a}, {b})"),
    "minimum": ("ag.minimum({a}, {b})", "torch.minimum({a}, {b})"),
}


def binary(name: str) -> Draw:
    """Draw a binary op between a node and a node, a Python number, or a numpy scalar."""
    ours, theirs = BINARY[name]

    def draw(g: Gen) -> Step | None:
        a = g.pick(lambda m: name != "pow" or m.value.size == 0 or m.value.min() > 0.2)
        if a is None:
            return None
        m = g.meta(a)
        r = g.rng.random()
        out = g.new_name()
        if r < 0.3 and name not in ("maximum", "minimum"):
            c = float(g.rng.choice([2.0, -0.5, 3, 1.5]))
            if name == "pow":
                c = float(g.rng.choice([2.0, 0.5, 3.0]))
            scalar = str(int(c)) if c == int(c) and g.rng.random() < 0.3 else repr(c)
            numpy_scalar = g.rng.random() < 0.3
            ours_c = f"np.float64({scalar})" if numpy_scalar else scalar
            value = np.float64(c) if numpy_scalar else eval(scalar)
            left = g.rng.random() < 0.5 and name != "pow"
            if left and name == "div" and (m.value.size and np.abs(m.value).min() < 0.2):
                left = False
            pa, pb = (ours_c, a) if left else (a, ours_c)
            ta, tb = (scalar, a) if left else (a, scalar)
            return Step(out, f"{out} = " + ours.format(a=pa, b=pb),
                        f"{out} = " + theirs.format(a=ta, b=tb), (a,),
                        promote(a, value), frozenset({"np_scalar"} if numpy_scalar else ()))

        def ok(v: np.ndarray) -> bool:
            if name == "div":
                return v.size == 0 or bool(np.abs(v).min() > 0.2)
            if name == "pow":
                return v.size == 0 or bool(np.abs(v).max() < 3)
            return True
        b = g.operand(g.partner_shape(m.shape))
        if not ok(g.meta(b).value):
            return None
        if name in ("maximum", "minimum"):
            try:
                if near(m.value, g.meta(b).value):
                    return None
            except ValueError:
                return None
        if g.rng.random() < 0.5 and name not in ("div", "pow"):
            a, b = b, a
        return Step(out, f"{out} = " + ours.format(a=a, b=b),
                    f"{out} = " + theirs.format(a=a, b=b), (a, b), promote(a, b))
    return draw


def draw_pow_zeros(g: Gen) -> Step | None:
    """a ** b with whole-number exponents 0..3 and bases that may be 0 (0 ** 0 included)."""
    a = g.pick()
    if a is None:
        return None
    shape = g.partner_shape(g.meta(a).shape)
    b = g.new_name()
    v = g.rng.integers(0, 4, size=shape).astype(np.float64)
    grad = bool(g.rng.random() < 0.5)
    flag = ", requires_grad=True" if grad else ""
    g.add(Step(b, f"{b} = T({lit(v)}{flag})", f"{b} = torch.tensor({lit(v)}{flag})", (),
               fixed("DT"), frozenset({"leaf" if grad else "const"})), leaf=True)
    out = g.new_name()
    return Step(out, f"{out} = {a} ** {b}", f"{out} = {a} ** {b}", (a, b), promote(a, b))


def draw_compare(g: Gen) -> Step | None:
    """A comparison: a boolean node (no gradient), used by `where` and masks."""
    a = g.pick()
    if a is None:
        return None
    op = str(g.rng.choice(["<", "<=", ">", ">=", "==", "!="]))
    out = g.new_name()
    if g.rng.random() < 0.5:
        c = _num(float(g.rng.choice([0.0, 0.5, -0.3])))
        if near(g.meta(a).value, float(c)):
            return None
        return Step(out, f"{out} = {a} {op} {c}", f"{out} = {a} {op} {c}", (a,),
                    fixed(np.bool_), frozenset({"jump"}))
    b = g.operand(g.partner_shape(g.meta(a).shape))
    try:
        if near(g.meta(a).value, g.meta(b).value):
            return None
    except ValueError:
        return None
    return Step(out, f"{out} = {a} {op} {b}", f"{out} = {a} {op} {b}", (a, b),
                fixed(np.bool_), frozenset({"jump"}))


def draw_where(g: Gen) -> Step | None:
    """where(cond, a, b): cond a boolean node or a constant mask; a and b nodes or numbers."""
    a = g.pick()
    if a is None:
        return None
    shape = g.meta(a).shape
    cond = g.pick(lambda m: _broadcasts(m.shape, shape), kind="b")
    if cond is None or g.rng.random() < 0.3:
        mask = g.rng.random(g.partner_shape(shape)) < 0.5
        c_ours, c_torch, deps = bool_lit(mask, "ours"), bool_lit(mask, "torch"), ()
    else:
        c_ours = c_torch = cond
        deps = (cond,)
    out = g.new_name()
    if g.rng.random() < 0.3:
        c = _num(round(float(g.rng.normal()), 2))
        return Step(out, f"{out} = ag.where({c_ours}, {a}, {c})",
                    f"{out} = torch.where({c_torch}, {a}, {c})", deps + (a,),
                    promote(a, float(c)), frozenset({"jump"} if deps else ()))
    b = g.operand(g.partner_shape(shape))
    return Step(out, f"{out} = ag.where({c_ours}, {a}, {b})",
                f"{out} = torch.where({c_torch}, {a}, {b})", deps + (a, b), promote(a, b),
                frozenset({"jump"} if deps else ()))


def _broadcasts(s1: tuple[int, ...], s2: tuple[int, ...]) -> bool:
    try:
        return np.broadcast_shapes(s1, s2) == s2
    except ValueError:
        return False


def draw_custom(g: Gen) -> Step | None:
    """One of the custom Functions of runtime.py (one output, two outputs, a number argument)."""
    which = str(g.rng.choice(["Cube", "MulAdd", "TwoOut", "ScaleBy"]))
    x = g.pick()
    if x is None:
        return None
    out = g.new_name()
    if which == "Cube":
        return Step(out, f"{out} = Cube.apply({x})", f"{out} = Cube.apply({x})", (x,), same(x),
                    frozenset({"custom"}))
    if which == "TwoOut":
        k = int(g.rng.integers(0, 2))
        return Step(out, f"{out} = TwoOut.apply({x})[{k}]", f"{out} = TwoOut.apply({x})[{k}]",
                    (x,), same(x), frozenset({"custom"}))
    if which == "ScaleBy":
        c = _num(round(float(g.rng.normal()), 2))
        return Step(out, f"{out} = ScaleBy.apply({x}, {c})", f"{out} = ScaleBy.apply({x}, {c})",
                    (x,), promote(x, float(c)), frozenset({"custom"}))
    y = g.operand(g.partner_shape(g.meta(x).shape))
    if np.broadcast_shapes(g.meta(x).shape, g.meta(y).shape) != g.meta(x).shape:
        return None
    return Step(out, f"{out} = MulAdd.apply({x}, {y})", f"{out} = MulAdd.apply({x}, {y})",
                (x, y), promote(x, y), frozenset({"custom"}))


def draw_cast(g: Gen) -> Step | None:
    """astype / float() / double(): float dtypes, differentiable both ways."""
    x = g.pick()
    if x is None:
        return None
    out = g.new_name()
    dt = str(g.rng.choice(["float32", "float64"]))
    # float()/double() are PyTorch's (the tensor itself when nothing changes); astype is
    # numpy's (always a copy), which PyTorch spells .to(dtype, copy=True).
    if g.rng.random() < 0.5:
        ours = {"float32": ".float()", "float64": ".double()"}[dt]
        theirs = ours
    else:
        ours, theirs = f".astype('{dt}')", f".to(torch.{dt}, copy=True)"
    return Step(out, f"{out} = {x}{ours}", f"{out} = {x}{theirs}", (x,), fixed(np.dtype(dt)),
                frozenset({"cast"}))


def draw_leaf(g: Gen) -> Step | None:
    """A new leaf (or constant) mid-program, so later ops meet fresh inputs."""
    g.leaf(g.shape(), grad=g.rng.random() < 0.7)
    return None


def _catalogue() -> dict[str, tuple[Draw, float]]:
    from . import inplace, ops_array

    cat: dict[str, tuple[Draw, float]] = {n: (unary(n), 1.0) for n in UNARY}
    cat.update({n: (binary(n), 2.0) for n in BINARY})
    cat.update({
        "clip": (draw_clip, 1.5), "pow_number": (draw_pow_number, 1.5),
        "pow_zeros": (draw_pow_zeros, 0.7),
        "compare": (draw_compare, 0.7), "where": (draw_where, 1.0),
        "custom": (draw_custom, 1.0), "cast": (draw_cast, 0.5), "leaf": (draw_leaf, 0.5),
    })
    cat.update(ops_array.CATALOGUE)
    cat.update(inplace.CATALOGUE)
    return cat


CATALOGUE: dict[str, tuple[Draw, float]] = {}


def choose(g: Gen) -> Draw:
    """A drawing function, at random by weight."""
    if not CATALOGUE:
        CATALOGUE.update(_catalogue())
    names = list(CATALOGUE)
    w = np.array([CATALOGUE[n][1] for n in names])
    return CATALOGUE[names[int(g.rng.choice(len(names), p=w / w.sum()))]][0]
