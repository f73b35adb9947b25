"""Random index expressions for a shape: ints, slices with steps, None, `...`, integer arrays
(repeats and negative indices included), boolean masks, and mixes of them.

An expression is a tuple of items; `render` writes it for either library. PyTorch takes the
same spelling with torch tensors in place of numpy arrays; where its meaning differs from
numpy's (an int and an array separated by a slice, for one), the generator drops the
expression: see differences.INDEXING.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .program import bool_lit, int_lit


class Arr:
    """An integer-array index item."""

    def __init__(self, a: np.ndarray) -> None:
        self.a = np.asarray(a, dtype=np.int64)


class Mask:
    """A boolean-mask index item (covers as many axes as it has dimensions)."""

    def __init__(self, m: np.ndarray) -> None:
        self.m = np.asarray(m, dtype=bool)


def draw(rng: np.random.Generator, shape: tuple[int, ...], repeats: bool = True) -> tuple:
    """A random valid index expression for an array of `shape`."""
    items: list[Any] = []
    axis = 0
    nd = len(shape)
    use_ellipsis = nd >= 2 and rng.random() < 0.2
    ellipsis_at = int(rng.integers(0, nd)) if use_ellipsis else -1
    n_items = int(rng.integers(1, nd + 1)) if nd else 0
    while axis < nd and len([i for i in items if i is not None]) < n_items:
        if axis == ellipsis_at:
            items.append(Ellipsis)
            skip = int(rng.integers(1, nd - axis + 1))
            axis += skip
            ellipsis_at = -1
            continue
        if rng.random() < 0.1:
            items.append(None)
        n = shape[axis]
        r = rng.random()
        if r < 0.25 and n > 0:
            items.append(int(rng.integers(-n, n)))
            axis += 1
        elif r < 0.55:
            items.append(_slice(rng, n))
            axis += 1
        elif r < 0.8:
            size = int(rng.integers(0, 4))
            if n == 0:
                size = 0
            idx = rng.integers(-n, n, size=size) if n else np.zeros(0, dtype=np.int64)
            if not repeats and size:
                idx = np.unique(idx % n)
            if rng.random() < 0.2 and idx.size >= 2:
                idx = idx.reshape(-1, 1) if rng.random() < 0.5 else idx
            items.append(Arr(idx))
            axis += 1
        else:
            k = 2 if axis + 1 < nd and rng.random() < 0.3 else 1
            m = rng.random(shape[axis:axis + k]) < 0.5
            items.append(Mask(m))
            axis += k
    if rng.random() < 0.1:
        items.append(None)
    if len(items) == 1 and rng.random() < 0.5:
        return items[0] if not isinstance(items[0], tuple) else tuple(items)
    return tuple(items)


def _slice(rng: np.random.Generator, n: int) -> slice:
    start = None if rng.random() < 0.4 else int(rng.integers(-n - 1, n + 2))
    stop = None if rng.random() < 0.4 else int(rng.integers(-n - 1, n + 2))
    step = None if rng.random() < 0.5 else int(rng.integers(1, 4))
    return slice(start, stop, step)


def raw(index: Any) -> Any:
    """The expression as numpy takes it."""
    if isinstance(index, tuple):
        return tuple(raw(i) for i in index)
    if isinstance(index, Arr):
        return index.a
    if isinstance(index, Mask):
        return index.m
    return index


def has_repeats(shape: tuple[int, ...], index: Any) -> bool:
    """True when the expression selects some element more than once."""
    ids = np.arange(int(np.prod(shape))).reshape(shape)
    picked = ids[raw(index)].reshape(-1)
    return len(np.unique(picked)) != picked.size


def torch_agrees(shape: tuple[int, ...], index: Any) -> bool:
    """True when PyTorch selects what numpy selects with this expression (differences.INDEXING)."""
    import torch

    ids = np.arange(int(np.prod(shape))).reshape(shape)
    try:
        want = ids[raw(index)]
        got = eval(f"t[{render(index, 'torch')}]", {"t": torch.tensor(ids), "torch": torch})
    except (IndexError, ValueError, TypeError, RuntimeError):
        return False
    return want.shape == tuple(got.shape) and np.array_equal(want, got.numpy())


def render(index: Any, lib: str) -> str:
    """The expression as source, between the brackets."""
    items = index if isinstance(index, tuple) else (index,)
    parts = [_item(i, lib) for i in items]
    if isinstance(index, tuple) and len(items) == 1:
        return parts[0] + ","
    return ", ".join(parts) if parts else "()"


def _item(i: Any, lib: str) -> str:
    if i is None:
        return "None"
    if i is Ellipsis:
        return "..."
    if isinstance(i, slice):
        def part(v: int | None) -> str:
            return "" if v is None else str(v)
        text = f"{part(i.start)}:{part(i.stop)}"
        return text + (f":{i.step}" if i.step is not None else "")
    if isinstance(i, Arr):
        return int_lit(i.a, lib)
    if isinstance(i, Mask):
        return bool_lit(i.m, lib)
    return str(i)
