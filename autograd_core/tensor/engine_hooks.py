"""How a Tensor meets the engine: seeding, fitting, accumulating and checking gradients.

The engine calls these through the Node interface (`_seed_grad`, `_fit_grad`, `_grad_plus`,
their `_raw` forms for the numpy fast path, `_check_finite`...); `Tensor` inherits them from
`EngineHooks`. Kept apart from tensor.py, which is the user-facing API.
"""

from __future__ import annotations

from numbers import Number
from typing import Any

import numpy as np

from .. import functions as _functions
from ..engine import Function
from ._validate import _as_array, _reducible

# The class these methods become part of. tensor.py imports this file, so this one names it
# in annotations only, as an alias that type checkers read as Any.
Tensor = Any


class EngineHooks:
    """The Node hooks the engine calls, for numpy-array data (a mixin of `Tensor`)."""

    __slots__ = ()

    def _seed_grad(self: Tensor, gradient: Any) -> Tensor:
        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError(
                    f"backward: a gradient is needed for non-scalar outputs; this output has "
                    f"shape {self.shape}. Pass gradient= (same shape), or reduce it first "
                    "(e.g. .sum() or .mean()).")
            return self._wrap(np.ones(self.shape, dtype=self.dtype))
        if isinstance(gradient, self._out_type):
            # Kept as given: with create_graph=True a gradient that requires grad stays in the
            # graph; the engine copies a raw seed before it could become a leaf's `.grad`.
            g = gradient
        else:
            g = self._wrap(_as_array(gradient, None, "backward gradient"))
        if g.shape != self.shape:
            raise RuntimeError(f"backward: gradient has shape {g.shape} but the output has "
                               f"shape {self.shape}")
        return g

    def _fit_grad(self: Tensor, g: Any, fn: Function, i: int) -> Tensor:
        if type(g) is not self._out_type:
            g = _gradient_from_user(self, g, fn, i)
        gd = g._data
        shape = self._data.shape
        if gd.shape != shape:
            if not _reducible(gd.shape, shape):
                raise RuntimeError(
                    f"{type(fn).__name__}.backward returned a gradient of shape {gd.shape} for "
                    f"input {i}, which has shape {shape}; they must match (or broadcast to it)")
            g = _functions.SumTo._apply1(g, shape)
        if gd.dtype != self._data.dtype and self._data.dtype.kind == "f":
            g = g.astype(self._data.dtype)
        return g

    def _grad_plus(self: Tensor, g: Any) -> Tensor:
        # Recorded (create_graph): `.grad` stays in the graph, so that it can be differentiated.
        return g if self._grad is None else self._grad + g

    def _wrap_grad(self: Tensor, g: Any) -> Tensor:
        return self._wrap(g if type(g) is np.ndarray else np.asarray(g))

    def _fit_raw(self: Tensor, g: Any, fn: Function, i: int) -> np.ndarray:
        if type(g) is not np.ndarray:
            g = _raw_from_user(self, g, fn, i)
        d = self._data
        if g.shape != d.shape:
            if not _reducible(g.shape, d.shape):
                raise RuntimeError(
                    f"{type(fn).__name__}.backward returned a gradient of shape {g.shape} for "
                    f"input {i}, which has shape {d.shape}; they must match (or broadcast to it)")
            g = _functions.sum_to_array(g, d.shape)
        if g.dtype != d.dtype and d.dtype.kind == "f":
            g = g.astype(d.dtype)
        return g

    def _grad_plus_raw(self: Tensor, g: np.ndarray, stored: set[int]) -> Tensor:
        old = self._grad
        if type(g) is not np.ndarray:  # a 0-d sum is a numpy scalar, which cannot be filled
            g = np.asarray(g)
        if old is None:
            # Never let two `.grad`s (or a user's array) share memory: the first in-place
            # update of one would silently change the other.
            if id(g) in stored or not g.flags.owndata or not g.flags.writeable:
                g = g.copy()
            stored.add(id(g))
            return self._wrap(g)
        # Out of place: a reference the user kept to the old .grad stays what it was.
        total = old._data + g
        return self._wrap(total if type(total) is np.ndarray else np.asarray(total))

    def _set_grad(self: Tensor, value: Tensor) -> None:
        # The engine's own result: the checks of the public setter (torch_surface) are for users.
        self._grad = value

    def _check_finite(self: Tensor) -> str | None:
        d = self._data
        if d.dtype.kind != "f" or d.size == 0:
            return None
        if np.isnan(d).any():
            return "NaN"
        return "Inf" if np.isinf(d).any() else None

    def _describe(self: Tensor) -> str:
        d = self._data
        rng = ""
        if d.size and d.dtype.kind in "biuf":
            with np.errstate(invalid="ignore"):
                rng = f", range [{np.nanmin(d):.4g}, {np.nanmax(d):.4g}]" \
                    if not np.isnan(d).all() else ", all NaN"
        nm = f"{self.name!r} " if self.name else ""
        return f"Tensor {nm}shape={d.shape} dtype={d.dtype}{rng}"

    def _meta(self: Tensor) -> tuple[tuple[int, ...], np.dtype]:
        return self._data.shape, self._data.dtype

    @classmethod
    def _zeros(cls: Any, meta: tuple[tuple[int, ...], np.dtype]) -> Tensor:
        return cls._wrap(np.zeros(meta[0], dtype=meta[1]))

    def _detached(self: Tensor) -> Tensor:
        return self if self._fn is None and not self.requires_grad else \
            self._wrap(self._data)


def _raw_from_user(t: Tensor, g: Any, fn: Function, i: int) -> np.ndarray:
    if isinstance(g, t._out_type):
        return g._data
    if isinstance(g, (np.ndarray, Number, np.generic)) and not isinstance(g, complex):
        return np.asarray(g)
    raise TypeError(f"{type(fn).__name__}.backward returned a {type(g).__name__} as the "
                    f"gradient for input {i}; return a Tensor (or a numpy array), or None")


def _gradient_from_user(t: Tensor, g: Any, fn: Function, i: int) -> Tensor:
    return g if isinstance(g, t._out_type) else t._wrap(_raw_from_user(t, g, fn, i))
