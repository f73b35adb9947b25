"""Small built-in data sets, generated on the spot (no downloads) and seeded.

Each `make_*` returns `(x, y)` numpy arrays: `x` float32 of shape (n_samples, n_features);
`y` int64 class labels 0..k-1 (float32 targets for `make_regression`). `seed` is an int, None
(fresh entropy) or a numpy Generator. `load_digits` reads scikit-learn's bundled handwritten
digits (the `datasets` extra).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .data import as_rng

__all__ = ["make_moons", "make_circles", "make_spirals", "make_blobs", "make_regression",
           "load_digits"]


def _check_n(n: Any, where: str, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"{where}: n_samples must be an integer >= {minimum}, got {n!r}")
    return int(n)


def _split(n: int, k: int) -> list[int]:
    """n items into k near-equal class sizes (the first classes get the remainder)."""
    return [n // k + (i < n % k) for i in range(k)]


def _finish(x: np.ndarray, y: np.ndarray, noise: float, rng: np.random.Generator,
            shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    if noise:
        x = x + rng.normal(scale=noise, size=x.shape)
    if shuffle:
        p = rng.permutation(len(x))
        x, y = x[p], y[p]
    return x.astype(np.float32), y.astype(np.int64)


def make_moons(n_samples: int = 100, noise: float = 0.1,
               seed: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (class 0 on top, class 1 below), 2 features."""
    n = _check_n(n_samples, "make_moons", 2)
    rng = as_rng(seed)
    n0, n1 = _split(n, 2)
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n1)
    top = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    bottom = np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
    y = np.repeat([0, 1], [n0, n1])
    return _finish(np.concatenate([top, bottom]), y, noise, rng)


def make_circles(n_samples: int = 100, noise: float = 0.05, factor: float = 0.5,
                 seed: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    """A small circle (class 1, radius `factor`) inside a large one (class 0), 2 features."""
    n = _check_n(n_samples, "make_circles", 2)
    if not 0 < factor < 1:
        raise ValueError(f"make_circles: factor must be in (0, 1), got {factor}")
    rng = as_rng(seed)
    n0, n1 = _split(n, 2)
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n1, endpoint=False)
    outer = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    inner = factor * np.stack([np.cos(t1), np.sin(t1)], axis=1)
    y = np.repeat([0, 1], [n0, n1])
    return _finish(np.concatenate([outer, inner]), y, noise, rng)


def make_spirals(n_samples: int = 300, n_classes: int = 3, noise: float = 0.2,
                 seed: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    """`n_classes` interleaved spiral arms from the origin, 2 features (not linearly separable).

    Arm k has radius r ∈ [0, 1] and angle 4r + 2πk/K + ε, with ε ~ N(0, noise²) radians
    blurring the arms (the cs231n spiral).
    """
    n = _check_n(n_samples, "make_spirals", n_classes)
    if n_classes < 2:
        raise ValueError(f"make_spirals: n_classes must be >= 2, got {n_classes}")
    if noise < 0:
        raise ValueError(f"make_spirals: noise must be >= 0, got {noise}")
    rng = as_rng(seed)
    xs, ys = [], []
    for k, m in enumerate(_split(n, n_classes)):
        r = np.linspace(0.0, 1.0, m)
        t = 4.0 * r + 2 * np.pi * k / n_classes + rng.normal(scale=noise, size=m)
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        ys.append(np.full(m, k))
    return _finish(np.concatenate(xs), np.concatenate(ys), 0.0, rng)


def make_blobs(n_samples: int = 100, centers: int | np.ndarray = 3, n_features: int = 2,
               cluster_std: float = 1.0, center_box: tuple[float, float] = (-10.0, 10.0),
               seed: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters: `centers` random centres in `center_box` (or the given array)."""
    n = _check_n(n_samples, "make_blobs")
    rng = as_rng(seed)
    if isinstance(centers, (int, np.integer)):
        if centers < 1:
            raise ValueError(f"make_blobs: centers must be >= 1, got {centers}")
        c = rng.uniform(center_box[0], center_box[1], size=(int(centers), n_features))
    else:
        c = np.asarray(centers, dtype=np.float64)
        if c.ndim != 2:
            raise ValueError(f"make_blobs: centers must be an int or a 2-d array, got shape "
                             f"{c.shape}")
    if cluster_std < 0:
        raise ValueError(f"make_blobs: cluster_std must be >= 0, got {cluster_std}")
    sizes = _split(n, len(c))
    x = np.concatenate([rng.normal(ci, cluster_std, size=(m, c.shape[1]))
                        for ci, m in zip(c, sizes)])
    y = np.repeat(np.arange(len(c)), sizes)
    return _finish(x, y, 0.0, rng)


def make_regression(n_samples: int = 100, n_features: int = 1, noise: float = 0.1,
                    bias: float = 0.0, seed: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    """A noisy linear target: y = x·w + bias + ε, x ~ N(0, 1), w ~ U(-2, 2), ε ~ N(0, noise²).

    Returns `y` as float32 of shape (n_samples,); reshape to (n, 1) for a 1-output model.
    """
    n = _check_n(n_samples, "make_regression")
    if noise < 0:
        raise ValueError(f"make_regression: noise must be >= 0, got {noise}")
    rng = as_rng(seed)
    x = rng.normal(size=(n, n_features))
    w = rng.uniform(-2.0, 2.0, size=n_features)
    y = x @ w + bias + (rng.normal(scale=noise, size=n) if noise else 0.0)
    return x.astype(np.float32), y.astype(np.float32)


def load_digits(normalize: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1797 8×8 handwritten digits: x (1797, 64) float32, y (1797,) int64.

    The pixels (0..16) are scaled to [0, 1] when `normalize`. The data ship inside
    scikit-learn (no download); install it with `pip install autograd-core[datasets]`.
    """
    try:
        from sklearn.datasets import load_digits as _sk_load_digits
    except ImportError:
        raise ImportError("load_digits needs scikit-learn, which bundles the digits data: "
                          "pip install 'autograd-core[datasets]' (or pip install "
                          "scikit-learn)") from None
    d = _sk_load_digits()
    x = d.data.astype(np.float32)
    if normalize:
        x /= 16.0
    return x, d.target.astype(np.int64)
