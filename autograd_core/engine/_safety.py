"""What keeps gradients honest: the in-place write clock, anomaly reports, version checks.

The engine core imports this module, so it knows Nodes only by their hooks (`_describe`,
`_check_finite`), never by importing the Node class.

- Every in-place write ticks a global clock; a Function stamps the clock when recorded, and its
  backward refuses to run when data it needs was written after that stamp (`_check_versions`).
- Under `detect_anomaly()` every forward output and backward gradient is checked for NaN/Inf,
  and the error names the op, the shapes, the input ranges and the user's line that made it.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Sequence
from typing import Any
from weakref import ref as _weakref

from .grad_mode import AnomalyError, _mode


def _is_node(x: Any) -> bool:
    """A Tensor or Value among an op's arguments. Told by the hooks every Node has, because
    this module sits below the Node class (core.py imports it, so it cannot import core.py)."""
    return hasattr(x, "_check_finite") and hasattr(x, "_describe")

# A global clock ticked by every in-place write. A Function stamps the clock when it is
# recorded; a saved tensor whose last write is later than that stamp has changed under it.
# Normal runs (no in-place writes) pay one integer store per op and nothing at backward.
_clock = [0]


def _tick() -> int:
    _clock[0] += 1
    return _clock[0]


# Arrays written in place, by id of the array that owns the memory -> (weak ref, clock).
# Views (reshape, transpose, basic indexing, detach) share their base's memory, so a write
# through one tensor must be seen by every tensor over the same buffer (PyTorch's shared
# version counter). Only in-place writes add entries; a dead buffer drops its entry.
_written: dict[int, tuple[Any, int]] = {}


def _buffer(arr: Any) -> Any:
    """The array that owns `arr`'s memory (itself unless it is a view)."""
    base = getattr(arr, "base", None)
    while base is not None and hasattr(base, "__array_interface__"):
        arr, base = base, getattr(base, "base", None)
    return arr


def _note_write(arr: Any) -> None:
    """Record that the memory under array `arr` was just written in place."""
    owner = _buffer(arr)
    key = id(owner)

    def forget(r: Any, key: int = key) -> None:
        if _written.get(key, (None,))[0] is r:
            del _written[key]

    _written[key] = (_weakref(owner, forget), _clock[0])


def _buffer_written_since(x: Any, stamp: int) -> bool:
    data = getattr(x, "_data", None)
    if data is None or not _written:
        return False
    owner = _buffer(data)
    entry = _written.get(id(owner))
    return entry is not None and entry[0]() is owner and entry[1] > stamp


# ---------------------------------------------------------------- error texts

def _op_error(cls: type, args: Sequence[Any], e: ValueError) -> ValueError:
    """A forward's ValueError restated with the op's name and its inputs' shapes."""
    shapes = ", ".join(str(getattr(a, "shape", "()")) for a in args if _is_node(a))
    return ValueError(f"{cls.__name__.lstrip('_')}: {e} (input shapes {shapes})")


_FREED_MESSAGE = (
    "Trying to run backward through the graph a second time (through {name}), but its saved "
    "values were freed by the first backward. Pass retain_graph=True to the first backward() "
    "(or grad()) call if you need to run backward through the same graph again."
)


# ---------------------------------------------------------------- anomaly helpers

def _library_dirs() -> tuple[str, ...]:
    """The library's own installed directories: autograd_core/ and its siblings nn/ and optim/
    (the three packages are installed side by side)."""
    pkg = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    root = os.path.dirname(pkg)
    return tuple(os.path.normcase(os.path.join(root, name)) + os.sep
                 for name in ("autograd_core", "nn", "optim"))


_LIBRARY_DIRS = _library_dirs()


def _is_library_file(filename: str) -> bool:
    """True for a file of this library, told by its installed path, not by a substring (a user's
    script in a folder called nn/ or autograd_core/ is the user's)."""
    if filename.startswith("<"):  # <string>, <stdin>: the user's
        return False
    return os.path.normcase(os.path.realpath(filename)).startswith(_LIBRARY_DIRS)


def _user_frame() -> str:
    """The innermost stack frame outside this library: where the user created the op."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        if not _is_library_file(frame.filename):
            return f'File "{frame.filename}", line {frame.lineno}, in {frame.name}\n    ' \
                   f"{(frame.line or '').strip()}"
    return "<unknown>"


def _check_seed(i: int, seed: Any) -> None:
    """Anomaly mode: a NaN (or Inf) in a gradient given to backward()/grad() is the caller's."""
    bad = seed._check_finite()
    if bad is not None and (bad == "NaN" or _mode.check_inf):
        raise AnomalyError(
            f"detect_anomaly: the gradient passed for output {i} (backward(gradient=...) or "
            f"grad(grad_outputs=...)) contains {bad} ({seed._describe()}); it came in with the "
            "call, no op produced it")


def _check_hook(node: Any, hook: Any, before: Any, after: Any) -> None:
    """Anomaly mode: a hook that turned a finite gradient into NaN (or Inf) is named."""
    bad = after._check_finite()
    if bad is None or (bad == "Inf" and not _mode.check_inf) or \
            before._check_finite() is not None:
        return
    code = getattr(hook, "__code__", None)
    where = f" (defined at {code.co_filename}, line {code.co_firstlineno})" if code else ""
    raise AnomalyError(
        f"detect_anomaly: the hook {getattr(hook, '__qualname__', repr(hook))}{where}, "
        f"registered on {node._describe()}, returned a gradient with {bad} "
        f"({after._describe()}) for a finite one")


def _describe_inputs(args: Sequence[Any]) -> str:
    parts = []
    for i, a in enumerate(args or ()):
        if _is_node(a):
            parts.append(f"  input {i}: {a._describe()}")  # type: ignore[attr-defined]
    return "\n".join(parts) or "  (no Node inputs)"


def _check_forward(ctx: Any, cls: type, args: Sequence[Any], outs: Any) -> None:
    if _mode.in_backward:
        return  # _check_backward reports the gradient with the op that produced it
    for o in outs if isinstance(outs, tuple) else (outs,):
        bad = o._check_finite()
        if bad is None or (bad == "Inf" and not _mode.check_inf):
            continue
        if any(_is_node(a) and a._check_finite() is not None for a in args):
            continue  # it came in with the inputs; the op that made it was reported
        raise AnomalyError(
            f"detect_anomaly: forward of {cls.__name__.lstrip('_')} produced {bad} "
            f"(output {o._describe()}).\n{_describe_inputs(args)}\n"
            f"The op was created at:\n  {ctx._trace or _user_frame()}")


def _check_backward(fn: Any, i: int, g: Any, inputs: Sequence[Any]) -> None:
    bad = g._check_finite()
    if bad is None or (bad == "Inf" and not _mode.check_inf):
        return
    raise AnomalyError(
        f"detect_anomaly: backward of {fn.name} returned {bad} in the gradient for "
        f"input {i} (gradient {g._describe()}).\n"  # type: ignore[attr-defined]
        f"{_describe_inputs(inputs)}\n"  # fn.inputs may be released by now
        f"The op was created at:\n  "
        f"{fn._trace or '<not recorded: create the op inside detect_anomaly>'}")


def _check_versions(fn: Any) -> None:
    """Raise when data that `fn`'s backward needs was written in place after `fn` was recorded."""
    stamp = fn._epoch
    for i, x in enumerate(fn.inputs or ()):
        xf = getattr(x, "_fn", None)
        if xf is not None and xf._epoch > stamp and fn.needs_input_grad[i]:
            # An in-place op on a recorded tensor gives it a new history; this op was
            # recorded with the old one, and its gradient would flow into the new one.
            raise RuntimeError(
                f"backward of {fn.name}: input {i} ({x._describe()}) was modified by "
                "an in-place operation after this op used it, so its gradient would flow "
                "through the new value's history and be wrong. Fix: use the out-of-place op "
                "(e.g. `x = x + 1` instead of `x.add_(1)`), or `.clone()` the tensor first.")
    suspects: list[tuple[str, Any]] = []
    if fn.reads_inputs:
        suspects += [(f"input {i}", x) for i, x in enumerate(fn.inputs or ())]
    suspects += [(f"saved value {i}", x) for i, x in enumerate(fn._saved or ())]
    if fn._outref is not None and fn._outref() is not None:
        suspects.append(("its output", fn._outref()))
    for what, x in suspects:
        own = getattr(x, "_modified_at", 0) > stamp
        if own or _buffer_written_since(x, stamp):
            how = "was modified by an in-place operation" if own else (
                "shares memory with a tensor that was modified in place (it is a view: "
                "reshape, transpose, indexing, detach or the same numpy array)")
            raise RuntimeError(
                f"backward of {fn.name}: {what} ({x._describe()}) {how} after it was "
                "used in the forward pass, so the gradient would be wrong. Fix: use the "
                "out-of-place version of the in-place op (e.g. `x = x + 1` instead of "
                "`x.add_(1)`), or `.clone()` the tensor before writing.")
