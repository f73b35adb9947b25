"""What the drawing skeleton costs backward(): the same workloads with it on and off.

    python -m benchmarks.skeleton_cost

A Tensor backward hands each op it frees to a recorder (autograd_core/viz/skeleton.py) so the
graph can be drawn afterwards. This runs W2's step, W5's add and W4's 100k-op backward in one
process, the recorder switched off and on in turn, and prints the minimum over repeats of each
(robust on a busy machine) and the ratio on/off.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

import autograd_core as ag
from autograd_core import engine
from autograd_core.viz.skeleton import Skeleton
from benchmarks.workloads import lib_ours


def _best(fn: Callable[[], object], n: int, reps: int = 15) -> float:
    """Seconds per call: the minimum over `reps` runs of `n` calls."""
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        out.append((time.perf_counter() - t0) / n)
    return min(out)


def main() -> int:
    """Interleave off/on three times and print one line per workload."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(100, 2)), np.sign(rng.normal(size=(100, 1)))
    params = [rng.normal(size=s) * 0.5 for s in [(2, 16), (16,), (16, 16), (16,), (16, 1), (1,)]]
    w2 = lib_ours.w2(x, y, params, 0.1, 1e-4)
    a = ag.Tensor(np.ones(1), requires_grad=True)
    b = ag.Tensor(np.ones(1), requires_grad=True)
    seed = ag.Tensor(np.ones(1))

    def w5() -> None:
        (a + b).backward(seed)
        a.grad = b.grad = None

    def w4() -> float:
        t = ag.Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
        z = t
        for _ in range(100_000):
            z = z * 1.0001 + 0.0
        t0 = time.perf_counter()
        z.sum().backward()
        return time.perf_counter() - t0

    res: dict[str, dict[str, list[float]]] = {"off": {}, "on": {}}
    try:
        for _ in range(3):
            for mode in ("off", "on"):
                engine.set_skeleton_maker(None if mode == "off" else Skeleton)
                res[mode].setdefault("W2 step (ms)", []).append(_best(w2, 50) * 1e3)
                res[mode].setdefault("W5 add fwd+bwd (us)", []).append(_best(w5, 2000) * 1e6)
                res[mode].setdefault("W4 backward (s)", []).append(min(w4(), w4()))
    finally:
        engine.set_skeleton_maker(Skeleton)
    for k in res["off"]:
        off, on = min(res["off"][k]), min(res["on"][k])
        print(f"{k:22s} off {off:8.4g}  on {on:8.4g}  on/off {on / off:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
