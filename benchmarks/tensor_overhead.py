"""Issue 3's speed checks for Tensor engines, each library in its own process.

    python -m benchmarks.tensor_overhead [--rounds N] [--chain N]

(a) one add on 1-element tensors, forward alone and forward+backward, in microseconds;
(b) the chain x = x * 1.0001 + 0.0 (100,000 ops) then backward: time, and peak memory two
    ways: RSS growth (getrusage, counts every allocator, torch included) and the tracemalloc
    peak (Python heap and numpy buffers only, so shown for the numpy-based engines alone).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from typing import Any

from benchmarks.report import text_table
from benchmarks.run import run_child

LIBS = ["autograd_core", "torch", "hips-autograd", "mygrad", "numpy"]
NUMPY_BASED = {"autograd_core", "hips-autograd", "mygrad", "numpy"}


def _median(runs: list[dict[str, Any]], key: str) -> str:
    vals = [r[key] for r in runs if r.get("status") == "ok" and key in r]
    return f"{statistics.median(vals):.3g}" if vals else "-"


def _status(runs: list[dict[str, Any]]) -> str | None:
    """None when some round ran, else the reason none did."""
    if any(r.get("status") == "ok" for r in runs):
        return None
    return f"{runs[-1].get('status')} ({runs[-1].get('reason')})"[:90] if runs else "not run"


def main(argv: list[str] | None = None) -> int:
    """Interleave the libraries over rounds and print both tables."""
    p = argparse.ArgumentParser(description="per-op overhead and deep-chain cost of Tensor engines")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--chain", type=int, default=100_000)
    p.add_argument("--number", type=int, default=20_000, help="calls per timing in (a)")
    args = p.parse_args(argv)

    w5: dict[str, list[dict[str, Any]]] = {lib: [] for lib in LIBS}
    w4: dict[str, list[dict[str, Any]]] = {lib: [] for lib in LIBS}
    for r in range(args.rounds):
        for lib in LIBS:
            w5[lib].append(run_child("W5", lib, {"number": args.number, "repeat": 5}, 600))
            w4[lib].append(run_child("W4", lib, {"chain": args.chain}, 600))
            print(f"  round {r + 1}/{args.rounds} {lib}", file=sys.stderr)
    heap = {
        lib: [run_child("W4", lib, {"chain": args.chain, "tracemalloc": True}, 600)]
        for lib in LIBS
        if lib in NUMPY_BASED
    }

    rows = []
    for lib in LIBS:
        bad = _status(w5[lib])
        rows.append(
            [lib, bad] if bad else [lib, _median(w5[lib], "fwd_us"), _median(w5[lib], "fwdbwd_us")]
        )
    print("(a) one add on 1-element tensors (median us per call)")
    print(text_table(["library", "fwd us", "fwd+bwd us"], rows))

    rows = []
    for lib in LIBS:
        bad = _status(w4[lib])
        if bad:
            rows.append([lib, bad])
            continue
        tm = _median(heap[lib], "tracemalloc_peak_mb") if lib in heap else "untracked"
        keys = ("total_s", "fwd_s", "bwd_s", "peak_rss_delta_mb")
        rows.append([lib, *(_median(w4[lib], k) for k in keys), tm, _median(w4[lib], "check")])
    print(f"\n(b) chain of {args.chain:,} x (mul, add) on 3 floats, then backward")
    head = ["library", "total s", "fwd s", "bwd s", "+RSS MB", "tracemalloc MB", "dx[0]"]
    print(text_table(head, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
