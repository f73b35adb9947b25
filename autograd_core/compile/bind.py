"""Putting stand-ins into the state before a recording and taking them out after it.

`Binding.bind` swaps every array the step may read or write (arguments, tensors' data and
gradients, optimizer state) for a stand-in, and every number that may change between steps
(learning rates, step counts) for a `Sym`. `Binding.unbind` puts the eager results back and
turns what changed into the replay's *effects*: data and gradients to set, optimizer state
to store, versions to bump. Python-level changes a replay would not repeat are refused.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .discover import Found, is_module
from .ir import CompileError
from .traced import REC, Sym, Traced


class RecordingGenerator:
    """Stands for a numpy Generator while recording: each draw is recorded, so that every
    replay draws afresh from the generator in the same slot (same numbers as eager)."""

    def __init__(self, gen: Any, slot: tuple[Any, Any]) -> None:
        self._gen, self._slot = gen, slot

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._gen, name)
        if callable(attr) and not name.startswith("_") and name not in ("spawn", "shuffle"):
            return lambda *a, **k: REC[0].draw(self._slot, self._gen, name, a, k)
        if name == "shuffle":
            raise CompileError("compile: Generator.shuffle works in place on an array; use "
                               "permutation() in a compiled step")
        return attr


def slot_get(slot: tuple[Any, Any]) -> Any:
    holder, key = slot
    return getattr(holder, key) if isinstance(key, str) and not isinstance(holder, (list, dict)) \
        else holder[key]


def _slot_set(slot: tuple[Any, Any], value: Any) -> None:
    holder, key = slot
    if isinstance(key, str) and not isinstance(holder, (list, dict)):
        object.__setattr__(holder, key, value)
    else:
        holder[key] = value


class Binding:
    """The swap of state for stand-ins around one recording, and what it found changed."""

    def __init__(self, rec: Any, found: Found) -> None:
        self.rec, self.found = rec, found
        self.tensors: list[tuple[Tensor, Any, Any, int]] = []  # (t, plain, standin, version)
        self.grads: list[tuple[Tensor, Any, Any, Any]] = []  # (param, grad, plain, standin)
        self.opt_state: list[tuple[Any, Any, dict[str, Any] | None, dict[str, Any]]] = []
        self.lrs: list[tuple[Any, int, Any, Any]] = []  # (opt, group index, plain, standin)
        self.gens: list[tuple[tuple[Any, Any], Any]] = []
        self.effects: list[tuple[Any, ...]] = []
        self._plains: list[tuple[Any, Any]] = []  # (plain array, standin) for aliasing
        self.names_swapped: list[tuple[Any, Any]] = []  # (binding, standin)

    # ---------------------------------------------------------------- in
    def _standin(self, kind: str, value: Any, path: Any, hint: str) -> Any:
        for p, s in self._plains:
            if p is value:
                return s
        s = self.rec.input(kind, value, path, hint)
        if isinstance(value, np.ndarray):
            for p, other in self._plains:
                if isinstance(p, np.ndarray) and np.may_share_memory(p, value):
                    s.var.root = other.var.root  # two tensors over one memory
                    break
            self._plains.append((value, s))
        return s

    def bind_args(self, args: tuple[Any, ...], names: list[str]) -> list[Any]:
        """fn's arguments as stand-ins (a Tensor keeps its object; its data is swapped)."""
        out: list[Any] = []
        for i, (a, name) in enumerate(zip(args, names)):
            if isinstance(a, Tensor):
                self.tensors.append((a, a._data, None, a._version))
                a._data = self._standin("arg", a._data, ("arg", i, "tensor"), name)
                out.append(a)
            elif isinstance(a, (np.ndarray, np.generic)):
                out.append(self._standin("arg", a, ("arg", i, "array"), name))
            else:
                out.append(a)
        return out

    def bind_state(self) -> None:
        """Swap the found tensors' data and gradients, optimizer state and generators."""
        f = self.found
        args = {id(t) for t, *_ in self.tensors}
        for t, name in f.tensors.values():
            if id(t) in args or not isinstance(t, Tensor):
                continue
            s = self._standin("state", t._data, ("data", t), name)
            self.tensors.append((t, t._data, s, t._version))
            t._data = s
            g = t.grad
            if isinstance(g, Tensor):
                gs = self._standin("state", g._data, ("grad", t), "d" + name)
                self.grads.append((t, g, g._data, gs))
                g._data = gs
            else:
                self.grads.append((t, g, None, None))
        for opt, _name in f.optimizers.values():
            for gi, group in enumerate(opt.param_groups):
                lr = group.get("lr")
                if isinstance(lr, (int, float)) and not isinstance(lr, bool):
                    s = self._standin("state", lr, ("group", opt, gi, "lr"), "lr")
                    self.lrs.append((opt, gi, lr, s))
                    group["lr"] = s
                for p in group["params"]:
                    st = opt.state.get(p)
                    before = dict(st) if st is not None else None
                    self.opt_state.append((opt, p, before, {}))
                    for k, v in (st or {}).items():
                        if isinstance(v, np.ndarray) or (isinstance(v, (int, float))
                                                         and not isinstance(v, bool)):
                            pname = f.name_of_tensor(p) or "p"
                            st[k] = self.opt_state[-1][3][k] = self._standin(
                                "state", v, ("ostate", opt, p, k), f"{k}_{pname}")
        for arr, name, where in f.arrays.values():  # outside arrays: read at each replay
            if where is None:
                continue
            short = name.rsplit(".", 1)[-1]
            s = self._standin("state", arr, ("where", where, name), short)
            self.names_swapped.append((where, s))
            _where_set(where, s)
        for container, key, _name in f.generators:
            gen = slot_get((container, key))
            if isinstance(gen, np.random.Generator):
                self.gens.append(((container, key), gen))
                _slot_set((container, key), RecordingGenerator(gen, (container, key)))

    # ---------------------------------------------------------------- out
    def unbind(self) -> None:
        """Put the eager values back; record the effects a replay must reproduce."""
        for slot, gen in self.gens:
            _slot_set(slot, gen)
        for where, s in self.names_swapped:
            if _where_get(where) is not s:
                raise CompileError(f"compile: the step replaces the array "
                                   f"{s.var.hint}, which it reads from outside; a replay "
                                   "would not")
            _where_set(where, s.plain)
        for opt, gi, lr, s in self.lrs:
            group = opt.param_groups[gi]
            cur = group.get("lr")
            if cur is s:
                group["lr"] = lr
            elif type(cur) is Sym:
                self._effect(("set_group", opt, gi, "lr"), cur)
                group["lr"] = cur.plain
        for opt, p, before, swapped in self.opt_state:
            st = opt.state.get(p)
            if st is None:
                continue
            if before is None:  # created by this step (an optimizer's first step)
                entries = {}
                for k, v in list(st.items()):
                    entries[k] = self._value(v)
                    st[k] = _plain(v)
                self.effects.append(("new_ostate", opt, p, entries))
                continue
            for k, v in list(st.items()):
                if k in swapped and v is swapped[k]:
                    st[k] = swapped[k].plain
                elif type(v) in (Traced, Sym):
                    self._effect(("set_ostate", opt, p, k), v)
                    st[k] = v.plain
                elif k not in before or v is not before[k]:
                    self.effects.append(("set_ostate", opt, p, k, self._value(v)))
        for t, orig, s, version in self.tensors:
            d = t._data
            if s is None:  # an argument
                t._data = orig
            elif d is s:
                t._data = orig
            elif type(d) is Traced:
                self._effect(("set_data", t), d)
                t._data = d.plain
            elif d is not orig:
                raise CompileError(f"compile: the step replaced the data of "
                                   f"{self.found.name_of_tensor(t)} with an array it did not "
                                   "compute with numpy; a replay could not repeat that")
            if t._version != version:
                self.effects.append(("bump", t, t._version - version))
        for t, g, orig, s in self.grads:
            now = t.grad
            if now is g:
                if g is not None and g._data is s:
                    g._data = orig
                elif g is not None and type(g._data) is Traced:
                    self._effect(("set_grad_data", t), g._data)
                    g._data = g._data.plain
                continue
            if g is not None and g._data is s:
                g._data = orig  # the old gradient tensor, dropped by the step
            if now is None:
                self.effects.append(("set_grad", t, None))
            elif type(now._data) is Traced:
                self._effect(("set_grad", t), now._data)
                now._data = now._data.plain
            else:
                raise CompileError(f"compile: the step set the .grad of "
                                   f"{self.found.name_of_tensor(t)} to an array it did not "
                                   "compute with numpy")

    def _effect(self, head: tuple[Any, ...], standin: Any) -> None:
        standin.var.escapes = True
        self.effects.append((*head, standin.var))

    def _value(self, v: Any) -> Any:
        if type(v) in (Traced, Sym):
            v.var.escapes = True
            return v.var
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        raise CompileError(f"compile: the step stored a {type(v).__name__} in optimizer "
                           "state, which a replay cannot rebuild")

    def release(self) -> None:
        """Drop every stand-in this binding holds (what stays alive after is a leak)."""
        self._plains = []
        self.tensors = [(t, o, None, v) for t, o, _s, v in self.tensors]
        self.grads = [(t, g, o, None) for t, g, o, _s in self.grads]
        self.opt_state = [(o, p, b, {}) for o, p, b, _s in self.opt_state]
        self.lrs = []
        self.names_swapped = []

    def restore_on_error(self) -> None:
        """After a refused recording: put back whatever plain values can be found."""
        for slot, gen in self.gens:
            _slot_set(slot, gen)
        for where, s in self.names_swapped:
            if _where_get(where) is s:
                _where_set(where, s.plain)
        for opt, gi, _lr, _s in self.lrs:
            group = opt.param_groups[gi]
            if type(group.get("lr")) is Sym:
                group["lr"] = group["lr"].plain
        for opt, p, _before, _swapped in self.opt_state:
            st = opt.state.get(p) or {}
            for k, v in list(st.items()):
                st[k] = _plain(v)
        for t, _orig, _s, _v in self.tensors:
            t._data = _plain(t._data)
        for t, g, _orig, _s in self.grads:
            for x in (g, t.grad):
                if isinstance(x, Tensor):
                    x._data = _plain(x._data)


def _where_get(where: tuple[Any, ...]) -> Any:
    kind, holder, key = where
    if kind == "cell":
        return holder.cell_contents
    if kind == "attr":
        return getattr(holder, key)
    return holder[key]


def _where_set(where: tuple[Any, ...], value: Any) -> None:
    kind, holder, key = where
    if kind == "cell":
        holder.cell_contents = value
    elif kind == "attr":
        object.__setattr__(holder, key, value)
    else:
        holder[key] = value


def _plain(v: Any) -> Any:
    return v.plain if type(v) in (Traced, Sym) else v


# ---------------------------------------------------------------- what a replay checks first

def guards(found: Found, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The checks a replay makes before it runs (else the step is recorded again): that the
    state is as it was *before* the recording (the recording starts from that state).

    Each guard is a tuple for codegen: fn's closure cells and globals name the same objects;
    modules have the same attributes (training, parameters, no hooks); tensors have the same
    shapes, dtypes and requires_grad and have a .grad exactly when they had one;
    optimizers have the same groups, hyperparameters (the learning rate excepted: it is
    read at each replay) and per-parameter state entries.
    """
    arg_ids = {id(a) for a in args}
    g: list[tuple[Any, ...]] = [b for b in found.bindings if not isinstance(b[3], np.ndarray)]
    for arr, _name, where in found.arrays.values():
        if where is not None and id(arr) not in arg_ids:
            g.append(("where_shape", where, arr.shape, arr.dtype))
    for m, _name in found.modules.values():
        g.append(("module", m, _module_snapshot(m)))
    for t, _name in found.tensors.values():
        if id(t) in arg_ids or not isinstance(t, Tensor):
            continue
        g.append(("shape", t, t._data.shape, t._data.dtype))
        g.append(("requires_grad", t, bool(t.requires_grad)))  # requires_grad_(False) later
        if t.requires_grad or t.grad is not None:
            g.append(("grad", t, None if t.grad is None else (t.grad.shape, t.grad.dtype)))
    for opt, _name in found.optimizers.values():
        g.append(("ngroups", opt, len(opt.param_groups)))
        for gi, group in enumerate(opt.param_groups):
            g.append(("nparams", opt, gi, len(group["params"])))
            for k, v in group.items():
                if k not in ("params", "lr"):
                    g.append(("hyper", opt, gi, k, v))
        for group in opt.param_groups:
            for p in group["params"]:
                st = opt.state.get(p)
                g.append(("ostate", opt, p, None if st is None else frozenset(st)))
    return g


def _module_snapshot(m: Any) -> list[tuple[str, Any, bool]]:
    """(attribute, value, compare by value) for what a module's forward may read."""
    d = vars(m)
    snap: list[tuple[str, Any, bool]] = []
    for k, v in d.items():
        if k in ("_parameters", "_buffers", "_modules", "_non_persistent", "__dict__"):
            continue
        if k in ("_forward_hooks", "_forward_pre_hooks"):
            snap.append((k, None, False))  # must stay empty: hooks are not recorded
        elif v is None or isinstance(v, (bool, int, float, str, tuple)):
            snap.append((k, v, True))
        elif isinstance(v, Tensor) or is_module(v):
            snap.append((k, v, False))
    return snap
