"""How the time to draw a graph grows with its size (it should be linear).

    python -m benchmarks.viz_scaling

Times `to_dot` on chains of tanh Values of 10,000, 20,000 and 40,000 ops (best of 3, collector
paused) and prints the time per node; a linear walk keeps it flat as the graph grows.
"""

from __future__ import annotations

import gc
import time

import autograd_core as ag
from autograd_core import Value


def chain(n: int) -> Value:
    """tanh applied n times."""
    y = Value(0.5)
    for _ in range(n):
        y = y.tanh()
    return y


def best_seconds(root: Value, repeat: int = 3) -> float:
    """Fastest of `repeat` runs of to_dot(root)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        ag.to_dot(root, max_nodes=None, show_grad=False)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    """Print the time per node for three graph sizes."""
    gc.disable()
    try:
        for n in (10_000, 20_000, 40_000):
            s = best_seconds(chain(n))
            print(f"{n:>7,} ops: {s:.3f} s, {s / n * 1e6:.1f} us per node")
    finally:
        gc.enable()


if __name__ == "__main__":
    main()
