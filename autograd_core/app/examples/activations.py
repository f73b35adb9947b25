"""Every activation of the lecture and its derivative, computed by the engine, on one grid.

Each curve f(x) is a forward pass over a grid of x; each derivative f'(x) is the backward pass
of sum(f(x)), which puts f'(x_i) in x.grad[i]: nothing is differentiated by hand. The step
functions (unit step, sign, staircase) have zero gradient almost everywhere, so no signal flows
back through them; the straight-through estimator (ste=True) and its smooth variant
(ste="sigmoid") are surrogates that let a network with steps learn anyway.

Run:  autograd-core example activations --out example-output
      (or: python -m autograd_core.app.examples.activations --out example-output)
"""

from __future__ import annotations

import numpy as np

from autograd_core import Tensor
from autograd_core.nn import functional as F

from ._common import parse_args, pyplot, save

ACTIVATIONS = {
    "sigmoid": F.sigmoid, "tanh": F.tanh, "relu": F.relu,
    "leaky_relu (0.1)": lambda x: F.leaky_relu(x, 0.1), "elu": F.elu, "selu": F.selu,
    "gelu": F.gelu, "silu": F.silu, "softplus": F.softplus, "softsign": F.softsign,
    "hardtanh": F.hardtanh, "hard_sigmoid": F.hard_sigmoid, "log_sigmoid": F.log_sigmoid,
    "piecewise_linear (0, 1)": lambda x: F.piecewise_linear(x, 0.0, 1.0),
    "identity": F.identity, "maxout (x, -x/2 + 1/2)": None,
    "unit_step": F.unit_step, "sign": F.sign, "staircase (0.5)": lambda x: F.staircase(x, 0.5),
}
STEPS = {"unit_step": F.unit_step, "sign": F.sign,
         "staircase (0.5)": lambda x, **k: F.staircase(x, 0.5, **k)}


def value_and_grad(f, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) on a grid, by one forward and one backward pass of the engine."""
    x = Tensor(xs, requires_grad=True)
    y = f(x)
    y.sum().backward()
    return y.data, x.grad.data


def _maxout(x: Tensor) -> Tensor:
    # two affine pieces per input, laid out on a new last axis of size 2, then F.maxout
    pieces = F.maxout(_pairs(x), 2)
    return pieces.reshape(x.shape)


def _pairs(x: Tensor) -> Tensor:
    col = x.reshape(-1, 1)
    a = col * Tensor(np.array([1.0, -0.5])) + Tensor(np.array([0.0, 0.5]))
    return a


def main() -> None:
    """Print the kink conventions and plot every activation and its gradient."""
    args = parse_args(__doc__.splitlines()[0], "example-output/activations")
    ACTIVATIONS["maxout (x, -x/2 + 1/2)"] = _maxout
    # [-4, 4]: wide enough to show every kink, hard_sigmoid's at x = -3 and x = 3 included
    xs = np.linspace(-4, 4, 161 if args.fast else 801)
    print("derivatives at the kinks, as the engine computes them:")
    for name, f, at in (("relu", F.relu, 0.0), ("leaky_relu", lambda x: F.leaky_relu(x, 0.1), 0.0),
                        ("elu", F.elu, 0.0), ("hardtanh", F.hardtanh, 1.0),
                        ("unit_step", F.unit_step, 0.0), ("sign", F.sign, 0.0)):
        print(f"  {name}'({at:g}) = {value_and_grad(f, np.array([at]))[1][0]:g}")

    curves = {name: value_and_grad(f, xs) for name, f in ACTIVATIONS.items()}
    for name, (y, g) in curves.items():
        print(f"  {name:<24} f(-1) {np.interp(-1, xs, y):+.3f}  f(1) {np.interp(1, xs, y):+.3f}"
              f"  max |f'| {np.abs(g).max():.3f}")

    plt = pyplot()
    if plt is None:
        return
    cols = 5
    rows = -(-len(curves) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), sharex=True)
    for ax, (name, (y, g)) in zip(axes.ravel(), curves.items()):
        ax.plot(xs, y, lw=2, label="f(x)")
        ax.plot(xs, g, lw=1.5, ls="--", label="f'(x) (backward)")
        ax.set_title(name, fontsize=10)
        ax.axhline(0, color="k", lw=0.5)
        ax.axvline(0, color="k", lw=0.5)
        ax.set_ylim(-2.2, 4.2)
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(curves):]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("x")
    axes[0, 0].legend(fontsize=8, loc="upper left")
    fig.suptitle("Activations f(x) (solid) and their derivatives f'(x) from the backward pass "
                 "(dashed)")
    fig.tight_layout()
    save(fig, args.out, "activations.png")

    fig, axes = plt.subplots(2, 3, figsize=(12, 6), sharex=True)
    for col, (name, f) in enumerate(STEPS.items()):
        y, g0 = value_and_grad(f, xs)
        _, g1 = value_and_grad(lambda x, f=f: f(x, ste=True), xs)
        _, g2 = value_and_grad(lambda x, f=f: f(x, ste="sigmoid"), xs)
        axes[0, col].plot(xs, y, lw=2, color="tab:blue")
        axes[0, col].set_title(f"{name}: f(x)")
        axes[1, col].plot(xs, g0, lw=2.5, label="true gradient (0 a.e.)")
        axes[1, col].plot(xs, g1, lw=1.5, ls="--", label="ste=True (identity)")
        axes[1, col].plot(xs, g2, lw=1.5, label='ste="sigmoid" (smooth)')
        axes[1, col].set_title(f"{name}: gradient used by backward")
        axes[1, col].set_xlabel("x")
        for ax in axes[:, col]:
            ax.grid(alpha=0.3)
        print(f"  {name}: true grad sum {g0.sum():g}, straight-through {g1.mean():g} "
              f"per point, smooth surrogate peak {g2.max():.2f}")
    axes[1, 0].legend(fontsize=8)
    fig.suptitle("Step functions pass back no gradient; straight-through estimators are "
                 "surrogates (not the true derivative) that do")
    fig.tight_layout()
    save(fig, args.out, "activations_steps.png")


if __name__ == "__main__":
    main()
