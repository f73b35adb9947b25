"""Module clusters for the drawings: which `nn.Module` made which op (forward hooks)."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator
from typing import Any

from ..engine import Function, Node
from .graph import Graph

__all__ = ["ModuleTrace", "trace_modules"]


# ---------------------------------------------------------------- module clusters

_LAST_TRACE: weakref.WeakKeyDictionary[Any, ModuleTrace] = weakref.WeakKeyDictionary()


def _named_modules(model: Any) -> list[tuple[str, Any]]:
    if hasattr(model, "named_modules"):
        return list(model.named_modules())
    return [("", model)]


def _direct_parameters(module: Any) -> list[tuple[str, Any]]:
    params = getattr(module, "_parameters", None)
    if isinstance(params, dict):
        return [(k, p) for k, p in params.items() if p is not None]
    try:
        return list(module.named_parameters(recurse=False))
    except (AttributeError, TypeError):
        return []


def module_title(module: Any) -> str:
    """A short title: `Linear(64->128)` when the module has in/out sizes, else its class name."""
    cls = type(module).__name__
    fin = getattr(module, "in_features", None)
    fout = getattr(module, "out_features", None)
    if isinstance(fin, int) and isinstance(fout, int):
        return f"{cls}({fin}->{fout})"
    nin = getattr(module, "nin", None)  # micrograd's Neuron/Layer name their sizes nin/nout
    nout = getattr(module, "nout", None)
    if isinstance(nin, int) and isinstance(nout, int):
        return f"{cls}({nin}->{nout})"
    return cls


class ModuleTrace:
    """Which module made which op, recorded by `trace_modules` with forward hooks.

    `fn_owner` maps id(Function) to the path of the innermost module whose forward created it
    (`"layers.0"`); `param_owner` maps id(parameter) to the module that holds it directly.
    The trace keeps the ops it recorded alive (so ids stay valid): trace one forward pass, draw,
    then drop it.
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        self.modules: dict[str, Any] = dict(_named_modules(model))
        self.fn_owner: dict[int, str] = {}
        self.param_owner: dict[int, str] = {}
        self.param_names: dict[int, str] = {}
        self._keep: list[Function] = []
        for path, m in self.modules.items():
            for pname, p in _direct_parameters(m):
                self.param_owner.setdefault(id(p), path)
                self.param_names.setdefault(id(p), f"{path}.{pname}" if path else pname)

    def _record(self, path: str, inputs: Any, output: Any) -> None:
        """Claim every op between this module's inputs and its output not claimed yet.

        Inner modules finish (and are recorded) before outer ones, so the first claim is the
        innermost module.
        """
        stop = {id(x) for x in _flatten(inputs) if isinstance(x, Node)}
        stack = [x for x in _flatten(output) if isinstance(x, Node)]
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            fn = node._fn
            if fn is None or id(node) in stop or id(fn) in seen:
                continue
            seen.add(id(fn))
            if id(fn) not in self.fn_owner:
                self.fn_owner[id(fn)] = path
                self._keep.append(fn)
            stack.extend(x for x in (fn.inputs or ()) if isinstance(x, Node))

    def owner(self, fn: Function) -> str | None:
        """The module path that made `fn`, or None when it was made outside every module."""
        return self.fn_owner.get(getattr(fn, "orig", None) or id(fn))


def _flatten(x: Any) -> Iterator[Any]:
    stack = [x]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        else:
            yield item


@contextlib.contextmanager
def trace_modules(model: Any) -> Iterator[ModuleTrace]:
    """Record which module's forward made each op: `with trace_modules(model) as t: loss = ...`.

    Uses `register_forward_hook` on every submodule and removes the hooks on exit. Afterwards
    `draw_graph(loss, model=model)` (or `model=t`) draws each module's ops in a labelled cluster.
    Without a trace, `model=` still groups the ops that read each module's own parameters.
    """
    trace = ModuleTrace(model)
    handles = []
    try:
        for path, m in trace.modules.items():
            if not hasattr(m, "register_forward_hook"):
                continue

            def hook(module: Any, inputs: Any, output: Any, _path: str = path) -> None:
                trace._record(_path, inputs, output)

            handles.append(m.register_forward_hook(hook))
        yield trace
    finally:
        for h in handles:
            h.remove()
        with contextlib.suppress(TypeError):  # models that cannot be weakly referenced
            _LAST_TRACE[model] = trace


def resolve_modules(model: Any) -> ModuleTrace | None:
    """The trace to use for `model=`: a ModuleTrace as given, a model's last trace, or a
    parameter-only trace (ops that read a module's own parameters belong to it)."""
    if model is None:
        return None
    if isinstance(model, ModuleTrace):
        return model
    try:
        last = _LAST_TRACE.get(model)
    except TypeError:
        last = None
    return last if last is not None else ModuleTrace(model)


def assign_modules(graph: Graph, trace: ModuleTrace) -> tuple[list[str | None], list[str | None]]:
    """The module path of every drawn node and op (None: outside every module).

    An op belongs to the module the trace recorded for it, else to the module owning one of its
    parameter inputs; its output node goes with it; a parameter goes with its owner.
    """
    fn_mod: list[str | None] = []
    for fi, fn in enumerate(graph.fns):
        owner = trace.owner(fn)
        if owner is None:
            for ni, _ in graph.fn_inputs[fi]:
                key = _key(graph.nodes[ni]) if ni >= 0 else None
                if key in trace.param_owner:
                    owner = trace.param_owner[key]
                    break
        fn_mod.append(owner)
    node_mod: list[str | None] = [trace.param_owner.get(_key(n)) for n in graph.nodes]
    for fi, outs in enumerate(graph.fn_outputs):
        for ni in outs:
            node_mod[ni] = fn_mod[fi]
    return node_mod, fn_mod


def _key(node: Any) -> int:
    """The id a trace knows a node by (a skeleton's node stands for the original)."""
    return getattr(node, "key", None) or id(node)
