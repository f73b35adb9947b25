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
from ._spelling import UNSET, one_axis
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

    def transpose(self: Tensor, *axes: Any, dim0: Any = UNSET, dim1: Any = UNSET) -> Tensor:
        """Swap two axes (PyTorch's `transpose(0, 1)`), or permute them all (numpy's).

        Two axes given one by one are swapped; one tuple of all the axes is a permutation; no
        axes reverse them all.
        """
        if dim0 is not UNSET or dim1 is not UNSET:
            if axes or dim0 is UNSET or dim1 is UNSET:
                raise TypeError("transpose: give both dim0= and dim1=, and no other axes")
            axes = (dim0, dim1)
        if len(axes) == 2 and not any(isinstance(a, (tuple, list)) for a in axes):
            return self.swapaxes(*axes)
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
                                 f"{self.ndim} axes of a tensor of shape {self.shape} (two "
                                 "axes given one by one are swapped instead)")
            ax = tuple(a % self.ndim for a in ax)
        return fn.Transpose._apply1(self, ax)

    def permute(self: Tensor, *dims: Any) -> Tensor:
        """Reorder the axes: `permute(2, 0, 1)` or `permute((2, 0, 1))` (all of them)."""
        ax = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        if len(ax) != self.ndim:
            raise ValueError(f"permute: {ax} does not list the {self.ndim} axes of a tensor of "
                             f"shape {self.shape}")
        return self.transpose(ax)

    def swapaxes(self: Tensor, axis1: int, axis2: int) -> Tensor:
        """Exchange two axes (PyTorch's `transpose(d0, d1)`, numpy's `swapaxes`)."""
        a1 = _check_axis(axis1, self.ndim, "swapaxes", tuples=False)
        a2 = _check_axis(axis2, self.ndim, "swapaxes", tuples=False)
        perm = list(range(self.ndim))
        perm[a1], perm[a2] = perm[a2], perm[a1]
        return fn.Transpose._apply1(self, tuple(perm))

    def flatten(self: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge the axes from `start_dim` to `end_dim` (all of them by default) into one."""
        if self.ndim == 0:
            return self.reshape(1)
        s = _check_axis(start_dim, self.ndim, "flatten", tuples=False)
        e = _check_axis(end_dim, self.ndim, "flatten", tuples=False)
        if s > e:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                             f"for a tensor of shape {self.shape}")
        if s == e:
            return self  # nothing to merge: PyTorch's flatten gives the tensor itself
        # The merged size, not -1: a (0, 2, 3) tensor flattens from axis 1 to (0, 6).
        return self.reshape(*self.shape[:s], math.prod(self.shape[s:e + 1]), *self.shape[e + 1:])

    def squeeze(self: Tensor, axis: Any = None, *, dim: Any = UNSET) -> Tensor:
        """Drop size-1 axes (all of them, or the given ones; a given axis must have size 1)."""
        axis = one_axis("squeeze", axis, dim, None)
        if axis is None:
            return self.reshape(tuple(s for s in self.shape if s != 1))
        axes = _check_axis(axis, self.ndim, "squeeze")
        axes = axes if isinstance(axes, tuple) else (axes,)
        for a in axes:
            if self.shape[a] != 1:
                raise ValueError(f"squeeze: axis {a} has size {self.shape[a]}, not 1 "
                                 f"(shape {self.shape})")
        return self.reshape(tuple(s for i, s in enumerate(self.shape) if i not in axes))

    def unsqueeze(self: Tensor, axis: Any = UNSET, *, dim: Any = UNSET) -> Tensor:
        """Insert a size-1 axis at `axis` (or `dim`)."""
        ax = _check_axis(one_axis("unsqueeze", axis, dim), self.ndim + 1, "unsqueeze",
                         tuples=False)
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

    def split(self: Tensor, split_size_or_sections: Any, dim: Any = UNSET, *,
              axis: Any = UNSET) -> list[Tensor]:
        """PyTorch's split along `dim`: pieces of one size, or of the sizes in a list.

        With a size, the last piece may be shorter. numpy's meaning (a number of equal
        sections, or split points) is `np.split(t, ...)`, or `chunk` for a number of pieces.
        """
        ax = _check_axis(one_axis("split", axis, dim, 0), self.ndim, "split", tuples=False)
        n = self.shape[ax]
        s = split_size_or_sections
        if isinstance(s, (int, np.integer)) and not isinstance(s, bool):
            if s <= 0:
                raise ValueError(f"split: the piece size must be positive, got {s}")
            bounds = list(range(0, n, int(s))) + [n] if n else [0, 0]
        else:
            try:
                sizes = [operator.index(k) for k in s]
            except TypeError:
                raise TypeError(f"split: expected a piece size or a list of integer sizes, "
                                f"got {s!r}") from None
            if any(k < 0 for k in sizes) or sum(sizes) != n:
                raise ValueError(f"split: sizes {sizes} must be non-negative and add up to the "
                                 f"length {n} of axis {ax} (PyTorch's meaning; for numpy's split "
                                 "points use np.split(t, points))")
            bounds = [0, *np.cumsum(sizes).tolist()]
        return self._pieces(ax, bounds)

    def chunk(self: Tensor, chunks: int, dim: Any = UNSET, *, axis: Any = UNSET) -> list[Tensor]:
        """At most `chunks` pieces of equal length (the last may be shorter), along `dim`."""
        ax = _check_axis(one_axis("chunk", axis, dim, 0), self.ndim, "chunk", tuples=False)
        if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks <= 0:
            raise ValueError(f"chunk: chunks must be a positive integer, got {chunks!r}")
        n = self.shape[ax]
        return self.split(max(1, -(-n // int(chunks))), ax)

    def _pieces(self: Tensor, ax: int, bounds: list[int]) -> list[Tensor]:
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
