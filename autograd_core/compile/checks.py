"""The refusals that are not about a single numpy call: checked before a recording starts
(Value graphs, hooks, anomaly mode) and after it ends (Python-level changes a replay would
not repeat, arrays changed behind numpy's back, draws from numpy's global generator, traced
values kept outside the step).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..engine import Node, set_skeleton_maker
from ..engine.backprop import _skeleton
from ..engine.grad_mode import _mode
from ..value import Value
from .discover import Found
from .ir import CompileError


def before(found: Found) -> None:
    """Refuse, before anything runs, what compile cannot record."""
    if _mode.anomaly:
        raise CompileError("compile: anomaly mode (detect_anomaly) checks every op as it runs, "
                           "which a replay does not do; run the step eagerly to find the op")
    if found.values:
        raise CompileError(f"compile: the step uses Value objects ({found.values[0]}): scalar "
                           "Value graphs compute on Python floats, which compile cannot record; "
                           "use Tensor (and Tensor parameters) in a compiled step")
    for t, name in found.tensors.values():
        if t._hooks:
            raise CompileError(f"compile: {name} has a gradient hook (register_hook); hooks "
                               "run Python code that a replay would skip. Remove the hook or "
                               "run the step eagerly")
    for m, name in found.modules.values():
        d = vars(m)
        if d.get("_forward_hooks") or d.get("_forward_pre_hooks"):
            raise CompileError(f"compile: module {name} has forward hooks, which a replay "
                               "would skip; remove them or run the step eagerly")


def _no_hooks(self: Any, hook: Any) -> Any:
    raise CompileError("compile: the step registers a gradient hook (register_hook) while it "
                       "is recorded; hooks run Python code that a replay would skip")


def _no_values(data: Any, fn: Any) -> Any:
    raise CompileError("compile: the step computes with Value objects: scalar Value graphs "
                       "run on Python floats, which compile cannot record; use Tensor")


@contextmanager
def recording_guards(recorded: set[int]) -> Any:
    """While recording: registering hooks or building Value graphs is refused at once, and
    a draw from any random generator that is not recorded is refused after."""
    saved = Node.register_hook, Value.__dict__["_from_op"]
    gens = _generators()
    states = [(g, _state(g)) for g in gens]
    skeleton = list(_skeleton)
    Node.register_hook = _no_hooks  # type: ignore[method-assign]
    Value._from_op = staticmethod(_no_values)  # type: ignore[method-assign,assignment]
    # The drawings' skeleton (what backward keeps of a freed graph) would summarize traced
    # gradients and keep traced arguments; a replay keeps no graph to draw anyway.
    set_skeleton_maker(None)
    try:
        yield
    finally:
        Node.register_hook = saved[0]  # type: ignore[method-assign]
        Value._from_op = saved[1]  # type: ignore[method-assign]
        set_skeleton_maker(*skeleton)
    for g, before in states:
        if id(g) not in recorded and not _same_state(before, _state(g)):
            raise CompileError(
                "compile: the step draws random numbers from a generator that compile does "
                "not record (np.random.rand, or a Generator the step cannot reach by name), "
                "so every replay would repeat the first draw. Draw from nn's generator "
                "(nn.manual_seed) or from a Generator stored on a module or named in the step")
    ids = {id(g) for g in gens}
    if any(id(g) not in ids for g in _generators()):
        raise CompileError("compile: the step creates a random generator; its draws would be "
                           "frozen at recording. Create it outside the step")


def _generators() -> list[Any]:
    """Every live numpy random generator (and numpy's legacy global RandomState)."""
    kinds = (np.random.Generator, np.random.RandomState)
    return [o for o in gc.get_objects() if isinstance(o, kinds)]


def _state(g: Any) -> Any:
    return g.bit_generator.state if isinstance(g, np.random.Generator) else \
        g.get_state(legacy=False)


def _same_state(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_state(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray):
        return bool(np.array_equal(a, b))
    return bool(a == b)


class Snapshot:
    """Python-level state a replay would not repeat, taken before the recording."""

    def __init__(self, found: Found) -> None:
        self.found = found
        self.dicts = [(obj, name, dict(vars(obj))) for obj, name in
                      [*found.modules.values(), *found.objects.values()]]
        self.groups = [(opt, name, list(opt.param_groups), [dict(g) for g in opt.param_groups],
                        opt.state) for opt, name in found.optimizers.values()]
        self.containers = [(c, name, list(c.items()) if isinstance(c, dict) else list(c))
                           for c, name in found.containers.values()]
        self.arrays = [(a, name, a.copy()) for a, name, where in found.arrays.values()
                       if where is None and a.nbytes <= 64 * 2**20]

    def check(self) -> None:
        """Refuse if the step changed Python-level state or arrays behind numpy's back."""
        for obj, name, before in self.dicts:
            now = vars(obj)
            for k in before.keys() | now.keys():
                if now.get(k, _MISSING) is not before.get(k, _MISSING):
                    raise CompileError(
                        f"compile: the step changes {name}.{k} (a Python attribute), which a "
                        "replay would not do: a replay runs only the numpy calls. Move that "
                        "change out of the step")
        for opt, name, groups, contents, state in self.groups:
            if opt.param_groups != groups or opt.state is not state:
                raise CompileError(f"compile: the step replaces {name}'s param_groups or state")
            for g, before in zip(opt.param_groups, contents):
                for k in g.keys() | before.keys():
                    if k != "lr" and g.get(k, _MISSING) is not before.get(k, _MISSING):
                        raise CompileError(f"compile: the step changes {name}'s {k!r}, which a "
                                           "replay would not do")
        for c, name, items in self.containers:
            now = list(c.items()) if isinstance(c, dict) else list(c)
            if len(now) != len(items) or any(_differ(a, b) for a, b in zip(now, items)):
                raise CompileError(
                    f"compile: the step changes the {type(c).__name__} {name} (appending a "
                    "loss, say), which a replay would not do; return the value from the step "
                    "and store it outside")
        for a, name, before in self.arrays:
            if not np.array_equal(a, before, equal_nan=a.dtype.kind in "fc"):
                raise CompileError(
                    f"compile: the step changes the array {name} with operations compile "
                    "cannot see (plain numpy on an array that is neither an argument nor "
                    "tracked state), so a replay would not change it; make it a Module buffer "
                    "or pass it in")


_MISSING = object()


def _differ(a: Any, b: Any) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == 2 == len(b):
        return a[0] != b[0] or a[1] is not b[1]
    return a is not b


def constants(rec: Any) -> None:
    """Refuse outside arrays that the step changed after using them, with operations compile
    cannot see (a replay reads them again, but would not repeat the change).

    Every other plain array a recording uses is read by reference at replay. Arrays the step
    reaches by name (closure, globals, attributes, lists, dicts) were swapped for stand-ins,
    so these are arrays made from Python data inside the step (constants of the replay) or
    arrays out of the step's reach, which, like jax.jit's closed-over arrays, count as
    constants.
    """
    for arr, before in rec.const_snapshots.values():
        if not np.array_equal(arr, before, equal_nan=arr.dtype.kind in "fc"):
            raise CompileError(
                f"compile: the step changes an outside array (shape {arr.shape}) after using "
                "it, with operations compile cannot see; a replay would not")


def leaks(rec: Any) -> None:
    """Refuse if a traced value is still held somewhere (a replay would not update it)."""
    gc.collect()
    for ref in rec.traced:
        t = ref()
        if t is None:
            continue
        holders = [type(r).__name__ for r in gc.get_referrers(t)
                   if not type(r).__name__ == "frame"]
        import os
        if os.environ.get("COMPILE_DEBUG"):
            for r in gc.get_referrers(t):
                print("REF", type(r), [type(x) for x in gc.get_referrers(r)][:5])
                for r2 in gc.get_referrers(r):
                    print("   REF2", type(r2), repr(r2)[:200])
        raise CompileError(
            f"compile: the step keeps a value it computed ({t.var.describe()}) somewhere a "
            f"replay would not update (held by: {', '.join(holders) or 'unknown'}); for "
            "instance a list it appends to, a module attribute, or a graph kept with "
            "retain_graph=True. Return the value from the step instead")
