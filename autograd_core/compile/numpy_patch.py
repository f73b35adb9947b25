"""numpy's constructors and conversions, replaced while a step is recorded.

numpy does not dispatch them to the stand-ins (they take no array, or convert one), so the
recorder replaces them on the numpy module for the span of one recording and puts numpy's own
back after it.
"""

from __future__ import annotations

import sys
from threading import get_ident
from typing import Any

import numpy as np

from . import context
from .traced import REC, has_standin

# numpy's constructors and conversions are not dispatched to the stand-ins, so they are
# replaced while recording. A conversion of a stand-in (np.asarray(t), which Tensor calls on
# every op's result) is recorded like any op. An array made inside the step (np.empty, then
# filled from traced values; np.arange for row indices) is a stand-in too, or its record-time
# contents would be frozen into every replay. Arrays made inside numpy or inside compiled
# extensions (numpy.random's Cython code calls np.empty) stay plain: they must never see a
# stand-in.
_CONVERT = ("asarray", "asanyarray", "array", "ascontiguousarray", "asfortranarray")
_CREATE = ("empty", "zeros", "ones", "full", "arange", "eye", "identity", "empty_like",
           "zeros_like", "ones_like", "full_like")


def patch_numpy() -> dict[str, Any]:
    """Replace numpy's constructors by recording ones; returns the originals to restore."""
    saved = {name: getattr(np, name) for name in _CONVERT + _CREATE}
    for name in _CONVERT:
        setattr(np, name, _converting(saved[name]))
    for name in _CREATE:
        setattr(np, name, _creating(saved[name]))
    return saved


def unpatch_numpy(saved: dict[str, Any]) -> None:
    """Put numpy's own constructors back."""
    for name, orig in saved.items():
        setattr(np, name, orig)


def _calls_directly(frame: Any, name: str) -> bool:
    """True when the Python code in `frame` itself calls np.<name>. A compiled extension
    (numpy.random's Cython code calls np.empty) leaves no frame of its own, so the frame
    above is the Python code that called the extension; its code does not name the
    constructor on the line running. Such calls must get plain arrays."""
    import linecache

    if name not in frame.f_code.co_names:
        return False
    line = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
    return f"{name}(" in line or not line


def _converting(orig: Any) -> Any:
    here = context._HERE
    name = orig.__name__

    def conversion(*args: Any, **kwargs: Any) -> Any:
        rec = REC[0]
        frame = sys._getframe(1)
        if rec is None or rec.thread != get_ident() or \
                frame.f_globals.get("__name__", "").startswith("numpy"):
            return orig(*args, **kwargs)
        if has_standin((args, kwargs)):
            return rec.create(orig, args, kwargs)
        # An array made from Python numbers or lists is made afresh in every replay (and
        # becomes a constant of the replay); an outside array passes through untouched.
        if args and not isinstance(args[0], np.ndarray) and \
                not frame.f_code.co_filename.startswith(here) and _calls_directly(frame, name):
            return rec.create(orig, args, kwargs)
        return orig(*args, **kwargs)
    conversion.__name__, conversion.__doc__ = orig.__name__, orig.__doc__
    return conversion


def _creating(orig: Any) -> Any:
    here = context._HERE
    name = orig.__name__

    def creation(*args: Any, **kwargs: Any) -> Any:
        rec = REC[0]
        if rec is not None and rec.thread != get_ident():
            rec = None  # another thread: numpy's own constructor
        if rec is None or has_standin((args, kwargs)):
            return orig(*args, **kwargs) if rec is None else rec.create(orig, args, kwargs)
        frame = sys._getframe(1)
        code = frame.f_code
        if code.co_filename.startswith(here) or \
                frame.f_globals.get("__name__", "").startswith("numpy") or \
                not _calls_directly(frame, name):
            return orig(*args, **kwargs)
        return rec.create(orig, args, kwargs)
    creation.__name__, creation.__doc__ = orig.__name__, orig.__doc__
    return creation
