"""Run the benchmark suite: each library in its own process, interleaved over rounds.

    python -m benchmarks.run [--quick] [--only W1,W3] [--rounds N] [--libs torch,numpy]

Prints one table per workload (medians over rounds, ratios to the reference measured in the
same rounds), the issue's targets, and writes <out>.json and <out>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.child import RESULT_TAG
from benchmarks.workloads import WORKLOAD_LIBS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"

# Per-workload settings for a full run and for --quick (a CI smoke test, not a measurement).
FULL: dict[str, dict[str, Any]] = {
    "W1": {"warmup": 20, "steps": 200},
    "W2": {"warmup": 20, "steps": 200},
    "W3": {"warmup": 1, "steps": 3},
    "W4": {"chain": 100_000},
    "W5": {"number": 20_000, "repeat": 5},
    "W6": {"warmup": 2, "steps": 10},
}
QUICK: dict[str, dict[str, Any]] = {
    "W1": {"warmup": 2, "steps": 10},
    "W2": {"warmup": 2, "steps": 20},
    "W3": {"warmup": 0, "steps": 1},
    "W4": {"chain": 10_000},
    "W5": {"number": 2_000, "repeat": 3},
    "W6": {"warmup": 1, "steps": 2},
}


def run_child(name: str, lib: str, cfg: dict[str, Any], timeout: float) -> dict[str, Any]:
    """One fresh interpreter for one (workload, library); the environment is passed as is."""
    env = dict(os.environ)
    # The repo root on the path lets the children import autograd_core even when not installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "benchmarks.child", name, lib, json.dumps(cfg)]
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"status": "error", "reason": f"timed out after {timeout:.0f} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_TAG):
            return json.loads(line[len(RESULT_TAG) :])
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"status": "error", "reason": f"child exited {proc.returncode}: {tail}"}


def _brief(res: dict[str, Any]) -> str:
    if res.get("status") != "ok":
        return f"{res.get('status')}: {res.get('reason')}"
    return ", ".join(f"{k}={v:.4g}" for k, v in res.items() if isinstance(v, float))


def run_workload(
    name: str, libs: list[str], cfg: dict[str, Any], rounds: int, timeout: float
) -> dict[str, list[dict[str, Any]]]:
    """Rounds of A B C..., the start rotating each round so no library always runs first."""
    results: dict[str, list[dict[str, Any]]] = {lib: [] for lib in libs}
    for r in range(rounds):
        order = libs[r % len(libs) :] + libs[: r % len(libs)]
        for lib in order:
            past = results[lib]
            if past and past[-1].get("status") != "ok":
                past.append(past[-1])  # unavailable or broken: do not pay for it every round
                continue
            res = run_child(name, lib, cfg, timeout)
            past.append(res)
            print(f"  {name} round {r + 1}/{rounds} {lib:17s} {_brief(res)}", file=sys.stderr)
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="few steps and 1 round: a smoke test")
    p.add_argument("--only", default="", help="comma-separated workloads, e.g. W1,W3")
    p.add_argument("--libs", default="", help="comma-separated libraries to keep")
    p.add_argument("--rounds", type=int, default=None, help="rounds (default 5, quick 1)")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds per child process")
    p.add_argument("--out", default=None, help="output path without suffix")
    p.add_argument("--threads", type=int, default=None,
                   help="BLAS threads in the children (sets OPENBLAS/OMP/MKL_NUM_THREADS)")
    return p.parse_args(argv)


def write_outputs(out: Path, data: dict[str, Any]) -> None:
    """<out>.json with every round, <out>.md with the tables."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(data, indent=1, default=str) + "\n")
    m = data["machine"]
    vers = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    lines = [
        f"# Benchmark results ({data['date']})",
        "",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['platform']}",
        f"- python {m['python']}, numpy {m['numpy']}; {vers}",
        f"- BLAS: `{json.dumps(m['blas'], default=str)[:400]}`",
        f"- environment: `{json.dumps(m['env'])}`",
        f"- autograd_core source: {data['source']}",
        f"- command: `{data['command']}`; rounds: {data['rounds']}; wall time "
        f"{data['wall_s']:.0f} s",
        "- each cell is the median over rounds; `x ref` is the median of per-round ratios to the",
        "  reference measured in the same round; peak RSS from `getrusage(ru_maxrss)` in the",
        "  child (`+peak RSS` is the peak minus the RSS just before the workload started)",
        "",
    ]
    for name, summary in data["workloads"].items():
        head, rows = report.workload_rows(name, summary)
        lines += [f"## {name} {summary['title']}", "", report.md_table(head, rows), ""]
    head, rows = report.target_rows(data["targets"])
    lines += ["## Targets (issues 8 and 18)", "", report.md_table(head, rows), ""]
    out.with_suffix(".md").write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    """Run the selected workloads, print the tables, write the result files."""
    args = parse_args(argv)
    settings = QUICK if args.quick else FULL
    rounds = args.rounds or (1 if args.quick else 5)
    names = [w.strip().upper() for w in args.only.split(",") if w.strip()] or list(FULL)
    unknown = [w for w in names if w not in FULL]
    if unknown:
        print(f"unknown workload(s): {', '.join(unknown)}; choose from {', '.join(FULL)}")
        return 2
    keep = {x.strip() for x in args.libs.split(",") if x.strip()}
    if args.threads is not None:  # children inherit the environment, and record it
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.threads)
    out = Path(args.out) if args.out else RESULTS / ("quick" if args.quick else "latest")

    t0 = time.perf_counter()
    raw: dict[str, Any] = {}
    summaries: dict[str, Any] = {}
    for name in names:
        libs = [lib for lib in WORKLOAD_LIBS[name] if not keep or lib in keep]
        print(f"{name}: {', '.join(libs)}", file=sys.stderr)
        cfg = {"seed": 0, **settings[name]}
        raw[name] = run_workload(name, libs, cfg, rounds, args.timeout)
        summaries[name] = report.summarize(name, raw[name])
    targets = report.check_targets(summaries, raw)

    for name, summary in summaries.items():
        head, rows = report.workload_rows(name, summary)
        print(f"\n{name} {summary['title']}\n{report.text_table(head, rows)}")
    head, rows = report.target_rows(targets)
    print(f"\nTargets (issues 8 and 18)\n{report.text_table(head, rows)}")

    data = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m benchmarks.run " + " ".join(sys.argv[1:] if argv is None else argv),
        "source": report.source_info(str(ROOT)),
        "rounds": rounds,
        "settings": {n: settings[n] for n in names},
        "wall_s": time.perf_counter() - t0,
        "machine": report.machine_info(),
        "workloads": summaries,
        "targets": targets,
    }
    write_outputs(out, data)
    print(f"\nwrote {out.with_suffix('.json')} and {out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
