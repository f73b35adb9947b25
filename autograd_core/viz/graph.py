"""What the drawings read from a graph: its nodes and ops, gradients, backward order, modules.

Everything here walks the graph with explicit work-lists (no recursion), so graphs of any depth
can be drawn, and every pass is linear in the graph's size.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import engine
from ..engine import Function, Node, no_grad

__all__ = ["Graph", "Twin", "walk", "gradients", "backward_order"]


class Graph:
    """A snapshot of the graph under a root: value nodes, op nodes and the edges between them.

    `nodes[i]` is a Node (Value or Tensor); `fns[j]` a Function; `fn_inputs[j]` lists
    `(node index, argument position)` for each Node argument of op j (a node index of -1 means
    "one of the hidden nodes" beyond `max_nodes`); `fn_outputs[j]` the drawn outputs of op j.
    """

    def __init__(self) -> None:
        self.nodes: list[Any] = []  # Values and Tensors
        self.index: dict[int, int] = {}
        self.fns: list[Function] = []
        self.fn_index: dict[int, int] = {}
        self.fn_inputs: list[list[tuple[int, int]]] = []
        self.fn_consts: list[list[Any]] = []
        self.fn_outputs: list[list[int]] = []
        self.freed: set[int] = set()  # op indices whose inputs were released by backward
        self.spent = False  # a backward already ran: structure kept, saved values gone
        self.hidden = 0  # nodes not drawn because of max_nodes
        self.twin: Twin | None = None  # a live replay, when backward already ran
        self.raw_grads: dict[int, Any] = {}  # node index -> d(root)/d(node), array or float

    @property
    def is_scalar(self) -> bool:
        """True when every node is a scalar `Value` (edge labels need scalars)."""
        return all(getattr(n, "shape", None) == () and not hasattr(n, "dtype")
                   for n in self.nodes)


def walk(root: Node, max_nodes: int | None = None) -> Graph:
    """Breadth-first from `root` over every Node argument (constants included).

    Breadth-first means that, past `max_nodes`, the nodes kept are the ones nearest the output,
    where backward starts; the rest are counted in `hidden` and drawn as one summary box.
    """
    if not isinstance(root, Node):
        raise TypeError(f"viz: expected a Value or Tensor to draw, got {type(root).__name__}")
    g = Graph()
    seen: set[int] = {id(root)}
    hidden_ids: set[int] = set()
    g.nodes.append(root)
    g.index[id(root)] = 0
    queue: deque[Node] = deque([root])
    limit = max_nodes if max_nodes is not None else -1
    while queue:
        node = queue.popleft()
        fn = node._fn
        if fn is None:
            continue
        drawn = id(node) not in hidden_ids
        fi: int | None = g.fn_index.get(id(fn))
        if fi is not None:  # another output of a multi-output op
            if drawn and fi >= 0:
                g.fn_outputs[fi].append(g.index[id(node)])
            continue
        inputs = fn.inputs
        g.spent = g.spent or getattr(fn, "_freed", False)
        if drawn:
            fi = len(g.fns)
            g.fn_index[id(fn)] = fi
            g.fns.append(fn)
            g.fn_outputs.append([g.index[id(node)]])
            g.fn_inputs.append([])
            g.fn_consts.append([])
            if inputs is None:
                g.freed.add(fi)
        else:
            fi = g.fn_index[id(fn)] = -1
        for pos, x in enumerate(inputs or ()):
            if not isinstance(x, Node):
                if drawn:
                    g.fn_consts[fi].append(x)
                continue
            k = id(x)
            if k not in seen:
                seen.add(k)
                queue.append(x)
                if drawn and (limit < 0 or len(g.nodes) < limit):
                    g.index[k] = len(g.nodes)
                    g.nodes.append(x)
                else:
                    hidden_ids.add(k)
            if drawn:
                g.fn_inputs[fi].append((g.index.get(k, -1), pos))
    g.hidden = len(hidden_ids)
    return g


class Twin:
    """A live copy of a graph whose backward already ran, made by replaying its ops.

    After `backward()` a scalar graph keeps its structure but not the values its ops saved, so
    neither gradients nor the engine's order can be computed on it. Replaying every op (same
    class, same input data, same non-Node arguments) on fresh leaves gives an identical graph,
    on which the engine can run; `node[id(original)]` and `fn[id(original)]` map across.
    """

    def __init__(self, root: Node) -> None:
        self.node: dict[int, Node] = {}
        self.fn: dict[int, Function] = {}
        self.original: dict[int, Node] = {}
        replayed: dict[int, Any] = {}
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:  # post-order: every input is copied before the op that reads it
            n, ready = stack.pop()
            if id(n) in self.node:
                continue
            fn = n._fn
            if fn is None:
                self._add(n, n._detached())  # type: ignore[attr-defined]
                continue
            if fn.inputs is None:
                raise RuntimeError("the graph's structure was freed")
            if not ready:
                stack.append((n, True))
                stack += [(x, False) for x in fn.inputs
                          if isinstance(x, Node) and id(x) not in self.node]
                continue
            outs = replayed.get(id(fn))
            if outs is None:
                args = [self.node[id(x)] if isinstance(x, Node) else x for x in fn.inputs]
                outs = replayed[id(fn)] = type(fn).apply(*args)
                self.fn[id(fn)] = (outs[0] if isinstance(outs, tuple) else outs)._fn
            self._add(n, outs[n._out_index] if isinstance(outs, tuple) else outs)

    def _add(self, original: Node, copy: Node) -> None:
        if copy._fn is None:
            copy.requires_grad = original.requires_grad
        self.node[id(original)] = copy
        self.original[id(copy)] = original


def backward_order(root: Node, twin: Twin | None = None) -> list[Node]:
    """The nodes in the order backward reaches them: the engine's own topological sort, reversed.

    Raises RuntimeError when a backward without `retain_graph=True` already freed the graph.
    """
    if twin is None:
        return list(reversed(engine.toposort([root])))
    seq = engine.toposort([twin.node[id(root)]])
    return [twin.original[id(n)] for n in reversed(seq)]


def _seed(root: Node) -> Any:
    shape = getattr(root, "shape", ())
    if shape == ():
        return None
    return type(root)._wrap(np.ones(shape, dtype=root.dtype))  # type: ignore[attr-defined]


def gradients(root: Node, graph: Graph, twin: Twin | None = None
              ) -> tuple[dict[int, Any], str]:
    """d(root)/d(node) for every drawn node, and where they came from ("computed" or "stored").

    While the graph is alive the drawing runs one extra backward pass with `grad()` (capturing
    every node, touching no `.grad`), so the picture is the same before and after `backward()`.
    A non-scalar root is seeded with ones, as if it were summed. Once a backward has freed the
    graph, only the stored `.grad` values can be shown: leaves, and nodes with `retain_grad()`.
    """
    targets = [n for n in graph.nodes if n.requires_grad]
    if root.requires_grad and targets and not graph.freed:
        live = targets if twin is None else [twin.node[id(n)] for n in targets]
        try:
            with _hooks_paused(root if twin is None else twin.node[id(root)]):
                got = engine.grad(root if twin is None else twin.node[id(root)], live,
                                  grad_outputs=_seed(root), retain_graph=True,
                                  allow_unused=True)
        except RuntimeError:
            pass  # freed deeper than we walked, or modified in place: fall back below
        else:
            return {id(n): _raw(gr) for n, gr in zip(targets, got) if gr is not None}, "computed"
    out: dict[int, Any] = {}
    for n in graph.nodes:
        if n.requires_grad and (n._fn is None or n._retains_grad):
            gr = getattr(n, "grad", None)
            if gr is not None:
                out[id(n)] = _raw(gr)
    return out, "stored"


@contextlib.contextmanager
def _hooks_paused(root: Node) -> Iterator[None]:
    """Drawing must not call users' gradient hooks (they may count or log): detach them."""
    saved = [(n, n._hooks) for n in engine.toposort([root]) if n._hooks]
    for n, _ in saved:
        n._hooks = None
    try:
        yield
    finally:
        for n, h in saved:
            n._hooks = h


def _raw(g: Any) -> Any:
    return g.data if isinstance(g, Node) else g  # type: ignore[attr-defined]


def local_derivatives(graph: Graph, twin: Twin | None = None
                      ) -> dict[tuple[int, int], float]:
    """For scalar graphs: d(output)/d(input) of every op, keyed by (op index, argument position).

    Found by running each op's own backward with an output gradient of 1, so no op needs a
    table of derivatives here. Ops whose saved values are gone are skipped.
    """
    out: dict[tuple[int, int], float] = {}
    if not graph.nodes:
        return out
    one = type(graph.nodes[0])._seed_grad(graph.nodes[0], None)  # type: ignore[attr-defined]
    with no_grad():
        for fi, fn in enumerate(graph.fns):
            if twin is not None:
                fn = twin.fn[id(fn)]
            if fi in graph.freed or fn._nout != 1:
                continue
            try:
                gin = type(fn).backward(fn, one)
            except (RuntimeError, TypeError, ValueError):
                continue
            if not isinstance(gin, tuple):
                gin = (gin,)
            for pos, gi in enumerate(gin):
                if gi is not None:
                    out[(fi, pos)] = float(_raw(gi))
    return out


def contributions(fn: Function, g: Any) -> list[tuple[int, Any]]:
    """What one backward step of `fn` sends to each input: `(argument position, gradient)`.

    Used by the step-by-step frames to show partial sums; it calls the op's backward exactly
    as the engine does (then sums each gradient back to its input's shape).
    """
    if fn.inputs is None or fn._nout != 1:
        return []
    with no_grad():
        gin = type(fn).backward(fn, g)
        if not isinstance(gin, tuple):
            gin = (gin,)
        out = []
        for pos, (x, gx) in enumerate(zip(fn.inputs, gin)):
            if gx is not None and isinstance(x, Node) and fn.needs_input_grad[pos]:
                out.append((pos, _raw(x._fit_grad(gx, fn, pos))))
    return out


_AFFINE = ("Linear", "Add", "Sub", "MatMul", "Matmul", "Dot")


def dead_unit_notes(graph: Graph) -> dict[int, str]:
    """Where the drawing flags dead ReLU units: node index -> note.

    A unit is dead on a batch when its ReLU output is 0 for every row. The flag goes on the
    ReLU's output and on the unit's own parameters: the row of a Linear weight (or the column of
    a matmul weight) and the entry of the bias that feed it, found by walking up through the
    affine ops that made the ReLU's input. Inputs that happen to be constant are not units.
    """
    from .summary import dead_units

    made_by: dict[int, int] = {}
    for j, outs in enumerate(graph.fn_outputs):
        for ni in outs:
            made_by[ni] = j
    notes: dict[int, str] = {}
    for j, fn in enumerate(graph.fns):
        if fn.name != "Relu" or not graph.fn_outputs[j]:
            continue
        out_i = graph.fn_outputs[j][0]
        out = graph.nodes[out_i]
        dead = getattr(out, "dead", None)
        if dead is None:
            if not hasattr(out, "dtype"):
                continue  # a scalar Value is one unit of one sample: no batch to judge
            dead = dead_units(out.data)
        if not dead:
            continue
        units = len(dead)
        which = ", ".join(map(str, dead[:8])) + (", ..." if units > 8 else "")
        width = tuple(out.shape)[-1]
        notes[out_i] = f"dead units ({units} of {width}): {which}"
        for pi, axis in _unit_parameters(graph, made_by, graph.fn_inputs[j], width):
            p = graph.nodes[pi]
            part = "entries" if len(tuple(p.shape)) == 1 else ("rows" if axis == 0 else "columns")
            notes[pi] = f"{part} of dead units: {which}"
    return notes


def _unit_parameters(graph: Graph, made_by: dict[int, int], relu_inputs: list[tuple[int, int]],
                     width: int) -> list[tuple[int, int]]:
    """(node index, unit axis) of the leaf parameters that feed a ReLU's units directly."""
    found: list[tuple[int, int]] = []
    frontier = [ni for ni, _ in relu_inputs if ni >= 0]
    for _depth in range(2):  # z = x @ W.T + b (fused Linear), or (x @ W) + b: two ops at most
        nxt: list[int] = []
        for zi in frontier:
            j = made_by.get(zi)
            if j is None or graph.fns[j].name not in _AFFINE:
                continue
            fused = graph.fns[j].name == "Linear"
            for ni, pos in graph.fn_inputs[j]:
                if ni < 0:
                    continue
                n = graph.nodes[ni]
                shape = tuple(getattr(n, "shape", ()))
                if n._fn is None and n.requires_grad and shape:
                    if fused and pos == 1 and shape[0] == width:
                        found.append((ni, 0))  # Linear's weight is (out_features, in_features)
                    elif shape[-1] == width and not (fused and pos == 0):
                        found.append((ni, len(shape) - 1))
                elif n._fn is not None:
                    nxt.append(ni)
        frontier = nxt
    return found
