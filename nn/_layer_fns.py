"""Functional forms of the layers: linear, maxout, dropout, batch_norm, layer_norm, embedding."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Node, Tensor, no_grad, where
from autograd_core import functions as _fns

from ._random import default_rng

__all__ = ["linear", "maxout", "dropout", "batch_norm", "layer_norm", "embedding", "one_hot"]


def as_tensor(x: Any, like: Tensor | None = None, op: str = "nn") -> Tensor:
    """`x` as a Tensor; numbers, lists and arrays take `like`'s float dtype when given."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Node):
        raise TypeError(f"{op}: got a {type(x).__name__}; nn layers work on Tensors (the "
                        "scalar nn.Neuron/Layer/MLP work on Values)")
    if like is not None and like.dtype.kind == "f":
        arr = np.asarray(x)
        if arr.dtype.kind in "iuf":
            return Tensor(arr.astype(like.dtype, copy=False))
    return Tensor(x)  # lists and numbers become the default float dtype; arrays keep theirs


def linear(x: Any, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x @ weight.T + bias, with weight of shape (out_features, in_features)."""
    x = as_tensor(x, weight, "linear")
    if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input of shape {x.shape} does not fit a weight of shape "
                         f"{weight.shape} (out_features, in_features): the input's last axis "
                         f"must have size {weight.shape[1]}")
    return _fns.Linear.apply(x, weight, bias)  # the core's fused primitive: one node


def maxout(x: Any, pieces: int, axis: int = -1) -> Tensor:
    """Max over groups of `pieces` consecutive entries along `axis`.

    The size of `axis` shrinks by a factor `pieces`. The gradient goes only to the winning
    entry (the first one on ties).
    """
    x = as_tensor(x, None, "maxout")
    if x.ndim == 0:
        raise ValueError("maxout: needs at least one axis")
    ax = axis % x.ndim
    n = x.shape[ax]
    if pieces < 1 or n % pieces:
        raise ValueError(f"maxout: axis {axis} has size {n}, which is not a multiple of "
                         f"pieces={pieces}")
    moved = x.swapaxes(ax, -1) if ax != x.ndim - 1 else x
    lead = moved.shape[:-1]
    groups = moved.reshape(-1, pieces)
    win = np.argmax(groups.data, axis=1)  # argmax picks the first maximum: our tie-break
    picked = groups[np.arange(groups.shape[0]), win].reshape(*lead, n // pieces)
    return picked.swapaxes(ax, -1) if ax != x.ndim - 1 else picked


def dropout(x: Any, p: float = 0.5, training: bool = True,
            rng: np.random.Generator | None = None) -> Tensor:
    """Inverted dropout: zero each entry with probability p, scale the rest by 1/(1-p).

    The scaling keeps the expectation, so nothing changes at evaluation time
    (training=False returns x).
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability p must be in [0, 1], got {p}")
    x = as_tensor(x, None, "dropout")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    keep = default_rng(rng).random(x.shape) >= p
    return x * Tensor._wrap((keep / (1.0 - p)).astype(x.dtype))


def _stat_axes(x: Tensor, op: str, num_features: int | None) -> tuple[int, ...]:
    if x.ndim not in (2, 3):
        raise ValueError(f"{op}: expected input of shape (N, C) or (N, C, L), got {x.shape}")
    if num_features is not None and x.shape[1] != num_features:
        raise ValueError(f"{op}: input has {x.shape[1]} features (axis 1 of shape {x.shape}) "
                         f"but the layer was built for {num_features}")
    return (0,) if x.ndim == 2 else (0, 2)


def batch_norm(x: Any, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float | None = 0.1, eps: float = 1e-5,
               num_batches_tracked: int = 0) -> Tensor:
    """Normalize over the batch (and length) axes: (x - mean) / sqrt(var + eps) * w + b.

    Training uses the batch's biased variance and updates the running statistics in place:
    r <- (1 - momentum) r + momentum * stat, with the unbiased variance (n / (n - 1)), as
    PyTorch. `momentum=None` gives a cumulative average. Evaluation uses the running ones.
    """
    x = as_tensor(x, weight, "batch_norm")
    axes = _stat_axes(x, "batch_norm", None if weight is None else weight.shape[0])
    shape = (1, x.shape[1]) + ((1,) if x.ndim == 3 else ())
    if training or running_mean is None or running_var is None:
        n = int(np.prod([x.shape[a] for a in axes]))
        if n <= 1:
            raise ValueError(f"batch_norm: training needs more than one value per channel, "
                             f"got input of shape {x.shape}")
        mean = x.mean(axes, keepdims=True)
        var = ((x - mean) ** 2).mean(axes, keepdims=True)
        if training and running_mean is not None and running_var is not None:
            m = 1.0 / (num_batches_tracked + 1) if momentum is None else momentum
            with no_grad():
                bm = mean.data.reshape(-1)
                bv = var.data.reshape(-1) * (n / (n - 1))
                running_mean.data = ((1 - m) * running_mean.data + m * bm).astype(
                    running_mean.dtype)
                running_var.data = ((1 - m) * running_var.data + m * bv).astype(running_var.dtype)
    else:
        mean = Tensor._wrap(running_mean.data.reshape(shape).astype(x.dtype, copy=False))
        var = Tensor._wrap(running_var.data.reshape(shape).astype(x.dtype, copy=False))
    y = (x - mean) / (var + eps).sqrt()
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def layer_norm(x: Any, normalized_shape: tuple[int, ...], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize over the last len(normalized_shape) axes, then scale and shift.

    The variance is the biased one (PyTorch); `weight` scales and `bias` shifts.
    """
    x = as_tensor(x, weight, "layer_norm")
    k = len(normalized_shape)
    if tuple(x.shape[x.ndim - k:]) != tuple(normalized_shape) or x.ndim < k:
        raise ValueError(f"layer_norm: input of shape {x.shape} does not end in the normalized "
                         f"shape {tuple(normalized_shape)}")
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = x.mean(axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axes, keepdims=True)
    y = (x - mean) / (var + eps).sqrt()
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def _indices(idx: Any, n: int, op: str) -> np.ndarray:
    arr = idx.data if isinstance(idx, Tensor) else np.asarray(idx)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise TypeError(f"{op}: indices must be integers, got non-integral floats")
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "iu":
        raise TypeError(f"{op}: indices must be integers, got dtype {arr.dtype}")
    if arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        if lo < 0 or hi >= n:
            bad = lo if lo < 0 else hi
            raise IndexError(f"{op}: index {bad} is out of range for {n} embeddings "
                             f"(valid: 0..{n - 1})")
    return arr


def embedding(idx: Any, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Rows of `weight` picked by integer `idx` (any shape): shape idx.shape + (dim,).

    The row at `padding_idx` gets no gradient.
    """
    arr = _indices(idx, weight.shape[0], "embedding")
    out = weight[arr]
    if padding_idx is not None and weight.requires_grad:
        pad = (arr == padding_idx)[..., None]
        if pad.any():
            out = where(pad, out.detach(), out)
    return out


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """Class indices as one-hot rows: an int64 Tensor with a new last axis, as PyTorch's.

    The new axis has `num_classes` entries (-1: one more than the largest index).
    """
    idx = tensor.data if isinstance(tensor, Tensor) else np.asarray(tensor)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"one_hot: expects integer class indices, got dtype {idx.dtype}")
    if idx.size and idx.min() < 0:
        raise ValueError(f"one_hot: class indices must be non-negative, got {int(idx.min())}")
    n = int(idx.max()) + 1 if num_classes == -1 and idx.size else int(num_classes)
    if n < 0 or (num_classes == -1 and not idx.size):
        raise ValueError("one_hot: give num_classes for an empty tensor")
    if idx.size and idx.max() >= n:
        raise ValueError(f"one_hot: class index {int(idx.max())} is not smaller than "
                         f"num_classes={n}")
    out = np.zeros((*idx.shape, n), dtype=np.int64)
    np.put_along_axis(out, idx[..., None].astype(np.intp), 1, axis=-1)
    return Tensor._wrap(out)
