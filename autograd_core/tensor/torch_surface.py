"""The rest of PyTorch's everyday Tensor surface, each small: `.grad` that refuses what is not
a gradient, `to`/`cpu`/`device`, `size()`, `nelement`, `t()`, `mm`, `expand`, `all`/`any`.
`Tensor` inherits them from `TorchSurface`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._spelling import UNSET, axes
from ._validate import _check_axis
from .devices import check_device, device

# The class these methods become part of (tensor.py imports this file), for annotations only.
Tensor = Any


class _Size(int):
    """An element count that gives the shape when called: `t.size` is numpy's number of
    elements, `t.size()` PyTorch's shape and `t.size(d)` one axis's length."""

    _shape: tuple[int, ...]

    def __new__(cls, n: int, shape: tuple[int, ...]) -> _Size:
        obj = super().__new__(cls, n)
        obj._shape = shape
        return obj

    def __call__(self, dim: int | None = None) -> Any:
        if dim is None:
            return self._shape
        return self._shape[_check_axis(dim, len(self._shape), "size", tuples=False)]


class TorchSurface:
    """PyTorch's everyday methods that are not math (a mixin of `Tensor`)."""

    __slots__ = ()

    # ---------------------------------------------------------------- .grad
    @property
    def grad(self: Tensor) -> Tensor | None:
        """d(output)/d(self) after backward (leaves, and where `retain_grad()` asked), else None."""
        return self._grad

    @grad.setter
    def grad(self: Tensor, value: Any) -> None:
        if value is not None:
            if not isinstance(value, self._out_type):
                hint = " (wrap an array: Tensor(array))" if isinstance(value, np.ndarray) else ""
                raise TypeError(f"grad: assigned a {type(value).__name__}; .grad takes a Tensor "
                                f"of this tensor's shape {self.shape} and dtype {self.dtype}, or "
                                f"None{hint}")
            if value.shape != self.shape or value.dtype != self.dtype:
                raise ValueError(f"grad: assigned a Tensor of shape {value.shape} and dtype "
                                 f"{value.dtype} to a tensor of shape {self.shape} and dtype "
                                 f"{self.dtype}; they must match")
        self._grad = value

    # ---------------------------------------------------------------- device and dtype
    @property
    def device(self: Tensor) -> device:
        """Always the CPU (`device("cpu")`)."""
        return device("cpu")

    def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        """This tensor as another dtype: `to(float64)`, `to(other_tensor)`, `to("cpu")`.

        `to("cpu")` and an unchanged dtype give the tensor itself, as in PyTorch.
        """
        dtype = kwargs.pop("dtype", None)
        dev = kwargs.pop("device", None)
        copy = bool(kwargs.pop("copy", False))
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"to: unexpected arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, self._out_type):
                dtype = a.dtype
            elif isinstance(a, (str, device)):
                dev = a
            elif a is not None:
                dtype = a
        check_device("to", dev)
        # PyTorch's to(): the tensor itself when the dtype does not change (astype is numpy's).
        out = self if dtype is None or np.dtype(dtype) == self._data.dtype else self.astype(dtype)
        return out.clone() if copy and out is self else out

    def cpu(self: Tensor) -> Tensor:
        """The tensor itself: it is already on the CPU."""
        return self

    def cuda(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        """An error: there is no GPU here (numpy computes on the CPU)."""
        raise RuntimeError("cuda: autograd_core computes on the CPU with numpy and has no GPU; "
                           "drop .cuda() (or use .to('cpu'))")

    def is_floating_point(self: Tensor) -> bool:
        """True for float dtypes."""
        return bool(self._data.dtype.kind == "f")

    def contiguous(self: Tensor) -> Tensor:
        """The tensor itself (numpy handles memory layout for every op)."""
        return self

    # ---------------------------------------------------------------- sizes
    @property
    def size(self: Tensor) -> _Size:
        """The number of elements (numpy's `size`); called, the shape (PyTorch's `size()`)."""
        d = self._data
        return _Size(d.size, d.shape)

    def nelement(self: Tensor) -> int:
        """Number of elements (PyTorch's other name for numel)."""
        return int(self._data.size)

    def dim(self: Tensor) -> int:
        """Number of dimensions (PyTorch's name for ndim)."""
        return int(self._data.ndim)

    # ---------------------------------------------------------------- shapes and products
    def t(self: Tensor) -> Tensor:
        """The transpose of a matrix (a 0-d or 1-d tensor is returned as it is)."""
        if self.ndim > 2:
            raise ValueError(f"t: expects a tensor with at most 2 dimensions, got shape "
                             f"{self.shape}; use transpose(d0, d1) or permute")
        return self if self.ndim < 2 else self.transpose(0, 1)

    def mm(self: Tensor, mat2: Any) -> Tensor:
        """Matrix product of two 2-D tensors (`matmul` for any dimensions)."""
        other = self._coerce(mat2)
        if self.ndim != 2 or other.ndim != 2:
            raise ValueError(f"mm: both operands must be 2-D, got shapes {self.shape} and "
                             f"{other.shape}; use matmul (@) for other dimensions")
        return self.matmul(other)

    def expand(self: Tensor, *sizes: Any) -> Tensor:
        """Broadcast to `sizes`, where -1 keeps that axis's length (PyTorch's `expand`)."""
        shape = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) \
            else sizes
        lead = len(shape) - self.ndim
        if lead < 0:
            raise ValueError(f"expand: {shape} has fewer dimensions than the tensor's shape "
                             f"{self.shape}")
        full = tuple(self.shape[i - lead] if s == -1 and i >= lead else s
                     for i, s in enumerate(shape))
        if any(s == -1 for s in full[:lead]):
            raise ValueError(f"expand: -1 is not allowed for new leading dimensions, got {shape}")
        return self.broadcast_to(full)

    # ---------------------------------------------------------------- truth over elements
    def all(self: Tensor, axis: Any = None, keepdims: Any = None, *, dim: Any = UNSET,
            keepdim: Any = UNSET) -> Tensor:
        """True where every element (along `axis`/`dim`) is true: a boolean Tensor."""
        ax, keep = axes("all", axis, keepdims, dim, keepdim)
        return self._wrap(np.asarray(np.all(self._data, axis=_check_axis(ax, self.ndim, "all"),
                                            keepdims=keep)))

    def any(self: Tensor, axis: Any = None, keepdims: Any = None, *, dim: Any = UNSET,
            keepdim: Any = UNSET) -> Tensor:
        """True where any element (along `axis`/`dim`) is true: a boolean Tensor."""
        ax, keep = axes("any", axis, keepdims, dim, keepdim)
        return self._wrap(np.asarray(np.any(self._data, axis=_check_axis(ax, self.ndim, "any"),
                                            keepdims=keep)))
