"""Machine description, summaries (medians, same-run ratios), target checks, table rendering."""

from __future__ import annotations

import importlib.metadata
import io
import os
import platform
import statistics
from contextlib import redirect_stdout
from typing import Any

from benchmarks.workloads import WORKLOAD_LIBS, WORKLOAD_TITLES

# (metric key, column label, format, ratio column?) per workload; the first is the headline.
METRICS: dict[str, list[tuple[str, str, str, bool]]] = {
    "W1": [("ms_step", "ms/step", "{:.3f}", True), ("peak_rss_mb", "peak RSS MB", "{:.0f}", True)],
    "W2": [("ms_step", "ms/step", "{:.3f}", True), ("peak_rss_mb", "peak RSS MB", "{:.0f}", True)],
    "W3": [("ms_step", "ms/step", "{:.1f}", True), ("peak_rss_mb", "peak RSS MB", "{:.0f}", True)],
    "W4": [
        ("total_s", "total s", "{:.3f}", True),
        ("fwd_s", "fwd s", "{:.3f}", False),
        ("bwd_s", "bwd s", "{:.3f}", False),
        ("peak_rss_delta_mb", "+peak RSS MB", "{:.0f}", True),
    ],
    "W5": [("fwd_us", "fwd us", "{:.2f}", True), ("fwdbwd_us", "fwd+bwd us", "{:.2f}", True)],
    "W6": [("ms_epoch", "ms/epoch", "{:.1f}", True),
           ("peak_rss_mb", "peak RSS MB", "{:.0f}", True)],
}

OURS = ("autograd_core", "autograd_core+nn")
COMPILED = ("autograd_core compiled", "autograd_core+nn compiled")

# Issue 8's targets: (workload, text, metric, our variants, peers (min taken per round), limit).
# An empty peer tuple means the limit is absolute, in the metric's own unit.
TARGETS: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...], float]] = [
    ("W1", "time <= 1.05x numpy", "ms_step", OURS, ("numpy",), 1.05),
    ("W1", "time <= 0.85x min(torch, mygrad)", "ms_step", OURS, ("torch", "mygrad"), 0.85),
    ("W1", "peak RSS <= 1.3x numpy", "peak_rss_mb", OURS, ("numpy",), 1.3),
    ("W2", "time <= 0.5x torch", "ms_step", OURS, ("torch",), 0.5),
    ("W2", "time <= 3x numpy", "ms_step", OURS, ("numpy",), 3.0),
    ("W3", "time <= 0.25x micrograd", "ms_step", ("autograd_core",), ("micrograd",), 0.25),
    ("W4", "time <= 1.0x torch", "total_s", ("autograd_core",), ("torch",), 1.0),
    ("W4", "memory <= torch", "peak_rss_delta_mb", ("autograd_core",), ("torch",), 1.0),
    ("W5", "fwd <= 2 us", "fwd_us", ("autograd_core",), (), 2.0),
    ("W5", "fwd+bwd <= 10 us", "fwdbwd_us", ("autograd_core",), (), 10.0),
    # Issue 18: compiled steps against hand-written numpy, and their memory against eager's.
    ("W1", "compiled time <= 1.0x numpy", "ms_step", COMPILED, ("numpy",), 1.0),
    ("W1", "compiled peak RSS <= eager", "peak_rss_mb", ("autograd_core compiled",),
     ("autograd_core",), 1.0),
    ("W1", "compiled peak RSS <= eager", "peak_rss_mb", ("autograd_core+nn compiled",),
     ("autograd_core+nn",), 1.0),
    ("W2", "compiled time <= 1.5x numpy", "ms_step", COMPILED, ("numpy",), 1.5),
    ("W6", "compiled epoch <= 1.5x numpy", "ms_epoch", ("autograd_core+nn compiled",),
     ("numpy",), 1.5),
]


def _version(dist: str) -> str | None:
    """Installed version of a distribution, without importing it."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    """CPU model name from /proc/cpuinfo, or what platform knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas_info() -> Any:
    """BLAS in use: threadpoolctl's view when it is installed, else numpy's build config."""
    import numpy as np

    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        try:
            return {"numpy.show_config": np.show_config(mode="dicts").get("Build Dependencies")}
        except TypeError:  # older numpy has no mode=
            buf = io.StringIO()
            with redirect_stdout(buf):
                np.show_config()
            return {"numpy.show_config": buf.getvalue()}
    keep = ("internal_api", "version", "num_threads", "threading_layer", "architecture")
    return {"threadpoolctl": [{k: d.get(k) for k in keep} for d in threadpool_info()]}


def source_info(root: str) -> str:
    """The commit measured, flagged when the engine's files differ from it."""
    import subprocess

    def git(*args: str) -> str:
        res = subprocess.run(["git", "-C", root, *args], capture_output=True, text=True)
        return res.stdout.strip() if res.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return "not a git checkout"
    dirty = git("status", "--porcelain", "--", "autograd_core", "nn", "optim")
    return head + (" + uncommitted changes in autograd_core/nn/optim" if dirty else "")


def machine_info() -> dict[str, Any]:
    """Date-free description of machine, interpreter, BLAS and library versions."""
    import numpy as np

    dists = ("autograd-core", "torch", "autograd", "mygrad", "micrograd")
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "versions": {d: _version(d) for d in dists},
        "blas": _blas_info(),
        "env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL"))},
    }


def _ok_rounds(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in runs if r.get("status") == "ok"]


def round_ratio(
    results: dict[str, list[dict[str, Any]]], lib: str, refs: tuple[str, ...], metric: str
) -> float | None:
    """Median over rounds of lib / min(refs), each ratio taken within one round."""
    ratios = []
    for i, run in enumerate(results.get(lib, [])):
        if run.get("status") != "ok" or metric not in run:
            continue
        ref_vals = []
        for ref in refs:
            ref_runs = results.get(ref, [])
            if i < len(ref_runs) and ref_runs[i].get("status") == "ok" and metric in ref_runs[i]:
                ref_vals.append(ref_runs[i][metric])
        if ref_vals and min(ref_vals) > 0:
            ratios.append(run[metric] / min(ref_vals))
    return statistics.median(ratios) if ratios else None


def summarize(name: str, results: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Per library: status, medians of each metric over rounds, ratios to the reference."""
    ref = WORKLOAD_LIBS[name][0]
    out: dict[str, Any] = {"title": WORKLOAD_TITLES[name], "reference": ref, "libs": {}}
    for lib, runs in results.items():
        ok = _ok_rounds(runs)
        entry: dict[str, Any] = {"rounds": runs}
        if not ok:
            last = runs[-1] if runs else {"status": "unavailable", "reason": "not run"}
            entry.update(status=last.get("status"), reason=last.get("reason"))
        else:
            entry["status"] = "ok"
            keys = [k for k, *_ in METRICS[name]] + ["check"]
            entry["median"] = {
                k: statistics.median(r[k] for r in ok) for k in keys if all(k in r for r in ok)
            }
            entry["ratio"] = {
                k: round_ratio(results, lib, (ref,), k) for k, _, _, rat in METRICS[name] if rat
            }
        out["libs"][lib] = entry
    return out


def check_targets(summaries: dict[str, dict[str, Any]], raw: dict[str, Any]) -> list[dict]:
    """Evaluate issue 8's targets for our variants from the same-run ratios."""
    rows = []
    for name, text, metric, ours, peers, limit in TARGETS:
        if name not in summaries:
            continue
        for lib in ours:
            entry = summaries[name]["libs"].get(lib)
            if entry is None:
                continue
            if entry["status"] != "ok":
                value = None
            elif peers:
                value = round_ratio(raw[name], lib, peers, metric)
            else:
                value = entry["median"].get(metric)
            met = None if value is None else value <= limit
            rows.append({"workload": name, "lib": lib, "target": text, "value": value, "met": met})
    return rows


def _fmt(fmt: str, v: Any) -> str:
    return "-" if v is None else fmt.format(v)


def workload_rows(name: str, summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one workload's table."""
    ref = summary["reference"]
    head = ["library"]
    for _, label, _, rat in METRICS[name]:
        head.append(label)
        if rat:
            head.append(f"x {ref}")
    head.append("check")
    rows = []
    for lib, e in summary["libs"].items():
        if e["status"] != "ok":
            word = "not available" if e["status"] == "unavailable" else "error"
            rows.append([lib, f"{word} ({e.get('reason') or '?'})"[:90]])
            continue
        row = [lib]
        for key, _, fmt, rat in METRICS[name]:
            row.append(_fmt(fmt, e["median"].get(key)))
            if rat:
                row.append(_fmt("{:.2f}", e["ratio"].get(key)))
        row.append(_fmt("{:.6g}", e["median"].get("check")))
        rows.append(row)
    return head, rows


def text_table(head: list[str], rows: list[list[str]]) -> str:
    """Aligned plain-text table; short rows (unavailable) span the remaining columns."""
    widths = [len(h) for h in head]
    for r in rows:
        widths[0] = max(widths[0], len(r[0]))
        if len(r) == len(head):
            widths = [max(w, len(c)) for w, c in zip(widths, r)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return "\n".join(lines)


def md_table(head: list[str], rows: list[list[str]]) -> str:
    """GitHub markdown table."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = r + [""] * (len(head) - len(r))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target_rows(targets: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the targets table."""
    head = ["workload", "library", "target", "measured", "met"]
    rows = []
    for t in targets:
        met = {True: "yes", False: "NO", None: "n/a"}[t["met"]]
        rows.append([t["workload"], t["lib"], t["target"], _fmt("{:.3g}", t["value"]), met])
    return head, rows
