"""nn.functional in the harness: every activation and layer function, every loss with every
option, as programs (so they get the same forward, backward, grad, second-order and float32
checks as the Tensor ops, and the same shrinking).

A program here is one or two leaves, maybe a random Tensor op, the nn.functional call, and
sometimes an op after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import ops
from .program import Program, Step, int_lit, lit, near, near_tie, promote, same

if TYPE_CHECKING:
    from .generate import Gen

# Losses whose targets are literals cast to DT expect numpy's promotion of input and DT: a
# float32 input with a float64 target gives a float64 loss (PyTorch promotes too).

# name -> (ours, PyTorch's), `{x}` the input; options are drawn by `_options`.
ACTIVATIONS: dict[str, tuple[str, str]] = {
    "sigmoid": ("F.sigmoid({x})", "torch.sigmoid({x})"),
    "tanh": ("F.tanh({x})", "torch.tanh({x})"),
    "relu": ("F.relu({x})", "torch.relu({x})"),
    "leaky_relu": ("F.leaky_relu({x}, {slope})", "TF.leaky_relu({x}, {slope})"),
    "elu": ("F.elu({x}, {alpha})", "TF.elu({x}, {alpha})"),
    "selu": ("F.selu({x})", "TF.selu({x})"),
    "gelu": ("F.gelu({x}, approximate={approx!r})", "TF.gelu({x}, approximate={approx!r})"),
    "silu": ("F.silu({x})", "TF.silu({x})"),
    "softsign": ("F.softsign({x})", "TF.softsign({x})"),
    "softplus": ("F.softplus({x}, beta={beta}, threshold={threshold})",
                 "TF.softplus({x}, beta={beta}, threshold={threshold})"),
    "log_sigmoid": ("F.log_sigmoid({x})", "TF.logsigmoid({x})"),
    "hardtanh": ("F.hardtanh({x}, {lo}, {hi})", "TF.hardtanh({x}, {lo}, {hi})"),
    "hard_sigmoid": ("F.hard_sigmoid({x})", "TF.hardsigmoid({x})"),
    "softmax": ("F.softmax({x}, {axis})", "torch.softmax({x}, {axis})"),
    "log_softmax": ("F.log_softmax({x}, {axis})", "torch.log_softmax({x}, {axis})"),
    "erf": ("F.erf({x})", "torch.erf({x})"),
    "identity": ("F.identity({x})", "{x}"),
}


def _options(g: Gen, ndim: int) -> dict[str, Any]:
    lo = round(float(g.rng.uniform(-2, 0)), 2)
    return {"slope": float(g.rng.choice([0.01, 0.1, 0.3])),
            "alpha": float(g.rng.choice([1.0, 0.5, 2.0])),
            "approx": str(g.rng.choice(["none", "tanh"])),
            "beta": float(g.rng.choice([1.0, 2.0, 0.5])),
            "threshold": float(g.rng.choice([20.0, 1.0, 3.0])),
            "lo": lo, "hi": round(lo + float(g.rng.uniform(0.1, 2)), 2),
            "axis": int(g.rng.integers(-max(ndim, 1), max(ndim, 1)))}


def draw_activation(g: Gen) -> Step | None:
    """An activation of nn.functional with random options."""
    x = g.pick()
    if x is None:
        return None
    name = str(g.rng.choice(sorted(ACTIVATIONS)))
    ours, theirs = ACTIVATIONS[name]
    opts = _options(g, len(g.meta(x).shape))
    kinks = {"relu": [0.0], "leaky_relu": [0.0], "elu": [0.0], "selu": [0.0],
             "hardtanh": [opts["lo"], opts["hi"]], "hard_sigmoid": [-3.0, 3.0],
             "softplus": [opts["threshold"] / opts["beta"]]}.get(name, [])
    if any(near(g.meta(x).value, k) for k in kinks):
        return None  # within rounding of a kink (program.near)
    out = g.new_name()
    return Step(out, f"{out} = " + ours.format(x=x, **opts),
                f"{out} = " + theirs.format(x=x, **opts), (x,), same(x), frozenset({"nn"}))


# ---------------------------------------------------------------- layer functions

def draw_layer(g: Gen) -> Step | None:
    """linear, layer_norm, batch_norm (training: running statistics too), embedding."""
    which = str(g.rng.choice(["linear", "layer_norm", "batch_norm", "embedding"]))
    out = g.new_name()
    if which == "embedding":
        w = g.leaf((int(g.rng.integers(1, 5)), int(g.rng.integers(1, 4))))
        n = g.meta(w).shape[0]
        idx = g.rng.integers(0, n, size=tuple(int(s) for s in g.rng.integers(0, 3, size=2)))
        pad = int(g.rng.integers(0, n)) if g.rng.random() < 0.4 else None
        return Step(out, f"{out} = F.embedding({int_lit(idx, 'ours')}, {w}, {pad})",
                    f"{out} = TF.embedding({int_lit(idx, 'torch')}, {w}, {pad})", (w,), same(w),
                    frozenset({"nn"}))
    x = g.pick(lambda m: len(m.shape) >= (2 if which == "batch_norm" else 1)
               and m.shape[-1] > 0)
    if x is None:
        return None
    shape = g.meta(x).shape
    if which == "linear":
        w = g.operand((int(g.rng.integers(1, 4)), shape[-1]))
        b = g.operand((g.meta(w).shape[0],)) if g.rng.random() < 0.7 else "None"
        deps = (x, w) + ((b,) if b != "None" else ())
        return Step(out, f"{out} = F.linear({x}, {w}, {b})", f"{out} = TF.linear({x}, {w}, {b})",
                    deps, promote(*deps), frozenset({"nn"}))
    if which == "layer_norm":
        k = int(g.rng.integers(1, len(shape) + 1))
        ns = shape[len(shape) - k:]
        w = g.operand(ns) if g.rng.random() < 0.6 else "None"
        b = g.operand(ns) if g.rng.random() < 0.6 else "None"
        eps = float(g.rng.choice([1e-5, 0.1]))
        deps = tuple(d for d in (x, w, b) if d != "None")
        # numpy's promotion of the operands (a float64 weight makes a float32 input's
        # result float64), as every op with several operands (README, Safety)
        return Step(out, f"{out} = F.layer_norm({x}, {ns!r}, {w}, {b}, {eps})",
                    f"{out} = TF.layer_norm({x}, {ns!r}, {w}, {b}, {eps})", deps,
                    promote(*deps), frozenset({"nn"}))
    if len(shape) > 3 or shape[0] * (shape[2] if len(shape) == 3 else 1) < 2:
        return None
    c = shape[1]
    training = bool(g.rng.random() < 0.6)
    rm = g.leaf((c,), grad=False)
    rv = g.leaf((c,), grad=False)
    w = g.operand((c,)) if g.rng.random() < 0.6 else "None"
    b = g.operand((c,)) if g.rng.random() < 0.6 else "None"
    if not training and np.any(g.meta(rv).value < 0.1):
        return None
    mom = float(g.rng.choice([0.1, 0.5]))
    deps = tuple(d for d in (x, rm, rv, w, b) if d != "None")
    args = f"{x}, {rm}, {rv}, {w}, {b}, {training}, {mom}, 1e-05"
    # the operands' promotion; the running statistics are state, read in the input's dtype
    return Step(out, f"{out} = F.batch_norm({args})", f"{out} = TF.batch_norm({args})", deps,
                promote(*(d for d in (x, w, b) if d != "None")), frozenset({"nn"}))


# ---------------------------------------------------------------- losses

def draw_loss(g: Gen) -> Step | None:
    """A loss with random reduction and options."""
    name = str(g.rng.choice(["mse_loss", "l1_loss", "huber_loss", "binary_cross_entropy",
                             "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss",
                             "kl_div", "hinge_loss", "cross_entropy", "cross_entropy"]))
    red = str(g.rng.choice(["mean", "sum", "none"]))
    out = g.new_name()
    if name in ("cross_entropy", "nll_loss"):
        return _class_loss(g, name, red, out)
    x = g.pick()
    if x is None:
        return None
    shape = g.meta(x).shape
    tag = frozenset({"nn"})
    if name in ("mse_loss", "l1_loss", "huber_loss"):
        y = g.operand(shape)
        extra = f", delta={float(g.rng.choice([1.0, 0.5, 2.0]))}" if name == "huber_loss" else ""
        return Step(out, f"{out} = F.{name}({x}, {y}, reduction={red!r}{extra})",
                    f"{out} = TF.{name}({x}, {y}, reduction={red!r}{extra})", (x, y),
                    promote(x, y), tag)
    if name == "hinge_loss":  # micrograd's max-margin: no PyTorch function, its formula
        y = lit(np.where(g.rng.random(shape) < 0.5, -1.0, 1.0))
        torch_red = {"mean": ".mean()", "sum": ".sum()", "none": ""}[red]
        return Step(out, f"{out} = F.hinge_loss({x}, T({y}), reduction={red!r})",
                    f"{out} = torch.relu(1.0 - torch.tensor({y}) * {x}){torch_red}", (x,),
                    promote(x, "DT"), tag)
    if name == "kl_div":
        p = g.rng.dirichlet(np.ones(shape[-1])) if shape and shape[-1] else None
        if p is None:
            return None
        target = np.broadcast_to(p, shape).copy()
        target[g.rng.random(shape) < 0.2] = 0.0
        red = str(g.rng.choice(["mean", "sum", "none", "batchmean"]))
        log_t = bool(g.rng.random() < 0.3)
        tv = np.log(target + 0.1) if log_t else target
        return Step(out, f"{out} = F.kl_div({x}, T({lit(tv)}), reduction={red!r}, "
                         f"log_target={log_t})",
                    f"{out} = TF.kl_div({x}, torch.tensor({lit(tv)}), reduction={red!r}, "
                    f"log_target={log_t})", (x,), promote(x, "DT"), tag)
    weight = lit(g.rng.uniform(0.2, 2.0, size=shape)) if g.rng.random() < 0.3 else None
    wo = f", weight=T({weight})" if weight else ""
    wt_ = f", weight=torch.tensor({weight})" if weight else ""
    if name == "binary_cross_entropy":
        p = g.pick(lambda m: m.value.size == 0 or (m.value.min() > 0.0 and m.value.max() < 1.0))
        if p is None:
            p = g.leaf(shape, grad=True)
            step = Step(out, f"{out} = F.sigmoid({p})", f"{out} = torch.sigmoid({p})", (p,),
                        same(p))
            if not g.add(step):
                return None
            p, out = out, g.new_name()
        target = lit(g.rng.uniform(0, 1, size=g.meta(p).shape).round(2))
        wo = wt_ = ""
        return Step(out, f"{out} = F.binary_cross_entropy({p}, T({target}){wo}, "
                         f"reduction={red!r})",
                    f"{out} = TF.binary_cross_entropy({p}, torch.tensor({target}){wt_}, "
                    f"reduction={red!r})", (p,), promote(p, "DT"), tag)
    target = lit(g.rng.uniform(0, 1, size=shape).round(2))
    pos = ""
    if g.rng.random() < 0.4 and shape:
        pos = lit(g.rng.uniform(0.5, 3.0, size=shape[-1:]))
    po, pt = (f", pos_weight=T({pos})", f", pos_weight=torch.tensor({pos})") if pos else ("", "")
    return Step(out, f"{out} = F.binary_cross_entropy_with_logits({x}, T({target}){wo}, "
                     f"reduction={red!r}{po})",
                f"{out} = TF.binary_cross_entropy_with_logits({x}, torch.tensor({target}){wt_}, "
                f"reduction={red!r}{pt})", (x,), promote(x, "DT"), tag)


def _class_loss(g: Gen, name: str, red: str, out: str) -> Step | None:
    """cross_entropy / nll_loss: (C,), (N, C) or (N, C, d...) input; class indices (with
    ignore_index entries, sometimes all of them) or, for cross_entropy, probabilities."""
    x = g.pick(lambda m: 1 <= len(m.shape) <= 3 and m.shape[-1 if len(m.shape) == 1 else 1] > 0)
    if x is None:
        return None
    shape = g.meta(x).shape
    c = shape[0] if len(shape) == 1 else shape[1]
    tshape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    opts = ""
    if g.rng.random() < 0.4:
        w = lit(g.rng.uniform(0.2, 2.0, size=c))
        wo, wt_ = f", weight=T({w})", f", weight=torch.tensor({w})"
    else:
        wo = wt_ = ""
    smooth = name == "cross_entropy" and g.rng.random() < 0.4
    if smooth:
        opts += f", label_smoothing={float(g.rng.choice([0.1, 0.3, 1.0]))}"
    if name == "cross_entropy" and g.rng.random() < 0.25:
        p = g.rng.dirichlet(np.ones(c), size=int(np.prod(tshape))).reshape(tshape + (c,))
        p = np.moveaxis(p, -1, 1 if len(shape) > 1 else 0)
        return Step(out, f"{out} = F.cross_entropy({x}, T({lit(p)}){wo}, reduction={red!r}{opts})",
                    f"{out} = TF.cross_entropy({x}, torch.tensor({lit(p)}){wt_}, "
                    f"reduction={red!r}{opts})", (x,), promote(x, "DT"), frozenset({"nn"}))
    ignore = int(g.rng.choice([-100, 0, 1]))
    t = g.rng.integers(0, c, size=tshape)
    if g.rng.random() < 0.5:
        t = np.where(g.rng.random(tshape) < (0.4 if g.rng.random() < 0.7 else 1.0), ignore, t)
    opts += f", ignore_index={ignore}" if ignore != -100 or g.rng.random() < 0.5 else ""
    fn = "cross_entropy" if name == "cross_entropy" else "nll_loss"
    inp = x
    return Step(out, f"{out} = F.{fn}({inp}, {int_lit(t, 'ours')}{wo}, reduction={red!r}{opts})",
                f"{out} = TF.{fn}({inp}, {int_lit(t, 'torch')}{wt_}, reduction={red!r}{opts})",
                (x,), same(x), frozenset({"nn"}))


def draw_maxout(g: Gen) -> Step | None:
    """maxout over groups of consecutive entries (PyTorch: a reshape and max)."""
    x = g.pick(lambda m: len(m.shape) >= 1 and m.shape[-1] > 0)
    if x is None:
        return None
    n = g.meta(x).shape[-1]
    pieces = int(g.rng.choice([d for d in range(1, 5) if n % d == 0]))
    v = g.meta(x).value
    if v.size and near_tie(v.reshape(v.shape[:-1] + (n // pieces, pieces)), -1):
        return None
    out = g.new_name()
    return Step(out, f"{out} = F.maxout({x}, {pieces})",
                f"{out} = {x}.unflatten(-1, ({n // pieces}, {pieces})).max(-1).values", (x,),
                same(x), frozenset({"nn"}))


NN = [draw_activation, draw_layer, draw_loss, draw_loss, draw_maxout]


def generate(seed: int) -> Program:
    """A small program around one nn.functional call."""
    from .generate import Gen

    g = Gen(seed)
    g.target_depth = 1
    for _ in range(int(g.rng.integers(1, 3))):
        g.leaf(g.shape(), grad=True)
    for _ in range(int(g.rng.integers(0, 2))):
        step = ops.choose(g)(g)
        if step is not None:
            g.add(step)
    for _ in range(20):
        step = NN[int(g.rng.integers(0, len(NN)))](g)
        if step is not None and g.add(step):
            break
    if g.rng.random() < 0.3:
        step = ops.choose(g)(g)
        if step is not None:
            g.add(step)
    floats = [n for n, m in g.nodes.items() if m.kind == "f" and m.grad]
    loss = [(floats[-1], 0)] if floats else []
    loss += [(n, i + 1) for i, n in enumerate(floats[:-1]) if g.rng.random() < 0.3]
    return Program(g.steps, loss, seed)

