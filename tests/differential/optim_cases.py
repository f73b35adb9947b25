"""Optimizers and schedulers in the harness: 20 steps with random hyperparameters, two
parameter groups, and a state_dict round trip in the middle (a new optimizer and scheduler
loaded from the old ones' state dicts), compared step by step with PyTorch.

A case is a script (one text per library, the same shape); it records every parameter and
every group's learning rate after each step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .compare import Mismatch, _maxerr, _scale
from .program import lit
from .runtime import prelude

STEPS = 20
RTOL = 1e-6


def _hyper(rng: np.random.Generator, name: str) -> dict[str, Any]:
    """Random hyperparameters for optimizer `name` (valid ones: both libraries accept them)."""
    def pick(*xs: Any) -> Any:
        return xs[int(rng.integers(0, len(xs)))]
    lr = pick(0.1, 0.01, 0.003, 0.05)
    wd = pick(0.0, 0.0, 0.01, 0.1)
    if name == "SGD":
        mom = pick(0.0, 0.9, 0.5)
        nesterov = bool(mom > 0 and rng.random() < 0.4)
        damp = 0.0 if nesterov else pick(0.0, 0.0, 0.3)
        return dict(lr=lr, momentum=mom, dampening=damp, weight_decay=wd, nesterov=nesterov)
    if name in ("Adam", "AdamW"):
        return dict(lr=lr, betas=(pick(0.9, 0.8, 0.5), pick(0.999, 0.99, 0.9)),
                    eps=pick(1e-8, 1e-6, 1e-3), weight_decay=wd,
                    amsgrad=bool(rng.random() < 0.3))
    if name == "RMSprop":
        return dict(lr=lr, alpha=pick(0.99, 0.9, 0.5), eps=pick(1e-8, 1e-4), weight_decay=wd,
                    momentum=pick(0.0, 0.9), centered=bool(rng.random() < 0.4))
    return dict(lr=lr, lr_decay=pick(0.0, 0.01, 0.1), weight_decay=wd,
                initial_accumulator_value=pick(0.0, 0.1), eps=pick(1e-10, 1e-6))


SCHEDULERS = {
    "StepLR": "StepLR(opt, step_size={a}, gamma=0.5)",
    "MultiStepLR": "MultiStepLR(opt, milestones=[{a}, {b}], gamma=0.3)",
    "ExponentialLR": "ExponentialLR(opt, gamma=0.9)",
    "CosineAnnealingLR": "CosineAnnealingLR(opt, T_max={b}, eta_min=0.001)",
    "LambdaLR": "LambdaLR(opt, lambda e: 1.0 / (1 + e))",
    "ReduceLROnPlateau": "ReduceLROnPlateau(opt, factor=0.5, patience={a}, threshold=0.01, "
                         "cooldown=1)",
}


@dataclass
class Script:
    """An optimizer run: the two libraries' sources, and what they record."""

    ours: str
    torch: str
    seed: int

    def results(self, lib: str) -> dict[str, Any]:
        """Run the script for `lib`; R maps "p0 3" (parameter 0 after step 3), "lr 3"..."""
        ns: dict[str, Any] = {"DT": "float64"}
        exec(prelude(lib, functions=False), ns)
        exec(self.ours if lib == "ours" else self.torch, ns)
        return ns["R"]

    def check(self) -> list[Mismatch]:
        """Every recorded value within RTOL of its scale."""
        theirs = self.results("torch")
        try:
            ours = self.results("ours")
        except Exception as e:
            return [Mismatch("optim", "-", f"autograd_core raised {type(e).__name__}: {e}")]
        out = []
        for key, b in theirs.items():
            a = ours.get(key)
            if a is None or np.shape(a) != np.shape(b):
                out.append(Mismatch("optim", key, f"{a!r} (autograd_core) vs {b!r} (PyTorch)"))
            elif not _maxerr(np.asarray(a), np.asarray(b)) <= RTOL * _scale(np.asarray(b)):
                out.append(Mismatch("optim", key, f"autograd_core {a!r}\n  PyTorch       {b!r}"))
        return out

    def reproduction(self, m: Mismatch) -> str:
        """Both scripts, cut after the first failing step, printing the failing value."""
        steps = int(m.key.split()[-1]) + 1 if m.key != "-" else STEPS
        show = "R" if m.key == "-" else f"R[{m.key!r}]"
        parts = [f"# autograd_core vs PyTorch, optimizer run: {m.key}", "DT = 'float64'"]
        for lib, label, src in (("ours", "autograd_core", self.ours),
                                ("torch", "PyTorch", self.torch)):
            parts += [f"# ---------------- {label}", prelude(lib, functions=False),
                      src.replace(f"range({STEPS})", f"range({steps})"),
                      f"print({label!r}, {show})"]
        return "\n".join(parts)


def generate(seed: int) -> Script:
    """A random optimizer (and maybe scheduler) run."""
    rng = np.random.default_rng(seed)
    name = str(rng.choice(["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]))
    hp = _hyper(rng, name)
    # A group may override any hyperparameter but these: nesterov's conditions are checked
    # only in the constructor, and Adagrad refuses a per-group initial_accumulator_value
    # (PyTorch ignores one).
    override = {k: v for k, v in _hyper(rng, name).items() if rng.random() < 0.5
                and k not in ("nesterov", "initial_accumulator_value")
                and not (name == "SGD" and k == "dampening")}
    shapes = [tuple(int(s) for s in rng.integers(1, 4, size=int(rng.integers(0, 3))))
              for _ in range(2)]
    leaves = [lit(rng.standard_normal(s)) for s in shapes]
    sched = str(rng.choice(list(SCHEDULERS) + [""] * 3))
    sched_text = SCHEDULERS[sched].format(a=int(rng.integers(1, 4)), b=int(rng.integers(4, 9))) \
        if sched else ""
    set_to_none = bool(rng.random() < 0.5)
    out = {}
    for lib in ("ours", "torch"):
        make_t = "T({})" if lib == "ours" else "torch.tensor({})"
        mod = "optim" if lib == "ours" else "torch.optim"
        lines = [f"import {'optim' if lib == 'ours' else 'torch.optim'}"]
        lines += [f"p{i} = " + make_t.format(f"{v}, requires_grad=True")
                  for i, v in enumerate(leaves)]
        lines.append(f"def make(): return {mod}.{name}([{{'params': [p0]}}, "
                     f"{{'params': [p1], **{override!r}}}], **{hp!r})")
        lines.append("opt = make()")
        if sched:
            lines.append(f"def make_sched(opt): return {mod}.lr_scheduler.{sched_text}")
            lines.append("sched = make_sched(opt)")
        lines += ["R = {}", f"for i in range({STEPS}):",
                  f"    opt.zero_grad(set_to_none={set_to_none})",
                  "    loss = (p0.tanh() * wt(p0, 1)).sum() + 0.1 * ((p1 * wt(p1, 2)).sum()) ** 2",
                  "    loss.backward()", "    opt.step()"]
        if sched == "ReduceLROnPlateau":
            lines.append("    sched.step(float(loss))")
        elif sched:
            lines.append("    sched.step()")
        lines += ["    if i == 9:", "        sd = opt.state_dict()", "        opt = make()",
                  "        opt.load_state_dict(sd)"]
        if sched:
            lines += ["        ssd = sched.state_dict()", "        sched = make_sched(opt)",
                      "        sched.load_state_dict(ssd)"]
        lines += ["    R[f'p0 {i}'], R[f'p1 {i}'] = val(p0), val(p1)",
                  "    R[f'lr {i}'] = np.array([g['lr'] for g in opt.param_groups])"]
        out[lib] = "\n".join(lines)
    return Script(out["ours"], out["torch"], seed)
