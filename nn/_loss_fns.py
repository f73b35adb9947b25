"""Loss functions with PyTorch's semantics: `reduction` is "mean" (default), "sum" or "none".

All are stable for extreme inputs (log-sum-exp and softplus forms), and a NaN in the input
gives a NaN loss: nothing is clamped away silently.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_core import Function, Tensor, where
from autograd_core import functions as _fns

from ._activation_fns import _Softplus
from ._layer_fns import as_tensor

__all__ = ["mse_loss", "l1_loss", "huber_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss", "hinge_loss",
           "kl_div"]

_LOG_MIN = -100.0  # PyTorch clamps log(p) and log(1 - p) at -100 in binary_cross_entropy
_BCE_EPS = 1e-12  # and divides its gradient by max(p (1 - p), 1e-12)


def _reduce(loss: Tensor, reduction: str, op: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _float_input(input: Any, op: str) -> Tensor:
    """The loss's input as a Tensor; integer or boolean input is refused, as PyTorch does (an
    int8 logit would wrap around in the arithmetic: a silently wrong loss)."""
    x = as_tensor(input, None, op)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: the input must be floating-point, got dtype {x.dtype}; "
                        "convert it first, e.g. x.astype(np.float32)")
    return x


def _pair(input: Any, target: Any, op: str) -> tuple[Tensor, Tensor]:
    x = _float_input(input, op)
    y = as_tensor(target, x if x.dtype.kind == "f" else None, op)
    if x.shape != y.shape:
        raise ValueError(f"{op}: input shape {x.shape} and target shape {y.shape} differ; "
                         "reshape one of them (a (N, 1) vs (N,) mix-up would broadcast to "
                         "(N, N) and give a wrong loss)")
    return x, y


def _softplus(x: Tensor) -> Tensor:
    """log(1 + e^x) without overflow (no linear threshold: exact everywhere)."""
    return _Softplus.apply(x, 1.0, math.inf)


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: l_i = (x_i - y_i)^2."""
    x, y = _pair(input, target, "mse_loss")
    d = x - y
    return _reduce(d * d, reduction, "mse_loss")


def l1_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error: l_i = |x_i - y_i| (derivative 0 where x_i = y_i)."""
    x, y = _pair(input, target, "l1_loss")
    return _reduce((x - y).abs(), reduction, "l1_loss")


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """Huber: l_i = d^2 / 2 if |d| < delta, else delta (|d| - delta / 2), with d = x - y."""
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    x, y = _pair(input, target, "huber_loss")
    d = x - y
    a = d.abs()
    loss = where(a.data < delta, d * d * 0.5, (a - 0.5 * delta) * delta)
    return _reduce(loss, reduction, "huber_loss")


def _weighted(loss: Tensor, weight: Any) -> Tensor:
    return loss if weight is None else loss * as_tensor(weight, loss, "loss weight")


def binary_cross_entropy(input: Any, target: Any, weight: Any = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy on probabilities p in [0, 1].

    l_i = -w_i [y_i log p_i + (1 - y_i) log(1 - p_i)]; the logs are clamped at -100
    (PyTorch), so p = 0 or 1 gives a finite loss, and the gradient is PyTorch's
    w_i (p_i - y_i) / max(p_i (1 - p_i), 1e-12).
    """
    p, y = _pair(input, target, "binary_cross_entropy")
    d = p.data
    if np.any((d < 0) | (d > 1)):
        raise ValueError(f"binary_cross_entropy: input must hold probabilities in [0, 1], got "
                         f"values in [{np.nanmin(d):.4g}, {np.nanmax(d):.4g}]; for logits use "
                         "binary_cross_entropy_with_logits")
    t = y.data
    if not np.all((t >= 0) & (t <= 1)):  # NaN fails too, as in PyTorch
        bad = t[~((t >= 0) & (t <= 1))].flat[0]
        raise ValueError(f"binary_cross_entropy: targets must be in [0, 1] (labels or "
                         f"probabilities), got {bad:.4g}")
    loss = _BinaryCrossEntropy.apply(p, y)
    return _reduce(_weighted(loss, weight), reduction, "binary_cross_entropy")


class _BinaryCrossEntropy(Function):
    """-[y max(log p, -100) + (1 - y) max(log(1 - p), -100)], elementwise; a primitive so that
    value and gradient are PyTorch's at p = 0 and 1 in any dtype (clamping p itself at e^-100
    would underflow in float32 and zero the gradient there)."""

    __slots__ = ()

    def forward(ctx, p, y):
        with np.errstate(divide="ignore", invalid="ignore"):  # log 0 is clamped; NaN stays
            log_p = np.maximum(np.log(p), _LOG_MIN)
            log_q = np.maximum(np.log(1.0 - p), _LOG_MIN)
        return (-(y * log_p + (1.0 - y) * log_q)).astype(p.dtype, copy=False)

    def backward(ctx, g):
        p, y = ctx.inputs
        gp = gy = None
        if ctx.needs_input_grad[0]:
            gp = g * (p - y) / (p * (1.0 - p)).clip(_BCE_EPS, None)
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore"):
                gy = g * ((1.0 - p).log().clip(_LOG_MIN, None) - p.log().clip(_LOG_MIN, None))
        return gp, gy


def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None,
                                     reduction: str = "mean", pos_weight: Any = None
                                     ) -> Tensor:
    """Binary cross-entropy on logits z, stable for any z.

    l_i = -w_i [c y_i log s(z_i) + (1 - y_i) log(1 - s(z_i))] with c = pos_weight,
    computed as (1 - y) z + (1 + (c - 1) y) softplus(-z).
    """
    z, y = _pair(input, target, "binary_cross_entropy_with_logits")
    sp = _softplus(-z)  # -log s(z)
    if pos_weight is None:
        loss = (1.0 - y) * z + sp
    else:
        c = as_tensor(pos_weight, z, "pos_weight")
        loss = (1.0 - y) * z + (1.0 + (c - 1.0) * y) * sp
    return _reduce(_weighted(loss, weight), reduction, "binary_cross_entropy_with_logits")


def _class_targets(target: Any, n_classes: int, ignore_index: int, op: str
                   ) -> tuple[np.ndarray, bool]:
    """Integer class indices as an int64 array, checked against the number of classes, and
    whether every one of them is a class (none is `ignore_index` or out of range)."""
    arr = target.data if isinstance(target, Tensor) else np.asarray(target)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise TypeError(f"{op}: class targets must be integers; got floats that are not "
                            "whole numbers (for class probabilities, give a target with the "
                            "same shape as the input)")
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "iu":
        raise TypeError(f"{op}: class targets must be integers, got dtype {arr.dtype}")
    # Usually every target is a class: two reductions say so, and only otherwise are the
    # targets checked one by one (which also costs a compiled step fewer array ops).
    all_classes = arr.size == 0 or (bool(arr.min() >= 0) and bool(arr.max() < n_classes))
    if not all_classes:
        bad = (arr != ignore_index) & ((arr < 0) | (arr >= n_classes))
        if bad.any():
            idx = int(arr[bad].flat[0])
            raise IndexError(f"{op}: target class index {idx} is out of range for "
                             f"{n_classes} classes (valid: 0..{n_classes - 1})")
    return arr.astype(np.int64, copy=False), all_classes and not 0 <= ignore_index < n_classes


def _class_weight(weight: Any, like: Tensor) -> Tensor:
    """The per-class weights in the input's dtype (PyTorch refuses another dtype; a cast keeps
    the loss's dtype the same with and without weights or label smoothing)."""
    w = as_tensor(weight, like, "class weight")
    return w if w.dtype == like.dtype else w.astype(like.dtype)


def _move_class_axis(x: Tensor) -> Tensor:
    """(N, C, d1, ...) -> (N * d1 * ..., C); (C,) -> (1, C)."""
    if x.ndim == 1:
        return x.reshape(1, -1)
    if x.ndim == 2:
        return x
    perm = (0, *range(2, x.ndim), 1)
    return x.transpose(perm).reshape(-1, x.shape[1])


def _nll_rows(logp: Tensor, target: Any, weight: Any, ignore_index: int, reduction: str,
              op: str, smoothing: float = 0.0) -> Tensor:
    """Negative log-likelihood of integer targets given log-probabilities, class axis 1."""
    if logp.ndim == 0:
        raise ValueError(f"{op}: input must have a class axis, got a scalar")
    n_classes = logp.shape[0] if logp.ndim == 1 else logp.shape[1]
    t, _ = _class_targets(target, n_classes, ignore_index, op)
    want = () if logp.ndim == 1 else (logp.shape[0],) + logp.shape[2:]
    if t.shape != want:
        raise ValueError(f"{op}: input of shape {logp.shape} needs class targets of shape "
                         f"{want}, got {t.shape}")
    out_shape = t.shape
    flat = _move_class_axis(logp)
    tf = t.reshape(-1)
    keep = tf != ignore_index
    safe = np.where(keep, tf, 0)
    rows = np.arange(tf.shape[0])
    w = None
    wt = np.ones(tf.shape, dtype=flat.dtype)
    if weight is not None:
        w = _class_weight(weight, flat)
        if w.shape != (n_classes,):
            raise ValueError(f"{op}: weight must have shape ({n_classes},), got {w.shape}")
        wt = w.data[safe].astype(flat.dtype, copy=False)
    # Ignored rows are masked out with `where`, not multiplied by 0: they give 0 and get no
    # gradient at all (PyTorch), even when every row is ignored and the mean is 0/0 = NaN.
    loss = where(keep, -flat[rows, safe] * Tensor._wrap(wt), 0.0)
    if smoothing:
        per_class = -flat if w is None else -(flat * w)
        smooth = where(keep, per_class.sum(axis=1), 0.0)
    if reduction == "mean":
        denom = float(wt[keep].sum())
        total = _divide(loss.sum(), denom)
        if smoothing:
            sden = denom if w is not None else float(keep.sum())
            total = (1.0 - smoothing) * total + \
                _divide(smooth.sum(), sden) * (smoothing / n_classes)
        return total
    if smoothing:
        loss = (1.0 - smoothing) * loss + smooth * (smoothing / n_classes)
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss.reshape(out_shape)
    raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _divide(total: Tensor, denom: float) -> Tensor:
    """total / denom; NaN when denom is 0 (PyTorch's mean over no weight), without a
    ZeroDivisionError or numpy's warning, and with a NaN gradient only where rows count."""
    return total / denom if denom else total * math.nan


def nll_loss(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood: l_i = -w[y_i] * input[i, y_i] for log-probabilities.

    `input` is (N, C) or (N, C, d...); "mean" divides by the sum of the targets' weights
    (PyTorch).
    """
    x = _float_input(input, "nll_loss")
    return _nll_rows(x, target, weight, ignore_index, reduction, "nll_loss")


def cross_entropy(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross-entropy on logits: l_i = -w[y_i] log softmax(x_i)[y_i].

    Logits are (N, C) with the class axis 1, as PyTorch; also (C,) or (N, C, d...).

    `target` holds class indices (an integer array or Tensor, or floats with whole values),
    or class probabilities with the input's shape. With label smoothing e the target is
    (1 - e) one_hot + e / C. Stable for any logits (log-sum-exp).
    """
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got "
                         f"{label_smoothing}")
    x = _float_input(input, "cross_entropy")
    if x.ndim == 0:
        raise ValueError("cross_entropy: input must have a class axis, got a scalar")
    axis = 0 if x.ndim == 1 else 1
    tshape = np.shape(target.data if isinstance(target, Tensor) else target)
    tdata = target.data if isinstance(target, Tensor) else np.asarray(target)
    if tshape == x.shape and tdata.dtype.kind == "f":
        y = as_tensor(target, x, "cross_entropy")
        return _soft_cross_entropy(x.log_softmax(axis), y, weight, reduction, label_smoothing,
                                   axis)
    if x.ndim == 2 and weight is None and not label_smoothing and reduction == "mean":
        t, none_ignored = _class_targets(target, x.shape[1], ignore_index, "cross_entropy")
        if t.shape == (x.shape[0],) and (none_ignored or not (t == ignore_index).any()):
            return _fns.CrossEntropy.apply(x, t)  # the core's fused primitive: one node
    logp = x.log_softmax(axis)
    return _nll_rows(logp, target, weight, ignore_index, reduction, "cross_entropy",
                     label_smoothing)


def _soft_cross_entropy(logp: Tensor, y: Tensor, weight: Any, reduction: str, eps: float,
                        axis: int) -> Tensor:
    n_classes = logp.shape[axis]
    if eps:
        y = y * (1.0 - eps) + eps / n_classes
    prod = logp * y
    if weight is not None:
        w = _class_weight(weight, logp)
        shape = (n_classes,) + (1,) * (logp.ndim - axis - 1)
        prod = prod * w.reshape(shape)
    loss = -prod.sum(axis=axis)
    return _reduce(loss, reduction, "cross_entropy")


def hinge_loss(input: Any, target: Any, margin: float = 1.0, reduction: str = "mean") -> Tensor:
    """micrograd's max-margin loss for labels y in {-1, +1}: l_i = max(0, margin - y_i x_i)."""
    x, y = _pair(input, target, "hinge_loss")
    return _reduce((margin - y * x).relu(), reduction, "hinge_loss")


def kl_div(input: Any, target: Any, reduction: str = "mean", log_target: bool = False
           ) -> Tensor:
    """Pointwise KL(target || q) for log-probabilities `input` = log q.

    PyTorch's argument order: l = y (log y - input), taken as 0 where y = 0. "batchmean"
    divides the sum by the batch size (the true KL divergence); "mean" divides by the
    number of elements.
    """
    x, y = _pair(input, target, "kl_div")
    if log_target:
        loss = y.exp() * (y - x)
    else:
        nz = y.data != 0  # NaN != 0, so a NaN target stays NaN
        logy = where(nz, y, 1.0).log()
        loss = where(nz, y * (logy - x), 0.0)
    if reduction == "batchmean":
        return loss.sum() / (x.shape[0] if x.ndim else 1)
    return _reduce(loss, reduction, "kl_div")
