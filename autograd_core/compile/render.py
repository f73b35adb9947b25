"""Turning one recorded op into a line of Python: `h1 = x @ W1.T`, `np.exp(z, out=_b3)`.

Arguments come back as source text: recorded values by name, outside objects by the name they
were given in the replay's namespace, literals as literals.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from .ir import Const, Op, Ref

BINARY = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
          operator.floordiv: "//", operator.mod: "%", operator.pow: "**",
          operator.matmul: "@", operator.and_: "&", operator.or_: "|", operator.xor: "^",
          operator.lt: "<", operator.le: "<=", operator.gt: ">", operator.ge: ">=",
          operator.eq: "==", operator.ne: "!="}
INPLACE = {operator.iadd: "+=", operator.isub: "-=", operator.imul: "*=",
           operator.itruediv: "/=", operator.ifloordiv: "//=", operator.imod: "%=",
           operator.ipow: "**=", operator.imatmul: "@=", operator.iand: "&=",
           operator.ior: "|=", operator.ixor: "^="}
UNARY = {operator.neg: "-", operator.pos: "+", operator.invert: "~"}
# Operator precedence, for parentheses around inlined expressions (higher binds tighter).
PREC = {"**": 7, "unary": 6, "*": 5, "/": 5, "//": 5, "%": 5, "@": 5, "+": 4, "-": 4,
        "&": 3, "^": 2, "|": 1, "<": 0, "<=": 0, ">": 0, ">=": 0, "==": 0, "!=": 0}
ATOM = 10


class Consts:
    """The replay's namespace for outside objects, each under a readable unique name."""

    def __init__(self, namer: Any) -> None:
        self.namer = namer
        self.ns: dict[str, Any] = {"np": np}
        self._by_id: dict[int, str] = {}

    def name(self, obj: Any, base: str = "c", numbered: bool | None = None) -> str:
        """The namespace name of `obj` (bound on first use; base1, base2... unless the base
        is a name of its own)."""
        key = id(obj)
        if key not in self._by_id:
            if numbered is None:
                numbered = not base.startswith("_")
            nm = self.namer.unique(base, numbered=numbered)
            self.ns[nm] = obj
            self._by_id[key] = nm
        return self._by_id[key]


class Renderer:
    """Source text for ops and their arguments."""

    def __init__(self, consts: Consts, inline: dict[int, tuple[str, int]]) -> None:
        self.consts = consts
        self.inline = inline  # var id -> (expression, precedence) for inlined temporaries
        #: What a failed data guard returns: `_MISS_DATA`, or a call that first puts the
        #: random generators back to where the replay found them (when it has drawn).
        self.miss = "_MISS_DATA"

    # ---------------------------------------------------------------- arguments
    def arg(self, x: Any, prec: int = 0) -> str:
        """Source text of one argument; parenthesized if it binds looser than `prec`."""
        t = type(x)
        if t is Ref:
            got = self.inline.get(x.var.id)
            if got is None:
                return x.var.name
            text, p = got
            return f"({text})" if p < prec else text
        if t is Const:
            return self._const(x.obj, x.hint)
        if t is tuple:
            inner = ", ".join(self.arg(i) for i in x)
            return f"({inner},)" if len(x) == 1 else f"({inner})"
        if t is list:
            return "[" + ", ".join(self.arg(i) for i in x) + "]"
        if t is dict:
            return "{" + ", ".join(f"{k!r}: {self.arg(v)}" for k, v in x.items()) + "}"
        if t is slice:
            return f"slice({self.arg(x.start)}, {self.arg(x.stop)}, {self.arg(x.step)})"
        if x is Ellipsis:
            return "..."
        if t is float and not math.isfinite(x):
            return self.consts.name(x)
        if x is None or t in (bool, int, float, str):
            return repr(x)
        return self._const(x)

    def _const(self, obj: Any, hint: str = "c") -> str:
        if isinstance(obj, np.dtype) and obj.isbuiltin and hasattr(np, obj.name) \
                and np.dtype(getattr(np, obj.name)) == obj:
            return f"np.{obj.name}"
        name = getattr(obj, "__name__", "")
        if isinstance(obj, type) and getattr(np, name, None) is obj:
            return f"np.{name}"
        return self.consts.name(obj, hint)

    def index(self, x: Any) -> str:
        """Source text of a subscript: slices as a:b, tuples without parentheses."""
        if type(x) is tuple and x:
            return ", ".join(self._index1(i) for i in x)
        return self._index1(x)

    def _index1(self, x: Any) -> str:
        if type(x) is slice:
            parts = [("" if v is None else self.arg(v)) for v in (x.start, x.stop, x.step)]
            return ":".join(parts[:2]) + (f":{parts[2]}" if parts[2] else "")
        if type(x) is tuple:
            return self.arg(x)
        return self.arg(x)

    def call_args(self, args: Any, kwargs: dict[str, Any]) -> str:
        """`a, b, axis=1` for a call."""
        parts = [self.arg(a) for a in args]
        parts += [f"{k}={self.arg(v)}" for k, v in kwargs.items()]
        return ", ".join(parts)

    # ---------------------------------------------------------------- ops
    def expr(self, op: Op) -> tuple[str, int]:
        """(expression, precedence) computing `op`'s result (ops that make a new value)."""
        k, fn, a, kw = op.kind, op.fn, op.args, op.kwargs
        if k == "operator":
            if fn in BINARY:
                sym = BINARY[fn]
                p = PREC[sym]
                left_p, right_p = (p + 1, p) if sym == "**" else (p, p + 1)
                return f"{self.arg(a[0], left_p)} {sym} {self.arg(a[1], right_p)}", p
            if fn in UNARY:
                return f"{UNARY[fn]}{self.arg(a[0], PREC['unary'])}", PREC["unary"]
            return f"abs({self.arg(a[0])})", ATOM
        if k == "ufunc":
            uf, method = fn
            uname: str = uf.__name__
            head = f"np.{uname}" if getattr(np, uname, None) is uf \
                else self.consts.name(uf, "_uf")
            if method != "__call__":
                head += f".{method}"
            return f"{head}({self.call_args(a, kw)})", ATOM
        if k == "function":
            name = getattr(fn, "__name__", "")
            head = f"np.{name}" if name and _is_numpy(name, fn) \
                else self.consts.name(fn, "_f")
            return f"{head}({self.call_args(a, kw)})", ATOM
        if k == "method":
            return f"{self.arg(a[0], ATOM)}.{fn}({self.call_args(a[1:], kw)})", ATOM
        if k == "attr":
            return f"{self.arg(a[0], ATOM)}.{fn}", ATOM
        if k == "getitem":
            return f"{self.arg(a[0], ATOM)}[{self.index(a[1])}]", ATOM
        if k == "rng":
            slot, name = fn
            return f"{self.consts.name(slot, '_rng')}_gen.{name}({self.call_args(a, kw)})", ATOM
        raise AssertionError(f"no expression for {op!r}")  # pragma: no cover

    def statement(self, op: Op) -> str:
        """The line(s) for `op`, assigning its result(s) to their names."""
        k = op.kind
        if k == "operator" and op.fn in INPLACE:
            return f"{self.arg(op.args[0])} {INPLACE[op.fn]} {self.arg(op.args[1])}"
        if k == "setitem":
            t, idx, v = op.args
            return f"{self.arg(t, ATOM)}[{self.index(idx)}] = {self.arg(v)}"
        if k == "guard":
            return self.guard(op)
        text, _ = self.expr(op)
        if not op.outs:
            return text
        names = ", ".join(v.name for v in op.outs)  # type: ignore[misc]
        if len(op.outs) > 1 and not isinstance(op.outs, tuple):
            names = names
        return f"{names} = {text}"

    def guard(self, op: Op) -> str:
        """A check that library code's branch goes the recorded way (else replay eagerly)."""
        v = self.arg(op.args[0])
        if op.fn == "bool":
            return f"if {'not ' if op.expect else ''}{v}: return {self.miss}"
        return f"if {v} != {self.arg(_literal(op.expect))}: return {self.miss}"


def _literal(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) and not isinstance(x, np.bool_) else x


def _is_numpy(name: str, fn: Any) -> bool:
    got = getattr(np, name, None)
    return got is fn or getattr(got, "__wrapped_original__", None) is fn
