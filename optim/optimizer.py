"""`Optimizer`: the base of every optimizer, shaped like PyTorch's.

An optimizer holds `param_groups` (a list of dicts: the parameters plus their hyperparameters,
filled in from `defaults`) and a per-parameter `state` (momentum buffers, running averages).
`step()` applies the update rule to every parameter that has a gradient; `zero_grad()` clears
the gradients before the next backward pass.

Parameters may be `Tensor`s (`p.data` a numpy array, `p.grad` a Tensor or None) or `Value`s
(`p.data` and `p.grad` Python floats, micrograd-style). The update rules are written once, on
numpy arrays: `_read` hands them the parameter's data and gradient as arrays (a Tensor's own
array, so the update writes straight into it; a 0-d copy for a Value) and `_write` puts a Value's
result back.
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd_core import Tensor, Value, enable_grad, no_grad

__all__ = ["Optimizer"]

Params = Iterable[Any] | Iterable[dict[str, Any]]


# ---------------------------------------------------------------- parameter access

def _read(p: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """(data, grad) of a parameter as numpy arrays; the update writes into `data` in place."""
    if type(p) is Value:
        return np.array(p.data, dtype=np.float64), np.array(p.grad, dtype=np.float64)
    g = p.grad
    if g is None:
        return p._data, None
    gd = g._data if hasattr(g, "_data") else np.asarray(g)
    if gd.shape != p._data.shape:
        raise ValueError(f"optimizer step: a parameter of shape {p._data.shape} has a gradient "
                         f"of shape {gd.shape}; .grad must have the parameter's shape")
    return p._data, gd


def _write(p: Any, data: np.ndarray) -> None:
    """Finish an update: store a Value's new data; mark a Tensor as modified in place."""
    if type(p) is Value:
        p.data = float(data)
    else:
        # A graph recorded before this step and differentiated after it would use the old
        # weights: bumping the version makes that a clear error, as in PyTorch.
        p._bump()


def _like(p: Any, fill: float = 0.0) -> np.ndarray:
    """A new state array shaped and typed like the parameter's data."""
    if type(p) is Value:
        return np.array(fill, dtype=np.float64)
    return np.full_like(p._data, fill)


def _check_param(p: Any, where: str) -> None:
    if isinstance(p, Value):
        return
    if not isinstance(p, Tensor):
        raise TypeError(f"{where}: parameters must be Tensors or Values, got "
                        f"{type(p).__name__}")
    if not p.is_leaf:
        raise ValueError(f"{where}: can't optimize a non-leaf Tensor ({p._describe()}); "
                         "optimize the leaf it was computed from")
    if p.dtype.kind != "f":
        raise TypeError(f"{where}: parameters must be floating point, got dtype {p.dtype}")
    if not p._data.flags.writeable:
        raise ValueError(f"{where}: this parameter's data is read-only; copy it first")


def _check_hyperparameters(**values: float) -> None:
    """PyTorch's constructor checks: each value must be >= 0, else "Invalid learning rate: -1".

    Stricter than PyTorch: NaN and infinite values fail too (a NaN or infinite rate silently
    turns every parameter into NaN), and so do numbers too large for a float (10**400)."""
    for name, v in values.items():
        _check_value(name, v, "nonneg")


def _check_value(name: str, v: Any, kind: str) -> None:
    """Check hyperparameter `name` of `kind`: "nonneg" (finite, >= 0), "real" (finite),
    "bool" (True or False: a typo like amsgrad="no" must not read as True), "betas"."""
    label = _LABELS.get(name, name + " value")
    if kind == "bool":
        if not isinstance(v, (bool, np.bool_)):
            raise TypeError(f"Invalid {label}: {v!r} ({name} must be True or False)")
        return
    if kind == "betas":
        if not isinstance(v, (tuple, list)) or len(v) != 2:
            raise TypeError(f"Invalid betas: {v!r} (expected a pair of numbers)")
        for i, b in enumerate(v):
            if isinstance(b, (bool, np.bool_)) or not isinstance(b, numbers.Real):
                raise TypeError(f"Invalid beta parameter at index {i}: {b!r} (expected a "
                                "number)")
            if not 0.0 <= float(b) < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {b}")
        return
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
        raise TypeError(f"Invalid {label}: {v!r} ({name} must be a real number)")
    try:
        f = float(v)
    except OverflowError:
        raise ValueError(f"Invalid {label}: {v!r:.40} is too large for a float") from None
    if math.isnan(f) or (kind == "nonneg" and f < 0.0):
        raise ValueError(f"Invalid {label}: {v}")
    if math.isinf(f):
        raise ValueError(f"Invalid {label}: {v} ({name} must be finite)")


_LABELS = {"lr": "learning rate", "eps": "epsilon value"}


# ---------------------------------------------------------------- the base class

class _Required:
    """Marks a hyperparameter that every parameter group must give (no default)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Base class: `param_groups` built from `defaults`, per-parameter `state`, `step()`."""

    #: The kind of each hyperparameter (see `_check_value`): every parameter group, the
    #: constructor's and those added or loaded later, is checked against it.
    _kinds: dict[str, str] = {}

    def __init__(self, params: Params, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: dict[Any, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, (Tensor, Value)):
            raise TypeError(f"{type(self).__name__}: params should be an iterable of Tensors, "
                            f"Values or dicts, but got a single {type(params).__name__}; wrap it "
                            "in a list")
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__} got an empty parameter list (did the "
                             "model register its parameters? model.parameters() was empty)")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters, with hyperparameters that override `defaults`."""
        if not isinstance(param_group, dict):
            raise TypeError(f"add_param_group: expected a dict, got {type(param_group).__name__}")
        group = dict(param_group)
        params = group["params"]
        group["params"] = [params] if isinstance(params, (Tensor, Value)) else list(params)
        where = type(self).__name__
        for p in group["params"]:
            _check_param(p, where)
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"{where}: parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            group.setdefault(name, default)
        self._check_group(group)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if len({id(p) for p in group["params"]}) != len(group["params"]):
            raise ValueError(f"{where}: a parameter appears twice in one parameter group")
        if any(id(p) in seen for p in group["params"]):
            raise ValueError(f"{where}: some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Check every known hyperparameter of `group` (see `_kinds`)."""
        for name, kind in self._kinds.items():
            if name in group:
                _check_value(name, group[name], kind)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient (None for Tensors by default; 0.0 for Values)."""
        for group in self.param_groups:
            for p in group["params"]:
                if type(p) is Value:
                    p.grad = 0.0
                elif p.grad is not None:
                    g = p.grad._data
                    if set_to_none or p.grad._fn is not None:
                        p.grad = None
                    elif isinstance(g, np.ndarray) and g.flags.writeable:  # a stand-in too
                        g.fill(0)
                    else:  # a numpy scalar or a read-only array cannot be filled in place
                        p.grad = Tensor._wrap(np.zeros(np.shape(g), dtype=np.result_type(g)))

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; `closure` re-evaluates the loss first."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    data, grad = _read(p)
                    if grad is None:
                        continue
                    state = self.state.setdefault(p, {})
                    self._update(p, data, grad, state, group)
                    _write(p, data)
        return loss

    def _update(self, p: Any, data: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:  # pragma: no cover - abstract
        """Apply the update rule to one parameter: write the new value into `data`."""
        raise NotImplementedError

    # ---------------------------------------------------------------- state dicts
    def state_dict(self) -> dict[str, Any]:
        """The state and hyperparameters, with parameters named by their index (as in PyTorch).

        Arrays are copies, so the result is a snapshot that later steps do not change.
        """
        index: dict[int, int] = {}
        groups = []
        for g in self.param_groups:
            ids = []
            for p in g["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            packed = {k: copy.deepcopy(v) for k, v in g.items() if k != "params"}
            packed["params"] = ids
            groups.append(packed)
        state = {}
        for g in self.param_groups:
            for p in g["params"]:
                if p in self.state:
                    state[index[id(p)]] = {k: (v.copy() if isinstance(v, np.ndarray) else v)
                                           for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore state and hyperparameters saved by `state_dict()`; checked before any change."""
        where = f"{type(self).__name__}.load_state_dict"
        try:
            saved_groups = list(state_dict["param_groups"])
            saved_state = dict(state_dict["state"])
        except (KeyError, TypeError):
            raise ValueError(f"{where}: expected a dict with 'state' and 'param_groups' "
                             "(what Optimizer.state_dict() returns)") from None
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{where}: loaded state dict has {len(saved_groups)} parameter "
                             f"groups, this optimizer has {len(self.param_groups)}")
        index: dict[int, Any] = {}
        for mine, saved in zip(self.param_groups, saved_groups):
            if len(mine["params"]) != len(saved["params"]):
                raise ValueError(f"{where}: loaded state dict contains a parameter group that "
                                 f"doesn't match the size of optimizer's group "
                                 f"({len(saved['params'])} vs {len(mine['params'])} parameters)")
            for i, p in zip(saved["params"], mine["params"]):
                index[int(i)] = p
        new_state: dict[Any, dict[str, Any]] = {}
        for key, values in saved_state.items():
            if int(key) not in index:
                raise ValueError(f"{where}: state for parameter {key}, which no group holds")
            p = index[int(key)]
            new_state[p] = {k: _cast_state(v, p, k, where) for k, v in values.items()}
        restored = []
        for mine, saved in zip(self.param_groups, saved_groups):
            values = {k: _restore_type(v, self.defaults.get(k)) for k, v in saved.items()
                      if k != "params"}
            self._check_group({**mine, **values})
            restored.append(values)
        # Everything checked: now change the optimizer.
        for mine, values in zip(self.param_groups, restored):
            mine.update(values)
        self.state = new_state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(g.items()) if k != "params"]
        return "\n".join(lines) + "\n)"


def _cast_state(v: Any, p: Any, key: str, where: str) -> Any:
    """A saved state entry, as an array shaped and typed like `p` (or a plain number)."""
    arr = np.asarray(v)
    if arr.ndim == 0 and key == "step":
        return int(arr)
    shape = () if type(p) is Value else p.shape
    if arr.shape != shape:
        raise ValueError(f"{where}: state '{key}' has shape {arr.shape} but its parameter has "
                         f"shape {shape}")
    dtype = np.float64 if type(p) is Value else p.dtype
    return arr.astype(dtype, copy=True)


def _restore_type(v: Any, default: Any) -> Any:
    """Hyperparameters read back from a file may be arrays or lists: give them their type.

    A value that does not convert cleanly is returned as it is, for `_check_value` to refuse
    with a message that names it."""
    if isinstance(v, np.ndarray) and v.ndim == 0:
        v = v.item()
    if isinstance(default, tuple):
        try:
            return tuple(float(x) for x in v)
        except (TypeError, ValueError, OverflowError):
            return v
    if isinstance(default, bool):
        return bool(v) if isinstance(v, (bool, np.bool_)) else v
    if isinstance(default, (int, float)) and isinstance(v, numbers.Real) \
            and not isinstance(v, bool):
        return v if isinstance(v, (int, float)) else float(v)
    return v


def _lerp_(a: np.ndarray, b: np.ndarray, w: float) -> None:
    """a ← a + w·(b − a) in place, rounded as torch.lerp does (it switches form at w = ½)."""
    if w < 0.5:
        a += w * (b - a)
    else:
        a[...] = b - (b - a) * (1.0 - w)
