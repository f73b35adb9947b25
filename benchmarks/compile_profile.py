"""Where a compiled step's time goes, line by line, next to the hand-written numpy step.

    python -m benchmarks.compile_profile [--workload W1|W2|W6] [--lib nn|tensor] [--steps N]

Runs the workload's compiled step and its hand-written numpy twin in one process, alternating,
and prints the median time of each (and their ratio), then every line of the replay
(`step.source`) with its median time, slowest first. The replay is timed by a copy of it with a
clock around each statement, so the per-line times add up to a little more than the plain
replay. This is the profile the README cites for what separates a replay from numpy by hand.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import time
from collections.abc import Callable
from typing import Any

import autograd_core as ag
from benchmarks import common
from benchmarks.workloads import lib_numpy, lib_ours, lib_ours_nn


def _steps(workload: str, lib: str
           ) -> tuple[Callable[[], Any], Callable[[], Any], Any, list[Any]]:
    """(the compiled unit, the hand-written one, the compiled step, the argument tuples its
    replay is profiled on). W1 and W2 time one step; W6 one epoch of `fit(compile=True)`
    against a hand-written numpy epoch."""
    if workload == "W6":
        import nn

        x, y, params = common.w6_data(0)
        cfg = (common.LR_DIGITS, common.MOMENTUM_DIGITS, common.DIGITS_BATCH, 0)
        model, opt, loader = lib_ours_nn.w6_setup(x, y, params, *cfg)

        def epoch() -> Any:  # what the W6 benchmark's compiled variant times
            return nn.fit(model, nn.functional.cross_entropy, opt, loader, epochs=1,
                          metrics=(), progress=False, compile=True)

        epoch()  # records
        step = next(iter(model.__dict__["_fit_compiled"].values()))[0]
        batches = [tuple(b) for b in loader if len(b[1]) == common.DIGITS_BATCH]
        return epoch, lib_numpy.w6(x, y, params, *cfg), step, batches
    source = lib_ours_nn if lib == "nn" else lib_ours
    if workload == "W1":
        x, y, params = common.w1_data(0)
        step = ag.compile(source.w1_step(x, y, params, common.LR_W1))
        return step, lib_numpy.w1(x, y, params, common.LR_W1), step, [()]
    x, y, params = common.w2_data(0)
    step = ag.compile(source.w2_step(x, y, params, common.LR_W2, common.ALPHA))
    return step, lib_numpy.w2(x, y, params, common.LR_W2, common.ALPHA), step, [()]


def _timed_copy(step: Any, args: tuple[Any, ...]
                ) -> tuple[Callable[..., Any], list[str], list[list[float]]]:
    """The replay of `step` for `args` with a clock around each statement of its body."""
    from autograd_core.compile.step import _signature

    prog = step._cache[_signature(args)][0]
    tree = ast.parse(prog.source)
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef)
              and not n.name.startswith("_"))
    texts = [ast.unparse(s).splitlines()[0][:100] for s in fn.body]
    body: list[ast.stmt] = []
    for i, stmt in enumerate(fn.body):
        body += [ast.parse("_t0 = _clock()").body[0], stmt,
                 ast.parse(f"_acc[{i}].append(_clock() - _t0)").body[0]]
    fn.body = body
    ast.fix_missing_locations(tree)
    acc: list[list[float]] = [[] for _ in texts]
    ns = dict(prog._ns, _acc=acc, _clock=time.perf_counter)  # fine-grained: the wall clock
    exec(compile(tree, "<timed replay>", "exec"), ns)
    return ns[fn.name], texts, acc


def main(argv: list[str] | None = None) -> int:
    """Print the comparison and the per-line profile."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workload", default="W1", choices=("W1", "W2", "W6"))
    p.add_argument("--lib", default="nn", choices=("nn", "tensor"))
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--cpu", action="store_true",
                   help="time by this process's CPU time, not the wall clock: on a busy machine "
                        "the waits for a core drop out (use with one BLAS thread)")
    args = p.parse_args(argv)
    unit, hand, step, arg_list = _steps(args.workload, args.lib)
    for _ in range(3):
        unit()
        hand()
    t_unit: list[float] = []
    t_hand: list[float] = []
    clock = time.process_time if args.cpu else time.perf_counter
    for _ in range(args.steps):  # alternating, so both see the same machine
        t0 = clock()
        unit()
        t1 = clock()
        hand()
        t_unit.append(t1 - t0)
        t_hand.append(clock() - t1)
    a, b = statistics.median(t_unit) * 1e6, statistics.median(t_hand) * 1e6
    # Each compiled run is paired with the hand-written run right after it: on a busy machine
    # the ratio within a pair is steadier than the ratio of the two medians.
    pairs = statistics.median(u / h for u, h in zip(t_unit, t_hand))
    what = "epoch" if args.workload == "W6" else "step"
    print(f"{args.workload} ({args.lib}): compiled {a:.1f} us, hand-written numpy {b:.1f} us "
          f"per {what} (medians of {args.steps}, alternating, "
          f"{'CPU time' if args.cpu else 'wall clock'}): {pairs:.2f}x (median ratio per pair)")
    timed, texts, acc = _timed_copy(step, arg_list[0])
    for i in range(args.steps):
        timed(*arg_list[i % len(arg_list)])
    rows = sorted(((statistics.median(t) * 1e6, text) for t, text in zip(acc, texts) if t),
                  reverse=True)
    print(f"the replay, line by line (median us; total {sum(r[0] for r in rows):.1f}):")
    for t, text in rows[:args.top]:
        print(f"  {t:8.1f}  {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
