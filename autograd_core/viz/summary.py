"""What a drawing shows of an array, computed once and kept without the array.

A `Summary` holds either the numbers themselves (arrays of at most `SMALL` entries) or a few
statistics (min, mean, max, L2 norm, how many entries are exactly zero). Drawings of live graphs
and the skeleton a Tensor graph keeps after `backward()` use the same summaries, so a picture
drawn after backward shows what it would have shown before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Summary", "summarize", "dead_units", "SMALL"]

SMALL = 6  # arrays with at most this many entries are drawn number by number


@dataclass(frozen=True)
class Summary:
    """The numbers of a small array, or statistics of a larger one; never the array itself.

    Small arrays keep only their entries (cheap to take during backward); the statistics of
    those are computed from the entries when a drawing asks for them.
    """

    shape: tuple[int, ...]
    values: tuple[Any, ...] | None = None  # all entries (flattened), when size <= SMALL
    stats: tuple[float, float, float, float, int] | None = None  # lo, mean, hi, norm, zeros
    numeric: bool = True
    note: str = ""  # said instead of numbers (e.g. that backward() did not keep them)

    @property
    def size(self) -> int:
        """How many entries the array had."""
        return math.prod(self.shape)

    def _stats(self) -> tuple[float, float, float, float, int]:
        if self.stats is not None:
            return self.stats
        v = [float(x) for x in (self.values or ())]
        if not v:
            return (math.nan, math.nan, math.nan, 0.0, 0)
        with np.errstate(all="ignore"):
            f = np.array(v)
            return (float(f.min()), float(f.mean()), float(f.max()),
                    float(np.linalg.norm(f)), int(np.count_nonzero(f == 0)))

    @property
    def lo(self) -> float:
        """The smallest entry."""
        return self._stats()[0]

    @property
    def mean(self) -> float:
        """The mean of the entries."""
        return self._stats()[1]

    @property
    def hi(self) -> float:
        """The largest entry."""
        return self._stats()[2]

    @property
    def norm(self) -> float:
        """The L2 norm (|x| for a single number)."""
        return self._stats()[3]

    @property
    def zeros(self) -> int:
        """How many entries are exactly zero."""
        return self._stats()[4]


def summarize(a: Any) -> Summary:
    """The Summary of a float, an array or anything numpy can turn into one."""
    if type(a) is float or type(a) is int:
        return Summary((), values=(a,))
    arr = np.asarray(a)
    shape = arr.shape
    if arr.dtype.kind not in "biuf":
        return Summary(shape, numeric=False)
    if arr.size <= SMALL:
        return Summary(shape, values=tuple(arr.reshape(-1).tolist()))
    flat = arr.reshape(-1)
    zeros = flat.size - int(np.count_nonzero(flat))
    with np.errstate(all="ignore"):
        f = flat if flat.dtype == np.float64 else flat.astype(np.float64)
        norm = math.sqrt(float(np.dot(f, f)))
        if math.isnan(norm):
            return Summary(shape, stats=(float(np.nanmin(f)) if not np.isnan(f).all() else
                                         math.nan, math.nan, math.nan, math.nan, zeros))
        return Summary(shape, stats=(float(f.min()), float(f.mean()), float(f.max()), norm,
                                     zeros))


def dead_units(out: Any) -> tuple[int, ...]:
    """The units (last-axis positions) of a ReLU's output that are 0 for every row of the batch.

    Such a unit passes no gradient back on this batch: its weights and bias do not learn. Only
    outputs with a batch (at least 2 dimensions) and at least 2 units are judged.
    """
    arr = np.asarray(out)
    if arr.ndim < 2 or arr.shape[-1] < 2 or arr.size == 0:
        return ()
    alive = arr.reshape(-1, arr.shape[-1]).any(axis=0)
    return tuple(int(k) for k in np.flatnonzero(~alive))
