"""Jacobians for gradcheck: evaluating `fn` at perturbed inputs and running backward per row.

The numerical Jacobian is central differences in float64, one input element at a time; the
analytical one is backward with a one-hot output gradient, one output element at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..engine import Node, grad
from ..tensor import Tensor
from ..value import Value


def _raw(x: Any) -> Any:
    """The data of a Tensor or Value (typed loosely: `Node` itself has no `data`)."""
    return x.data


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, (list, tuple)) else (x,)


def _outputs(out: Any, who: str) -> tuple[Node, ...]:
    outs = _as_tuple(out)
    for k, o in enumerate(outs):
        if not isinstance(o, Node):
            raise TypeError(f"{who}: fn must return a Tensor, a Value or a tuple of them; "
                            f"output {k} is a {type(o).__name__}")
    return outs


def _is_float(o: Node) -> bool:
    return isinstance(o, Value) or o.dtype.kind == "f"  # type: ignore[attr-defined]


def _array(x: Any) -> np.ndarray:
    return np.array(x.data, dtype=np.float64)  # a copy: inputs are perturbed in place later


def _leaf(like: Node, data: np.ndarray) -> Node:
    if isinstance(like, Tensor):
        return Tensor(data, requires_grad=True, name=like.name)
    return Value(float(data), like.label)  # type: ignore[attr-defined]


def _evaluate(fn: Callable[..., Any], args: list[Any], diff: list[int],
              arrays: Sequence[np.ndarray], who: str) -> list[np.ndarray]:
    """fn at the given data for the checked inputs; float64 copies of its float outputs."""
    a = list(args)
    for i, arr in zip(diff, arrays):
        a[i] = _leaf(args[i], arr.copy())
    return [_array(o) for o in _outputs(fn(*a), who) if _is_float(o)]


# ---------------------------------------------------------------- Jacobians

def _numerical(fn: Callable[..., Any], args: list[Any], diff: list[int], eps: float,
               who: str) -> list[list[np.ndarray]]:
    base = [_array(args[i]) for i in diff]
    outs0 = _evaluate(fn, args, diff, base, who)
    jac = [[np.zeros((o.size, b.size)) for b in base] for o in outs0]
    for p, b in enumerate(base):
        flat = b.reshape(-1)
        for j in range(b.size):
            orig = flat[j]
            flat[j] = orig + eps
            plus = _evaluate(fn, args, diff, base, who)
            flat[j] = orig - eps
            minus = _evaluate(fn, args, diff, base, who)
            flat[j] = orig
            for k, (hi, lo) in enumerate(zip(plus, minus)):
                if hi.shape != outs0[k].shape or lo.shape != outs0[k].shape:
                    raise ValueError(f"{who}: output {k} changed shape from {outs0[k].shape} "
                                     f"to {hi.shape} when input {diff[p]} was perturbed")
                jac[k][p][:, j] = (hi - lo).reshape(-1) / (2 * eps)
    return jac


def _seed(o: Node, flat: np.ndarray) -> Any:
    if isinstance(o, Value):
        return float(flat[0])
    return Tensor(flat.reshape(o.shape).astype(o.dtype))  # type: ignore[attr-defined]


def _vjp(o: Node, leaves: list[Any], v: np.ndarray) -> list[np.ndarray | None]:
    """v^T J for one output, as flat float64 arrays per leaf (None where backward gave none)."""
    gs = grad(o, leaves, grad_outputs=[_seed(o, v)], retain_graph=True, allow_unused=True)
    res: list[np.ndarray | None] = []
    for p, (leaf, g) in enumerate(zip(leaves, gs)):
        if g is None:
            res.append(None)
            continue
        gd = np.asarray(g.data, dtype=np.float64)
        if gd.shape != np.shape(leaf.data):
            raise _ShapeProblem(f"the analytical gradient has shape {gd.shape}, but the input "
                                f"has shape {np.shape(leaf.data)}", p)
        res.append(gd.reshape(-1))
    return res


class _ShapeProblem(Exception):
    def __init__(self, text: str, p: int | None = None) -> None:
        super().__init__(text)
        self.p = p


def _guarded_vjp(o: Node, leaves: list[Node], v: np.ndarray) -> list[np.ndarray | None]:
    try:
        return _vjp(o, leaves, v)
    except RuntimeError as e:
        if "returned a gradient of shape" in str(e):
            raise _ShapeProblem(str(e)) from None
        raise


def _analytical(outs: list[Node], leaves: list[Node]) -> list[list[np.ndarray | None]]:
    """J[k][p] (out size x input size), None where backward never gave a gradient."""
    jac: list[list[np.ndarray | None]] = []
    for o in outs:
        size = np.size(o.data)  # type: ignore[attr-defined]
        rows: list[list[np.ndarray | None]] = [[] for _ in leaves]
        for r in range(size if o.requires_grad else 0):
            onehot = np.zeros(size)
            onehot[r] = 1.0
            for p, g in enumerate(_guarded_vjp(o, leaves, onehot)):
                rows[p].append(g)
        jac.append([None if all(g is None for g in rp) else
                    np.stack([np.zeros(np.size(leaves[p].data)) if g is None else g  # type: ignore
                              for g in rp]) for p, rp in enumerate(rows)])
    return jac
