"""PyTorch's names for what this library has, in one namespace: `from autograd_core import
torch` (or `import autograd_core.torch as torch`) and a PyTorch program's `torch.` lines work.

Everything `import autograd_core` gives (creation, math, `no_grad`, `manual_seed`, `Generator`,
`device`...), plus `torch.nn`, `torch.optim` and `torch.autograd`, and PyTorch's short dtype
names (`torch.float` is float32, `torch.double` float64, `torch.long` int64...). A name this
namespace lacks is an AttributeError, never some other function. It is not PyTorch: the
README's "Coming from PyTorch" lists what differs.
"""

from __future__ import annotations

import builtins as _builtins
from typing import Any

import numpy as _np

from autograd_core import *  # noqa: F403
from autograd_core import autograd, nn, optim  # noqa: F401
from autograd_core import bool_ as _bool
from autograd_core import float32 as _float32
from autograd_core import int32 as _int32

# PyTorch's short dtype names.
half = float16  # noqa: F405
double = float64  # noqa: F405
short = int16  # noqa: F405
long = int64  # noqa: F405
# Names that would shadow Python's builtins on a star import: attribute access only.
globals().update({"float": _float32, "int": _int32, "bool": _bool})


def is_tensor(obj: object) -> bool:
    """True for a Tensor (PyTorch's `torch.is_tensor`)."""
    return isinstance(obj, Tensor)  # noqa: F405


def numel(input: Any) -> int:
    """The number of elements of a Tensor."""
    return _builtins.int(_np.size(input))  # `int` here is the dtype name


__all__ = [n for n in dir() if not n.startswith("_") and n not in ("float", "int", "bool")]
