"""Two spellings of one argument: numpy's `axis=`/`keepdims=` and PyTorch's `dim=`/`keepdim=`
(also `ddof=`, `correction=` and `unbiased=`). Either is accepted; both at once is an error,
never a silent choice of one."""

from __future__ import annotations

from numbers import Real
from typing import Any

UNSET: Any = type("Unset", (), {"__repr__": lambda self: "<unset>"})()


def axes(op: str, axis: Any, keepdims: Any, dim: Any, keepdim: Any) -> tuple[Any, bool]:
    """(axis, keepdims) from numpy's or PyTorch's spelling."""
    if dim is not UNSET:
        if axis is not None:
            raise TypeError(f"{op}: got axis={axis!r} and dim={dim!r}, numpy's and PyTorch's "
                            "names for the same argument; give one")
        axis = dim
    if keepdim is not UNSET:
        if keepdims is not None:
            raise TypeError(f"{op}: got keepdims= and keepdim=, numpy's and PyTorch's names for "
                            "the same argument; give one")
        keepdims = keepdim
    return axis, bool(keepdims)


def one_axis(op: str, axis: Any, dim: Any, default: Any = UNSET) -> Any:
    """A single axis from `axis=` or `dim=`; `default` when neither is given."""
    if dim is not UNSET:
        if axis is not UNSET and axis is not None:
            raise TypeError(f"{op}: got axis={axis!r} and dim={dim!r}, numpy's and PyTorch's "
                            "names for the same argument; give one")
        return dim
    if axis is UNSET:
        if default is UNSET:
            raise TypeError(f"{op}: missing the axis (axis= or dim=)")
        return default
    return axis


def correction(op: str, unbiased: Any, correction: Any, ddof: Any) -> float:
    """The variance's divisor offset: PyTorch's `correction=1` unless told otherwise."""
    given = [(n, v) for n, v in (("unbiased", unbiased), ("correction", correction),
                                 ("ddof", ddof)) if v is not None]
    if len(given) > 1:
        raise TypeError(f"{op}: got {' and '.join(n + '=' for n, _ in given)}, which all set "
                        "the same thing (unbiased=True is correction=1 is ddof=1); give one")
    if not given:
        return 1.0
    name, value = given[0]
    if name == "unbiased":
        if not isinstance(value, bool):
            raise TypeError(f"{op}: unbiased= takes True or False, got {value!r}; numpy's ddof= "
                            "or PyTorch's correction= take a number")
        return 1.0 if value else 0.0
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{op}: {name}= takes a number, got {value!r}")
    return float(value)
