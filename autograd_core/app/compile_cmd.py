"""`autograd-core compile`: record an MLP's training step and print its replay, or time it.

The step is the lecture's (forward, cross-entropy, zero_grad, backward, optimizer step) on a
random minibatch; `--show` prints the numpy program a compiled step replays (`step.source`),
without it the command times eager steps against compiled ones.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np


def build_step(inputs: int, hidden: tuple[int, ...], classes: int, activation: str,
               optimizer: str, batch: int, seed: int, weights: Any = None,
               lr: float | None = None) -> tuple[tuple[Any, Any], tuple[Any, Any],
                                                 tuple[Any, Any]]:
    """((eager step, its model), (compiled step, its model), (x, y)): one training step on
    twin models (loaded with `weights`, a state dict, when given)."""
    from autograd_core import nn

    from .. import compile as compile_step
    from ..tensor import Tensor
    from .demo_train import build_mlp, make_optimizer

    rng = np.random.default_rng(seed)
    x = Tensor(rng.normal(size=(batch, inputs)).astype(np.float32), name="x")
    y = rng.integers(0, classes, batch)

    def make() -> tuple[Any, Any]:
        nn.manual_seed(seed)
        init = "he_normal" if activation in ("relu", "leaky_relu", "elu", "gelu", "silu") \
            else "glorot_uniform"
        model = build_mlp(inputs, hidden, classes, activation, init)
        if weights is not None:
            model.load_state_dict(weights)
        opt = make_optimizer(optimizer, model.parameters(),
                             lr if lr is not None else (0.1 if optimizer == "sgd" else 0.01))

        def train_step(x: Any, y: Any) -> Any:
            loss = nn.functional.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        return train_step, model

    eager, compiled = make(), make()
    return eager, (compile_step(compiled[0]), compiled[1]), (x, y)


def from_checkpoint(path: str) -> dict[str, Any]:
    """build_step's arguments for the model in a checkpoint written by `autograd-core train`."""
    from autograd_core import nn

    ckpt = nn.load(path)
    if not isinstance(ckpt, dict) or "config" not in ckpt or "model" not in ckpt:
        raise ValueError("not a checkpoint written by 'autograd-core train' (it has no "
                         "'config' entry describing the architecture)")
    meta = ckpt["config"]
    return dict(inputs=int(meta["n_in"]), hidden=tuple(meta["hidden"]),
                classes=int(meta["n_out"]), activation=meta["activation"],
                optimizer=meta["optimizer"], batch=int(meta["batch_size"]),
                weights=ckpt["model"], lr=float(meta["lr"]))


def compile_command(show: bool, steps: int, seed: int, **model: Any) -> int:
    """Print the replay's source (`show`) or the time of eager and compiled steps;
    `model` holds build_step's arguments."""
    (eager, m1), (step, m2), (x, y) = build_step(seed=seed, **model)
    inputs, hidden, classes = model["inputs"], model["hidden"], model["classes"]
    batch, optimizer = model["batch"], model["optimizer"]
    # The first call records; the optimizer's state it creates makes the second record again.
    step(x, y)
    step(x, y)
    if show:
        print(step.source, end="")
        return 0
    eager(x, y)
    eager(x, y)
    times = {}
    for name, fn in (("eager", eager), ("compiled", step)):
        t0 = time.perf_counter()
        for _ in range(steps):
            fn(x, y)
        times[name] = (time.perf_counter() - t0) / steps * 1e6
    same = all(np.array_equal(a.data, b.data) for a, b in zip(m1.parameters(),
                                                              m2.parameters()))
    sizes = "-".join(map(str, (inputs, *hidden, classes)))
    print(f"MLP {sizes}, batch {batch}, {optimizer}: eager {times['eager']:.0f} us/step, "
          f"compiled {times['compiled']:.0f} us/step "
          f"({times['eager'] / times['compiled']:.1f}x); the weights after {steps + 2} steps "
          f"are {'the same, bit for bit' if same else 'DIFFERENT'}")
    print("(add --show to print the numpy program the compiled step replays)")
    return 0 if same else 1
