"""`Tensor`: a numpy array on the shared graph engine, with PyTorch's vocabulary.

Methods are one-liners over the primitives in `functions.py`; composites (mean, var, softmax,
...) are built from primitives here and need no backward code of their own.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import functions as fn
from . import tensor_hooks as _engine_hooks
from . import tensor_inplace as _inplace_ops
from ._validate import (
    _as_array,
    _check_axis,
    _check_operand,
    _count,
    _infer_shape,
    _nonneg,
    _raw_index,
    _reducible,
    get_default_dtype,
    set_default_dtype,
)
from .engine import Function, Node


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
        if self.dtype != get_default_dtype():  # the default is a float dtype
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

    # ---------------------------------------------------------------- engine hooks: tensor_hooks.py
    _seed_grad = _engine_hooks._seed_grad
    _fit_grad = _engine_hooks._fit_grad
    _accumulate = _engine_hooks._accumulate
    _wrap_grad = _engine_hooks._wrap_grad
    _fit_raw = _engine_hooks._fit_raw
    _accumulate_raw = _engine_hooks._accumulate_raw
    _check_finite = _engine_hooks._check_finite
    _describe = _engine_hooks._describe
    _meta = _engine_hooks._meta
    _zeros = staticmethod(_engine_hooks._zeros)
    _detached = _engine_hooks._detached

    # ---------------------------------------------------------------- in-place (tensor_inplace.py)
    _bump = _inplace_ops._bump
    _inplace = _inplace_ops._inplace
    add_ = _inplace_ops.add_
    sub_ = _inplace_ops.sub_
    mul_ = _inplace_ops.mul_
    div_ = _inplace_ops.div_
    clamp_ = _inplace_ops.clamp_
    zero_ = _inplace_ops.zero_
    fill_ = _inplace_ops.fill_
    copy_ = _inplace_ops.copy_
    _overwrite = _inplace_ops._overwrite
    __setitem__ = _inplace_ops.__setitem__

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
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _ops.matmul(_to_tensor(other, self), self)

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
        return _ops.matmul(self, other)

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
        _check_axis(axis, self.ndim, "softmax", tuples=False)
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
        return _ops.split(self, indices_or_sections, axis)

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


Tensor._out_type = Tensor


# ---------------------------------------------------------------- helpers


def _to_tensor(x: Any, like: Tensor) -> Tensor:
    """An operand as a Tensor; Python numbers take `like`'s float dtype (numpy's weak scalars)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        kind = like._data.dtype.kind
        dt = like._data.dtype if kind == "f" else (get_default_dtype() if isinstance(x, float)
                                                   else like._data.dtype)
        if kind == "b":
            dt = get_default_dtype() if isinstance(x, float) else np.dtype(np.int64)
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


# The creation functions and the module-level ops live in their own files and are re-exported
# here, so `autograd_core.tensor` stays the one namespace of the Tensor front-end.
from . import ops as _ops  # noqa: E402
from .creation import (  # noqa: E402
    arange,
    eye,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    randn,
    tensor,
    zeros,
    zeros_like,
)
from .ops import (  # noqa: E402
    abs,
    argmax,
    argmin,
    broadcast_to,
    clip,
    concatenate,
    cos,
    exp,
    expand_dims,
    flatten,
    floor,
    log,
    log_softmax,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    pad,
    prod,
    relu,
    reshape,
    sigmoid,
    sign,
    sin,
    softmax,
    split,
    sqrt,
    squeeze,
    stack,
    std,
    sum,
    swapaxes,
    tanh,
    transpose,
    unsqueeze,
    var,
    where,
)

__all__ = [
    "Tensor", "set_default_dtype", "get_default_dtype", "tensor", "zeros", "ones", "full",
    "arange", "linspace", "eye", "rand", "randn", "zeros_like", "ones_like", "full_like",
    "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "clip", "sign",
    "floor", "maximum", "minimum", "where", "matmul", "concatenate", "stack", "split",
    "pad", "sum", "mean", "max", "min", "var", "std", "logsumexp", "prod", "argmax",
    "argmin", "reshape", "transpose", "swapaxes", "flatten", "squeeze", "unsqueeze",
    "expand_dims", "broadcast_to", "softmax", "log_softmax",
]
