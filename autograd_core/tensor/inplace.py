"""Tensor's in-place methods (`add_`, `mul_`, `fill_`, `t[i] = v`...), kept apart from tensor.py
so each file reads in one sitting; `Tensor` inherits them from `InPlaceOps`.

The rules (PyTorch's): outside `no_grad`, a leaf that requires grad may not be written in place;
a recorded non-leaf gets a new history in a fresh buffer; every write ticks the version clock
that backward checks, so a saved value changed under a pending backward is an error, not a
silently wrong gradient.
"""

from __future__ import annotations

import builtins
import math
from typing import Any
from weakref import ref

import numpy as np

from .. import functions as fn
from ..engine._safety import _note_write, _tick
from ..engine.grad_mode import _mode
from ._validate import _placed, _raw_index, _reducible

# The class these methods become part of. tensor.py imports this file, so this one names it
# in annotations only, as an alias that type checkers read as Any.
Tensor = Any


class InPlaceOps:
    """In-place writes with PyTorch's rules (a mixin of `Tensor`)."""

    __slots__ = ()

    def _bump(self: Tensor) -> None:
        self._version += 1
        self._modified_at = _tick()

    def _inplace(self: Tensor, op: str, compute: Any) -> Tensor:
        """Write `compute(old tensor)` into this tensor, keeping the graph and the checks right.

        The new values go into the tensor's own memory, so views of it see them (numpy and
        PyTorch); the recorded history reads a private copy of the old values.
        """
        if _mode.enabled and self.requires_grad:
            fn_ = self._fn
            if fn_ is None:
                raise RuntimeError(
                    f"{op}: a leaf tensor that requires grad cannot be modified in place while "
                    "gradients are recorded; wrap the update in `with no_grad():` (as optimizers "
                    "do) or use the out-of-place op")
            _refuse_view_write(op, self, fn_)
            # The old value becomes its own node, so the history stays correct.
            old = self._from_op(self._data.copy(), fn_)
            old._out_index = getattr(self, "_out_index", 0)
            # Stamp the new history later than every op that already used this tensor: their
            # backward would route through it, so the engine refuses them (_check_versions).
            _tick()
            new = compute(old)
            _check_shape(op, self, new)
            if fn_.saves_output:
                fn_._outref = ref(old)
            self._store(op, new)
            self._take_history(new)
            return self
        if not self._data.flags.writeable:
            raise ValueError(f"{op}: this tensor's data is read-only (a read-only numpy array, "
                             "or a broadcast view); copy it first")
        old = self._wrap(self._data)
        if _mode.enabled:
            # Recorded only if an operand requires grad (PyTorch: `buf[1] = w * 2` puts `buf`
            # in w's graph); otherwise nothing is recorded and this costs nothing more.
            new = compute(old)
        else:
            prev, _mode.enabled = _mode.enabled, False
            try:
                new = compute(old)
            finally:
                _mode.enabled = prev
        _check_shape(op, self, new)
        if new.requires_grad:
            if self._data.base is not None:
                raise RuntimeError(
                    f"{op}: this tensor shares its memory with another array (a view such as "
                    "t[1] or t.reshape(...), or a Tensor made from a numpy view), and writing a "
                    "value that requires grad into it would not put the tensor it views into "
                    "the graph. Write through the base tensor with an index (buf[1] = w * 2), "
                    "or .clone() this one first")
            old._data = old._data.copy()  # the history reads the values before the write
            self._store(op, new)
            self._take_history(new)
            return self
        self._store(op, new)
        return self

    def _store(self: Tensor, op: str, new: Tensor) -> None:
        """Copy `new`'s values into this tensor's memory and tick the version clock."""
        try:
            np.copyto(self._data, new._data, casting="same_kind")
        except TypeError:
            raise TypeError(f"{op}: cannot store a {new.dtype} result in this {self.dtype} "
                            "tensor in place (numpy's same_kind casting rule); use the "
                            "out-of-place op") from None
        self._bump()
        _note_write(self._data)

    def _take_history(self: Tensor, new: Tensor) -> None:
        """This tensor now stands for `new` in the graph (its values were just stored)."""
        self._fn = new._fn
        self.requires_grad = True
        self._out_index = getattr(new, "_out_index", 0)
        if new._fn is not None and new._fn.saves_output:
            # `new` is dropped: this tensor, as just written, is that op's output now, so the
            # op's stamp moves past this write (else the version check would refuse it).
            new._fn._outref = ref(self)
            new._fn._epoch = self._modified_at

    def add_(self: Tensor, other: Any, alpha: builtins.float = 1.0) -> Tensor:
        """self += alpha * other, in place."""
        return self._inplace("add_", lambda t: t + _scaled(_operand(other, self, t), alpha))

    def sub_(self: Tensor, other: Any, alpha: builtins.float = 1.0) -> Tensor:
        """self -= alpha * other, in place."""
        return self._inplace("sub_", lambda t: t - _scaled(_operand(other, self, t), alpha))

    def mul_(self: Tensor, other: Any) -> Tensor:
        """self *= other, in place."""
        return self._inplace("mul_", lambda t: t * _operand(other, self, t))

    def div_(self: Tensor, other: Any) -> Tensor:
        """self /= other, in place."""
        return self._inplace("div_", lambda t: t / _operand(other, self, t))

    def pow_(self: Tensor, exponent: Any) -> Tensor:
        """self **= exponent, in place."""
        return self._inplace("pow_", lambda t: t ** _operand(exponent, self, t))

    # Python's augmented assignments, with the rules of the methods above. Without them
    # `p -= lr * p.grad` would rebind `p` to a new tensor and leave the parameter unchanged.
    def __iadd__(self: Tensor, other: Any) -> Tensor:
        return self._inplace("+= (add_)", lambda t: t + _operand(other, self, t))

    def __isub__(self: Tensor, other: Any) -> Tensor:
        return self._inplace("-= (sub_)", lambda t: t - _operand(other, self, t))

    def __imul__(self: Tensor, other: Any) -> Tensor:
        return self._inplace("*= (mul_)", lambda t: t * _operand(other, self, t))

    def __itruediv__(self: Tensor, other: Any) -> Tensor:
        return self._inplace("/= (div_)", lambda t: t / _operand(other, self, t))

    def __ipow__(self: Tensor, other: Any) -> Tensor:
        return self._inplace("**= (pow_)", lambda t: t ** _operand(other, self, t))

    def __imatmul__(self: Tensor, other: Any) -> Tensor:
        # numpy's `a @= b`: allowed when the product keeps a's shape (PyTorch refuses it).
        return self._inplace("@=", lambda t: t @ _operand(other, self, t))

    def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:
        """Clip into [min, max], in place."""
        return self._inplace("clamp_", lambda t: t.clip(min, max))

    def zero_(self: Tensor) -> Tensor:
        """Fill with zeros, in place."""
        return self.fill_(0)

    def fill_(self: Tensor, value: Any) -> Tensor:
        """Fill with `value`, in place."""
        if isinstance(value, self._out_type) and value.size != 1:
            raise ValueError(f"fill_: the value must be a number or a one-element tensor, got "
                             f"shape {value.shape}")
        return self._overwrite("fill_", self._coerce(value).reshape(()))

    def copy_(self: Tensor, src: Any) -> Tensor:
        """Copy `src` (broadcast to this shape) into this tensor, in place."""
        src_t = self._coerce(src)
        if not _reducible(self.shape, src_t.shape):
            raise ValueError(f"copy_: a source of shape {src_t.shape} cannot be broadcast to "
                             f"the destination's shape {self.shape}")
        return self._overwrite("copy_", src_t)

    def _overwrite(self: Tensor, op: str, value: Tensor) -> Tensor:
        # A `where` that picks `value` everywhere: `t * 0 + value` would turn an inf in the old
        # data into NaN, while this keeps the old value in the graph with a zero gradient.
        return self._inplace(op, lambda t: fn.Where.apply(np.ones(t.shape, dtype=bool),
                                                         _operand(value, self, t), t))

    def __setitem__(self: Tensor, index: Any, value: Any) -> None:
        idx = _raw_index(index)
        v = self._coerce(value)

        def compute(t: Tensor) -> Tensor:
            keep = np.ones(t.shape, dtype=bool)
            keep[idx] = False
            if not v.requires_grad:
                placed = self._wrap(_placed(t._data, idx, v._data))
            else:
                vb = v.broadcast_to(t._data[idx].shape)
                last = _last_writes(t.shape, idx)
                if last is None:
                    placed = fn.IndexAdd.apply(vb, idx, t.shape)
                else:  # an element written twice keeps its last write, as numpy
                    dst, src = last
                    placed = fn.IndexAdd.apply(vb.reshape(-1)[src], dst, t.shape)
            return fn.Where.apply(keep, t, placed)

        self._inplace("__setitem__", compute)


def _refuse_view_write(op: str, t: Tensor, fn_: Any) -> None:
    """A recorded tensor that shares memory with an input of the op that made it is a view of
    that input (t = y[1:], y.T, y.reshape(...)): PyTorch would write through it into y and
    rewrite y's history; here that is an error rather than a y that silently stays as it was."""
    for x in fn_.inputs or ():
        data = getattr(x, "_data", None)
        if isinstance(data, np.ndarray) and np.may_share_memory(t._data, data):
            raise RuntimeError(
                f"{op}: this tensor is a view of another one (made by {fn_.name}), and an "
                "in-place write into a view of a recorded tensor is not supported: it would "
                "not change the tensor it views. Write into that tensor with an index "
                "(y[1:] = y[1:] * 3 instead of y[1:].mul_(3)), or .clone() the view first")


def _check_shape(op: str, t: Tensor, new: Tensor) -> None:
    if new.shape != t.shape:
        raise ValueError(f"{op}: the result has shape {new.shape}, but an in-place op cannot "
                         f"change the tensor's shape {t.shape}; use the out-of-place op")


def _operand(other: Any, me: Any, old: Any) -> Any:
    """The operand of an in-place op on `me`, with `me` itself read as its value before the write.

    Without this, `a.add_(a)` on a recorded tensor would make `a` an input of its own new history,
    a loop through which the gradient is lost.
    """
    return old if other is me else other


def _scaled(x: Any, alpha: builtins.float) -> Any:
    return x if alpha == 1.0 else x * alpha


def _last_writes(shape: tuple[int, ...], idx: Any) -> tuple[Any, np.ndarray] | None:
    """For an index that selects some element more than once: (where each element goes,
    which flat position of the value is its last write). None when nothing repeats."""
    items = idx if isinstance(idx, tuple) else (idx,)
    if not any(isinstance(i, np.ndarray) and i.dtype != bool for i in items):
        return None  # basic indexing and masks never repeat an element
    ids = np.arange(math.prod(shape)).reshape(shape)[idx].reshape(-1)
    uniq, first_rev = np.unique(ids[::-1], return_index=True)
    if uniq.size == ids.size:
        return None
    src = ids.size - 1 - first_rev  # the last position of each element
    return np.unravel_index(uniq, shape), src
