"""The Recorder: runs the step on the stand-ins and writes down every numpy call it makes.

Each hook below runs the call on the plain values first (so the recording step computes
exactly what the eager step computes, bit for bit) and then records it as an `Op`. What
cannot be replayed faithfully is refused here, at record time, with a `CompileError`.
"""

from __future__ import annotations

import operator
import sys
from typing import Any

import numpy as np

from . import context
from .ir import CompileError, ConcretizationError, Const, Op, Ref, Var
from .traced import Sym, Traced, plain

_INPLACE = {operator.iadd: operator.add, operator.isub: operator.sub,
            operator.imul: operator.mul, operator.itruediv: operator.truediv,
            operator.ifloordiv: operator.floordiv, operator.imod: operator.mod,
            operator.ipow: operator.pow, operator.imatmul: operator.matmul,
            operator.iand: operator.and_, operator.ior: operator.or_,
            operator.ixor: operator.xor}
# numpy functions and methods that write into their first argument.
_WRITES_FIRST = {"copyto", "put", "place", "putmask", "fill_diagonal"}
_INPLACE_METHODS = {"fill", "sort", "partition", "put", "itemset", "resize", "setfield"}
# Results whose shape depends on the data: the replay checks the shape (a guard).
_DATA_SHAPED = {"nonzero", "argwhere", "flatnonzero", "unique", "extract", "compress"}
# Functions whose answer is metadata, the same in every replay of one signature.
_METADATA = {"shape", "ndim", "size", "result_type", "may_share_memory", "shares_memory",
             "iscomplexobj", "isrealobj", "min_scalar_type", "can_cast", "broadcast_shapes"}
# Attributes that hand out the raw memory (a plain view): refused.
_ESCAPES = {"data", "ctypes", "base", "flat", "__array_interface__", "__array_struct__"}
# Method names that read values out as Python objects.
_READS = {"tobytes", "tostring", "tofile", "dump", "dumps", "__reduce__", "__reduce_ex__",
          "__setstate__"}


class Recorder:
    """The op list of one recording, and the hooks the stand-ins call."""

    def __init__(self, stop_code: Any) -> None:
        import threading

        self.thread = threading.get_ident()  # numpy's patched constructors serve only it
        self.ops: list[Op] = []
        self.vars: list[Var] = []
        self.stop = stop_code  # fn's code object: the stack walk for context stops there
        self.lib = context.library_dirs()
        self.const_snapshots: dict[int, tuple[Any, Any]] = {}
        self.traced: list[Any] = []  # weak references to every stand-in made (leak check)

    # ---------------------------------------------------------------- values
    def var(self, kind: str, value: Any, hint: str = "t") -> Var:
        """A new Var for `value`."""
        v = Var(len(self.vars), kind, value, hint)
        self.vars.append(v)
        return v

    def standin(self, v: Var, value: Any) -> Any:
        """The stand-in for `value` (Traced for arrays and numpy scalars, Sym for numbers)."""
        if isinstance(value, (np.ndarray, np.generic)):
            import weakref

            t = Traced(v, value)
            self.traced.append(weakref.ref(t))
            return t
        return Sym(v, value)

    def input(self, kind: str, value: Any, path: Any, hint: str) -> Any:
        """A value read at the start of each replay (fn's argument or a piece of state)."""
        v = self.var(kind, value, hint)
        v.path = path
        return self.standin(v, value)

    def _arg(self, x: Any) -> Any:
        t = type(x)
        if t is Traced or t is Sym:
            return Ref(x.var)
        if t is tuple or t is list:
            return t(self._arg(i) for i in x)
        if t is dict:
            return {k: self._arg(v) for k, v in x.items()}
        if t is slice:
            return slice(self._arg(x.start), self._arg(x.stop), self._arg(x.step))
        if x is None or x is Ellipsis or t in (bool, int, float, str):
            return x
        if t is np.ndarray and id(x) not in self.const_snapshots:
            self.const_snapshots[id(x)] = (x, x.copy())
        return Const(x)

    def _op(self, kind: str, fn: Any, args: Any, kwargs: Any) -> Op:
        op = Op(kind, fn, self._arg(args), self._arg(kwargs),
                context.capture(sys._getframe(2), self.stop, self.lib))
        op.index = len(self.ops)
        self.ops.append(op)
        c = op.ctx
        if c.grad is not None and c.node is not None and c.grad.grad_of is None:
            c.grad.grad_of = c.node  # the gradient flowing into this backward is d(node)
        return op

    def _out(self, op: Op, value: Any, sources: Any, hint: str) -> Any:
        """Wrap an op's result(s) as stand-ins with new Vars."""
        if isinstance(value, (np.ndarray, np.generic)):
            v = self.var("op", value, hint)
            v.op = op
            if isinstance(value, np.ndarray):
                v.root = _root(value, sources, v)
            op.outs.append(v)
            return self.standin(v, value)
        if isinstance(value, (tuple, list)) and all(isinstance(i, np.ndarray) for i in value):
            return type(value)(self._out(op, i, sources, hint) for i in value)
        if value is None:
            return None
        if isinstance(value, (bool, int, float)):  # arithmetic on symbolic numbers
            v = self.var("sym", value, hint)
            v.op = op
            op.outs.append(v)
            return self.standin(v, value)
        self.ops.remove(op)
        raise CompileError(f"compile: {_name(op.fn)} returned a {type(value).__name__}, which "
                           f"a replay cannot reproduce; at {self._where()}")

    def _write(self, op: Op, target: Any) -> None:
        """Record that `op` changes `target` in place; refuse what a replay would miss."""
        if type(target) is not Traced:
            if isinstance(target, np.ndarray):
                raise CompileError(
                    "compile: the step writes traced values into an array it did not get as "
                    f"an argument or as tracked state (shape {target.shape}), at "
                    f"{self._where()}; a replay would not update it. Make it a buffer of a "
                    "Module (register_buffer) or pass it to the step as an argument.")
            return
        v = target.var
        root = v.root
        if root is None:
            raise CompileError(f"compile: the step writes into a view of an outside array, "
                               f"at {self._where()}; a replay would not update that array")
        if root.kind == "arg":
            raise CompileError(
                f"compile: the step writes into its input {root.name or root.hint} in place, "
                f"at {self._where()}. A compiled step must not change its inputs (the replay "
                "would write into whatever array comes next); compute a new array instead.")
        op.writes.append(v)

    def _where(self) -> str:
        return context.user_line(sys._getframe(2), self.lib)

    # ---------------------------------------------------------------- the stand-ins' hooks
    def operator(self, fn: Any, operands: tuple[Any, ...]) -> Any:
        """A Python operator (`a + b`, `a += b`, `-a`, `a @ b`) on stand-ins."""
        vals = [plain(x) for x in operands]
        res = fn(*vals)
        base = _INPLACE.get(fn)
        if base is not None and res is vals[0] and isinstance(res, np.ndarray):
            op = self._op("operator", fn, operands, {})
            self._write(op, operands[0])
            return operands[0]
        op = self._op("operator", base or fn, operands, {})
        return self._out(op, res, operands, _hint(base or fn))

    def ufunc(self, uf: Any, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]
              ) -> Any:
        """A ufunc call (`np.exp(t)`, `np.add(a, b, out=c)`, `np.add.at(...)`)."""
        res = getattr(uf, method)(*plain(inputs), **plain(kwargs))
        op = self._op("ufunc", (uf, method), inputs, kwargs)
        out = kwargs.get("out")
        targets = out if isinstance(out, tuple) else (() if out is None else (out,))
        if method == "at":
            targets = (inputs[0],)
        targets = tuple(t for t in targets if t is not None)
        for t in targets:
            self._write(op, t)
        if method == "at":
            return None
        if targets:
            return targets[0] if len(targets) == 1 and not isinstance(res, tuple) else targets
        return self._out(op, res, inputs, uf.__name__)

    def function(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A numpy function called with a stand-in among its arguments."""
        name = getattr(func, "__name__", "")
        res = func(*plain(args), **plain(kwargs))
        if name in _METADATA:
            return res
        op = self._op("function", func, args, kwargs)
        if name in _WRITES_FIRST:
            self._write(op, args[0] if args else kwargs.get("dst", kwargs.get("a")))
        if kwargs.get("out") is not None:
            self._write(op, kwargs["out"])
            return kwargs["out"]
        op.shape_guard = name in _DATA_SHAPED
        if res is None:
            return None
        return self._out(op, res, (args, kwargs), name)

    def create(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A patched numpy constructor or conversion (np.zeros, np.asarray...) called in fn."""
        res = func(*plain(args), **plain(kwargs))
        src = args[0] if args else None
        if type(src) is Traced and res is src.plain:
            return src  # np.asarray(a) of an array is `a` itself: nothing happens
        if isinstance(src, np.ndarray) and res is src:
            return res  # the same outside array, untouched
        op = self._op("function", func, args, kwargs)
        return self._out(op, res, (args, kwargs), getattr(func, "__name__", "array"))

    def attribute(self, t: Any, name: str) -> Any:
        """`t.name`: a method (recorded when called), a view (t.T) or metadata."""
        if name == "base" and getattr(t.plain, "base", None) is None:
            return None  # "is it a view?" (in-place ops ask it): the answer, not the memory
        if name in _ESCAPES:
            raise self.escape(t, f"reading .{name}")
        attr = getattr(t.plain, name)
        if callable(attr):
            return lambda *a, **k: self.method(t, name, a, k)
        if isinstance(attr, (np.ndarray, np.generic)):
            op = self._op("attr", name, (t,), {})
            return self._out(op, attr, (t,), name.lower())
        return attr  # flags, strides, itemsize, nbytes: metadata

    def method(self, t: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """`t.name(*args)`: an ndarray method."""
        if name in _READS:
            raise self.escape(t, f"calling .{name}()")
        res = getattr(t.plain, name)(*plain(args), **plain(kwargs))
        if res is t.plain and name not in _INPLACE_METHODS:
            return t  # a.astype(a.dtype, copy=False) is `a` itself: nothing happens
        op = self._op("method", name, (t, *args), kwargs)
        if name in _INPLACE_METHODS:
            self._write(op, t)
        if kwargs.get("out") is not None:
            self._write(op, kwargs["out"])
            return kwargs["out"]
        op.shape_guard = name in _DATA_SHAPED
        if res is None:
            return None
        return self._out(op, res, (t, args, kwargs), name)

    def getitem(self, t: Any, index: Any) -> Any:
        """`t[index]`."""
        idx = plain(index)
        res = t.plain[idx]
        op = self._op("getitem", None, (t, index), {})
        op.shape_guard = _boolean_index(idx)
        return self._out(op, res, (t, index), "sel")

    def setitem(self, t: Any, index: Any, value: Any) -> None:
        """`t[index] = value`."""
        t.plain[plain(index)] = plain(value)
        op = self._op("setitem", None, (t, index, value), {})
        self._write(op, t)

    def draw(self, slot: Any, gen: Any, name: str, args: Any, kwargs: Any) -> Any:
        """A draw from a recorded generator: each replay draws afresh from the same one."""
        res = getattr(gen, name)(*plain(args), **plain(kwargs))
        op = self._op("rng", (slot, name), args, kwargs)
        return self._out(op, res, (args, kwargs), "rand")

    def concretize(self, t: Any, how: str) -> Any:
        """A value read as a Python object: a guard in library code, refused in the user's."""
        frame = context.caller(sys._getframe(2))
        if how in ("bool", "float", "int", "index", "item") and \
                context.is_library_branch(frame, self.lib):
            op = self._op("guard", how, (t,), {})
            op.where = f"{frame.f_code.co_filename}:{frame.f_lineno}"  # type: ignore[union-attr]
            val = t.plain
            op.expect = bool(val) if how == "bool" else val
            return val
        what = {"bool": "bool() of", "float": "float() of", "int": "int() of",
                "index": "an index from", "item": ".item() of", "tolist": ".tolist() of",
                "format": "formatting", "round": "round() of", "complex": "complex() of"}[how]
        raise ConcretizationError(
            f"compile: the step reads a value while it is recorded ({what} a traced "
            f"{t.var.describe()}), at {context.user_line(frame, self.lib)}. A compiled step "
            "runs the same numpy calls on new data every time, so it cannot branch on, print "
            "or convert values (jax.jit calls this a concretization error). Read values "
            "outside the step: return the tensor and call .item() on the result.")

    def defer_state_writes(self) -> None:
        """Move a write into state that comes before the step's last library check to just
        after it, when nothing in between touches what it reads or writes (zero_grad's
        `.fill(0)` of an old gradient before the forward pass): the replay then hands over
        to the eager step before it has changed anything, and computes the same values."""
        last = max((i for i, op in enumerate(self.ops) if op.kind == "guard" or op.shape_guard),
                   default=-1)
        moved: list[Op] = []
        kept: list[Op] = []
        for i, op in enumerate(self.ops[:last + 1]):
            if not op.outs and op.writes and op.kind != "rng" and op.kind != "guard" and \
                    not op.shape_guard and all(w.root is not None and w.root.kind == "state"
                                               for w in op.writes):
                mine = {_root_id(v) for v in op.refs() + op.writes}
                if not any(mine & {_root_id(v) for v in o.refs() + o.writes + o.outs}
                           for o in self.ops[i + 1:last + 1]):
                    moved.append(op)
                    continue
            kept.append(op)
        if moved:
            self.ops[:last + 1] = kept + moved

    def check_guard_order(self) -> None:
        """Refuse a library check that comes after the step changed its state: a replay that
        found it going the other way could not undo the update before handing over."""
        wrote = None
        for op in self.ops:
            if wrote is None and any(w.root is not None and w.root.kind == "state"
                                     for w in op.writes):
                wrote = op
            if wrote is not None and (op.kind == "guard" or op.shape_guard):
                import os

                where = op.where or "a data-dependent shape"
                raise CompileError(
                    f"compile: library code checks a value ({os.path.basename(where)}) after "
                    f"the step has changed its state (in {wrote.ctx.what}); a replay that "
                    "found the check going the other way could not undo the change. This "
                    "step cannot be compiled; run it eagerly")

    def escape(self, t: Any, how: str = "converting it to a plain numpy array") -> CompileError:
        """The error for a traced value about to leave the recording unseen."""
        return CompileError(
            f"compile: the step turns a traced value ({t.var.describe()}) into a plain numpy "
            f"array by {how}, at {self._where()}, where a replay could not follow it (for "
            "instance `plain[...] = traced`, or a C function that reads the memory). Compute "
            "with numpy operations on the array instead.")


def _root_id(v: Var) -> int:
    return v.root.id if v.root is not None else v.id


def _root(value: np.ndarray, sources: Any, self_var: Var) -> Var | None:
    """Whose memory `value` is: the root of a traced input it views, None for a view of an
    outside array, else its own."""
    found: list[Any] = []
    _arrays(sources, found)
    for s in found:
        p = s.plain if type(s) is Traced else s
        if isinstance(p, np.ndarray) and np.may_share_memory(value, p):
            return s.var.root if type(s) is Traced else None
    return self_var


def _arrays(x: Any, found: list[Any]) -> None:
    t = type(x)
    if t is Traced or t is np.ndarray:
        found.append(x)
    elif t is tuple or t is list:
        for i in x:
            _arrays(i, found)
    elif t is dict:
        for v in x.values():
            _arrays(v, found)


def _boolean_index(idx: Any) -> bool:
    items = idx if isinstance(idx, tuple) else (idx,)
    return any(isinstance(i, np.ndarray) and i.dtype == bool for i in items)


def _hint(fn: Any) -> str:
    return {operator.add: "add", operator.sub: "sub", operator.mul: "mul",
            operator.truediv: "div", operator.matmul: "mm", operator.pow: "pow",
            operator.neg: "neg", operator.gt: "mask", operator.lt: "mask",
            operator.ge: "mask", operator.le: "mask", operator.eq: "eq",
            operator.ne: "ne"}.get(fn, "t")


def _name(fn: Any) -> str:
    if isinstance(fn, tuple):
        return f"{fn[0].__name__}.{fn[1]}"
    return getattr(fn, "__name__", str(fn))
