"""Initializers: each one's weight histogram, and why Glorot and He exist.

A layer's output variance is fan_in * Var(w) * Var(input) (times a factor for the activation).
Too small a Var(w) and the signal shrinks layer after layer; too large and it blows up. LeCun
(1/fan_in), Glorot (2/(fan_in + fan_out), for tanh) and He (2/fan_in, for ReLU, which zeroes
half its inputs) pick Var(w) so the spread stays the same through a 10-layer net.

Run:  autograd-core example initializers --out example-output
      (or: python -m autograd_core.app.examples.initializers --out example-output)
"""

from __future__ import annotations

import math

import numpy as np

from autograd_core import Tensor, nn

from ._common import parse_args, pyplot, save

HIST_INITS = ["lecun_uniform", "lecun_normal", "glorot_uniform", "glorot_normal",
              "he_uniform", "he_normal"]
# For the deep net: two naive fixed scales and the principled ones.
DEEP_INITS = {
    "normal(std=0.01)": lambda t: nn.init.normal_(t, std=0.01),
    "normal(std=1)": lambda t: nn.init.normal_(t, std=1.0),
    "glorot_normal": "glorot_normal",
    "he_normal": "he_normal",
}


def expected_std(name: str, fan_in: int, fan_out: int) -> float:
    """The standard deviation each initializer aims for (the formulas from the lecture)."""
    var = {"lecun": 1 / fan_in, "glorot": 2 / (fan_in + fan_out), "he": 2 / fan_in}
    return math.sqrt(var[name.split("_")[0]])


def deep_spread(init: object, act: str, depth: int, width: int, batch: int,
                seed: int = 0) -> tuple[list[float], list[float]]:
    """Std of each layer's activations (forward) and of its pre-activation gradients (backward)."""
    nn.manual_seed(seed)
    rng = np.random.default_rng(seed)
    layers = [nn.Linear(width, width, init=init) for _ in range(depth)]
    h = Tensor(rng.standard_normal((batch, width)).astype(np.float32))
    pre, acts = [], []
    for layer in layers:
        z = layer(h)
        z.retain_grad()
        h = z.tanh() if act == "tanh" else z.relu()
        pre.append(z)
        acts.append(float(h.data.std()))
    # A random upstream gradient stands in for a loss, so only the layers shape it.
    (h * Tensor(rng.standard_normal(h.shape).astype(np.float32))).sum().backward()
    grads = [float(z.grad.data.std()) for z in pre]
    return acts, grads


def main() -> None:
    """Print and plot the histograms and the layer-by-layer spreads."""
    args = parse_args(__doc__.splitlines()[0], "example-output/initializers")
    fan_in, fan_out = (64, 32) if args.fast else (256, 128)
    depth, width, batch = 10, (64 if args.fast else 256), (64 if args.fast else 512)
    nn.manual_seed(0)
    samples = {}
    print(f"weights of a Linear({fan_in} -> {fan_out}) layer:")
    for name in HIST_INITS:
        w = nn.Linear(fan_in, fan_out, init=name).weight.data
        samples[name] = w.ravel()
        print(f"  {name:<15} std {w.std():.4f} (formula {expected_std(name, fan_in, fan_out):.4f})"
              f", range [{w.min():+.3f}, {w.max():+.3f}]")

    spreads = {}
    for act in ("tanh", "relu"):
        print(f"{depth}-layer {act} net, width {width}: std of activations / of gradients by layer")
        for label, init in DEEP_INITS.items():
            a, g = deep_spread(init, act, depth, width, batch)
            spreads[act, label] = (a, g)
            print(f"  {label:<17} act: {a[0]:.2e} -> {a[-1]:.2e}   grad: layer 1 {g[0]:.2e}, "
                  f"layer {depth} {g[-1]:.2e}")

    plt = pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(2, 3, figsize=(12, 6), sharex=True)
    lim = max(np.abs(s).max() for s in samples.values())
    for ax, name in zip(axes.ravel(), HIST_INITS):
        ax.hist(samples[name], bins=60, range=(-lim, lim), color="tab:blue", alpha=0.8,
                density=True)
        std = expected_std(name, fan_in, fan_out)
        ax.set_title(f"{name}\nstd {samples[name].std():.3f} (formula {std:.3f})", fontsize=10)
        ax.axvline(-std, color="tab:red", ls="--", lw=1, label="±formula std")
        ax.axvline(std, color="tab:red", ls="--", lw=1)
    for ax in axes[1]:
        ax.set_xlabel("weight value")
    for ax in axes[:, 0]:
        ax.set_ylabel("density")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"Initializer weight histograms, Linear({fan_in} -> {fan_out}): "
                 "LeCun 1/fan_in, Glorot 2/(fan_in+fan_out), He 2/fan_in")
    fig.tight_layout()
    save(fig, args.out, "init_histograms.png")

    fig, axes = plt.subplots(2, 2, figsize=(12, 7.5), sharex=True)
    layers = np.arange(1, depth + 1)
    for col, act in enumerate(("tanh", "relu")):
        for label in DEEP_INITS:
            a, g = spreads[act, label]
            axes[0, col].semilogy(layers, np.maximum(a, 1e-30), "o-", label=label)
            axes[1, col].semilogy(layers, np.maximum(g, 1e-30), "o-", label=label)
        axes[0, col].set_title(f"{act}: std of activations (forward)")
        axes[1, col].set_title(f"{act}: std of gradients dL/dz (backward)")
        axes[1, col].set_xlabel("layer")
        for ax in axes[:, col]:
            ax.grid(alpha=0.3)
            ax.set_xticks(layers)
    axes[0, 0].set_ylabel("std (log scale)")
    axes[1, 0].set_ylabel("std (log scale)")
    axes[0, 0].legend(fontsize=9)
    fig.suptitle(f"{depth}-layer net, width {width}: a fixed std of 0.01 vanishes, 1 explodes or "
                 "saturates;\nGlorot and He scale by fan-in and keep the spread near 1 (He is the "
                 "flat one for ReLU)")
    fig.tight_layout()
    save(fig, args.out, "init_depth.png")


if __name__ == "__main__":
    main()
