"""`Tensor`: a numpy array on the shared graph engine, with PyTorch's vocabulary.

This file holds the class itself: its data, conversions and operators. The rest of its methods
come from mixins, one file each: math_ops.py (elementwise, reductions, composites), shaping.py
(shape and indexing), inplace.py (`add_`, `t[i] = v`...) and engine_hooks.py (how the engine
seeds, fits and accumulates its gradients). Methods are one-liners over the primitives in
`autograd_core.functions`.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .. import functions as fn
from ..engine import Function, Node
from . import _dispatch
from ._validate import (
    _as_array,
    _check_matmul,
    _check_operand,
    get_default_dtype,
)
from .engine_hooks import EngineHooks
from .inplace import InPlaceOps
from .math_ops import MathOps
from .shaping import ShapeOps
from .torch_surface import TorchSurface


class Tensor(MathOps, ShapeOps, InPlaceOps, TorchSurface, EngineHooks, Node):
    """An n-dimensional array that records the operations made with it, for `backward()`."""

    __slots__ = ("_data", "_grad", "name", "_version", "_modified_at")
    __array_priority__ = 1000  # make `ndarray + Tensor` call Tensor.__radd__
    __hash__ = Node.__hash__  # __eq__ is elementwise, identity stays the hash

    _out_type: type[Tensor]
    _grad: Tensor | None

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None,
                 name: str | None = None) -> None:
        arr = _as_array(data, dtype, "Tensor")
        if requires_grad and arr.dtype.kind != "f":
            raise TypeError(f"Tensor: only floating-point tensors can require grad, got dtype "
                            f"{arr.dtype}; pass dtype=np.float32 (or float64)")
        self._data = arr
        self._grad = None
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
        t._grad = None
        t.name = None
        t._fn = None
        t.requires_grad = False
        t._hooks = None
        t._retains_grad = False
        t._version = 0
        t._modified_at = 0
        return t

    def _const(self, data: np.ndarray) -> Tensor:
        """How a primitive makes a constant of this front-end (the Node hook)."""
        return Tensor._wrap(data)

    @staticmethod
    def _from_op(data: Any, fn: Function | None) -> Tensor:
        t = object.__new__(Tensor)
        t._data = data if type(data) is np.ndarray else np.asarray(data)
        t._grad = None
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
    def ndim(self) -> builtins.int:
        """Number of dimensions."""
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        """The numpy dtype."""
        return self._data.dtype

    def numel(self) -> builtins.int:
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
        """A copy with another dtype; differentiable between float dtypes.

        numpy's astype: a new node even for the same dtype (`float()` and `double()` are
        PyTorch's, and give the tensor itself when nothing changes).
        """
        d = np.dtype(dtype)
        if d.kind not in "biuf":
            raise TypeError(f"astype: unsupported dtype {d} (numbers and booleans only)")
        if self.requires_grad and d.kind == "f":
            return fn.Cast.apply(self, d)
        return Tensor._wrap(self._data.astype(d))

    def float(self) -> Tensor:
        """Cast to float32 (PyTorch's: the tensor itself when it is float32 already)."""
        return self if self._data.dtype == np.float32 else self.astype(np.float32)

    def double(self) -> Tensor:
        """Cast to float64 (PyTorch's: the tensor itself when it is float64 already)."""
        return self if self._data.dtype == np.float64 else self.astype(np.float64)

    def long(self) -> Tensor:
        """Cast to int64 (no gradient flows through an integer tensor)."""
        return self.astype(np.int64)

    def int(self) -> Tensor:
        """Cast to int32."""
        return self.astype(np.int32)

    def bool(self) -> Tensor:
        """Cast to bool."""
        return self.astype(np.bool_)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    # numpy's dispatch protocols: np.exp(t), np.sum(t, axis=0)... give Tensors on the graph;
    # the handlers live in numpy_protocol.py (registered in _dispatch.handlers).
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _dispatch.handlers["ufunc"](ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return _dispatch.handlers["function"](func, args, kwargs)

    def __len__(self) -> builtins.int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self) -> Any:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    def __bool__(self) -> builtins.bool:
        if self._data.size != 1:
            raise ValueError(f"The truth value of a tensor of shape {self.shape} is ambiguous; "
                             "use .any() or .all()")
        return bool(self._data)

    def __float__(self) -> builtins.float:
        return float(self.item())

    def __int__(self) -> builtins.int:
        return int(self.item())

    def __index__(self) -> builtins.int:
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

    def _coerce(self, other: Any) -> Tensor:
        """An operand of an in-place op as a Tensor, by the rules of `_to_tensor`."""
        return _to_tensor(other, self)

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
        if type(other) is float and self._data.dtype.kind == "f":
            return fn.DivScalar._apply1(self, other)
        return fn.Div._apply2(self, _to_tensor(other, self))

    def __rtruediv__(self, other: Any) -> Tensor:
        return fn.Div._apply2(_to_tensor(other, self), self)

    def __pow__(self, other: Any) -> Tensor:
        t = type(other)
        if (t is float or t is int) and self._data.dtype.kind == "f" and abs(other) < 2 ** 63:
            return fn.PowScalar._apply1(self, other)
        return fn.Pow._apply2(self, _to_tensor(other, self))

    def __rpow__(self, other: Any) -> Tensor:
        return fn.Pow._apply2(_to_tensor(other, self), self)

    def __neg__(self) -> Tensor:
        return fn.Neg._apply1(self)

    def __pos__(self) -> Tensor:
        return self

    def __rmatmul__(self, other: Any) -> Tensor:
        return _to_tensor(other, self).matmul(self)

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
        o = _to_tensor(other, self)
        _check_matmul(self.shape, o.shape)
        return fn.MatMul._apply2(self, o)

    __matmul__ = matmul

    # ---- comparisons: boolean tensors, never differentiable
    def _compare(self, other: Any, op: Any) -> Tensor:
        o = other._data if isinstance(other, Tensor) else _check_operand(other, op.__name__)
        try:
            return Tensor._wrap(np.asarray(op(self._data, o)))
        except OverflowError:
            raise ValueError(f"{op.__name__}: {other!r:.40} does not fit the tensor's dtype "
                             f"{self.dtype}") from None

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


Tensor._out_type = Tensor


# ---------------------------------------------------------------- helpers


# ---------------------------------------------------------------- helpers


def _to_tensor(x: Any, like: Tensor) -> Tensor:
    """An operand as a Tensor, by numpy's promotion rule (NEP 50): Python numbers are weak
    (they take `like`'s dtype where its kind can hold them: int tensor * 2.5 is float64), numpy
    scalars and arrays keep their dtype (a float64 scalar makes a float32 tensor float64)."""
    if isinstance(x, Tensor):
        return x
    t = type(x)
    if t is float or t is int or t is bool:
        dt = np.result_type(like._data.dtype, x)
        try:
            return Tensor._wrap(np.asarray(x, dtype=dt))
        except OverflowError:
            raise ValueError(f"Tensor arithmetic: {x!r:.40} does not fit the dtype {dt} of a "
                             "tensor it is combined with") from None
    if isinstance(x, Node):
        raise TypeError(f"cannot combine a Tensor with a {type(x).__name__}; Value and Tensor "
                        "are separate front-ends (use Tensor(v.data) to convert)")
    return Tensor._wrap(_as_array(_check_operand(x, "Tensor arithmetic"), None,
                                  "Tensor arithmetic"))
