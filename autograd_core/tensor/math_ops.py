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
        """Limit to [lo, hi]; the gradient passes where lo <= x <= hi.

        Tensor bounds broadcast and get their gradient where they bind (PyTorch's clamp).
        """
        if lo is None and hi is None:
            raise ValueError("clip: give at least one of lo and hi")
        T = self._out_type
        if isinstance(lo, T) or isinstance(hi, T):
            return _clip_tensors(self, None if lo is None else self._coerce(lo),
                                 None if hi is None else self._coerce(hi))
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
        """Arithmetic mean over `axis` (integers and booleans: in float64, as numpy)."""
        ax = _check_axis(axis, self.ndim, "mean")
        x = _float64_if_integer(self)
        n = _count(self.shape, ax)
        total = fn.Sum._apply1(x, ax, keepdims)
        return total * (1.0 / n) if n else total / 0.0  # empty: NaN, as numpy

    def var(self: Tensor, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Variance over `axis`: mean((x - mean(x))^2) * n / (n - ddof)."""
        ax = _check_axis(axis, self.ndim, "var")
        x = _float64_if_integer(self)
        d = x - x.mean(ax, keepdims=True)
        n = _count(self.shape, ax)
        return (d * d).sum(ax, keepdims=keepdims) / _nonneg(n - ddof)

    def std(self: Tensor, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Standard deviation over `axis` (square root of var).

        Where the variance is 0 the gradient is 0 (PyTorch), not 0/0.
        """
        _check_axis(axis, self.ndim, "std")  # so that a bad axis is reported as std's
        v = self.var(axis, keepdims=keepdims, ddof=ddof)
        zero = v._data == 0
        if not zero.any():
            return v.sqrt()
        # sqrt'(0) is infinite and d(var)/dx is 0 there: take the limit, 0, not inf * 0.
        return _where(zero, 0.0, _where(zero, 1.0, v).sqrt())

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
        """log(sum(exp(x))) over `axis`, without overflow (integers: in float64).

        Over no elements it is log(0) = -inf, as in PyTorch.
        """
        ax = _check_axis(axis, self.ndim, "logsumexp")
        x = _float64_if_integer(self)
        if _count(self.shape, ax) == 0:
            return x.sum(ax, keepdims) * 0.0 - np.inf  # -inf, still in the graph (no elements)
        return fn.LogSumExp._apply1(x, ax, keepdims)

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
        _check_axis(axis, self.ndim, "softmax", tuples=False, scalar_ok=True)
        _float_only(self, "softmax")
        return self.log_softmax(axis).exp()

    def log_softmax(self: Tensor, axis: int = -1) -> Tensor:
        """x - logsumexp(x) along `axis`, stable for any logits."""
        ax = _check_axis(axis, self.ndim, "log_softmax", tuples=False, scalar_ok=True)
        _float_only(self, "log_softmax")
        if self._data.size == 0:
            return self * 1  # nothing to normalize: the empty result (a new node)
        x = self
        if self._data.size:
            # Shift by the max (a constant) first: in x - logsumexp(x) the log term is rounded
            # away next to a huge x (1e4 in float32 keeps 3 decimals); the shift is exact.
            m = np.max(self._data, axis=ax, keepdims=True)
            x = self - self._wrap(np.where(np.isfinite(m), m, 0).astype(self.dtype))
        return x - x.logsumexp(ax, keepdims=True)


def _where(cond: np.ndarray, a: Any, b: Any) -> Tensor:
    """where(cond, a, b) as a recorded op (a and b Tensors or numbers)."""
    return fn.Where.apply(cond, a, b)


def _clip_tensors(x: Tensor, lo: Tensor | None, hi: Tensor | None) -> Tensor:
    """clip with Tensor bounds, each getting the gradient where it binds, by PyTorch's rules:
    x where lo <= x <= hi; lo where x < lo < hi; hi where x > hi or hi < lo; nobody where
    x < lo == hi (the value is then lo, held as a constant)."""
    xd = x._data
    if hi is None or lo is None:
        bound = lo if hi is None else hi
        assert bound is not None  # clip() refuses two None bounds
        return _where(xd < bound._data if hi is None else xd > bound._data, bound, x)
    ld, hd = lo._data, hi._data
    value = np.clip(xd, ld, hd)
    rest = x._wrap(np.asarray(value, dtype=np.result_type(xd, ld, hd)))
    out = _where((xd > hd) | (hd < ld), hi, rest)
    out = _where((xd < ld) & (ld < hd), lo, out)
    return _where((ld <= xd) & (xd <= hd), x, out)


def _float64_if_integer(t: Tensor) -> Tensor:
    """Integer and boolean tensors as float64: numpy's mean and var compute in float64, where
    an int64 sum could wrap around and a float32 one would round."""
    return t.astype(np.float64) if t._data.dtype.kind in "biu" else t


def _float_only(t: Tensor, op: str) -> None:
    if t._data.dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating-point tensor, got dtype {t.dtype} (as "
                        f"PyTorch); convert first, e.g. t.astype(np.float64).{op}()")


def _bound(t: Tensor, x: Any, where: str) -> Any:
    """A clip bound as raw data: a Tensor's array, or a checked number (None stays None)."""
    if x is None:
        return None
    if isinstance(x, t._out_type):
        return x._data
    return _check_operand(x, where)
