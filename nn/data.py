"""Datasets, PyTorch's protocol: a map-style dataset has `__len__` and `__getitem__(i)`, an
iterable one has `__iter__`. `TensorDataset` holds arrays that share their first axis,
`Subset` picks items of another dataset, `random_split` cuts one into random parts.

    class Squares(nn.Dataset):
        def __len__(self): return 100
        def __getitem__(self, i): return float(i), float(i * i)
    for xb, yb in nn.DataLoader(Squares(), batch_size=32, shuffle=True):
        ...
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from autograd_core import Tensor, numpy_rng

from ._random import default_rng

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "random_split", "as_rng"]


def as_rng(rng: Any) -> np.random.Generator:
    """A numpy Generator from None (fresh entropy), an int seed or a Generator (its stream)."""
    if rng is None:
        return np.random.default_rng()
    try:
        return numpy_rng(rng)
    except TypeError:
        raise TypeError(f"expected None, an int seed or a numpy Generator, got "
                        f"{type(rng).__name__}") from None


def _array(a: Any, where: str) -> np.ndarray:
    if isinstance(a, Tensor):
        return a.data
    if isinstance(a, np.ndarray):
        return a
    arr = np.asarray(a)
    if arr.dtype.kind == "f":
        from autograd_core import get_default_dtype

        arr = arr.astype(get_default_dtype())
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{where}: expected numeric arrays, got dtype {arr.dtype}")
    return arr


class Dataset:
    """Base class of map-style datasets: define `__getitem__(index)` and `__len__()`."""

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}: a map-style Dataset must define "
                                  "__getitem__(self, index)")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__}: a map-style Dataset must define "
                                  "__len__(self) (the DataLoader draws indices 0..len-1)")


class IterableDataset:
    """Base class of stream-like datasets: define `__iter__()` (and `__len__` if known)."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__}: an IterableDataset must define "
                                  "__iter__(self)")


class TensorDataset(Dataset):
    """Arrays that share their first axis: item i is (a[i], b[i], ...) as Tensors."""

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("TensorDataset: give at least one array")
        self.arrays = tuple(_array(a, "TensorDataset") for a in arrays)
        n = {len(a) if a.ndim else -1 for a in self.arrays}
        if len(n) != 1 or -1 in n:
            shapes = ", ".join(str(a.shape) for a in self.arrays)
            raise ValueError(f"TensorDataset: all arrays need the same first dimension (the "
                             f"number of examples); got shapes {shapes}")

    @property
    def tensors(self) -> tuple[Tensor, ...]:
        """The arrays as Tensors (PyTorch's attribute name), sharing memory."""
        return tuple(Tensor._wrap(a) for a in self.arrays)

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(Tensor._wrap(np.asarray(a[index])) for a in self.arrays)

    def __repr__(self) -> str:
        return f"TensorDataset({', '.join(str(a.shape) for a in self.arrays)})"


class Subset(Dataset):
    """The items of `dataset` at `indices`, in that order."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = [int(i) for i in indices]

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):  # PyTorch's rule: a list of indices goes through at once
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)

    def __repr__(self) -> str:
        return f"Subset({type(self.dataset).__name__}, {len(self.indices)} items)"


def random_split(dataset: Any, lengths: Sequence[float], generator: Any = None,
                 rng: Any = None) -> list[Any]:
    """Split into disjoint random parts, by counts (`[800, 200]`) or fractions (`[0.8, 0.2]`).

    Fractions are rounded down and the remainder goes to the parts in turn, as in PyTorch.
    A `TensorDataset` splits into TensorDatasets (arrays copied once), any other dataset into
    `Subset`s. `generator` (or its older name `rng`) is an int seed or a Generator; None draws
    from the library's random generator, so `manual_seed(n)` makes the split reproducible.
    """
    gen = _one_of(generator, rng, "random_split")
    n = len(dataset)
    lengths = list(lengths)
    if lengths and all(0 <= f <= 1 for f in lengths) and math.isclose(sum(lengths), 1.0) \
            and sum(lengths) != n:
        counts = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
    else:
        counts = [int(c) for c in lengths]
    if sum(counts) != n or any(c < 0 for c in counts):
        raise ValueError(f"random_split: lengths {lengths} must be counts summing to the "
                         f"dataset's length {n}, or fractions summing to 1")
    perm = (default_rng() if gen is None else as_rng(gen)).permutation(n)
    parts: list[Any] = []
    start = 0
    for c in counts:
        idx = perm[start:start + c]
        if isinstance(dataset, TensorDataset):
            parts.append(TensorDataset(*(a[idx] for a in dataset.arrays)))
        else:
            parts.append(Subset(dataset, idx.tolist()))
        start += c
    return parts


def _one_of(generator: Any, rng: Any, where: str) -> Any:
    """`generator=` (PyTorch's name) or `rng=` (this library's older one), not both."""
    if generator is not None and rng is not None:
        raise TypeError(f"{where}: give generator= or rng= (the same thing), not both")
    return generator if generator is not None else rng
