"""Vanishing and exploding gradients: a deep sigmoid net vs ReLU + He init, then clipping.

Backprop multiplies one local derivative per layer. sigmoid'(z) is at most 0.25, so through
8 sigmoid layers the gradient reaching the first layer shrinks by 0.25^8 or more: the early
layers barely learn. ReLU passes a gradient of exactly 1 where it is active, and He init keeps
the signal's spread constant, so every layer gets a useful gradient. The opposite failure,
exploding gradients (weights too large), turns the loss into NaN within a few steps. Clipping the
gradient norm keeps every step finite, but the network still starts far from anything useful and
learns slowly; a sensible initialization (He) is the cure, and clipping the safety net.

Run:  autograd-core example vanishing_gradients --out example-output
      (or: python -m autograd_core.app.examples.vanishing_gradients --out example-output)
"""

from __future__ import annotations

import numpy as np

from autograd_core import Tensor, nn, optim

from ._common import draw, parse_args, pyplot, save

DEPTH, WIDTH = 8, 32


def deep_net(act: str, init: object, seed: int = 0) -> nn.Sequential:
    """DEPTH hidden layers of WIDTH units with the given activation and initializer."""
    nn.manual_seed(seed)
    layers: list[nn.Module] = []
    width = 2
    for _ in range(DEPTH):
        layers += [nn.Linear(width, WIDTH, init=init), nn.Sigmoid() if act == "sigmoid"
                   else nn.ReLU()]
        width = WIDTH
    layers.append(nn.Linear(width, 2, init="glorot_uniform"))
    return nn.Sequential(*layers)


def train_monitored(model: nn.Sequential, x: np.ndarray, y: np.ndarray, epochs: int
                    ) -> tuple[dict[str, list[float]], list[float]]:
    """Train with SGD and a GradientMonitor; per-layer gradient norms and the loss per epoch."""
    monitor = nn.GradientMonitor()
    loader = nn.DataLoader(x, y, batch_size=32, shuffle=True, rng=0)
    hist = nn.fit(model, nn.F.cross_entropy, optim.SGD(model.parameters(), lr=0.05,
                                                       momentum=0.9),
                  loader, epochs=epochs, callbacks=[monitor], progress=False)
    linear = {k: v for k, v in monitor.norms.items() if isinstance(model[int(k)], nn.Linear)}
    return linear, hist["loss"]


def exploding(x: np.ndarray, y: np.ndarray, steps: int, clip: float | None,
              init: object = None) -> tuple[list[float], list[float]]:
    """A ReLU net, N(0, 1) weights unless `init` says otherwise: gradient norm (before
    clipping) and loss per step of SGD with lr 0.01."""
    model = deep_net("relu", init or (lambda t: nn.init.normal_(t, std=1.0)))
    opt = optim.SGD(model.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    norms, losses = [], []
    for _ in range(steps):
        idx = rng.choice(len(x), 32, replace=False)
        loss = nn.F.cross_entropy(model(Tensor(x[idx])), y[idx])
        opt.zero_grad()
        loss.backward()
        total = nn.utils.clip_grad_norm_(model.parameters(), clip if clip else float("inf"))
        opt.step()
        norms.append(total)
        losses.append(loss.item())
        if not np.isfinite(loss.item()):
            break
    return norms, losses


def main() -> None:
    """Train both nets, print and plot per-layer gradient norms, draw the heat graph, clip."""
    args = parse_args(__doc__.splitlines()[0], "example-output/vanishing_gradients")
    epochs = 3 if args.fast else 15
    x, y = nn.make_moons(300 if args.fast else 1000, noise=0.2, seed=0)
    x = x.astype(np.float32)

    results = {}
    for label, act, init in (("sigmoid, Glorot init", "sigmoid", "glorot_uniform"),
                             ("ReLU, He init", "relu", "he_normal")):
        model = deep_net(act, init)
        norms, loss = train_monitored(model, x, y, epochs)
        results[label] = (model, norms, loss)
        first, last = next(iter(norms.values())), list(norms.values())[-1]
        print(f"{label:<22} final loss {loss[-1]:.3f}; gradient norm, first layer "
              f"{first[-1]:.2e} vs last layer {last[-1]:.2e} (ratio {first[-1] / last[-1]:.1e})")

    model = results["sigmoid, Glorot init"][0]
    from autograd_core.viz import trace_modules

    with trace_modules(model):
        loss = nn.F.cross_entropy(model(Tensor(x[:8])), y[:8])
    loss.backward(retain_graph=True)  # keep the graph: the drawing computes every gradient
    draw(loss, args.out, "vanishing_heat", model=model, heat=True, collapse=True)

    steps = 30 if args.fast else 200
    with np.errstate(over="ignore", invalid="ignore"):  # the unclipped run overflows: the point
        raw_norms, raw_loss = exploding(x, y, steps, clip=None)
    clip_norms, clip_loss = exploding(x, y, steps, clip=1.0)
    he_norms, he_loss = exploding(x, y, steps, clip=1.0, init="he_normal")
    tail = max(1, steps // 10)  # minibatch losses are noisy: compare the means of the last 10%
    clip_end, he_end = float(np.mean(clip_loss[-tail:])), float(np.mean(he_loss[-tail:]))
    print(f"exploding (ReLU, N(0,1) weights): first gradient norm {raw_norms[0]:.2e}; without "
          f"clipping the loss is {raw_loss[-1]:.3g} after {len(raw_loss)} steps; with "
          f"clip_grad_norm_(1.0) it stays finite, {clip_loss[0]:.3g} -> {clip_end:.3g} "
          f"(mean of the last {tail} steps); He init with the same clipping: "
          f"{he_loss[0]:.3g} -> {he_end:.3g}")

    plt = pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4))
    cmap = plt.get_cmap("viridis")
    for ax, (label, (_, norms, _)) in zip(axes[:2], results.items()):
        for i, (_layer, series) in enumerate(norms.items()):
            ax.semilogy(range(1, epochs + 1), series, "o-", ms=3,
                        color=cmap(i / max(1, len(norms) - 1)),
                        label=("Linear 1 (input side)" if i == 0 else f"Linear {i + 1} (output)")
                        if i in (0, len(norms) - 1) else None)
        ax.set_title(f"{label}: gradient norm per layer")
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_ylabel("mean ‖dL/dW‖ per batch (log)")
    lo = min(min(min(s) for s in r[1].values()) for r in results.values())
    hi = max(max(max(s) for s in r[1].values()) for r in results.values())
    for ax in axes[:2]:
        ax.set_ylim(lo / 2, hi * 2)
    for label, (_, _, loss) in results.items():
        axes[2].plot(range(1, epochs + 1), loss, "o-", ms=3, label=label)
    axes[2].set_title("training loss")
    axes[2].set_xlabel("epoch")
    axes[2].set_ylabel("cross-entropy")
    axes[2].grid(alpha=0.3)
    axes[2].legend()
    fig.suptitle(f"{DEPTH} hidden layers of {WIDTH}: sigmoid gradients vanish toward the input; "
                 "ReLU + He keeps them alive")
    fig.tight_layout()
    save(fig, args.out, "vanishing_gradients.png")

    fig, axes = plt.subplots(1, 2, figsize=(13, 4.4))
    runs = (("N(0, 1) weights, no clipping", raw_norms, raw_loss, "tab:red"),
            ("N(0, 1) weights, clip_grad_norm_(max_norm=1)", clip_norms, clip_loss, "tab:orange"),
            ("He init, clip_grad_norm_(max_norm=1)", he_norms, he_loss, "tab:blue"))
    for label, norms, losses, color in runs:
        axes[0].semilogy(norms, color=color, label=label)
        axes[1].semilogy(losses, color=color, label=label)
        if len(losses) < steps:  # the run stopped: mark where the loss became NaN
            axes[1].plot(len(losses) - 1, np.nanmax(losses), "x", color=color, ms=9)
    axes[0].axhline(1.0, color="k", ls=":", lw=1, label="max_norm = 1")
    axes[0].set_title("gradient norm, before clipping")
    axes[0].set_ylabel("‖g‖ (log)")
    axes[1].set_title(f"loss: clipped N(0, 1) ends near {clip_end:.3g}, He init near {he_end:.2g}")
    axes[1].set_ylabel("cross-entropy (log)")
    for ax in axes:
        ax.set_xlabel("SGD step (lr 0.01, batch 32)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"Exploding gradients: unclipped, the loss is NaN after {len(raw_loss)} steps; "
                 "clipping keeps it finite but learns slowly; the cure is the initialization")
    fig.tight_layout()
    save(fig, args.out, "gradient_clipping.png")


if __name__ == "__main__":
    main()
