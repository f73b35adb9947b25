"""DOT text for a captured graph: one record per value, one ellipse per op, module clusters.

Layout follows micrograd's drawing: a record `label | data | grad` per value, a small ellipse per
op, left to right. The text inside each node comes from labels.py. All loops are iterative and
linear in the graph's size.
"""

from __future__ import annotations

from typing import Any

from .graph import Graph
from .labels import (
    _CURRENT,
    _HOT_EDGE,
    _ZERO_EDGE,
    _ZERO_FILL,
    Heat,
    Style,
    _data_text,
    _esc,
    _grad_text,
    _is_tensor,
    _q,
    _text_color,
    flagged,
    magnitude,
    num,
    op_label,
)
from .modules import module_title


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
