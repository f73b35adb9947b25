"""From a recording to the replay: a Python function of straight-line numpy statements.

Its source (`step.source`) is the program that runs, not a description of it: checks that the
state still looks as recorded, reads of the state, forward, backward and update (one comment
per op saying whose forward, backward or update a line belongs to), then the effects on the
state (new gradients, bumped versions) and the return value.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from . import optimize, plan
from .bind import Binding
from .discover import Found
from .ir import Op, Var
from .naming import Namer, name_all, sanitize
from .render import Consts, Renderer
from .writer import Writer

MISS_STATE = type("_Miss", (), {"__repr__": lambda self: "<state changed>"})()
MISS_DATA = type("_Miss", (), {"__repr__": lambda self: "<data guard failed>"})()


def _wrap_value(value: Any) -> Tensor:
    return Tensor._wrap(value if type(value) is np.ndarray else np.asarray(value))


def _restore_rng(*gens_and_states: Any) -> Any:
    """Put generators back to their states (a replay that drew, then found a check failing,
    hands over to the eager step, which must draw the same numbers)."""
    for gen, state in zip(gens_and_states[::2], gens_and_states[1::2]):
        gen.bit_generator.state = state
    return MISS_DATA


class Program:
    """The generated replay: `source` and the callable `run(*args)`.

    Its buffers are made on the first replay (a recording that is never replayed costs no
    memory), on the arenas of `pool`, which the recordings of one compiled step share.
    """

    def __init__(self, source: str, ns: dict[str, Any], fn_name: str, stats: dict[str, Any],
                 buffers: Any, pool: list[np.ndarray]) -> None:
        self.source = source
        self.stats = stats
        code = compile(source, f"<compiled {fn_name}>", "exec")
        exec(code, ns)
        self._fn = ns[fn_name]
        self._ns, self._buffers, self._pool = ns, buffers, pool

    def run(self, *args: Any) -> Any:
        """Replay on `args` (the first call makes the buffers)."""
        self._ns.update(self._buffers.materialize(self._pool))
        self.run = self._fn  # type: ignore[method-assign]
        return self._fn(*args)


def build(rec: Any, binding: Binding, found: Found, fn_name: str, arg_names: list[str],
          arg_kinds: list[Any], output: Any, guards: list[tuple[Any, ...]],
          pool: list[np.ndarray]) -> Program:
    """Plan buffers, name values and write out the replay for one recording."""
    ops = optimize.drop_scalar_asarray(list(rec.ops))
    ops = optimize.multiply_by_one(ops)
    optimize.views(ops)
    optimize.relu_masks(ops)
    optimize.tidy_calls(ops)
    ops = optimize.fold_constants(ops, optimize.evaluate)
    ops = optimize.common_subexpressions(ops)
    ops = plan.dead_code(ops, plan.uses_of_effects(binding.effects, output))
    name_all(rec.vars, ops, found, arg_names, binding.effects, output)
    inline = plan.inlinable(ops)
    buffers = plan.buffers(ops, rec.vars, inline)
    namer = Namer({v.name for v in rec.vars if v.name} | set(arg_names))
    consts = Consts(namer)
    consts.ns.update(_wrap=Tensor._wrap, _wrap_value=_wrap_value, _MISS_STATE=MISS_STATE,
                     _MISS_DATA=MISS_DATA, _restore_rng=_restore_rng)
    r = Renderer(consts, {})
    data_names = {id(v.path[1]): v.name for v in rec.vars
                  if v.kind == "state" and v.path[0] == "data" and v.name}
    w = Writer(r, consts, found, namer, data_names)
    used = plan.used_vars(ops, binding.effects)
    w.grads_read = {id(v.path[1]) for v in rec.vars if v.kind == "state"
                    and v.path[0] == "grad" and v.id in used}
    fname = sanitize(fn_name)
    checks = w.guards(guards)
    body: list[str] = []
    if checks:
        body += ["if not _state_as_recorded():  # else the step is recorded again",
                 "    return _MISS_STATE"]
    body += w.reads(rec.vars, ops, arg_kinds, binding, buffers)
    early, late = _early_grad_release(binding.effects, rec.vars, ops)
    if early:
        body.append("# drop the old gradients now, as the step's zero_grad does (less memory)")
        body += w.effects(early)[1:]
    body += w.ops(ops, inline, buffers)
    body += w.effects(late)
    body.append(f"return {w.output(output)}")
    lines = [f"# {fn_name}, recorded once and replayed as straight-line numpy: forward,",
             "# backward and update, one comment per op. `_b*` arrays are buffers made once",
             "# and reused by every replay; T, M, O hold the step's tensors, modules and",
             "# optimizers by name."]
    lines += w.constants()
    lines += ["", *w.bind_lines, "", "", f"def {fname}({', '.join(arg_names)}):"]
    lines += ["    " + b if b else "" for b in body]
    if checks:
        lines += ["", "", "def _state_as_recorded():",
                  '    """The state the recording started from: same objects, shapes, '
                  'settings."""']
        lines += [f"    if {c}: return False" for c in checks]
        lines.append("    return True")
    stats = {"ops": len(ops), "recorded_ops": len(rec.ops), "buffers": len(buffers.views),
             "buffer_bytes": buffers.nbytes}
    return Program("\n".join(lines) + "\n", consts.ns, fname, stats, buffers, pool)


def _early_grad_release(effects: list[tuple[Any, ...]], vars_: list[Var], ops: list[Op]
                        ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Split the effects: a .grad that the step replaces without reading the old one is
    dropped at the start of the replay, so old and new gradients are never held together."""
    used = plan.used_vars(ops, effects)
    read = {id(v.path[1]) for v in vars_ if v.kind == "state" and v.path[0] == "grad"
            and v.id in used}
    early: list[tuple[Any, ...]] = []
    late: list[tuple[Any, ...]] = []
    for e in effects:
        if e[0] == "set_grad" and id(e[1]) not in read:
            early.append(("set_grad", e[1], None))
            if e[2] is not None:
                late.append(e)
        else:
            late.append(e)
    return early, late
