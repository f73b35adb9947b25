"""Ops with several outputs: backward waits until the gradients of all of them have arrived.

An output nobody used gets a zero gradient of its recorded shape and dtype (`_out_meta`), so the
op's `backward` always sees one gradient per output.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _count_outputs(order: Sequence[Any]) -> dict[int, list[Any]]:
    """For each multi-output Function in `order`: [outputs still to come, gradient slots]."""
    pending: dict[int, list[Any]] = {}
    for n in order:
        fn = n._fn
        if fn is not None and fn._nout > 1:
            entry = pending.setdefault(id(fn), [0, [None] * fn._nout])
            entry[0] += 1
    return pending


def _gather_outputs(pending: dict[int, list[Any]], fn: Any, node: Any,
                    g: Any, raw: bool) -> list[Any] | None:
    """Collect one output's gradient; all of them (zeros for unused ones) once the last arrives."""
    entry = pending[id(fn)]
    entry[1][node._out_index] = g  # type: ignore[attr-defined]
    entry[0] -= 1
    if entry[0]:
        return None
    slots = entry[1]
    if all(x is None for x in slots):
        return None
    zeros = type(node)._zeros  # type: ignore[attr-defined]
    return [(zeros(fn._out_meta[i]).data if raw else zeros(fn._out_meta[i])) if x is None else x
            for i, x in enumerate(slots)]
