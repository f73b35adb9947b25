"""Creating tensors, with PyTorch's signatures and dtype rules: `tensor`, `zeros`, `ones`,
`empty`, `full`, `arange`, `linspace`, `eye`, the `*_like` forms, `from_numpy`/`as_tensor`,
and the random ones (`rand`, `randn`, `randint`, `randperm`, `multinomial`), which draw from
`generator=` or the thread's default stream (random.py).

dtypes follow PyTorch: Python floats give the default float dtype (float32 unless
`set_default_dtype`), Python ints int64, bools bool; `Tensor(list)` is always a float tensor,
as `torch.Tensor(list)` is. `device=` accepts the CPU only.
"""

from __future__ import annotations

from numbers import Number
from typing import Any

import numpy as np

from ._validate import _as_array, get_default_dtype
from .devices import check_device
from .random import numpy_rng
from .tensor import Tensor

__all__ = ["tensor", "zeros", "ones", "empty", "full", "arange", "linspace", "eye", "rand",
           "randn", "randint", "randperm", "multinomial", "zeros_like", "ones_like",
           "empty_like", "full_like", "rand_like", "randn_like", "from_numpy", "as_tensor"]


def _inferred(data: Any) -> Any:
    """PyTorch's dtype for Python data: bool, int64 for integers, else None (default float)."""
    if isinstance(data, (bool, np.bool_)):
        return np.bool_
    if isinstance(data, Number) and not isinstance(data, (float, complex)) \
            and not isinstance(data, np.generic):
        return np.int64
    if isinstance(data, (list, tuple)):
        try:
            kind = np.asarray(data).dtype.kind
        except (ValueError, TypeError):
            return None  # ragged or not numbers: _as_array says what is wrong
        return {"b": np.bool_, "i": np.int64, "u": np.int64}.get(kind)
    return None


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
           name: str | None = None) -> Tensor:
    """A new Tensor holding a copy of `data` (PyTorch's `torch.tensor`: ints stay int64)."""
    check_device("tensor", device)
    if isinstance(data, Tensor):
        data = data.data
    if dtype is None:
        dtype = _inferred(data)
    arr = _as_array(data, dtype, "tensor")
    if isinstance(data, np.ndarray) and np.shares_memory(arr, data):
        arr = arr.copy()  # torch.tensor copies; from_numpy / as_tensor share
    return Tensor(arr, requires_grad=requires_grad, name=name)


def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor sharing `array`'s memory (PyTorch's `torch.from_numpy`)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy array, got {type(array).__name__}")
    return Tensor(array)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """`data` as a Tensor, sharing a numpy array's memory when no conversion is needed."""
    check_device("as_tensor", device)
    if isinstance(data, Tensor):
        return data if dtype is None or np.dtype(dtype) == data.dtype else data.astype(dtype)
    if isinstance(data, np.ndarray):
        return Tensor(data, dtype=dtype)
    return tensor(data, dtype=dtype)


def _shape_arg(shape: tuple[Any, ...], where: str) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for s in shape:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0:
            raise TypeError(f"{where}: sizes must be non-negative integers, got {shape!r}")
    return tuple(int(s) for s in shape)


def _new(arr: np.ndarray, requires_grad: bool, device: Any, where: str) -> Tensor:
    check_device(where, device)
    return Tensor(arr, requires_grad=requires_grad)


def zeros(*size: Any, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """A tensor of zeros."""
    return _new(np.zeros(_shape_arg(size, "zeros"), dtype=dtype or get_default_dtype()),
                requires_grad, device, "zeros")


def ones(*size: Any, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _new(np.ones(_shape_arg(size, "ones"), dtype=dtype or get_default_dtype()),
                requires_grad, device, "ones")


def empty(*size: Any, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """A tensor to be filled in (zeros here: numpy's uninitialised memory is never exposed)."""
    return _new(np.zeros(_shape_arg(size, "empty"), dtype=dtype or get_default_dtype()),
                requires_grad, device, "empty")


def _fill_dtype(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return np.bool_
    if isinstance(value, (int, np.integer)):
        return np.int64
    return get_default_dtype()


def full(size: Any, fill_value: Any, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor filled with `fill_value` (an int fills an int64 tensor, as in PyTorch)."""
    shp = (size,) if isinstance(size, (int, np.integer)) else tuple(size)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _new(np.full(_shape_arg(shp, "full"), fill_value, dtype=dtype or
                        _fill_dtype(fill_value)), requires_grad, device, "full")


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Values from `start` up to (not including) `end` by `step` (int64 for integers).

    Integer arguments give int64, as in PyTorch and numpy; any float argument gives the
    default float dtype.
    """
    lo, hi = (0, start) if end is None else (start, end)
    for v in (lo, hi, step):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"arange: start, end and step must be numbers, got {v!r:.40}")
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    ints = all(isinstance(v, (int, np.integer)) for v in (lo, hi, step))
    arr = np.arange(lo, hi, step)
    return _new(arr.astype(dtype or (np.int64 if ints else get_default_dtype())),
                requires_grad, device, "arange")


def linspace(start: float, end: float | None = None, steps: int | None = None,
             dtype: Any = None, device: Any = None, requires_grad: bool = False, *,
             stop: float | None = None, num: int | None = None) -> Tensor:
    """`steps` evenly spaced values from start to end, both included.

    numpy's `stop=`/`num=` are accepted too; without a count it gives 50 values (numpy's).
    """
    if stop is not None:
        if end is not None:
            raise TypeError("linspace: got end= and stop= (the same thing); give one")
        end = stop
    if num is not None:
        if steps is not None:
            raise TypeError("linspace: got steps= and num= (the same thing); give one")
        steps = num
    if end is None:
        raise TypeError("linspace: missing the end value")
    n = 50 if steps is None else steps
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"linspace: the number of steps must be an integer >= 0, got {n!r}")
    return _new(np.linspace(start, end, int(n), dtype=dtype or get_default_dtype()),
                requires_grad, device, "linspace")


def eye(n: int, m: int | None = None, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    """The identity matrix."""
    return _new(np.eye(n, m, dtype=dtype or get_default_dtype()), requires_grad, device, "eye")


def rand(*size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False, rng: Any = None) -> Tensor:
    """Uniform samples from [0, 1)."""
    r = numpy_rng(generator, rng, "rand")
    return _new(r.random(_shape_arg(size, "rand")).astype(dtype or get_default_dtype()),
                requires_grad, device, "rand")


def randn(*size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, rng: Any = None) -> Tensor:
    """Standard normal samples."""
    r = numpy_rng(generator, rng, "randn")
    return _new(r.standard_normal(_shape_arg(size, "randn")).astype(dtype or
                                                                     get_default_dtype()),
                requires_grad, device, "randn")


def randint(*args: Any, size: Any = None, generator: Any = None, dtype: Any = None,
            device: Any = None, requires_grad: bool = False, rng: Any = None) -> Tensor:
    """Random integers in [low, high): `randint(high, size)` or `randint(low, high, size)`."""
    if size is not None:
        args = (*args, size)
    if len(args) == 2:
        low, high, shape = 0, args[0], args[1]
    elif len(args) == 3:
        low, high, shape = args
    else:
        raise TypeError("randint: call it as randint(high, size) or randint(low, high, size)")
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"randint: size must be a tuple, got {shape!r} (write (n,) for n "
                        "values)")
    if not low < high:
        raise ValueError(f"randint: low ({low}) must be less than high ({high})")
    r = numpy_rng(generator, rng, "randint")
    arr = r.integers(low, high, size=_shape_arg(tuple(shape), "randint"))
    return _new(arr.astype(dtype or np.int64), requires_grad, device, "randint")


def randperm(n: int, generator: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False, rng: Any = None) -> Tensor:
    """A random permutation of 0..n-1 (int64)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"randperm: n must be an integer >= 0, got {n!r}")
    arr = numpy_rng(generator, rng, "randperm").permutation(int(n))
    return _new(arr.astype(dtype or np.int64), requires_grad, device, "randperm")


def multinomial(input: Any, num_samples: int, replacement: bool = False,
                generator: Any = None, rng: Any = None) -> Tensor:
    """Indices drawn from each row of non-negative weights (1-D or 2-D `input`), int64."""
    w = np.asarray(input.data if isinstance(input, Tensor) else input, dtype=np.float64)
    if w.ndim not in (1, 2):
        raise ValueError(f"multinomial: input must be 1-D or 2-D, got shape {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("multinomial: weights must be finite and non-negative")
    rows = w.reshape(-1, w.shape[-1])
    if (rows.sum(axis=1) <= 0).any():
        raise ValueError("multinomial: every row of weights needs a positive sum")
    if not replacement and num_samples > rows.shape[1]:
        raise ValueError(f"multinomial: cannot draw {num_samples} samples without replacement "
                         f"from {rows.shape[1]} categories")
    if not replacement and num_samples > (rows > 0).sum(axis=1).min():
        raise ValueError("multinomial: fewer categories with nonzero weight than samples, "
                         "without replacement")
    r = numpy_rng(generator, rng, "multinomial")
    out = np.stack([r.choice(rows.shape[1], size=num_samples, replace=replacement,
                             p=row / row.sum()) for row in rows])
    return Tensor._wrap(out.reshape(*w.shape[:-1], num_samples).astype(np.int64))


def _like(t: Any) -> np.ndarray:
    return t.data if isinstance(t, Tensor) else np.asarray(t)


def zeros_like(input: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """Zeros with `input`'s shape (and dtype unless given)."""
    a = _like(input)
    return _new(np.zeros(a.shape, dtype=dtype or a.dtype), requires_grad, device, "zeros_like")


def ones_like(input: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Ones with `input`'s shape (and dtype unless given)."""
    a = _like(input)
    return _new(np.ones(a.shape, dtype=dtype or a.dtype), requires_grad, device, "ones_like")


def empty_like(input: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """A tensor to be filled in, with `input`'s shape (zeros here)."""
    a = _like(input)
    return _new(np.zeros(a.shape, dtype=dtype or a.dtype), requires_grad, device, "empty_like")


def full_like(input: Any, fill_value: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """`fill_value` with `input`'s shape (and dtype unless given)."""
    a = _like(input)
    return _new(np.full(a.shape, fill_value, dtype=dtype or a.dtype), requires_grad, device,
                "full_like")


def rand_like(input: Any, generator: Any = None, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Uniform [0, 1) samples with `input`'s shape (and dtype unless given)."""
    a = _like(input)
    return rand(*a.shape, generator=generator, dtype=dtype or a.dtype, device=device,
                requires_grad=requires_grad)


def randn_like(input: Any, generator: Any = None, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """Standard normal samples with `input`'s shape (and dtype unless given)."""
    a = _like(input)
    return randn(*a.shape, generator=generator, dtype=dtype or a.dtype, device=device,
                 requires_grad=requires_grad)
