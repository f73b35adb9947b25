"""Grad mode and anomaly mode: per-thread switches, as context managers and decorators.

One thread evaluating under `no_grad()` never stops another thread from recording.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "detect_anomaly",
           "is_anomaly_enabled", "AnomalyError"]

F = TypeVar("F", bound=Callable[..., Any])


# ---------------------------------------------------------------- modes (thread-local)

class _Mode(threading.local):
    """Per-thread switches: one thread under `no_grad` never stops another from recording."""

    enabled: bool = True
    anomaly: bool = False
    check_inf: bool = True
    #: Inside a backward pass: anomaly mode then reports the op whose backward went wrong,
    #: not the helper op (a Div, a Mul) that its backward formula used.
    in_backward: bool = False


_mode = _Mode()


def is_grad_enabled() -> bool:
    """True when operations are being recorded for backward in this thread."""
    return _mode.enabled


def is_anomaly_enabled() -> bool:
    """True inside `detect_anomaly()` in this thread."""
    return _mode.anomaly


class _ModeSwitch:
    """Base of the grad-mode switches: a context manager and a decorator."""

    _target = True

    def __init__(self) -> None:
        self._prev: list[bool] = []

    def __enter__(self) -> None:
        self._prev.append(_mode.enabled)
        _mode.enabled = self._target

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self._prev.pop()

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_ModeSwitch):
    """Context manager / decorator: record nothing (inference, optimizer updates)."""

    _target = False


class enable_grad(_ModeSwitch):
    """Context manager / decorator: record operations even inside `no_grad`."""

    _target = True


class set_grad_enabled(_ModeSwitch):
    """Switch recording on or off: `with set_grad_enabled(False): ...`."""

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self._target = bool(mode)

    def __call__(self, func: F) -> F:
        mode = self._target

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class AnomalyError(RuntimeError):
    """A NaN or Inf found by `detect_anomaly()`, with the op and where it was created."""


class detect_anomaly:
    """Context manager / decorator: check every forward output and backward gradient for NaN/Inf.

    The first bad value raises `AnomalyError` naming the op, the shapes, the input ranges and the
    line of user code that created the op. Creation sites are only recorded in this mode.
    """

    def __init__(self, check_inf: bool = True) -> None:
        self.check_inf = check_inf
        self._prev: list[tuple[bool, bool]] = []

    def __enter__(self) -> None:
        self._prev.append((_mode.anomaly, _mode.check_inf))
        _mode.anomaly, _mode.check_inf = True, self.check_inf

    def __exit__(self, *exc: object) -> None:
        _mode.anomaly, _mode.check_inf = self._prev.pop()

    def __call__(self, func: F) -> F:
        check_inf = self.check_inf

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(check_inf):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]
