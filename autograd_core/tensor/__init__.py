"""The Tensor front-end: `Tensor`, the creation functions and the module-level ops, numpy's names.

Sits on the engine and the primitives (`autograd_core.functions`); the `autograd_core` package
re-exports everything in `__all__` here.
"""

from ._validate import get_default_dtype, set_default_dtype
from .creation import (
    arange,
    eye,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    randn,
    tensor,
    zeros,
    zeros_like,
)
from .ops import (
    abs,
    argmax,
    argmin,
    broadcast_to,
    clip,
    concatenate,
    cos,
    exp,
    expand_dims,
    flatten,
    floor,
    log,
    log_softmax,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    pad,
    prod,
    relu,
    reshape,
    sigmoid,
    sign,
    sin,
    softmax,
    split,
    sqrt,
    squeeze,
    stack,
    std,
    sum,
    swapaxes,
    tanh,
    transpose,
    unsqueeze,
    var,
    where,
)
from .tensor import Tensor
from .threads import get_num_threads, set_num_threads  # re-exported by the package face

__all__ = [
    "Tensor", "set_default_dtype", "get_default_dtype", "tensor", "zeros", "ones", "full",
    "arange", "linspace", "eye", "rand", "randn", "zeros_like", "ones_like", "full_like",
    "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "clip", "sign",
    "floor", "maximum", "minimum", "where", "matmul", "concatenate", "stack", "split",
    "pad", "sum", "mean", "max", "min", "var", "std", "logsumexp", "prod", "argmax",
    "argmin", "reshape", "transpose", "swapaxes", "flatten", "squeeze", "unsqueeze",
    "expand_dims", "broadcast_to", "softmax", "log_softmax",
]
