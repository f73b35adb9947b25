"""The gradient heat scale: one fixed set of colours for every drawing, and its legend.

A node's fill says how large its gradient is (|grad| of a Value, the L2 norm of a Tensor's):
one colour per decade, the same decades and colours in every picture, from blue (vanishing) to
red (exploding). Two other marks are borders, never fills: a dotted grey box for a gradient that
is exactly 0, and a thick dashed black border for dead ReLU units (the unit's output, its weight
row and its bias). The legend lists every colour of the scale and the marks the picture uses.
"""

from __future__ import annotations

import math

from .render import FONT

__all__ = ["BINS", "heat_bin", "heat_fill", "text_color", "legend", "pack", "ZERO_STYLE",
           "DEAD_STYLE"]

# (lower edge of the decade, fill). The first bin has no lower edge; the last no upper edge.
BINS: list[tuple[float, str]] = [
    (0.0, "#3288bd"),   # < 1e-5: vanishing
    (1e-5, "#66c2a5"),
    (1e-4, "#abdda4"),
    (1e-3, "#e6f598"),
    (1e-2, "#fee08b"),
    (1e-1, "#fdae61"),
    (1.0, "#f46d43"),
    (10.0, "#d53e4f"),  # >= 10: exploding
]

# exactly-zero gradient: grey fill, dotted dark border; dead unit: dashed black border
ZERO_STYLE = ['style="filled,dotted"', 'fillcolor="#eeeeee"', 'color="#444444"', "penwidth=2"]
DEAD_STYLE = ['color="#000000"', "penwidth=3"]


def heat_bin(m: float) -> int:
    """The index into BINS of a gradient magnitude `m` > 0 (inf and nan count as largest)."""
    if not math.isfinite(m):
        return len(BINS) - 1
    m = float(f"{m:.4g}")  # bin what the label shows: 0.99999999 is drawn as 1.0000
    k = 0
    for i, (edge, _) in enumerate(BINS):
        if m >= edge:
            k = i
    return k


def heat_fill(m: float) -> str:
    """The fill colour of magnitude `m` > 0."""
    return BINS[heat_bin(m)][1]


def text_color(fill: str) -> str:
    """Black or white, whichever reads better on `fill`."""
    r, g, b = (int(fill[k:k + 2], 16) for k in (1, 3, 5))
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 120 else "black"


_BIN_LABELS = ["< 1e-5", "1e-5 to 1e-4", "1e-4 to 1e-3", "1e-3 to 1e-2", "1e-2 to 0.1",
               "0.1 to 1", "1 to 10", ">= 10"]


def bin_label(i: int) -> str:
    """The range of bin i as text, e.g. "1e-3 to 1e-2"."""
    return _BIN_LABELS[i]


def legend(zero: bool, dead: bool, rankdir: str = "LR") -> list[str]:
    """DOT statements of the legend: a labelled box holding one swatch per colour of the scale,
    smallest to largest, then the marks this picture uses (plain boxes: no HTML-like labels, so
    every Graphviz build, the in-process one included, draws it the same).

    The swatches form one row, whatever the direction of the graph: the legend is a separate
    piece of the drawing (see `pack`), laid out on its own and placed beside the graph, so it
    adds one row's height to a picture, never a column as tall as nine swatches.
    """
    out = ["subgraph cluster_legend {",
           f'label="gradient heat: |grad|, or the L2 norm of a tensor gradient (fixed scale)" '
           f'labeljust=l fontsize=11 fontname="{FONT}" style="rounded" color="#8a94a6"',
           f'node [shape=box style=filled fontsize=10 fontname="{FONT}" margin="0.08,0.02" '
           'height=0.28]']
    names = []
    for i in range(len(BINS)):  # smallest first: a colour bar read left to right
        fill = BINS[i][1]
        names.append(f"legend_{i}")
        out.append(f'legend_{i} [label="{bin_label(i)}" fillcolor="{fill}" '
                   f'fontcolor="{text_color(fill)}"]')
    if zero:
        names.append("legend_zero")
        out.append('legend_zero [label="grad exactly 0" ' + " ".join(ZERO_STYLE) + "]")
    if dead:
        names.append("legend_dead")
        out.append('legend_dead [label="dead ReLU unit: output 0 on the whole batch" '
                   'style="filled,dashed" fillcolor="white" ' + " ".join(DEAD_STYLE) + "]")
    # A row: in a left-to-right drawing a chain of invisible edges (one rank per swatch; an
    # edge b -> a puts b left of a in a right-to-left one); in a top-to-bottom drawing one rank,
    # ordered by invisible edges between its members.
    if rankdir in ("TB", "BT"):
        out.append("{rank=same; " + "; ".join(names) + "}")
    pairs = zip(names[1:], names) if rankdir == "RL" else zip(names, names[1:])
    out += [f"{a} -> {b} [style=invis]" for a, b in pairs]
    out.append("}")
    return out


def pack(rankdir: str) -> list[str]:
    """Graph attributes that lay the legend out apart from the graph and place it beside it.

    Graphviz lays out each connected piece on its own (`pack`) and arranges the pieces in one
    column, flush with the start of the graph, in the order of their first nodes in the file
    (`packmode`, flag u): the legend, written first, lands below a left-to-right graph and
    above a top-to-bottom one, and takes none of the graph's ranks.
    """
    mode = "array_utc1" if rankdir in ("LR", "RL") else "array_u1"
    return ["pack=true", f'packmode="{mode}"']
