"""Testing helpers for users: hypothesis strategies for tensors, shapes and index expressions,
and `assert_grads_close`, gradcheck as a pytest-friendly assertion.

hypothesis is an optional dependency of this module only: install it with the `testing` (or
`dev`) extra, ``pip install "autograd-core[testing]"``. `assert_grads_close` works without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .checking import check_gradients
from .tensor import Tensor

__all__ = ["tensors", "broadcastable_shapes", "index_expressions", "assert_grads_close"]


def _hypothesis() -> tuple[Any, Any]:
    """hypothesis' strategies and numpy extra, or an ImportError that says what to install."""
    try:
        from hypothesis import strategies as st
        from hypothesis.extra import numpy as hnp
    except ImportError as e:
        raise ImportError(
            "autograd_core.testing's strategies need hypothesis, an optional dependency: "
            "install the `testing` extra (pip install 'autograd-core[testing]') or the `dev` "
            "extra") from e
    return st, hnp


def tensors(shape: Any = (3,), dtype: Any = np.float64, elements: Any = None,
            requires_grad: bool = True) -> Any:
    """A strategy for Tensors of `shape` (a tuple or a strategy of tuples) and `dtype`.

    `elements` is a strategy for the values; by default finite floats in [-10, 10].
    """
    st, hnp = _hypothesis()
    dt = np.dtype(dtype)
    if elements is None and dt.kind == "f":
        elements = st.floats(-10, 10, allow_nan=False, allow_infinity=False,
                             width=8 * dt.itemsize)
    grad = requires_grad and dt.kind == "f"
    return hnp.arrays(dt, shape, elements=elements).map(
        lambda a: Tensor(a, requires_grad=grad))


def broadcastable_shapes(num_shapes: int = 2, *, base_shape: tuple[int, ...] = (),
                         min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
                         max_side: int = 4) -> Any:
    """A strategy for tuples of `num_shapes` shapes that broadcast together (numpy's rules)."""
    _, hnp = _hypothesis()
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, base_shape=base_shape, min_dims=min_dims, max_dims=max_dims,
        min_side=min_side, max_side=max_side).map(lambda b: tuple(b.input_shapes))


def index_expressions(shape: tuple[int, ...]) -> Any:
    """A strategy for valid index expressions into an array of `shape`.

    It draws ints, slices with steps, None, Ellipsis, integer arrays (repeats included),
    boolean masks and mixes of these.
    """
    st, hnp = _hypothesis()
    shape = tuple(shape)
    options = [hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True)]
    if shape and all(shape):
        options.append(hnp.integer_array_indices(shape))
        options.append(hnp.arrays(np.bool_, shape))
        # An integer array on the first axis, basic indices on the rest.
        rows = hnp.arrays(np.intp, st.integers(1, 4),
                          elements=st.integers(-shape[0], shape[0] - 1))
        if len(shape) > 1:
            rest = hnp.basic_indices(shape[1:], min_dims=0, allow_newaxis=False,
                                     allow_ellipsis=False)
            options.append(st.tuples(rows, rest).map(
                lambda t: (t[0], *(t[1] if isinstance(t[1], tuple) else (t[1],)))))
        else:
            options.append(rows)
    return st.one_of(*options)


def assert_grads_close(fn: Callable[..., Any], inputs: Any, *, order: int = 1,
                       eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                       fast: bool = False, nondet_tol: float = 0.0) -> None:
    """Assert that backward's gradients of `fn` at `inputs` match central differences.

    `order=2` checks second derivatives as well (gradcheck then gradgradcheck). On a mismatch
    raises AssertionError with gradcheck's report, so pytest shows which elements differ.
    """
    __tracebackhide__ = True  # pytest: show the caller's line, not this helper's
    if order not in (1, 2):
        raise ValueError(f"assert_grads_close: order must be 1 or 2, got {order!r}")
    for k in range(1, order + 1):
        res = check_gradients(fn, inputs, order=k, eps=eps, atol=atol, rtol=rtol, fast=fast,
                              nondet_tol=nondet_tol)
        if not res.ok:
            raise AssertionError(res.message)
