"""The skeleton a Tensor graph keeps after `backward()`, so it can still be drawn.

`backward()` frees a Tensor graph as it goes (that is what keeps training memory flat). Just
before it lets go of an op, the engine hands it to a `Skeleton` (registered here, at import of
the drawing code): op names and edges, each node's name, shape and dtype, the gradient's norm
and share of zeros, the numbers of results with at most SMALL entries, and the dead units of
ReLU outputs; never an array. Min/mean/max of larger results are not kept: computing them for
every op of every training step would cost more than the backward pass itself on small
networks. Leaves (parameters, inputs) are held by weak reference: their data and `.grad` are
read when drawing, if they are still alive. Only the 1,000 ops nearest the output are kept
(`engine.set_skeleton_maker`), which bounds the cost on very deep graphs (a drawing shows 1000
nodes by default anyway).
"""

from __future__ import annotations

import math
import weakref
from collections import deque
from typing import Any
from weakref import ref as _weakref

import numpy as np

from .. import engine
from ..engine import Node
from .graph import Graph
from .summary import SMALL, Summary, dead_units, summarize

__all__ = ["Skeleton", "Ghost", "GhostOp", "skeleton_of", "skeleton_graph"]


class GhostOp:
    """A freed op as the drawing sees it: its name, kind and short constant arguments."""

    __slots__ = ("name", "kind", "consts", "inputs", "outputs", "orig")

    def __init__(self, name: str, kind: str, consts: list[Any], inputs: list[tuple[int, int]],
                 orig: int = 0) -> None:
        self.name, self.kind, self.consts = name, kind, consts
        self.orig = orig  # the id of the original op: module traces know ops by it
        self.inputs = inputs  # (argument position, node key)
        self.outputs: list[int] = []


class Ghost:
    """A node of a freed graph: name, shape, dtype and summaries; a leaf keeps a weak ref."""

    __slots__ = ("name", "shape", "dtype", "requires_grad", "_fn", "data_summary", "grad",
                 "dead", "ref", "key")

    def __init__(self, name: str | None, shape: tuple[int, ...], dtype: Any,
                 requires_grad: bool, fn: GhostOp | None) -> None:
        self.name, self.shape, self.dtype = name, shape, dtype
        self.requires_grad = requires_grad
        self._fn = fn
        self.data_summary: Summary | None = None
        self.grad: Summary | None = None
        self.dead: tuple[int, ...] | None = None
        self.ref: weakref.ref[Any] | None = None
        self.key = 0  # the id of the original node (set by the skeleton)

    @property
    def label(self) -> str | None:
        """Tensors are named by `name`; this mirrors Value.label for the drawing."""
        return None


class Skeleton:
    """What backward() keeps of one pass: called by the engine once per op it frees.

    The engine calls it in its hottest loop, so it only records a compact tuple per op and the
    cheapest statistics (a gradient's norm and zero count; the numbers of arrays of at most
    SMALL entries); the drawable nodes are made from those records when a drawing asks.
    """

    __slots__ = ("raw", "leaves", "_nodes", "__weakref__")

    def __init__(self) -> None:
        self.raw: list[tuple[Any, ...]] = []
        self.leaves: dict[int, Any] = {}  # key -> (weak ref, name, shape, dtype, requires_grad)
        self._nodes: dict[int, Ghost] | None = None

    def __call__(self, fn: Any, node: Any, gouts: tuple[Any, ...], inputs: Any) -> None:
        # Called for every op backward frees (the first 1,000 of a pass), in the engine's hottest
        # loop: only attribute reads, one tuple, and for arrays above SMALL entries two numpy
        # reductions (cheap beside the op's own O(n) work). benchmarks/skeleton_cost.py measures it.
        try:
            leaves = self.leaves
            ins: list[Any] = []
            for x in inputs:
                if isinstance(x, Node):
                    k = id(x)
                    ins.append(k)
                    if x._fn is None and k not in leaves:
                        d = x._data  # type: ignore[attr-defined]
                        leaves[k] = (_weakref(x), x.name,  # type: ignore[attr-defined]
                                     d.shape, d.dtype, x.requires_grad)
                else:
                    ins.append((x,))  # a constant argument (an axis, a power...)
            g = gouts[0] if len(gouts) == 1 else gouts[node._out_index]
            if type(g) is not np.ndarray and g is not None:
                g = np.asarray(g._data if isinstance(g, Node) else g)  # type: ignore[attr-defined]
            if g is not None:
                if g.size <= SMALL:
                    g = (g.shape, g.tolist())
                else:  # vdot flattens without a copy; the norm's square root waits for drawing
                    g = (g.shape, np.vdot(g, g), g.size - np.count_nonzero(g))
            data = node._data  # type: ignore[attr-defined]
            cls = type(fn)
            # the op's class and id, never the op itself: it points back here (a cycle) and a
            # custom op may keep arrays of its own on ctx
            self.raw.append((cls, id(fn), id(node), node.name, data.shape, data.dtype,
                             data.tolist() if data.size <= SMALL else None, g,
                             dead_units(data) if cls.__name__ == "Relu" else None, ins))
        except Exception:  # noqa: BLE001 - a drawing aid must never break a backward pass
            pass

    @property
    def nodes(self) -> dict[int, Ghost]:
        """Drawable nodes by key, made from the records on first use."""
        if self._nodes is None:
            self._nodes = self._materialize()
        return self._nodes

    @property
    def order(self) -> list[int]:
        """Node keys in the order backward completed them."""
        return [r[2] for r in self.raw]

    def _materialize(self) -> dict[int, Ghost]:
        nodes: dict[int, Ghost] = {}
        for k, (ref, name, shape, dtype, rg) in self.leaves.items():
            ghost = nodes[k] = Ghost(name, tuple(shape), dtype, rg, None)
            ghost.ref, ghost.key = ref, k
        for cls, fid, key, nname, shape, dtype, vals, grad, dead, ins in self.raw:
            op = GhostOp(cls.__name__.lstrip("_"), cls.__name__,
                         [i[0] for i in ins if type(i) is tuple],
                         [(p, i) for p, i in enumerate(ins) if type(i) is not tuple], fid)
            op.outputs.append(key)
            ghost = Ghost(nname, tuple(shape), dtype, True, op)
            if vals is not None:
                ghost.data_summary = Summary(ghost.shape, values=tuple(np.ravel(vals).tolist()))
            if grad is not None:
                if len(grad) == 2:
                    ghost.grad = Summary(tuple(grad[0]), values=tuple(np.ravel(grad[1]).tolist()))
                else:
                    ghost.grad = Summary(tuple(grad[0]), stats=(
                        math.nan, math.nan, math.nan, math.sqrt(float(grad[1])), int(grad[2])))
            ghost.dead, ghost.key = dead, key
            nodes[key] = ghost
        return nodes


def _install() -> None:
    """Ask the engine to keep a skeleton of every Tensor graph that backward() frees."""
    engine.set_skeleton_maker(Skeleton)


def skeleton_of(root: Node) -> Skeleton | None:
    """The skeleton that backward() kept for the graph under `root`, if any."""
    fn = root._fn
    skel = getattr(fn, "_skel", None) if fn is not None else None
    if skel is None or id(root) not in skel.nodes:
        return None
    return skel  # type: ignore[no-any-return]


def skeleton_graph(root: Node, skel: Skeleton, max_nodes: int | None) -> Graph:
    """A drawable Graph from a skeleton: breadth-first from `root`, like `walk`."""
    g = Graph()
    g.spent = True
    limit = max_nodes if max_nodes is not None else -1
    rk = id(root)
    g.index[rk] = 0
    g.nodes.append(skel.nodes[rk])
    hidden: set[int] = set()
    queue: deque[int] = deque([rk])
    seen = {rk}
    while queue:
        k = queue.popleft()
        ghost = skel.nodes.get(k)
        op = ghost._fn if ghost is not None else None
        if op is None:
            continue
        if k in hidden:  # not drawn, but walked: the box counts every node beyond the limit
            for _, xk in op.inputs:
                if xk not in seen:
                    seen.add(xk)
                    queue.append(xk)
                    hidden.add(xk)
            continue
        fi = len(g.fns)
        g.fn_index[id(op)] = fi
        g.fns.append(op)  # type: ignore[arg-type]
        g.fn_outputs.append([g.index[k]])
        g.fn_inputs.append([])
        g.fn_consts.append(list(op.consts))
        for pos, xk in op.inputs:
            if xk not in seen:
                seen.add(xk)
                queue.append(xk)
                if xk in skel.nodes and (limit < 0 or len(g.nodes) < limit):
                    g.index[xk] = len(g.nodes)
                    g.nodes.append(skel.nodes[xk])
                else:
                    hidden.add(xk)
            g.fn_inputs[fi].append((g.index.get(xk, -1), pos))
    g.hidden = len(hidden)
    return g


def skeleton_grads(graph: Graph) -> dict[int, Summary]:
    """Gradient summaries of a skeleton's nodes: kept ones, and the leaves' current `.grad`."""
    out: dict[int, Summary] = {}
    for i, n in enumerate(graph.nodes):
        if n.grad is not None:
            out[i] = n.grad
        elif n.ref is not None:
            leaf = n.ref()
            gr = getattr(leaf, "grad", None) if leaf is not None else None
            if gr is not None:
                out[i] = summarize(gr.data)
    return out


def leaf_data(graph: Graph) -> dict[int, Summary]:
    """Data summaries of a skeleton's leaves that are still alive (read now)."""
    out: dict[int, Summary] = {}
    for i, n in enumerate(graph.nodes):
        if n.data_summary is None and n.ref is not None:
            leaf = n.ref()
            if leaf is not None:
                out[i] = summarize(leaf.data)
    return out


def skeleton_order(graph: Graph, skel: Skeleton) -> list[int]:
    """Node indices in the order backward reached them: the engine's own `toposort`, reversed,
    walked over the skeleton (the same depth-first order over the same inputs), so a drawing
    numbers its steps the same before and after backward()."""
    order: list[int] = []
    visited: set[int] = set()
    stack: list[Any] = [graph.nodes[0].key] if graph.nodes else []
    while stack:  # entries: a node key to visit, or (key,) once its inputs are done
        k = stack.pop()
        if type(k) is tuple:
            order.append(k[0])
            continue
        if k in visited:
            continue
        visited.add(k)
        n = skel.nodes.get(k)
        op = n._fn if n is not None else None
        if op is None:
            if n is not None:
                order.append(k)
            continue
        stack.append((k,))
        for _, xk in op.inputs:
            x = skel.nodes.get(xk)
            if (x is None or x.requires_grad) and xk not in visited:
                stack.append(xk)
    return [graph.index[k] for k in reversed(order) if k in graph.index]
