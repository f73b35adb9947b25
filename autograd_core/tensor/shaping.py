"""Tensor's shape methods: reshape, transpose, squeeze, broadcast_to, sum_to, split and
indexing. `Tensor` inherits them from `ShapeOps`.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import functions as fn
from ._validate import _check_axis, _infer_shape, _raw_index, _reducible

# The class these methods become part of. tensor.py imports this file, so this one names it
# in annotations only, as an alias that type checkers read as Any.
Tensor = Any


class ShapeOps:
    """Shape changes and indexing, all differentiable (a mixin of `Tensor`)."""

    __slots__ = ()

    # ---------------------------------------------------------------- shape
    def reshape(self: Tensor, *shape: Any) -> Tensor:
        """The same data in another shape (one entry may be -1)."""
        shp = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) \
            else shape
        # Always a new node, even for the same shape (PyTorch): hooks, retain_grad and grad()
        # on the result must not act on the input.
        return fn.Reshape._apply1(self, _infer_shape(self.shape, shp, "reshape"))

    view = reshape

    def transpose(self: Tensor, *axes: Any) -> Tensor:
        """Permute axes (none given: reverse them, as numpy)."""
        ax = tuple(axes[0]) if len(axes) == 1 and isinstance(axes[0], (tuple, list)) \
            else (axes if axes else None)
        if len(axes) == 1 and axes[0] is None:
            ax = None
        if ax is not None:
            if not all(isinstance(a, (int, np.integer)) for a in ax):
                raise TypeError(f"transpose: axes must be integers, got {ax!r}")
            if sorted(a % self.ndim if -self.ndim <= a < self.ndim else a for a in ax) \
                    != list(range(self.ndim)):
                raise ValueError(f"transpose: axes {ax} are not a permutation of the "
                                 f"{self.ndim} axes of a tensor of shape {self.shape}")
            ax = tuple(a % self.ndim for a in ax)
        return fn.Transpose._apply1(self, ax)

    def permute(self: Tensor, *axes: Any) -> Tensor:
        """PyTorch's name for transpose with explicit axes."""
        return self.transpose(*axes)

    def swapaxes(self: Tensor, axis1: int, axis2: int) -> Tensor:
        """Exchange two axes."""
        a1 = _check_axis(axis1, self.ndim, "swapaxes", tuples=False)
        a2 = _check_axis(axis2, self.ndim, "swapaxes", tuples=False)
        perm = list(range(self.ndim))
        perm[a1], perm[a2] = perm[a2], perm[a1]
        return fn.Transpose._apply1(self, tuple(perm))

    def flatten(self: Tensor, start_axis: int = 0) -> Tensor:
        """Merge the axes from `start_axis` on into one (all of them by default)."""
        if self.ndim == 0:
            return self.reshape(1)
        s = _check_axis(start_axis, self.ndim, "flatten", tuples=False)
        if s == self.ndim - 1:
            return self  # nothing to merge: PyTorch's flatten gives the tensor itself
        # The merged size, not -1: a (0, 2, 3) tensor flattens from axis 1 to (0, 6).
        return self.reshape(*self.shape[:s], math.prod(self.shape[s:]))

    def squeeze(self: Tensor, axis: Any = None) -> Tensor:
        """Drop size-1 axes (all of them, or the given ones)."""
        if axis is None:
            return self.reshape(tuple(s for s in self.shape if s != 1))
        axes = _check_axis(axis, self.ndim, "squeeze")
        axes = axes if isinstance(axes, tuple) else (axes,)
        for a in axes:
            if self.shape[a] != 1:
                raise ValueError(f"squeeze: axis {a} has size {self.shape[a]}, not 1 "
                                 f"(shape {self.shape})")
        return self.reshape(tuple(s for i, s in enumerate(self.shape) if i not in axes))

    def unsqueeze(self: Tensor, axis: int) -> Tensor:
        """Insert a size-1 axis at `axis`."""
        ax = _check_axis(axis, self.ndim + 1, "unsqueeze", tuples=False)
        shape = list(self.shape)
        shape.insert(ax, 1)
        return fn.Reshape._apply1(self, tuple(shape))

    expand_dims = unsqueeze

    def broadcast_to(self: Tensor, shape: Sequence[int]) -> Tensor:
        """Repeat along size-1 (or new leading) axes to `shape`, as numpy."""
        shape = tuple(shape)
        if not all(isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_))
                   for s in shape):
            raise TypeError(f"broadcast_to: shape entries must be integers, got {shape!r}")
        try:
            if np.broadcast_shapes(self.shape, shape) != shape:
                raise ValueError
        except ValueError:
            raise ValueError(f"broadcast_to: cannot broadcast shape {self.shape} to {shape}") \
                from None
        return fn.BroadcastTo._apply1(self, shape)

    def sum_to(self: Tensor, shape: Sequence[int]) -> Tensor:
        """Sum down to `shape`: undoes broadcasting (the partner of broadcast_to)."""
        shape = tuple(shape)
        if not _reducible(self.shape, shape):
            raise ValueError(f"sum_to: cannot sum shape {self.shape} down to {shape}")
        return fn.SumTo._apply1(self, shape)

    def split(self: Tensor, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
        """Split into pieces along `axis`: equal sections, or at the given indices (numpy's)."""
        ax = _check_axis(axis, self.ndim, "split", tuples=False)
        n = self.shape[ax]
        k = indices_or_sections
        if isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)):
            k = int(k)
            if k <= 0 or n % k:
                raise ValueError(f"split: axis {ax} of length {n} does not divide into "
                                 f"{k} equal sections")
            bounds = [i * (n // k) for i in range(k + 1)]  # n = 0: k empty pieces, as numpy
        else:
            try:
                cuts = [operator.index(i) for i in k]
            except TypeError:
                raise TypeError(f"split: expected a number of sections or a list of integer "
                                f"indices, got {k!r}") from None
            bounds = [0, *cuts, n]
        pre = (slice(None),) * ax
        return [self[pre + (slice(lo, hi),)] for lo, hi in zip(bounds[:-1], bounds[1:])]

    def __getitem__(self: Tensor, index: Any) -> Tensor:
        idx = _raw_index(index)
        try:
            self._data[idx]
        except (IndexError, ValueError, TypeError) as e:
            raise IndexError(f"indexing a tensor of shape {self.shape} with {index!r}: {e}") \
                from None
        return fn.GetItem._apply1(self, idx)
