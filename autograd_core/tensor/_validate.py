"""Argument checking and conversion shared by Tensor and its functions: dtypes, axes, shapes,
index expressions. Every error names the op and the value at fault."""

from __future__ import annotations

import math
from numbers import Number
from typing import Any

import numpy as np

from ..engine import Node

_default_dtype: np.dtype = np.dtype(np.float32)


def set_default_dtype(dtype: Any) -> None:
    """Set the float dtype that Python numbers and lists become (float32 unless changed)."""
    global _default_dtype
    d = np.dtype(dtype)
    if d.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {d}")
    _default_dtype = d


def get_default_dtype() -> np.dtype:
    """The float dtype that Python numbers and lists become."""
    return _default_dtype


def _as_array(data: Any, dtype: Any, where: str) -> np.ndarray:
    """Validate and convert user data: numbers and lists -> default float, arrays keep dtype."""
    if isinstance(data, np.ndarray):
        _plain(data, where)
        arr = data if dtype is None else _cast(data, dtype, where)
    elif isinstance(data, (bool, np.bool_)):
        arr = np.asarray(data, dtype=dtype or bool)
    elif isinstance(data, np.generic):
        arr = _cast(np.asarray(data), dtype, where) if dtype is not None else np.asarray(data)
    elif isinstance(data, Number):
        if isinstance(data, complex):
            raise TypeError(f"{where}: complex numbers are not supported, got {data!r}")
        try:
            arr = np.asarray(data, dtype=dtype or _default_dtype)
        except OverflowError:
            raise ValueError(f"{where}: {data!r:.40} is too large for dtype "
                             f"{np.dtype(dtype or _default_dtype)}") from None
    elif isinstance(data, (list, tuple)):
        try:
            arr = np.asarray(data, dtype=dtype)
        except OverflowError as e:
            raise ValueError(f"{where}: a value does not fit dtype {np.dtype(dtype)}: {e}") \
                from None
        except (ValueError, TypeError) as e:
            raise TypeError(f"{where}: cannot make an array from this {type(data).__name__} "
                            f"(ragged or non-numeric entries?): {e}") from None
        if dtype is None and arr.dtype.kind in "iuf":
            arr = arr.astype(_default_dtype)
    elif isinstance(data, Node):
        raise TypeError(f"{where}: got a {type(data).__name__}; use .detach() or .data to copy "
                        "a Tensor, and Value.data for a Value")
    else:
        raise TypeError(f"{where}: expected a number, list or numpy array, got "
                        f"{type(data).__name__}")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{where}: unsupported dtype {arr.dtype} (numbers and booleans only)")
    return arr


def _plain(a: np.ndarray, where: str) -> None:
    """Refuse masked arrays and np.matrix: the mask, or matrix's 2-D rules (`*` is a matrix
    product there), would be dropped or applied silently."""
    if isinstance(a, (np.ma.MaskedArray, np.matrix)):
        raise TypeError(f"{where}: {type(a).__name__} is not supported (its mask or matrix "
                        "rules would be lost); pass a plain array, e.g. np.asarray(x) or "
                        "x.filled(...) for a masked array")


def _cast(a: np.ndarray, dtype: Any, where: str) -> np.ndarray:
    """`a` as `dtype`; a value that the dtype cannot hold is an error, not a silent wrap."""
    d = np.dtype(dtype)
    if d.kind in "iu" and a.dtype.kind == "f" and a.size:
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(a) | (a < np.iinfo(d).min) | (a > np.iinfo(d).max)
        if bad.any():
            raise ValueError(f"{where}: {a[bad].flat[0]!r} does not fit dtype {d}")
    return a.astype(d, copy=False)


def _check_operand(x: Any, where: str) -> Any:
    if isinstance(x, np.ndarray):
        _plain(x, where)
    if isinstance(x, (np.ndarray, Number, np.generic, bool)) and not isinstance(x, complex):
        if isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind not in "biuf":
            raise TypeError(f"{where}: unsupported dtype {x.dtype} (numbers and booleans only)")
        return x
    if isinstance(x, Node):
        raise TypeError(f"{where}: cannot combine a Tensor with a {type(x).__name__}; Value and "
                        "Tensor are separate front-ends (use Tensor(v.data) to convert)")
    if isinstance(x, (list, tuple)):
        return _as_array(x, None, where)
    raise TypeError(f"{where}: unsupported operand of type {type(x).__name__}")


def _reducible(src: tuple[int, ...], dst: tuple[int, ...]) -> bool:
    """True when an array of shape `dst` broadcasts to `src` (so src can be summed to dst)."""
    if len(dst) > len(src):
        return False
    return all(d == s or d == 1 for d, s in zip(dst, src[len(src) - len(dst):]))


def _infer_shape(shape: tuple[int, ...], target: tuple[Any, ...], op: str) -> tuple[int, ...]:
    """Resolve a -1 in `target` and check the element count, with an error naming both shapes."""
    size = math.prod(shape)
    if not all(isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_))
               for s in target):  # reshape((2.2, 2.7)) must not become (2, 2)
        raise TypeError(f"{op}: shape entries must be integers, got {tuple(target)!r}")
    dims = [int(s) for s in target]
    free = [i for i, s in enumerate(dims) if s == -1]
    known = math.prod(s for s in dims if s != -1)
    bad = len(free) > 1 or any(s < -1 for s in dims)
    if not bad and free:
        bad = known == 0 or size % known != 0
        if not bad:
            dims[free[0]] = size // known
    elif not bad:
        bad = known != size
    if bad:
        raise ValueError(f"{op}: cannot reshape a tensor of shape {shape} ({size} elements) "
                         f"into {tuple(target)}")
    return tuple(dims)


def _count(shape: tuple[int, ...], axis: Any) -> int:
    if axis is None:
        return math.prod(shape)
    axes = axis if isinstance(axis, tuple) else (axis,)
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _nonneg(n: int) -> float:
    return float(n) if n > 0 else 0.0


def _check_axis(axis: Any, ndim: int, op: str, tuples: bool = True,
                scalar_ok: bool = False) -> Any:
    """Normalize `axis` (None, int or tuple) or raise an error naming the op and the ndim.

    A 0-d tensor has no axes, so any int axis is an error (numpy's rule), unless `scalar_ok`
    (softmax, PyTorch's functions): then 0 and -1 mean the whole tensor (None)."""
    if axis is None:
        return None
    if isinstance(axis, (tuple, list)):
        if not tuples:
            raise TypeError(f"{op}: axis must be an int, got {axis!r}")
        out = tuple(_check_axis(a, ndim, op, False, scalar_ok) for a in axis)
        if len(set(out)) != len(out):
            raise ValueError(f"{op}: repeated axis in {axis!r}")
        return out
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}")
    a = int(axis)
    n = max(ndim, 1) if scalar_ok else ndim
    if not -n <= a < n:
        raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} "
                         f"dimension{'s' if ndim != 1 else ''}"
                         + (" (a 0-d tensor has no axes: use axis=None)" if not ndim else ""))
    return a % ndim if ndim else None


def _raw_index(index: Any) -> Any:
    """An index expression with Tensors replaced by their arrays (lists of ints by arrays)."""
    if isinstance(index, tuple):
        return tuple(_raw_index_item(i) for i in index)
    return _raw_index_item(index)


def _raw_index_item(i: Any) -> Any:
    if isinstance(i, Node):
        data = np.asarray(i.data)  # type: ignore[attr-defined]
        if data.dtype.kind not in "biu":
            raise IndexError(f"tensors used as indices must be integer or boolean, got "
                             f"{data.dtype}")
        return data
    if isinstance(i, list):
        return np.asarray(i)
    return i


def _placed(base: np.ndarray, idx: Any, value: np.ndarray) -> np.ndarray:
    out = np.zeros_like(base)
    out[idx] = value
    return out


def _check_matmul(sa: tuple[int, ...], sb: tuple[int, ...]) -> None:
    """Raise numpy's matmul shape errors, naming both shapes."""
    if not sa or not sb:
        raise ValueError(f"matmul: both operands need at least 1 dimension, got shapes {sa} "
                         f"and {sb}; use * for scalars")
    k_a = sa[-1]
    k_b = sb[0] if len(sb) == 1 else sb[-2]
    if k_a != k_b:
        raise ValueError(f"matmul: shapes {sa} @ {sb} do not match: the last axis of the first "
                         f"({k_a}) must equal the {'only' if len(sb) == 1 else 'second-to-last'}"
                         f" axis of the second ({k_b})")
    if len(sa) > 2 and len(sb) > 2:
        try:
            np.broadcast_shapes(sa[:-2], sb[:-2])
        except ValueError:
            raise ValueError(f"matmul: batch dimensions of {sa} @ {sb} do not broadcast") \
                from None
