"""The graph engine shared by `Value` and `Tensor`.

Every differentiable number (a `Node`) remembers the `Function` that made it; a `Function`
remembers its inputs. `backward()` sorts that graph topologically (iteratively: depth is
unbounded) and replays the chain rule from the output back to the leaves, summing the
gradients of a node that was used more than once.

Backward formulas are written with Node operations, so with `create_graph=True` the backward
pass is itself recorded and can be differentiated again. With `create_graph=False` recording is
switched off once around the whole pass, and ops that have one use their `backward_raw` (the
same formula on raw arrays) instead.

Grad mode lives in grad_mode.py; the in-place clock, version checks and anomaly reports in
_safety.py.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from weakref import ref as _weakref

from ._safety import (
    _check_backward,
    _check_forward,
    _check_versions,
    _clock,
    _user_frame,
)
from .grad_mode import (
    AnomalyError,
    _mode,
    detect_anomaly,
    enable_grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)

__all__ = [
    "Node",
    "Function",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "detect_anomaly",
    "is_anomaly_enabled",
    "grad",
    "backward",
    "AnomalyError",
]

# ---------------------------------------------------------------- Node

class Node:
    """Base of `Value` and `Tensor`: a number in the graph, with the Function that made it."""

    __slots__ = ("_fn", "requires_grad", "_hooks", "_retains_grad", "_out_index", "__weakref__")

    # Filled in by subclasses.
    _fn: Function | None
    requires_grad: bool
    _hooks: list[Callable[[Any], Any]] | None
    _retains_grad: bool
    _out_index: int
    #: Keep a graph's structure after backward (so it can still be drawn): cheap for scalars,
    #: but for arrays it would hold every intermediate array alive, so Tensor says False.
    _keeps_graph = False

    @property
    def is_leaf(self) -> bool:
        """True for nodes the user created (not the result of a recorded op)."""
        return self._fn is None

    @property
    def grad_fn(self) -> Function | None:
        """The Function that produced this node, or None for a leaf."""
        return self._fn

    def register_hook(self, hook: Callable[[Any], Any]) -> HookHandle:
        """Call `hook(grad)` when this node's gradient is computed; a non-None return replaces it.

        Returns a handle: `handle.remove()` (PyTorch's spelling) or `handle()` unregisters it.
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a node that does not "
                               "require grad")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return HookHandle(self._hooks, hook)

    def retain_grad(self) -> None:
        """Keep `.grad` for this non-leaf node after backward (leaves always keep theirs)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: this node does not require grad")
        self._retains_grad = True

    def backward(self, gradient: Any = None, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's `.grad` by the chain rule."""
        if not self.requires_grad:
            _raise_no_grad(self)
        _run_backward((self,), (self._seed_grad(gradient),), retain_graph or create_graph,
                      create_graph)

    # ---- hooks the engine calls; each front-end implements them for its own data type
    def _seed_grad(self, gradient: Any) -> Node:  # pragma: no cover - abstract
        raise NotImplementedError

    def _fit_grad(self, g: Node, fn: Function, i: int) -> Node:  # pragma: no cover
        raise NotImplementedError

    def _accumulate(self, g: Node) -> None:  # pragma: no cover
        """Add a recorded gradient into `.grad` (create_graph=True: it stays in the graph)."""
        raise NotImplementedError

    def _check_finite(self) -> str | None:  # pragma: no cover
        raise NotImplementedError

    def _wrap_grad(self, g: Any) -> Node:  # pragma: no cover
        raise NotImplementedError

    def _fit_raw(self, g: Any, fn: Function, i: int) -> Any:  # pragma: no cover
        raise NotImplementedError

    def _accumulate_raw(self, g: Any, stored: set[int]) -> None:  # pragma: no cover
        """Add a raw gradient into `.grad`, copying an array whose id is in `stored` first."""
        raise NotImplementedError


class HookHandle:
    """What `register_hook` returns: `remove()` (or calling it) unregisters the hook."""

    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks: list[Callable[[Any], Any]], hook: Callable[[Any], Any]) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        """Unregister the hook (a second call does nothing)."""
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)

    __call__ = remove


# ---------------------------------------------------------------- Function

class Function:
    """Base of every differentiable operation, the library's and the user's.

    Subclass it and define, as static methods or plain methods (the context `ctx` is the
    Function instance itself):

    - ``forward(ctx, *args)``: receives the raw data of each Node argument (a numpy array for
      a Tensor, a float for a Value) and any other argument unchanged; returns raw data (or a
      tuple of raw data for several outputs). It is never recorded.
    - ``backward(ctx, *grad_outputs)``: receives one gradient Node per output and returns one
      gradient per forward argument (a Node, or None where there is none). Write it with Node
      operations (``grad * ctx.inputs[1]``) and higher-order gradients come for free.

    ``ctx.inputs`` holds the forward arguments (Nodes stay Nodes), ``ctx.save_for_backward`` and
    ``ctx.saved_tensors`` keep anything else backward needs, and ``ctx.needs_input_grad`` says
    which arguments want a gradient. Call the op with ``MyOp.apply(*args)``.
    The engine sums each returned gradient back to its input's shape (undoing broadcasting).
    """

    __slots__ = ("inputs", "needs_input_grad", "_saved", "_epoch", "_nout", "_trace", "_outref",
                 "_out_meta", "_freed")

    #: False for ops whose backward never reads its inputs' data (add, neg...): writing
    #: into such an input in place after the op is then allowed, as in PyTorch.
    reads_inputs = True
    #: True for ops whose backward uses their own output (exp, tanh...): the engine then
    #: keeps a weak reference to it, readable as `ctx.output`.
    saves_output = False
    #: Optional ``backward_raw(ctx, *grads)``: the same formula as `backward` on raw arrays
    #: (floats for Value), used when no graph of the backward pass is wanted. The library's
    #: hot primitives define it; `backward` stays the reference, and the tests check that the
    #: two agree for every op. User Functions need only `backward`.
    backward_raw: Callable[..., Any] | None = None

    inputs: tuple[Any, ...] | None
    needs_input_grad: tuple[bool, ...]
    _saved: tuple[Any, ...] | None
    _epoch: int
    _nout: int
    _trace: str | None
    _outref: Any
    _out_meta: tuple[Any, ...]
    _freed: bool

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run `forward` on the raw data and record the op when any input requires grad."""
        raw = []
        needs = []
        out_type = None
        for a in args:
            if isinstance(a, Node):
                t = a._out_type  # type: ignore[attr-defined]
                if out_type is None:
                    out_type = t
                elif t is not out_type:
                    raise TypeError(f"{cls.__name__}: cannot mix {out_type.__name__} and "
                                    f"{t.__name__} arguments; convert one of them first")
                raw.append(a.data)  # type: ignore[attr-defined]
                needs.append(a.requires_grad)
            else:
                raw.append(a)
                needs.append(False)
        if out_type is None:
            raise TypeError(f"{cls.__name__}.apply needs at least one Tensor or Value argument")
        ctx = cls.__new__(cls)
        ctx._saved = ctx._outref = ctx._trace = None
        ctx._freed = False
        ctx.needs_input_grad = tuple(needs)
        ctx.inputs = args  # forward may read ctx.inputs; dropped again below unless recorded
        record = _mode.enabled and True in needs
        if record:
            ctx._epoch = _clock[0]
            if _mode.anomaly:
                ctx._trace = _user_frame()
        try:
            data = cls.forward(ctx, *raw)
        except ValueError as e:  # numpy's broadcast error names neither op nor inputs
            raise _op_error(cls, args, e) from None
        if isinstance(data, tuple):
            outs = tuple(out_type._from_op(d, ctx if record else None) for d in data)
            if record:
                ctx._nout = len(outs)
                ctx._out_meta = tuple(o._meta() for o in outs)
                for i, o in enumerate(outs):
                    o._out_index = i
        else:
            outs = out_type._from_op(data, ctx if record else None)
            if record:
                ctx._nout = 1
        if not record:
            ctx.inputs = None
        elif cls.saves_output:
            ctx._outref = _weakref(outs)
        if _mode.anomaly:
            _check_forward(ctx, cls, args, outs)
        return outs

    @classmethod
    def _apply1(cls, a: Node, *params: Any) -> Any:
        """`apply` for one Node argument (plus non-Node parameters): the hot path, no loops."""
        mode = _mode
        if mode.anomaly:
            return cls.apply(a, *params)
        if not (a.requires_grad and mode.enabled):
            # Nothing to record (the backward pass itself, no_grad): the library's primitives
            # compute forward without touching ctx, so none is made.
            return a._out_type._from_op(cls.forward(None, a.data, *params),  # type: ignore
                                        None)
        ctx = cls.__new__(cls)
        ctx._saved = ctx._outref = ctx._trace = None
        ctx._freed = False
        ctx.needs_input_grad = _NEEDS1[len(params)] if len(params) < 4 else \
            (True,) + (False,) * len(params)
        ctx.inputs = (a, *params)
        ctx._epoch = _clock[0]
        ctx._nout = 1
        out = a._out_type._from_op(cls.forward(ctx, a.data, *params), ctx)  # type: ignore
        if cls.saves_output:
            ctx._outref = _weakref(out)
        return out

    @classmethod
    def _apply2(cls, a: Node, b: Node) -> Any:
        """`apply` for two Nodes of the same front-end: the hot path of binary arithmetic."""
        mode = _mode
        if mode.anomaly:
            return cls.apply(a, b)
        ra = a.requires_grad
        rb = b.requires_grad
        if not ((ra or rb) and mode.enabled):
            try:
                data = cls.forward(None, a.data, b.data)  # type: ignore[attr-defined]
            except ValueError as e:  # numpy's broadcast error names neither op nor inputs
                raise _op_error(cls, (a, b), e) from None
            return a._out_type._from_op(data, None)  # type: ignore
        ctx = cls.__new__(cls)
        ctx._saved = ctx._outref = ctx._trace = None
        ctx._freed = False
        ctx.needs_input_grad = _NEEDS2[ra][rb]  # type: ignore[assignment]
        ctx.inputs = (a, b)
        ctx._epoch = _clock[0]
        ctx._nout = 1
        try:
            data = cls.forward(ctx, a.data, b.data)  # type: ignore[attr-defined]
        except ValueError as e:
            raise _op_error(cls, (a, b), e) from None
        out = a._out_type._from_op(data, ctx)  # type: ignore
        if cls.saves_output:
            ctx._outref = _weakref(out)
        return out

    def save_for_backward(self, *items: Any) -> None:
        """Keep `items` (Nodes, arrays, anything) for backward; read them as `saved_tensors`."""
        self._saved = items

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """What `save_for_backward` kept; an error after the graph was freed."""
        if self._freed:
            raise RuntimeError(_FREED_MESSAGE.format(name=type(self).__name__))
        return self._saved or ()

    @property
    def output(self) -> Any:
        """The op's output, for classes with `saves_output = True`.

        Held by weak reference (a strong one would be a cycle); it is alive whenever backward
        can reach this op.
        """
        out = self._outref() if self._outref is not None else None
        if out is None:
            raise RuntimeError(f"{type(self).__name__}: its output is gone; keep a reference to "
                               "the result until backward has run")
        return out

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:  # pragma: no cover - abstract
        """Compute the op on raw data."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:  # pragma: no cover - abstract
        """Map output gradients to input gradients, in Node operations."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    @property
    def name(self) -> str:
        """The op's name as drawn and reported (the class name without a leading underscore)."""
        return type(self).__name__.lstrip("_")


# Shared needs_input_grad tuples for the fast paths: no allocation per op, and so fewer
# objects for the cyclic collector to count and scan while a big graph is being built.
_NEEDS1 = tuple((True,) + (False,) * k for k in range(4))
_NEEDS2 = ((None, (False, True)), ((True, False), (True, True)))


def _op_error(cls: type, args: Sequence[Any], e: ValueError) -> ValueError:
    """A forward's ValueError restated with the op's name and its inputs' shapes."""
    shapes = ", ".join(str(getattr(a, "shape", "()")) for a in args if isinstance(a, Node))
    return ValueError(f"{cls.__name__.lstrip('_')}: {e} (input shapes {shapes})")


_FREED_MESSAGE = (
    "Trying to run backward through the graph a second time (through {name}), but its saved "
    "values were freed by the first backward. Pass retain_graph=True to the first backward() "
    "(or grad()) call if you need to run backward through the same graph again."
)


# ---------------------------------------------------------------- the backward pass

def _toposort(roots: Sequence[Node]) -> list[Node]:
    """Nodes reachable from `roots` that require grad, inputs before outputs (iterative DFS)."""
    order: list[Node] = []
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


def _run_backward(roots: Sequence[Node], seeds: Sequence[Node], retain_graph: bool,
                  create_graph: bool, capture: dict[int, Node] | None = None) -> dict[int, Any]:
    """The chain rule in reverse topological order.

    Without `capture`, leaf gradients accumulate into `.grad`. With `capture` (a dict id->node,
    used by `grad()`), the gradients of those nodes are returned instead and no `.grad` changes.

    With `create_graph=True` gradients flow as Nodes through each op's `backward`, recorded, so
    they can be differentiated again. Otherwise they flow as raw arrays (or floats), and an op
    that defines `backward_raw` (the library's hot primitives) is called with them directly:
    the same formula in plain numpy, without building a Node per intermediate result.
    """
    order = _toposort(roots)
    raw = not create_graph
    grads: dict[int, Any] = {}
    # Gradient arrays that must not become a `.grad` as they are (handed out already in this
    # pass, or the caller's own seeds): `_accumulate_raw` copies them first.
    stored: set[int] = set()
    for r, s in zip(roots, seeds):
        k = id(r)
        s = s.data if raw else s  # type: ignore[attr-defined]
        stored.add(id(s))
        grads[k] = s if k not in grads else grads[k] + s
    captured: dict[int, Any] = {}
    pending: dict[int, list[Any]] | None = None  # multi-output functions wait for all outputs
    pop, get = grads.pop, grads.get
    mode = _mode
    prev = mode.enabled
    mode.enabled = create_graph
    anomaly = mode.anomaly
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
                g = _run_hooks(node, g, raw)
            if capture is not None and g is not None and nid in capture:
                captured[nid] = g
            fn = node._fn
            if fn is None:
                if capture is None and g is not None:
                    if raw:
                        node._accumulate_raw(g, stored)
                    else:
                        node._accumulate(g)
                continue
            if node._retains_grad and capture is None and g is not None:
                if raw:
                    node._accumulate_raw(g, stored)
                else:
                    node._accumulate(g)
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
                gin = _unwrap_all(cls.backward(fn, *[node._wrap_grad(x) for x in gouts]))
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
    finally:
        mode.enabled = prev
        mode.in_backward = was_in_backward
        if pause_gc:
            gc.enable()
    if raw and captured:
        nodes = {id(n): n for n in order}
        captured = {k: nodes[k]._wrap_grad(v) for k, v in captured.items()}
    return captured


def _run_hooks(node: Node, g: Any, raw: bool) -> Any:
    """Tensor hooks see (and may replace) the gradient as a Node, whatever mode the pass is in."""
    gn = node._wrap_grad(g) if raw else g
    for hook in node._hooks or ():
        r = hook(gn)
        if r is not None:
            gn = r
    return gn.data if raw else gn  # type: ignore[union-attr]


def _unwrap_all(gin: Any) -> tuple[Any, ...]:
    """Gradients a Node-op backward returned, as raw data for the raw pass."""
    if type(gin) is not tuple:
        gin = (gin,)
    out = []
    for r in gin:
        if r is None or not isinstance(r, Node):
            out.append(r)  # arrays and numbers are checked by _fit_raw
        elif r.requires_grad:
            out.append(r.data.copy())  # type: ignore[attr-defined]  # never alias a user's tensor
        else:
            out.append(r.data)  # type: ignore[attr-defined]
    return tuple(out)


def _count_outputs(order: Sequence[Node]) -> dict[int, list[Any]]:
    """For each multi-output Function in `order`: [outputs still to come, gradient slots]."""
    pending: dict[int, list[Any]] = {}
    for n in order:
        fn = n._fn
        if fn is not None and fn._nout > 1:
            entry = pending.setdefault(id(fn), [0, [None] * fn._nout])
            entry[0] += 1
    return pending


def _gather_outputs(pending: dict[int, list[Any]], fn: Function, node: Node,
                    g: Any, raw: bool) -> list[Any] | None:
    """Collect one output's gradient; all of them (zeros for unused ones) once the last arrives."""
    entry = pending[id(fn)]
    entry[1][node._out_index] = g  # type: ignore[attr-defined]
    entry[0] -= 1
    if entry[0]:
        return None
    slots = entry[1]
    if all(x is None for x in slots):
        return None
    zeros = type(node)._zeros  # type: ignore[attr-defined]
    return [(zeros(fn._out_meta[i]).data if raw else zeros(fn._out_meta[i])) if x is None else x
            for i, x in enumerate(slots)]


def _as_list(x: Any) -> list[Any]:
    if isinstance(x, Node):
        return [x]
    return list(x)


def backward(tensors: Node | Iterable[Node], grad_tensors: Any = None,
             retain_graph: bool = False, create_graph: bool = False) -> None:
    """Accumulate the gradients of `tensors` (weighted by `grad_tensors`) into the leaves."""
    roots = _as_list(tensors)
    gl = [None] * len(roots) if grad_tensors is None else _as_list_or_none(grad_tensors)
    if len(gl) != len(roots):
        raise ValueError(f"backward: got {len(roots)} outputs but {len(gl)} gradients")
    for r in roots:
        if not isinstance(r, Node):
            raise TypeError(f"backward: expected a Tensor or Value, got {type(r).__name__}")
        if not r.requires_grad:
            _raise_no_grad(r)
    seeds = [r._seed_grad(g) for r, g in zip(roots, gl)]
    _run_backward(roots, seeds, retain_graph or create_graph, create_graph)


def _raise_no_grad(r: Node) -> None:
    raise RuntimeError(
        f"backward: the output ({r._describe()}) does not require grad: no input of the "  # type: ignore
        "computation had requires_grad=True, or it was computed under no_grad()")


def _as_list_or_none(x: Any) -> list[Any]:
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def grad(outputs: Node | Sequence[Node], inputs: Node | Sequence[Node],
         grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool = False) -> tuple[Any, ...]:
    """Return d(outputs)/d(inputs) as a tuple, one per input, without touching any `.grad`.

    As in PyTorch: `retain_graph` defaults to `create_graph`; an input that the outputs do not
    depend on is an error unless `allow_unused=True`, in which case its gradient is None.
    """
    outs = _as_list(outputs)
    ins = _as_list(inputs)
    gl = [None] * len(outs) if grad_outputs is None else _as_list_or_none(grad_outputs)
    if len(gl) != len(outs):
        raise ValueError(f"grad: got {len(outs)} outputs but {len(gl)} grad_outputs")
    for i, x in enumerate(ins):
        if not isinstance(x, Node) or not x.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad, so it has no gradient")
    for o in outs:
        if not isinstance(o, Node) or not o.requires_grad:
            raise RuntimeError("grad: an output does not require grad (computed under no_grad, "
                               "or from inputs without requires_grad=True)")
    if retain_graph is None:
        retain_graph = create_graph
    seeds = [o._seed_grad(g) for o, g in zip(outs, gl)]
    capture = {id(x): x for x in ins}
    got = _run_backward(outs, seeds, retain_graph, create_graph, capture)
    result: list[Any] = []
    for i, x in enumerate(ins):
        g = got.get(id(x))
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"grad: input {i} was not used to compute the outputs; pass "
                                   "allow_unused=True to get None for it")
            result.append(None)
        else:
            result.append(g if create_graph else g._detached())  # type: ignore[attr-defined]
    return tuple(result)
