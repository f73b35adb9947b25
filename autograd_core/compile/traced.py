"""The stand-ins a step runs on while it is recorded: `Traced` (an array) and `Sym` (a number).

A `Traced` holds the real result (`plain`, an ndarray or a numpy scalar) and the `Var` that
names it in the recording. Every way numpy offers to compute with it comes back here: Python
operators, ufuncs (`__array_ufunc__`), numpy functions (`__array_function__`), methods and
attributes, indexing. Each is run on the plain values, exactly as the eager step would run it,
and written down. The one door numpy has around these hooks, converting the stand-in to a
plain array (`__array__`, used by `plain[...] = traced` and friends), is refused: an array
computed from traced values must never leave the recording unseen.

`Sym` stands for a Python number read from state that may change between steps (the learning
rate, Adam's step count), so that the replay reads it afresh instead of freezing it.

Both report the class of the value they stand for (`isinstance(t, np.ndarray)` holds, as for
the array itself), so library code that checks types takes the same path as in eager mode.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..engine import Node

# The Recorder while a step is being recorded (one at a time; recording is not thread-safe).
REC: list[Any] = [None]


def _rec() -> Any:
    """The recorder, or, once the recording is over (a stand-in a refused step left behind),
    one that just computes with the plain values."""
    return REC[0] or _AFTER


class _After:
    """What a stand-in does outside a recording: the plain computation, nothing recorded."""

    def operator(self, op: Any, operands: Any) -> Any:
        return op(*[plain(x) for x in operands])

    def ufunc(self, uf: Any, method: str, inputs: Any, kwargs: Any) -> Any:
        return getattr(uf, method)(*plain(inputs), **plain(kwargs))

    def function(self, func: Any, args: Any, kwargs: Any) -> Any:
        return func(*plain(args), **plain(kwargs))

    def attribute(self, t: Any, name: str) -> Any:
        return getattr(t.plain, name)

    def getitem(self, t: Any, index: Any) -> Any:
        return t.plain[plain(index)]

    def setitem(self, t: Any, index: Any, value: Any) -> None:
        t.plain[plain(index)] = plain(value)

    def concretize(self, t: Any, how: str) -> Any:
        return t.plain



_AFTER = _After()


def _defer(other: Any) -> bool:
    """True where Python should try `other`'s reflected operator (a Tensor, say), as numpy's
    own arrays do for objects with a higher `__array_priority__`."""
    return isinstance(other, Node)


def _binop(op: Any) -> Any:
    def method(self: Any, other: Any) -> Any:
        if _defer(other):
            return NotImplemented
        return _rec().operator(op, (self, other))
    method.__name__ = f"__{op.__name__.strip('_')}__"
    return method


def _rbinop(op: Any) -> Any:
    def method(self: Any, other: Any) -> Any:
        if _defer(other):
            return NotImplemented
        return _rec().operator(op, (other, self))
    return method


def _unop(op: Any) -> Any:
    def method(self: Any) -> Any:
        return _rec().operator(op, (self,))
    return method


class _Operators:
    """Python's arithmetic, comparison and in-place operators, each run on the plain values."""

    __slots__ = ()

    __add__, __radd__, __iadd__ = _binop(operator.add), _rbinop(operator.add), \
        _binop(operator.iadd)
    __sub__, __rsub__, __isub__ = _binop(operator.sub), _rbinop(operator.sub), \
        _binop(operator.isub)
    __mul__, __rmul__, __imul__ = _binop(operator.mul), _rbinop(operator.mul), \
        _binop(operator.imul)
    __truediv__, __rtruediv__, __itruediv__ = _binop(operator.truediv), \
        _rbinop(operator.truediv), _binop(operator.itruediv)
    __floordiv__, __rfloordiv__, __ifloordiv__ = _binop(operator.floordiv), \
        _rbinop(operator.floordiv), _binop(operator.ifloordiv)
    __mod__, __rmod__, __imod__ = _binop(operator.mod), _rbinop(operator.mod), \
        _binop(operator.imod)
    __pow__, __rpow__, __ipow__ = _binop(operator.pow), _rbinop(operator.pow), \
        _binop(operator.ipow)
    __matmul__, __rmatmul__, __imatmul__ = _binop(operator.matmul), \
        _rbinop(operator.matmul), _binop(operator.imatmul)
    __and__, __rand__, __iand__ = _binop(operator.and_), _rbinop(operator.and_), \
        _binop(operator.iand)
    __or__, __ror__, __ior__ = _binop(operator.or_), _rbinop(operator.or_), \
        _binop(operator.ior)
    __xor__, __rxor__, __ixor__ = _binop(operator.xor), _rbinop(operator.xor), \
        _binop(operator.ixor)
    __lt__, __le__ = _binop(operator.lt), _binop(operator.le)
    __gt__, __ge__ = _binop(operator.gt), _binop(operator.ge)
    __eq__, __ne__ = _binop(operator.eq), _binop(operator.ne)  # type: ignore[assignment]
    __neg__, __pos__ = _unop(operator.neg), _unop(operator.pos)
    __abs__, __invert__ = _unop(operator.abs), _unop(operator.invert)
    __hash__ = None  # type: ignore[assignment]  # arrays are unhashable; == is elementwise

    # Reading the value as a Python object: a guard where library code checks a rare case,
    # otherwise refused (jax's "concretization error").
    def __bool__(self) -> bool:
        return bool(_rec().concretize(self, "bool"))

    def __float__(self) -> float:
        return float(_rec().concretize(self, "float"))

    def __int__(self) -> int:
        return int(_rec().concretize(self, "int"))

    def __index__(self) -> int:
        return operator.index(_rec().concretize(self, "index"))

    def __complex__(self) -> complex:
        return complex(_rec().concretize(self, "complex"))

    def __round__(self, ndigits: Any = None) -> Any:
        return round(_rec().concretize(self, "round"), ndigits)

    def __format__(self, spec: str) -> str:
        return format(_rec().concretize(self, "format"), spec)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _rec().ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return _rec().function(func, args, kwargs)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        if REC[0] is None:  # a stand-in left behind by a refused recording: its value
            return np.asarray(self.plain, dtype=dtype)  # type: ignore[attr-defined]
        raise REC[0].escape(self)


class Traced(_Operators):
    """An array (or numpy scalar) computed while a step is recorded."""

    __slots__ = ("var", "plain", "__weakref__")

    def __init__(self, var: Any, plain: Any) -> None:
        self.var = var
        self.plain = plain

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # noqa: D105 - isinstance() sees the array it stands for
        return type(self.plain)

    # Metadata is the same in every replay (it is part of the signature), so it is read as is.
    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape."""
        return np.shape(self.plain)

    @property
    def dtype(self) -> np.dtype:
        """The array's dtype."""
        return self.plain.dtype

    @property
    def ndim(self) -> int:
        """Number of axes."""
        return np.ndim(self.plain)

    @property
    def size(self) -> int:
        """Number of elements."""
        return np.size(self.plain)

    def __len__(self) -> int:
        return len(self.plain)

    def __iter__(self) -> Any:
        return (self[i] for i in range(len(self.plain)))

    def __getitem__(self, index: Any) -> Any:
        return _rec().getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        _rec().setitem(self, index, value)

    def __getattr__(self, name: str) -> Any:
        # Only reached for names not defined above: ndarray methods and attributes.
        return _rec().attribute(self, name)

    def __repr__(self) -> str:
        return f"<traced {type(self.plain).__name__} {self.var.describe()}>"

    __str__ = __repr__

    def item(self, *args: Any) -> Any:
        """Refused (or a guard in library code): a value read while recording."""
        return _rec().concretize(self, "item").item(*args)

    def tolist(self) -> Any:
        """Refused (or a guard in library code): a value read while recording."""
        return _rec().concretize(self, "tolist").tolist()


class Sym(_Operators):
    """A Python number that the replay reads afresh (a learning rate, a step count)."""

    __slots__ = ("var", "plain")

    def __init__(self, var: Any, plain: Any) -> None:
        self.var = var
        self.plain = plain

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # noqa: D105
        return type(self.plain)

    def __repr__(self) -> str:
        return f"<symbolic {type(self.plain).__name__} {self.var.describe()}>"

    __str__ = __repr__

    def __getattr__(self, name: str) -> Any:
        return _rec().attribute(self, name)


STANDINS = (Traced, Sym)


def plain(x: Any) -> Any:
    """`x` with every stand-in inside it (tuples, lists, dicts, slices) replaced by its value."""
    t = type(x)
    if t is Traced or t is Sym:
        return x.plain
    if t is tuple or t is list:
        return t(plain(i) for i in x)
    if t is dict:
        return {k: plain(v) for k, v in x.items()}
    if t is slice:
        return slice(plain(x.start), plain(x.stop), plain(x.step))
    return x


def has_standin(x: Any) -> bool:
    """True if `x` is, or contains (in tuples, lists, dicts, slices), a stand-in."""
    t = type(x)
    if t is Traced or t is Sym:
        return True
    if t is tuple or t is list:
        return any(has_standin(i) for i in x)
    if t is dict:
        return any(has_standin(v) for v in x.values())
    if t is slice:
        return has_standin(x.start) or has_standin(x.stop) or has_standin(x.step)
    return False
