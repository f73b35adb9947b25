"""DOT text for a captured graph: one record per value, one ellipse per op, module clusters.

Layout follows micrograd's drawing: a record `label | data | grad` per value, a small ellipse per
op, left to right. The text inside each node comes from labels.py, the heat colours and marks
from heat.py. All loops are iterative and linear in the graph's size.
"""

from __future__ import annotations

from typing import Any

from .graph import Graph
from .heat import DEAD_STYLE, ZERO_STYLE, heat_fill, legend, pack, text_color
from .labels import (
    _CURRENT,
    _DONE,
    _HOT_EDGE,
    Style,
    _data_text,
    _esc,
    _grad_text,
    _is_tensor,
    _q,
    data_summary,
    num,
    op_label,
)
from .modules import module_title
from .render import FONT
from .summary import Summary, summarize


def _node_fields(graph: Graph, i: int, st: Style) -> tuple[list[str], Summary | None]:
    """Record fields of value node i, and the gradient summary its heat colour shows."""
    n: Any = graph.nodes[i]
    fields: list[str] = []
    if i in st.steps and st.frame is None:
        fields.append(f"step {st.steps[i]}")
    name = st.names.get(i)
    if name is None:
        name = getattr(n, "label", None) or getattr(n, "name", None) or ""
    if _is_tensor(n):
        shape = "scalar" if tuple(n.shape) == () else str(tuple(n.shape))
        fields.append(f"{name}  {shape} {n.dtype}" if name else f"{shape} {n.dtype}")
    else:
        fields.append(name)
    if st.show_data:
        sm = st.data.get(i)
        if sm is None:
            sm = st.data[i] = data_summary(n)
        text = _data_text(n, sm)
        if text:
            fields.append(text)
    shown: Summary | None = None
    if st.show_grad:
        fr = st.frame
        if not n.requires_grad:
            fields.append("no grad")
        elif fr is not None and i not in fr.known:
            fields.append(_grad_text(n, summarize(fr.partial[i]), "grad so far")
                          if i in fr.partial else "grad ?")
        elif i in st.grads:
            shown = st.grads[i]
            fields.append(_grad_text(n, shown))
        else:
            fields.append("grad ?")
    if i in st.dead and st.show_grad:
        fields.append(st.dead[i])
    return fields, shown


def _node_style(i: int, st: Style, shown: Summary | None, use_heat: bool) -> list[str]:
    """Fill and border of value node i: frame state, heat colour, zero and dead-unit marks."""
    fr = st.frame
    if fr is not None and i == fr.current:
        # the SVG class lets a player find the node backward is at (and scroll it into view)
        return ["style=filled", f'fillcolor="{_CURRENT}"', "penwidth=3", 'class="current"']
    attrs: list[str] = []
    if use_heat and shown is not None:
        m = shown.norm
        if m == 0:
            attrs += ZERO_STYLE
        else:
            fill = heat_fill(m)
            attrs += ["style=filled", f'fillcolor="{fill}"', f'fontcolor="{text_color(fill)}"']
    elif fr is not None and i in fr.known:
        attrs += ["style=filled", f'fillcolor="{_DONE}"']
    if i in st.dead and st.show_grad:
        style = next((a for a in attrs if a.startswith("style=")), "style=filled")
        attrs = [a for a in attrs if not a.startswith(("style=", "color=", "penwidth="))]
        kinds = style.split("=", 1)[1].strip('"').split(",")
        # without a fill colour, "filled" would paint the box in its border colour: black
        filled = any(a.startswith("fillcolor=") for a in attrs)
        kinds = [k for k in kinds if k not in ("dotted", "dashed")
                 and (k != "filled" or filled)] + ["dashed"]
        attrs += [f'style="{",".join(kinds)}"', *DEAD_STYLE]
    return attrs


def emit(graph: Graph, st: Style,
         fields_override: dict[int, list[str]] | None = None) -> list[str]:
    """The body of a DOT digraph (statements only) for `graph` drawn with style `st`
    (`fields_override`: node index -> the record fields to draw instead, for a layout)."""
    nn_, nf = len(graph.nodes), len(graph.fns)
    use_heat = st.heat and st.show_grad and bool(st.grads)
    fr = st.frame

    # -- statements of every value node and op node
    node_stmt: list[str] = []
    mags: list[float | None] = []
    zero_used = False
    for i in range(nn_):
        fields, shown = _node_fields(graph, i, st)
        if fields_override is not None:
            fields = fields_override[i]
        # Values read left to right like micrograd's; tensors stack their longer lines.
        across = not _is_tensor(graph.nodes[i])
        body = " | ".join(map(_esc, fields))
        if across == (st.rankdir in ("LR", "RL")):
            body = "{ " + body + " }"
        if fr is not None and i not in fr.known:
            shown = None  # not known yet at this step: no heat colour
        attrs = ["shape=record", f'label="{body}"']  # _esc already escaped quotes
        attrs += _node_style(i, st, shown, use_heat)
        mags.append(shown.norm if shown is not None else None)
        zero_used = zero_used or (use_heat and shown is not None and shown.norm == 0)
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
    if fr is not None:
        for j, outs in enumerate(graph.fn_outputs):
            if fr.current in outs:
                hot_fn = j
    mod_of = st.node_mod if st.node_mod is not None and st.fn_mod is not None else None
    edges: list[tuple[str, str, str]] = []
    for j in range(nf):
        hot = f' color="{_HOT_EDGE}" penwidth=2.5' if j == hot_fn else ""
        for ni, pos in graph.fn_inputs[j]:
            lab = ""
            if (j, pos) in st.local:
                lab = f" label={_q('× ' + num(st.local[(j, pos)]))} fontsize=9"
            if mod_of is not None and ni >= 0 and st.fn_mod is not None \
                    and mod_of[ni] != st.fn_mod[j]:
                # a value crossing a module's border: one spare rank keeps the next module's
                # parameters (and outside inputs) clear of the box it leaves, and its title
                lab += " minlen=2"
            edges.append(("hidden" if ni < 0 else f"v{ni}", f"f{j}", lab + hot))
        for ni in graph.fn_outputs[j]:
            edges.append((f"f{j}", f"v{ni}", hot))

    # -- module clusters (optionally collapsed into one box each)
    members: dict[str | None, list[str]] = {None: []}
    clusters: list[str] = []
    # nodes drawn with the dead-unit mark: the legend explains the mark only if one is drawn
    dead_drawn = {i for i in st.dead if st.show_grad}
    if st.node_mod is not None and st.fn_mod is not None and st.trace is not None:
        clusters = _module_clusters(graph, st, node_stmt, op_stmt, edges, mags, use_heat,
                                    members, dead_drawn)
    else:
        members[None] = node_stmt + op_stmt

    out: list[str] = [f"rankdir={st.rankdir}", *(pack(st.rankdir) if use_heat else []),
                      f'node [fontname="{FONT}" fontsize=11]',
                      f'edge [fontname="{FONT}" arrowsize=0.7]']
    if use_heat:
        # first in the file, so Graphviz packs it in the same place in every drawing: below a
        # left-to-right graph, above a top-to-bottom one
        out += legend(zero=zero_used, dead=bool(dead_drawn), rankdir=st.rankdir)
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
    if st.caption:
        # "\l" ends a left-justified line in DOT
        text = "".join(_q(line)[1:-1] + "\\l" for line in st.caption)
        out.append(f'label="{text}" labelloc=b labeljust=l fontsize=11 fontname="{FONT}"')
    return out


def _module_clusters(graph: Graph, st: Style, node_stmt: list[str], op_stmt: list[str],
                     edges: list[tuple[str, str, str]], mags: list[float | None],
                     use_heat: bool, members: dict[str | None, list[str]],
                     dead_drawn: set[int]) -> list[str]:
    """Place statements into nested `subgraph cluster_*` blocks, one per module; with
    `collapse`, replace each innermost module by one box and reroute the edges to it (a box
    whose output has dead units says so; `dead_drawn` keeps only the marks still drawn)."""
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
                if kind == "v":
                    dead_drawn.discard(k)
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
                mag = mags[oi]
                if mag is not None and st.show_grad:
                    lines.append(f"grad norm of out {num(mag)}")
                if use_heat and mag is not None:
                    if mag == 0:
                        attrs = ["shape=box", 'style="rounded,filled,dotted"',
                                 'fillcolor="#eeeeee"', 'color="#444444"', "penwidth=2"]
                    else:
                        fill = heat_fill(mag)
                        attrs[2] = f'fillcolor="{fill}"'
                        attrs.append(f'fontcolor="{text_color(fill)}"')
                if oi in st.dead and st.show_grad:  # a ReLU module whose units died
                    lines.append(st.dead[oi])
                    attrs = [a for a in attrs if not a.startswith(("style=", "color=",
                                                                   "penwidth="))]
                    attrs += ['style="rounded,filled,dashed"', *DEAD_STYLE]
                    dead_drawn.add(oi)
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
        # labels at the top right: values enter a module from the left, so edges stay clear
        out.append(f'label={_q(title)} labeljust=r style="rounded,filled" '
                   f'fillcolor="{fills[depth % 4]}" color="#8a94a6" fontsize=12 '
                   f'fontname="{FONT}"')
        out += members[p]
        stack.append((p, -1))
        stack += [(c, depth + 1) for c in reversed(children[p])]
    return out
