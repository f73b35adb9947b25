"""`autograd-core check`: gradcheck and gradgradcheck over every built-in differentiable op.

The table of cases is `OPS`, a list of `OpCase` (see its docstring; defined in `_op_cases.py`):
one or more cases per public op, swept over shapes (), (3,), (2, 3), (1, 3) x (2, 3),
(2, 1, 4) x (3, 1) and axis/keepdims variants. `public_op_names()` lists every public
differentiable op, found by looking at `Tensor` (with its mixins), the `autograd_core.tensor`
functions and `Value`, so that a test can fail when a new op has no case. `run_checks()` runs
the table and `main()` is the command line.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from ..tensor import Tensor
from ..tensor import __all__ as _TENSOR_NAMES
from ..value import Value
from . import _op_cases_more  # noqa: F401 - appends the in-place and Value cases to CASES
from ._op_cases import CASES, OpCase
from .gradcheck import check_gradients

__all__ = ["OpCase", "OPS", "OpResult", "public_op_names", "cases_for", "run_checks", "main",
           "NOT_OPS"]

#: Every gradient-check case, in table order. Tests may read it (and monkeypatch it).
OPS: list[OpCase] = CASES

# Operators and the op name they count as ("__radd__" is "add" with the number first).
_DUNDER = {"__add__": "add", "__radd__": "add", "__sub__": "sub", "__rsub__": "sub",
           "__mul__": "mul", "__rmul__": "mul", "__truediv__": "div", "__rtruediv__": "div",
           "__pow__": "pow", "__rpow__": "pow", "__neg__": "neg", "__matmul__": "matmul",
           "__rmatmul__": "matmul", "__getitem__": "getitem", "__setitem__": "setitem",
           "__abs__": "abs"}
_VALUE_DUNDER = {**_DUNDER, "__truediv__": "truediv", "__rtruediv__": "truediv"}

#: Public names that are not differentiable ops, with the reason they have no case.
NOT_OPS = {
    **dict.fromkeys(["Tensor", "tensor", "set_default_dtype", "get_default_dtype", "zeros",
                     "ones", "full", "arange", "linspace", "eye", "rand", "randn", "zeros_like",
                     "ones_like", "full_like", "empty", "empty_like", "rand_like", "randn_like",
                     "randint", "randperm", "multinomial", "from_numpy", "as_tensor"],
                    "creation or configuration"),
    **dict.fromkeys(["Generator", "manual_seed", "seed", "initial_seed", "numpy_rng"],
                    "random streams"),
    **dict.fromkeys(["device", "float16", "float32", "float64", "int8", "int16", "int32",
                     "int64", "uint8", "bool_"], "device and dtype names"),
    **dict.fromkeys(["argmax", "argmin", "any", "all", "allclose", "is_floating_point", "long",
                     "int", "bool"], "integer or boolean result"),
    **dict.fromkeys(["numpy", "item", "tolist", "detach", "requires_grad_", "numel",
                     "nelement", "dim", "backward", "register_hook", "retain_grad", "grad_fn",
                     "is_leaf", "cpu", "cuda", "contiguous"],
                    "data access or graph control"),
}


def public_op_names() -> list[str]:
    """Every public differentiable op: Tensor ones by name ("exp", "add", "getitem"), Value
    ones as "Value.<name>" ("Value.tanh", "Value.add")."""
    names: set[str] = set()
    for cls, prefix, dunder in ((Tensor, "", _DUNDER), (Value, "Value.", _VALUE_DUNDER)):
        for name, attr in _members(cls).items():
            if name in dunder:
                names.add(prefix + dunder[name])
            elif name.startswith("_") or name in NOT_OPS:
                continue
            elif isinstance(attr, property) and name != "T":
                continue  # data, shape, dtype... (T is the one property that is an op)
            elif callable(attr) or isinstance(attr, (staticmethod, property)):
                names.add(prefix + name)
    names.update(n for n in _TENSOR_NAMES if n not in NOT_OPS)
    return sorted(names)


def _members(cls: type) -> dict[str, Any]:
    """A class's attributes with those it inherits (Tensor's come from mixins, one per topic)."""
    members: dict[str, Any] = {}
    for klass in reversed(cls.__mro__[:-1]):
        members.update(vars(klass))
    return members


def cases_for(op: str) -> list[OpCase]:
    """The cases of one op (by its `public_op_names()` name)."""
    return [c for c in OPS if c.op == op]


@dataclass
class OpResult:
    """The outcome for one op over all its cases: worst relative error and PASS/FAIL."""

    op: str
    cases: int = 0
    shapes: list[str] = field(default_factory=list)
    worst_rel_err: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (case name, report)

    @property
    def ok(self) -> bool:
        """True when every case passed."""
        return not self.failures


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, (Tensor, Value)) else x


def _forward_problem(case: OpCase, inputs: tuple[Any, ...]) -> str | None:
    if case.ref is None:
        return None
    got = case.fn(*inputs)
    want = case.ref(*(_raw(x) for x in inputs))
    got_t = got if isinstance(got, tuple) else (got,)
    want_t = want if isinstance(want, tuple) else (want,)
    if len(got_t) != len(want_t):
        return f"forward returned {len(got_t)} outputs, numpy {len(want_t)}"
    for k, (g, w) in enumerate(zip(got_t, want_t)):
        ga, wa = np.asarray(_raw(g), dtype=np.float64), np.asarray(w, dtype=np.float64)
        if ga.shape != wa.shape or not np.allclose(ga, wa, rtol=1e-7, atol=1e-10):
            return (f"forward output {k} differs from numpy: shape {ga.shape} vs {wa.shape}, "
                    f"values\n{ga}\nvs numpy\n{wa}")
    return None


def run_case(case: OpCase, fast: bool = False, second_order: bool = True) -> tuple[float, str]:
    """Run one case: its forward against `ref`, gradcheck and (if asked) gradgradcheck.

    Returns (worst relative error, failure report or '' when it passed).
    """
    rng = np.random.default_rng(zlib.crc32(case.name.encode()))
    kw: dict[str, Any] = {"eps": case.eps, "atol": case.atol, "rtol": case.rtol, "fast": fast}
    try:
        with np.errstate(all="ignore"):  # a NaN fails the check itself; spare the warnings
            inputs = case.make_inputs(rng)
            problem = _forward_problem(case, inputs)
            if problem:
                return float("inf"), problem
            res = check_gradients(case.fn, inputs, **kw)
            worst = res.max_rel_err
            if res.ok and second_order and case.second_order:
                res = check_gradients(case.fn, inputs, order=2, **kw)
                worst = max(worst, res.max_rel_err)
    except Exception as e:  # a crash is a failure of that op, not of the whole run
        return float("inf"), f"{type(e).__name__}: {e}"
    return worst, res.message


def run_checks(ops: Iterable[str] | None = None, verbose: bool = True, fast: bool = False,
               second_order: bool = True, stream: TextIO | None = None) -> list[OpResult]:
    """Run the cases of `ops` (all when None); print one line per op when `verbose`."""
    out = stream or sys.stdout
    wanted = None if ops is None else list(ops)
    results: dict[str, OpResult] = {}
    order = [c.op for c in OPS]
    if wanted is not None:
        unknown = [o for o in wanted if o not in order]
        if unknown:
            raise ValueError(f"no gradient-check cases for {unknown}; known ops: "
                             f"{', '.join(sorted(set(order)))}")
        order = [o for o in order if o in wanted]
    if verbose:
        print(f"{'op':<18} {'cases':>5}  {'shapes checked':<46} {'worst rel err':>13}  result",
              file=out)
    for op in dict.fromkeys(order):
        r = results[op] = OpResult(op)
        for case in cases_for(op):
            worst, report = run_case(case, fast, second_order)
            r.cases += 1
            r.worst_rel_err = max(r.worst_rel_err, worst)
            for s in case.shapes:
                if str(s) not in r.shapes:
                    r.shapes.append(str(s))
            if report:
                r.failures.append((case.name, report))
        if verbose:
            shapes = ", ".join(r.shapes)
            shapes = shapes if len(shapes) <= 46 else shapes[:43] + "..."
            print(f"{op:<18} {r.cases:>5}  {shapes:<46} {r.worst_rel_err:>13.1e}  "
                  f"{'PASS' if r.ok else 'FAIL'}", file=out, flush=True)
    return list(results.values())


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="autograd-core check",
        description="Check every built-in op's gradients (gradcheck) and second derivatives "
                    "(gradgradcheck) against central differences in float64, over several "
                    "shapes; print one line per op; exit 1 if any op fails.")
    p.add_argument("--op", action="append", metavar="NAME",
                   help="check only this op (repeatable, or comma-separated; see --list)")
    p.add_argument("--fast", action="store_true",
                   help="compare random projections v^T J u instead of whole Jacobians")
    p.add_argument("--first-order", action="store_true", help="skip gradgradcheck")
    p.add_argument("--list", action="store_true", help="list the op names and exit")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print only failures and the summary")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """The `autograd-core check` command; returns the exit status (0: every op passed)."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.list:
        print("\n".join(dict.fromkeys(c.op for c in OPS)))
        return 0
    ops = None if not args.op else [o.strip() for a in args.op for o in a.split(",") if o]
    try:
        results = run_checks(ops, verbose=not args.quiet, fast=args.fast,
                             second_order=not args.first_order)
    except ValueError as e:
        print(f"autograd-core check: {e}", file=sys.stderr)
        return 2
    failed = [r for r in results if not r.ok]
    for r in failed:
        for name, report in r.failures[:3]:
            print(f"\nFAIL {name}:\n" + "\n".join("    " + ln for ln in report.splitlines()))
        if len(r.failures) > 3:
            print(f"\n... and {len(r.failures) - 3} more failing cases of {r.op}")
    n_cases = sum(r.cases for r in results)
    if failed:
        print(f"\n{len(failed)} of {len(results)} ops FAIL ({n_cases} cases): "
              f"{', '.join(r.op for r in failed)}")
        return 1
    print(f"\nall {len(results)} ops PASS ({n_cases} cases, "
          f"{'first order' if args.first_order else 'first and second order'}"
          f"{', fast mode' if args.fast else ''})")
    return 0


if __name__ == "__main__":  # python -m autograd_core.checks
    sys.exit(main())
