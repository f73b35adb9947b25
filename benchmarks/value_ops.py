"""Per-op cost of the scalar Value engine against micrograd's Value (when installed).

    python -m benchmarks.value_ops [--number N]

Both are pure Python, so they share one process. Single ops are timed forward alone and
forward+backward; a 400-node chain gives the amortized cost per node of a real graph.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import timeit
from typing import Any

from benchmarks.report import text_table

ENGINES = {"autograd_core": "autograd_core", "micrograd": "micrograd.engine"}
CHAIN = 200  # (x * w + b) steps: 400 nodes, shallow enough for micrograd's recursive sort

STMTS = {
    "add fwd": "a + b",
    "mul fwd": "a * b",
    "relu fwd": "a.relu()",
    "add fwd+bwd": "(a + b).backward()",
    "mul fwd+bwd": "(a * b).backward()",
    "relu fwd+bwd": "a.relu().backward()",
    "chain fwd /node": "chain(a, w, b)",
    "chain fwd+bwd /node": "chain(a, w, b).backward()",
}


def chain(x: Any, w: Any, b: Any) -> Any:
    """CHAIN steps of x = x * w + b: 2 * CHAIN nodes."""
    for _ in range(CHAIN):
        x = x * w + b
    return x


def time_us(stmt: str, env: dict[str, Any], number: int) -> float:
    """Median microseconds per call over 5 repeats, with the GC on as in real use."""
    timer = timeit.Timer(stmt, setup="gc.enable()", globals={**env, "gc": __import__("gc")})
    return statistics.median(timer.repeat(repeat=5, number=number)) / number * 1e6


def measure(value_cls: Any, number: int) -> dict[str, float]:
    """Every statement for one engine; chain rows divided by the nodes they build."""
    env = {"a": value_cls(0.5), "b": value_cls(-1.5), "w": value_cls(0.999), "chain": chain}
    out = {}
    for name, stmt in STMTS.items():
        if name.startswith("chain"):
            out[name] = time_us(stmt, env, max(number // 400, 5)) / (2 * CHAIN)
        else:
            out[name] = time_us(stmt, env, number)
    return out


def main(argv: list[str] | None = None) -> int:
    """Measure each importable engine and print one table (us per op, ratio to micrograd)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--number", type=int, default=20_000, help="calls per timing")
    args = p.parse_args(argv)
    results: dict[str, dict[str, float] | str] = {}
    for name, module in ENGINES.items():
        try:
            results[name] = measure(importlib.import_module(module).Value, args.number)
        except (ImportError, AttributeError) as e:
            results[name] = f"not available ({type(e).__name__}: {e})"
    base = results.get("micrograd")
    head = (
        ["op"] + [f"{n} us" for n in results] + (["x micrograd"] if isinstance(base, dict) else [])
    )
    rows = []
    for op in STMTS:
        row = [op]
        for res in results.values():
            row.append(f"{res[op]:.3f}" if isinstance(res, dict) else "-")
        ours = results.get("autograd_core")
        if isinstance(base, dict):
            row.append(f"{ours[op] / base[op]:.2f}" if isinstance(ours, dict) else "-")
        rows.append(row)
    print(text_table(head, rows))
    for name, res in results.items():
        if isinstance(res, str):
            print(f"{name}: {res}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
