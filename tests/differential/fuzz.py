"""`make fuzz N=... SEED=...`: run N random cases against PyTorch, shrink each mismatch to a
short runnable reproduction, and print "N cases, K mismatches" last.

    python -m tests.differential.fuzz --n 2000 --seed 7

Case i of a run is drawn from seed (SEED, i), so a reported case reruns alone with
`--seed SEED --only i`. Most cases are random programs over the Tensor ops (generate.py); one
in six is an nn.functional program (activations, layer functions, losses: nn_cases.py), one
in twenty an optimizer or scheduler run (optim_cases.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import compare, nn_cases, optim_cases
from .compare import Mismatch
from .generate import generate
from .program import Program
from .runtime import prelude


def case_seed(seed: int, i: int) -> int:
    """The seed of case `i` of a run with `seed`."""
    return int(np.random.SeedSequence([seed, i]).generate_state(1)[0])


def kind_of(seed: int, i: int) -> str:
    """Which family case `i` belongs to: "program", "nn" or "optim"."""
    r = np.random.default_rng(case_seed(seed, i) ^ 0x5EED).random()
    return "optim" if r < 0.05 else "nn" if r < 0.22 else "program"


def draw(seed: int, i: int) -> Any:
    """Case `i` of the run with `seed`: a Program, or an optimizer Script."""
    k, s = kind_of(seed, i), case_seed(seed, i)
    if k == "optim":
        return optim_cases.generate(s)
    if k == "nn":
        return nn_cases.generate(s)
    return generate(s)


def check(case: Any) -> list[Mismatch]:
    """The mismatches of one case."""
    if isinstance(case, Program):
        return compare.check(case)
    return case.check()


# ---------------------------------------------------------------- shrinking

def _still(stage: str, dtype: str) -> Callable[[Program], bool]:
    def fails(p: Program) -> bool:
        try:
            return any(m.stage == stage and m.dtype == dtype
                       for m in compare.check(p, float32=dtype == "float32"))
        except Exception:
            return False
    return fails


def shrink(prog: Program, m: Mismatch) -> Program:
    """A smaller program with a mismatch of the same stage and dtype: steps (and what depends on
    them) and loss terms are dropped one at a time while the mismatch stays."""
    fails = _still(m.stage, m.dtype)
    changed = True
    while changed:
        changed = False
        for s in reversed(prog.steps):
            smaller = prog.without(s.out)
            if (smaller.loss or m.stage == "forward") and fails(smaller):
                prog, changed = smaller, True
                break
        for term in list(prog.loss) if len(prog.loss) > 1 else []:
            smaller = Program(prog.steps, [t for t in prog.loss if t != term], prog.seed)
            if fails(smaller):
                prog, changed = smaller, True
    return prog


def reproduction(prog: Program, m: Mismatch) -> str:
    """A runnable script that prints both libraries' results for the mismatch."""
    key = m.key
    show = "R" if key == "-" else f"R[{key!r}]"
    parts = [f"# autograd_core vs PyTorch, {m.stage} stage, {m.dtype} leaves: {key}",
             f"DT = {m.dtype!r}"]
    for lib, label in (("ours", "autograd_core"), ("torch", "PyTorch")):
        parts += [f"# ---------------- {label}", prelude(lib, prog.uses_custom()),
                  prog.source(lib), compare.stage_source(prog, m.stage),
                  f"print({label!r}, {show})"]
    return "\n".join(parts)


# ---------------------------------------------------------------- the run

def run(n: int, seed: int, only: Sequence[int] | None = None, out: Any = sys.stdout,
        max_report: int = 20) -> tuple[int, int]:
    """Run cases 0..n-1 (or `only`) of `seed`; print a reproduction per failing case and the
    summary line last. Returns (cases, mismatching cases)."""
    indices = list(only) if only is not None else range(n)
    bad = 0
    start = time.time()
    for i in indices:
        case = draw(seed, i)
        found = check(case)
        if not found:
            continue
        bad += 1
        if bad > max_report:
            print(f"case {i}: {found[0]}".splitlines()[0], file=out)
            continue
        m = found[0]
        if isinstance(case, Program):
            small = shrink(case, m)
            again = [x for x in compare.check(small) if (x.stage, x.dtype) == (m.stage, m.dtype)]
            m = again[0] if again else m
            text = reproduction(small, m)
        else:
            text = case.reproduction(m)
        print(f"\n==== case {i} (--seed {seed} --only {i}): {m}\n{text}\n", file=out)
    elapsed = time.time() - start
    print(f"({elapsed:.0f} s)", file=out)
    print(f"{len(indices)} cases, {bad} mismatches", file=out)
    return len(indices), bad


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: --n, --seed, --only."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", type=int, nargs="*", default=None)
    args = ap.parse_args(argv)
    try:
        import torch  # noqa: F401
    except ImportError:  # skipped, as in `make test`: not a failure of the library
        print("skipped: PyTorch is not installed, so there is nothing to compare against "
              "(pip install torch==2.13.0)")
        return 0
    _, bad = run(args.n, args.seed, args.only)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
