"""Minibatches: `DataLoader` draws the lecture's batches (32 examples by default), shuffled anew
each epoch; `TensorDataset` and `random_split` hold and split the arrays.

    loader = DataLoader(x, y, batch_size=32, shuffle=True, rng=0)
    for epoch in range(epochs):
        for xb, yb in loader:        # one pass over the data = one epoch
            ...
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from autograd_core import Tensor

from ._random import default_rng

__all__ = ["TensorDataset", "DataLoader", "random_split", "as_rng"]


def as_rng(rng: Any) -> np.random.Generator:
    """A numpy Generator from None (fresh entropy), an int seed, or a Generator (kept)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise TypeError(f"expected None, an int seed or a numpy Generator, got {type(rng).__name__}")


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


class TensorDataset:
    """Arrays that share their first axis: item i is (a[i], b[i], ...)."""

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("TensorDataset: give at least one array")
        self.arrays = tuple(_array(a, "TensorDataset") for a in arrays)
        n = {len(a) if a.ndim else -1 for a in self.arrays}
        if len(n) != 1 or -1 in n:
            shapes = ", ".join(str(a.shape) for a in self.arrays)
            raise ValueError(f"TensorDataset: all arrays need the same first dimension (the "
                             f"number of examples); got shapes {shapes}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)

    def __repr__(self) -> str:
        return f"TensorDataset({', '.join(str(a.shape) for a in self.arrays)})"


def random_split(dataset: TensorDataset, lengths: Sequence[float],
                 rng: Any = None) -> list[TensorDataset]:
    """Split into disjoint random parts, by counts (`[800, 200]`) or fractions (`[0.8, 0.2]`).

    Fractions are rounded down and the remainder goes to the parts in turn, as in PyTorch.
    `rng` is an int seed or a numpy Generator; None draws from nn's module-level generator,
    so `nn.manual_seed(n)` makes the split reproducible.
    """
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
    perm = (default_rng() if rng is None else as_rng(rng)).permutation(n)
    parts, start = [], 0
    for c in counts:
        parts.append(TensorDataset(*dataset[perm[start:start + c]]))
        start += c
    return parts


class DataLoader:
    """Iterate over minibatches `(xb, yb)` as Tensors (just `xb` when there are no labels).

    `x` may be an array, a Tensor, or a `TensorDataset` (then `y` must be None). With
    `shuffle=True` each epoch (each `iter()`) draws a new permutation from `rng` (an int seed
    or a numpy Generator): the same seed gives the same sequence of epochs. Without `rng`
    the permutations come from nn's module-level generator, looked up as each epoch starts
    (like the layers'), so `nn.manual_seed(n)` makes the run reproducible.
    `len(loader)` is the number of batches per epoch; `drop_last=True` skips a final short batch.
    """

    def __init__(self, x: Any, y: Any = None, batch_size: int = 32, shuffle: bool = True,
                 drop_last: bool = False, rng: Any = None) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got "
                             f"{batch_size!r}")
        if isinstance(x, TensorDataset):
            if y is not None:
                raise ValueError("DataLoader: give either a TensorDataset or arrays x, y")
            self.dataset = x
        else:
            self.dataset = TensorDataset(x) if y is None else TensorDataset(x, y)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        # None stays None: the module-level generator is read at each epoch, not frozen here.
        self.rng = None if rng is None else as_rng(rng)

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = default_rng(self.rng).permutation(n) if self.shuffle else None
        bs = self.batch_size
        for b in range(len(self)):
            # A contiguous slice (a view, no copy) when not shuffling.
            idx = order[b * bs:(b + 1) * bs] if order is not None else slice(b * bs,
                                                                             (b + 1) * bs)
            batch = tuple(Tensor._wrap(np.ascontiguousarray(a[idx]))
                          for a in self.dataset.arrays)
            yield batch[0] if len(batch) == 1 else batch

    def __repr__(self) -> str:
        return (f"DataLoader({self.dataset!r}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last})")
