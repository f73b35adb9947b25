"""Numerical gradient checks: `gradcheck`, `gradgradcheck` and a mismatch report to act on.

The numerical Jacobian comes from central differences, (f(x + eps) - f(x - eps)) / (2 eps), one
input element at a time, in float64. The analytical Jacobian comes from backward, one output
element at a time (a one-hot output gradient per row). An element fails when

    |analytical - numerical| > atol + rtol * |numerical|        (numpy's allclose)

and its relative error is |analytical - numerical| / max(|numerical|, atol), so that elements
that are exactly zero do not divide by zero. Besides the Jacobians, backward must be linear in
the output gradient and give the same answer when run twice (reentrancy), as PyTorch checks.
The Jacobians are computed in `_jacobian.py`, the report is written in `_gradcheck_report.py`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine import Node, grad
from ..tensor import Tensor
from ..value import Value
from ._jacobian import (
    _analytical,
    _array,
    _as_tuple,
    _evaluate,
    _guarded_vjp,
    _is_float,
    _numerical,
    _outputs,
    _raw,
    _ShapeProblem,
    _vjp,
)
from ._report import Mismatch, format_pass_html, format_report, format_report_html

__all__ = [
    "gradcheck", "gradgradcheck", "check_gradients", "numerical_jacobian", "analytical_jacobian",
    "GradcheckError", "GradcheckWarning", "GradcheckResult",
]


class GradcheckError(AssertionError):
    """Raised by `gradcheck`/`gradgradcheck` on a mismatch; `.result` holds the details.

    An AssertionError, so that pytest shows the report as a plain failed assertion.
    """

    def __init__(self, message: str, result: GradcheckResult | None = None) -> None:
        super().__init__(message)
        self.result = result

    def _repr_html_(self) -> str | None:
        """Jupyter shows the report with its tables as HTML tables."""
        return self.result._repr_html_() if self.result is not None else None


class GradcheckWarning(UserWarning):
    """Inputs that are not float64: the default tolerances assume float64."""


@dataclass
class GradcheckResult:
    """What a check found: `ok`, the report `message` ('' when ok) and the worst errors."""

    ok: bool
    message: str
    max_abs_err: float
    max_rel_err: float
    mismatches: list[Mismatch]
    html: str = field(default="", repr=False)

    def __bool__(self) -> bool:
        return self.ok

    def _repr_html_(self) -> str | None:
        """Jupyter's view: the report as HTML (tables of the failing elements), or a pass line."""
        return self.html or None

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's text view: the report itself, not the dataclass with its arrays."""
        printer.text(self.message or f"passed: largest abs err {self.max_abs_err:.2e}, "
                                     f"largest rel err {self.max_rel_err:.2e}")


# ---------------------------------------------------------------- inputs and outputs

def _prepare(inputs: Any, eps: float, atol: float, rtol: float,
             who: str) -> tuple[list[Any], list[int]]:
    """Fresh float64 leaves for the inputs that require grad (others pass unchanged)."""
    args = list(_as_tuple(inputs))
    diff = []
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and a.requires_grad:
            if a.dtype != np.float64:
                warnings.warn(
                    f"{who}: input {i} has dtype {a.dtype}; the tolerances (atol={atol:g}, "
                    f"rtol={rtol:g}) and the step eps={eps:g} assume float64, so {who} runs on "
                    "float64 copies of the inputs. Pass float64 inputs (x.double()) to check "
                    "exactly what you run.", GradcheckWarning, stacklevel=4)
            args[i] = Tensor(np.array(a.data, dtype=np.float64), requires_grad=True,
                             name=a.name)
            diff.append(i)
        elif isinstance(a, Value) and a.requires_grad:
            args[i] = Value(a.data, a.label)
            diff.append(i)
    if not diff:
        raise ValueError(f"{who}: no input requires grad, so there is nothing to check; create "
                         "the tensors with requires_grad=True (Values require grad by default)")
    return args, diff


def numerical_jacobian(fn: Callable[..., Any], inputs: Any,
                       eps: float = 1e-6) -> list[list[np.ndarray]]:
    """Central-difference Jacobians: `J[k][p]` has shape (output k size, checked input p size).

    The checked inputs are those that require grad, in order; all arithmetic is float64.
    """
    args, diff = _prepare(inputs, eps, 0.0, 0.0, "numerical_jacobian")
    return _numerical(fn, args, diff, eps, "numerical_jacobian")


def analytical_jacobian(fn: Callable[..., Any], inputs: Any) -> list[list[np.ndarray | None]]:
    """Jacobians from backward, laid out as `numerical_jacobian`'s; None for no gradient."""
    args, diff = _prepare(inputs, 0.0, 0.0, 0.0, "analytical_jacobian")
    outs = [o for o in _outputs(fn(*args), "analytical_jacobian") if _is_float(o)]
    return _analytical(outs, [args[i] for i in diff])


# ---------------------------------------------------------------- the check

def _compare(a: np.ndarray, n: np.ndarray, atol: float,
             rtol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    err = np.abs(a - n)
    # Written as "not within" so that a NaN on either side fails.
    return err, err / np.maximum(np.abs(n), atol), ~(err <= atol + rtol * np.abs(n))


def check_gradients(fn: Callable[..., Any], inputs: Any, *, order: int = 1,
                    grad_outputs: Any = None, eps: float = 1e-6, atol: float = 1e-5,
                    rtol: float = 1e-3, fast: bool = False,
                    nondet_tol: float = 0.0) -> GradcheckResult:
    """`gradcheck` (order=1) or `gradgradcheck` (order=2) returning a `GradcheckResult`."""
    kw: dict[str, Any] = {"eps": eps, "atol": atol, "rtol": rtol, "fast": fast,
                          "nondet_tol": nondet_tol}
    if order == 1:
        return _check(fn, inputs, **kw)
    if order == 2:
        return _gradgrad(fn, inputs, grad_outputs, **kw)
    raise ValueError(f"check_gradients: order must be 1 or 2, got {order!r}")


def _check(fn: Callable[..., Any], inputs: Any, *, eps: float, atol: float, rtol: float,
           fast: bool, nondet_tol: float, _labels: Any = None,
           _who: str = "gradcheck") -> GradcheckResult:
    args, diff = _prepare(inputs, eps, atol, rtol, _who)
    leaves = [args[i] for i in diff]
    all_outs = _outputs(fn(*args), _who)
    outs = [o for o in all_outs if _is_float(o)]
    out_idx = [k for k, o in enumerate(all_outs) if _is_float(o)]
    labels = _labels or _default_labels(args, all_outs)
    mism: list[Mismatch] = []
    worst = [0.0, 0.0]

    def add(kind: str, k: int, p: int, **kw: Any) -> None:
        mism.append(Mismatch(kind, labels[1][out_idx[k]], labels[0][diff[p]],
                             np.shape(_raw(outs[k])), np.shape(_raw(leaves[p])), **kw))

    try:
        if fast:
            _fast(fn, args, diff, outs, leaves, eps, atol, rtol, _who, add, worst)
        else:
            _full(fn, args, diff, outs, leaves, eps, atol, rtol, _who, add, worst)
        if not mism:
            _linear_and_reentrant(outs, leaves, atol, rtol, nondet_tol, add)
    except _ShapeProblem as e:
        mism.append(Mismatch("shape", "", labels[0][diff[e.p]] if e.p is not None else "",
                             (), (), text=str(e)))
    ok = not mism
    msg = "" if ok else format_report(_who, mism, eps=eps, atol=atol, rtol=rtol, fast=fast)
    html = format_pass_html(_who, worst[0], worst[1]) if ok else \
        format_report_html(_who, mism, eps=eps, atol=atol, rtol=rtol, fast=fast)
    return GradcheckResult(ok, msg, worst[0], worst[1], mism, html)


def _default_labels(args: list[Any], outs: Sequence[Node]) -> tuple[list[str], list[str]]:
    def name(x: Any, i: int, what: str) -> str:
        nm = getattr(x, "name", None) or getattr(x, "label", None)
        return f"{what} {i}" + (f" ({nm!r})" if nm else "")
    return [name(a, i, "input") for i, a in enumerate(args)], \
        [f"output {k}" for k in range(len(outs))]


def _full(fn: Any, args: list[Any], diff: list[int], outs: list[Node], leaves: list[Node],
          eps: float, atol: float, rtol: float, who: str, add: Any, worst: list[float]) -> None:
    num = _numerical(fn, args, diff, eps, who)
    ana = _analytical(outs, leaves)
    for k in range(len(outs)):
        for p in range(len(leaves)):
            n, a = num[k][p], ana[k][p]
            if a is None:
                if (np.abs(n) > atol).any():
                    add("missing", k, p, numerical=n)
                a = np.zeros_like(n)
            err, rel, bad = _compare(a, n, atol, rtol)
            if err.size:
                worst[0] = max(worst[0], float(err.max()))
                worst[1] = max(worst[1], float(rel.max()))
            if bad.any() and ana[k][p] is not None:
                add("values", k, p, analytical=a, numerical=n, bad=bad)


def _unit(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    u = rng.standard_normal(shape)
    return u / max(float(np.linalg.norm(u)), 1e-12)


def _fast(fn: Any, args: list[Any], diff: list[int], outs: list[Node], leaves: list[Node],
          eps: float, atol: float, rtol: float, who: str, add: Any, worst: list[float]) -> None:
    """Compare v^T J u per (output, input) pair: one directional difference per input."""
    rng = np.random.default_rng(0)
    base = [_array(args[i]) for i in diff]
    us = [_unit(rng, b.shape) for b in base]
    vs = [_unit(rng, np.shape(_raw(o))).reshape(-1) for o in outs]
    ana = [_guarded_vjp(o, leaves, v) if o.requires_grad else [None] * len(leaves)
           for o, v in zip(outs, vs)]
    for p, (b, u) in enumerate(zip(base, us)):
        plus = _evaluate(fn, args, diff, base[:p] + [b + eps * u] + base[p + 1:], who)
        minus = _evaluate(fn, args, diff, base[:p] + [b - eps * u] + base[p + 1:], who)
        for k, v in enumerate(vs):
            n = float(v @ ((plus[k] - minus[k]).reshape(-1) / (2 * eps)))
            g = ana[k][p]
            if g is None:
                if abs(n) > atol:
                    add("missing", k, p, numerical=np.array([n]))
                g = np.zeros(u.size)
            a = float(g @ u.reshape(-1))
            err, rel, bad = _compare(np.array([a]), np.array([n]), atol, rtol)
            worst[0], worst[1] = max(worst[0], float(err[0])), max(worst[1], float(rel[0]))
            if bad[0] and ana[k][p] is not None:
                add("projection", k, p, analytical=np.array([a]), numerical=np.array([n]),
                    bad=bad)


def _linear_and_reentrant(outs: list[Node], leaves: list[Node], atol: float, rtol: float,
                          nondet_tol: float, add: Any) -> None:
    """backward(v1 + v2) == backward(v1) + backward(v2), and backward(v1) twice agrees."""
    rng = np.random.default_rng(1)
    for k, o in enumerate(outs):
        if not o.requires_grad:
            continue
        shape = np.shape(o.data)  # type: ignore[attr-defined]
        v1, v2 = rng.standard_normal(shape).reshape(-1), rng.standard_normal(shape).reshape(-1)
        g1, g1b = _vjp(o, leaves, v1), _vjp(o, leaves, v1)
        g2, g12 = _vjp(o, leaves, v2), _vjp(o, leaves, v1 + v2)
        for p in range(len(leaves)):
            z = np.zeros(np.size(leaves[p].data))  # type: ignore[attr-defined]
            a, b, c, d = (_or(x[p], z) for x in (g1, g1b, g2, g12))
            diff = float(np.abs(a - b).max()) if a.size else 0.0
            if diff > nondet_tol:
                add("reentrant", k, p, analytical=a, numerical=b, text=f"{diff:.3e}",
                    tol=nondet_tol)
            elif not np.allclose(d, a + c, atol=atol, rtol=rtol):
                add("linear", k, p, analytical=d, numerical=a + c)


def _or(g: np.ndarray | None, zero: np.ndarray) -> np.ndarray:
    return zero if g is None else g


def gradcheck(fn: Callable[..., Any], inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, fast: bool = False,
              nondet_tol: float = 0.0) -> bool:
    """Check backward's gradients of `fn` at `inputs` against central differences.

    `fn` takes the inputs (Tensors, Values or other arguments) and returns a Tensor, a Value or
    a tuple of them; every input with `requires_grad` is checked, on float64 copies. Returns
    True, or raises `GradcheckError` with a report of the worst elements (False instead when
    `raise_exception=False`). `fast=True` compares one random projection v^T J u per output and
    input, for large inputs. `nondet_tol` bounds how much two identical backward runs may differ.
    """
    res = _check(fn, inputs, eps=eps, atol=atol, rtol=rtol, fast=fast, nondet_tol=nondet_tol)
    if not res.ok and raise_exception:
        raise GradcheckError(res.message, res)
    return res.ok


def _first_derivative_fn(fn: Callable[..., Any], n_args: int, diff: list[int],
                         out_idx: list[int]) -> Callable[..., tuple[Node, ...]]:
    """x, v -> grad(fn(x), x, grad_outputs=v, create_graph=True): what gradgradcheck checks."""
    def first(*xs: Any) -> tuple[Node, ...]:
        a, vs = xs[:n_args], xs[n_args:]
        all_outs = _outputs(fn(*a), "gradgradcheck")
        sel = [all_outs[k] for k in out_idx]
        use = [(o, v) for o, v in zip(sel, vs) if o.requires_grad]
        if not use:
            return tuple(_zero_like(a[i]) for i in diff)
        # sum(o * v) rather than grad_outputs=v: the engine copies grad_outputs, which would
        # cut v out of the graph, and the first derivative must stay differentiable in v.
        total: Any = _dot(*use[0])
        for o, v in use[1:]:
            total = total + _dot(o, v)
        gs = grad(total, [a[i] for i in diff], create_graph=True, allow_unused=True)
        return tuple(_zero_like(a[i]) if g is None else g for i, g in zip(diff, gs))
    return first


def _dot(o: Node, v: Node) -> Node:
    return o * v if isinstance(o, Value) else (o * v).sum()  # type: ignore[operator]


def _zero_like(x: Node) -> Node:
    if isinstance(x, Value):
        return Value(0.0, requires_grad=False)
    return Tensor(np.zeros(np.shape(x.data)))  # type: ignore[attr-defined]


def gradgradcheck(fn: Callable[..., Any], inputs: Any, grad_outputs: Any = None, *,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True, fast: bool = False,
                  nondet_tol: float = 0.0) -> bool:
    """Check second derivatives: gradcheck of x, v -> v^T J(x) built with create_graph=True.

    `grad_outputs` (one per float output; random when omitted) are the vectors v; they are
    checked as inputs too, since the first derivative is linear in them.
    """
    res = _gradgrad(fn, inputs, grad_outputs, eps=eps, atol=atol, rtol=rtol, fast=fast,
                    nondet_tol=nondet_tol)
    if not res.ok and raise_exception:
        raise GradcheckError(res.message, res)
    return res.ok


def _gradgrad(fn: Callable[..., Any], inputs: Any, grad_outputs: Any,
              **kw: Any) -> GradcheckResult:
    args, diff = _prepare(inputs, kw["eps"], kw["atol"], kw["rtol"], "gradgradcheck")
    all_outs = _outputs(fn(*args), "gradgradcheck")
    out_idx = [k for k, o in enumerate(all_outs) if _is_float(o)]
    if grad_outputs is None:
        rng = np.random.default_rng(2)
        vs: list[Any] = [Value(float(rng.standard_normal())) if isinstance(all_outs[k], Value)
                         else Tensor(rng.standard_normal(np.shape(_raw(all_outs[k]))),
                                     requires_grad=True) for k in out_idx]
    else:
        vs = [v if isinstance(v, Node) else Tensor(np.asarray(v, dtype=np.float64),
                                                   requires_grad=True)
              for v in _as_tuple(grad_outputs)]
        if len(vs) != len(out_idx):
            raise ValueError(f"gradgradcheck: got {len(vs)} grad_outputs for {len(out_idx)} "
                             "float outputs")
    in_labels, _ = _default_labels(args, all_outs)
    in_labels += [f"grad_output {k}" for k in out_idx]
    out_labels = [f"the gradient w.r.t. {in_labels[i]}" for i in diff]
    return _check(_first_derivative_fn(fn, len(args), diff, out_idx),
                           list(args) + vs, _labels=(in_labels, out_labels),
                           _who="gradgradcheck", **kw)
