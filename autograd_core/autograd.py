"""PyTorch's `torch.autograd` names: `Function`, `grad`, `backward`, `gradcheck`,
`gradgradcheck` and the grad-mode switches, for ported code (`torch.autograd.Function`)."""

from .checking import gradcheck, gradgradcheck
from .engine import (
    Function,
    backward,
    detect_anomaly,
    enable_grad,
    grad,
    no_grad,
    set_grad_enabled,
)

__all__ = ["Function", "grad", "backward", "gradcheck", "gradgradcheck", "no_grad",
           "enable_grad", "set_grad_enabled", "detect_anomaly"]
