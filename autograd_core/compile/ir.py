"""What a recording is made of: `Var`s (arrays and numbers) and `Op`s (numpy calls on them).

An `Op`'s arguments keep their Python structure (tuples of slices, lists of arrays, keyword
dicts) with `Ref(var)` where a recorded value was passed and `Const(obj)` where an outside
object was (an array the step reads by reference, a dtype); plain literals stay as they are.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class CompileError(RuntimeError):
    """A step that `compile` cannot record faithfully; the message says why and what to do."""


class ConcretizationError(CompileError):
    """The step read a value while it was recorded (`.item()`, `bool(t)`, `if loss > 1`)."""


class Var:
    """One value of the recording: an argument, a piece of state, or an op's result."""

    __slots__ = ("id", "kind", "shape", "dtype", "pytype", "contig", "nbytes", "root", "op",
                 "path", "name", "hint", "grad_of", "module", "escapes")

    def __init__(self, vid: int, kind: str, value: Any, hint: str = "t") -> None:
        self.id = vid
        #: "arg" (fn's argument), "state" (read at the start of each replay from `path`),
        #: "op" (an op's result) or "sym" (a Python number computed from symbolic state).
        self.kind = kind
        self.pytype = type(value)
        if isinstance(value, (np.ndarray, np.generic)):
            self.shape, self.dtype = np.shape(value), value.dtype
            self.nbytes = value.nbytes
            self.contig = isinstance(value, np.ndarray) and value.flags.c_contiguous
        else:  # a Python number
            self.shape, self.dtype, self.nbytes, self.contig = (), None, 0, False
        self.root: Var | None = self  # whose memory this is (a view's root is its base)
        self.op: Op | None = None
        self.path: Any = None
        self.name: str | None = None
        self.hint = hint
        self.grad_of: Var | None = None  # this value is d(loss)/d(grad_of)
        self.module: Any = None  # the module whose output this is, when it is one
        self.escapes = False  # returned, or kept as a .grad or as state: never a reused buffer

    @property
    def is_array(self) -> bool:
        """True for ndarrays (numpy scalars and Python numbers are not arrays)."""
        return self.pytype is np.ndarray

    def describe(self) -> str:
        """Shape and dtype (and name, once named), for messages."""
        what = f"shape {self.shape}, dtype {self.dtype}" if self.dtype is not None \
            else self.pytype.__name__
        return f"{self.name or self.hint}: {what}"

    def __repr__(self) -> str:
        return f"Var({self.id}, {self.kind}, {self.describe()})"


class Ref:
    """A recorded value passed to an op."""

    __slots__ = ("var",)

    def __init__(self, var: Var) -> None:
        self.var = var


class Const:
    """An outside object passed to an op, read by reference at replay (an array, a dtype),
    or a value computed once when the replay is built (`hint` names it in the source)."""

    __slots__ = ("obj", "hint")

    def __init__(self, obj: Any, hint: str = "c") -> None:
        self.obj = obj
        self.hint = hint


class Op:
    """One numpy call (or Python operator, or guard) of the recording, in program order."""

    __slots__ = ("kind", "fn", "args", "kwargs", "outs", "writes", "ctx", "expect",
                 "shape_guard", "index", "where")

    def __init__(self, kind: str, fn: Any, args: Any, kwargs: Any, ctx: Any) -> None:
        #: "operator" (a Python operator), "ufunc" (a ufunc method), "function" (a numpy
        #: function), "method" / "attr" (of the first argument), "getitem", "setitem",
        #: "rng" (a draw from a generator), "guard" (a value library code branched on).
        self.kind = kind
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.outs: list[Var] = []
        self.writes: list[Var] = []  # values this op changes in place
        self.ctx = ctx
        self.expect: Any = None  # a guard's recorded outcome
        self.shape_guard = False  # the result's shape depends on the data: checked at replay
        self.index = -1
        self.where = ""  # for guards: the library line that read the value

    def refs(self) -> list[Var]:
        """Every recorded value among the arguments (read, or written through out=)."""
        found: list[Var] = []
        _collect(self.args, found)
        _collect(self.kwargs, found)
        return found

    def __repr__(self) -> str:
        name = getattr(self.fn, "__name__", self.fn)
        return f"Op({self.kind} {name} -> {self.outs})"


def _collect(x: Any, found: list[Var]) -> None:
    t = type(x)
    if t is Ref:
        found.append(x.var)
    elif t is tuple or t is list:
        for i in x:
            _collect(i, found)
    elif t is dict:
        for v in x.values():
            _collect(v, found)
    elif t is slice:
        _collect(x.start, found)
        _collect(x.stop, found)
        _collect(x.step, found)


def consts(x: Any, found: list[Any]) -> None:
    """Collect the `Const` objects inside an op's argument structure."""
    t = type(x)
    if t is Const:
        found.append(x.obj)
    elif t is tuple or t is list:
        for i in x:
            consts(i, found)
    elif t is dict:
        for v in x.values():
            consts(v, found)
