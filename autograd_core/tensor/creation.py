"""Creating tensors: `tensor`, `zeros`, `ones`, `full`, `arange`, `linspace`, `eye`, `rand`,
`randn` and the `*_like` forms. Random ones take `rng=` (a numpy Generator) for reproducibility."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import get_default_dtype
from .tensor import Tensor

__all__ = ["tensor", "zeros", "ones", "full", "arange", "linspace", "eye", "rand", "randn",
           "zeros_like", "ones_like", "full_like"]


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None,
           name: str | None = None) -> Tensor:
    """Make a Tensor (PyTorch's `torch.tensor`)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def _shape_arg(shape: tuple[Any, ...]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def _new(arr: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor(arr, requires_grad=requires_grad)


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros."""
    return _new(np.zeros(_shape_arg(shape), dtype=dtype or get_default_dtype()), requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _new(np.ones(_shape_arg(shape), dtype=dtype or get_default_dtype()), requires_grad)


def full(shape: Any, fill_value: float, dtype: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor filled with `fill_value`."""
    shp = (shape,) if isinstance(shape, int) else tuple(shape)
    return _new(np.full(shp, fill_value, dtype=dtype or get_default_dtype()), requires_grad)


def arange(start: float, stop: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, stop) (numpy's arange; float default dtype)."""
    arr = np.arange(start, stop, step) if stop is not None else np.arange(0, start, step)
    return _new(arr.astype(dtype or get_default_dtype()), requires_grad)


def linspace(start: float, stop: float, num: int = 50, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:
    """`num` evenly spaced values from start to stop inclusive."""
    return _new(np.linspace(start, stop, num, dtype=dtype or get_default_dtype()), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The identity matrix."""
    return _new(np.eye(n, m, dtype=dtype or get_default_dtype()), requires_grad)


def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False,
         rng: np.random.Generator | None = None) -> Tensor:
    """Uniform [0, 1) samples; pass `rng` for reproducibility."""
    r = rng if rng is not None else np.random.default_rng()
    return _new(r.random(_shape_arg(shape)).astype(dtype or get_default_dtype()), requires_grad)


def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False,
          rng: np.random.Generator | None = None) -> Tensor:
    """Standard normal samples; pass `rng` for reproducibility."""
    r = rng if rng is not None else np.random.default_rng()
    return _new(r.standard_normal(_shape_arg(shape)).astype(dtype or get_default_dtype()),
                requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with `t`'s shape (and dtype unless given)."""
    a = np.asarray(t)
    return _new(np.zeros(a.shape, dtype=dtype or a.dtype), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with `t`'s shape (and dtype unless given)."""
    a = np.asarray(t)
    return _new(np.ones(a.shape, dtype=dtype or a.dtype), requires_grad)


def full_like(t: Any, fill_value: float, dtype: Any = None,
              requires_grad: bool = False) -> Tensor:
    """`fill_value` with `t`'s shape (and dtype unless given)."""
    a = np.asarray(t)
    return _new(np.full(a.shape, fill_value, dtype=dtype or a.dtype), requires_grad)
