"""Tensor's math methods: elementwise functions, reductions over axes, and the composites
(mean, var, std, softmax, log_softmax) built from primitives with no backward code of their own.
`Tensor` inherits them from `MathOps`.
"""

from __future__ import annotations

import math
from collections import namedtuple
from functools import cache
from typing import Any

import numpy as np

from .. import functions as fn
from ._spelling import UNSET, axes, one_axis
from ._spelling import correction as _correction
from ._validate import _check_axis, _check_operand, _count

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

    def log10(self: Tensor) -> Tensor:
        """Base-10 logarithm, elementwise (log(x) / log(10))."""
        return fn.Log._apply1(self) * (1.0 / math.log(10.0))

    # ---------------------------------------------------------------- reductions
    # Each takes numpy's `axis=`/`keepdims=` or PyTorch's `dim=`/`keepdim=` (_spelling.py).
    def sum(self: Tensor, axis: Any = None, keepdims: Any = None, *, dim: Any = UNSET,
            keepdim: Any = UNSET) -> Tensor:
        """Sum over `axis` (None: all)."""
        ax, keep = (axis, bool(keepdims)) if dim is UNSET and keepdim is UNSET else \
            axes("sum", axis, keepdims, dim, keepdim)
        return fn.Sum._apply1(self, _check_axis(ax, self.ndim, "sum"), keep)

    def mean(self: Tensor, axis: Any = None, keepdims: Any = None, *, dim: Any = UNSET,
             keepdim: Any = UNSET) -> Tensor:
        """Arithmetic mean over `axis` (integers and booleans: in float64, as numpy)."""
        ax, keep = (axis, bool(keepdims)) if dim is UNSET and keepdim is UNSET else \
            axes("mean", axis, keepdims, dim, keepdim)
        ax = _check_axis(ax, self.ndim, "mean")
        x = _float64_if_integer(self)
        n = _count(self.shape, ax)
        total = fn.Sum._apply1(x, ax, keep)
        # Divided by n, as numpy and PyTorch do: times 1/n rounds differently (the mean of
        # three equal values would not be that value, and their variance not 0).
        return total / float(n) if n else total / 0.0  # empty: NaN, as numpy

    def var(self: Tensor, axis: Any = None, unbiased: Any = None, keepdims: Any = None, *,
            correction: Any = None, ddof: Any = None, dim: Any = UNSET,
            keepdim: Any = UNSET) -> Tensor:
        """Variance over `axis`: sum((x - mean(x))^2) / (n - correction).

        PyTorch's default correction=1 (unbiased); `correction=`, `unbiased=` and numpy's
        `ddof=` set it (`ddof=0` or `unbiased=False` for numpy's default). Integers and
        booleans are computed in float64, as numpy does.
        """
        ax, keep = axes("var", axis, keepdims, dim, keepdim)
        c = _correction("var", unbiased, correction, ddof)
        ax = _check_axis(ax, self.ndim, "var")
        x = _float64_if_integer(self)
        if x._data.size and x.ndim:
            # Shifted by one value of each slice (a constant: the variance does not change), so
            # a slice of equal values has a variance of exactly 0, as PyTorch's: x - mean(x)
            # alone leaves the mean's rounding (1e-34 for three copies of 0.1), and relu or std
            # of that would take the wrong side of their kink.
            on = set(range(x.ndim)) if ax is None else \
                {a % x.ndim for a in (ax if isinstance(ax, tuple) else (ax,))}
            first = tuple(slice(0, 1) if i in on else slice(None) for i in range(x.ndim))
            x = x - x._wrap(x._data[first].copy())
        d = x - x.mean(ax, keepdims=True)
        n = _count(self.shape, ax)
        dof = n - c  # zero or fewer degrees of freedom: divide by 0, NaN or inf as numpy
        return (d * d).sum(ax, keepdims=keep) / (float(dof) if dof > 0 else 0.0)

    def std(self: Tensor, axis: Any = None, unbiased: Any = None, keepdims: Any = None, *,
            correction: Any = None, ddof: Any = None, dim: Any = UNSET,
            keepdim: Any = UNSET) -> Tensor:
        """Standard deviation over `axis` (square root of var, the same correction rules).

        Where the variance is 0 the gradient is 0 (PyTorch), not 0/0.
        """
        ax, keep = axes("std", axis, keepdims, dim, keepdim)
        c = _correction("std", unbiased, correction, ddof)
        _check_axis(ax, self.ndim, "std")  # so that a bad axis is reported as std's
        v = self.var(ax, keepdims=keep, correction=c)
        zero = v._data == 0
        if not zero.any():
            return v.sqrt()
        # sqrt'(0) is infinite and d(var)/dx is 0 there: take the limit, 0, not inf * 0.
        return _where(zero, 0.0, _where(zero, 1.0, v).sqrt())

    def max(self: Tensor, axis: Any = None, keepdims: Any = None, *, dim: Any = UNSET,
            keepdim: Any = UNSET) -> Any:
        """PyTorch's max: a Tensor, a `(values, indices)` tuple along one dim, or elementwise.

        Over all elements it is a Tensor (tied maxima share the gradient); along one `dim` a
        `(values, indices)` named tuple (the gradient goes to the index); with a Tensor, the
        elementwise maximum. `amax` gives the values alone, over any axes.
        """
        return self._extreme("max", fn.Max, np.argmax, axis, keepdims, dim, keepdim)

    def min(self: Tensor, axis: Any = None, keepdims: Any = None, *, dim: Any = UNSET,
            keepdim: Any = UNSET) -> Any:
        """PyTorch's min: a Tensor, a `(values, indices)` tuple along one dim, or elementwise.

        `amin` gives the values alone, over any axes.
        """
        return self._extreme("min", fn.Min, np.argmin, axis, keepdims, dim, keepdim)

    def amax(self: Tensor, axis: Any = None, keepdims: Any = None, *, dim: Any = UNSET,
             keepdim: Any = UNSET) -> Tensor:
        """Maximum over `axis` (one or several), values only; tied maxima share the gradient."""
        ax, keep = (axis, bool(keepdims)) if dim is UNSET and keepdim is UNSET else \
            axes("amax", axis, keepdims, dim, keepdim)
        self._nonempty("amax", ax)
        return fn.Max._apply1(self, _check_axis(ax, self.ndim, "amax"), keep)

    def amin(self: Tensor, axis: Any = None, keepdims: Any = None, *, dim: Any = UNSET,
             keepdim: Any = UNSET) -> Tensor:
        """Minimum over `axis` (one or several), values only; tied minima share the gradient."""
        ax, keep = (axis, bool(keepdims)) if dim is UNSET and keepdim is UNSET else \
            axes("amin", axis, keepdims, dim, keepdim)
        self._nonempty("amin", ax)
        return fn.Min._apply1(self, _check_axis(ax, self.ndim, "amin"), keep)

    def _extreme(self: Tensor, op: str, prim: Any, arg: Any, axis: Any, keepdims: Any,
                 dim: Any, keepdim: Any) -> Any:
        if isinstance(axis, self._out_type) or (isinstance(axis, np.ndarray) and axis.ndim):
            if keepdims is not None or dim is not UNSET or keepdim is not UNSET:
                raise TypeError(f"{op}(other): the elementwise form takes no axis")
            other = self._coerce(axis)
            return (fn.Maximum if op == "max" else fn.Minimum).apply(self, other)
        ax, keep = axes(op, axis, keepdims, dim, keepdim)
        if ax is None:
            self._nonempty(op, None)
            return prim._apply1(self, None, keep)
        if isinstance(ax, (tuple, list)):
            _check_axis(ax, self.ndim, op)  # a bad axis is reported as such first
            raise TypeError(f"{op}: along one dim it returns (values, indices), as in PyTorch; "
                            f"for several axes use a{op}({tuple(ax)}) (values only)")
        a = _check_axis(ax, self.ndim, op, tuples=False)
        self._nonempty(op, a)
        if self.ndim == 0:
            return _values_indices(op)(self, self._wrap(np.zeros((), dtype=np.int64)))
        idx = arg(self._data, axis=a, keepdims=True)
        # The values are read at the indices, so the gradient goes to that one element per
        # row, as PyTorch's does (amax instead shares it between ties).
        grid = list(np.indices(idx.shape, sparse=True))
        grid[a] = idx
        values = self[tuple(grid)]
        if not keep:
            values = values.squeeze(a)
            idx = idx.squeeze(a)
        return _values_indices(op)(values, self._wrap(idx.astype(np.int64)))

    def prod(self: Tensor, axis: Any = None, keepdims: Any = None, *, dim: Any = UNSET,
             keepdim: Any = UNSET) -> Tensor:
        """Product over `axis`."""
        ax, keep = (axis, bool(keepdims)) if dim is UNSET and keepdim is UNSET else \
            axes("prod", axis, keepdims, dim, keepdim)
        return fn.Prod._apply1(self, _check_axis(ax, self.ndim, "prod"), keep)

    def logsumexp(self: Tensor, axis: Any = None, keepdims: Any = None, *, dim: Any = UNSET,
                  keepdim: Any = UNSET) -> Tensor:
        """log(sum(exp(x))) over `axis`, without overflow (integers: in float64).

        Over no elements it is log(0) = -inf, as in PyTorch.
        """
        ax, keep = (axis, bool(keepdims)) if dim is UNSET and keepdim is UNSET else \
            axes("logsumexp", axis, keepdims, dim, keepdim)
        ax = _check_axis(ax, self.ndim, "logsumexp")
        x = _float64_if_integer(self)
        if _count(self.shape, ax) == 0:
            return x.sum(ax, keep) * 0.0 - np.inf  # -inf, still in the graph (no elements)
        return fn.LogSumExp._apply1(x, ax, keep)

    def argmax(self: Tensor, axis: Any = None, keepdims: Any = None, *, dim: Any = UNSET,
               keepdim: Any = UNSET) -> Tensor:
        """Index of the maximum (an integer tensor, no gradient)."""
        ax, keep = (axis, bool(keepdims)) if dim is UNSET and keepdim is UNSET else \
            axes("argmax", axis, keepdims, dim, keepdim)
        self._nonempty("argmax", ax)
        return self._wrap(np.asarray(np.argmax(self._data, axis=_check_axis(
            ax, self.ndim, "argmax", tuples=False), keepdims=keep)))

    def argmin(self: Tensor, axis: Any = None, keepdims: Any = None, *, dim: Any = UNSET,
               keepdim: Any = UNSET) -> Tensor:
        """Index of the minimum (an integer tensor, no gradient)."""
        ax, keep = (axis, bool(keepdims)) if dim is UNSET and keepdim is UNSET else \
            axes("argmin", axis, keepdims, dim, keepdim)
        self._nonempty("argmin", ax)
        return self._wrap(np.asarray(np.argmin(self._data, axis=_check_axis(
            ax, self.ndim, "argmin", tuples=False), keepdims=keep)))

    def _nonempty(self: Tensor, op: str, axis: Any = None) -> None:
        # Only a reduction over zero elements is undefined: max over axis 1 of a (0, 3) tensor
        # is an empty result, as in numpy.
        if self._data.size == 0 and _count(self.shape, _check_axis(axis, self.ndim, op)) == 0:
            raise ValueError(f"{op}: the tensor is empty along the reduced axes (shape "
                             f"{self.shape}, axis={axis}); {op} of no elements is undefined")

    # ---------------------------------------------------------------- composites
    def softmax(self: Tensor, axis: Any = UNSET, *, dim: Any = UNSET) -> Tensor:
        """exp(x) / sum(exp(x)) along `axis` (or `dim`; the last by default), stable."""
        axis = one_axis("softmax", axis, dim, -1)
        _check_axis(axis, self.ndim, "softmax", tuples=False, scalar_ok=True)
        _float_only(self, "softmax")
        return self.log_softmax(axis).exp()

    def log_softmax(self: Tensor, axis: Any = UNSET, *, dim: Any = UNSET) -> Tensor:
        """x - logsumexp(x) along `axis` (or `dim`; the last by default), stable."""
        ax = _check_axis(one_axis("log_softmax", axis, dim, -1), self.ndim, "log_softmax",
                         tuples=False, scalar_ok=True)
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


@cache
def _values_indices(op: str) -> Any:
    """PyTorch's `torch.return_types.max` / `.min`: a named tuple (values, indices) whose
    misuse as a Tensor is an error that says what it is."""
    base = namedtuple(op, ["values", "indices"])  # type: ignore[misc]

    def __getattr__(self: Any, name: str) -> Any:
        raise AttributeError(f"{op}(dim) returns a (values, indices) named tuple, as in "
                             f"PyTorch, which has no attribute {name!r}: use .values (or "
                             f"a{op}(dim) for the values alone)")

    return type(op, (base,), {"__slots__": (), "__getattr__": __getattr__,
                              "__doc__": f"The (values, indices) of {op} along one dim."})
