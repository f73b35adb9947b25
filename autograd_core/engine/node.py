"""`Node`: the base of `Value` and `Tensor`, a number in the graph with the Function that made it.

The engine talks to the two front-ends only through the hooks at the end of the class
(`_seed_grad`, `_fit_grad`, `_grad_plus`...), which each front-end implements for its own
data type (an array, a float).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .backprop import _run_backward
from .function import Function
from .hooks import HookHandle

# ---------------------------------------------------------------- Node

class Node:
    """Base of `Value` and `Tensor`: a number in the graph, with the Function that made it."""

    __slots__ = ("_fn", "requires_grad", "_hooks", "_retains_grad", "_out_index", "__weakref__")

    # Filled in by subclasses.
    _fn: Function | None
    requires_grad: bool
    _hooks: list[Callable[[Any], Any]] | None
    _retains_grad: bool
    _out_index: int
    _out_type: Any  # the front-end class (Tensor or Value) that ops on this node return
    #: Keep a graph's structure after backward (so it can still be drawn): cheap for scalars,
    #: but for arrays it would hold every intermediate array alive, so Tensor says False.
    _keeps_graph = False

    @property
    def is_leaf(self) -> bool:
        """True for nodes the user created (not the result of a recorded op)."""
        return self._fn is None

    @property
    def grad_fn(self) -> Function | None:
        """The Function that produced this node, or None for a leaf."""
        return self._fn

    def register_hook(self, hook: Callable[[Any], Any]) -> HookHandle:
        """Call `hook(grad)` when this node's gradient is computed; a non-None return replaces it.

        Returns a handle: `handle.remove()` (PyTorch's spelling) or `handle()` unregisters it.
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a node that does not "
                               "require grad")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return HookHandle(self._hooks, hook)

    def retain_grad(self) -> None:
        """Keep `.grad` for this non-leaf node after backward (leaves always keep theirs)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: this node does not require grad")
        self._retains_grad = True

    def backward(self, gradient: Any = None, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's `.grad` by the chain rule."""
        if not self.requires_grad:
            _raise_no_grad(self)
        _run_backward((self,), (self._seed_grad(gradient),), retain_graph or create_graph,
                      create_graph)

    # ---- hooks the engine calls; each front-end implements them for its own data type
    def _seed_grad(self, gradient: Any) -> Node:  # pragma: no cover - abstract
        raise NotImplementedError

    def _fit_grad(self, g: Node, fn: Function, i: int) -> Node:  # pragma: no cover
        raise NotImplementedError

    def _grad_plus(self, g: Node) -> Any:  # pragma: no cover
        """`.grad` plus a recorded gradient (create_graph=True: it stays in the graph); the
        engine assigns it once the whole pass has succeeded."""
        raise NotImplementedError

    def _check_finite(self) -> str | None:  # pragma: no cover
        raise NotImplementedError

    def _wrap_grad(self, g: Any) -> Node:  # pragma: no cover
        raise NotImplementedError

    def _const(self, data: Any) -> Node:  # pragma: no cover
        """A constant (no grad) of this front-end around raw data: how primitives make one."""
        raise NotImplementedError

    def _fit_raw(self, g: Any, fn: Function, i: int) -> Any:  # pragma: no cover
        raise NotImplementedError

    def _grad_plus_raw(self, g: Any, stored: set[int]) -> Any:  # pragma: no cover
        """`.grad` plus a raw gradient, copying an array whose id is in `stored` first; the
        engine assigns it once the whole pass has succeeded."""
        raise NotImplementedError

    def _set_grad(self, value: Any) -> None:
        """Store a `.grad` the engine computed (already of the right kind, shape and dtype), so a
        front-end may skip the checks its public `.grad` setter makes on user values."""
        self.grad = value  # type: ignore[attr-defined,misc]


def _raise_no_grad(r: Node) -> None:
    raise RuntimeError(
        f"backward: the output ({r._describe()}) does not require grad: no input of the "  # type: ignore
        "computation had requires_grad=True, or it was computed under no_grad()")
