"""The differential harness in `make test`: a bounded, seeded slice, and checks that the
harness itself can fail (a planted wrong derivative is caught, shrunk and reproduced).

`make fuzz N=... SEED=...` runs as many cases as asked. Skipped without PyTorch.
"""

from __future__ import annotations

import io
import os
import re
from contextlib import redirect_stdout

import pytest

torch = pytest.importorskip("torch")

from . import compare, differences, fuzz  # noqa: E402
from .generate import generate  # noqa: E402

SEED = 20260101  # fixed, so a failure here reruns with `make fuzz SEED=20260101`
CHUNKS, PER_CHUNK = 4, 90
README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_random_programs_agree_with_pytorch(chunk: int) -> None:
    out = io.StringIO()
    only = range(chunk * PER_CHUNK, (chunk + 1) * PER_CHUNK)
    _, bad = fuzz.run(0, SEED, only=only, out=out, max_report=3)
    assert bad == 0, out.getvalue()


def test_every_difference_is_in_the_readme() -> None:
    with open(README, encoding="utf-8") as f:
        text = " ".join(f.read().split())
    for d in differences.ALL:
        assert " ".join(d.readme.split()) in text, f"README lost the line: {d.readme!r}"


def test_the_harness_catches_a_wrong_derivative(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograd_core import functions

    # Programs that use sin and agree with PyTorch...
    agree = [p for p in map(generate, range(300)) if any("sin(" in s.ours for s in p.steps)
             and p.loss and not compare.check(p, float32=False)][:20]
    # ...and one of them disagrees once sin's derivative is wrong (sin instead of cos).
    monkeypatch.setattr(functions.Sin, "backward", lambda ctx, g: (g * ctx.inputs[0].sin(),))
    found = [(p, ms) for p in agree for ms in [compare.check(p, float32=False)] if ms]
    assert found, "a wrong derivative of sin went unnoticed"
    prog, (m, *_) = found[0]
    assert m.stage in ("grad", "backward")
    small = fuzz.shrink(prog, m)
    assert len(small.steps) <= len(prog.steps)
    assert any("sin(" in s.ours for s in small.steps)
    # The reproduction runs and prints both libraries' results.
    script = fuzz.reproduction(small, compare.check(small, float32=False)[0])
    printed = io.StringIO()
    with redirect_stdout(printed):
        exec(compile(script, "<reproduction>", "exec"), {})
    assert "autograd_core" in printed.getvalue() and "PyTorch" in printed.getvalue()


def test_fuzz_prints_the_summary_line_last() -> None:
    out = io.StringIO()
    n, bad = fuzz.run(3, SEED + 1, out=out)
    assert re.fullmatch(rf"{n} cases, {bad} mismatches", out.getvalue().strip().splitlines()[-1])


def test_the_float32_check_catches_lost_precision(monkeypatch: pytest.MonkeyPatch) -> None:
    # The float32 tolerance allows what a few ulps of rounding per op can do (compare.WOBBLE);
    # an op that loses digits (exp through float16: about 8 bits instead of 24) must still fail.
    import numpy as np

    from autograd_core import functions

    agree = [p for p in map(generate, range(300)) if any("exp(" in s.ours for s in p.steps)
             and not compare.check(p)][:15]
    assert agree, "no program with exp to plant the bug in"

    def exp_half(ctx, a):  # type: ignore[no-untyped-def]
        return np.exp(a.astype(np.float16)).astype(a.dtype) if a.dtype == np.float32 \
            else np.exp(a)

    monkeypatch.setattr(functions.Exp, "forward", exp_half)
    found = [m for p in agree for m in compare.check(p) if m.dtype == "float32"]
    assert found, "an exp computed in float16 went unnoticed by the float32 check"
