"""DOT text for a captured graph: node labels, gradient heat, legend, module clusters.

Layout follows micrograd's drawing: a record `label | data | grad` per value, a small ellipse per
op, left to right. Tensors show name, shape and dtype, their numbers when small, else summary
statistics. All loops are iterative and linear in the graph's size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .viz_graph import Graph
from .viz_modules import ModuleTrace, module_title

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

def _node_fields(graph: Graph, i: int, st: Style) -> tuple[list[str], str | None, bool]:
    """Record fields of value node i, its heat magnitude source, and whether its grad is 0."""
    n: Any = graph.nodes[i]
    fields: list[str] = []
    if i in st.steps and st.frame is None:
        fields.append(f"step {st.steps[i]}")
    name = st.names.get(i)
    if name is None:
        name = getattr(n, "label", None) or getattr(n, "name", None) or ""
    if _is_tensor(n):
        shape = "scalar" if n.shape == () else str(tuple(n.shape))
        fields.append(f"{name}  {shape} {n.dtype}" if name else f"{shape} {n.dtype}")
    else:
        fields.append(name)
    if st.show_data:
        text = _data_text(n)
        if text:
            fields.append(text)
    zero = False
    if st.show_grad:
        fr = st.frame
        if not n.requires_grad:
            fields.append("no grad")
        elif fr is not None and i not in fr.known:
            fields.append(_grad_text(n, fr.partial[i], "grad so far") if i in fr.partial
                          else "grad ?")
        elif i in st.grads:
            g = st.grads[i]
            fields.append(_grad_text(n, g))
            zero = flagged(n, g)
        else:
            fields.append("grad ?")
    return fields, None, zero


def emit(graph: Graph, st: Style) -> list[str]:
    """The body of a DOT digraph (statements only) for `graph` drawn with style `st`."""
    nn_, nf = len(graph.nodes), len(graph.fns)
    heat = None
    if st.heat and st.show_grad and st.grads:
        heat = Heat([magnitude(graph.nodes[i], g) for i, g in st.grads.items()])
    fr = st.frame

    # -- statements of every value node and op node
    node_stmt: list[str] = []
    mags: list[float | None] = []
    for i in range(nn_):
        fields, _, zero = _node_fields(graph, i, st)
        # Values read left to right like micrograd's; tensors stack their longer lines.
        across = not _is_tensor(graph.nodes[i])
        body = " | ".join(map(_esc, fields))
        if across == (st.rankdir in ("LR", "RL")):
            body = "{ " + body + " }"
        attrs = ["shape=record", f'label="{body}"']  # _esc already escaped quotes
        mag = None
        if i in st.grads and (fr is None or i in fr.known):
            mag = magnitude(graph.nodes[i], st.grads[i])
        mags.append(mag)
        if fr is not None and i == fr.current:
            attrs += ["style=filled", f'fillcolor="{_CURRENT}"', "penwidth=3"]
        elif heat is not None and mag is not None:
            if mag == 0:
                attrs += ['style="filled,dashed"', f'fillcolor="{_ZERO_FILL}"',
                          f'color="{_ZERO_EDGE}"', "penwidth=2"]
            elif zero:
                fill = heat.color(mag)
                attrs += ['style="filled,dashed"', f'fillcolor="{fill}"',
                          f'fontcolor="{_text_color(fill)}"', f'color="{_ZERO_EDGE}"',
                          "penwidth=2"]
            else:
                fill = heat.color(mag)
                attrs += ["style=filled", f'fillcolor="{fill}"', f'fontcolor="{_text_color(fill)}"']
        elif fr is not None and i in fr.known:
            attrs += ["style=filled", 'fillcolor="#e8f5e9"']
        node_stmt.append(f"v{i} [{' '.join(attrs)}]")
    op_stmt: list[str] = []
    for j, fn in enumerate(graph.fns):
        label = op_label(fn, graph.fn_consts[j])
        attrs = ["shape=ellipse", "style=filled", 'fillcolor="#eeeeee"', "fontsize=10",
                 "height=0.3", "margin=0.03"]
        if j in graph.freed:
            label += "\n(freed by backward)"
            attrs[1] = 'style="filled,dashed"'
        op_stmt.append(f"f{j} [label={_q(label)} {' '.join(attrs)}]")

    # -- edges: input -> op (local derivative label), op -> output
    hot_fn = -1
    if fr is not None and graph.nodes[fr.current]._fn is not None:
        hot_fn = graph.fn_index.get(id(graph.nodes[fr.current]._fn), -1)
    edges: list[tuple[str, str, str]] = []
    for j in range(nf):
        hot = f' color="{_HOT_EDGE}" penwidth=2.5' if j == hot_fn else ""
        for ni, pos in graph.fn_inputs[j]:
            lab = ""
            if (j, pos) in st.local:
                lab = f" label={_q('× ' + num(st.local[(j, pos)]))} fontsize=9"
            edges.append(("hidden" if ni < 0 else f"v{ni}", f"f{j}", lab + hot))
        for ni in graph.fn_outputs[j]:
            edges.append((f"f{j}", f"v{ni}", hot))

    # -- module clusters (optionally collapsed into one box each)
    members: dict[str | None, list[str]] = {None: []}
    clusters: list[str] = []
    if st.node_mod is not None and st.fn_mod is not None and st.trace is not None:
        clusters = _module_clusters(graph, st, node_stmt, op_stmt, edges, mags, heat, members)
    else:
        members[None] = node_stmt + op_stmt

    out: list[str] = [f"rankdir={st.rankdir}",
                      'node [fontname="Helvetica,Arial,sans-serif" fontsize=11]',
                      'edge [fontname="Helvetica,Arial,sans-serif" arrowsize=0.7]']
    out += members[None]
    out += clusters
    if graph.hidden:
        out.append(f"hidden [shape=box style=\"dashed,rounded\" label="
                   f"{_q(f'{graph.hidden:,} more nodes not drawn (max_nodes)')}]")
    seen_edges: set[tuple[str, str, str]] = set()
    for e in edges:
        if e[0] == e[1]:
            continue
        if e[0][0] == "m" or e[1][0] == "m":  # one edge per pair of collapsed modules
            if e in seen_edges:
                continue
        seen_edges.add(e)
        out.append(f"{e[0]} -> {e[1]}" + (f" [{e[2].strip()}]" if e[2] else ""))
    if heat is not None:
        out.append(f"legend [shape=plaintext label={heat.legend()}]")
    if st.caption:
        # "\l" ends a left-justified line in DOT
        text = "".join(_q(line)[1:-1] + "\\l" for line in st.caption)
        out.append(f'label="{text}" labelloc=b labeljust=l fontsize=11 '
                   'fontname="Helvetica,Arial,sans-serif"')
    return out


def _module_clusters(graph: Graph, st: Style, node_stmt: list[str], op_stmt: list[str],
                     edges: list[tuple[str, str, str]], mags: list[float | None],
                     heat: Heat | None, members: dict[str | None, list[str]]) -> list[str]:
    """Place statements into nested `subgraph cluster_*` blocks, one per module; with
    `collapse`, replace each innermost module by one box and reroute the edges to it."""
    assert st.node_mod is not None and st.fn_mod is not None and st.trace is not None
    modules = st.trace.modules

    def parent(p: str) -> str | None:
        while p:
            p = p.rsplit(".", 1)[0] if "." in p else ""
            if p in modules:
                return p
        return None

    used = {m for m in st.node_mod + st.fn_mod if m is not None}
    paths: set[str] = set()
    for p in used:
        q: str | None = p
        while q is not None and q not in paths:
            paths.add(q)
            q = parent(q)
    children: dict[str, list[str]] = {p: [] for p in paths}
    tops: list[str] = []
    for p in sorted(paths):
        par = parent(p)
        (children[par] if par is not None else tops).append(p)
    boxed = {p for p in used if not children[p]} if st.collapse else set()
    box_id = {p: f"m{k}" for k, p in enumerate(sorted(boxed))}
    for p in paths:
        members[p] = []

    rename: dict[str, str] = {}
    for kind, stmts, mods in (("v", node_stmt, st.node_mod), ("f", op_stmt, st.fn_mod)):
        for k, (stmt, m) in enumerate(zip(stmts, mods)):
            if m in boxed:
                rename[f"{kind}{k}"] = box_id[m]  # type: ignore[index]
            else:
                members[m].append(stmt)
    if boxed:
        outputs: dict[str, int] = {}
        for a, b, _ in edges:  # a value inside a box that feeds an op outside: the box's output
            if a.startswith("v") and rename.get(a) and rename.get(a) != rename.get(b):
                outputs.setdefault(rename[a], int(a[1:]))
        if graph.nodes and "v0" in rename:
            outputs.setdefault(rename["v0"], 0)
        for p, bid in box_id.items():
            lines = [f"{module_title(modules[p])}", p or type(modules[p]).__name__]
            attrs = ['shape=box', 'style="rounded,filled"', 'fillcolor="#dde7f5"', "penwidth=1.5"]
            oi = outputs.get(bid)
            if oi is not None:
                n = graph.nodes[oi]
                lines.append(f"out {tuple(n.shape) if _is_tensor(n) else 'scalar'}")
                if heat is not None and mags[oi] is not None:
                    fill = "#e0e0e0" if mags[oi] == 0 else heat.color(mags[oi])  # type: ignore
                    attrs[2] = f'fillcolor="{fill}"'
                    attrs.append(f'fontcolor="{_text_color(fill)}"')
            members[parent(p) if parent(p) in paths else None].append(  # type: ignore[index]
                f"{bid} [label={_q(chr(10).join(lines))} {' '.join(attrs)}]")
        for k, (a, b, attr) in enumerate(edges):
            edges[k] = (rename.get(a, a), rename.get(b, b),
                        "" if (a in rename or b in rename) else attr)

    out: list[str] = []
    stack: list[tuple[str, int]] = [(p, 0) for p in reversed(tops)]
    fills = ["#f7f8fb", "#f4f7f4", "#faf8f4", "#f7f5f9"]  # near-white: heat colours stand out
    while stack:
        p, depth = stack.pop()
        if depth < 0:
            out.append("}")
            continue
        if p in boxed:
            continue
        m = modules[p]
        title = module_title(m) if not p else f"{p}: {module_title(m)}"
        out.append(f"subgraph cluster_{len(out)} {{")
        out.append(f'label={_q(title)} style="rounded,filled" fillcolor="{fills[depth % 4]}" '
                   'color="#8a94a6" fontsize=12 fontname="Helvetica,Arial,sans-serif"')
        out += members[p]
        stack.append((p, -1))
        stack += [(c, depth + 1) for c in reversed(children[p])]
    return out
