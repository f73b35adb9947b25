"""Minibatches: `DataLoader` speaks PyTorch's Dataset protocol and keeps a fast path for arrays.

    loader = DataLoader(x, y, batch_size=32, shuffle=True, generator=0)   # arrays
    loader = DataLoader(dataset, batch_size=32, shuffle=True)              # any Dataset
    for epoch in range(epochs):
        for xb, yb in loader:        # one pass over the data = one epoch
            ...

The defaults are PyTorch's except `batch_size`: 32, the lecture's minibatch (PyTorch's is 1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from autograd_core import Tensor

from ._random import default_rng
from .collate import default_collate, default_convert
from .data import IterableDataset, TensorDataset, _one_of, as_rng
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader"]

_UNSET: Any = object()


def _check_batch_size(bs: Any) -> int:
    if isinstance(bs, bool) or not isinstance(bs, (int, np.integer)) or bs <= 0:
        raise ValueError(f"DataLoader: batch_size must be a positive integer or None, got "
                         f"{bs!r}")
    return int(bs)


def _kind(data: Any) -> str:
    """'arrays' (numpy/Tensor fast path), 'map' or 'iterable', PyTorch's classification."""
    if isinstance(data, (np.ndarray, Tensor, TensorDataset)):
        return "arrays"
    if isinstance(data, IterableDataset):
        return "iterable"
    if hasattr(data, "__getitem__"):
        if not hasattr(data, "__len__"):
            # Python would iterate it through __getitem__ until an IndexError, which a
            # dataset that computes its items may never raise: refuse instead of looping.
            raise TypeError(f"DataLoader: {type(data).__name__} has __getitem__ but no "
                            "__len__; a map-style dataset needs __len__ (the loader draws "
                            "indices 0..len-1), or make it an nn.IterableDataset with "
                            "__iter__")
        return "map"
    if hasattr(data, "__iter__"):
        return "iterable"
    raise TypeError(f"DataLoader: expected arrays, a Tensor or a dataset (with __len__ and "
                    f"__getitem__, or __iter__), got {type(data).__name__}")


class DataLoader:
    """Iterate over minibatches of a dataset, or of arrays `x` (and labels `y`), as Tensors.

    `dataset` is a map-style dataset (`__len__` and `__getitem__`, e.g. a list or an
    `nn.Dataset`), an iterable one (`nn.IterableDataset`), a `TensorDataset`, or arrays:
    `DataLoader(x, y)` yields `(xb, yb)`, `DataLoader(x)` just `xb`. Samples are batched by
    `collate_fn` (`default_collate`: numbers, arrays, Tensors, tuples and dicts, PyTorch's
    rules). With `shuffle=True` each epoch (each `iter()`) draws a new order from `generator`
    (an int seed or a Generator, kept across epochs; `rng` is its older name) or, without one,
    from the library's generator read as the epoch starts, so `manual_seed(n)` governs it.
    `len(loader)` is the number of batches per epoch; an epoch never visits more indices than
    `len(dataset)`. Everything loads in this process: `num_workers` and `pin_memory` are
    accepted for ported code and change nothing but speed.
    """

    def __init__(self, dataset: Any, y: Any = None, batch_size: int | None = _UNSET,
                 shuffle: bool | None = None, sampler: Iterable[Any] | None = None,
                 batch_sampler: Iterable[Any] | None = None, num_workers: int = 0,
                 collate_fn: Callable[[list[Any]], Any] | None = None,
                 pin_memory: bool = False, drop_last: bool = False, *, generator: Any = None,
                 rng: Any = None, timeout: float = 0, worker_init_fn: Any = None,
                 persistent_workers: bool = False, prefetch_factor: int | None = None) -> None:
        if isinstance(y, (int, np.integer)) and not isinstance(y, bool):
            # DataLoader(dataset, 64[, True]): PyTorch's positional batch_size[, shuffle].
            if isinstance(batch_size, bool) and shuffle is None:
                shuffle = batch_size
            elif batch_size is not _UNSET:
                raise TypeError(f"DataLoader: got y={y!r} (a number, not labels: those are an "
                                f"array) and then {batch_size!r}; past PyTorch's positional "
                                "batch_size and shuffle, write keywords")
            y, batch_size = None, y
        bs = 32 if batch_size is _UNSET else batch_size
        if bs is not None:
            bs = _check_batch_size(bs)
        if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers must be an integer >= 0, got "
                             f"{num_workers!r}")
        if worker_init_fn is not None:
            raise ValueError("DataLoader: worker_init_fn is not supported: this loader has no "
                             "worker processes (everything loads in this process); seed with "
                             "generator= or manual_seed instead")
        if not isinstance(drop_last, bool):
            raise TypeError(f"DataLoader: drop_last must be a bool, got {drop_last!r}")
        gen = _one_of(generator, rng, "DataLoader")

        self._pair = y is not None
        if self._pair:
            self.dataset: Any = TensorDataset(dataset, y)
        elif isinstance(dataset, (np.ndarray, Tensor)):
            if np.ndim(dataset) == 0:
                raise ValueError("DataLoader: a 0-d array has no examples to batch")
            self.dataset = dataset  # a Tensor or array is a dataset of its rows, as in PyTorch
        else:
            self.dataset = dataset
        self._kind = _kind(self.dataset)
        self._arrays: tuple[np.ndarray, ...] | None = None
        if self._kind == "arrays":
            self._arrays = self.dataset.arrays if isinstance(self.dataset, TensorDataset) \
                else (TensorDataset(self.dataset).arrays)

        if self._kind == "iterable":
            for name, value in (("shuffle", shuffle), ("sampler", sampler),
                                ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError(f"DataLoader: an iterable dataset is read in its own "
                                     f"order; {name}={value!r} cannot apply (shuffle inside "
                                     "the dataset's __iter__ instead)")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler and shuffle=True are mutually exclusive (the "
                             "sampler decides the order)")
        if batch_sampler is not None:
            if batch_size is not _UNSET and batch_size is not None and batch_size != 1 \
                    or shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader: batch_sampler is mutually exclusive with "
                                 "batch_size, shuffle, sampler and drop_last (it makes the "
                                 "batches itself)")
            bs = None
        elif bs is None and drop_last:
            raise ValueError("DataLoader: batch_size=None turns batching off, so drop_last "
                             "cannot apply")

        self.batch_size = bs
        self.shuffle = bool(shuffle)
        self.drop_last = drop_last
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.collate_fn = collate_fn
        # None stays None: the library's generator is read at each epoch, not frozen here.
        self.generator = None if gen is None else as_rng(gen)
        self.rng = self.generator  # the older name
        self._auto_collation = batch_sampler is not None or bs is not None
        if self._kind == "iterable":
            self.sampler: Any = None
            self.batch_sampler: Any = None
        else:
            if sampler is None:
                sampler = RandomSampler(self.dataset, generator=self.generator) \
                    if self.shuffle else SequentialSampler(self.dataset)
            self.sampler = sampler
            if batch_sampler is None and bs is not None:
                batch_sampler = BatchSampler(sampler, bs, drop_last)
            self.batch_sampler = batch_sampler

    def __len__(self) -> int:
        if self._kind == "iterable":
            try:
                n = len(self.dataset)
            except TypeError:
                raise TypeError(f"DataLoader: len() of a loader over an iterable dataset needs "
                                f"the dataset's own len(), which {type(self.dataset).__name__} "
                                "does not define") from None
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)

    def __iter__(self) -> Iterator[Any]:
        if self._kind == "iterable":
            return self._iter_stream()
        if self._kind == "arrays" and self.collate_fn is None and self._auto_collation \
                and type(self.sampler) in (SequentialSampler, RandomSampler) \
                and type(self.batch_sampler) is BatchSampler \
                and self.batch_sampler.sampler is self.sampler:
            return self._iter_arrays()
        return self._iter_indices()

    def _iter_arrays(self) -> Iterator[Any]:
        # The same batches as indexing item by item and collating, in one numpy call each.
        arrays = self._arrays
        assert arrays is not None
        n = len(arrays[0])
        sampler = self.sampler
        order = None
        if isinstance(sampler, RandomSampler):
            if sampler.replacement or sampler.num_samples != n:
                order = np.asarray(list(iter(sampler)), dtype=np.intp)
            else:
                order = default_rng(sampler.generator).permutation(n)
        bs = self.batch_size
        assert bs is not None
        for b in range(len(self)):
            # A contiguous slice (a view, no copy) when not shuffling.
            idx = order[b * bs:(b + 1) * bs] if order is not None else slice(b * bs,
                                                                             (b + 1) * bs)
            batch = [Tensor._wrap(np.ascontiguousarray(a[idx])) for a in arrays]
            yield self._shape_batch(batch)

    def _shape_batch(self, batch: list[Tensor]) -> Any:
        # DataLoader(x) yields xb; DataLoader(x, y) a tuple (xb, yb); a TensorDataset a list,
        # as PyTorch's default_collate makes of its tuples.
        if self._pair:
            return tuple(batch)
        return batch if isinstance(self.dataset, TensorDataset) else batch[0]

    def _item(self, i: Any) -> Any:
        if self._arrays is not None and not isinstance(self.dataset, TensorDataset):
            return Tensor._wrap(np.asarray(self._arrays[0][i]))  # a row of x
        return self.dataset[i]

    def _iter_indices(self) -> Iterator[Any]:
        item = self._item
        if not self._auto_collation:
            convert = self.collate_fn or default_convert
            for i in self.sampler:
                yield convert(item(i))
            return
        collate = self.collate_fn or default_collate
        pair = self._pair and self.collate_fn is None
        for indices in self.batch_sampler:
            batch = collate([item(i) for i in indices])
            yield tuple(batch) if pair else batch

    def _iter_stream(self) -> Iterator[Any]:
        it = iter(self.dataset)
        if not self._auto_collation:
            convert = self.collate_fn or default_convert
            for item in it:
                yield convert(item)
            return
        collate = self.collate_fn or default_collate
        bs = self.batch_size
        assert bs is not None
        buf: list[Any] = []
        for item in it:  # one batch in memory at a time, however long the stream
            buf.append(item)
            if len(buf) == bs:
                yield collate(buf)
                buf = []
        if buf and not self.drop_last:
            yield collate(buf)

    def __repr__(self) -> str:
        return (f"DataLoader({self.dataset!r}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last})")
