"""Module-level forms of the Tensor ops, numpy's names: `exp(t)`, `maximum(a, b)`,
`where(c, a, b)`, `matmul`, `concatenate`, `stack`, `split`, `pad`, the reductions...

Most are one line over a Tensor method; the ones numpy has only as functions (`where`,
`concatenate`, `stack`, `maximum`) validate their arguments here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import functions as fn
from ._validate import _check_axis
from .tensor import Tensor, _to_tensor

__all__ = [
    "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "clip", "sign",
    "floor", "maximum", "minimum", "where", "matmul", "concatenate", "stack", "split", "pad",
    "sum", "mean", "max", "min", "var", "std", "logsumexp", "prod", "argmax", "argmin",
    "reshape", "transpose", "swapaxes", "flatten", "squeeze", "unsqueeze", "expand_dims",
    "broadcast_to", "softmax", "log_softmax",
]


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def exp(x: Any) -> Tensor:
    """e ** x."""
    return _t(x).exp()


def log(x: Any) -> Tensor:
    """Natural logarithm."""
    return _t(x).log()


def sqrt(x: Any) -> Tensor:
    """Square root."""
    return _t(x).sqrt()


def abs(x: Any) -> Tensor:  # noqa: A001 - numpy's name
    """Absolute value."""
    return _t(x).abs()


def sin(x: Any) -> Tensor:
    """Sine."""
    return _t(x).sin()


def cos(x: Any) -> Tensor:
    """Cosine."""
    return _t(x).cos()


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent."""
    return _t(x).tanh()


def sigmoid(x: Any) -> Tensor:
    """Logistic sigmoid."""
    return _t(x).sigmoid()


def relu(x: Any) -> Tensor:
    """max(x, 0)."""
    return _t(x).relu()


def clip(x: Any, lo: Any = None, hi: Any = None) -> Tensor:
    """Limit to [lo, hi]."""
    return _t(x).clip(lo, hi)


def sign(x: Any) -> Tensor:
    """-1, 0 or +1."""
    return _t(x).sign()


def floor(x: Any) -> Tensor:
    """Round down."""
    return _t(x).floor()


def _pair(a: Any, b: Any, op: str) -> tuple[Tensor, Tensor]:
    if isinstance(a, Tensor):
        return a, _to_tensor(b, a)
    if isinstance(b, Tensor):
        return _to_tensor(a, b), b
    raise TypeError(f"{op}: at least one argument must be a Tensor")


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise max (ties share the gradient)."""
    return fn.Maximum.apply(*_pair(a, b, "maximum"))


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise min (ties share the gradient)."""
    return fn.Minimum.apply(*_pair(a, b, "minimum"))


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """Elements of `a` where `cond`, else of `b` (broadcast as numpy)."""
    c = cond._data if isinstance(cond, Tensor) else np.asarray(cond)
    if c.dtype != bool:
        raise TypeError(f"where: the condition must be boolean, got dtype {c.dtype}")
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = Tensor(a)
    ta, tb = (a, _to_tensor(b, a)) if isinstance(a, Tensor) else (_to_tensor(a, b), b)
    try:
        np.broadcast_shapes(c.shape, ta.shape, tb.shape)
    except ValueError:
        raise ValueError(f"where: shapes {c.shape} (cond), {ta.shape} and {tb.shape} do not "
                         "broadcast together") from None
    return fn.Where.apply(c, ta, tb)


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product, numpy's rules; the error names both shapes."""
    ta, tb = _pair(a, b, "matmul")
    return ta.matmul(tb)


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis."""
    ts = [_t(x) for x in tensors]
    if not ts:
        raise ValueError("concatenate: need at least one tensor")
    nd = ts[0].ndim
    if nd == 0:
        raise ValueError("concatenate: zero-dimensional tensors cannot be concatenated")
    ax = _check_axis(axis, nd, "concatenate", tuples=False)
    for t in ts:
        if t.ndim != nd or any(s != r for i, (s, r) in enumerate(zip(t.shape, ts[0].shape))
                               if i != ax):
            raise ValueError(f"concatenate: shapes {[x.shape for x in ts]} differ outside "
                             f"axis {ax}")
    return fn.Concatenate.apply(ax, *ts)


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along a new axis."""
    ts = [_t(x) for x in tensors]
    if not ts:
        raise ValueError("stack: need at least one tensor")
    if any(t.shape != ts[0].shape for t in ts):
        raise ValueError(f"stack: all tensors need the same shape, got {[t.shape for t in ts]}")
    ax = _check_axis(axis, ts[0].ndim + 1, "stack", tuples=False)
    return concatenate([t.unsqueeze(ax) for t in ts], axis=ax)


def split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    """Split along `axis` into equal sections or at the given indices (numpy's meaning)."""
    return _t(x).split(indices_or_sections, axis)


def pad(x: Any, pad_width: Any, constant_values: float = 0.0) -> Tensor:
    """Pad with a constant, numpy's `pad_width` forms (int, (before, after), or per axis)."""
    x = _t(x)
    if x.ndim == 0:
        raise ValueError("pad: a 0-d tensor has no axes to pad; reshape it first, e.g. "
                         "x.reshape(1)")
    try:
        raw = np.asarray(pad_width)
        if raw.dtype.kind not in "iu":  # 1.5 must not become 1
            raise TypeError
        pw = np.broadcast_to(raw.astype(int), (x.ndim, 2))
    except (ValueError, TypeError):
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit a tensor with {x.ndim} "
                         "dimensions (give an int, (before, after), or one pair per axis)") \
            from None
    if (pw < 0).any():
        raise ValueError(f"pad: pad widths must be non-negative, got {pad_width!r}")
    return fn.Pad.apply(x, tuple(map(tuple, pw.tolist())), constant_values)


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Sum over `axis`."""
    return _t(x).sum(axis, keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Mean over `axis`."""
    return _t(x).mean(axis, keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Maximum over `axis`."""
    return _t(x).max(axis, keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Minimum over `axis`."""
    return _t(x).min(axis, keepdims)


def var(x: Any, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Variance over `axis`."""
    return _t(x).var(axis, keepdims, ddof)


def std(x: Any, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Standard deviation over `axis`."""
    return _t(x).std(axis, keepdims, ddof)


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Stable log(sum(exp(x))) over `axis`."""
    return _t(x).logsumexp(axis, keepdims)


def prod(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Product over `axis`."""
    return _t(x).prod(axis, keepdims)


def argmax(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Index of the maximum."""
    return _t(x).argmax(axis, keepdims)


def argmin(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Index of the minimum."""
    return _t(x).argmin(axis, keepdims)


def reshape(x: Any, *shape: Any) -> Tensor:
    """Reshape."""
    return _t(x).reshape(*shape)


def transpose(x: Any, *axes: Any) -> Tensor:
    """Permute axes."""
    return _t(x).transpose(*axes)


def swapaxes(x: Any, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes."""
    return _t(x).swapaxes(axis1, axis2)


def flatten(x: Any, start_axis: int = 0) -> Tensor:
    """Merge axes from `start_axis` on."""
    return _t(x).flatten(start_axis)


def squeeze(x: Any, axis: Any = None) -> Tensor:
    """Drop size-1 axes."""
    return _t(x).squeeze(axis)


def unsqueeze(x: Any, axis: int) -> Tensor:
    """Insert a size-1 axis."""
    return _t(x).unsqueeze(axis)


expand_dims = unsqueeze


def broadcast_to(x: Any, shape: Sequence[int]) -> Tensor:
    """Broadcast to `shape`."""
    return _t(x).broadcast_to(shape)


def softmax(x: Any, axis: int = -1) -> Tensor:
    """Stable softmax along `axis`."""
    return _t(x).softmax(axis)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """Stable log-softmax along `axis`."""
    return _t(x).log_softmax(axis)
