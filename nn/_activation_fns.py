"""Activation functions on Tensors, every one the lecture names plus the modern ones.

Derivatives at kinks (the value the backward pass uses exactly at the corner):

| function | kink | derivative there | same as |
|---|---|---|---|
| relu | x = 0 | 0 | PyTorch, micrograd |
| leaky_relu | x = 0 | negative_slope | PyTorch |
| elu / selu | x = 0 | alpha (selu: scale * alpha) | PyTorch |
| hardtanh | x = min_val, max_val | 0 | PyTorch |
| hard_sigmoid | x = -3, 3 | 0 | PyTorch |
| piecewise_linear | x = a, b | 0 | (hardtanh's convention) |
| softplus | beta x = threshold | sigmoid(beta x) below, 1 above | PyTorch |
| unit_step, sign, staircase | the jumps | 0 (true derivative: 0 a.e.) | PyTorch sign/floor |
| maxout | ties | all to the first maximal piece | (no peer) |

Step functions (`unit_step`, `sign`, `staircase`) have zero gradient almost everywhere, so a
network built from them cannot learn by gradient descent. `ste=True` (or "identity") swaps in
the straight-through estimator, gradient 1; `ste="sigmoid"` uses the slope of a smooth
version of the step (sigmoid / tanh bumps, steepness `beta`). Neither is the true
derivative: they are surrogates that make training possible.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_core import Function, Tensor, where

from ._layer_fns import as_tensor, maxout

__all__ = [
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "softsign",
    "hardtanh", "hard_sigmoid", "log_sigmoid", "softplus", "softmax", "log_softmax",
    "identity", "unit_step", "sign", "staircase", "piecewise_linear", "maxout", "erf",
]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_erf_impl: list[Any] = []


def _np_erf(a: np.ndarray) -> Any:
    """erf on an array: scipy's ufunc when scipy is installed, else math.erf per element.

    scipy.special is imported on the first call, not with `nn`: it alone takes longer to import
    than all of numpy, `nn` and the engine together, and only gelu and erf need it.
    """
    if not _erf_impl:
        try:
            from scipy.special import erf
        except ImportError:  # scipy is optional; math.erf per element is the exact fallback
            erf = np.vectorize(math.erf, otypes=[np.float64])
        _erf_impl.append(erf)
    return _erf_impl[0](a)


def _t(x: Any, op: str) -> Tensor:
    return as_tensor(x, None, op)


# ---------------------------------------------------------------- primitives of our own

class _Erf(Function):
    """The error function; a primitive because no composite of exp/log gives it."""

    __slots__ = ()

    def forward(ctx, a):
        return np.asarray(_np_erf(a)).astype(a.dtype, copy=False)

    def backward(ctx, g):
        x = ctx.inputs[0]
        return (g * (2.0 / math.sqrt(math.pi)) * (-(x * x)).exp(),)


class _Softplus(Function):
    """(1/beta) log(1 + e^(beta x)), linear above `threshold`; a primitive for stability
    (numpy's logaddexp never overflows)."""

    __slots__ = ()

    def forward(ctx, a, beta, threshold):
        bx = a * beta
        with np.errstate(invalid="ignore"):  # NaN in, NaN out: no warning needed
            soft = np.logaddexp(0.0, bx) / beta
        return np.where(bx > threshold, a, soft).astype(a.dtype, copy=False)

    def backward(ctx, g):
        x, beta, threshold = ctx.inputs
        bx = x.data * beta
        lin = bx > threshold
        # At beta x == threshold the slope is sigmoid's (the soft side), but its own
        # derivative is 0 there (PyTorch's convention): x is read as a constant at that point.
        at = bx == threshold
        xs = where(at, x.detach(), x) if at.any() else x
        return where(lin, g, g * (xs * beta).sigmoid()), None, None


class _Surrogate(Function):
    """Forward: the step's values (given); backward: a surrogate slope, not the derivative."""

    __slots__ = ()
    reads_inputs = True

    def forward(ctx, a, values, kind, beta):
        return values

    def backward(ctx, g):
        x, _, kind, beta = ctx.inputs
        if kind == "identity":
            return g, None, None, None
        if kind == "zero":  # the true derivative of a step, almost everywhere
            return Tensor._wrap(np.zeros(x.shape, dtype=g.dtype)), None, None, None
        # kind is "sigmoid" (unit_step), "tanh" (sign) or ("bumps", width) (staircase)
        if kind == "sigmoid":
            s = (x * beta).sigmoid()
            return g * beta * s * (1.0 - s), None, None, None
        if kind == "tanh":
            t = (x * beta).tanh()
            return g * beta * (1.0 - t * t), None, None, None
        width = kind[1]
        edge = np.round(x.data / width) * width  # the nearest jump of the stair
        s = ((x - edge) * (beta / width)).sigmoid()
        return g * beta * s * (1.0 - s), None, None, None


def _ste_kind(ste: Any, smooth: Any, op: str) -> Any:
    if ste is False or ste is None:
        return None
    if ste is True or ste == "identity":
        return "identity"
    if ste == "sigmoid":
        return smooth
    raise ValueError(f"{op}: ste must be False, True, 'identity' or 'sigmoid', got {ste!r}")


def _step_out(x: Tensor, values: np.ndarray, ste: Any, smooth: Any, beta: float,
              op: str) -> Tensor:
    values = values.astype(x.dtype if x.dtype.kind == "f" else np.float32, copy=False)
    kind = _ste_kind(ste, smooth, op)
    if not x.requires_grad:
        return Tensor._wrap(values)
    if kind is None:
        # The true derivative, zero almost everywhere. The output stays in the graph (rather
        # than a constant) so that `backward` through it works and shows the zero gradient.
        kind = "zero"
    return _Surrogate.apply(x, values, kind, float(beta))


# ---------------------------------------------------------------- smooth classics

def sigmoid(x: Any) -> Tensor:
    """1 / (1 + e^-x); derivative s(1 - s), at most 1/4 (why deep sigmoid nets vanish)."""
    return _t(x, "sigmoid").sigmoid()


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent; derivative 1 - tanh^2."""
    return _t(x, "tanh").tanh()


def relu(x: Any) -> Tensor:
    """max(0, x); derivative 1 for x > 0, 0 for x <= 0."""
    return _t(x, "relu").relu()


def leaky_relu(x: Any, negative_slope: float = 0.1) -> Tensor:
    """Leaky ReLU: max(slope x, x), with the lecture's slope 0.1 by default.

    PyTorch's default slope is 0.01. Derivative 1 for x > 0, `negative_slope` for x <= 0.
    """
    x = _t(x, "leaky_relu")
    return where(x.data > 0, x, x * negative_slope)


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """x for x > 0, alpha (e^x - 1) for x <= 0; derivative alpha e^x for x <= 0."""
    return _Elu.apply(_t(x, "elu"), float(alpha))


class _Elu(Function):
    """ELU as a primitive, so that its derivatives at the kink are PyTorch's: the first is
    alpha at x = 0 (the x <= 0 branch), the second is 0 there (PyTorch's x < 0)."""

    __slots__ = ()

    def forward(ctx, a, alpha):
        with np.errstate(over="ignore"):  # exp of the clipped input: the unused side is <= 1
            neg = alpha * np.expm1(np.minimum(a, 0))
        return np.where(a > 0, a, neg).astype(a.dtype, copy=False)

    def backward(ctx, g):
        x, alpha = ctx.inputs
        d = x.data
        # alpha e^x on the negative side, with x replaced by a constant 0 at x = 0 itself: the
        # value there is alpha, its derivative 0.
        slope = (where(d < 0, x, 0.0).exp() * alpha) if (d <= 0).any() else None
        return (g if slope is None else where(d > 0, g, g * slope)), None


def selu(x: Any) -> Tensor:
    """scale * elu(x, alpha) with the self-normalizing constants (Klambauer et al. 2017)."""
    return elu(x, SELU_ALPHA) * SELU_SCALE


def erf(x: Any) -> Tensor:
    """The error function 2/sqrt(pi) * integral_0^x e^(-t^2) dt."""
    return _Erf.apply(_t(x, "erf"))


def gelu(x: Any, approximate: str = "none") -> Tensor:
    """GELU: x * Phi(x), with Phi the standard normal CDF (the exact erf form).

    approximate="tanh" gives 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
    """
    x = _t(x, "gelu")
    if approximate == "none":
        return x * 0.5 * (1.0 + _Erf.apply(x * (1.0 / math.sqrt(2.0))))
    if approximate == "tanh":
        inner = (x + 0.044715 * x ** 3) * math.sqrt(2.0 / math.pi)
        return x * 0.5 * (1.0 + inner.tanh())
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(x: Any) -> Tensor:
    """x * sigmoid(x) (also called swish)."""
    x = _t(x, "silu")
    return x * x.sigmoid()


def softsign(x: Any) -> Tensor:
    """x / (1 + |x|)."""
    x = _t(x, "softsign")
    return x / (1.0 + x.abs())


def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """Softplus: (1/beta) log(1 + e^(beta x)), and x itself where beta x > threshold.

    The threshold follows PyTorch. Derivative sigmoid(beta x).
    """
    if beta <= 0:
        raise ValueError(f"softplus: beta must be positive, got {beta}")
    return _Softplus.apply(_t(x, "softplus"), float(beta), float(threshold))


def log_sigmoid(x: Any) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), stable for any x."""
    return -_Softplus.apply(-_t(x, "log_sigmoid"), 1.0, math.inf)


def _softmax_dim(op: str, t: Tensor, dim: Any, axis: Any) -> int:
    """The axis from `dim=` or `axis=`. Without either, the last axis for up to 2 dimensions,
    where PyTorch's implicit choice is the same; for more, an error, since PyTorch would
    pick axis 0 for 3-D input and 1 beyond (with a deprecation warning)."""
    if dim is not None and axis is not None:
        raise TypeError(f"{op}: got dim= and axis= (the same thing); give one")
    d = dim if dim is not None else axis
    if d is None:
        if t.ndim > 2:
            raise ValueError(f"{op}: give dim= for a {t.ndim}-D input (shape {t.shape}); "
                             "PyTorch's implicit choice for more than 2 dimensions is not the "
                             "last axis")
        return -1
    return d


def softmax(x: Any, dim: Any = None, *, axis: Any = None) -> Tensor:
    """e^(x_i - max) / sum_j e^(x_j - max) along `dim` (stable)."""
    t = _t(x, "softmax")
    return t.softmax(_softmax_dim("softmax", t, dim, axis))


def log_softmax(x: Any, dim: Any = None, *, axis: Any = None) -> Tensor:
    """x - logsumexp(x) along `dim` (stable)."""
    t = _t(x, "log_softmax")
    return t.log_softmax(_softmax_dim("log_softmax", t, dim, axis))


def identity(x: Any) -> Tensor:
    """x (the 'linear' activation); derivative 1."""
    return _t(x, "identity")


# ---------------------------------------------------------------- piecewise linear

def _clip_strict(x: Tensor, lo: float, hi: float, y: Tensor, below: float,
                 above: float) -> Tensor:
    """y inside (lo, hi), constants outside; derivative 0 at the kinks themselves."""
    d = x.data
    outside = np.where(d >= hi, above, below)
    outside = np.where(np.isnan(d), d, outside).astype(x.dtype, copy=False)  # NaN stays NaN
    return where((d > lo) & (d < hi), y, Tensor._wrap(outside))


def hardtanh(x: Any, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """clip(x, min_val, max_val); derivative 1 strictly inside, 0 outside and at the kinks."""
    if not min_val < max_val:
        raise ValueError(f"hardtanh: need min_val < max_val, got {min_val}, {max_val}")
    x = _t(x, "hardtanh")
    return _clip_strict(x, min_val, max_val, x, min_val, max_val)


def hard_sigmoid(x: Any) -> Tensor:
    """clip(x/6 + 1/2, 0, 1) (PyTorch's Hardsigmoid); derivative 1/6 on (-3, 3), else 0."""
    x = _t(x, "hard_sigmoid")
    return _clip_strict(x, -3.0, 3.0, x * (1.0 / 6.0) + 0.5, 0.0, 1.0)


def piecewise_linear(x: Any, a: float = 0.0, b: float = 1.0) -> Tensor:
    """The lecture's ramp: 0 for x <= a, (x - a)/(b - a) between, 1 for x >= b.

    Derivative 1/(b - a) strictly inside, 0 at and beyond the kinks.
    """
    if not a < b:
        raise ValueError(f"piecewise_linear: need a < b, got a={a}, b={b}")
    x = _t(x, "piecewise_linear")
    return _clip_strict(x, a, b, (x - a) * (1.0 / (b - a)), 0.0, 1.0)


# ---------------------------------------------------------------- steps

def unit_step(x: Any, ste: Any = False, beta: float = 4.0) -> Tensor:
    """Heaviside step: 1 for x >= 0, else 0.

    Gradient 0 (true, a.e.); `ste=True` gives 1, `ste="sigmoid"` gives
    beta * s(beta x)(1 - s(beta x)) (a surrogate, not the derivative).
    """
    x = _t(x, "unit_step")
    return _step_out(x, np.heaviside(x.data, 1.0), ste, "sigmoid", beta, "unit_step")


def sign(x: Any, ste: Any = False, beta: float = 2.0) -> Tensor:
    """Sign: -1, 0 or +1.

    Gradient 0 (true, a.e.); `ste=True` gives 1, `ste="sigmoid"` gives the slope of
    tanh(beta x), beta (1 - tanh^2(beta x)) (a surrogate, not the derivative).
    """
    x = _t(x, "sign")
    return _step_out(x, np.sign(x.data), ste, "tanh", beta, "sign")


def staircase(x: Any, steps: float = 1.0, ste: Any = False, beta: float = 4.0) -> Tensor:
    """A quantizer: steps * floor(x / steps), a stair whose treads are `steps` wide.

    Gradient 0 (true, a.e.); `ste=True` gives 1 (the straight-through estimator of
    quantized training); `ste="sigmoid"` puts a sigmoid-slope bump at each jump.
    """
    if not steps > 0:
        raise ValueError(f"staircase: the step width must be positive, got {steps}")
    x = _t(x, "staircase")
    return _step_out(x, np.floor(x.data / steps) * steps, ste, ("bumps", float(steps)), beta,
                     "staircase")


_ = maxout  # re-exported: maxout lives with the layer functions
