"""Layers: Linear, Maxout, Dropout, BatchNorm1d, LayerNorm, Flatten, Identity, Embedding.

Weight layout: `Linear.weight` has shape (out_features, in_features), as in PyTorch, and the
layer computes y = x @ weight.T + bias. So fan_in = in_features = weight.shape[1] and
fan_out = out_features = weight.shape[0] (what `nn.init` assumes).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core import Tensor, get_default_dtype

from . import init as _init
from ._layer_fns import batch_norm, dropout, embedding, layer_norm, linear, maxout
from ._random import default_rng
from .module import Module, Parameter

__all__ = ["Linear", "Maxout", "Dropout", "BatchNorm1d", "LayerNorm", "Flatten", "Identity",
           "Embedding"]

InitArg = str | Callable[..., Any] | None


def _sizes(layer: str, **sizes: Any) -> None:
    """Layer sizes must be positive integers; say which layer and which argument otherwise."""
    for name, v in sizes.items():
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{layer}: {name} must be an integer, got {type(v).__name__} {v!r}")
        if v < 1:
            raise ValueError(f"{layer}: {name} must be positive, got {v}")


def _empty(*shape: int, dtype: Any = None) -> Parameter:
    return Parameter(np.zeros(shape, dtype=dtype or get_default_dtype()))


def _init_weight(weight: Parameter, bias: Parameter | None, init: InitArg,
                 rng: np.random.Generator | None) -> None:
    """Fill weight (and bias) by `init`: 'default', an initializer's name, or a callable."""
    if init is None or init == "default":
        # PyTorch's Linear default: U(+-1/sqrt(fan_in)) for weight and bias.
        bound = 1.0 / math.sqrt(max(1, weight.shape[1]))
        _init.uniform_(weight, -bound, bound, rng=rng)
        if bias is not None:
            _init.uniform_(bias, -bound, bound, rng=rng)
        return
    if isinstance(init, str):
        fn = _init.get_initializer(init)
        if fn in (_init.zeros_, _init.ones_):
            fn(weight)
        else:
            fn(weight, rng=rng)
    elif callable(init):
        init(weight)
    else:
        raise TypeError(f"init must be an initializer name or a callable, got "
                        f"{type(init).__name__}")
    if bias is not None:
        _init.zeros_(bias)  # an explicit weight initializer comes with zero bias (Keras's)


class Linear(Module):
    """y = x @ weight.T + bias, weight of shape (out_features, in_features).

    `init` picks the weight initializer: an `nn.init` name without the trailing underscore
    ("he_normal", "glorot_uniform", "lecun_normal", ...) or a callable that fills the weight
    in place; the bias is then zero. The default ("default") is PyTorch's: weight and bias
    U(-1/sqrt(in), 1/sqrt(in)), variance 1/(3 in). We keep it so that a model ported from
    PyTorch starts from the same distribution; pass init="he_normal" for deep ReLU nets or
    "glorot_uniform" for tanh, as the lecture recommends.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 init: InitArg = "default", rng: np.random.Generator | None = None,
                 dtype: Any = None) -> None:
        super().__init__()
        _sizes("Linear", in_features=in_features, out_features=out_features)
        self.in_features = in_features
        self.out_features = out_features
        self.weight = _empty(out_features, in_features, dtype=dtype)
        self.bias = _empty(out_features, dtype=dtype) if bias else None
        if not bias:
            self.register_parameter("bias", None)
        _init_weight(self.weight, self.bias, init, rng)

    def forward(self, x: Any) -> Tensor:
        """Apply the affine map to the last axis of `x`."""
        return linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        """The constructor arguments, shown inside the module's repr."""
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Maxout(Module):
    """h(x) = max over k pieces of (W_k x + b_k) (Goodfellow et al. 2013).

    Stored as one Linear map to out_features * pieces units (weight shape
    (out_features * pieces, in_features)), whose outputs are grouped by unit, `pieces` in a
    row; the gradient flows only to the winning piece (the first one on ties).
    """

    def __init__(self, in_features: int, out_features: int, pieces: int = 2, bias: bool = True,
                 init: InitArg = "default", rng: np.random.Generator | None = None) -> None:
        super().__init__()
        _sizes("Maxout", in_features=in_features, out_features=out_features, pieces=pieces)
        self.in_features, self.out_features, self.pieces = in_features, out_features, pieces
        self.weight = _empty(out_features * pieces, in_features)
        self.bias = _empty(out_features * pieces) if bias else None
        if not bias:
            self.register_parameter("bias", None)
        _init_weight(self.weight, self.bias, init, rng)

    def forward(self, x: Any) -> Tensor:
        """Max over the pieces of the affine maps."""
        return maxout(linear(x, self.weight, self.bias), self.pieces, axis=-1)

    def extra_repr(self) -> str:
        """The constructor arguments, shown inside the module's repr."""
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"pieces={self.pieces}")


class Dropout(Module):
    """Inverted dropout: in training, zero entries with probability p, scale the rest by 1/(1-p).

    In eval mode the input passes through unchanged.
    """

    def __init__(self, p: float = 0.5, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability p must be in [0, 1], got {p}")
        self.p = p
        self.rng = rng

    def forward(self, x: Any) -> Tensor:
        """Drop (training) or pass through (eval)."""
        return dropout(x, self.p, self.training, default_rng(self.rng))

    def extra_repr(self) -> str:
        """The constructor arguments, shown inside the module's repr."""
        return f"p={self.p}"


class BatchNorm1d(Module):
    """Batch normalization over (N, C) or (N, C, L) inputs, per channel C.

    Training: normalize by the batch mean and biased variance and update the running
    statistics with `momentum` (0.1; running_var from the unbiased variance, as PyTorch).
    Eval: normalize by the running statistics.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True) -> None:
        super().__init__()
        _sizes("BatchNorm1d", num_features=num_features)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dt = get_default_dtype()
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dt))
            self.bias = Parameter(np.zeros(num_features, dtype=dt))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=dt))
            self.register_buffer("running_var", np.ones(num_features, dtype=dt))
            self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)

    def forward(self, x: Any) -> Tensor:
        """Normalize with batch statistics (training) or running ones (eval)."""
        use_batch = self.training or not self.track_running_stats
        nbt = 0
        if self.training and self.track_running_stats and self.momentum is None:
            nbt = int(self.num_batches_tracked.data)  # the cumulative average's 1 / (t + 1)
        if isinstance(x, Tensor) and x.ndim in (2, 3) and x.shape[1] != self.num_features:
            raise ValueError(f"BatchNorm1d: the layer expects {self.num_features} features but "
                             f"the input has {x.shape[1]} (axis 1 of shape {x.shape})")
        y = batch_norm(x, self.running_mean if self.track_running_stats else None,
                       self.running_var if self.track_running_stats else None,
                       self.weight, self.bias, use_batch, self.momentum, self.eps, nbt)
        if self.training and self.track_running_stats:
            # An array op, not a Python int: a compiled step replays the count too.
            self.num_batches_tracked.data = self.num_batches_tracked.data + 1
        return y

    def extra_repr(self) -> str:
        """The constructor arguments, shown inside the module's repr."""
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class LayerNorm(Module):
    """Normalize each sample over its last axes (`normalized_shape`), then scale and shift."""

    def __init__(self, normalized_shape: int | tuple[int, ...], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True) -> None:
        super().__init__()
        shape: tuple[Any, ...]
        try:
            shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) \
                else tuple(normalized_shape)
        except TypeError:  # not iterable (a float, None...)
            shape = (None,)
        if not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 0
                   for s in shape):
            raise ValueError(f"LayerNorm: normalized_shape must be a size or a tuple of sizes "
                             f"(integers >= 0), got {normalized_shape!r}")
        shape = tuple(int(s) for s in shape)
        self.normalized_shape, self.eps = shape, eps
        self.elementwise_affine = elementwise_affine
        dt = get_default_dtype()
        if elementwise_affine:
            self.weight = Parameter(np.ones(shape, dtype=dt))
            self.bias = Parameter(np.zeros(shape, dtype=dt)) if bias else None
            if not bias:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Any) -> Tensor:
        """Normalize over the trailing axes."""
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        """The constructor arguments, shown inside the module's repr."""
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class Flatten(Module):
    """Merge the axes from `start_dim` to `end_dim` (defaults 1 and -1: keep the batch axis)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x: Any) -> Tensor:
        """Flatten the axes from `start_dim` to `end_dim` into one."""
        x = x if isinstance(x, Tensor) else Tensor(x)
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        """The constructor arguments, shown inside the module's repr."""
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Identity(Module):
    """Returns its input unchanged (a placeholder, or the 'linear' activation)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        """Return x."""
        return x


class Embedding(Module):
    """A lookup table: integer indices -> rows of `weight` (num_embeddings, embedding_dim).

    `weight` is initialized N(0, 1) as in PyTorch. The row `padding_idx` starts at zero and
    gets no gradient.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        _sizes("Embedding", num_embeddings=num_embeddings, embedding_dim=embedding_dim)
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx {padding_idx} is out of range for "
                                 f"{num_embeddings} embeddings")
            padding_idx %= num_embeddings
        self.padding_idx = padding_idx
        self.weight = _empty(num_embeddings, embedding_dim)
        _init.normal_(self.weight, rng=rng)
        if padding_idx is not None:
            self.weight.data[padding_idx] = 0.0

    def forward(self, idx: Any) -> Tensor:
        """Look up the rows for `idx` (an integer array or Tensor of any shape)."""
        return embedding(idx, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        """The constructor arguments, shown inside the module's repr."""
        pad = f", padding_idx={self.padding_idx}" if self.padding_idx is not None else ""
        return f"{self.num_embeddings}, {self.embedding_dim}{pad}"
