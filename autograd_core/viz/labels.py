"""What a drawing says about each node: the options (`Style`), the text of data and gradient
fields, op labels, and the gradient heat colours with their legend.

Tensors show name, shape and dtype, their numbers when small, else summary statistics. dot.py
assembles these pieces into DOT text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .modules import ModuleTrace

# Heat palette: cool blue (small, vanishing) through pale yellow to red (large, exploding).
_PALETTE = ["#3b6fb6", "#9cc6e4", "#f5dc6e", "#f39c4a", "#d7392b"]
_ZERO_FILL = "#e0e0e0"
_ZERO_EDGE = "#d62728"
_CURRENT = "#ffd54f"
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
    grads: dict[int, Any] = field(default_factory=dict)
    grad_note: str = ""
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


def _array_text(a: np.ndarray) -> str:
    a = np.asarray(a)
    if a.ndim == 0 and a.dtype.kind in "biuf":
        return num(float(a))
    return np.array2string(a, separator=", ", max_line_width=10_000,
                           formatter={"float_kind": lambda v: f"{v:.4g}"}).replace("\n", "")


def _data_text(n: Any) -> str:
    if not _is_tensor(n):
        return f"data {num(n.data)}"
    d = np.asarray(n.data)
    if d.size <= 6:
        return f"data {_array_text(d)}"
    if d.dtype.kind not in "biuf":
        return ""
    with np.errstate(all="ignore"):
        f = d.astype(np.float64)
        lo, mean, hi = float(np.nanmin(f)), float(np.nanmean(f)), float(np.nanmax(f))
        return f"min {num(lo)}  mean {num(mean)}  max {num(hi)}"


def _grad_text(n: Any, g: Any, prefix: str = "grad") -> str:
    if not _is_tensor(n):
        return f"{prefix} {num(g)}"
    a = np.asarray(g)
    if a.size <= 6:
        return f"{prefix} {_array_text(a)}"
    zeros = int(np.count_nonzero(a == 0))
    text = f"{prefix} norm {num(float(np.linalg.norm(a.astype(np.float64))))}"
    if zeros:
        text += f", {100 * zeros / a.size:.0f}% zero"
    dead = dead_columns(a)
    if dead:
        text += f"\n{dead} of {a.shape[-1]} columns all zero"
    return text


def dead_columns(a: Any) -> int:
    """How many last-axis slices of a gradient are entirely zero (dead units for a batch of
    pre-activations of shape (batch, units)); 0 for arrays of fewer than 2 dimensions."""
    a = np.asarray(a)
    if a.ndim < 2 or a.size == 0 or a.shape[-1] < 2:
        return 0
    return int(np.count_nonzero(~a.reshape(-1, a.shape[-1]).any(axis=0)))


def flagged(n: Any, g: Any) -> bool:
    """True when the gradient is exactly zero, or a whole column of it is (dead units)."""
    return magnitude(n, g) == 0 or (_is_tensor(n) and dead_columns(g) > 0)


def magnitude(n: Any, g: Any) -> float:
    """|grad| for a scalar, the L2 norm for a tensor gradient."""
    if not _is_tensor(n):
        return abs(float(g))
    return float(np.linalg.norm(np.asarray(g, dtype=np.float64)))


def op_label(fn: Any, consts: list[Any]) -> str:
    """The op's symbol, followed by its short non-Node arguments (`** 2`, `Sum axis`)."""
    base = _OP_SYMBOLS.get(type(fn).__name__, fn.name)
    extra = [repr(c) if not isinstance(c, float) else f"{c:g}" for c in consts
             if c is not None and not isinstance(c, (bool, np.ndarray, np.dtype))]
    extra = [e for e in extra if len(e) <= 14]
    return " ".join([base, *extra])


# ---------------------------------------------------------------- heat

class Heat:
    """Maps log10 of a gradient magnitude onto the palette, whole decades at the ends."""

    def __init__(self, mags: list[float]) -> None:
        logs = [math.log10(m) for m in mags if m > 0 and math.isfinite(m)]
        self.lo = math.floor(min(logs)) if logs else 0
        self.hi = math.ceil(max(logs)) if logs else 1
        if self.hi <= self.lo:
            self.hi = self.lo + 1

    def color(self, m: float) -> str:
        """Fill colour for magnitude `m` (> 0)."""
        if not math.isfinite(m):
            return _PALETTE[-1]
        t = (math.log10(m) - self.lo) / (self.hi - self.lo)
        return _mix(min(max(t, 0.0), 1.0))

    def legend(self) -> str:
        """An HTML-like table: one cell per decade, plus the zero-gradient flag."""
        decades = list(range(self.lo, self.hi + 1))
        if len(decades) > 9:  # keep the legend readable for wide ranges
            stride = math.ceil(len(decades) / 8)
            decades = decades[::stride] + ([self.hi] if decades[-1] != self.hi else [])
        fills = [self.color(10.0 ** d) for d in decades]
        cells = "".join(f'<TD BGCOLOR="{c}"><FONT COLOR="{_text_color(c)}">1e{d}</FONT></TD>'
                        for c, d in zip(fills, decades))
        n = len(decades)
        return ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
                f'<TR><TD COLSPAN="{n}"><B>gradient magnitude</B> (|grad|, or norm)</TD></TR>'
                f"<TR>{cells}</TR>"
                f'<TR><TD COLSPAN="{n}" BGCOLOR="{_ZERO_FILL}" COLOR="{_ZERO_EDGE}">'
                '<FONT COLOR="#b00000">red dashed border: gradient exactly 0, or a whole column '
                'of it (dead ReLU units)'
                "</FONT></TD></TR></TABLE>>")


def _mix(t: float) -> str:
    pos = t * (len(_PALETTE) - 1)
    i = min(int(pos), len(_PALETTE) - 2)
    f = pos - i
    a, b = _PALETTE[i], _PALETTE[i + 1]
    rgb = [round(int(a[k:k + 2], 16) * (1 - f) + int(b[k:k + 2], 16) * f) for k in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _text_color(fill: str) -> str:
    r, g, b = (int(fill[k:k + 2], 16) for k in (1, 3, 5))
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 120 else "black"


# ---------------------------------------------------------------- emission
