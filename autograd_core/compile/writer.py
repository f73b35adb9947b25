"""Writing the sections of a replay: the objects it uses, the state checks, the reads of the
state, the ops with their comments, the effects on the state and the return value."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from . import plan
from .bind import Binding
from .discover import Found
from .ir import Op, Var
from .naming import Namer, sanitize
from .render import Consts, Renderer


class Writer:
    """Writes the sections of the replay function."""

    def __init__(self, r: Renderer, consts: Consts, found: Found, namer: Namer,
                 data_names: dict[int, str]) -> None:
        self.r, self.consts, self.found, self.namer = r, consts, found, namer
        self.locals: dict[int, str] = {}
        self.data_names = data_names  # tensor id -> the name of its data in the source
        self.bind_lines: list[str] = []
        self.rng_states: list[str] = []
        self.grads_read: set[int] = set()  # ids of tensors whose old .grad the replay reads

    def obj(self, o: Any) -> str:
        """A local name for a found object, bound once at the top of the replay from the
        tables T (tensors), M (modules) and O (optimizers), keyed by the objects' paths."""
        got = self.locals.get(id(o))
        if got is not None:
            return got
        for table, dname in ((self.found.tensors, "T"), (self.found.modules, "M"),
                             (self.found.optimizers, "O")):
            if id(o) in table:
                path = table[id(o)][1]
                self.consts.ns.setdefault(dname, {})[path] = o
                if dname == "T":
                    base = self.data_names.get(id(o), sanitize(path)) + "_t"
                else:
                    base = sanitize(path) if dname == "O" else "m_" + sanitize(path)
                local = self.namer.unique(base)
                self.bind_lines.append(f"{local} = {dname}[{path!r}]")
                self.locals[id(o)] = local
                return local
        return self.consts.name(o, "_obj")

    # ---------------------------------------------------------------- checks
    def guards(self, guards: list[tuple[Any, ...]]) -> list[str]:
        """The conditions under which the state is *not* as recorded."""
        conds: list[str] = []
        for g in guards:
            kind = g[0]
            if kind in ("cell", "global"):
                if kind == "cell":
                    self.consts.ns.setdefault("CELLS", {})[g[4]] = g[1]
                    ref = f"CELLS[{g[4]!r}].cell_contents"
                else:
                    # one name per globals dict: the step's module and the modules of the
                    # functions it calls each have their own
                    ref = f"{self.consts.name(g[1], 'G')}[{g[2]!r}]"
                conds.append(self.differs(ref, g[3]))
            elif kind == "where_shape":
                ref = self.where_ref(g[1])
                conds.append(f"{ref}.shape != {g[2]!r}")
                conds.append(f"{ref}.dtype != {self.dtype(g[3])}")
            elif kind == "module":
                m = self.obj(g[1])
                for attr, v, _by_value in g[2]:
                    ref = f"{m}.{attr}" if attr.isidentifier() else f"vars({m})[{attr!r}]"
                    if attr in ("_forward_hooks", "_forward_pre_hooks"):
                        conds.append(ref)
                    else:
                        conds.append(self.differs(ref, v))
            elif kind == "shape":
                t = self.obj(g[1])
                conds.append(f"{t}._data.shape != {g[2]!r}")
                conds.append(f"{t}._data.dtype != {self.dtype(g[3])}")
            elif kind == "requires_grad":
                conds.append(f"{self.obj(g[1])}.requires_grad is not {g[2]}")
            elif kind == "grad":
                t = self.obj(g[1])
                conds.append(f"{t}.grad is {'not ' if g[2] is None else ''}None")
                if g[2] is not None and id(g[1]) in self.grads_read:
                    conds.append(f"{t}.grad.shape != {g[2][0]!r}")
            elif kind == "ngroups":
                conds.append(f"len({self.obj(g[1])}.param_groups) != {g[2]}")
            elif kind == "nparams":
                conds.append(f"len({self.obj(g[1])}.param_groups[{g[2]}]['params']) != {g[3]}")
            elif kind == "hyper":
                conds.append(self.differs(f"{self.obj(g[1])}.param_groups[{g[2]}][{g[3]!r}]",
                                          g[4]))
            elif kind == "ostate":
                st = f"{self.obj(g[1])}.state.get({self.obj(g[2])})"
                conds.append(f"{st} is not None" if g[3] is None else
                             f"(st := {st}) is None or st.keys() != {self.lit(g[3])}")
        return conds

    def constants(self) -> list[str]:
        """Comment lines showing the values computed once (hoisted constants)."""
        out = []
        for name, obj in self.consts.ns.items():
            text = _describe_constant(obj)
            if text is not None:
                out.append(f"#   {name} = {text}")
        return ["# Constants computed once, when the step was recorded:", *out] if out else []

    def where_ref(self, where: tuple[Any, ...]) -> str:
        """Source text reading an outside array where the step found it."""
        kind, holder, key = where
        if kind == "cell":
            name = self.consts.name(holder, "_cell")
            return f"{name}.cell_contents"
        if kind == "global":
            return f"{self.consts.name(holder, 'G')}[{key!r}]"
        h = self.lit(holder)
        if kind == "attr":
            return f"{h}.{key}" if key.isidentifier() else f"getattr({h}, {key!r})"
        return f"{h}[{key!r}]"

    def dtype(self, d: np.dtype) -> str:
        """A namespace constant for dtype `d` (comparing with the dtype object is 3x faster
        than with np.float32, which numpy converts each time)."""
        return self.consts.name(d, d.name, numbered=False)

    def differs(self, ref: str, v: Any) -> str:
        """The condition under which `ref` is no longer what the recording saw: another object
        (`is not`), or for numbers, strings and tuples another type or value (an np.float64
        is equal to a float but mixes with arrays otherwise)."""
        if v is None or isinstance(v, bool):
            return f"{ref} is not {v!r}"
        if type(v) in (int, float, str, tuple):
            return f"type({ref}) is not {type(v).__name__} or {ref} != {self.lit(v)}"
        return f"{ref} is not {self.lit(v)}"

    def lit(self, v: Any) -> str:
        if v is None or isinstance(v, (bool, int, str)) or (isinstance(v, float)
                                                             and np.isfinite(v)):
            return repr(v)
        if isinstance(v, frozenset) and all(isinstance(k, str) for k in v):
            return "{" + ", ".join(repr(k) for k in sorted(v)) + "}" if v else "set()"
        if isinstance(v, tuple) and all(isinstance(i, (int, float, bool)) for i in v):
            return repr(v)
        for table in (self.found.tensors, self.found.modules, self.found.optimizers):
            if id(v) in table:
                return self.obj(v)
        return self.consts.name(v, "_c")

    # ---------------------------------------------------------------- reads
    def reads(self, vars_: list[Var], ops: list[Op], arg_kinds: list[Any], binding: Binding,
              buffers: Any) -> list[str]:
        used = plan.used_vars(ops, binding.effects)
        out = ["# ---- read the state"]
        for _i, kind in enumerate(arg_kinds):
            if isinstance(kind, Var) and kind.id in used and kind.path[2] == "tensor":
                out.append(f"{kind.name} = {kind.name}._data")
        for v in vars_:
            if v.kind != "state" or v.id not in used:
                continue
            p = v.path
            if p[0] == "data":
                out.append(f"{v.name} = {self.obj(p[1])}._data")
            elif p[0] == "grad":
                out.append(f"{v.name} = {self.obj(p[1])}.grad._data")
            elif p[0] == "group":
                out.append(f"{v.name} = {self.obj(p[1])}.param_groups[{p[2]}][{p[3]!r}]")
            elif p[0] == "ostate":
                out.append(f"{v.name} = {self.obj(p[1])}.state[{self.obj(p[2])}][{p[3]!r}]")
            elif p[0] == "where":
                out.append(f"{v.name} = {self.where_ref(p[1])}")
            if v.dtype is None:  # a Python number (a learning rate, a step count): its type
                # decides how numpy mixes it with arrays (a Python float is weak, np.float64
                # is not), which the recording's buffers assume
                out.append(f"if type({v.name}) is not {v.pytype.__name__}: return _MISS_STATE")
        slots = {id(o.fn[0]): o.fn[0] for o in ops if o.kind == "rng"}
        first_rng = next((i for i, o in enumerate(ops) if o.kind == "rng"), None)
        guarded = first_rng is not None and any(
            o.kind == "guard" or o.shape_guard for o in ops[first_rng:])
        for slot in slots.values():
            holder, key = slot
            nm = self.consts.name(slot, "_rng")
            src = self.lit(holder)
            # slot_get's rule: an attribute for a string key on an object, else an item.
            attr = isinstance(key, str) and not isinstance(holder, (list, dict))
            out.append(f"{nm}_gen = {src}.{key}" if attr else f"{nm}_gen = {src}[{key!r}]")
            if guarded:  # a check after a draw: keep where the generator was, to go back
                out.append(f"{nm}_state = {nm}_gen.bit_generator.state")
                self.rng_states += [f"{nm}_gen", f"{nm}_state"]
        return out

    # ---------------------------------------------------------------- the ops
    def ops(self, ops: list[Op], inline: dict[int, Any], buffers: Any) -> list[str]:
        out: list[str] = []
        phase = None
        group = None
        self.r.inline = {}
        seen_backward = False
        for op in ops:
            if op.outs and op.outs[0].id in inline:
                self.r.inline[op.outs[0].id] = self.r.expr(op)
                continue
            # The user's own code and library helpers belong to the forward pass before the
            # backward pass, to the update after it.
            p = op.ctx.phase
            seen_backward = seen_backward or p == "backward"
            if p == "step":
                p = "update" if seen_backward else "forward"
            if p != phase:
                phase = p
                out.append("")
                out.append(f"# ---- {phase}")
            key = (op.ctx.what, id(op.ctx.module), id(op.ctx.param), id(op.ctx.node),
                   op.ctx.phase)
            if key != group:
                group = key
                out.append(f"# {self.comment(op)}")
            out.append(buffers.statement(op, self.r))
            if op.kind == "rng" and self.r.miss == "_MISS_DATA" and self.rng_states:
                self.r.miss = f"_restore_rng({', '.join(self.rng_states)})"
            if op.shape_guard and op.outs:
                v = op.outs[0]
                out.append(f"if {v.name}.shape != {v.shape!r}: return {self.r.miss}")
        out.append("")
        return out

    def comment(self, op: Op) -> str:
        c = op.ctx
        text = c.what
        if c.phase == "forward" and c.module is not None:
            text += f" ({self.found.modules.get(id(c.module), (None, '?'))[1]})"
        elif c.phase == "backward" and c.node is not None:
            mod = c.node.module
            if mod is not None:
                text += f" ({self.found.modules.get(id(mod), (None, '?'))[1]})"
        elif c.phase == "update" and c.param is not None and c.param.name:
            text += f" of {c.param.name}"
        if c.user is not None and c.phase in ("step", "forward") and c.module is None:
            import linecache

            src = linecache.getline(c.user[0], c.user[1]).strip()
            text += f"  <- {os.path.basename(c.user[0])}:{c.user[1]}" + (f": {src}" if src
                                                                          else "")
        return text

    # ---------------------------------------------------------------- effects
    def effects(self, effects: list[tuple[Any, ...]]) -> list[str]:
        out = ["# ---- effects on the state"] if effects else []
        for e in effects:
            kind = e[0]
            if kind == "set_data":
                out.append(f"{self.obj(e[1])}._data = {e[2].name}")
            elif kind == "bump":
                out += [f"{self.obj(e[1])}._bump()"] * e[2]
            elif kind == "set_grad":
                out.append(f"{self.obj(e[1])}.grad = "
                           f"{'None' if e[2] is None else self.wrap(e[2])}")
            elif kind == "set_grad_data":
                out.append(f"{self.obj(e[1])}.grad._data = {e[2].name}")
            elif kind == "set_ostate":
                val = e[4].name if isinstance(e[4], Var) else self.lit(e[4])
                out.append(f"{self.obj(e[1])}.state[{self.obj(e[2])}][{e[3]!r}] = {val}")
            elif kind == "new_ostate":
                items = ", ".join(f"{k!r}: {v.name if isinstance(v, Var) else self.lit(v)}"
                                  for k, v in e[3].items())
                out.append(f"{self.obj(e[1])}.state[{self.obj(e[2])}] = {{{items}}}")
            elif kind == "set_group":
                out.append(f"{self.obj(e[1])}.param_groups[{e[2]}][{e[3]!r}] = {e[4].name}")
        return out

    def wrap(self, v: Var) -> str:
        """A new Tensor around `v`: `_wrap(v)` (Tensor._wrap) for an array, `_wrap_value(v)`
        (through np.asarray, as Tensor stores a numpy scalar) otherwise."""
        return f"_wrap({v.name})" if v.is_array else f"_wrap_value({v.name})"

    def output(self, spec: Any) -> str:
        kind = spec[0]
        if kind == "tensor":
            return self.wrap(spec[1])
        if kind in ("array", "number"):
            return spec[1].name
        if kind == "const":
            return self.lit(spec[1])
        inner = [self.output(s) for s in spec[1]]
        if kind == "tuple":
            return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
        if kind == "list":
            return "[" + ", ".join(inner) + "]"
        return "{" + ", ".join(f"{k!r}: {v}" for k, v in zip(spec[2], inner)) + "}"


def _describe_constant(obj: Any) -> str | None:
    """Source-like text for a constant of the replay (None for objects that are not data)."""
    if isinstance(obj, np.generic) and not isinstance(obj, np.bool_):
        return f"np.{obj.dtype.name}({obj.item()!r})"
    if not isinstance(obj, np.ndarray) or obj.dtype.kind not in "biuf":
        return None
    if obj.ndim == 1 and obj.dtype.kind in "iu" and np.array_equal(obj, np.arange(obj.size)):
        return f"np.arange({obj.size})"
    if obj.size and np.all(obj == obj.flat[0]):
        return f"np.full({obj.shape}, {obj.flat[0].item()!r}, dtype=np.{obj.dtype.name})"
    if obj.size <= 8:
        return f"np.array({obj.tolist()!r}, dtype=np.{obj.dtype.name})"
    return f"<an array of shape {obj.shape}, {obj.dtype}>"


