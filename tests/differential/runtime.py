"""What a program runs on: a short prelude per library (the same helper names for both), so
the checking code after the program is one text, run unchanged by both libraries.

The custom Functions are the same math written for each library's Function API. (The
preludes are source text: one-line helpers keep a printed reproduction short.)
"""
# ruff: noqa: E501

from __future__ import annotations

OURS = '''\
import numpy as np
import autograd_core as ag
from autograd_core import Tensor as T
from nn import functional as F
def wt(t, j): return T(np.cos(np.arange(t.size) * 0.7 + j).reshape(t.shape).astype(t.dtype))
def val(t): return None if t is None else np.array(t.data)
def keep(t): return t.retain_grad() if t.requires_grad and not t.is_leaf else None
def grads(out, xs, create_graph=True): return ag.grad(out, xs, allow_unused=True, create_graph=create_graph)
def needs_grad(t): return getattr(t, "requires_grad", False)
'''

OURS_FUNCTIONS = '''
class Cube(ag.Function):
    @staticmethod
    def forward(ctx, x):
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.inputs
        return g * 3.0 * x * x


class MulAdd(ag.Function):  # x * y + y
    @staticmethod
    def forward(ctx, x, y):
        return x * y + y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        return g * y, g * (x + 1.0)


class TwoOut(ag.Function):  # (2x, x^2)
    @staticmethod
    def forward(ctx, x):
        return x * 2.0, x * x

    @staticmethod
    def backward(ctx, g1, g2):
        (x,) = ctx.inputs
        return g1 * 2.0 + g2 * 2.0 * x


class ScaleBy(ag.Function):  # x * c for a number c
    @staticmethod
    def forward(ctx, x, c):
        return x * c

    @staticmethod
    def backward(ctx, g):
        return g * ctx.inputs[1], None
'''

TORCH = '''\
import numpy as np
import torch
import torch.nn.functional as TF
def wt(t, j): return torch.tensor(np.cos(np.arange(t.numel()) * 0.7 + j).reshape(t.shape)).to(t.dtype)
def val(t): return None if t is None else t.detach().numpy().copy()
def keep(t): return t.retain_grad() if t.requires_grad and not t.is_leaf else None
def grads(out, xs, create_graph=True): return torch.autograd.grad(out, xs, allow_unused=True, create_graph=create_graph)
def needs_grad(t): return getattr(t, "requires_grad", False)
'''

TORCH_FUNCTIONS = '''
class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3.0 * x * x


class MulAdd(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y + y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y, g * (x + 1.0)


class TwoOut(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * 2.0, x * x

    @staticmethod
    def backward(ctx, g1, g2):
        (x,) = ctx.saved_tensors
        return g1 * 2.0 + g2 * 2.0 * x


class ScaleBy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, c):
        ctx.c = c
        return x * c

    @staticmethod
    def backward(ctx, g):
        return g * ctx.c, None
'''


def prelude(lib: str, functions: bool = True) -> str:
    """The prelude for `lib` ("ours" or "torch"); `functions` adds the custom Functions."""
    if lib == "ours":
        return OURS + (OURS_FUNCTIONS if functions else "")
    return TORCH + (TORCH_FUNCTIONS if functions else "")
