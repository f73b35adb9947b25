"""Run a program in both libraries and compare what they give.

Three stages, each run from scratch (the program, then the stage's checking code, one text
for both libraries):
- "forward": the value of every node;
- "backward": `loss.backward()` (the raw path): `.grad` of every leaf and, through
  `retain_grad()`, of every intermediate node;
- "grad": `grad(loss, nodes, create_graph=True)` (the recorded path) for leaves and
  intermediates, then second order: the gradient of a weighted sum of those gradients.
In float64 every value must agree to ~1e-6 of its node's scale, and every dtype must be
numpy's (differences.PROMOTION). With float32 leaves the forward and backward stages run
again; each node's error against a float64 run (on the same rounded leaves) may be at most a
small factor above PyTorch's own float32 error.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import differences
from .program import Program
from .runtime import prelude

STAGES = ("forward", "backward", "grad")
RTOL64 = 1e-6  # of the node's scale: summation orders differ between the libraries
RTOL32 = 2e-3  # a float64 run with a float32 node (a cast): no float64 reference exists
FACTOR32 = 4.0  # how much worse than PyTorch's own float32 error ours may be
# numpy's float32 exp, log, sin... are within a few ulps, not correctly rounded (nor are
# PyTorch's): an ill-conditioned program (the sine of a large sum) turns those ulps into
# large differences, by luck in either library. A float64 run with the leaves and every op's
# result moved by this many ulps measures that conditioning, and counts as "PyTorch's own
# error" when it is larger.
WOBBLE = 2.0
EPS32 = float(np.finfo(np.float32).eps)


@dataclass
class Mismatch:
    """One disagreement: where, and what each library gave."""

    stage: str
    key: str
    message: str
    dtype: str = "float64"

    def __str__(self) -> str:
        return f"[{self.stage}, {self.dtype} leaves] {self.key}: {self.message}"


# ---------------------------------------------------------------- the checking code

def _loss(prog: Program) -> str:
    return " + ".join(f"({n} * wt({n}, {w})).sum()" for n, w in prog.loss)


def stage_source(prog: Program, stage: str) -> str:
    """The checking code of `stage`, run after the program; it leaves its results in R."""
    if stage == "forward":
        return "R = {" + ", ".join(f"'{s.out}': val({s.out})" for s in prog.steps) + "}"
    grads = [s for s in prog.steps if s.kind == "f" and s.grad]
    if stage == "backward":
        lines = [f"keep({s.out})" for s in grads if not s.leaf]
        lines.append(f"loss = {_loss(prog)}")
        lines.append("loss.backward()")
        lines.append("R = {" + ", ".join(f"'{s.out}': val({s.out}.grad)" for s in grads) + "}")
        return "\n".join(lines)
    xs = ", ".join(s.out for s in grads)
    leaves = [s.out for s in grads if s.leaf]
    lines = [f"loss = {_loss(prog)}", f"gs = grads(loss, [{xs}])",
             "R = {" + ", ".join(f"'{s.out}': val(gs[{i}])" for i, s in enumerate(grads)) + "}",
             "loss2 = sum((g * wt(g, 20 + i)).sum() for i, g in enumerate(gs) if needs_grad(g))",
             # a NaN second-order objective (a first derivative undefined somewhere, such as
             # d(a ** b)/db at a < 0) has no derivative to compare (differences.UNDEFINED)
             "if needs_grad(loss2) and np.isfinite(val(loss2)).all():",
             f"    hs = grads(loss2, [{', '.join(leaves)}], create_graph=False)",
             "    R.update({" + ", ".join(f"'d2 {n}': val(hs[{i}])"
                                          for i, n in enumerate(leaves)) + "})"]
    return "\n".join(lines)


def _wobble(a: np.ndarray) -> np.ndarray:
    """`a` rounded to float32, then moved by up to WOBBLE float32 ulps (a fixed pattern)."""
    a = a.astype(np.float32).astype(np.float64)
    pattern = np.cos(np.arange(a.size) * 1.3 + 0.4).reshape(a.shape)
    return a * (1.0 + WOBBLE * EPS32 * pattern)


def _wobble_node(t: Any) -> Any:
    """A float tensor result moved by up to WOBBLE float32 ulps (a fixed pattern): what one
    op's few-ulp float32 rounding can do, carried through the rest of the program."""
    import torch

    if not isinstance(t, torch.Tensor) or not t.is_floating_point() or t.numel() == 0:
        return t
    k = torch.arange(t.numel(), dtype=t.dtype).reshape(t.shape)
    return t * (1.0 + WOBBLE * EPS32 * torch.cos(k * 1.7 + 0.2))


def run(prog: Program, lib: str, stage: str, dt: str = "float64",
        rounded: bool = False, wobbled: bool = False) -> dict[str, Any]:
    """Run `stage` of `prog` in `lib` with leaves of dtype `dt`; the results dict.

    `rounded`: float64, but with the leaves rounded to float32 first (the float32 reference).
    `wobbled`: float64, with the rounded leaves and every result moved by a few ulps (the
    program's conditioning: what a few ulps of rounding per op can do).
    """
    src = prog.source(lib)
    if rounded:
        src = src.replace(".astype(DT)", ".astype('float32').astype('float64')")
    if wobbled:  # every leaf, and every op's result (not the leaves' own lines: they stay leaves)
        src = re.sub(r"np\.array\((.*?)\)\.astype\(DT\)", r"_wobble(np.array(\1))", src)
        src = re.sub(r"^(n\d+) = (?!.*requires_grad=True)(.+)$", r"\1 = _wobble_node(\2)", src,
                     flags=re.M)
    ns: dict[str, Any] = {"DT": dt, "_wobble": _wobble, "_wobble_node": _wobble_node}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            exec(prelude(lib, prog.uses_custom()), ns)
            exec(src, ns)
            exec(stage_source(prog, stage), ns)
    return ns["R"]


# ---------------------------------------------------------------- comparing

def _zeros_like_none(a: Any, b: Any) -> tuple[Any, Any]:
    """A missing gradient (None) equals a gradient of zeros."""
    if a is None and b is not None:
        a = np.zeros_like(b)
    if b is None and a is not None:
        b = np.zeros_like(a)
    return a, b


def _maxerr(a: np.ndarray, b: np.ndarray) -> float:
    """Largest |a - b| where both are finite; inf where they disagree on NaN/inf."""
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    fa, fb = np.isfinite(a64), np.isfinite(b64)
    if not np.array_equal(fa, fb) or not np.array_equal(a64[~fa], b64[~fb], equal_nan=True):
        return float("inf")
    return float(np.max(np.abs(a64[fa] - b64[fb]), initial=0.0))


def _scale(a: np.ndarray) -> float:
    a = a.astype(np.float64)
    return float(np.max(np.abs(a[np.isfinite(a)]), initial=0.0)) + 1e-12


def _shape_or_kind(key: str, a: Any, b: Any, want: np.dtype) -> str | None:
    """A shape difference, or a dtype of ours that is not numpy's rule's (`want`; gradients
    have their node's dtype)."""
    if a is None or b is None:
        return f"one library gave None, the other {a if a is not None else b!r}"
    if a.shape != b.shape:
        return f"shape {a.shape} (autograd_core) vs {b.shape} (PyTorch)"
    if a.dtype != want and (a.dtype.kind == "f" or want.kind == "f"):
        return f"dtype {a.dtype}, but numpy's rule gives {want}"
    if (a.dtype.kind == "b") != (b.dtype.kind == "b"):
        return f"dtype {a.dtype} (autograd_core) vs {b.dtype} (PyTorch)"
    return None


def _stage_scale(results: dict[str, Any]) -> float:
    """The largest finite magnitude among a stage's float results."""
    return max((_scale(v) for v in results.values()
                if v is not None and v.dtype.kind == "f"), default=1.0)


def compare64(prog: Program, stage: str, ours: dict[str, Any], theirs: dict[str, Any]
              ) -> list[Mismatch]:
    """Float64 leaves: every result within RTOL64 of its scale (the node's, or a thousandth of
    the stage's, for values that cancel to ~0), with numpy's dtype."""
    want = prog.expected_dtypes("float64")
    floor = 1e-3 * _stage_scale(theirs)
    # A float32 node anywhere (a cast) limits every result downstream to float32 accuracy.
    rtol = RTOL32 if any(d == np.float32 for d in want.values()) else RTOL64
    out = []
    for key, b in theirs.items():
        if key not in ours and not key.startswith("d2 "):
            out.append(Mismatch(stage, key, "missing from autograd_core's results"))
            continue
        # A second order that ours did not take (its gradients were constants) is zero.
        a, b = _zeros_like_none(ours.get(key), b)
        if a is None and b is None:
            continue
        node = key.split()[-1]
        problem = _shape_or_kind(key, a, b, want[node])
        if problem is None:
            if a.dtype.kind != "f":
                if not np.array_equal(a, b):
                    problem = f"{a!r} (autograd_core) vs {b!r} (PyTorch)"
            else:
                a, b = differences.undefined_points_dropped(a, b.astype(np.float64))
                err = _maxerr(a, b)
                tol = rtol * max(_scale(b), floor)
                if rtol == RTOL32:  # float32 rounding of the stage's magnitudes, as compare32
                    tol = max(tol, 64 * EPS32 * _stage_scale(theirs))
                if not err <= tol:
                    problem = f"max abs difference {err:.3g} (node scale {_scale(b):.3g}):\n" \
                              f"  autograd_core: {a!r}\n  PyTorch:       {b!r}"
        if problem:
            out.append(Mismatch(stage, key, problem))
    return out


def compare32(prog: Program, stage: str, ours: dict[str, Any], theirs: dict[str, Any],
              ref: dict[str, Any], orig: dict[str, Any],
              wobbled: dict[str, Any] | None = None) -> list[Mismatch]:
    """Float32 leaves: numpy's dtypes, and errors against the float64 reference `ref` at most
    FACTOR32 times PyTorch's own (or the change rounding the leaves alone makes, `orig`, or
    moving them by WOBBLE ulps, `wobbled`: the program's own sensitivity)."""
    want = prog.expected_dtypes("float32")
    skip = prog.tainted()
    # float32 accuracy is relative to the magnitudes a result was computed from, not to the
    # result alone (1 - tanh(x)^2 near 1, sin of a large sum): the stage's largest value.
    floor = _stage_scale(ref)
    out = []
    for key, r in ref.items():
        node = key.split()[-1]
        a, t = ours.get(key), theirs.get(key)
        a, r2 = _zeros_like_none(a, r)
        t, _ = _zeros_like_none(t, r2)
        o, _ = _zeros_like_none(orig.get(key), r2)
        w, _ = _zeros_like_none((wobbled or {}).get(key), r2)
        if w is None or w.shape != r2.shape:
            w = r2
        if a is None:
            continue
        problem = _shape_or_kind(key, a, r2, want[node])
        if problem is None and node not in skip and a.dtype.kind == "f":
            if t.shape == r2.shape == o.shape:
                t, o, w = (differences.undefined_points_dropped(x, r2)[0] for x in (t, o, w))
            a, r2 = differences.undefined_points_dropped(a, r2)
            err = _maxerr(a, r2)
            base = max(_maxerr(t, r2), _maxerr(o, r2)) if t.shape == r2.shape else 0.0
            # PyTorch's own error (times a small factor), or what WOBBLE ulps of rounding in
            # every op would do (numpy's float32 functions are within a few ulps), if larger
            allowed = max(FACTOR32 * base, _maxerr(w, r2)) + 64 * EPS32 * max(_scale(r2), floor)
            if not err <= allowed:
                problem = (f"float32 error {err:.3g}, allowed {allowed:.3g} (PyTorch's own: "
                           f"{_maxerr(t, r2):.3g}):\n  autograd_core: {a!r}\n"
                           f"  PyTorch:       {t!r}\n  float64:       {r2!r}")
        if problem:
            out.append(Mismatch(stage, key, problem, "float32"))
    return out


def check(prog: Program, float32: bool = True) -> list[Mismatch]:
    """Every stage of `prog`, float64 then float32 leaves; the mismatches found."""
    out: list[Mismatch] = []
    has_loss = bool(prog.loss)
    for stage in STAGES:
        if stage != "forward" and not has_loss:
            continue
        try:
            theirs = run(prog, "torch", stage)
        except Exception:
            continue  # PyTorch cannot run this stage: nothing to compare against
        try:
            ours = run(prog, "ours", stage)
        except Exception as e:
            out.append(Mismatch(stage, "-", f"autograd_core raised {type(e).__name__}: {e}"))
            continue
        out += compare64(prog, stage, ours, theirs)
        if not float32 or stage == "grad":
            continue
        try:
            t32 = run(prog, "torch", stage, "float32")
            ref = run(prog, "torch", stage, rounded=True)
            wob = run(prog, "torch", stage, wobbled=True)
        except Exception:
            continue
        try:
            o32 = run(prog, "ours", stage, "float32")
        except Exception as e:
            out.append(Mismatch(stage, "-", f"autograd_core raised {type(e).__name__}: {e}",
                                "float32"))
            continue
        out += compare32(prog, stage, o32, t32, ref, theirs, wob)
    return out
