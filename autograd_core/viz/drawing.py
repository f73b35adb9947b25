"""Seeing backprop: drawings of Value and Tensor graphs with data, gradients and backward order.

`to_dot(root)` returns DOT text and needs nothing installed. `draw_graph(root)` returns a
`graphviz.Digraph` (the `viz` extra; shown inline in Jupyter) and `render_graph(root, path)`
writes SVG/PNG/PDF; both need Graphviz's `dot` program and say how to install it when it is
missing. `backprop_frames(root)` gives one drawing per backward step and
`render_backprop_animation(root, path)` writes them as a self-contained HTML page.

The gradient drawn on a node is d(root)/d(node) (a non-scalar root is seeded with ones). The
drawing computes it with one extra backward pass that touches no `.grad` and calls no hooks, so
every node shows its gradient, intermediate ones included, before or after `backward()`:
- before `backward()`, or after `backward(retain_graph=True)`: on the graph itself;
- after a plain `backward()` on a Value graph (the engine keeps scalar graphs' structure but
  frees their saved values): on a twin made by replaying the recorded ops (`graph.Twin`);
- after a plain `backward()` on a Tensor graph (structure freed): what survives is drawn, with
  the stored `.grad` of leaves, and a note saying how to keep the graph.
Step numbers (`order=True`) and frames use the engine's own `toposort`, reversed.

Module clusters: run the forward pass inside `with trace_modules(model):` and pass `model=model`;
each module's ops are drawn inside a labelled box (`collapse=True`: one box per module). Without a
trace, `model=` groups the ops that read each module's own parameters.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..engine import Node
from .dot import emit
from .graph import (
    Graph,
    Twin,
    backward_order,
    contributions,
    gradients,
    local_derivatives,
    walk,
)
from .labels import Frame, Style
from .modules import ModuleTrace, assign_modules, resolve_modules, trace_modules

__all__ = [
    "to_dot",
    "draw_graph",
    "render_graph",
    "backprop_frames",
    "render_backprop_animation",
    "trace_modules",
    "ModuleTrace",
    "GraphvizNotFoundError",
]

_FORMATS = ("svg", "png", "pdf")
_INSTALL = (
    "Install Graphviz's `dot` program: `apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS), or `conda install graphviz`. Without it, "
    "autograd_core.to_dot(root) still returns the DOT text (paste it into any Graphviz viewer)."
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz (the `dot` program or the `graphviz` Python package) is not installed."""


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
    pos = graph.index
    twin = None
    if graph.spent and not graph.freed and (show_grad or heat or order or edge_labels):
        try:
            twin = Twin(root)
        except (RuntimeError, TypeError, ValueError):
            twin = None  # an op that cannot be replayed: show what is stored
    graph.twin = twin
    st = Style(show_data=show_data, show_grad=show_grad, rankdir=rankdir, heat=heat)
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
    if show_grad or heat:
        grads, source = gradients(root, graph, twin)
        st.grads = {pos[k]: g for k, g in grads.items() if k in pos}
        if source == "stored":
            st.caption.append("grad: the stored .grad (leaves and retain_grad() nodes only)")
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


def _require_graphviz() -> Any:
    """The graphviz package, after checking that the `dot` program can be run."""
    try:
        import graphviz
    except ImportError:
        raise GraphvizNotFoundError(
            "Drawing needs the `graphviz` Python package: pip install 'autograd-core[viz]' "
            "(or pip install graphviz). " + _INSTALL) from None
    if shutil.which("dot") is None:
        raise GraphvizNotFoundError("The Graphviz `dot` program was not found on PATH. "
                                    + _INSTALL)
    return graphviz


def draw_graph(root: Node, **options: Any) -> Any:
    """A `graphviz.Digraph` of the graph under `root` (inline in Jupyter); options as `to_dot`."""
    graphviz = _require_graphviz()
    graph, st = _build(root, **options)
    dg = graphviz.Digraph("autograd")
    dg.body.extend("\t" + line + "\n" for line in emit(graph, st))
    return dg


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
    dg = draw_graph(root, **options)
    path.write_bytes(dg.pipe(format=fmt))
    return path


def render_dot(source: str, path: str | os.PathLike[str], format: str | None = None) -> Path:
    """Write DOT text (any graph, not only autograd's) to `path` the way `render_graph` does."""
    graphviz = _require_graphviz()
    path = Path(path)
    path.write_bytes(graphviz.Source(source).pipe(format=_format_for(path, format)))
    return path


def backprop_frames(root: Node, **options: Any) -> list[str]:
    """One DOT text per backward step, in the engine's order.

    In frame k the node whose gradient is complete at step k is highlighted, the nodes already
    done show their gradients, the ones still accumulating show `grad so far`, and the edges to
    the inputs it passes its gradient to are highlighted. Scalar graphs get edge labels.
    """
    if not isinstance(root, Node) or not root.requires_grad:
        raise ValueError("backprop_frames: the root must be a Value or Tensor that requires grad")
    options.setdefault("edge_labels", None)
    if options["edge_labels"] is None:
        options["edge_labels"] = walk(root, 2).is_scalar and getattr(root, "shape", None) == ()
    options.setdefault("max_nodes", None)
    options["order"] = False
    graph, st = _build(root, **options)
    try:
        seq = backward_order(root, graph.twin)
    except RuntimeError as e:
        raise RuntimeError("backprop_frames: " + str(e)) from None
    pos = graph.index
    steps = [pos[id(n)] for n in seq if id(n) in pos]
    frames: list[str] = []
    partial: dict[int, Any] = {}
    known: set[int] = set()
    caption = list(st.caption)
    for k, i in enumerate(steps):
        known.add(i)
        partial.pop(i, None)
        node = graph.nodes[i]
        st.frame = Frame(current=i, known=set(known), partial={}, step=k + 1, total=len(steps))
        who = st.names.get(i) or getattr(node, "label", None) or getattr(node, "name", None) \
            or (f"the output of {node._fn.name}" if node._fn is not None else "a leaf")
        st.caption = [f"step {k + 1} of {len(steps)}: backward reaches {who}; its gradient is "
                      "now complete" + (" and is passed on to the op's inputs"
                                        if node._fn is not None else " (a leaf: stored in .grad)"),
                      *caption]
        g = st.grads.get(i)
        if node._fn is not None and g is not None:
            live = node._fn if graph.twin is None else graph.twin.fn[id(node._fn)]
            for p, c in contributions(live, _as_node(node, g)):
                xi = pos.get(id(node._fn.inputs[p]))  # type: ignore[index]
                if xi is not None and xi not in known:
                    partial[xi] = c if xi not in partial else partial[xi] + c
        st.frame.partial = dict(partial)
        frames.append(_wrap(emit(graph, st)))
    return frames


def _as_node(like: Node, g: Any) -> Node:
    """A gradient (raw float or array) as a constant node of `like`'s kind."""
    if hasattr(like, "dtype"):
        return type(like)._wrap(g)  # type: ignore[attr-defined]
    return type(like)(float(g), requires_grad=False)  # type: ignore[call-arg]


def render_backprop_animation(root: Node, path: str | os.PathLike[str],
                              **options: Any) -> Path:
    """Write a self-contained HTML page stepping through backward, one SVG frame per step."""
    from .animation import frames_page

    graphviz = _require_graphviz()
    frames = backprop_frames(root, **options)
    svgs = [graphviz.Source(f).pipe(format="svg").decode("utf-8") for f in frames]
    path = Path(path)
    path.write_text(frames_page(svgs), encoding="utf-8")
    return path
