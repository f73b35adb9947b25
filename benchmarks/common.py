"""Shared data, timing and memory helpers; imports numpy only, so every child stays lean."""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

# Workload shapes, fixed by issue 8.
W1_SIZES = (784, 256, 256, 10)
W1_BATCH = 128
W2_SIZES = (2, 16, 16, 1)
MOONS_N = 100
LR_W1 = 0.01
LR_W2 = 0.05
ALPHA = 1e-4  # L2 weight of micrograd's demo loss, used by W2 and W3
CHAIN_FACTOR = 1.0001
# W6 (issue 18): an epoch of the digits MLP, on data shaped like scikit-learn's digits.
DIGITS_SIZES = (64, 64, 10)
DIGITS_N = 1437  # the 80% training split of the 1797 digits
DIGITS_BATCH = 32
LR_DIGITS = 0.1
MOMENTUM_DIGITS = 0.9


def init_mlp(sizes: tuple[int, ...], dtype: type, rng: np.random.Generator) -> list[np.ndarray]:
    """Weights (in, out) and biases, uniform in +-1/sqrt(fan_in) like PyTorch's Linear default."""
    params: list[np.ndarray] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype))
        params.append(rng.uniform(-bound, bound, (fan_out,)).astype(dtype))
    return params


def w1_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """A fixed float32 MNIST-shaped batch (X, integer labels) and the initial MLP parameters."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((W1_BATCH, W1_SIZES[0])).astype(np.float32)
    y = rng.integers(0, W1_SIZES[-1], W1_BATCH).astype(np.int64)
    return x, y, init_mlp(W1_SIZES, np.float32, rng)


def make_moons(
    n: int = MOONS_N, noise: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles (float64) with labels in {-1, +1}, like micrograd's demo."""
    rng = np.random.default_rng(seed)
    n_out = n // 2
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n - n_out)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = np.stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)], axis=1)
    x = np.concatenate([outer, inner]) + rng.normal(0.0, noise, (n, 2))
    y = np.concatenate([-np.ones(n_out), np.ones(n - n_out)])
    return x, y


def w2_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Moons (float64), labels as a (n, 1) column, and initial 2-16-16-1 parameters."""
    x, y = make_moons(seed=seed)
    return x, y[:, None].copy(), init_mlp(W2_SIZES, np.float64, np.random.default_rng(seed + 1))


def w6_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Digits-shaped data (float32 pixels in [0, 1] in steps of 1/16, labels 0..9) and the
    initial 64-64-10 parameters. Timing does not depend on the pixels, and synthetic data keep
    the benchmark free of scikit-learn."""
    rng = np.random.default_rng(seed)
    x = (rng.integers(0, 17, (DIGITS_N, DIGITS_SIZES[0])) / 16.0).astype(np.float32)
    y = rng.integers(0, DIGITS_SIZES[-1], DIGITS_N).astype(np.int64)
    return x, y, init_mlp(DIGITS_SIZES, np.float32, rng)


def w3_init(n_params: int, seed: int = 0) -> list[float]:
    """Shared initial values for the scalar MLPs, so micrograd's and ours start from one point."""
    return np.random.default_rng(seed).uniform(-1.0, 1.0, n_params).tolist()


def chain_start(size: int = 3) -> np.ndarray:
    """The W4 input: a small float32 vector of ones."""
    return np.ones(size, dtype=np.float32)


def current_rss_bytes() -> int:
    """Resident set size now (Linux /proc), falling back to the peak where /proc is missing."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return peak_rss_bytes()


def peak_rss_bytes() -> int:
    """Peak RSS of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def time_steps(step: Callable[[], float], warmup: int, steps: int) -> tuple[list[float], float]:
    """Run warm-up steps, then time each step; returns per-step seconds and the last loss."""
    loss = float("nan")
    for _ in range(warmup):
        loss = step()
    times: list[float] = []
    clock = time.perf_counter
    for _ in range(steps):
        t0 = clock()
        loss = step()
        times.append(clock() - t0)
    return times, loss


def per_call_us(stmt: str, env: dict[str, Any], number: int, repeat: int) -> float:
    """Median microseconds per execution of `stmt`, timed with timeit and the GC left on."""
    import timeit

    # timeit switches the collector off by default; users run with it on, and engines that
    # build reference cycles should pay for them here too.
    timer = timeit.Timer(stmt, setup="gc.enable()", globals={**env, "gc": __import__("gc")})
    runs = timer.repeat(repeat=repeat, number=number)
    return statistics.median(runs) / number * 1e6
