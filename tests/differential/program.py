"""A program: straight-line steps, each rendered twice (autograd_core and PyTorch).

A step defines one node `nK` from earlier nodes; its two renderings are source lines, so that a
program is at the same time what the harness runs and the reproduction it prints. Leaf values
are written as exact literals (Python's float repr round-trips), and every float literal is
cast to `DT`, so one program runs with float64 leaves and again with float32 leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

DtypeRule = Callable[[dict[str, np.dtype]], np.dtype]


@dataclass
class Step:
    """One node: its name, both renderings, the nodes it reads, and numpy's dtype rule for it."""

    out: str
    ours: str
    theirs: str
    deps: tuple[str, ...]
    dtype: DtypeRule
    tags: frozenset[str] = frozenset()
    kind: str = "f"  # filled in from PyTorch's run: the dtype kind ("f", "b", "i")
    grad: bool = False  # and whether the node requires grad
    leaf: bool = False


@dataclass
class Meta:
    """What the generator knows of a node, read from PyTorch's float64 run."""

    shape: tuple[int, ...]
    kind: str  # numpy dtype kind: "f", "b" or "i"
    grad: bool  # requires grad
    value: np.ndarray
    depth: int
    uses: int = 0
    leaf: bool = False


@dataclass
class Program:
    """Steps in order, plus the nodes the loss reads (name, weight seed)."""

    steps: list[Step]
    loss: list[tuple[str, int]] = field(default_factory=list)
    seed: int = 0

    def names(self) -> list[str]:
        """Every node name, in definition order."""
        return [s.out for s in self.steps]

    def step(self, name: str) -> Step:
        """The step that defines `name`."""
        return next(s for s in self.steps if s.out == name)

    def source(self, lib: str) -> str:
        """The program's lines for `lib` ("ours" or "torch")."""
        return "\n".join(s.ours if lib == "ours" else s.theirs for s in self.steps)

    def uses_custom(self) -> bool:
        """True when a step calls one of the custom Functions."""
        return any("custom" in s.tags for s in self.steps)

    def tainted(self) -> set[str]:
        """Nodes downstream of a jump (sign, floor, a comparison, argmax...): in float32 a value
        near a jump may land on the other side, so their float32 values are not compared."""
        bad: set[str] = set()
        for s in self.steps:
            if "jump" in s.tags or bad.intersection(s.deps):
                bad.add(s.out)
        return bad

    def without(self, name: str) -> Program:
        """This program with step `name` and everything that depends on it removed."""
        gone = {name}
        kept = []
        for s in self.steps:
            if s.out in gone or gone.intersection(s.deps):
                gone.add(s.out)
            else:
                kept.append(s)
        return Program(kept, [(n, w) for n, w in self.loss if n not in gone], self.seed)

    def expected_dtypes(self, leaf_dtype: str) -> dict[str, np.dtype]:
        """numpy's dtype for every node when the leaves (and `DT` literals) are `leaf_dtype`."""
        out: dict[str, np.dtype] = {"DT": np.dtype(leaf_dtype)}
        for s in self.steps:
            out[s.out] = s.dtype(out)
        return out


# ---------------------------------------------------------------- literals

def lit(a: np.ndarray, cast: str = "DT") -> str:
    """An exact numpy literal for a float array, cast to `cast` (a name or a dtype string)."""
    a = np.asarray(a, dtype=np.float64)
    if a.size == 0:
        body = f"np.zeros({a.shape})"
    else:
        body = f"np.array({a.tolist()!r})"
    return f"{body}.astype({cast})"


def int_lit(a: np.ndarray, lib: str) -> str:
    """An integer array literal for `lib` (numpy for ours, torch for PyTorch)."""
    a = np.asarray(a, dtype=np.int64)
    if a.size == 0:  # [] would lose the shape
        return f"np.zeros({a.shape}, dtype=np.int64)" if lib == "ours" else \
            f"torch.zeros({a.shape}, dtype=torch.int64)"
    if lib == "ours":
        return f"np.array({a.tolist()!r}, dtype=np.int64)"
    return f"torch.tensor({a.tolist()!r}, dtype=torch.int64)"


def bool_lit(a: np.ndarray, lib: str) -> str:
    """A boolean mask literal for `lib`."""
    a = np.asarray(a, dtype=bool)
    if a.size == 0:
        return f"np.zeros({a.shape}, dtype=bool)" if lib == "ours" else \
            f"torch.zeros({a.shape}, dtype=torch.bool)"
    if lib == "ours":
        return f"np.array({a.tolist()!r}, dtype=bool)"
    return f"torch.tensor({a.tolist()!r}, dtype=torch.bool)"


def axis_text(axis: Any) -> str:
    """An axis argument as source."""
    return repr(axis)


# ---------------------------------------------------------------- dtype rules (numpy's)

def same(name: str) -> DtypeRule:
    """The node keeps the dtype of input `name`."""
    return lambda d: d[name]


def promote(*operands: Any) -> DtypeRule:
    """np.result_type of the operands: node names are arrays (strong), numbers stay weak."""
    def rule(d: dict[str, np.dtype]) -> np.dtype:
        args = [d[o] if isinstance(o, str) else o for o in operands]
        return np.result_type(*args)
    return rule


def fixed(dtype: Any) -> DtypeRule:
    """A node of a fixed dtype (booleans, indices, float64 constants)."""
    dt = np.dtype(dtype) if dtype != "DT" else None
    return (lambda d: d["DT"]) if dt is None else (lambda d: dt)


# ---------------------------------------------------------------- kinks

def near(values: Any, point: Any = 0.0) -> bool:
    """True when some value lies within rounding of `point` without being exactly on it.

    Both libraries take the same one-sided derivative at a kink (relu at 0, clip at a bound,
    ties of max), but which side a value that should be exactly on the kink lands on depends on
    the order of float operations; the generator draws no op at such a value."""
    v = np.asarray(values, dtype=np.float64)
    p = np.asarray(point, dtype=np.float64)
    if v.size == 0:
        return False
    with np.errstate(all="ignore"):
        d = np.abs(v - p)
        tol = 1e-9 * (np.abs(v) + np.abs(p) + 1e-3)
    return bool(np.any((d > 0) & (d <= tol)))


def near_tie(values: np.ndarray, axis: Any) -> bool:
    """True when some slice's largest or smallest value is nearly but not exactly tied."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0 or v.ndim == 0:
        return False
    for ext in (np.max, np.min):
        e = ext(v, axis=axis, keepdims=True) if v.size else v
        if near(v, e):
            return True
    return False
