"""The backward pass step by step: one frame per node reached, laid out once.

Every frame shows the same graph; only labels and colours change (which node backward has
reached, which gradients are known, the partial sums still accumulating). So the animation's
nodes never move: the graph is laid out once, with each label at its widest over all frames,
and every frame is that one SVG with its texts and colours replaced. The last frame shows every
gradient known.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from .dot import _node_fields, _node_style, emit
from .graph import Graph, backward_order, contributions
from .labels import _HOT_EDGE, Frame, Style
from .skeleton import skeleton_order

__all__ = ["FrameState", "frame_states", "fixed_svgs"]


@dataclass
class FrameState:
    """One frame: the drawing state and the sentence that says what happens in it."""

    frame: Frame
    text: str


def frame_states(root: Any, graph: Graph, st: Style, skel: Any = None) -> list[FrameState]:
    """The frames of backward over `graph`, in the engine's order, then an all-known frame."""
    pos = graph.index
    if skel is not None:
        steps = skeleton_order(graph, skel)
    else:
        steps = [pos[id(n)] for n in backward_order(root, graph.twin) if id(n) in pos]
    states: list[FrameState] = []
    partial: dict[int, Any] = {}
    known: set[int] = set()
    for k, i in enumerate(steps):
        known.add(i)
        partial.pop(i, None)
        node = graph.nodes[i]
        who = st.names.get(i) or getattr(node, "label", None) or getattr(node, "name", None) \
            or (f"the output of {node._fn.name}" if node._fn is not None else "a leaf")
        text = (f"step {k + 1} of {len(steps)}: backward reaches {who}; its gradient is now "
                "complete" + (" and is passed on to the op's inputs" if node._fn is not None
                              else " (a leaf: stored in .grad)"))
        g = graph.raw_grads.get(i)
        if skel is None and node._fn is not None and g is not None:
            live = node._fn if graph.twin is None else graph.twin.fn[id(node._fn)]
            for p, c in contributions(live, _as_node(node, g)):
                xi = pos.get(id(node._fn.inputs[p]))  # type: ignore[index]
                if xi is not None and xi not in known:
                    partial[xi] = c if xi not in partial else partial[xi] + c
        fr = Frame(current=i, known=set(known), partial=dict(partial), step=k + 1,
                   total=len(steps))
        states.append(FrameState(fr, text))
    final = Frame(current=-1, known=set(known), partial={}, step=len(steps) + 1,
                  total=len(steps))
    states.append(FrameState(final, f"done: all {len(steps)} gradients are known"))
    return states


def _as_node(like: Any, g: Any) -> Any:
    """A gradient (raw float or array) as a constant node of `like`'s kind."""
    if hasattr(like, "dtype"):
        return type(like)._wrap(g)
    return type(like)(float(g), requires_grad=False)


# ---------------------------------------------------------------- one layout, many frames

_GROUP = re.compile(r'<g id="(?:node|edge)\d+" class="(node|edge)">\s*<title>(.*?)</title>(.*?)'
                    r"</g>", re.S)
_TEXT = re.compile(r"(<text\b[^>]*>)(.*?)(</text>)", re.S)
_SHAPE = re.compile(r"<(polygon|ellipse|path|polyline)\b([^>]*?)(/?)>")


def _lines(fields: list[str]) -> list[list[str]]:
    return [[ln for ln in f.split("\n") if ln.strip()] for f in fields]


def fixed_svgs(graph: Graph, st: Style, states: list[FrameState],
               render: Any) -> list[str] | None:
    """One SVG per frame, all from a single layout (`render`: DOT text -> SVG bytes).

    Returns None when the layout's SVG does not have the expected shape (an unusual Graphviz):
    the caller then renders each frame on its own.
    """
    n = len(graph.nodes)
    per_frame: list[list[list[list[str]]]] = []  # frame -> node -> field -> lines
    for s in states:
        st.frame = s.frame
        per_frame.append([_lines(_node_fields(graph, i, st)[0]) for i in range(n)])
    widest: dict[int, list[str]] = {}
    for i in range(n):
        fields = []
        for f in range(len(per_frame[0][i])):
            variants = [fr[i][f] for fr in per_frame if f < len(fr[i])]
            most = max(len(v) for v in variants)
            fields.append("\n".join(max((v[k] for v in variants if k < len(v)), key=len)
                                    for k in range(most)))
        widest[i] = fields
    st.frame = None
    layout_dot = "digraph autograd {\n" + "\n".join(
        "  " + line for line in emit(graph, st, fields_override=widest)) + "\n}\n"
    base = render(layout_dot).decode("utf-8")
    groups = {m.group(2): m for m in _GROUP.finditer(base)}
    for i in range(n):
        m = groups.get(f"v{i}")
        want = sum(len(lines) for lines in _lines(widest[i]))
        if m is None or len(_TEXT.findall(m.group(3))) != want:
            return None
    counts = {i: [len(lines) for lines in _lines(widest[i])] for i in range(n)}
    out = []
    for s, frame_fields in zip(states, per_frame):
        st.frame = s.frame
        out.append(_apply(base, groups, graph, st, frame_fields, counts))
    st.frame = None
    return out


def _apply(base: str, groups: dict[str, re.Match[str]], graph: Graph, st: Style,
           fields: list[list[list[str]]], counts: dict[int, list[int]]) -> str:
    """The layout SVG with frame `st.frame`'s texts and colours."""
    fr = st.frame
    assert fr is not None
    hot: set[str] = set()
    if fr.current >= 0:
        for j, outs in enumerate(graph.fn_outputs):
            if fr.current in outs:
                hot |= {f"v{ni}->f{j}" for ni, _ in graph.fn_inputs[j] if ni >= 0}
                hot |= {f"f{j}->v{ni}" for ni in outs}
    pieces: list[str] = []
    last = 0
    for title, m in sorted(groups.items(), key=lambda kv: kv[1].start()):
        body = m.group(3)
        head = base[last:m.start(3)]
        if m.group(1) == "node" and title.startswith("v") and title[1:].isdigit():
            i = int(title[1:])
            shown = st.grads.get(i) if i in fr.known else None
            attrs = _node_style(i, st, shown, st.heat and st.show_grad and bool(st.grads))
            lines = [ln for f, c in zip(fields[i], counts[i]) for ln in (f + [""] * c)[:c]]
            body = _restyle_node(body, attrs, lines)
            if i == fr.current:  # as Graphviz writes a node with class="current"
                cut = m.start() - last
                head = head[:cut] + head[cut:].replace('class="node"', 'class="node current"', 1)
        elif m.group(1) == "edge" and html.unescape(title) in hot:
            body = _SHAPE.sub(lambda s: _paint(s, stroke=_HOT_EDGE, width="2.5",
                                               fill=_HOT_EDGE if s.group(1) == "polygon"
                                               else None), body)
        pieces.append(head)
        pieces.append(body)
        last = m.end(3)
    pieces.append(base[last:])
    return "".join(pieces)


def _restyle_node(body: str, attrs: list[str], lines: list[str]) -> str:
    kv = dict(a.split("=", 1) for a in attrs)
    style = kv.get("style", "").strip('"').split(",")
    filled = "filled" in style
    fill = kv.get("fillcolor", '"none"').strip('"') if filled else "none"
    stroke = kv.get("color", '"black"').strip('"')
    width = kv.get("penwidth", "1")
    dash = "5,2" if "dashed" in style else ("1,5" if "dotted" in style else None)
    font = kv.get("fontcolor", '"black"').strip('"')
    first = [True]

    def shape(s: re.Match[str]) -> str:
        if s.group(1) == "polygon" and first[0]:
            first[0] = False
            return _paint(s, stroke=stroke, width=width, fill=fill, dash=dash)
        return _paint(s, stroke=stroke, width=None, fill=None)

    body = _SHAPE.sub(shape, body)
    texts = iter(lines)

    def text(t: re.Match[str]) -> str:
        open_tag = re.sub(r'\sfill="[^"]*"', "", t.group(1))
        open_tag = open_tag[:-1] + f' fill="{font}">'
        return open_tag + html.escape(next(texts, ""), quote=False) + t.group(3)

    return _TEXT.sub(text, body)


def _paint(s: re.Match[str], stroke: str, width: str | None, fill: str | None,
           dash: str | None = None) -> str:
    attrs = s.group(2)
    attrs = re.sub(r'\s(stroke|stroke-width|stroke-dasharray)="[^"]*"', "", attrs)
    if fill is not None:
        attrs = re.sub(r'\sfill="[^"]*"', "", attrs) + f' fill="{fill}"'
    attrs += f' stroke="{stroke}"'
    if width is not None and width != "1":
        attrs += f' stroke-width="{width}"'
    if dash is not None:
        attrs += f' stroke-dasharray="{dash}"'
    return f"<{s.group(1)}{attrs}{s.group(3)}>"
