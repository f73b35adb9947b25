"""What the replay can leave out, inline or compute into a reused buffer.

- Dead code: an op whose results nothing needs (no later op, no effect, not the return
  value) and that changes nothing outside the step is dropped.
- Inlining: a temporary used once, right where it is used, becomes part of that expression
  (`x @ W1.T` instead of `t1 = W1.T; h1 = x @ t1`).
- Buffers: a fresh array that the step computes, that never leaves it (not returned, not kept
  as a .grad or as state) and whose op can write into a given array (`out=`), gets a buffer
  allocated once; buffers are shared by values whose lifetimes do not overlap, and an
  elementwise op whose input dies there writes over that input. Results are the same bits:
  the same numpy calls run in the same order, only the memory they write to changes.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .ir import Op, Var
from .render import INPLACE, Renderer

# The smallest array worth a buffer: below it numpy's small-block cache makes a fresh array
# as cheap as passing `out=` (measured: out= costs ~0.2 us of argument parsing).
MIN_BUFFER_BYTES = 32 * 1024


def _var_ids(x: Any) -> set[int]:
    out: set[int] = set()
    if isinstance(x, Var):
        out.add(x.id)
    elif isinstance(x, dict):
        for v in x.values():
            out |= _var_ids(v)
    elif isinstance(x, (tuple, list)):
        for v in x:
            out |= _var_ids(v)
    return out


def uses_of_effects(effects: list[tuple[Any, ...]], output: Any) -> set[int]:
    """Ids of the Vars the effects and the return value need."""
    need: set[int] = set()
    for e in effects:
        need |= _var_ids(e)
    need |= _var_ids(output)
    return need


def dead_code(ops: list[Op], need: set[int]) -> list[Op]:
    """The ops that must run (walking backwards from what the effects and return need)."""
    live_roots = set(need)
    live: list[Op] = []
    for op in reversed(ops):
        keep = op.kind in ("guard", "rng") or op.shape_guard
        for v in op.outs:
            if v.id in live_roots or (v.root is not None and v.root.id in live_roots
                                      and v.root is not v):
                keep = True
        for v in op.writes:
            root = v.root
            if root is not None and (root.kind == "state" or root.id in live_roots):
                keep = True
        if keep:
            live.append(op)
            for v in op.refs():
                live_roots.add(v.id)
                if v.root is not None:
                    live_roots.add(v.root.id)
    live.reverse()
    return live


def used_vars(ops: list[Op], effects: list[tuple[Any, ...]]) -> set[int]:
    """Ids of every Var the replay reads (op arguments and effects)."""
    used = uses_of_effects(effects, None)
    for op in ops:
        used |= {v.id for v in op.refs()}
    return used


def inlinable(ops: list[Op]) -> dict[int, int]:
    """Temporaries that can be written inside their only use: var id -> index of the op
    that uses it (big temporaries are left alone: they get buffers instead)."""
    uses: dict[int, list[tuple[int, bool]]] = {}
    for i, op in enumerate(ops):
        target_ids = _targets(op)
        for v in op.refs():
            uses.setdefault(v.id, []).append((i, v.id in target_ids))
    position = {op.index: i for i, op in enumerate(ops)}
    out: dict[int, int] = {}
    for i, op in enumerate(ops):
        if len(op.outs) != 1 or _bufferable(op) or not _pure(op):
            continue
        v = op.outs[0]
        if v.escapes or v.grad_of is not None or v.module is not None or v.kind != "op":
            continue
        u = uses.get(v.id, [])
        if len(u) != 1 or u[0][1]:
            continue
        j = u[0][0]
        # Nothing in between may write what the expression reads (it would run later).
        reads = {r.root.id for r in op.refs() + [v] if r.root is not None}
        if any(w.root is not None and w.root.id in reads
               for k in range(i + 1, j) for w in ops[k].writes):
            continue
        if ops[j].kind == "guard" or position is None:
            continue
        out[v.id] = j
    return out


def _pure(op: Op) -> bool:
    if op.writes or op.shape_guard or op.kind in ("guard", "rng", "setitem"):
        return False
    if op.kind == "operator":
        return op.fn not in INPLACE
    return op.kind in ("attr", "getitem", "ufunc", "method", "function") and "out" not in op.kwargs


def _targets(op: Op) -> set[int]:
    """Vars an op writes through (in-place operators' left side, setitem targets, out=)."""
    return {v.id for v in op.writes}


# Python operators and the ufuncs they call (`a + b` is `np.add(a, b)` for arrays); ** is
# left out: numpy turns `a ** 2` into np.square, so its ufunc depends on the exponent.
_OP_UFUNC = {operator.add: np.add, operator.sub: np.subtract, operator.mul: np.multiply,
             operator.truediv: np.true_divide, operator.floordiv: np.floor_divide,
             operator.mod: np.remainder, operator.matmul: np.matmul,
             operator.and_: np.bitwise_and, operator.or_: np.bitwise_or,
             operator.xor: np.bitwise_xor, operator.lt: np.less, operator.le: np.less_equal,
             operator.gt: np.greater, operator.ge: np.greater_equal, operator.eq: np.equal,
             operator.ne: np.not_equal, operator.neg: np.negative,
             operator.pos: np.positive, operator.invert: np.invert, operator.abs: np.absolute}
_OUT_METHODS = {"sum", "max", "min", "mean", "prod", "any", "all", "clip"}


def _ufunc_of(op: Op) -> Any:
    """The ufunc an op calls (with its plain __call__), or None."""
    if op.kind == "operator":
        return _OP_UFUNC.get(op.fn)
    if op.kind == "ufunc" and op.fn[1] == "__call__" and "out" not in op.kwargs:
        return op.fn[0]
    return None


class Buffers:
    """Where big temporaries go: one arena of bytes, planned once, in which each buffered
    value has an offset for the span of the step it lives; the typed views of it that ops
    write into are `_b0, _b1, ...` (`np.exp(z, out=_b3)`)."""

    def __init__(self) -> None:
        self.size = 0
        self.views: list[tuple[int, tuple[int, ...], np.dtype]] = []  # (offset, shape, dtype)
        self.assign: dict[int, int] = {}  # id(op) -> view index

    def view(self, offset: int, shape: tuple[int, ...], dtype: np.dtype) -> int:
        """The index of the view (offset, shape, dtype), made on first use."""
        key = (offset, shape, dtype)
        if key not in self.views:
            self.views.append(key)
        return self.views.index(key)

    def materialize(self, pool: list[np.ndarray]) -> dict[str, np.ndarray]:
        """The views as arrays on the arena `pool[0]`, which every recording of one compiled
        step shares (only one of them runs at a time); it grows to the largest plan."""
        if not pool or pool[0].nbytes < self.size:
            pool[:] = [np.empty(max(self.size, 1), np.uint8)]
        arena = pool[0]
        out = {}
        for k, (off, shape, dt) in enumerate(self.views):
            n = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
            out[f"_b{k}"] = arena[off:off + n].view(dt).reshape(shape)
        return out

    @property
    def nbytes(self) -> int:
        """Bytes of arena this recording needs."""
        return self.size

    def statement(self, op: Op, r: Renderer) -> str:
        """The op's line, writing into its buffer when it has one."""
        slot = self.assign.get(id(op))
        if slot is None:
            return r.statement(op)
        name = op.outs[0].name
        uf = _ufunc_of(op)
        if uf is not None:
            args = r.call_args(op.args, op.kwargs if op.kind == "ufunc" else {})
            return f"{name} = np.{uf.__name__}({args}, out=_b{slot})"
        text, _ = r.expr(op)  # a method: a.sum(axis=0) -> a.sum(axis=0, out=_b3)
        sep = "" if text.endswith("()") else ", "
        return f"{name} = {text[:-1]}{sep}out=_b{slot})"


class _Alloc:
    """One block of the arena: the values that use it in turn (an op writing over a dying
    input continues its block) and the span of ops it is live for."""

    __slots__ = ("size", "start", "end", "uses", "offset")

    def __init__(self, size: int, start: int, end: int) -> None:
        self.size, self.start, self.end = size, start, end
        self.uses: list[tuple[int, tuple[int, ...], np.dtype]] = []  # (id(op), shape, dtype)
        self.offset = 0


def _bufferable(op: Op) -> bool:
    if len(op.outs) != 1 or op.writes or op.shape_guard:
        return False
    v = op.outs[0]
    if not (v.is_array and v.contig and v.root is v and not v.escapes
            and v.nbytes >= MIN_BUFFER_BYTES):
        return False
    if _ufunc_of(op) is not None:
        return getattr(_ufunc_of(op), "nout", 1) == 1
    return op.kind == "method" and op.fn in _OUT_METHODS and "out" not in op.kwargs


def buffers(ops: list[Op], vars_: list[Var], inline: dict[int, int]) -> Buffers:
    """Give big temporaries buffers, sharing them between values whose lives do not overlap.

    A value's memory lives from its op to the last op that reads or writes it or a view of
    it. An elementwise op whose input dies there (same shape and dtype, not a view) writes
    over that input, as a hand-written `np.maximum(h, 0, out=h)` does.
    """
    # Where each op's reads happen: an inlined op reads where its user is written out.
    at = list(range(len(ops)))
    for i in reversed(range(len(ops))):
        op = ops[i]
        if op.outs and op.outs[0].id in inline:
            at[i] = at[inline[op.outs[0].id]]
    last: dict[int, int] = {}
    for i, op in enumerate(ops):
        for v in op.refs() + op.writes + op.outs:
            if v.root is not None:
                last[v.root.id] = max(last.get(v.root.id, -1), at[i])
    escaping = {v.root.id for v in vars_ if v.escapes and v.root is not None}
    allocs: list[_Alloc] = []
    holder: dict[int, _Alloc] = {}  # root var id -> its block
    for i, op in enumerate(ops):
        if not (_bufferable(op) and op.outs[0].id not in escaping):
            continue
        v = op.outs[0]
        block = None
        uf = _ufunc_of(op)
        if uf is not None and uf is not np.matmul:
            for u in op.refs():
                if u.root is u and u.id in holder and last[u.id] == i \
                        and (u.shape, u.dtype) == (v.shape, v.dtype):
                    block = holder.pop(u.id)
                    break
        if block is None:
            block = _Alloc(v.nbytes, i, i)
            allocs.append(block)
        block.end = max(block.end, last.get(v.id, i))
        block.uses.append((id(op), v.shape, v.dtype))
        holder[v.id] = block
    return _place(allocs)


_ALIGN = 64


def _place(allocs: list[_Alloc]) -> Buffers:
    """Offsets for the blocks, biggest first, each at the lowest offset that no block live at
    the same time covers (a greedy plan; the arena is then about the peak of live bytes)."""
    placed: list[_Alloc] = []
    for a in sorted(allocs, key=lambda x: -x.size):
        busy = sorted((b.offset, b.offset + b.size) for b in placed
                      if b.start <= a.end and a.start <= b.end)
        off = 0
        for lo, hi in busy:
            if off + a.size <= lo:
                break
            off = max(off, -(-hi // _ALIGN) * _ALIGN)
        a.offset = off
        placed.append(a)
    b = Buffers()
    for a in allocs:
        for op_id, shape, dt in a.uses:
            b.assign[op_id] = b.view(a.offset, shape, dt)
        b.size = max(b.size, a.offset + a.size)
    return b


_ = operator
