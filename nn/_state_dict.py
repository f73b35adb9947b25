"""Module's state dict: `state_dict()` and `load_state_dict()`, which checks every value
before it writes any (a mixin of `Module`)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, NamedTuple

import numpy as np

from autograd_core import Tensor

__all__ = ["IncompatibleKeys", "StateDict"]

# The class these methods become part of (module.py imports this file), named in annotations
# only, as an alias that type checkers read as Any.
Module = Any


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(strict=False)` could not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class StateDict:
    """state_dict / load_state_dict over a module tree (a mixin of `Module`)."""

    __slots__ = ()

    def state_dict(self: Module) -> OrderedDict[str, np.ndarray]:
        """Dotted name -> a copy of the array, for every parameter and persistent buffer."""
        return OrderedDict((k, t.data.copy()) for k, t in self._state_targets().items())

    def _state_targets(self: Module) -> dict[str, Tensor]:
        """Dotted name -> the live Tensor, for every parameter and persistent buffer."""
        targets: dict[str, Tensor] = {}
        for mname, m in self.named_modules():
            pre = f"{mname}." if mname else ""
            for n, p in m._parameters.items():
                if p is not None:
                    targets[pre + n] = p
            for n, b in m._buffers.items():
                if b is not None and n not in m._non_persistent:
                    targets[pre + n] = b
        return targets

    def load_state_dict(self: Module, state_dict: dict[str, Any], strict: bool = True
                        ) -> IncompatibleKeys:
        """Copy arrays into the parameters and buffers in place.

        Shape mismatches are always an error; with `strict=True` (default) missing and
        unexpected keys are too; so is a value that does not fit its tensor's dtype (strings,
        objects, complex numbers, dates; NaN or fractions for an integer tensor; a float that
        overflows it). Nothing is written unless every check passes.
        """
        targets = self._state_targets()
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in state_dict if k not in targets]
        values: dict[str, np.ndarray] = {}
        mismatched = []
        bad_values = []
        for k, t in targets.items():
            if k not in state_dict:
                continue
            v = state_dict[k]
            try:
                arr = np.asarray(v.data if isinstance(v, Tensor) else v)
            except (TypeError, ValueError) as e:
                bad_values.append(f"{k}: cannot be read as an array ({e})")
                continue
            if arr.shape != t.shape:
                mismatched.append(f"{k}: checkpoint has shape {arr.shape}, the model has "
                                  f"{t.shape}")
                continue
            problem = _unfit(arr, t.dtype)
            if problem:
                bad_values.append(f"{k}: {problem}")
            values[k] = arr
        problems = []
        if mismatched:
            problems.append("shape mismatch for " + "; ".join(mismatched))
        if bad_values:
            problems.append("bad value for " + "; ".join(bad_values))
        if strict and missing:
            problems.append("missing keys: " + ", ".join(missing))
        if strict and unexpected:
            problems.append("unexpected keys: " + ", ".join(unexpected))
        if problems:
            raise RuntimeError(f"load_state_dict into {type(self).__name__} failed: "
                               + " | ".join(problems))
        for k, arr in values.items():
            t = targets[k]
            np.copyto(t.data, arr.astype(t.dtype, copy=False))
            t._bump()  # an in-place write: autograd's version check must see it
        return IncompatibleKeys(missing, unexpected)


def _unfit(arr: np.ndarray, dtype: np.dtype) -> str | None:
    """Why `arr` cannot be copied into a tensor of `dtype` without changing a value, or None."""
    if arr.dtype.kind not in "biuf":
        return (f"dtype {arr.dtype} cannot be loaded (numbers and booleans only: no strings, "
                "objects, complex numbers or dates)")
    with np.errstate(over="ignore", invalid="ignore"):
        if dtype.kind == "f":
            if arr.dtype.kind == "f" and np.any(np.isfinite(arr) & ~np.isfinite(
                    arr.astype(dtype))):
                return f"values up to {np.nanmax(np.abs(arr)):.4g} overflow {dtype}"
            return None
        if arr.dtype.kind == "f" and not np.all(np.isfinite(arr) & (arr == np.round(arr))):
            return f"{dtype} needs whole numbers, got NaN, inf or fractions"
        if dtype.kind == "b":
            return None if arr.dtype.kind == "b" or np.all((arr == 0) | (arr == 1)) else \
                f"{dtype} needs 0/1 or booleans"
        info = np.iinfo(dtype)
        if arr.size and (arr.min() < info.min or arr.max() > info.max):
            return f"values in [{arr.min()}, {arr.max()}] do not fit {dtype}"
    return None
