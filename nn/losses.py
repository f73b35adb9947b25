"""Loss Modules: thin wrappers that keep the options of the functions in `nn.functional`."""

from __future__ import annotations

from typing import Any

from autograd_core import Tensor

from . import _loss_fns as L
from .module import Module

__all__ = ["MSELoss", "L1Loss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss",
           "NLLLoss", "HingeLoss", "KLDivLoss"]


class _Loss(Module):
    """A loss with a `reduction` ("mean", "sum" or "none"); call it as loss(input, target)."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        allowed = ("mean", "sum", "none", "batchmean") if isinstance(self, KLDivLoss) \
            else ("mean", "sum", "none")
        if reduction not in allowed:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {allowed}, got "
                             f"{reduction!r}")
        self.reduction = reduction

    def extra_repr(self) -> str:
        """The reduction, shown inside the module's repr."""
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error (x - y)^2."""

    def forward(self, input: Any, target: Any) -> Tensor:
        """The loss."""
        return L.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error |x - y|."""

    def forward(self, input: Any, target: Any) -> Tensor:
        """The loss."""
        return L.l1_loss(input, target, self.reduction)


class HuberLoss(_Loss):
    """Quadratic within `delta`, linear beyond."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: Any, target: Any) -> Tensor:
        """The loss."""
        return L.huber_loss(input, target, self.reduction, self.delta)


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities."""

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = weight

    def forward(self, input: Any, target: Any) -> Tensor:
        """The loss."""
        return L.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits (stable; optional pos_weight)."""

    def __init__(self, weight: Any = None, reduction: str = "mean",
                 pos_weight: Any = None) -> None:
        super().__init__(reduction)
        self.weight, self.pos_weight = weight, pos_weight

    def forward(self, input: Any, target: Any) -> Tensor:
        """The loss."""
        return L.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction,
                                                  self.pos_weight)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy on logits with integer class targets (or probabilities)."""

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        self.weight, self.ignore_index = weight, ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Any, target: Any) -> Tensor:
        """The loss."""
        return L.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction,
                               self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log-likelihood of integer targets, given log-probabilities."""

    def __init__(self, weight: Any = None, ignore_index: int = -100,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight, self.ignore_index = weight, ignore_index

    def forward(self, input: Any, target: Any) -> Tensor:
        """The loss."""
        return L.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class HingeLoss(_Loss):
    """micrograd's max-margin loss max(0, margin - y x) for y in {-1, +1}."""

    def __init__(self, margin: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input: Any, target: Any) -> Tensor:
        """The loss."""
        return L.hinge_loss(input, target, self.margin, self.reduction)


class KLDivLoss(_Loss):
    """KL divergence; input holds log-probabilities (PyTorch's convention)."""

    def __init__(self, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(reduction)
        self.log_target = log_target

    def forward(self, input: Any, target: Any) -> Tensor:
        """The loss."""
        return L.kl_div(input, target, self.reduction, self.log_target)
