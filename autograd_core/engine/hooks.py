"""Gradient hooks: the handle `register_hook` returns, and running hooks in the backward pass."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._safety import _check_hook


class HookHandle:
    """What `register_hook` returns: `remove()` (or calling it) unregisters the hook."""

    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks: list[Callable[[Any], Any]], hook: Callable[[Any], Any]) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        """Unregister the hook (a second call does nothing)."""
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)

    __call__ = remove


def _run_hooks(node: Any, g: Any, raw: bool, anomaly: bool = False) -> Any:
    """Tensor hooks see (and may replace) the gradient as a Node, whatever mode the pass is in.

    Under anomaly mode a hook that turns a finite gradient into NaN is named as the culprit
    (rather than the next op, which would only pass the NaN on)."""
    gn = node._wrap_grad(g) if raw else g
    for hook in node._hooks or ():
        r = hook(gn)
        if r is not None:
            if anomaly:
                _check_hook(node, hook, gn, r)
            gn = r
    return gn.data if raw else gn  # type: ignore[union-attr]
