"""Gradient checking: gradcheck and gradgradcheck, Jacobians and the mismatch report.

The table of every built-in op behind `autograd-core check` is the module `checks` here
(`OPS`, `OpCase`, `run_checks`); it is imported only when asked for, so that
`import autograd_core` does not build it. Sits above both front-ends (it builds Tensor and
Value inputs); `autograd_core` re-exports the gradcheck names.
"""

from .gradcheck import (
    GradcheckError,
    GradcheckResult,
    GradcheckWarning,
    analytical_jacobian,
    check_gradients,
    gradcheck,
    gradgradcheck,
    numerical_jacobian,
)

__all__ = [
    "gradcheck", "gradgradcheck", "check_gradients", "numerical_jacobian", "analytical_jacobian",
    "GradcheckError", "GradcheckWarning", "GradcheckResult",
]
