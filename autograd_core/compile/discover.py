"""Finding the state a step touches: the modules, optimizers, tensors and generators that the
step function can reach by name (its closure, the globals it names, its bound `self`, its
arguments), with a readable name for each (`model.fc1.weight`).

Modules and optimizers are recognised by their public shape, not by class, so this layer
needs neither `nn` nor `optim`: a module has `_parameters`, `_modules` and
`named_parameters()`; an optimizer has `param_groups` (dicts with "params") and `state`.
"""

from __future__ import annotations

import functools
import sys
import types
from typing import Any

import numpy as np

from ..tensor import Tensor
from ..value import Value

#: Places that hold a random generator a step may draw from, as (container, key) pairs, so
#: that a recorded step draws from it afresh at every replay instead of freezing the first
#: draw. A module can also name its own in a module-level `__random_generator_slots__` list
#: (nn does, for the generator behind nn.manual_seed), without importing compile.
GENERATOR_SLOTS: list[tuple[Any, Any]] = []

_MAX_DEPTH = 6
_MAX_ITEMS = 10_000


def is_module(obj: Any) -> bool:
    """True for nn.Module-like objects."""
    d = getattr(obj, "__dict__", None)
    return isinstance(d, dict) and "_parameters" in d and "_modules" in d \
        and hasattr(obj, "named_parameters")


def is_optimizer(obj: Any) -> bool:
    """True for optim.Optimizer-like objects."""
    groups = getattr(obj, "param_groups", None)
    return isinstance(groups, list) and isinstance(getattr(obj, "state", None), dict) \
        and all(isinstance(g, dict) and "params" in g for g in groups)


class Found:
    """What the walk found, each object once, with its name."""

    def __init__(self) -> None:
        self.modules: dict[int, tuple[Any, str]] = {}
        self.optimizers: dict[int, tuple[Any, str]] = {}
        self.tensors: dict[int, tuple[Tensor, str]] = {}
        self.values: list[str] = []  # names of Value objects (refused)
        self.generators: list[tuple[Any, Any, str]] = []  # (container, key, name)
        self.objects: dict[int, tuple[Any, str]] = {}  # plain objects whose attributes we saw
        self.containers: dict[int, tuple[Any, str]] = {}  # lists/dicts (mutation check)
        #: Outside arrays: id -> (array, name, where), `where` being how the step reaches it:
        #: ("cell", cell, None), ("global", dict, name), ("attr", obj, name), ("item",
        #: container, key), or None (an argument, or in a tuple: not swappable).
        self.arrays: dict[int, tuple[np.ndarray, str, Any]] = {}
        #: fn's own names: ("cell"/"global", holder, key, object, name)
        self.bindings: list[tuple[str, Any, Any, Any, str]] = []
        self.owner: dict[int, tuple[Any, str]] = {}  # parameter/buffer id -> (module, its name)
        self._seen: set[int] = set()

    def name_of_tensor(self, t: Any) -> str | None:
        """The walk's name for tensor `t`, if it found it."""
        e = self.tensors.get(id(t))
        return e[1] if e else None


def discover(fn: Any, args: tuple[Any, ...], arg_names: list[str]) -> Found:
    """Walk from `fn` and its arguments to every piece of state they can reach."""
    found = Found()
    for a, name in zip(args, arg_names):
        _visit(found, a, name, 0)
    _visit_callable(found, fn, 0, top=True)
    for container, key in [*GENERATOR_SLOTS, *_module_slots()]:
        found.generators.append((container, key, "rng"))
    return found


def _module_slots() -> list[tuple[Any, Any]]:
    """The `__random_generator_slots__` of every loaded module (read from its __dict__, so
    that no lazy module attribute is triggered)."""
    slots: list[tuple[Any, Any]] = []
    for mod in list(sys.modules.values()):
        d = getattr(mod, "__dict__", None)
        if isinstance(d, dict):
            slots += d.get("__random_generator_slots__", ())
    return slots


def _visit_callable(found: Found, fn: Any, depth: int, top: bool = False) -> None:
    if isinstance(fn, types.MethodType):
        _visit(found, fn.__self__, "self", depth + 1)
        fn = fn.__func__
    if isinstance(fn, functools.partial):
        for i, a in enumerate(fn.args):
            _visit(found, a, f"arg{i}", depth + 1)
        for k, v in (fn.keywords or {}).items():
            _visit(found, v, k, depth + 1)
        _visit_callable(found, fn.func, depth + 1)
        return
    if not isinstance(fn, types.FunctionType):
        if callable(fn) and hasattr(fn, "__dict__") and not isinstance(fn, type):
            _visit(found, fn, type(fn).__name__.lower(), depth + 1)
            _visit_callable(found, type(fn).__dict__.get("__call__"), depth + 1)
        return
    if id(fn.__code__) in found._seen or depth > _MAX_DEPTH:
        return
    found._seen.add(id(fn.__code__))
    code = fn.__code__
    for name, cell in zip(code.co_freevars, fn.__closure__ or ()):
        try:
            obj = cell.cell_contents
        except ValueError:  # an empty cell (a name assigned later)
            continue
        if top:
            found.bindings.append(("cell", cell, None, obj, name))
        _visit(found, obj, name, depth + 1, ("cell", cell, None))
    g = fn.__globals__
    for name in _names(code):
        if name in g:
            obj = g[name]
            if isinstance(obj, types.ModuleType):
                continue
            if top:
                found.bindings.append(("global", g, name, obj, name))
            _visit(found, obj, name, depth + 1, ("global", g, name))
    for d in (fn.__defaults__ or ()):
        _visit(found, d, "default", depth + 1)


def _names(code: types.CodeType) -> list[str]:
    """Global names a code object (and the functions defined inside it) refers to."""
    names = list(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names += _names(c)
    return names


def _visit(found: Found, obj: Any, name: str, depth: int, where: Any = None) -> None:
    if depth > _MAX_DEPTH or obj is None or isinstance(obj, (int, float, str, bytes, bool)):
        return
    if id(obj) in found._seen:
        return
    found._seen.add(id(obj))
    if isinstance(obj, Tensor):
        found.tensors.setdefault(id(obj), (obj, name))
        return
    if isinstance(obj, Value):
        found.values.append(name)
        return
    if isinstance(obj, np.ndarray):
        found.arrays[id(obj)] = (obj, name, where)
        return
    if isinstance(obj, np.random.Generator) or isinstance(obj, types.ModuleType):
        return
    if is_module(obj):
        _visit_module(found, obj, name, depth)
    elif is_optimizer(obj):
        found.optimizers[id(obj)] = (obj, name)
        for gi, group in enumerate(obj.param_groups):
            for pi, p in enumerate(group["params"]):
                _visit(found, p, f"{name}.param_groups[{gi}][{pi}]", depth + 1)
        found.objects[id(obj)] = (obj, name)
    elif isinstance(obj, (list, tuple, dict, set)):
        if len(obj) > _MAX_ITEMS:
            return
        if isinstance(obj, (list, dict)):
            found.containers[id(obj)] = (obj, name)
        items = obj.items() if isinstance(obj, dict) else enumerate(obj)
        for k, v in items:
            _visit(found, v, f"{name}[{k!r}]" if isinstance(obj, dict) else f"{name}[{k}]",
                   depth + 1, ("item", obj, k) if isinstance(obj, (list, dict)) else None)
    elif isinstance(obj, (types.FunctionType, types.MethodType, functools.partial)):
        _visit_callable(found, obj, depth)
    elif hasattr(obj, "__dict__") and not isinstance(obj, type):
        found.objects[id(obj)] = (obj, name)
        for k, v in list(vars(obj).items()):
            if isinstance(v, np.random.Generator):
                found.generators.append((obj, k, f"{name}.{k}"))
            _visit(found, v, f"{name}.{k}", depth + 1, ("attr", obj, k))


def _visit_module(found: Found, model: Any, name: str, depth: int) -> None:
    for sub, mod in model.named_modules():
        full = f"{name}.{sub}" if sub else name
        if id(mod) in found.modules:
            continue
        found._seen.add(id(mod))
        found.modules[id(mod)] = (mod, full)
        d = vars(mod)
        for table in ("_parameters", "_buffers"):
            for pname, p in d[table].items():
                if p is None or id(p) in found.owner:
                    continue
                found.owner[id(p)] = (mod, pname)
                found._seen.discard(id(p))
                found.tensors.pop(id(p), None)  # a module's name beats an optimizer's
                _visit(found, p, f"{full}.{pname}", depth + 1)
        for k, v in d.items():
            if k.startswith("_") or k in d["_parameters"] or k in d["_buffers"] \
                    or k in d["_modules"]:
                continue
            if isinstance(v, np.random.Generator):
                found.generators.append((mod, k, f"{full}.{k}"))
            elif not isinstance(v, (int, float, str, bool)) and v is not None:
                _visit(found, v, f"{full}.{k}", depth + 1, ("attr", mod, k))
