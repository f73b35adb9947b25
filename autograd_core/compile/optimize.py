"""Rewrites of the recording that change no bit of any result, only the work a replay does.

- Constants: a value computed only from literals (the backward seed `np.ones(())`, the
  gradient of a mean `1/n` spread over an array) is computed once, when the replay is built.
  A constant array whose elements are all equal, used in an elementwise op whose result has
  the other operand's shape, becomes a numpy scalar of the same dtype: the same numbers are
  multiplied, without reading an array.
- `np.asarray` of a numpy scalar (how Tensor stores a 0-d result) is dropped where the
  value is only read: numpy computes the same with the scalar.
- `np.swapaxes(a, -1, -2)` of a 2-D array is `a.T`, the same view, without numpy's Python
  wrapper; `a.sum(axis, keepdims=True).reshape(shape)` that drops exactly the summed axes is
  `a.sum(axis)`, the same reduction.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .ir import Const, Op, Ref, Var
from .render import BINARY

_ELEMENTWISE_OPS = set(BINARY) - {operator.matmul}


def _map_refs(x: Any, fn: Any) -> Any:
    t = type(x)
    if t is Ref:
        return fn(x)
    if t is tuple or t is list:
        return t(_map_refs(i, fn) for i in x)
    if t is dict:
        return {k: _map_refs(v, fn) for k, v in x.items()}
    if t is slice:
        return slice(_map_refs(x.start, fn), _map_refs(x.stop, fn), _map_refs(x.step, fn))
    return x


def substitute(ops: list[Op], table: dict[int, Any]) -> None:
    """Replace Refs to the Vars in `table` (var id -> Ref or Const) in every op's arguments."""
    if not table:
        return

    def fn(r: Ref) -> Any:
        seen = r
        while type(seen) is Ref and seen.var.id in table:
            seen = table[seen.var.id]
        return seen

    for op in ops:
        op.args = _map_refs(op.args, fn)
        op.kwargs = _map_refs(op.kwargs, fn)


def _uses(ops: list[Op]) -> dict[int, list[Op]]:
    uses: dict[int, list[Op]] = {}
    for op in ops:
        for v in op.refs():
            uses.setdefault(v.id, []).append(op)
    return uses


def _written(ops: list[Op]) -> set[int]:
    """Ids of the roots written by some op."""
    return {w.root.id for op in ops for w in op.writes if w.root is not None}


def drop_scalar_asarray(ops: list[Op]) -> list[Op]:
    """`np.asarray(s)` of a numpy scalar `s`, when the 0-d array is only read: use `s`."""
    written = _written(ops)
    table: dict[int, Any] = {}
    keep = []
    for op in ops:
        if (op.kind == "function" and getattr(op.fn, "__name__", "") == "asarray"
                and len(op.args) == 1 and not op.kwargs and type(op.args[0]) is Ref
                and issubclass(op.args[0].var.pytype, np.generic) and len(op.outs) == 1):
            v = op.outs[0]
            if not v.escapes and v.id not in written:
                table[v.id] = op.args[0]
                continue
        keep.append(op)
    substitute(keep, table)
    return keep


def views(ops: list[Op]) -> None:
    """swapaxes(a, -1, -2) of a matrix -> a.T; sum(keepdims).reshape -> sum (see above)."""
    uses = _uses(ops)
    for op in ops:
        if (op.kind == "function" and getattr(op.fn, "__name__", "") == "swapaxes"
                and type(op.args[0]) is Ref and len(op.args[0].var.shape) == 2
                and set(op.args[1:]) == {-1, -2} and not op.kwargs):
            op.kind, op.fn, op.args = "attr", "T", (op.args[0],)
    for op in ops:
        if op.kind != "method" or op.fn != "reshape" or type(op.args[0]) is not Ref:
            continue
        src = op.args[0].var
        prev = src.op
        if (prev is None or prev.kind != "method" or prev.fn != "sum" or src.escapes
                or prev.kwargs.get("keepdims") is not True or len(uses.get(src.id, [])) != 1):
            continue
        axis = prev.kwargs.get("axis")
        axes = axis if isinstance(axis, tuple) else (axis,)
        full = src.shape
        if None in axes:
            continue
        kept = tuple(s for i, s in enumerate(full) if i not in {a % len(full) for a in axes})
        target = op.args[1] if len(op.args) == 2 else tuple(op.args[1:])
        tshape = tuple(target) if isinstance(target, (tuple, list)) else (target,)
        if op.kwargs or tshape != kept:
            continue
        op.kind, op.fn = "method", "sum"
        op.args = (prev.args[0],)
        op.kwargs = {"axis": axis}
        prev.outs = []  # now dead


_REDUCTIONS = {"sum", "max", "min", "mean", "prod", "any", "all", "argmax", "argmin"}


def relu_masks(ops: list[Op]) -> None:
    """`a > 0` after `r = np.maximum(a, 0)` reads `r > 0` instead: the same mask (a > 0
    exactly where max(a, 0) > 0, NaN included), and `a` may then die at the relu, which can
    then run in place."""
    relu_of: dict[int, tuple[Var, int]] = {}
    for i, op in enumerate(ops):
        if (op.kind == "ufunc" and op.fn == (np.maximum, "__call__") and not op.kwargs
                and len(op.args) == 2 and type(op.args[0]) is Ref and op.args[1] in (0, 0.0)
                and type(op.args[1]) in (int, float) and len(op.outs) == 1):
            relu_of[op.args[0].var.id] = (op.outs[0], i)
            continue
        if (op.kind == "operator" and op.fn is operator.gt and type(op.args[0]) is Ref
                and op.args[0].var.id in relu_of and type(op.args[1]) in (int, float)
                and op.args[1] == 0):
            a = op.args[0].var
            r, at = relu_of[a.id]
            roots = {a.root.id if a.root else None, r.root.id if r.root else None}
            if None in roots or any(w.root is not None and w.root.id in roots
                                    for o in ops[at + 1:i] for w in o.writes):
                continue
            op.args = (Ref(r), op.args[1])


def multiply_by_one(ops: list[Op]) -> list[Op]:
    """`1.0 * a` (and `a * 1.0`) of a float array is `a`, bit for bit (x * 1 = x in IEEE
    arithmetic, -0.0, infinities and NaN included); the product is replaced by `a` where it
    is only read (it is never written, and never leaves the step)."""
    written = _written(ops)
    written_after: list[set[int]] = [set() for _ in range(len(ops) + 1)]
    for i in reversed(range(len(ops))):
        written_after[i] = written_after[i + 1] | {w.root.id for w in ops[i].writes
                                                   if w.root is not None}
    table: dict[int, Any] = {}
    keep = []
    for i, op in enumerate(ops):
        if (op.kind == "operator" and op.fn is operator.mul and len(op.outs) == 1
                and not op.outs[0].escapes and op.outs[0].id not in written):
            a, b = op.args
            arr, one = (a, b) if type(a) is Ref else (b, a)
            v = op.outs[0]
            if (type(arr) is Ref and type(one) in (int, float) and one == 1
                    and arr.var.root is not None and arr.var.root.id not in written_after[i]
                    and arr.var.dtype is not None and arr.var.dtype.kind == "f"
                    and arr.var.dtype == v.dtype and arr.var.shape == v.shape
                    and arr.var.pytype is v.pytype):
                table[v.id] = arr
                continue
        keep.append(op)
    substitute(keep, table)
    return keep


def tidy_calls(ops: list[Op]) -> None:
    """Drop keyword arguments that only restate numpy's defaults (`axis=None`,
    `keepdims=False`) and write a one-axis tuple as the axis: the same call, parsed faster."""
    for op in ops:
        if op.kind == "method" and op.fn in _REDUCTIONS and op.kwargs:
            kw = dict(op.kwargs)
            if "axis" in kw and kw["axis"] is None:
                del kw["axis"]
            if kw.get("keepdims") is False:
                del kw["keepdims"]
            ax = kw.get("axis")
            if isinstance(ax, tuple) and len(ax) == 1 and isinstance(ax[0], int):
                kw["axis"] = ax[0]
            op.kwargs = kw


def _key(x: Any) -> Any:
    """A hashable key for an argument structure (floats by repr: 0.0 and -0.0 differ)."""
    t = type(x)
    if t is Ref:
        return ("r", x.var.id)
    if t is Const:
        o = x.obj
        if isinstance(o, np.generic):
            return ("s", o.dtype.str, o.tobytes())
        return ("c", id(o))
    if t is float:
        return ("f", repr(x))
    if t is tuple or t is list:
        return (t.__name__, *(_key(i) for i in x))
    if t is dict:
        return ("d", *((k, _key(v)) for k, v in x.items()))
    if t is slice:
        return ("sl", _key(x.start), _key(x.stop), _key(x.step))
    return (t.__name__, x)


def common_subexpressions(ops: list[Op]) -> list[Op]:
    """The second of two identical pure ops on unchanged inputs reuses the first's result
    (neither result may be written later, or the two names would share one array)."""
    written = _written(ops)
    seen: dict[Any, tuple[Var, set[int]]] = {}
    table: dict[int, Any] = {}
    keep: list[Op] = []
    for op in ops:
        substitute([op], table)
        out = op.outs[0] if len(op.outs) == 1 else None
        if (out is not None and not op.writes and not op.shape_guard and not out.escapes
                and op.kind in ("operator", "ufunc", "function", "method", "attr", "getitem")
                and "out" not in op.kwargs and out.root is not None
                and out.root.id not in written):
            fn = op.fn if not isinstance(op.fn, tuple) else (id(op.fn[0]), op.fn[1])
            key = (op.kind, fn if isinstance(fn, (str, tuple)) else id(fn),
                   _key(op.args), _key(op.kwargs))
            hit = seen.get(key)
            if hit is not None:
                table[out.id] = Ref(hit[0])
                continue
            roots = {v.root.id for v in op.refs() if v.root is not None}
            seen[key] = (out, roots)
        for w in op.writes:
            r = w.root.id if w.root is not None else None
            for k in [k for k, (_v, roots) in seen.items() if r in roots]:
                del seen[k]
        keep.append(op)
    return keep


def fold_constants(ops: list[Op], evaluate: Any) -> list[Op]:
    """Compute once the values that depend on literals only; see the module docstring.

    `evaluate(const_ops)` runs those ops once and returns {var id: value}.
    """
    written_by: dict[int, list[Op]] = {}
    for op in ops:
        for w in op.writes:
            if w.root is not None:
                written_by.setdefault(w.root.id, []).append(op)
    const: set[int] = set()
    const_ops: list[Op] = []
    for op in ops:
        if op.kind in ("guard", "rng") or op.shape_guard:
            continue
        refs = op.refs()
        if not all(v.id in const for v in refs) or _has_array_const(op):
            continue
        if any(w.root is None or w.root.id not in const for w in op.writes):
            continue
        if op.outs and any(v.escapes for v in op.outs):
            continue
        const_ops.append(op)
        for v in op.outs:
            const.add(v.id)
    # A constant later written by a non-constant op must be made fresh in every replay;
    # what is computed from it is then not constant either (to a fixed point).
    while True:
        cset = set(map(id, const_ops))
        bad = {vid for vid in const if any(id(o) not in cset for o in written_by.get(vid, []))}
        drop = [o for o in const_ops
                if any(v.id not in const for v in o.refs())
                or any(v.id in bad or (v.root is not None and v.root.id in bad)
                       for v in o.outs + o.writes + o.refs())]
        if not drop:
            break
        for o in drop:
            const_ops.remove(o)
            for v in o.outs:
                const.discard(v.id)
    if not const_ops:
        return ops
    values = evaluate(const_ops)
    table: dict[int, Any] = {}
    for op in ops:
        if id(op) in cset:
            continue
        for v in op.refs():
            if v.id in values and v.id not in table:
                table[v.id] = Const(values[v.id], v.hint)
    rest = [op for op in ops if id(op) not in cset]
    substitute(rest, table)
    _uniform(rest)
    return rest


def _has_array_const(op: Op) -> bool:
    from .ir import consts

    found: list[Any] = []
    consts((op.args, op.kwargs), found)
    return any(isinstance(c, np.ndarray) for c in found)


def _uniform(ops: list[Op]) -> None:
    """A constant array of equal elements in an elementwise op -> a numpy scalar (see above)."""
    for op in ops:
        if op.kind == "operator" and op.fn in _ELEMENTWISE_OPS and len(op.args) == 2:
            args = list(op.args)
        elif op.kind == "ufunc" and op.fn[1] == "__call__" and op.fn[0].nin == 2 \
                and len(op.args) == 2 and not op.kwargs:
            args = list(op.args)
        else:
            continue
        if not op.outs:
            continue
        shape = op.outs[0].shape
        for i in (0, 1):
            c, other = args[i], args[1 - i]
            if type(c) is not Const or not isinstance(c.obj, np.ndarray) or c.obj.size == 0:
                continue
            arr = c.obj
            oshape = other.var.shape if type(other) is Ref else np.shape(
                other.obj if type(other) is Const else other)
            if tuple(oshape) != tuple(shape) or arr.ndim > len(shape):
                continue
            first = arr.flat[0]
            if np.all(arr == first) or (np.isnan(first) and np.all(np.isnan(arr))):
                args[i] = Const(arr.dtype.type(first), "c")
        op.args = tuple(args)


def evaluate(ops: list[Op]) -> dict[int, Any]:
    """Run `ops` once on their recorded arguments (constants only): {var id: value}."""
    env: dict[int, Any] = {}

    def val(x: Any) -> Any:
        return resolve(x, env)

    for op in ops:
        a, kw = val(op.args), val(op.kwargs)
        k = op.kind
        if k == "operator":
            res = op.fn(*a)
        elif k == "ufunc":
            res = getattr(op.fn[0], op.fn[1])(*a, **kw)
        elif k == "function":
            res = op.fn(*a, **kw)
        elif k == "method":
            res = getattr(a[0], op.fn)(*a[1:], **kw)
        elif k == "attr":
            res = getattr(a[0], op.fn)
        elif k == "getitem":
            res = a[0][a[1]]
        elif k == "setitem":
            a[0][a[1]] = a[2]
            res = None
        else:  # pragma: no cover - guards and draws are never constant
            raise AssertionError(op)
        if len(op.outs) == 1:
            env[op.outs[0].id] = res
        else:
            for v, r in zip(op.outs, res or ()):
                env[v.id] = r
    return env


def resolve(x: Any, env: dict[int, Any]) -> Any:
    """An op's argument structure with Refs looked up in `env` and Consts unwrapped."""
    t = type(x)
    if t is Ref:
        return env[x.var.id]
    if t is Const:
        return x.obj
    if t is tuple or t is list:
        return t(resolve(i, env) for i in x)
    if t is dict:
        return {k: resolve(v, env) for k, v in x.items()}
    if t is slice:
        return slice(resolve(x.start, env), resolve(x.stop, env), resolve(x.step, env))
    return x


_ = Var
