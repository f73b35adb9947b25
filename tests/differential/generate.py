"""The seeded program generator: DAGs of depth 1-8 that reuse intermediate nodes.

Each candidate step is run at once in PyTorch (float64): what it returns gives the node's
shape, dtype and values, so later steps can respect domains (log of positives, division by
numbers away from 0) and every program is valid. A step whose values are not finite, or
beyond 1e5, is dropped and another drawn.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from . import ops
from .program import Meta, Program, Step, fixed, int_lit, lit
from .runtime import prelude

MAX_ABS = 1e5


class Gen:
    """State of one program being drawn: its steps, and PyTorch's view of every node."""

    def __init__(self, seed: int) -> None:
        import torch

        self.torch = torch
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.steps: list[Step] = []
        self.nodes: dict[str, Meta] = {}
        self.ns: dict[str, Any] = {"DT": "float64"}
        exec(prelude("torch"), self.ns)
        self.target_depth = int(self.rng.integers(1, 9))
        self.counter = 0

    # ---------------------------------------------------------------- choosing nodes
    def pick(self, pred: Callable[[Meta], bool] | None = None, kind: str = "f") -> str | None:
        """An existing node of `kind` satisfying `pred`; deep nodes are preferred until the
        program reaches its target depth, then any node (so intermediates get reused)."""
        names = [n for n, m in self.nodes.items()
                 if m.kind == kind and (pred is None or pred(m))]
        if not names:
            return None
        depths = np.array([self.nodes[n].depth for n in names], dtype=float)
        if self.depth() < self.target_depth and self.rng.random() < 0.7:
            w = np.exp(depths - depths.max())
        else:
            w = np.ones(len(names))
        return names[int(self.rng.choice(len(names), p=w / w.sum()))]

    def depth(self) -> int:
        """The program's depth so far (longest path from a leaf)."""
        return max((m.depth for m in self.nodes.values()), default=0)

    def meta(self, name: str) -> Meta:
        """The node's metadata."""
        return self.nodes[name]

    # ---------------------------------------------------------------- values and shapes
    def values(self, shape: tuple[int, ...]) -> np.ndarray:
        """Random float64 values; sometimes with exact zeros, ties and small integers,
        which is where kinks, ties and 0/0 forms hide."""
        r = self.rng.random()
        a = np.asarray(self.rng.standard_normal(shape) * float(self.rng.choice([0.5, 1.0, 2.0])))
        if r < 0.15 and a.size:
            a[self.rng.random(shape) < 0.3] = 0.0
        elif r < 0.3 and a.size:
            a = self.rng.integers(-2, 3, size=shape).astype(np.float64)
        elif r < 0.4 and a.size:
            a = np.full(shape, float(self.rng.choice([-1.5, 0.5, 2.0])))
        return a

    def shape(self, max_ndim: int = 3) -> tuple[int, ...]:
        """A random shape: 0-d, size-1 and size-0 axes included."""
        nd = int(self.rng.choice(np.arange(max_ndim + 1), p=_ndim_p(max_ndim)))
        sides = self.rng.choice([0, 1, 2, 3, 4], size=nd, p=[0.05, 0.2, 0.3, 0.3, 0.15])
        return tuple(int(s) for s in sides)

    def partner_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        """A shape that broadcasts with `shape` (equal, fewer axes, or size-1 axes)."""
        r = self.rng.random()
        if r < 0.4:
            return shape
        if r < 0.6 and shape:
            return shape[int(self.rng.integers(0, len(shape) + 1)):]
        if r < 0.85:
            return tuple(1 if self.rng.random() < 0.5 else s for s in shape)
        lead = (int(self.rng.integers(1, 3)),) if len(shape) < 3 else ()
        return lead + shape

    # ---------------------------------------------------------------- making nodes
    def leaf(self, shape: tuple[int, ...], grad: bool = True, follow: bool = True) -> str:
        """A new leaf (requires grad) or constant, with literal values; returns its name.

        `follow=False` keeps a constant float64 when the leaves are float32 (so that dtype
        promotion is exercised)."""
        v = self.values(shape)
        name = self.new_name()
        cast = "DT" if follow else "'float64'"
        flag = ", requires_grad=True" if grad else ""
        step = Step(name, f"{name} = T({lit(v, cast)}{flag})",
                    f"{name} = torch.tensor({lit(v, cast)}{flag})", (),
                    fixed("DT" if follow else np.float64),
                    frozenset({"leaf" if grad else "const"}))
        self.add(step, leaf=True)
        return name

    def operand(self, shape: tuple[int, ...], grad_ok: bool = True) -> str:
        """A node of exactly `shape`: an existing one when there is one, else a new leaf or
        constant (the only way for most ops to meet a partner of matching shape)."""
        found = self.pick(lambda m: m.shape == shape) if self.rng.random() < 0.6 else None
        if found is not None and (grad_ok or not self.nodes[found].grad):
            return found
        if self.rng.random() < 0.06:
            return self.int_leaf(shape)
        grad = grad_ok and self.rng.random() < 0.6
        return self.leaf(shape, grad=grad, follow=grad or self.rng.random() < 0.7)

    def int_leaf(self, shape: tuple[int, ...]) -> str:
        """An int64 constant (small whole numbers): promotion with floats is numpy's rule."""
        v = self.rng.integers(-3, 4, size=shape)
        name = self.new_name()
        text = int_lit(v, "ours")
        step = Step(name, f"{name} = T({text})", f"{name} = torch.tensor({text})", (),
                    fixed(np.int64), frozenset({"const"}))
        self.add(step, leaf=True)
        return name

    def new_name(self) -> str:
        """A fresh node name (never reused, even for a step that is then dropped)."""
        self.counter += 1
        return f"n{self.counter - 1}"

    def add(self, step: Step, leaf: bool = False) -> bool:
        """Run `step` in PyTorch; keep it if it ran and gave finite, moderate values."""
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                exec(step.theirs, self.ns)
        except Exception:
            self.ns.pop(step.out, None)
            return False
        out = self.ns[step.out]
        if not isinstance(out, self.torch.Tensor):
            return False
        value = out.detach().numpy().copy()
        if value.dtype.kind == "f" and value.size and not (
                np.isfinite(value).all() and np.abs(value).max() <= MAX_ABS):
            self.ns.pop(step.out)
            return False
        depth = 1 + max((self.nodes[d].depth for d in step.deps), default=-1)
        self.nodes[step.out] = Meta(tuple(out.shape), value.dtype.kind, out.requires_grad,
                                    value, depth, leaf=leaf)
        for d in step.deps:
            self.nodes[d].uses += 1
        step.kind, step.grad, step.leaf = value.dtype.kind, bool(out.requires_grad), leaf
        self.steps.append(step)
        return True


def _ndim_p(max_ndim: int) -> np.ndarray:
    p = np.array([0.15, 0.3, 0.35, 0.2][:max_ndim + 1])
    return p / p.sum()


def generate(seed: int, max_steps: int = 12) -> Program:
    """A random program for `seed`: a few leaves, then ops until the target depth is reached
    (and a few more), then a loss over the last node and some intermediates."""
    g = Gen(seed)
    for _ in range(int(g.rng.integers(1, 3))):
        g.leaf(g.shape(), grad=True)
    n_ops = int(g.rng.integers(1, max_steps + 1))
    tries = 0
    while tries < 200 and (g.depth() < g.target_depth or n_ops > 0) \
            and len(g.steps) < 3 * max_steps:
        tries += 1
        draw = ops.choose(g)
        step = draw(g)
        if step is not None and g.add(step):
            n_ops -= 1
    floats = [n for n, m in g.nodes.items() if m.kind == "f" and m.grad]
    loss = []
    if floats:
        last = floats[-1]
        loss.append((last, 0))
        for i, n in enumerate(floats[:-1]):
            if g.rng.random() < 0.3:
                loss.append((n, i + 1))
    return Program(g.steps, loss, seed)
