"""Where in the step a recorded numpy call was made: which op's forward or backward, which
module, which optimizer update, which line of the user's code. Read from the Python stack at
record time only (never at replay), for `step.source`'s comments and names.
"""

from __future__ import annotations

import os
import sys
from types import FrameType
from typing import Any, NamedTuple

import numpy as np

from ..engine import Function

# The engine's backward loop, whose frame says which op's backward a numpy call belongs to:
# compile reads the engine's own stack, so it names the private function it reads.
from ..engine.backprop import _run_backward
from .traced import Traced

_HERE = os.path.dirname(os.path.abspath(__file__))
_NUMPY = os.path.dirname(os.path.abspath(np.__file__))
_APPLY = {Function.apply.__func__.__code__, Function._apply1.__func__.__code__,  # type: ignore
          Function._apply2.__func__.__code__}  # type: ignore[attr-defined]
_RUN_BACKWARD = _run_backward.__code__
# Engine helpers whose numpy calls get a label of their own.
_HELPERS = {"_fit_raw": "sum back to the input's shape", "_grad_plus_raw": "accumulate .grad",
            "_seed_grad": "seed: d loss / d loss = 1", "_gather_outputs": "unused outputs"}
# Tensor's conversions: a value read through them is the user's, even though tensor.py is
# library code (the branch that reads it is in the caller).
CONVERSIONS = {"__bool__", "__float__", "__int__", "__index__", "item", "tolist", "any", "all",
               "__repr__", "__format__", "__str__", "numpy", "__array__", "__iter__"}


class Ctx(NamedTuple):
    """The recorded call's place in the step."""

    phase: str          # "forward", "backward", "update" or "step" (fn's own code)
    what: str           # "Linear", "backward of Linear", "SGD update", ...
    module: Any         # the innermost Module whose forward was running, or None
    param: Any          # the parameter an optimizer was updating, or None
    user: tuple[str, int] | None  # (file, line) of the nearest frame in the user's code
    node: Any           # in backward: the Var of the node whose gradient is propagated
    grad: Any           # in backward: the Var of that gradient


def library_dirs() -> tuple[str, ...]:
    """The directories of autograd_core and of the nn and optim packages (when imported)."""
    dirs = [os.path.dirname(_HERE)]
    for name in ("nn", "optim"):
        mod = sys.modules.get(name)
        f = getattr(mod, "__file__", None)
        if f:
            dirs.append(os.path.dirname(os.path.abspath(f)))
    return tuple(d + os.sep for d in dirs)


def _in(path: str, dirs: tuple[str, ...]) -> bool:
    return path.startswith(dirs)


def capture(frame: FrameType | None, stop: Any, lib: tuple[str, ...]) -> Ctx:
    """Walk from `frame` outwards to fn's frame (`stop`, a code object) and describe the call."""
    applied = helper = backward_of = opt_what = lib_fn = None
    module = param = user = node = grad = None
    in_backward = False
    f = frame
    while f is not None:
        code = f.f_code
        path = code.co_filename
        if code is stop:
            if user is None:
                user = (path, f.f_lineno)
            break
        if path.startswith(_HERE) or path.startswith(_NUMPY):
            f = f.f_back
            continue
        name = code.co_name
        if not _in(path, lib):
            if user is None:
                user = (path, f.f_lineno)
        elif code in _APPLY:
            if applied is None:
                applied = f.f_locals["cls"].__name__.lstrip("_")
        elif code is _RUN_BACKWARD:
            loc = f.f_locals
            in_backward = True
            node, grad = _var(getattr(loc.get("node"), "_data", None)), _var(loc.get("g"))
            fn = loc.get("fn")
            if backward_of is None and fn is not None:
                backward_of = type(fn).__name__.lstrip("_")
        elif name in _HELPERS:
            helper = helper or _HELPERS[name]
        elif name in ("backward", "backward_raw"):
            ctx = f.f_locals.get("ctx")
            if isinstance(ctx, Function) and backward_of is None:
                backward_of = type(ctx).__name__.lstrip("_")
        elif name in ("_update", "step", "zero_grad") and hasattr(f.f_locals.get("self"),
                                                                   "param_groups"):
            opt = f.f_locals["self"]
            verb = "zero_grad" if name == "zero_grad" else "update"
            opt_what = opt_what or f"{type(opt).__name__} {verb}"
            if param is None:
                param = _var(getattr(f.f_locals.get("p"), "_data", None))
        elif name == "forward" and module is None and hasattr(f.f_locals.get("self"),
                                                               "_parameters"):
            module = f.f_locals["self"]
        elif lib_fn is None and name not in CONVERSIONS and not name.startswith("_") \
                and name not in ("forward", "backward", "backward_raw", "apply"):
            lib_fn = name  # a Tensor composite (log_softmax, mean...) or an nn function
        f = f.f_back
    if opt_what is not None:
        return Ctx("update", opt_what, module, param, user, node, grad)
    if in_backward or helper == _HELPERS["_seed_grad"]:
        what = helper or (f"backward of {backward_of}" if backward_of else "backward")
        return Ctx("backward", what, module, param, user, node, grad)
    if applied is not None:
        return Ctx("forward", applied, module, param, user, node, grad)
    return Ctx("step", lib_fn or "step", module, param, user, node, grad)


def _var(x: Any) -> Any:
    """The Var of a stand-in (contexts keep Vars, never the values themselves)."""
    return x.var if type(x) is Traced else None


def caller(frame: FrameType | None) -> FrameType | None:
    """The first frame outside this package and numpy: the code that asked for a value."""
    f = frame
    while f is not None and (f.f_code.co_filename.startswith(_HERE)
                             or f.f_code.co_filename.startswith(_NUMPY)):
        f = f.f_back
    return f


def is_library_branch(frame: FrameType | None, lib: tuple[str, ...]) -> bool:
    """True when `frame` is library code reading a value for a check of its own (a guard).

    A read through one of Tensor's conversions (`bool(t)`, `t.item()`) is the caller's: the
    branch that needs it is in the user's code, where the issue's rule says refuse.
    """
    if frame is None or not _in(frame.f_code.co_filename, lib):
        return False
    return frame.f_code.co_name not in CONVERSIONS


def user_line(frame: FrameType | None, lib: tuple[str, ...]) -> str:
    """'file:line: source' of the nearest frame outside the library, for messages."""
    import linecache

    f = frame
    while f is not None and (_in(f.f_code.co_filename, lib)
                             or f.f_code.co_filename.startswith(_NUMPY)):
        f = f.f_back
    if f is None:
        return "an unknown line"
    src = linecache.getline(f.f_code.co_filename, f.f_lineno).strip()
    where = f"{os.path.basename(f.f_code.co_filename)}:{f.f_lineno}"
    return f"{where} ({src})" if src else where
