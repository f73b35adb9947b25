"""Names for the recorded values, after the user's modules and tensors where they exist:
parameters `W1, b1, W2...` (the k-th module with parameters), module outputs `h1` (its
output) and `a1` (the activation after it), gradients `dW1, dh1`, optimizer state `m_W1`,
`v_W1`, `buf_W1`; everything else after the numpy call that made it (`exp1`, `sum2`).
"""

from __future__ import annotations

import builtins
import keyword
import re
from typing import Any

from .discover import Found
from .ir import Op, Var

_STATE = {"exp_avg": "m", "exp_avg_sq": "v", "max_exp_avg_sq": "vmax",
          "momentum_buffer": "buf", "square_avg": "sq", "grad_avg": "gavg", "sum": "acc",
          "step": "t"}
RESERVED = set(keyword.kwlist) | set(dir(builtins)) | {"np", "operator"}


def sanitize(name: str) -> str:
    """A Python identifier close to `name` ('model.fc1.weight' -> 'model_fc1_weight')."""
    s = re.sub(r"\W+", "_", name).strip("_") or "t"
    return "_" + s if s[0].isdigit() else s


class Namer:
    """Hands out unique, readable names."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = set(taken) | RESERVED
        self.counts: dict[str, int] = {}

    def unique(self, base: str, numbered: bool = False) -> str:
        """`base` if free (and not `numbered`), else base1, base2, ... (or base_1 after a digit)."""
        base = sanitize(base)
        if not numbered and base not in self.taken:
            self.taken.add(base)
            return base
        sep = "_" if base[-1].isdigit() else ""
        n = self.counts.get(base, 0)
        while True:
            n += 1
            cand = f"{base}{sep}{n}"
            if cand not in self.taken:
                self.counts[base] = n
                self.taken.add(cand)
                return cand


def layer_index(found: Found) -> dict[int, int]:
    """Module id -> k for the modules that hold parameters directly, in model order."""
    index: dict[int, int] = {}
    for m, _name in found.modules.values():
        if any(p is not None for p in vars(m)["_parameters"].values()):
            index[id(m)] = len(index) + 1
    return index


def name_all(vars_: list[Var], ops: list[Op], found: Found, arg_names: list[str],
             effects: list[tuple[Any, ...]], output: Any) -> None:
    """Give every Var a name, in order: inputs, module outputs, gradients, the rest."""
    namer = Namer(set(arg_names))
    layers = layer_index(found)
    data = {id(v.path[1]): v for v in vars_ if v.kind == "state" and v.path[0] == "data"}
    for e in effects:  # a parameter's new .grad is d(parameter)
        if e[0] == "set_grad" and isinstance(e[2], Var) and e[2].grad_of is None:
            e[2].grad_of = data.get(id(e[1]))
    if output and output[0] in ("tensor", "array") and output[1].shape == ():
        output[1].hint = "loss"
    elif output and output[0] in ("tuple", "list") and output[1] and \
            output[1][0][0] in ("tensor", "array") and output[1][0][1].shape == ():
        output[1][0][1].hint = "loss"
    _single_op_names(ops)
    for v in vars_:
        if v.kind == "arg":
            v.name = v.hint  # the step's own parameter name
    used = {v.id for op in ops for v in op.refs() + op.outs} | _effect_ids(effects, output)
    for v in vars_:
        if v.kind == "state" and v.path[0] == "data":
            name = _tensor_name(v.path[1], found, layers)
            v.name = namer.unique(name) if v.id in used else name
    for v in vars_:
        if v.kind == "state" and v.path[0] in ("grad", "ostate", "group") and v.id in used:
            v.name = namer.unique(_state_name(v, vars_, found))
        elif v.kind == "state" and v.path[0] == "where" and v.id in used:
            v.name = namer.unique(v.hint)
    _name_module_outputs(ops, layers, namer)
    for v in vars_:  # gradients, after the values they are the gradient of
        if v.name is None and v.grad_of is not None and v.grad_of.name is not None:
            v.name = namer.unique("d" + v.grad_of.name)
    for v in vars_:
        if v.name is None and v.hint == "loss":
            v.name = namer.unique("loss")
    for v in vars_:
        if v.name is None:
            v.name = namer.unique(v.hint, numbered=True)


def _effect_ids(effects: list[tuple[Any, ...]], output: Any) -> set[int]:
    found: set[int] = set()

    def walk(x: Any) -> None:
        if isinstance(x, Var):
            found.add(x.id)
        elif isinstance(x, (tuple, list)):
            for i in x:
                walk(i)
        elif isinstance(x, dict):
            for i in x.values():
                walk(i)

    walk(effects)
    walk(output)
    return found


def _single_op_names(ops: list[Op]) -> None:
    """A forward op that is the only numpy call of its Function is named after it: relu1."""
    for i, op in enumerate(ops):
        c = op.ctx
        if c.phase != "forward" or not op.outs or not c.what[:1].isupper():
            continue
        prev = ops[i - 1].ctx if i else None
        nxt = ops[i + 1].ctx if i + 1 < len(ops) else None
        if (prev is None or prev.what != c.what) and (nxt is None or nxt.what != c.what):
            for v in op.outs:
                if v.hint != "loss":
                    v.hint = c.what.lower()


def _tensor_name(t: Any, found: Found, layers: dict[int, int]) -> str:
    if t.name:
        return t.name
    owner = found.owner.get(id(t))
    if owner is not None and id(owner[0]) in layers:
        k = layers[id(owner[0])]
        pname = owner[1]
        return {"weight": f"W{k}", "bias": f"b{k}"}.get(pname, f"{pname}{k}")
    name = found.name_of_tensor(t) or "t"
    return name.rsplit(".", 1)[-1]


def _state_name(v: Var, vars_: list[Var], found: Found) -> str:
    kind = v.path[0]
    if kind == "group":
        return "lr" if v.path[2] == 0 else f"lr{v.path[2]}"
    if kind == "grad":
        return "d" + _param_var_name(v.path[1], vars_)
    key = v.path[3]
    return f"{_STATE.get(key, key)}_{_param_var_name(v.path[2], vars_)}"


def _param_var_name(t: Any, vars_: list[Var]) -> str:
    for v in vars_:
        if v.kind == "state" and v.path[0] == "data" and v.path[1] is t and v.name:
            return v.name
    return "p"


def _name_module_outputs(ops: list[Op], layers: dict[int, int], namer: Namer) -> None:
    """The last value a module's forward made is its output: h{k}, or a{k} after layer k."""
    last_layer = 0
    current: Any = None
    last_out: Var | None = None

    def close() -> None:
        if current is None or last_out is None or last_out.name is not None:
            return
        k = layers.get(id(current))
        base = f"h{k}" if k is not None else f"a{last_layer}"
        last_out.name = namer.unique(base)
        last_out.module = current

    for op in ops:
        m = op.ctx.module if op.ctx.phase == "forward" else None
        if m is not current:
            close()
            current, last_out = m, None
            if m is not None and id(m) in layers:
                last_layer = layers[id(m)]
        if m is not None and op.outs:
            last_out = op.outs[-1]
    close()
