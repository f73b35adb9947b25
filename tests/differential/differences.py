"""The deliberate differences from PyTorch, in one place, each with the README line it comes from.

The harness compares against PyTorch except here. Each entry says what the generator or the
comparison does about it; `test_differential.py` checks that each README line is still in
the README, so a difference cannot outlive its documentation (or be added without it).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Difference:
    """One documented difference: the README line, and how the harness honours it."""

    readme: str
    harness: str


INDEXING = Difference(
    readme="are both advanced indices, so their axis comes first (PyTorch puts it last).",
    harness="the generator keeps an index expression only where PyTorch gives numpy's result "
            "(indexing.torch_agrees); the others are numpy's rule, checked by tests/test_ops.py")

SETITEM_REPEATED = Difference(
    readme="and only that write gets the gradient (PyTorch gives every repeated write the "
           "gradient).",
    harness="a repeated-index write of a value that requires grad is rendered for PyTorch as "
            "the equivalent write of each element once (setitem_torch below)")

AXIS_0D = Difference(
    readme="- A 0-d tensor has no axes: `axis=0` on it is an error (PyTorch accepts `dim=0`), "
           "and",
    harness="the generator gives 0-d tensors axis=None only, and squeezes only size-1 axes")

NUMPY_SPELLINGS = Difference(
    readme="- numpy's functions keep numpy's meaning on a Tensor while its methods take "
           "PyTorch's:",
    harness="np.split(t, ...) is rendered for PyTorch as tensor_split, transpose() and a "
            "one-tuple transpose as permute; var/std always name their correction")

PROMOTION = Difference(
    readme="numpy float64 scalar makes a float32 tensor float64 (PyTorch keeps float32).",
    harness="the float32 run expects numpy's dtype for every node (program.promote), not "
            "PyTorch's, and compares values at the accuracy of the dtype each library used")

TIES = Difference(
    readme="Conventions: `amax`/`amin`, `max()`/`min()` over all elements and "
           "`maximum`/`minimum` share",
    harness="PyTorch's amax/amin/maximum/minimum share ties the same way; max(dim) is drawn "
            "only away from ties (program.near_tie), where both send the gradient to the index")

INPLACE_READERS = Difference(
    readme="- Any op that used the tensor before the in-place write (including `x.clone()` "
           "and `x[1]`)",
    harness="in-place steps write only into a tensor made in the same step (inplace.py), so "
            "no op has read it before the write")

UNDEFINED = Difference(
    readme="- Where PyTorch's derivative is NaN (a point where it is undefined, such as the second",
    harness="elements where PyTorch's result is NaN are not compared "
            "(undefined_points_dropped below), and no second derivative is taken of a NaN "
            "first-order objective; everywhere else ours must match. The generator "
            "draws no std of a (nearly) constant slice (std_is_regular): there PyTorch's "
            "gradient is rounding noise, and ours is 0 for an exact zero variance")

FLOAT32_ULPS = Difference(
    readme="- float32 arithmetic is numpy's: its float32 `exp`, `log`, `sin`... are within a few "
           "ulps",
    harness="compare32 allows, besides a small factor of PyTorch's own float32 error, what "
            "compare.WOBBLE ulps of rounding in every op would cause (a float64 run with every "
            "leaf and result moved by that much)")

ALL = [UNDEFINED, FLOAT32_ULPS, INDEXING, SETITEM_REPEATED, AXIS_0D, NUMPY_SPELLINGS,
       PROMOTION, TIES, INPLACE_READERS]


def setitem_torch(shape: tuple[int, ...], raw_index: Any, target: str, value: str) -> str:
    """PyTorch source for `target[raw_index] = value` with numpy's rule for repeated elements:
    each element selected more than once takes the value of its last write, and only that
    write receives the gradient (SETITEM_REPEATED)."""
    ids = np.arange(int(np.prod(shape))).reshape(shape)[raw_index]
    flat = ids.reshape(-1)
    last: dict[int, int] = {}
    for pos, i in enumerate(flat.tolist()):
        last[i] = pos
    dst = np.unravel_index(np.array(list(last), dtype=np.int64), shape)
    where = ", ".join(f"torch.tensor({d.tolist()!r}, dtype=torch.int64)" for d in dst)
    src = list(last.values())
    return (f"{target}[{where},] = torch.broadcast_to({value}, {tuple(ids.shape)!r})"
            f".reshape(-1)[torch.tensor({src!r}, dtype=torch.int64)]")


def undefined_points_dropped(ours: np.ndarray, theirs: np.ndarray
                             ) -> tuple[np.ndarray, np.ndarray]:
    """Both arrays without the elements where PyTorch's result is NaN (UNDEFINED): there the
    derivative does not exist, and ours may be NaN or its limit."""
    if theirs.dtype.kind != "f" or ours.shape != theirs.shape:
        return ours, theirs
    keep = ~np.isnan(theirs)
    return (ours, theirs) if keep.all() else (ours[keep], theirs[keep])


def std_is_regular(x: np.ndarray, axis: Any, ddof: int) -> bool:
    """False when some std of `x` over `axis` is (nearly) 0, where std is not differentiable and
    each library's gradient is whatever its rounding gives (UNDEFINED)."""
    if x.size == 0:
        return True
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ddof >= n: numpy warns, and the std is NaN
        s = np.std(x, axis=axis, ddof=ddof)
    scale = float(np.max(np.abs(x))) + 1e-300
    return bool(np.all(~np.isfinite(s) | (np.abs(s) > 1e-6 * scale)))
