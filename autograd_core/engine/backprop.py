"""The backward pass: the iterative topological sort and the chain rule over it.

It knows nodes by the hooks every `Node` has (`_fn`, `_fit_raw`, `_grad_plus`...), not by
class: node.py imports this file for `Node.backward`, so this one cannot import node.py.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from typing import Any

from ._safety import (
    _FREED_MESSAGE,
    _check_backward,
    _check_seed,
    _check_versions,
    _clock,
)
from .grad_mode import _mode
from .hooks import _run_hooks
from .outputs import _count_outputs, _gather_outputs

# ---------------------------------------------------------------- the drawings' skeleton

# Set by the drawings (viz/skeleton.py): a factory of recorders, each handed the ops one
# backward() frees (at most the first `limit` of a pass, those nearest the output), so a Tensor
# graph can still be drawn after backward(). The recorder keeps names, shapes and summaries,
# never arrays.
_skeleton: list[Any] = [None, 1000]  # [factory or None, ops kept per pass]


def set_skeleton_maker(maker: Callable[[], Any] | None, limit: int = 1000) -> None:
    """Have backward() hand each op it frees to a `maker()` recorder (None: to nobody)."""
    _skeleton[:] = [maker, limit]
    if maker is not None:
        _default_maker[0] = maker


class keep_skeleton:  # noqa: N801 - a context manager named like no_grad
    """`with keep_skeleton(False):` backward() keeps no drawing skeleton inside the block.

    The skeleton costs a few µs per op; a training loop that never draws its graphs can turn it
    off (`fit` does). The setting is process-wide (like `set_skeleton_maker`); the previous one
    comes back on exit; blocks nest.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = bool(enabled)
        self._saved: list[list[Any]] = []

    def __enter__(self) -> keep_skeleton:
        self._saved.append(list(_skeleton))
        if not self.enabled:
            _skeleton[0] = None
        elif _skeleton[0] is None and _default_maker[0] is not None:
            _skeleton[0] = _default_maker[0]
        return self

    def __exit__(self, *exc: Any) -> None:
        _skeleton[:] = self._saved.pop()


# The recorder the drawings installed, so that keep_skeleton(True) can switch it back on.
_default_maker: list[Any] = [None]


# ---------------------------------------------------------------- the backward pass

def toposort(roots: Sequence[Any]) -> list[Any]:
    """Nodes reachable from `roots` that require grad, inputs before outputs (iterative DFS).

    The order the backward pass runs in, reversed; drawings number their steps by it.
    """
    order: list[Any] = []
    visited: set[int] = set()
    # Stack entries are nodes to visit, or 1-tuples `(node,)`: emit node, its inputs are done.
    stack: list[Any] = list(reversed(roots))
    append, pop, push = order.append, stack.pop, stack.append
    seen, mark = visited.__contains__, visited.add
    while stack:
        node = pop()
        if type(node) is tuple:
            append(node[0])
            continue
        nid = id(node)
        if seen(nid):
            continue
        mark(nid)
        fn = node._fn
        if fn is None:
            append(node)
            continue
        inputs = fn.inputs
        if fn._freed or inputs is None:
            raise RuntimeError(_FREED_MESSAGE.format(name=fn.name))
        push((node,))
        needs = fn.needs_input_grad
        for i in range(len(inputs)):
            if needs[i]:
                x = inputs[i]
                if not seen(id(x)):
                    push(x)
    return order


def _run_backward(roots: Sequence[Any], seeds: Sequence[Any], retain_graph: bool,
                  create_graph: bool, capture: dict[int, Any] | None = None) -> dict[int, Any]:
    """The chain rule in reverse topological order.

    Without `capture`, leaf gradients accumulate into `.grad`. With `capture` (a dict id->node,
    used by `grad()`), the gradients of those nodes are returned instead and no `.grad` changes.

    With `create_graph=True` gradients flow as Nodes through each op's `backward`, recorded, so
    they can be differentiated again. Otherwise they flow as raw arrays (or floats), and an op
    that defines `backward_raw` (the library's hot primitives) is called with them directly:
    the same formula in plain numpy, without building a Node per intermediate result.
    """
    order = toposort(roots)
    raw = not create_graph
    grads: dict[int, Any] = {}
    # Gradient arrays that must not become a `.grad` as they are (handed out already in this
    # pass, or the caller's own seeds): `_grad_plus_raw` copies them first.
    stored: set[int] = set()
    for r, s in zip(roots, seeds):
        k = id(r)
        s = s.data if raw else s  # type: ignore[attr-defined]
        stored.add(id(s))
        grads[k] = s if k not in grads else grads[k] + s
    captured: dict[int, Any] = {}
    # The new `.grad` of each leaf (and of each non-leaf that retain_grad() keeps), computed
    # when the node is reached but assigned only after the whole pass has succeeded, so that
    # a pass that fails part way (an in-place check, an anomaly, a hook that raises) changes
    # no `.grad` at all.
    receivers: list[Any] = []
    new_grads: list[Any] = []
    pending: dict[int, list[Any]] | None = None  # multi-output functions wait for all outputs
    keep = _skeleton[0]() if _skeleton[0] is not None and not retain_graph else None
    budget = _skeleton[1] if keep is not None else 0
    pop, get = grads.pop, grads.get
    mode = _mode
    anomaly = mode.anomaly
    if anomaly:
        for i, s in enumerate(seeds):
            _check_seed(i, s)
    prev = mode.enabled
    mode.enabled = create_graph
    was_in_backward = mode.in_backward
    mode.in_backward = True
    # A big pass allocates many short-lived objects but creates no reference cycles (it frees
    # the graph as it goes), so the cyclic collector would only rescan the graph again and
    # again; it is paused for the pass and restored after.
    pause_gc = len(order) > 1000 and gc.isenabled()
    if pause_gc:
        gc.disable()
    try:
        for node in reversed(order):
            nid = id(node)
            g = pop(nid, None)
            if node._hooks and g is not None:
                g = _run_hooks(node, g, raw, anomaly)
            if capture is not None and g is not None and nid in capture:
                captured[nid] = g
            fn = node._fn
            if g is not None and capture is None and (fn is None or node._retains_grad):
                receivers.append(node)
                new_grads.append(node._grad_plus_raw(g, stored) if raw else node._grad_plus(g))
            if fn is None:
                continue
            if fn._nout == 1:
                if g is None:
                    continue
                gouts: Any = (g,)
            else:
                if pending is None:
                    pending = _count_outputs(order)
                gouts = _gather_outputs(pending, fn, node, g, raw)
                if gouts is None:
                    continue
            if _clock[0] > fn._epoch:
                _check_versions(fn)
            inputs = fn.inputs
            if inputs is None or fn._freed:
                raise RuntimeError(_FREED_MESSAGE.format(name=fn.name))
            cls = type(fn)
            if not raw:
                gin = cls.backward(fn, *gouts)
            elif cls.backward_raw is not None:
                gin = cls.backward_raw(fn, *gouts)
            else:
                gin = _unwrap_all(cls.backward(fn, *[node._wrap_grad(x) for x in gouts]),
                                  node._out_type)
            if type(gin) is not tuple:
                gin = (gin,)
            if len(gin) != len(inputs):
                raise RuntimeError(
                    f"{cls.__name__}.backward returned {len(gin)} gradients, but forward "
                    f"took {len(inputs)} arguments: return one per argument (None for "
                    "arguments without a gradient)")
            needs = fn.needs_input_grad
            if not retain_graph:
                # Drop what backward needed. Scalar graphs (`_keeps_graph`) keep their inputs so
                # they can still be drawn (micrograd's habit); `_freed` stops a second pass.
                fn._freed = True
                fn._saved = fn._outref = None
                if not node._keeps_graph:
                    if budget:
                        budget -= 1
                        fn._skel = keep
                        keep(fn, node, gouts, inputs)  # type: ignore[misc]
                    fn.inputs = None
            i = 0
            for gx in gin:
                if gx is not None and needs[i]:
                    x = inputs[i]
                    gx = x._fit_raw(gx, fn, i) if raw else x._fit_grad(gx, fn, i)
                    if anomaly:
                        _check_backward(fn, i, x._wrap_grad(gx) if raw else gx, inputs)
                    k = id(x)
                    old = get(k)
                    grads[k] = gx if old is None else old + gx
                i += 1
        for n, value in zip(receivers, new_grads):  # the pass succeeded: now assign them all
            n._set_grad(value)
    finally:
        mode.enabled = prev
        mode.in_backward = was_in_backward
        if pause_gc:
            gc.enable()
    if raw and captured:
        nodes = {id(n): n for n in order}
        captured = {k: nodes[k]._wrap_grad(v) for k, v in captured.items()}
    return captured


def _unwrap_all(gin: Any, node_type: Any) -> tuple[Any, ...]:
    """Gradients a Node-op backward returned (Nodes of `node_type`), as raw data."""
    if type(gin) is not tuple:
        gin = (gin,)
    out = []
    for r in gin:
        if r is None or not isinstance(r, node_type):
            out.append(r)  # arrays and numbers are checked by _fit_raw
        elif r.requires_grad:
            out.append(r.data.copy())  # type: ignore[attr-defined]  # never alias a user's tensor
        else:
            out.append(r.data)  # type: ignore[attr-defined]
    return tuple(out)
