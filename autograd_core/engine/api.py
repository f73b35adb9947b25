"""The functional forms of the backward pass: `backward(tensors, ...)` and `grad(outputs, inputs)`.

`Node.backward()` is the method form of `backward`; `grad` returns gradients instead of
accumulating them, as PyTorch's `torch.autograd.grad`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .backprop import _run_backward
from .node import Node, _raise_no_grad


def _as_list(x: Any) -> list[Any]:
    if isinstance(x, Node):
        return [x]
    return list(x)


def backward(tensors: Node | Iterable[Node], grad_tensors: Any = None,
             retain_graph: bool = False, create_graph: bool = False) -> None:
    """Accumulate the gradients of `tensors` (weighted by `grad_tensors`) into the leaves."""
    roots = _as_list(tensors)
    gl = [None] * len(roots) if grad_tensors is None else _as_list_or_none(grad_tensors)
    if len(gl) != len(roots):
        raise ValueError(f"backward: got {len(roots)} outputs but {len(gl)} gradients")
    for r in roots:
        if not isinstance(r, Node):
            raise TypeError(f"backward: expected a Tensor or Value, got {type(r).__name__}")
        if not r.requires_grad:
            _raise_no_grad(r)
    seeds = [r._seed_grad(g) for r, g in zip(roots, gl)]
    _run_backward(roots, seeds, retain_graph or create_graph, create_graph)


def _as_list_or_none(x: Any) -> list[Any]:
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def grad(outputs: Node | Sequence[Node], inputs: Node | Sequence[Node],
         grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool = False) -> tuple[Any, ...]:
    """Return d(outputs)/d(inputs) as a tuple, one per input, without touching any `.grad`.

    As in PyTorch: `retain_graph` defaults to `create_graph`; an input that the outputs do not
    depend on is an error unless `allow_unused=True`, in which case its gradient is None.
    """
    outs = _as_list(outputs)
    ins = _as_list(inputs)
    gl = [None] * len(outs) if grad_outputs is None else _as_list_or_none(grad_outputs)
    if len(gl) != len(outs):
        raise ValueError(f"grad: got {len(outs)} outputs but {len(gl)} grad_outputs")
    for i, x in enumerate(ins):
        if not isinstance(x, Node) or not x.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad, so it has no gradient")
    for o in outs:
        if not isinstance(o, Node) or not o.requires_grad:
            raise RuntimeError("grad: an output does not require grad (computed under no_grad, "
                               "or from inputs without requires_grad=True)")
    if retain_graph is None:
        retain_graph = create_graph
    seeds = [o._seed_grad(g) for o, g in zip(outs, gl)]
    capture = {id(x): x for x in ins}
    got = _run_backward(outs, seeds, retain_graph, create_graph, capture)
    result: list[Any] = []
    for i, x in enumerate(ins):
        g = got.get(id(x))
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"grad: input {i} was not used to compute the outputs; pass "
                                   "allow_unused=True to get None for it")
            result.append(None)
        else:
            result.append(g if create_graph else g._detached())  # type: ignore[attr-defined]
    return tuple(result)
