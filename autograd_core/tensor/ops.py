"""Module-level forms of the Tensor ops, numpy's names: `exp(t)`, `maximum(a, b)`,
`where(c, a, b)`, `matmul`, `concatenate`, `stack`, `split`, `pad`, the reductions...

Most are one line over a Tensor method; the ones numpy has only as functions (`where`,
`concatenate`, `stack`, `maximum`) validate their arguments here.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import functions as fn
from ._spelling import UNSET, one_axis
from ._validate import _check_axis
from .tensor import Tensor, _to_tensor

__all__ = [
    "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "clip", "sign",
    "floor", "maximum", "minimum", "where", "matmul", "concatenate", "stack", "split", "pad",
    "sum", "mean", "max", "min", "var", "std", "logsumexp", "prod", "argmax", "argmin",
    "reshape", "transpose", "swapaxes", "flatten", "squeeze", "unsqueeze", "expand_dims",
    "broadcast_to", "softmax", "log_softmax", "mm", "cat", "chunk", "amax", "amin", "all",
    "any", "allclose", "log10", "permute",
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


def matmul(input: Any, other: Any) -> Tensor:
    """Matrix product, numpy's rules; the error names both shapes."""
    ta, tb = _pair(input, other, "matmul")
    return ta.matmul(tb)


def mm(input: Any, mat2: Any) -> Tensor:
    """Matrix product of two 2-D tensors."""
    return _t(input).mm(mat2)


def concatenate(tensors: Sequence[Any], axis: Any = UNSET, *, dim: Any = UNSET) -> Tensor:
    """Join tensors along an existing axis (`axis` or `dim`, 0 by default)."""
    axis = one_axis("concatenate", axis, dim, 0)
    ts = [_t(x) for x in tensors]
    if not ts:
        raise ValueError("concatenate: need at least one tensor")
    nd = ts[0].ndim
    if nd == 0:
        raise ValueError("concatenate: zero-dimensional tensors cannot be concatenated")
    ax = _check_axis(axis, nd, "concatenate", tuples=False)
    for t in ts:
        if t.ndim != nd or builtins.any(s != r for i, (s, r) in enumerate(zip(t.shape, ts[0].shape))
                               if i != ax):
            raise ValueError(f"concatenate: shapes {[x.shape for x in ts]} differ outside "
                             f"axis {ax}")
    return fn.Concatenate.apply(ax, *ts)


def cat(tensors: Sequence[Any], dim: Any = UNSET, *, axis: Any = UNSET) -> Tensor:
    """PyTorch's name for concatenate."""
    return concatenate(tensors, dim=one_axis("cat", axis, dim, 0))


def stack(tensors: Sequence[Any], axis: Any = UNSET, *, dim: Any = UNSET) -> Tensor:
    """Join tensors along a new axis (`axis` or `dim`, 0 by default)."""
    axis = one_axis("stack", axis, dim, 0)
    ts = [_t(x) for x in tensors]
    if not ts:
        raise ValueError("stack: need at least one tensor")
    if builtins.any(t.shape != ts[0].shape for t in ts):
        raise ValueError(f"stack: all tensors need the same shape, got {[t.shape for t in ts]}")
    ax = _check_axis(axis, ts[0].ndim + 1, "stack", tuples=False)
    return concatenate([t.unsqueeze(ax) for t in ts], axis=ax)


def split(x: Any, split_size_or_sections: Any, *args: Any, **kwargs: Any) -> list[Tensor]:
    """PyTorch's split: pieces of a given size, or of the sizes in a list (see Tensor.split)."""
    return _t(x).split(split_size_or_sections, *args, **kwargs)


def chunk(x: Any, chunks: int, *args: Any, **kwargs: Any) -> list[Tensor]:
    """At most `chunks` pieces of equal length."""
    return _t(x).chunk(chunks, *args, **kwargs)


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


# The reductions and shape functions take the method's arguments, in either spelling
# (`sum(x, 0)`, `sum(x, axis=0)`, `sum(x, dim=0, keepdim=True)`).
def sum(x: Any, *args: Any, **kwargs: Any) -> Tensor:  # noqa: A001
    """Sum over `axis`."""
    return _t(x).sum(*args, **kwargs)


def mean(x: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Mean over `axis`."""
    return _t(x).mean(*args, **kwargs)


def max(x: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: A001
    """PyTorch's max: a Tensor, `(values, indices)` along one dim, or the elementwise max."""
    return _t(x).max(*args, **kwargs)


def min(x: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: A001
    """PyTorch's min: a Tensor, `(values, indices)` along one dim, or the elementwise min."""
    return _t(x).min(*args, **kwargs)


def amax(x: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Maximum over `axis`, values only."""
    return _t(x).amax(*args, **kwargs)


def amin(x: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Minimum over `axis`, values only."""
    return _t(x).amin(*args, **kwargs)


def var(x: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Variance over `axis` (PyTorch's default correction=1)."""
    return _t(x).var(*args, **kwargs)


def std(x: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Standard deviation over `axis` (PyTorch's default correction=1)."""
    return _t(x).std(*args, **kwargs)


def logsumexp(x: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Stable log(sum(exp(x))) over `axis`."""
    return _t(x).logsumexp(*args, **kwargs)


def prod(x: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Product over `axis`."""
    return _t(x).prod(*args, **kwargs)


def argmax(x: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Index of the maximum."""
    return _t(x).argmax(*args, **kwargs)


def argmin(x: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Index of the minimum."""
    return _t(x).argmin(*args, **kwargs)


def all(x: Any, *args: Any, **kwargs: Any) -> Tensor:  # noqa: A001
    """True where every element is true (a boolean Tensor)."""
    return _t(x).all(*args, **kwargs)


def any(x: Any, *args: Any, **kwargs: Any) -> Tensor:  # noqa: A001
    """True where any element is true (a boolean Tensor)."""
    return _t(x).any(*args, **kwargs)


def allclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """True when |input - other| <= atol + rtol * |other| everywhere (a Python bool)."""
    return bool(np.allclose(_t(input).data, _t(other).data, rtol=rtol, atol=atol,
                            equal_nan=equal_nan))


def log10(x: Any) -> Tensor:
    """Base-10 logarithm."""
    return _t(x).log10()


def reshape(x: Any, *shape: Any) -> Tensor:
    """Reshape."""
    return _t(x).reshape(*shape)


def transpose(x: Any, *axes: Any, **kwargs: Any) -> Tensor:
    """Swap two axes given one by one (PyTorch), or permute by one tuple (numpy)."""
    return _t(x).transpose(*axes, **kwargs)


def permute(x: Any, *dims: Any) -> Tensor:
    """Reorder all the axes."""
    return _t(x).permute(*dims)


def swapaxes(x: Any, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes."""
    return _t(x).swapaxes(axis1, axis2)


def flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge the axes from `start_dim` to `end_dim`."""
    return _t(x).flatten(start_dim, end_dim)


def squeeze(x: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Drop size-1 axes."""
    return _t(x).squeeze(*args, **kwargs)


def unsqueeze(x: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Insert a size-1 axis."""
    return _t(x).unsqueeze(*args, **kwargs)


expand_dims = unsqueeze


def broadcast_to(x: Any, shape: Sequence[int]) -> Tensor:
    """Broadcast to `shape`."""
    return _t(x).broadcast_to(shape)


def softmax(x: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Stable softmax along `axis` (or `dim`)."""
    return _t(x).softmax(*args, **kwargs)


def log_softmax(x: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Stable log-softmax along `axis` (or `dim`)."""
    return _t(x).log_softmax(*args, **kwargs)
