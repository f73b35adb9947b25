"""Run one workload for one library in this process and print its result as one JSON line.

Usage: python -m benchmarks.child W1 torch '{"steps": 200, "warmup": 20}'
The parent reads the last line starting with RESULT_TAG. Status is "ok", "unavailable" (the
library or a feature it needs is missing) or "error" (it ran and failed).
"""

from __future__ import annotations

import importlib
import json
import statistics
import sys
import time
import traceback
import tracemalloc
from typing import Any

from benchmarks import common
from benchmarks.workloads import LIBS

RESULT_TAG = "BENCH_RESULT "

# A missing library, module or method means "not there yet", not "broken".
UNAVAILABLE = (ImportError, AttributeError, NotImplementedError)


def _mb(n_bytes: float) -> float:
    return n_bytes / 2**20


def _train(lib: Any, name: str, cfg: dict[str, Any]) -> dict[str, Any]:
    """W1/W2/W3: time each training step after warm-up; W6: each epoch."""
    if name == "W1":
        x, y, params = common.w1_data(cfg["seed"])
        step = lib.w1(x, y, params, common.LR_W1)
    elif name == "W2":
        x, y, params = common.w2_data(cfg["seed"])
        step = lib.w2(x, y, params, common.LR_W2, common.ALPHA)
    elif name == "W6":
        x, y, params = common.w6_data(cfg["seed"])
        epoch = lib.w6(x, y, params, common.LR_DIGITS, common.MOMENTUM_DIGITS,
                       common.DIGITS_BATCH, cfg["seed"])
        times, loss = common.time_steps(epoch, cfg["warmup"], cfg["steps"])
        return {"ms_epoch": statistics.median(times) * 1e3, "check": loss, "n": len(times)}
    else:
        x, y = common.make_moons(seed=cfg["seed"])
        step = lib.w3(x, y, common.w3_init(337, cfg["seed"]), common.ALPHA)
    times, loss = common.time_steps(step, cfg["warmup"], cfg["steps"])
    return {"ms_step": statistics.median(times) * 1e3, "check": loss, "n": len(times)}


def _chain(lib: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """W4: one forward of the chain and one backward, timed apart."""
    forward, backward = lib.w4(cfg["chain"], common.chain_start())
    if cfg.get("tracemalloc"):
        # Python-heap view (numpy reports its buffers to tracemalloc, torch's allocator does
        # not); it slows the run, so this mode reports memory only.
        tracemalloc.start()
        backward(forward())
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return {"tracemalloc_peak_mb": _mb(peak)}
    t0 = time.perf_counter()
    out = forward()
    t1 = time.perf_counter()
    g = backward(out)
    t2 = time.perf_counter()
    del out
    return {"total_s": t2 - t0, "fwd_s": t1 - t0, "bwd_s": t2 - t1, "check": g}


def _overhead(lib: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """W5: per-call microseconds of each statement the library offers."""
    res: dict[str, Any] = {}
    for key, (stmt, env) in lib.w5().items():
        exec(stmt, dict(env))  # one warm-up call, which also surfaces missing features here
        res[f"{key}_us"] = common.per_call_us(stmt, env, cfg["number"], cfg["repeat"])
    return res


def run(name: str, lib_name: str, cfg: dict[str, Any]) -> dict[str, Any]:
    """Import the library's module, run the workload, add memory figures."""
    try:
        lib = importlib.import_module(f"benchmarks.workloads.{LIBS[lib_name]}")
        fn = getattr(lib, name.lower(), None)
        if fn is None:
            return {"status": "unavailable", "reason": f"no {name} version for {lib_name}"}
        rss0 = common.current_rss_bytes()
        if name in ("W1", "W2", "W3", "W6"):
            res = _train(lib, name, cfg)
        elif name == "W4":
            res = _chain(lib, cfg)
        else:
            res = _overhead(lib, cfg)
    except UNAVAILABLE as e:
        return {"status": "unavailable", "reason": f"{type(e).__name__}: {e}"}
    except Exception as e:  # any failure is reported in the table, never crashes the suite
        tb = traceback.format_exc(limit=-3)
        return {"status": "error", "reason": f"{type(e).__name__}: {e}", "traceback": tb}
    peak = common.peak_rss_bytes()
    # ru_maxrss is the whole process's peak; the delta over the RSS just before the
    # workload started is what the workload itself added (imports excluded).
    res.update(status="ok", peak_rss_mb=_mb(peak), peak_rss_delta_mb=_mb(max(peak - rss0, 0)))
    return res


def main(argv: list[str]) -> int:
    """Entry point: argv = [workload, library, json config]."""
    name, lib_name, cfg_text = argv
    result = run(name, lib_name, json.loads(cfg_text))
    print(RESULT_TAG + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
