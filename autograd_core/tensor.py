"""`Tensor`: a numpy array on the shared graph engine, with PyTorch's vocabulary.

Methods are one-liners over the primitives in `functions.py`; composites (mean, var, softmax,
...) are built from primitives here and need no backward code of their own.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from numbers import Number
from typing import Any

import numpy as np

from . import functions as fn
from .engine import Function, Node, _mode, _note_write, _tick

__all__ = [
    "Tensor", "tensor", "set_default_dtype", "get_default_dtype",
    "zeros", "ones", "full", "arange", "linspace", "eye", "rand", "randn", "zeros_like",
    "ones_like", "full_like", "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid",
    "relu", "clip", "sign", "floor", "maximum", "minimum", "where", "matmul", "concatenate",
    "stack", "split", "pad", "sum", "mean", "max", "min", "var", "std", "logsumexp", "prod",
    "argmax", "argmin", "reshape", "transpose", "swapaxes", "flatten", "squeeze", "unsqueeze",
    "expand_dims", "broadcast_to", "softmax", "log_softmax",
]

_default_dtype: np.dtype = np.dtype(np.float32)


def set_default_dtype(dtype: Any) -> None:
    """Set the float dtype that Python numbers and lists become (float32 unless changed)."""
    global _default_dtype
    d = np.dtype(dtype)
    if d.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {d}")
    _default_dtype = d


def get_default_dtype() -> np.dtype:
    """The float dtype that Python numbers and lists become."""
    return _default_dtype


def _as_array(data: Any, dtype: Any, where: str) -> np.ndarray:
    """Validate and convert user data: numbers and lists -> default float, arrays keep dtype."""
    if isinstance(data, np.ndarray):
        arr = data if dtype is None else data.astype(dtype, copy=False)
    elif isinstance(data, (bool, np.bool_)):
        arr = np.asarray(data, dtype=dtype or bool)
    elif isinstance(data, np.generic):
        arr = np.asarray(data, dtype=dtype)
    elif isinstance(data, Number):
        if isinstance(data, complex):
            raise TypeError(f"{where}: complex numbers are not supported, got {data!r}")
        try:
            arr = np.asarray(data, dtype=dtype or _default_dtype)
        except OverflowError:
            raise ValueError(f"{where}: {data!r:.40} is too large for a float") from None
    elif isinstance(data, (list, tuple)):
        try:
            arr = np.asarray(data, dtype=dtype)
        except (ValueError, TypeError) as e:
            raise TypeError(f"{where}: cannot make an array from this {type(data).__name__} "
                            f"(ragged or non-numeric entries?): {e}") from None
        if dtype is None and arr.dtype.kind in "iuf":
            arr = arr.astype(_default_dtype)
    elif isinstance(data, Node):
        raise TypeError(f"{where}: got a {type(data).__name__}; use .detach() or .data to copy "
                        "a Tensor, and Value.data for a Value")
    else:
        raise TypeError(f"{where}: expected a number, list or numpy array, got "
                        f"{type(data).__name__}")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{where}: unsupported dtype {arr.dtype} (numbers and booleans only)")
    return arr


class Tensor(Node):
    """An n-dimensional array that records the operations made with it, for `backward()`."""

    __slots__ = ("_data", "grad", "name", "_version", "_modified_at")
    __array_priority__ = 1000  # make `ndarray + Tensor` call Tensor.__radd__
    __hash__ = Node.__hash__  # __eq__ is elementwise, identity stays the hash

    _out_type: type[Tensor]
    grad: Tensor | None

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None,
                 name: str | None = None) -> None:
        arr = _as_array(data, dtype, "Tensor")
        if requires_grad and arr.dtype.kind != "f":
            raise TypeError(f"Tensor: only floating-point tensors can require grad, got dtype "
                            f"{arr.dtype}; pass dtype=np.float32 (or float64)")
        self._data = arr
        self.grad = None
        self.name = name
        self._fn = None
        self.requires_grad = bool(requires_grad)
        self._hooks = None
        self._retains_grad = False
        self._version = 0
        self._modified_at = 0

    @classmethod
    def _wrap(cls, arr: np.ndarray) -> Tensor:
        """A constant Tensor around an existing array (no checks: internal fast path)."""
        t = object.__new__(Tensor)
        t._data = arr
        t.grad = None
        t.name = None
        t._fn = None
        t.requires_grad = False
        t._hooks = None
        t._retains_grad = False
        t._version = 0
        t._modified_at = 0
        return t

    @staticmethod
    def _from_op(data: Any, fn: Function | None) -> Tensor:
        t = object.__new__(Tensor)
        t._data = data if type(data) is np.ndarray else np.asarray(data)
        t.grad = None
        t.name = None
        t._fn = fn
        t.requires_grad = fn is not None
        t._hooks = None
        t._retains_grad = False
        t._version = 0
        t._modified_at = 0
        return t

    # ---------------------------------------------------------------- data and metadata
    @property
    def data(self) -> np.ndarray:
        """The underlying numpy array (writing through it bypasses in-place checks)."""
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data = value._data if isinstance(value, Tensor) else _as_array(value, None,
                                                                              "Tensor.data")
        self._bump()

    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape."""
        return self._data.shape

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        """The numpy dtype."""
        return self._data.dtype

    @property
    def size(self) -> int:
        """Number of elements (numpy's meaning)."""
        return self._data.size

    def numel(self) -> int:
        """Number of elements (PyTorch's name)."""
        return self._data.size

    @property
    def T(self) -> Tensor:
        """All axes reversed (numpy's meaning)."""
        return fn.Transpose._apply1(self, None)

    def numpy(self) -> np.ndarray:
        """The data as a numpy array (shared, not copied)."""
        return self._data

    def item(self) -> Any:
        """The single element as a Python number."""
        if self._data.size != 1:
            raise ValueError(f"item: only one-element tensors can be converted to a Python "
                             f"number, this one has shape {self.shape}")
        return self._data.item()

    def tolist(self) -> Any:
        """The data as (nested) Python lists."""
        return self._data.tolist()

    def detach(self) -> Tensor:
        """The same data, cut from the graph (no gradient flows through it)."""
        return Tensor._wrap(self._data)

    def clone(self) -> Tensor:
        """A copy of the data that stays in the graph."""
        if not self.requires_grad:
            return Tensor._wrap(self._data.copy())
        # A Tensor factor, not an ndarray: Mul's backward may read `._data` of both inputs.
        return fn.Mul.apply(self, Tensor._wrap(np.ones((), dtype=self.dtype)))

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set requires_grad in place (leaves only) and return self."""
        if requires_grad and self._data.dtype.kind != "f":
            raise TypeError(f"requires_grad_: only floating-point tensors can require grad, "
                            f"this one is {self.dtype}")
        if not requires_grad and self._fn is not None:
            raise RuntimeError("requires_grad_(False) on a non-leaf tensor: use .detach()")
        self.requires_grad = bool(requires_grad)
        return self

    def astype(self, dtype: Any) -> Tensor:
        """A copy with another dtype; differentiable between float dtypes."""
        d = np.dtype(dtype)
        if d.kind not in "biuf":
            raise TypeError(f"astype: unsupported dtype {d} (numbers and booleans only)")
        if d == self.dtype:
            return self
        if self.requires_grad and d.kind == "f":
            return _Cast.apply(self, d)
        return Tensor._wrap(self._data.astype(d))

    def float(self) -> Tensor:
        """Cast to float32."""
        return self.astype(np.float32)

    def double(self) -> Tensor:
        """Cast to float64."""
        return self.astype(np.float64)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self) -> Any:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise ValueError(f"The truth value of a tensor of shape {self.shape} is ambiguous; "
                             "use .any() or .all()")
        return bool(self._data)

    def __float__(self) -> builtins.float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of one element can be used as an index")
        return int(self._data.item())

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", precision=4, threshold=50,
                               prefix="tensor(")
        extra = ""
        if self.dtype != _default_dtype and self.dtype.kind == "f" or self.dtype.kind != "f":
            extra += f", dtype={self.dtype}"
        if self._fn is not None:
            extra += f", grad_fn=<{self._fn.name}>"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        if self.name:
            extra += f", name={self.name!r}"
        return f"tensor({body}{extra})"

    def any(self) -> bool:
        """True if any element is true."""
        return bool(np.any(self._data))

    def all(self) -> bool:
        """True if every element is true."""
        return bool(np.all(self._data))

    # ---------------------------------------------------------------- engine hooks
    def _seed_grad(self, gradient: Any) -> Tensor:
        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError(
                    f"backward: a gradient is needed for non-scalar outputs; this output has "
                    f"shape {self.shape}. Pass gradient= (same shape), or reduce it first "
                    "(e.g. .sum() or .mean()).")
            return Tensor._wrap(np.ones(self.shape, dtype=self.dtype))
        if isinstance(gradient, Tensor):
            # Kept as given: with create_graph=True a gradient that requires grad stays in the
            # graph; the engine copies a raw seed before it could become a leaf's `.grad`.
            g = gradient
        else:
            g = Tensor._wrap(_as_array(gradient, None, "backward gradient"))
        if g.shape != self.shape:
            raise RuntimeError(f"backward: gradient has shape {g.shape} but the output has "
                               f"shape {self.shape}")
        return g

    def _fit_grad(self, g: Any, fn_: Function, i: int) -> Tensor:
        if type(g) is not Tensor:
            g = _gradient_from_user(g, fn_, i)
        gd = g._data
        shape = self._data.shape
        if gd.shape != shape:
            if not _reducible(gd.shape, shape):
                raise RuntimeError(
                    f"{type(fn_).__name__}.backward returned a gradient of shape {gd.shape} for "
                    f"input {i}, which has shape {shape}; they must match (or broadcast to it)")
            g = fn.SumTo._apply1(g, shape)
        if gd.dtype != self._data.dtype and self._data.dtype.kind == "f":
            g = g.astype(self._data.dtype)
        return g

    def _accumulate(self, g: Any, create_graph: bool, stored: set[int]) -> None:
        if create_graph:
            self.grad = g if self.grad is None else self.grad + g
            return
        gd = g._data
        old = self.grad
        if old is None:
            # Never let two `.grad`s (or a user's array) share memory: the first in-place
            # update of one would silently change the other.
            if id(gd) in stored or not gd.flags.owndata or not gd.flags.writeable \
                    or g.requires_grad or g is self:
                gd = gd.copy()
            stored.add(id(gd))
            self.grad = Tensor._wrap(gd)
        else:
            # Out of place: a reference the user kept to the old .grad stays what it was.
            self.grad = Tensor._wrap(old._data + gd)

    def _wrap_grad(self, g: Any) -> Tensor:
        return Tensor._wrap(g if type(g) is np.ndarray else np.asarray(g))

    def _fit_raw(self, g: Any, fn_: Function, i: int) -> np.ndarray:
        if type(g) is not np.ndarray:
            g = _raw_from_user(g, fn_, i)
        d = self._data
        if g.shape != d.shape:
            if not _reducible(g.shape, d.shape):
                raise RuntimeError(
                    f"{type(fn_).__name__}.backward returned a gradient of shape {g.shape} for "
                    f"input {i}, which has shape {d.shape}; they must match (or broadcast to it)")
            g = fn.sum_to_array(g, d.shape)
        if g.dtype != d.dtype and d.dtype.kind == "f":
            g = g.astype(d.dtype)
        return g

    def _accumulate_raw(self, g: np.ndarray, stored: set[int]) -> None:
        old = self.grad
        if old is None:
            # Never let two `.grad`s (or a user's array) share memory: the first in-place
            # update of one would silently change the other.
            if id(g) in stored or not g.flags.owndata or not g.flags.writeable:
                g = g.copy()
            stored.add(id(g))
            self.grad = Tensor._wrap(g)
        else:
            # Out of place: a reference the user kept to the old .grad stays what it was.
            self.grad = Tensor._wrap(old._data + g)

    def _check_finite(self) -> str | None:
        d = self._data
        if d.dtype.kind != "f" or d.size == 0:
            return None
        if np.isnan(d).any():
            return "NaN"
        return "Inf" if np.isinf(d).any() else None

    def _describe(self) -> str:
        d = self._data
        rng = ""
        if d.size and d.dtype.kind in "biuf":
            with np.errstate(invalid="ignore"):
                rng = f", range [{np.nanmin(d):.4g}, {np.nanmax(d):.4g}]" \
                    if not np.isnan(d).all() else ", all NaN"
        nm = f"{self.name!r} " if self.name else ""
        return f"Tensor {nm}shape={d.shape} dtype={d.dtype}{rng}"

    def _meta(self) -> tuple[tuple[int, ...], np.dtype]:
        return self._data.shape, self._data.dtype

    @staticmethod
    def _zeros(meta: tuple[tuple[int, ...], np.dtype]) -> Tensor:
        return Tensor._wrap(np.zeros(meta[0], dtype=meta[1]))

    def _detached(self) -> Tensor:
        return self if self._fn is None and not self.requires_grad else Tensor._wrap(self._data)

    # ---------------------------------------------------------------- in-place (issue: safety)
    def _bump(self) -> None:
        self._version += 1
        self._modified_at = _tick()

    def _inplace(self, op: str, compute: Any) -> Tensor:
        """Write `compute(old Tensor)` into this tensor, keeping the graph and the checks right."""
        if self.requires_grad and _mode.enabled:
            if self._fn is None:
                raise RuntimeError(
                    f"{op}: a leaf tensor that requires grad cannot be modified in place while "
                    "gradients are recorded; wrap the update in `with no_grad():` (as optimizers "
                    "do) or use the out-of-place op")
            # A non-leaf: the old value becomes its own node so the history stays correct.
            # The result goes into a fresh buffer, never into the old memory: a non-leaf may
            # be a view of a leaf (a.reshape(...), a[1:]) whose data must not change under it.
            old = Tensor._from_op(self._data, self._fn)
            old._out_index = getattr(self, "_out_index", 0)
            # Stamp the new history later than every op that already used this tensor: their
            # backward would route through it, so the engine refuses them (_check_versions).
            _tick()
            new = compute(old)
            _check_inplace_shape(op, self, new)
            if self._fn.saves_output:
                self._fn._outref = _weakref_to(old)
            self._data = new._data.astype(self._data.dtype, copy=False)
            self._fn = new._fn
            self._bump()
            return self
        if not self._data.flags.writeable:
            raise ValueError(f"{op}: this tensor's data is read-only (a read-only numpy array, "
                             "or a broadcast view); copy it first")
        with _NoGrad():
            new = compute(self)
        _check_inplace_shape(op, self, new)
        try:
            np.copyto(self._data, new._data, casting="same_kind")
        except TypeError:
            raise TypeError(f"{op}: cannot store a {new.dtype} result in this {self.dtype} "
                            "tensor in place (numpy's same_kind casting rule); use the "
                            "out-of-place op") from None
        self._bump()
        _note_write(self._data)
        return self

    def add_(self, other: Any, alpha: builtins.float = 1.0) -> Tensor:
        """self += alpha * other, in place."""
        return self._inplace("add_", lambda t: t + (other if alpha == 1.0 else other * alpha))

    def sub_(self, other: Any, alpha: builtins.float = 1.0) -> Tensor:
        """self -= alpha * other, in place."""
        return self._inplace("sub_", lambda t: t - (other if alpha == 1.0 else other * alpha))

    def mul_(self, other: Any) -> Tensor:
        """self *= other, in place."""
        return self._inplace("mul_", lambda t: t * other)

    def div_(self, other: Any) -> Tensor:
        """self /= other, in place."""
        return self._inplace("div_", lambda t: t / other)

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        """Clip into [min, max], in place."""
        return self._inplace("clamp_", lambda t: t.clip(min, max))

    def zero_(self) -> Tensor:
        """Fill with zeros, in place."""
        return self.fill_(0)

    def fill_(self, value: Any) -> Tensor:
        """Fill with `value`, in place."""
        if isinstance(value, Tensor) and value.size != 1:
            raise ValueError(f"fill_: the value must be a number or a one-element tensor, got "
                             f"shape {value.shape}")
        return self._overwrite("fill_", _to_tensor(value, self).reshape(()))

    def copy_(self, src: Any) -> Tensor:
        """Copy `src` (broadcast to this shape) into this tensor, in place."""
        src_t = _to_tensor(src, self)
        if not _reducible(self.shape, src_t.shape):
            raise ValueError(f"copy_: a source of shape {src_t.shape} cannot be broadcast to "
                             f"the destination's shape {self.shape}")
        return self._overwrite("copy_", src_t)

    def _overwrite(self, op: str, value: Tensor) -> Tensor:
        # A `where` that picks `value` everywhere: `t * 0 + value` would turn an inf in the old
        # data into NaN, while this keeps the old value in the graph with a zero gradient.
        return self._inplace(op, lambda t: where(np.ones(t.shape, dtype=bool), value, t))

    def __setitem__(self, index: Any, value: Any) -> None:
        idx = _raw_index(index)
        v = _to_tensor(value, self)

        def compute(t: Tensor) -> Tensor:
            keep = np.ones(t.shape, dtype=bool)
            keep[idx] = False
            placed = fn.IndexAdd.apply(v.broadcast_to(t._data[idx].shape), idx, t.shape) \
                if v.requires_grad else Tensor._wrap(_placed(t._data, idx, v._data))
            return where(keep, t, placed)

        self._inplace("__setitem__", compute)

    # ---------------------------------------------------------------- arithmetic
    def __add__(self, other: Any) -> Tensor:
        if type(other) is float and self._data.dtype.kind == "f":
            return fn.AddScalar._apply1(self, other)
        return fn.Add._apply2(self, _to_tensor(other, self))

    def __radd__(self, other: Any) -> Tensor:
        if type(other) is float and self._data.dtype.kind == "f":
            return fn.AddScalar._apply1(self, other)
        return fn.Add._apply2(_to_tensor(other, self), self)

    def __sub__(self, other: Any) -> Tensor:
        if type(other) is float and self._data.dtype.kind == "f":
            return fn.AddScalar._apply1(self, -other)
        return fn.Sub._apply2(self, _to_tensor(other, self))

    def __rsub__(self, other: Any) -> Tensor:
        if type(other) is float and self._data.dtype.kind == "f":
            return fn.RSubScalar._apply1(self, other)
        return fn.Sub._apply2(_to_tensor(other, self), self)

    def __mul__(self, other: Any) -> Tensor:
        if type(other) is float and self._data.dtype.kind == "f":
            return fn.MulScalar._apply1(self, other)
        return fn.Mul._apply2(self, _to_tensor(other, self))

    def __rmul__(self, other: Any) -> Tensor:
        if type(other) is float and self._data.dtype.kind == "f":
            return fn.MulScalar._apply1(self, other)
        return fn.Mul._apply2(_to_tensor(other, self), self)

    def __truediv__(self, other: Any) -> Tensor:
        return fn.Div._apply2(self, _to_tensor(other, self))

    def __rtruediv__(self, other: Any) -> Tensor:
        return fn.Div._apply2(_to_tensor(other, self), self)

    def __pow__(self, other: Any) -> Tensor:
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            return fn.PowScalar._apply1(self, other)
        return fn.Pow._apply2(self, _to_tensor(other, self))

    def __rpow__(self, other: Any) -> Tensor:
        return fn.Pow._apply2(_to_tensor(other, self), self)

    def __neg__(self) -> Tensor:
        return fn.Neg._apply1(self)

    def __pos__(self) -> Tensor:
        return self

    def __matmul__(self, other: Any) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return matmul(_to_tensor(other, self), self)

    def add(self, other: Any) -> Tensor:
        """self + other (PyTorch's method name)."""
        return self + other

    def sub(self, other: Any) -> Tensor:
        """self - other."""
        return self - other

    def mul(self, other: Any) -> Tensor:
        """self * other."""
        return self * other

    def div(self, other: Any) -> Tensor:
        """self / other."""
        return self / other

    def pow(self, exponent: Any) -> Tensor:
        """self ** exponent."""
        return self ** exponent

    def neg(self) -> Tensor:
        """-self."""
        return -self

    def matmul(self, other: Any) -> Tensor:
        """Matrix product with numpy's rules (1-D, 2-D, batched N-D)."""
        return matmul(self, other)

    # ---- comparisons: boolean tensors, never differentiable
    def _compare(self, other: Any, op: Any) -> Tensor:
        o = other._data if isinstance(other, Tensor) else _check_operand(other, op.__name__)
        return Tensor._wrap(op(self._data, o))

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(other, np.less)

    def __le__(self, other: Any) -> Tensor:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater)

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater_equal)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.not_equal)

    # ---------------------------------------------------------------- elementwise
    def exp(self) -> Tensor:
        """e ** x, elementwise."""
        return fn.Exp._apply1(self)

    def log(self) -> Tensor:
        """Natural logarithm, elementwise."""
        return fn.Log._apply1(self)

    def sqrt(self) -> Tensor:
        """Square root, elementwise."""
        return fn.Sqrt._apply1(self)

    def abs(self) -> Tensor:
        """|x| elementwise (derivative 0 at 0)."""
        return fn.Abs._apply1(self)

    __abs__ = abs

    def sin(self) -> Tensor:
        """Sine, elementwise."""
        return fn.Sin._apply1(self)

    def cos(self) -> Tensor:
        """Cosine, elementwise."""
        return fn.Cos._apply1(self)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent, elementwise."""
        return fn.Tanh._apply1(self)

    def sigmoid(self) -> Tensor:
        """1 / (1 + e^-x), elementwise, stable for huge |x|."""
        return fn.Sigmoid._apply1(self)

    def relu(self) -> Tensor:
        """max(x, 0), elementwise (derivative 0 at 0)."""
        return fn.Relu._apply1(self)

    def clip(self, lo: Any = None, hi: Any = None) -> Tensor:
        """Limit to [lo, hi]; the gradient passes where lo <= x <= hi."""
        if lo is None and hi is None:
            raise ValueError("clip: give at least one of lo and hi")
        return fn.Clip.apply(self, _scalar_or_none(lo, "clip"), _scalar_or_none(hi, "clip"))

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:
        """PyTorch's name for clip."""
        return self.clip(min, max)

    def sign(self) -> Tensor:
        """-1, 0 or +1 (zero gradient)."""
        return fn.Sign._apply1(self)

    def floor(self) -> Tensor:
        """Round down (zero gradient)."""
        return fn.Floor._apply1(self)

    # ---------------------------------------------------------------- reductions
    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Sum over `axis` (None: all)."""
        return fn.Sum._apply1(self, _check_axis(axis, self.ndim, "sum"), keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Arithmetic mean over `axis`."""
        ax = _check_axis(axis, self.ndim, "mean")
        n = _count(self.shape, ax)
        total = fn.Sum._apply1(self, ax, keepdims)
        return total * (1.0 / n) if n else total / 0.0  # empty: NaN, as numpy

    def var(self, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Variance over `axis`: mean((x - mean(x))^2) * n / (n - ddof)."""
        ax = _check_axis(axis, self.ndim, "var")
        d = self - self.mean(ax, keepdims=True)
        n = _count(self.shape, ax)
        return (d * d).sum(ax, keepdims=keepdims) / _nonneg(n - ddof)

    def std(self, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Standard deviation over `axis` (square root of var)."""
        _check_axis(axis, self.ndim, "std")  # so that a bad axis is reported as std's
        return self.var(axis, keepdims=keepdims, ddof=ddof).sqrt()

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Maximum over `axis`; tied maxima share the gradient evenly."""
        self._nonempty("max", axis)
        return fn.Max._apply1(self, _check_axis(axis, self.ndim, "max"), keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Minimum over `axis`; tied minima share the gradient evenly."""
        self._nonempty("min", axis)
        return fn.Min._apply1(self, _check_axis(axis, self.ndim, "min"), keepdims)

    def prod(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Product over `axis`."""
        return fn.Prod._apply1(self, _check_axis(axis, self.ndim, "prod"), keepdims)

    def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """log(sum(exp(x))) over `axis`, without overflow."""
        self._nonempty("logsumexp", axis)
        return fn.LogSumExp._apply1(self, _check_axis(axis, self.ndim, "logsumexp"), keepdims)

    def argmax(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Index of the maximum (an integer tensor, no gradient)."""
        self._nonempty("argmax", axis)
        return Tensor._wrap(np.asarray(np.argmax(self._data, axis=_check_axis(
            axis, self.ndim, "argmax", tuples=False), keepdims=keepdims)))

    def argmin(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Index of the minimum (an integer tensor, no gradient)."""
        self._nonempty("argmin", axis)
        return Tensor._wrap(np.asarray(np.argmin(self._data, axis=_check_axis(
            axis, self.ndim, "argmin", tuples=False), keepdims=keepdims)))

    def _nonempty(self, op: str, axis: Any = None) -> None:
        # Only a reduction over zero elements is undefined: max over axis 1 of a (0, 3) tensor
        # is an empty result, as in numpy.
        if self._data.size == 0 and _count(self.shape, _check_axis(axis, self.ndim, op)) == 0:
            raise ValueError(f"{op}: the tensor is empty along the reduced axes (shape "
                             f"{self.shape}, axis={axis}); {op} of no elements is undefined")

    # ---------------------------------------------------------------- composites
    def softmax(self, axis: int = -1) -> Tensor:
        """exp(x) / sum(exp(x)) along `axis`, stable for any logits."""
        return self.log_softmax(axis).exp()

    def log_softmax(self, axis: int = -1) -> Tensor:
        """x - logsumexp(x) along `axis`, stable for any logits."""
        ax = _check_axis(axis, self.ndim, "log_softmax", tuples=False)
        x = self
        if self._data.size:
            # Shift by the max (a constant) first: in x - logsumexp(x) the log term is rounded
            # away next to a huge x (1e4 in float32 keeps 3 decimals); the shift is exact.
            m = np.max(self._data, axis=ax, keepdims=True)
            x = self - Tensor._wrap(np.where(np.isfinite(m), m, 0).astype(self.dtype))
        return x - x.logsumexp(ax, keepdims=True)

    # ---------------------------------------------------------------- shape
    def reshape(self, *shape: Any) -> Tensor:
        """The same data in another shape (one entry may be -1)."""
        shp = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) \
            else shape
        new = _infer_shape(self.shape, shp, "reshape")
        return self if new == self.shape else fn.Reshape._apply1(self, new)

    view = reshape

    def transpose(self, *axes: Any) -> Tensor:
        """Permute axes (none given: reverse them, as numpy)."""
        ax = tuple(axes[0]) if len(axes) == 1 and isinstance(axes[0], (tuple, list)) \
            else (axes if axes else None)
        if len(axes) == 1 and axes[0] is None:
            ax = None
        if ax is not None:
            if not all(isinstance(a, (int, np.integer)) for a in ax):
                raise TypeError(f"transpose: axes must be integers, got {ax!r}")
            if sorted(a % self.ndim if -self.ndim <= a < self.ndim else a for a in ax) \
                    != list(range(self.ndim)):
                raise ValueError(f"transpose: axes {ax} are not a permutation of the "
                                 f"{self.ndim} axes of a tensor of shape {self.shape}")
            ax = tuple(a % self.ndim for a in ax)
        return fn.Transpose._apply1(self, ax)

    def permute(self, *axes: Any) -> Tensor:
        """PyTorch's name for transpose with explicit axes."""
        return self.transpose(*axes)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """Exchange two axes."""
        a1 = _check_axis(axis1, self.ndim, "swapaxes", tuples=False)
        a2 = _check_axis(axis2, self.ndim, "swapaxes", tuples=False)
        perm = list(range(self.ndim))
        perm[a1], perm[a2] = perm[a2], perm[a1]
        return fn.Transpose._apply1(self, tuple(perm))

    def flatten(self, start_axis: int = 0) -> Tensor:
        """Merge the axes from `start_axis` on into one (all of them by default)."""
        if self.ndim == 0:
            return self.reshape(1)
        s = _check_axis(start_axis, self.ndim, "flatten", tuples=False)
        return self.reshape(*self.shape[:s], -1)

    def squeeze(self, axis: Any = None) -> Tensor:
        """Drop size-1 axes (all of them, or the given ones)."""
        if axis is None:
            return self.reshape(tuple(s for s in self.shape if s != 1))
        axes = _check_axis(axis, self.ndim, "squeeze")
        axes = axes if isinstance(axes, tuple) else (axes,)
        for a in axes:
            if self.shape[a] != 1:
                raise ValueError(f"squeeze: axis {a} has size {self.shape[a]}, not 1 "
                                 f"(shape {self.shape})")
        return self.reshape(tuple(s for i, s in enumerate(self.shape) if i not in axes))

    def unsqueeze(self, axis: int) -> Tensor:
        """Insert a size-1 axis at `axis`."""
        ax = _check_axis(axis, self.ndim + 1, "unsqueeze", tuples=False)
        shape = list(self.shape)
        shape.insert(ax, 1)
        return fn.Reshape._apply1(self, tuple(shape))

    expand_dims = unsqueeze

    def broadcast_to(self, shape: Sequence[int]) -> Tensor:
        """Repeat along size-1 (or new leading) axes to `shape`, as numpy."""
        shape = tuple(shape)
        if shape == self.shape:
            return self
        if not all(isinstance(s, (int, np.integer)) for s in shape):
            raise TypeError(f"broadcast_to: shape entries must be integers, got {shape!r}")
        try:
            np.broadcast_shapes(self.shape, shape)
            if np.broadcast_shapes(self.shape, shape) != shape:
                raise ValueError
        except ValueError:
            raise ValueError(f"broadcast_to: cannot broadcast shape {self.shape} to {shape}") \
                from None
        return fn.BroadcastTo._apply1(self, shape)

    def sum_to(self, shape: Sequence[int]) -> Tensor:
        """Sum down to `shape`: undoes broadcasting (the partner of broadcast_to)."""
        shape = tuple(shape)
        if shape == self.shape:
            return self
        if not _reducible(self.shape, shape):
            raise ValueError(f"sum_to: cannot sum shape {self.shape} down to {shape}")
        return fn.SumTo._apply1(self, shape)

    def split(self, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
        """Split into pieces along `axis` (numpy's `split` arguments)."""
        return split(self, indices_or_sections, axis)

    def __getitem__(self, index: Any) -> Tensor:
        idx = _raw_index(index)
        try:
            self._data[idx]
        except (IndexError, ValueError, TypeError) as e:
            raise IndexError(f"indexing a tensor of shape {self.shape} with {index!r}: {e}") \
                from None
        return fn.GetItem._apply1(self, idx)


class _Cast(Function):
    """astype between float dtypes: the gradient is cast back."""

    __slots__ = ()
    reads_inputs = False

    def forward(ctx, a, dtype):
        return a.astype(dtype)

    def backward(ctx, g):
        return g.astype(ctx.inputs[0].dtype), None


class _NoGrad:
    """A light no_grad for internal use (no decorator support needed)."""

    def __enter__(self) -> None:
        self.prev = _mode.enabled
        _mode.enabled = False

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self.prev


def _check_inplace_shape(op: str, t: Tensor, new: Tensor) -> None:
    if new.shape != t.shape:
        raise ValueError(f"{op}: the result has shape {new.shape}, but an in-place op cannot "
                         f"change the tensor's shape {t.shape}; use the out-of-place op")


def _weakref_to(t: Tensor) -> Any:
    from weakref import ref

    return ref(t)


Tensor._out_type = Tensor


# ---------------------------------------------------------------- helpers

def _check_operand(x: Any, where: str) -> Any:
    if isinstance(x, (np.ndarray, Number, np.generic, bool)) and not isinstance(x, complex):
        if isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind not in "biuf":
            raise TypeError(f"{where}: unsupported dtype {x.dtype} (numbers and booleans only)")
        return x
    if isinstance(x, Node):
        raise TypeError(f"{where}: cannot combine a Tensor with a {type(x).__name__}; Value and "
                        "Tensor are separate front-ends (use Tensor(v.data) to convert)")
    if isinstance(x, (list, tuple)):
        return _as_array(x, None, where)
    raise TypeError(f"{where}: unsupported operand of type {type(x).__name__}")


def _to_tensor(x: Any, like: Tensor) -> Tensor:
    """An operand as a Tensor; Python numbers take `like`'s float dtype (numpy's weak scalars)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        kind = like._data.dtype.kind
        dt = like._data.dtype if kind == "f" else (_default_dtype if isinstance(x, float)
                                                   else like._data.dtype)
        if kind == "b":
            dt = _default_dtype if isinstance(x, float) else np.dtype(np.int64)
        try:
            return Tensor._wrap(np.asarray(x, dtype=dt))
        except OverflowError:
            raise ValueError(f"Tensor arithmetic: {x!r:.40} does not fit the tensor's dtype "
                             f"{dt}") from None
    if isinstance(x, Node):
        raise TypeError(f"cannot combine a Tensor with a {type(x).__name__}; Value and Tensor "
                        "are separate front-ends (use Tensor(v.data) to convert)")
    return Tensor._wrap(_as_array(_check_operand(x, "Tensor arithmetic"), None,
                                  "Tensor arithmetic"))


def _scalar_or_none(x: Any, where: str) -> Any:
    if x is None:
        return None
    if isinstance(x, Tensor):
        return x._data
    return _check_operand(x, where)


def _reducible(src: tuple[int, ...], dst: tuple[int, ...]) -> bool:
    """True when an array of shape `dst` broadcasts to `src` (so src can be summed to dst)."""
    if len(dst) > len(src):
        return False
    return all(d == s or d == 1 for d, s in zip(dst, src[len(src) - len(dst):]))


def _infer_shape(shape: tuple[int, ...], target: tuple[Any, ...], op: str) -> tuple[int, ...]:
    """Resolve a -1 in `target` and check the element count, with an error naming both shapes."""
    size = math.prod(shape)
    try:
        dims = [int(s) for s in target]
    except (TypeError, ValueError):
        raise TypeError(f"{op}: shape entries must be integers, got {target!r}") from None
    free = [i for i, s in enumerate(dims) if s == -1]
    known = math.prod(s for s in dims if s != -1)
    bad = len(free) > 1 or any(s < -1 for s in dims)
    if not bad and free:
        bad = known == 0 or size % known != 0
        if not bad:
            dims[free[0]] = size // known
    elif not bad:
        bad = known != size
    if bad:
        raise ValueError(f"{op}: cannot reshape a tensor of shape {shape} ({size} elements) "
                         f"into {tuple(target)}")
    return tuple(dims)


def _count(shape: tuple[int, ...], axis: Any) -> int:
    if axis is None:
        return math.prod(shape)
    axes = axis if isinstance(axis, tuple) else (axis,)
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _nonneg(n: int) -> float:
    return float(n) if n > 0 else 0.0


def _check_axis(axis: Any, ndim: int, op: str, tuples: bool = True) -> Any:
    """Normalize `axis` (None, int or tuple) or raise an error naming the op and the ndim."""
    if axis is None:
        return None
    if isinstance(axis, (tuple, list)):
        if not tuples:
            raise TypeError(f"{op}: axis must be an int, got {axis!r}")
        out = tuple(_check_axis(a, ndim, op, False) for a in axis)
        if len(set(out)) != len(out):
            raise ValueError(f"{op}: repeated axis in {axis!r}")
        return out
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}")
    a = int(axis)
    if not -builtins.max(ndim, 1) <= a < builtins.max(ndim, 1):
        raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} "
                         f"dimension{'s' if ndim != 1 else ''}")
    return a % ndim if ndim else None


def _raw_index(index: Any) -> Any:
    """An index expression with Tensors replaced by their arrays (lists of ints by arrays)."""
    if isinstance(index, tuple):
        return tuple(_raw_index_item(i) for i in index)
    return _raw_index_item(index)


def _raw_index_item(i: Any) -> Any:
    if isinstance(i, Tensor):
        if i.dtype.kind not in "biu":
            raise IndexError(f"tensors used as indices must be integer or boolean, got {i.dtype}")
        return i._data
    if isinstance(i, list):
        return np.asarray(i)
    return i


def _placed(base: np.ndarray, idx: Any, value: np.ndarray) -> np.ndarray:
    out = np.zeros_like(base)
    out[idx] = value
    return out


def _raw_from_user(g: Any, fn_: Function, i: int) -> np.ndarray:
    if isinstance(g, Tensor):
        return g._data
    if isinstance(g, (np.ndarray, Number, np.generic)) and not isinstance(g, complex):
        return np.asarray(g)
    raise TypeError(f"{type(fn_).__name__}.backward returned a {type(g).__name__} as the "
                    f"gradient for input {i}; return a Tensor (or a numpy array), or None")


def _gradient_from_user(g: Any, fn_: Function, i: int) -> Tensor:
    if isinstance(g, Tensor):
        return g
    if isinstance(g, (np.ndarray, Number, np.generic)):
        return Tensor._wrap(np.asarray(g))
    raise TypeError(f"{type(fn_).__name__}.backward returned a {type(g).__name__} as the "
                    f"gradient for input {i}; return a Tensor (or a numpy array), or None")


# ---------------------------------------------------------------- creation

def tensor(data: Any, requires_grad: bool = False, dtype: Any = None,
           name: str | None = None) -> Tensor:
    """Make a Tensor (PyTorch's `torch.tensor`)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def _shape_arg(shape: tuple[Any, ...]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def _new(arr: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor(arr, requires_grad=requires_grad)


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros."""
    return _new(np.zeros(_shape_arg(shape), dtype=dtype or _default_dtype), requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _new(np.ones(_shape_arg(shape), dtype=dtype or _default_dtype), requires_grad)


def full(shape: Any, fill_value: float, dtype: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor filled with `fill_value`."""
    shp = (shape,) if isinstance(shape, int) else tuple(shape)
    return _new(np.full(shp, fill_value, dtype=dtype or _default_dtype), requires_grad)


def arange(start: float, stop: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, stop) (numpy's arange; float default dtype)."""
    arr = np.arange(start, stop, step) if stop is not None else np.arange(start)
    return _new(arr.astype(dtype or _default_dtype), requires_grad)


def linspace(start: float, stop: float, num: int = 50, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:
    """`num` evenly spaced values from start to stop inclusive."""
    return _new(np.linspace(start, stop, num, dtype=dtype or _default_dtype), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The identity matrix."""
    return _new(np.eye(n, m, dtype=dtype or _default_dtype), requires_grad)


def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False,
         rng: np.random.Generator | None = None) -> Tensor:
    """Uniform [0, 1) samples; pass `rng` for reproducibility."""
    r = rng if rng is not None else np.random.default_rng()
    return _new(r.random(_shape_arg(shape)).astype(dtype or _default_dtype), requires_grad)


def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False,
          rng: np.random.Generator | None = None) -> Tensor:
    """Standard normal samples; pass `rng` for reproducibility."""
    r = rng if rng is not None else np.random.default_rng()
    return _new(r.standard_normal(_shape_arg(shape)).astype(dtype or _default_dtype),
                requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with `t`'s shape (and dtype unless given)."""
    a = np.asarray(t)
    return _new(np.zeros(a.shape, dtype=dtype or a.dtype), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with `t`'s shape (and dtype unless given)."""
    a = np.asarray(t)
    return _new(np.ones(a.shape, dtype=dtype or a.dtype), requires_grad)


def full_like(t: Any, fill_value: float, dtype: Any = None,
              requires_grad: bool = False) -> Tensor:
    """`fill_value` with `t`'s shape (and dtype unless given)."""
    a = np.asarray(t)
    return _new(np.full(a.shape, fill_value, dtype=dtype or a.dtype), requires_grad)


# ---------------------------------------------------------------- module-level ops

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
    sa, sb = ta.shape, tb.shape
    if not sa or not sb:
        raise ValueError(f"matmul: both operands need at least 1 dimension, got shapes {sa} "
                         f"and {sb}; use * for scalars")
    k_a = sa[-1]
    k_b = sb[0] if len(sb) == 1 else sb[-2]
    if k_a != k_b:
        raise ValueError(f"matmul: shapes {sa} @ {sb} do not match: the last axis of the first "
                         f"({k_a}) must equal the {'only' if len(sb) == 1 else 'second-to-last'}"
                         f" axis of the second ({k_b})")
    if len(sa) > 2 and len(sb) > 2:
        try:
            np.broadcast_shapes(sa[:-2], sb[:-2])
        except ValueError:
            raise ValueError(f"matmul: batch dimensions of {sa} @ {sb} do not broadcast") \
                from None
    return fn.MatMul._apply2(ta, tb)


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


def split(x: Tensor, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    """Split along `axis` into equal sections or at the given indices (numpy's meaning)."""
    ax = _check_axis(axis, x.ndim, "split", tuples=False)
    n = x.shape[ax]
    if isinstance(indices_or_sections, int):
        if indices_or_sections <= 0 or n % indices_or_sections:
            raise ValueError(f"split: axis {ax} of length {n} does not divide into "
                             f"{indices_or_sections} equal sections")
        step = n // indices_or_sections
        bounds = list(range(0, n + 1, step))
    else:
        bounds = [0, *[int(i) for i in indices_or_sections], n]
    pre = (slice(None),) * ax
    return [x[pre + (slice(lo, hi),)] for lo, hi in zip(bounds[:-1], bounds[1:])]


def pad(x: Tensor, pad_width: Any, constant_values: float = 0.0) -> Tensor:
    """Pad with a constant, numpy's `pad_width` forms (int, (before, after), or per axis)."""
    pw = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2))
    if (pw < 0).any():
        raise ValueError(f"pad: pad widths must be non-negative, got {pad_width!r}")
    return fn.Pad.apply(_t(x), tuple(map(tuple, pw.tolist())), constant_values)


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
