"""Weight initializers: each fills a Tensor in place (no gradient recorded) and returns it.

Layout: weights are (out_features, in_features), PyTorch's layout, so for a 2-D shape
fan_in = shape[1] and fan_out = shape[0]; for (out, in, *kernel) both are multiplied by the
kernel size. A 1-D shape has fan_in = fan_out = shape[0].

| name | distribution | variance |
|---|---|---|
| lecun_uniform_ / lecun_normal_ | U(-L, L) / N(0, s) | 1 / fan_in |
| glorot_uniform_ / glorot_normal_ (xavier_*) | U(-L, L) / N(0, s) | 2 / (fan_in + fan_out) |
| he_uniform_ / he_normal_ (kaiming_*) | U(-L, L) / N(0, s) | 2 / fan_in (x 1/(1+a^2)) |

with L = sqrt(3 * variance) and s = sqrt(variance). `truncated=True` on the normal ones gives
Keras's truncated normal: draw from N(0, s / 0.8796...), redraw anything beyond two of those
standard deviations, so that the variance is still the one in the table.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_core import Tensor

from ._random import default_rng, manual_seed

__all__ = [
    "calculate_gain", "calculate_fan_in_and_fan_out", "uniform_", "normal_", "zeros_", "ones_",
    "constant_", "lecun_uniform_", "lecun_normal_", "glorot_uniform_", "glorot_normal_",
    "he_uniform_", "he_normal_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
    "kaiming_normal_", "orthogonal_", "trunc_normal_", "get_initializer", "manual_seed",
]

# Std of a standard normal truncated to [-2, 2]: dividing by it keeps the variance unchanged.
_TRUNC_STD = 0.87962566103423978

Array = Any  # a Tensor or a numpy array


def _fill(t: Array, values: np.ndarray) -> Array:
    """Write `values` into `t` in place, outside the graph; return `t`."""
    if isinstance(t, Tensor):
        if t.dtype.kind != "f":
            raise TypeError(f"init: expected a floating-point tensor, got dtype {t.dtype}")
        np.copyto(t.data, values.astype(t.dtype, copy=False))
        t._bump()  # an in-place write: autograd's version check must see it
        return t
    if isinstance(t, np.ndarray):
        np.copyto(t, values.astype(t.dtype, copy=False))
        return t
    raise TypeError(f"init: expected a Tensor or numpy array, got {type(t).__name__}")


def calculate_fan_in_and_fan_out(shape: Any) -> tuple[int, int]:
    """(fan_in, fan_out) for a weight of `shape` laid out as (out, in, *kernel)."""
    shp = tuple(shape.shape) if hasattr(shape, "shape") else tuple(shape)
    if len(shp) == 0:
        return 1, 1
    if len(shp) == 1:
        return shp[0], shp[0]
    receptive = int(np.prod(shp[2:])) if len(shp) > 2 else 1
    return shp[1] * receptive, shp[0] * receptive


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain that keeps activations' variance steady through `nonlinearity`.

    PyTorch's table: linear/sigmoid 1, tanh 5/3, relu sqrt(2), leaky_relu
    sqrt(2/(1+slope^2)) with slope 0.01 unless given, selu 3/4.
    """
    linear = ("linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d",
              "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative_slope {slope!r} is not a number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 0.75
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r} (known: "
                     f"{', '.join(linear + ('tanh', 'relu', 'leaky_relu', 'selu'))})")


# ---------------------------------------------------------------- plain distributions

def uniform_(t: Array, a: float = 0.0, b: float = 1.0,
             rng: np.random.Generator | None = None) -> Array:
    """Fill with U(a, b)."""
    if not a <= b:
        raise ValueError(f"uniform_: need a <= b, got a={a}, b={b}")
    return _fill(t, default_rng(rng).uniform(a, b, size=np.shape(t)))


def normal_(t: Array, mean: float = 0.0, std: float = 1.0,
            rng: np.random.Generator | None = None) -> Array:
    """Fill with N(mean, std) (std is the standard deviation)."""
    if std < 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    return _fill(t, default_rng(rng).normal(mean, std, size=np.shape(t)))


def _truncated(shape: tuple[int, ...], std: float, rng: np.random.Generator) -> np.ndarray:
    """N(0, std) restricted to [-2 std, 2 std] by redrawing the samples outside."""
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2.0
    return out * std


def trunc_normal_(t: Array, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: Any = None,
                  rng: np.random.Generator | None = None) -> Array:
    """Fill with N(mean, std) restricted to [a, b] (PyTorch's bounds: absolute values).

    Samples outside [a, b] are drawn again, which gives the truncated normal's distribution
    (PyTorch inverts its CDF instead: the same distribution). With the defaults and a small
    std the bounds cut almost nothing. Keras's truncation at mean +- 2 std is `truncated=True`
    on the named normal initializers (`he_normal_`, `glorot_normal_`, `lecun_normal_`).
    """
    if not a < b:
        raise ValueError(f"trunc_normal_: the bounds need a < b, got a={a}, b={b}")
    if std < 0:
        raise ValueError(f"trunc_normal_: std must be >= 0, got {std}")
    r = default_rng(rng if generator is None else generator)
    out = r.normal(mean, std, size=np.shape(t))
    bad = (out < a) | (out > b)
    for _ in range(1000):  # each round keeps what lands inside; stop if [a, b] has no mass
        if not bad.any():
            break
        out[bad] = r.normal(mean, std, size=int(bad.sum()))
        bad = (out < a) | (out > b)
    else:
        raise ValueError(f"trunc_normal_: [a, b] = [{a}, {b}] is too far from N({mean}, "
                         f"{std}) to draw from")
    return _fill(t, out)


def zeros_(t: Array) -> Array:
    """Fill with 0."""
    return _fill(t, np.zeros(np.shape(t)))


def ones_(t: Array) -> Array:
    """Fill with 1."""
    return _fill(t, np.ones(np.shape(t)))


def constant_(t: Array, val: float) -> Array:
    """Fill with `val`."""
    return _fill(t, np.full(np.shape(t), val, dtype=np.float64))


# ---------------------------------------------------------------- variance scaling

def _scaled(t: Array, var: float, distribution: str, truncated: bool,
            rng: np.random.Generator | None) -> Array:
    r = default_rng(rng)
    shape = np.shape(t)
    if distribution == "uniform":
        limit = math.sqrt(3.0 * var)
        return _fill(t, r.uniform(-limit, limit, size=shape))
    std = math.sqrt(var)
    if truncated:
        return _fill(t, _truncated(shape, std / _TRUNC_STD, r))
    return _fill(t, r.normal(0.0, std, size=shape))


def _fan(t: Array, mode: str) -> int:
    fan_in, fan_out = calculate_fan_in_and_fan_out(np.shape(t))
    if mode == "fan_in":
        return fan_in
    if mode == "fan_out":
        return fan_out
    raise ValueError(f"init: mode must be 'fan_in' or 'fan_out', got {mode!r}")


def lecun_uniform_(t: Array, rng: np.random.Generator | None = None) -> Array:
    """LeCun uniform: U(-L, L), L = sqrt(3 / fan_in) (variance 1 / fan_in)."""
    return _scaled(t, 1.0 / max(1, _fan(t, "fan_in")), "uniform", False, rng)


def lecun_normal_(t: Array, truncated: bool = False,
                  rng: np.random.Generator | None = None) -> Array:
    """LeCun normal: N(0, sqrt(1 / fan_in)) (Keras truncates it: pass truncated=True)."""
    return _scaled(t, 1.0 / max(1, _fan(t, "fan_in")), "normal", truncated, rng)


def glorot_uniform_(t: Array, gain: float = 1.0,
                    rng: np.random.Generator | None = None) -> Array:
    """Glorot/Xavier uniform: U(-L, L), L = gain * sqrt(6 / (fan_in + fan_out))."""
    fi, fo = calculate_fan_in_and_fan_out(np.shape(t))
    return _scaled(t, gain ** 2 * 2.0 / max(1, fi + fo), "uniform", False, rng)


def glorot_normal_(t: Array, gain: float = 1.0, truncated: bool = False,
                   rng: np.random.Generator | None = None) -> Array:
    """Glorot/Xavier normal: N(0, gain * sqrt(2 / (fan_in + fan_out)))."""
    fi, fo = calculate_fan_in_and_fan_out(np.shape(t))
    return _scaled(t, gain ** 2 * 2.0 / max(1, fi + fo), "normal", truncated, rng)


def he_uniform_(t: Array, a: float = 0.0, mode: str = "fan_in",
                nonlinearity: str = "leaky_relu",
                rng: np.random.Generator | None = None) -> Array:
    """He/Kaiming uniform: U(-L, L), L = gain * sqrt(3 / fan) = sqrt(6 / fan) for ReLU.

    gain = calculate_gain(nonlinearity, a), sqrt(2) by default.
    """
    gain = calculate_gain(nonlinearity, a)
    return _scaled(t, gain ** 2 / max(1, _fan(t, mode)), "uniform", False, rng)


def he_normal_(t: Array, a: float = 0.0, mode: str = "fan_in",
               nonlinearity: str = "leaky_relu", truncated: bool = False,
               rng: np.random.Generator | None = None) -> Array:
    """He/Kaiming normal: N(0, gain / sqrt(fan)) = N(0, sqrt(2 / fan_in)) for ReLU."""
    gain = calculate_gain(nonlinearity, a)
    return _scaled(t, gain ** 2 / max(1, _fan(t, mode)), "normal", truncated, rng)


xavier_uniform_ = glorot_uniform_
xavier_normal_ = glorot_normal_
kaiming_uniform_ = he_uniform_
kaiming_normal_ = he_normal_


def orthogonal_(t: Array, gain: float = 1.0, rng: np.random.Generator | None = None) -> Array:
    """A (semi-)orthogonal matrix times `gain` (Saxe et al.): rows or columns orthonormal.

    Shapes beyond 2-D are flattened to (shape[0], rest).
    """
    shape = np.shape(t)
    if len(shape) < 2:
        raise ValueError(f"orthogonal_: needs at least 2 dimensions, got shape {shape}")
    rows, cols = shape[0], int(np.prod(shape[1:]))
    a = default_rng(rng).standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    # Fix the signs so the result is uniformly distributed over orthogonal matrices.
    d = np.sign(np.diag(r))
    q = q * np.where(d == 0, 1.0, d)
    if rows < cols:
        q = q.T
    return _fill(t, gain * q.reshape(shape))


_NAMES = {
    "uniform": uniform_, "normal": normal_, "zeros": zeros_, "ones": ones_,
    "trunc_normal": trunc_normal_, "lecun_uniform": lecun_uniform_,
    "lecun_normal": lecun_normal_, "glorot_uniform": glorot_uniform_,
    "glorot_normal": glorot_normal_, "xavier_uniform": glorot_uniform_,
    "xavier_normal": glorot_normal_, "he_uniform": he_uniform_, "he_normal": he_normal_,
    "kaiming_uniform": he_uniform_, "kaiming_normal": he_normal_, "orthogonal": orthogonal_,
}


def get_initializer(name: str) -> Any:
    """The initializer called `name` (with or without the trailing underscore)."""
    key = name[:-1] if name.endswith("_") else name
    if key not in _NAMES:
        raise ValueError(f"unknown initializer {name!r}; choose one of "
                         f"{', '.join(sorted(_NAMES))} (or pass a callable)")
    return _NAMES[key]
