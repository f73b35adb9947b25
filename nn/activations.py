"""Activation Modules: one class per function in `nn.functional` (see its kink table)."""

from __future__ import annotations

from typing import Any

from autograd_core import Tensor

from . import _activation_fns as A
from .module import Module

__all__ = [
    "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "SELU", "GELU", "SiLU", "Softsign",
    "Hardtanh", "Hardsigmoid", "LogSigmoid", "Softplus", "Softmax", "LogSoftmax", "UnitStep",
    "Sign", "Staircase", "PiecewiseLinear", "MaxoutActivation", "HardTanh", "HardSigmoid",
    "Swish",
]


class _Activation(Module):
    """An activation without parameters: forward is one function of nn.functional."""

    _fn: Any = None
    _args: tuple[str, ...] = ()

    def forward(self, x: Any) -> Tensor:
        """Apply the activation elementwise."""
        return type(self)._fn(x, **{k: getattr(self, k) for k in self._args})

    def extra_repr(self) -> str:
        """The constructor arguments, shown inside the module's repr."""
        return ", ".join(f"{k}={getattr(self, k)!r}" for k in self._args)


class Sigmoid(_Activation):
    """1 / (1 + e^-x)."""

    _fn = staticmethod(A.sigmoid)


class Tanh(_Activation):
    """tanh(x)."""

    _fn = staticmethod(A.tanh)


class ReLU(_Activation):
    """max(0, x); derivative 0 at 0."""

    _fn = staticmethod(A.relu)


class LeakyReLU(_Activation):
    """max(slope x, x), slope 0.1 (the lecture's; PyTorch uses 0.01)."""

    _fn = staticmethod(A.leaky_relu)
    _args = ("negative_slope",)

    def __init__(self, negative_slope: float = 0.1) -> None:
        super().__init__()
        self.negative_slope = negative_slope


class ELU(_Activation):
    """x for x > 0, alpha (e^x - 1) otherwise."""

    _fn = staticmethod(A.elu)
    _args = ("alpha",)

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = alpha


class SELU(_Activation):
    """Self-normalizing ELU: scale * elu(x, alpha) with fixed constants."""

    _fn = staticmethod(A.selu)


class GELU(_Activation):
    """x * Phi(x) (exact), or its tanh approximation with approximate="tanh"."""

    _fn = staticmethod(A.gelu)
    _args = ("approximate",)

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate


class SiLU(_Activation):
    """x * sigmoid(x)."""

    _fn = staticmethod(A.silu)


class Softsign(_Activation):
    """x / (1 + |x|)."""

    _fn = staticmethod(A.softsign)


class Hardtanh(_Activation):
    """clip(x, min_val, max_val), derivative 0 at the kinks."""

    _fn = staticmethod(A.hardtanh)
    _args = ("min_val", "max_val")

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0) -> None:
        super().__init__()
        self.min_val, self.max_val = min_val, max_val


class Hardsigmoid(_Activation):
    """clip(x/6 + 1/2, 0, 1)."""

    _fn = staticmethod(A.hard_sigmoid)


class LogSigmoid(_Activation):
    """log(sigmoid(x)), stable."""

    _fn = staticmethod(A.log_sigmoid)


class Softplus(_Activation):
    """(1/beta) log(1 + e^(beta x)), linear above `threshold`."""

    _fn = staticmethod(A.softplus)
    _args = ("beta", "threshold")

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold


class Softmax(_Activation):
    """Softmax along `dim` (PyTorch's name; `axis=` works too).

    Without one: the last axis for inputs of up to 2 dimensions, an error beyond (PyTorch's
    implicit choice differs there).
    """

    _fn = staticmethod(A.softmax)
    _args = ("dim",)

    def __init__(self, dim: int | None = None, *, axis: int | None = None) -> None:
        super().__init__()
        if dim is not None and axis is not None:
            raise TypeError(f"{type(self).__name__}: got dim= and axis= (the same thing)")
        self.dim = dim if dim is not None else axis


class LogSoftmax(Softmax):
    """Log-softmax along `dim` (the same rules as Softmax)."""

    _fn = staticmethod(A.log_softmax)


class UnitStep(_Activation):
    """1 for x >= 0 else 0; gradient 0 unless `ste` picks a surrogate."""

    _fn = staticmethod(A.unit_step)
    _args = ("ste", "beta")

    def __init__(self, ste: Any = False, beta: float = 4.0) -> None:
        super().__init__()
        self.ste, self.beta = ste, beta


class Sign(_Activation):
    """-1, 0 or +1; gradient 0 unless `ste` picks a surrogate."""

    _fn = staticmethod(A.sign)
    _args = ("ste", "beta")

    def __init__(self, ste: Any = False, beta: float = 2.0) -> None:
        super().__init__()
        self.ste, self.beta = ste, beta


class Staircase(_Activation):
    """steps * floor(x / steps); gradient 0 unless `ste` picks a surrogate."""

    _fn = staticmethod(A.staircase)
    _args = ("steps", "ste", "beta")

    def __init__(self, steps: float = 1.0, ste: Any = False, beta: float = 4.0) -> None:
        super().__init__()
        self.steps, self.ste, self.beta = steps, ste, beta


class PiecewiseLinear(_Activation):
    """0 below a, 1 above b, linear in between."""

    _fn = staticmethod(A.piecewise_linear)
    _args = ("a", "b")

    def __init__(self, a: float = 0.0, b: float = 1.0) -> None:
        super().__init__()
        self.a, self.b = a, b


class MaxoutActivation(_Activation):
    """Max over groups of `pieces` consecutive features.

    For a layer with its own weights, use nn.Maxout.
    """

    _fn = staticmethod(A.maxout)
    _args = ("pieces", "axis")

    def __init__(self, pieces: int = 2, axis: int = -1) -> None:
        super().__init__()
        self.pieces, self.axis = pieces, axis


HardTanh = Hardtanh
HardSigmoid = Hardsigmoid
Swish = SiLU
