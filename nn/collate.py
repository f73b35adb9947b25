"""Turning a list of samples into a batch, PyTorch's `default_collate` rules on Tensors.

numbers -> one Tensor (Python floats float64, ints int64, bools bool, as PyTorch);
arrays, numpy scalars and Tensors -> stacked along a new first axis (their dtype kept);
tuples and lists -> a list with one batch per position; namedtuples and dicts -> the same type
with one batch per field; strings and bytes -> left as a list.
"""

from __future__ import annotations

import collections.abc as abc
from typing import Any

import numpy as np

from autograd_core import Tensor, get_default_dtype, stack

__all__ = ["default_collate", "default_convert"]

_KINDS = "biuf"  # numeric dtypes; strings and objects cannot become a Tensor


def _type_error(found: Any) -> TypeError:
    return TypeError(f"default_collate: a batch must contain Tensors, numpy arrays, numbers, "
                     f"dicts or lists; found {found}. Pass collate_fn= to batch such samples "
                     "yourself")


def _stack_arrays(batch: list[Any]) -> Tensor:
    shapes = [np.shape(b) for b in batch]
    for i, s in enumerate(shapes):
        if s != shapes[0]:
            raise ValueError(f"default_collate: samples must have the same shape to be "
                             f"stacked, got {shapes[0]} at entry 0 and {s} at entry {i}; pass "
                             "collate_fn= to batch them yourself (padding, for example)")
    return Tensor._wrap(np.stack([np.asarray(b) for b in batch]))


def _numbers(batch: list[Any]) -> Tensor:
    first = batch[0]
    if any(isinstance(b, complex) for b in batch):
        raise _type_error("complex numbers (not supported)")
    if isinstance(first, float):
        return Tensor._wrap(np.array(batch, dtype=np.float64))
    arr = np.array(batch)
    if arr.dtype.kind == "f":  # ints first, then a float: torch.tensor infers the default dtype
        arr = arr.astype(get_default_dtype())
    elif arr.dtype.kind in "iu":
        arr = arr.astype(np.int64)
    return Tensor._wrap(arr)


def default_collate(batch: Any) -> Any:
    """Stack a list of samples into one batch, field by field (PyTorch's rules)."""
    batch = list(batch)
    if not batch:
        raise ValueError("default_collate: the batch is empty")
    elem = batch[0]
    if isinstance(elem, Tensor):
        if not all(isinstance(b, Tensor) for b in batch):
            raise _type_error("a mix of Tensors and other types")
        if any(b.requires_grad for b in batch):
            _stack_arrays([b.data for b in batch])  # same checks and message as below
            return stack(batch)
        return _stack_arrays([b.data for b in batch])
    if isinstance(elem, (np.ndarray, np.generic)) and not isinstance(elem, (np.str_, np.bytes_)):
        if elem.dtype.kind not in _KINDS:
            raise _type_error(f"numpy dtype {elem.dtype}")
        return _stack_arrays(batch)
    if isinstance(elem, (bool, int, float, complex)):
        return _numbers(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, abc.Mapping):
        fields = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            return type(elem)(fields)  # type: ignore[call-arg]
        except TypeError:  # a mapping type that cannot be built from a dict
            return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, abc.Sequence):
        size = len(elem)
        if any(len(b) != size for b in batch):
            raise ValueError(f"default_collate: every sample must have the same number of "
                             f"fields; entry 0 has {size}, others differ "
                             f"({sorted({len(b) for b in batch})})")
        columns = [default_collate(list(s)) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns  # PyTorch returns a list for tuple samples
        try:
            return type(elem)(columns)  # type: ignore[call-arg]
        except TypeError:
            return columns
    raise _type_error(type(elem))


def default_convert(data: Any) -> Any:
    """One sample as it is, with numpy arrays turned into Tensors (for `batch_size=None`)."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if data.dtype.kind not in _KINDS else Tensor._wrap(data)
    if isinstance(data, np.generic) and data.dtype.kind in _KINDS:
        return Tensor._wrap(np.asarray(data))
    if isinstance(data, abc.Mapping):
        fields = {key: default_convert(data[key]) for key in data}
        try:
            return type(data)(fields)  # type: ignore[call-arg]
        except TypeError:
            return fields
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            return type(data)([default_convert(d) for d in data])  # type: ignore[call-arg]
        except TypeError:
            return [default_convert(d) for d in data]
    return data
