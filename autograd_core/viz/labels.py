"""What a drawing says about each node: the options (`Style`), the text of the data and
gradient fields, and op labels.

Tensors show name, shape and dtype, their numbers when small, else summary statistics (from
summary.py, so a skeleton kept after backward() is drawn the same way). dot.py assembles these
pieces into DOT text; heat.py has the colours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .modules import ModuleTrace
from .summary import Summary, summarize

_CURRENT = "#ffd54f"
_DONE = "#e8f5e9"
_HOT_EDGE = "#e65100"
_OP_SYMBOLS = {"_Add": "+", "_Mul": "*", "_Div": "/", "_Neg": "neg", "_PowConst": "**",
               "_Pow": "**", "_Exp": "exp", "_Log": "log", "_Tanh": "tanh", "_Sqrt": "sqrt",
               "_Sigmoid": "sigmoid", "_Relu": "ReLU", "_Sum": "sum", "_Dot": "dot"}


@dataclass
class Frame:
    """One step of the backward animation: what is known and what is being computed."""

    current: int  # node index whose gradient is complete and is being passed on
    known: set[int]  # node indices whose gradient is final
    partial: dict[int, Any]  # node index -> gradient accumulated so far
    step: int
    total: int


@dataclass
class Style:
    """Everything the emitter needs besides the graph (filled in by viz.py)."""

    show_data: bool = True
    show_grad: bool = True
    rankdir: str = "LR"
    heat: bool = False
    names: dict[int, str] = field(default_factory=dict)
    grads: dict[int, Summary] = field(default_factory=dict)
    data: dict[int, Summary] = field(default_factory=dict)  # filled lazily from the nodes
    dead: dict[int, str] = field(default_factory=dict)  # node index -> dead-unit note
    steps: dict[int, int] = field(default_factory=dict)  # node index -> backward step (1-based)
    local: dict[tuple[int, int], float] = field(default_factory=dict)
    node_mod: list[str | None] | None = None
    fn_mod: list[str | None] | None = None
    trace: ModuleTrace | None = None
    collapse: bool = False
    caption: list[str] = field(default_factory=list)
    frame: Frame | None = None


# ---------------------------------------------------------------- text helpers

def num(x: float) -> str:
    """A number as drawn: 4 decimals in the usual range (micrograd's style), else 3 digits."""
    x = float(x)
    if x != x or x in (math.inf, -math.inf):
        return str(x)
    if x == 0 or 1e-3 <= abs(x) < 1e5:
        return f"{x:.4f}"
    return f"{x:.3g}"


def _esc(s: str) -> str:
    """Escape text for a record label (braces, bars, angle brackets and quotes are syntax)."""
    s = s.replace("\\", "\\\\")
    for ch in '{}|<>"':
        s = s.replace(ch, "\\" + ch)
    return s.replace("\n", "\\n")


def _q(s: str) -> str:
    """A double-quoted DOT string."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _is_tensor(n: Any) -> bool:
    return hasattr(n, "dtype")


def _values_text(sm: Summary) -> str:
    """The entries of a small array, shaped as numpy prints them (one line)."""
    vals = sm.values or ()
    if sm.shape == () and vals:
        v = vals[0]
        return num(v) if isinstance(v, (int, float)) else str(v)
    a = np.array(vals).reshape(sm.shape)
    return np.array2string(a, separator=", ", max_line_width=10_000,
                           formatter={"float_kind": lambda v: f"{v:.4g}"}).replace("\n", "")


def data_summary(n: Any) -> Summary:
    """The Summary of a node's data: a live node's array, or what a skeleton kept."""
    kept = getattr(n, "data_summary", None)
    if kept is not None:
        return kept  # type: ignore[no-any-return]
    if not hasattr(n, "data"):  # a skeleton's node: backward() kept no numbers for it
        gone = "data gone" if n._fn is None else "data freed by backward()"
        return Summary(tuple(n.shape), numeric=False, note=gone)
    return summarize(n.data)


def _data_text(n: Any, sm: Summary) -> str:
    if not _is_tensor(n):
        return f"data {num(sm.values[0])}" if sm.values else ""
    if sm.values is not None:
        return f"data {_values_text(sm)}"
    if not sm.numeric:
        return sm.note
    return f"min {num(sm.lo)}  mean {num(sm.mean)}  max {num(sm.hi)}"


def _grad_text(n: Any, g: Summary, prefix: str = "grad") -> str:
    if not _is_tensor(n):
        return f"{prefix} {num(g.values[0])}" if g.values else prefix
    if g.values is not None:
        return f"{prefix} {_values_text(g)}"
    text = f"{prefix} norm {num(g.norm)}"
    if g.zeros:
        text += f", {100 * g.zeros / max(g.size, 1):.0f}% zero"
    return text


def op_label(fn: Any, consts: list[Any]) -> str:
    """The op's symbol, followed by its short non-Node arguments (`** 2`, `Sum axis`)."""
    base = _OP_SYMBOLS.get(getattr(fn, "kind", type(fn).__name__), fn.name)
    extra = [repr(c) if not isinstance(c, float) else f"{c:g}" for c in consts
             if c is not None and not isinstance(c, (bool, np.ndarray, np.dtype))]
    extra = [e for e in extra if len(e) <= 14]
    return " ".join([base, *extra])
