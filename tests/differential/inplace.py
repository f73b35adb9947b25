"""Drawing functions for in-place ops: add_, sub_, mul_, div_, zero_, fill_, copy_, clamp_ and
`t[index] = value`.

Each step makes a fresh tensor (a clone of a node, `node * 1.0`, or a constant buffer that does
not require grad) and writes into it 1-3 times, so no earlier op has read the tensor being
written: the rules where the two libraries part on purpose (README, "In-place ops") never
come into play, while a write into a constant buffer of a value that requires grad does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import differences, indexing
from .program import Step, fixed, lit, same

if TYPE_CHECKING:
    from .generate import Gen


def _reducible(src: tuple[int, ...], dst: tuple[int, ...]) -> bool:
    """True when shape `src` broadcasts to `dst`."""
    try:
        return np.broadcast_shapes(src, dst) == dst
    except ValueError:
        return False


def _value(g: Gen, shape: tuple[int, ...], away_from_zero: bool = False,
           grad_ok: bool = True) -> tuple[str, str, tuple[str, ...]] | None:
    """An operand that broadcasts to `shape`: a number, or a node (source for ours, torch)."""
    if g.rng.random() < 0.35:
        c = repr(float(g.rng.choice([2.0, -0.5, 1.5, 0.25])))
        return c, c, ()
    s = g.partner_shape(shape)
    if not _reducible(s, shape):
        s = shape
    v = g.operand(s, grad_ok=grad_ok)
    if g.meta(v).grad and not grad_ok:
        return None
    vals = g.meta(v).value
    if away_from_zero and vals.size and np.abs(vals).min() < 0.2:
        return None
    return v, v, (v,)


def draw_inplace(g: Gen) -> Step | None:
    """A fresh tensor written in place 1-3 times."""
    out = g.new_name()
    src = g.pick() if g.rng.random() < 0.75 else None
    if src is None:
        shape = g.shape()
        v = g.values(shape)
        ours = [f"{out} = T({lit(v)})"]
        theirs = [f"{out} = torch.tensor({lit(v)})"]
        deps: tuple[str, ...] = ()
        rule = fixed("DT")
    else:
        shape = g.meta(src).shape
        make = f"{src}.clone()" if g.rng.random() < 0.6 else f"{src} * 1.0"
        ours, theirs, deps, rule = [f"{out} = {make}"], [f"{out} = {make}"], (src,), same(src)
    grad = src is not None and g.meta(src).grad
    for _ in range(int(g.rng.integers(1, 4))):
        op = str(g.rng.choice(["add_", "sub_", "mul_", "div_", "zero_", "fill_", "copy_",
                               "clamp_", "setitem", "setitem", "self", "view"]))
        drawn = _write(g, op, out, shape, grad)
        if drawn is None:
            continue
        o, t, d = drawn
        grad = grad or any(g.meta(n).grad for n in d)  # a written value that requires grad
        ours.append(o)
        theirs.append(t)
        deps += d
    if len(ours) == 1:
        return None
    return Step(out, "\n".join(ours), "\n".join(theirs), tuple(dict.fromkeys(deps)), rule,
                frozenset({"inplace"}))


def _write(g: Gen, op: str, out: str, shape: tuple[int, ...], grad: bool
           ) -> tuple[str, str, tuple[str, ...]] | None:
    if op in ("add_", "sub_", "mul_", "div_", "copy_"):
        v = _value(g, shape, away_from_zero=op == "div_")
        if v is None or (op == "copy_" and v[2] == ()):
            return None
        alpha = ", alpha=0.5" if op in ("add_", "sub_") and g.rng.random() < 0.3 else ""
        return f"{out}.{op}({v[0]}{alpha})", f"{out}.{op}({v[1]}{alpha})", v[2]
    if op == "self":
        which = str(g.rng.choice(["add_", "mul_", "sub_"]))
        return f"{out}.{which}({out})", f"{out}.{which}({out})", ()
    if op == "view":
        # A write through a view reaches the tensor it views; a recorded tensor refuses it
        # (README, "In-place ops"), so only constant buffers and constant values are drawn.
        return None if grad else _write_view(g, out, shape)
    if op == "zero_":
        return f"{out}.zero_()", f"{out}.zero_()", ()
    if op == "fill_":
        c = repr(float(g.rng.choice([0.5, -1.0, 3.0])))
        return f"{out}.fill_({c})", f"{out}.fill_({c})", ()
    if op == "clamp_":
        lo, hi = sorted(float(x) for x in g.rng.normal(size=2).round(2))
        return f"{out}.clamp_({lo!r}, {hi!r})", f"{out}.clamp_({lo!r}, {hi!r})", ()
    # t[index] = value
    index = indexing.draw(g.rng, shape)
    if not indexing.torch_agrees(shape, index):
        return None  # differences.INDEXING
    picked = np.zeros(shape)[indexing.raw(index)].shape
    v = _value(g, picked)
    if v is None:
        return None
    ours = f"{out}[{indexing.render(index, 'ours')}] = {v[0]}"
    if v[2] and indexing.has_repeats(shape, index):
        # Only the last write of an element counts (differences.SETITEM_REPEATED).
        return ours, differences.setitem_torch(shape, indexing.raw(index), out, v[1]), v[2]
    return ours, f"{out}[{indexing.render(index, 'torch')}] = {v[1]}", v[2]


def _write_view(g: Gen, out: str, shape: tuple[int, ...]
                ) -> tuple[str, str, tuple[str, ...]] | None:
    """An in-place op on a view (basic indexing, .T) of the fresh tensor: the write must reach
    the tensor itself, as in numpy and PyTorch."""
    r = g.rng.random()
    rev = tuple(range(len(shape)))[::-1]
    if r < 0.5 and shape:
        k = int(g.rng.integers(0, shape[0] + 1))
        view = tview = f"{out}[{k}:]"
        vshape = (shape[0] - k,) + shape[1:]
    else:  # (not reshape: whether it gives a view depends on the memory layout)
        view, tview, vshape = f"{out}.T", f"{out}.permute({rev!r})", shape[::-1]
    v = _value(g, vshape, grad_ok=False)
    if v is None:
        return None
    op = str(g.rng.choice(["add_", "mul_", "sub_"]))
    return f"{view}.{op}({v[0]})", f"{tview}.{op}({v[1]})", v[2]


CATALOGUE = {"inplace": (draw_inplace, 2.5)}
