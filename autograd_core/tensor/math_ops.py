"""Tensor's math methods: elementwise functions, reductions over axes, and the composites
(mean, var, std, softmax, log_softmax) built from primitives with no backward code of their own.
`Tensor` inherits them from `MathOps`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import functions as fn
from ._validate import _check_axis, _check_operand, _count, _nonneg

# The class these methods become part of. tensor.py imports this file, so this one names it
# in annotations only, as an alias that type checkers read as Any.
Tensor = Any


class MathOps:
    """Elementwise functions, reductions and composites (a mixin of `Tensor`)."""

    __slots__ = ()

    # ---------------------------------------------------------------- elementwise
    def exp(self: Tensor) -> Tensor:
        """e ** x, elementwise."""
        return fn.Exp._apply1(self)

    def log(self: Tensor) -> Tensor:
        """Natural logarithm, elementwise."""
        return fn.Log._apply1(self)

    def sqrt(self: Tensor) -> Tensor:
        """Square root, elementwise."""
        return fn.Sqrt._apply1(self)

    def abs(self: Tensor) -> Tensor:
        """|x| elementwise (derivative 0 at 0)."""
        return fn.Abs._apply1(self)

    __abs__ = abs

    def sin(self: Tensor) -> Tensor:
        """Sine, elementwise."""
        return fn.Sin._apply1(self)

    def cos(self: Tensor) -> Tensor:
        """Cosine, elementwise."""
        return fn.Cos._apply1(self)

    def tanh(self: Tensor) -> Tensor:
        """Hyperbolic tangent, elementwise."""
        return fn.Tanh._apply1(self)

    def sigmoid(self: Tensor) -> Tensor:
        """1 / (1 + e^-x), elementwise, stable for huge |x|."""
        return fn.Sigmoid._apply1(self)

    def relu(self: Tensor) -> Tensor:
        """max(x, 0), elementwise (derivative 0 at 0)."""
        return fn.Relu._apply1(self)

    def clip(self: Tensor, lo: Any = None, hi: Any = None) -> Tensor:
        """Limit to [lo, hi]; the gradient passes where lo <= x <= hi."""
        if lo is None and hi is None:
            raise ValueError("clip: give at least one of lo and hi")
        return fn.Clip.apply(self, _bound(self, lo, "clip"), _bound(self, hi, "clip"))

    def clamp(self: Tensor, min: Any = None, max: Any = None) -> Tensor:
        """PyTorch's name for clip."""
        return self.clip(min, max)

    def sign(self: Tensor) -> Tensor:
        """-1, 0 or +1 (zero gradient)."""
        return fn.Sign._apply1(self)

    def floor(self: Tensor) -> Tensor:
        """Round down (zero gradient)."""
        return fn.Floor._apply1(self)

    # ---------------------------------------------------------------- reductions
    def sum(self: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Sum over `axis` (None: all)."""
        return fn.Sum._apply1(self, _check_axis(axis, self.ndim, "sum"), keepdims)

    def mean(self: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Arithmetic mean over `axis`."""
        ax = _check_axis(axis, self.ndim, "mean")
        n = _count(self.shape, ax)
        total = fn.Sum._apply1(self, ax, keepdims)
        return total * (1.0 / n) if n else total / 0.0  # empty: NaN, as numpy

    def var(self: Tensor, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Variance over `axis`: mean((x - mean(x))^2) * n / (n - ddof)."""
        ax = _check_axis(axis, self.ndim, "var")
        d = self - self.mean(ax, keepdims=True)
        n = _count(self.shape, ax)
        return (d * d).sum(ax, keepdims=keepdims) / _nonneg(n - ddof)

    def std(self: Tensor, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Standard deviation over `axis` (square root of var)."""
        _check_axis(axis, self.ndim, "std")  # so that a bad axis is reported as std's
        return self.var(axis, keepdims=keepdims, ddof=ddof).sqrt()

    def max(self: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Maximum over `axis`; tied maxima share the gradient evenly."""
        self._nonempty("max", axis)
        return fn.Max._apply1(self, _check_axis(axis, self.ndim, "max"), keepdims)

    def min(self: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Minimum over `axis`; tied minima share the gradient evenly."""
        self._nonempty("min", axis)
        return fn.Min._apply1(self, _check_axis(axis, self.ndim, "min"), keepdims)

    def prod(self: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Product over `axis`."""
        return fn.Prod._apply1(self, _check_axis(axis, self.ndim, "prod"), keepdims)

    def logsumexp(self: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        """log(sum(exp(x))) over `axis`, without overflow."""
        self._nonempty("logsumexp", axis)
        return fn.LogSumExp._apply1(self, _check_axis(axis, self.ndim, "logsumexp"), keepdims)

    def argmax(self: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Index of the maximum (an integer tensor, no gradient)."""
        self._nonempty("argmax", axis)
        return self._wrap(np.asarray(np.argmax(self._data, axis=_check_axis(
            axis, self.ndim, "argmax", tuples=False), keepdims=keepdims)))

    def argmin(self: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Index of the minimum (an integer tensor, no gradient)."""
        self._nonempty("argmin", axis)
        return self._wrap(np.asarray(np.argmin(self._data, axis=_check_axis(
            axis, self.ndim, "argmin", tuples=False), keepdims=keepdims)))

    def _nonempty(self: Tensor, op: str, axis: Any = None) -> None:
        # Only a reduction over zero elements is undefined: max over axis 1 of a (0, 3) tensor
        # is an empty result, as in numpy.
        if self._data.size == 0 and _count(self.shape, _check_axis(axis, self.ndim, op)) == 0:
            raise ValueError(f"{op}: the tensor is empty along the reduced axes (shape "
                             f"{self.shape}, axis={axis}); {op} of no elements is undefined")

    # ---------------------------------------------------------------- composites
    def softmax(self: Tensor, axis: int = -1) -> Tensor:
        """exp(x) / sum(exp(x)) along `axis`, stable for any logits."""
        _check_axis(axis, self.ndim, "softmax", tuples=False)
        return self.log_softmax(axis).exp()

    def log_softmax(self: Tensor, axis: int = -1) -> Tensor:
        """x - logsumexp(x) along `axis`, stable for any logits."""
        ax = _check_axis(axis, self.ndim, "log_softmax", tuples=False)
        x = self
        if self._data.size:
            # Shift by the max (a constant) first: in x - logsumexp(x) the log term is rounded
            # away next to a huge x (1e4 in float32 keeps 3 decimals); the shift is exact.
            m = np.max(self._data, axis=ax, keepdims=True)
            x = self - self._wrap(np.where(np.isfinite(m), m, 0).astype(self.dtype))
        return x - x.logsumexp(ax, keepdims=True)


def _bound(t: Tensor, x: Any, where: str) -> Any:
    """A clip bound as raw data: a Tensor's array, or a checked number (None stays None)."""
    if x is None:
        return None
    if isinstance(x, t._out_type):
        return x._data
    return _check_operand(x, where)
