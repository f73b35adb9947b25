"""numpy functions on Tensors: `np.exp(t)`, `np.maximum(t, 0)`, `np.sum(t, axis=0)`,
`np.concatenate([a, b])`, `np.where(c, a, b)`... return Tensors on the graph, with numpy's
meaning of the arguments (`np.var` keeps numpy's ddof=0, `np.max` gives the values).

numpy hands these calls to Tensor through its dispatch protocols (`__array_ufunc__` for ufuncs,
`__array_function__` for the rest). A numpy function without a Tensor version is a TypeError
naming what to write instead, never a silent ndarray that has left the graph. `np.asarray(t)`
and `t.numpy()` still give the data (shared). numpy's `out=` may write into numpy arrays
(`p.data += -lr * p.grad`), never into a Tensor.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _dispatch
from . import ops as _ops
from .creation import full_like, ones_like, zeros_like
from .tensor import Tensor, _to_tensor

# ---------------------------------------------------------------- ufuncs

_BINARY: dict[Any, Callable[[Tensor, Tensor], Any]] = {
    np.add: lambda a, b: a + b,
    np.subtract: lambda a, b: a - b,
    np.multiply: lambda a, b: a * b,
    np.true_divide: lambda a, b: a / b,
    np.power: lambda a, b: a ** b,
    np.maximum: _ops.maximum,
    np.minimum: _ops.minimum,
    np.matmul: _ops.matmul,
    np.less: lambda a, b: a < b,
    np.less_equal: lambda a, b: a <= b,
    np.greater: lambda a, b: a > b,
    np.greater_equal: lambda a, b: a >= b,
    np.equal: lambda a, b: a == b,
    np.not_equal: lambda a, b: a != b,
}
_UNARY: dict[Any, Callable[[Tensor], Any]] = {
    np.negative: lambda a: -a,
    np.positive: lambda a: a,
    np.exp: lambda a: a.exp(),
    np.log: lambda a: a.log(),
    np.log10: lambda a: a.log10(),
    np.sqrt: lambda a: a.sqrt(),
    np.absolute: lambda a: a.abs(),
    np.sin: lambda a: a.sin(),
    np.cos: lambda a: a.cos(),
    np.tanh: lambda a: a.tanh(),
    np.sign: lambda a: a.sign(),
    np.floor: lambda a: a.floor(),
    np.square: lambda a: a * a,
    np.reciprocal: lambda a: 1.0 / a,
}
# Results with no gradient (tests of the values): computed on the data, as boolean Tensors.
_PREDICATES = {np.isnan, np.isinf, np.isfinite, np.logical_not, np.signbit}
_REDUCE = {np.add: "sum", np.multiply: "prod", np.maximum: "amax", np.minimum: "amin"}


def _unsupported(name: str, what: str = "") -> TypeError:
    return TypeError(f"numpy.{name}{what} has no Tensor version here, and on a Tensor its result "
                     "would leave the graph: use the Tensor methods (the README's op table: "
                     "t.exp(), t.sum(axis), t.amax(axis)...), or call it on t.numpy() for the "
                     "values alone (no gradient)")


def _like(values: Any) -> Tensor:
    for v in values:
        if isinstance(v, Tensor):
            return v
    raise TypeError("no Tensor among the arguments")  # numpy only calls us when there is one


def _on_data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _ufunc(ufunc: Any, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    out = kwargs.get("out")
    if out is not None:
        if builtins.any(isinstance(o, Tensor) for o in out):
            raise TypeError(f"numpy.{ufunc.__name__}(..., out=tensor): numpy cannot write into a "
                            "Tensor (that would bypass the graph and the in-place checks); use "
                            "the Tensor's in-place form (t += x, t.add_(x), t.copy_(x))")
        # Into plain arrays (`p.data += lr * g`): numpy's own operation on the data.
        return getattr(ufunc, method)(*[_on_data(x) for x in inputs], **kwargs)
    like = _like(inputs)
    if method == "reduce" and ufunc in _REDUCE and len(inputs) == 1 \
            and set(kwargs) <= {"axis", "keepdims"}:
        return getattr(like, _REDUCE[ufunc])(kwargs.get("axis", 0),
                                             keepdims=kwargs.get("keepdims", False))
    if method != "__call__":
        raise _unsupported(f"{ufunc.__name__}.{method}")
    bad = {k: v for k, v in kwargs.items() if not (k == "where" and v is True)
           and not (k in ("casting", "order") and v in ("same_kind", "K"))
           and not (k in ("dtype", "signature") and v is None)}
    if bad:
        raise TypeError(f"numpy.{ufunc.__name__} on a Tensor: the arguments {sorted(bad)} are "
                        "not supported (convert with t.astype(dtype) first)")
    args = [_to_tensor(x, like) for x in inputs]
    if ufunc in _UNARY and len(args) == 1:
        return _UNARY[ufunc](args[0])
    if ufunc in _BINARY and len(args) == 2:
        return _BINARY[ufunc](args[0], args[1])
    if ufunc in _PREDICATES:
        return Tensor._wrap(np.asarray(ufunc(*[a.data for a in args])))
    raise _unsupported(ufunc.__name__)


# ---------------------------------------------------------------- other numpy functions

def _reduction(method: str, ddof_default: Any = None) -> Callable[..., Any]:
    def handler(a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
                keepdims: Any = False, ddof: Any = 0, **rest: Any) -> Any:
        if dtype is not None or out is not None:
            raise TypeError(f"numpy.{method} on a Tensor: dtype= and out= are not supported "
                            "(cast with t.astype(dtype) first)")
        for k, v in rest.items():
            if k not in ("initial", "where") or (v is not np._NoValue and v is not True):  # type: ignore[attr-defined]
                raise TypeError(f"numpy.{method} on a Tensor: {k}= is not supported")
        keep = bool(keepdims) if keepdims is not np._NoValue else False  # type: ignore[attr-defined]
        t = _ops._t(a)
        if ddof_default is not None:
            return getattr(t, method)(axis, keepdims=keep, ddof=ddof)
        return getattr(t, method)(axis, keepdims=keep)
    return handler


def _arg(method: str) -> Callable[..., Any]:
    def handler(a: Any, axis: Any = None, out: Any = None, keepdims: Any = False) -> Any:
        if out is not None:
            raise TypeError(f"numpy.{method} on a Tensor: out= is not supported")
        keep = bool(keepdims) if keepdims is not np._NoValue else False  # type: ignore[attr-defined]
        return getattr(_ops._t(a), method)(axis, keepdims=keep)
    return handler


def _concatenate(arrays: Any, axis: Any = 0, out: Any = None, **kw: Any) -> Tensor:
    if out is not None or kw.get("dtype") is not None:
        raise TypeError("numpy.concatenate on Tensors: out= and dtype= are not supported")
    ts = [_ops._t(x) for x in arrays]
    if axis is None:
        ts = [t.reshape(-1) for t in ts]
        axis = 0
    return _ops.concatenate(ts, axis)


def _stack(arrays: Any, axis: Any = 0, out: Any = None, **kw: Any) -> Tensor:
    if out is not None or kw.get("dtype") is not None:
        raise TypeError("numpy.stack on Tensors: out= and dtype= are not supported")
    return _ops.stack(list(arrays), axis)


def _where(condition: Any, *xy: Any) -> Any:
    if len(xy) == 2:
        return _ops.where(condition, *xy)
    if xy:
        raise TypeError("numpy.where: give the condition alone, or the condition, x and y")
    return tuple(Tensor._wrap(i) for i in np.nonzero(_on_data(condition)))


def _split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    # numpy's meaning: a number of equal sections, or the indices to split at.
    t = _ops._t(ary)
    n = t.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        if k <= 0 or n % k:
            raise ValueError(f"split: axis {axis} of length {n} does not divide into {k} equal "
                             "sections")
        bounds = list(range(0, n + 1, n // k)) if n else [0] * (k + 1)
    else:
        bounds = [0, *[builtins.min(builtins.max(int(i), 0), n) for i in indices_or_sections],
                  n]
    return t._pieces(axis % builtins.max(t.ndim, 1), bounds)


def _pad(array: Any, pad_width: Any, mode: str = "constant", **kw: Any) -> Tensor:
    if mode != "constant" or set(kw) - {"constant_values"}:
        raise TypeError(f"numpy.pad on a Tensor: only mode='constant' is supported, got "
                        f"mode={mode!r}")
    return _ops.pad(array, pad_width, kw.get("constant_values", 0.0))


def _dot(a: Any, b: Any, out: Any = None) -> Tensor:
    ta, tb = _ops._t(a), _ops._t(b)
    if out is not None or ta.ndim > 2 or tb.ndim > 2:
        raise TypeError("numpy.dot on Tensors: only 0-, 1- and 2-D operands (use matmul, @, for "
                        "batches; numpy's dot of N-D arrays is a different product)")
    return ta * tb if ta.ndim == 0 or tb.ndim == 0 else ta @ tb


def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:
    if ord is not None and not (ord == 2 and axis is not None and not isinstance(axis, tuple)):
        raise TypeError("numpy.linalg.norm on a Tensor: only the default (Euclidean/Frobenius) "
                        "norm is supported: (t * t).sum(axis).sqrt()")
    t = _ops._t(x)
    return (t * t).sum(axis, keepdims=keepdims).sqrt()


def _metadata(func: Callable[..., Any]) -> Callable[..., Any]:
    """numpy functions that read shapes, dtypes or values and return no array to differentiate."""
    def handler(*args: Any, **kwargs: Any) -> Any:
        out = func(*[_on_data(a) for a in args], **{k: _on_data(v) for k, v in kwargs.items()})
        return Tensor._wrap(out) if isinstance(out, np.ndarray) else out
    return handler


_FUNCTIONS: dict[Any, Callable[..., Any]] = {
    np.sum: _reduction("sum"),
    np.mean: _reduction("mean"),
    np.prod: _reduction("prod"),
    np.max: _reduction("amax"),
    np.min: _reduction("amin"),
    np.amax: _reduction("amax"),
    np.amin: _reduction("amin"),
    np.var: _reduction("var", ddof_default=0),
    np.std: _reduction("std", ddof_default=0),
    np.argmax: _arg("argmax"),
    np.argmin: _arg("argmin"),
    np.concatenate: _concatenate,
    np.stack: _stack,
    np.where: _where,
    np.split: _split,
    np.pad: _pad,
    np.dot: _dot,
    np.linalg.norm: _norm,
    np.reshape: lambda a, *shape, **kw: _ops._t(a).reshape(
        *(shape or (kw.get("shape", kw.get("newshape")),))),
    np.ravel: lambda a, order="C": _ops._t(a).reshape(-1),
    np.transpose: lambda a, axes=None: _ops._t(a).transpose(tuple(axes) if axes is not None
                                                            else None),
    np.swapaxes: lambda a, axis1, axis2: _ops._t(a).swapaxes(axis1, axis2),
    np.squeeze: lambda a, axis=None: _ops._t(a).squeeze(axis),
    np.expand_dims: lambda a, axis: _ops._t(a).unsqueeze(axis),
    np.broadcast_to: lambda array, shape, subok=False: _ops._t(array).broadcast_to(
        (shape,) if isinstance(shape, int) else shape),
    np.clip: lambda a, a_min=None, a_max=None, **kw: _ops._t(a).clip(
        kw.get("min", a_min), kw.get("max", a_max)),
    np.copy: lambda a, order="K", subok=False: _ops._t(a).clone(),
    np.zeros_like: lambda a, dtype=None, **kw: zeros_like(a, dtype=dtype),
    np.ones_like: lambda a, dtype=None, **kw: ones_like(a, dtype=dtype),
    np.full_like: lambda a, fill_value, dtype=None, **kw: full_like(a, fill_value,
                                                                    dtype=dtype),
    np.empty_like: lambda a, dtype=None, **kw: zeros_like(a, dtype=dtype),
}
for _f in (np.shape, np.ndim, np.size, np.result_type, np.can_cast, np.iscomplexobj,
           np.isrealobj, np.may_share_memory, np.shares_memory, np.allclose, np.isclose,
           np.array_equal, np.array_equiv, np.count_nonzero, np.nonzero, np.argsort,
           np.array_repr, np.array_str, np.array2string):
    _FUNCTIONS[_f] = _metadata(_f)


def _function(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    handler = _FUNCTIONS.get(func)
    if handler is None:
        raise _unsupported(getattr(func, "__name__", str(func)))
    return handler(*args, **kwargs)


_dispatch.handlers["ufunc"] = _ufunc
_dispatch.handlers["function"] = _function
