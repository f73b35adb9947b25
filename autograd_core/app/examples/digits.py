"""A real data set: handwritten digits to 97%+ test accuracy, overfitting and Dropout.

scikit-learn bundles 1797 8x8 images of the digits 0-9 (no download). A wide MLP memorizes
the ~1000 training images: its training loss keeps falling toward 0 while the validation loss
stops improving and creeps back up; the widening gap is overfitting. Dropout, which zeroes a
random half of the hidden units on each step, stops the memorizing: train and validation loss
stay together and the validation loss ends lower.

Run:  autograd-core example digits --out example-output
      (or: python -m autograd_core.app.examples.digits --out example-output)
"""

from __future__ import annotations

import time

import numpy as np

import nn
import optim
from autograd_core import Tensor, no_grad

from ._common import parse_args, pyplot, save


def split(x: np.ndarray, y: np.ndarray, seed: int = 0) -> tuple[np.ndarray, ...]:
    """Shuffle once, then 60% train, 20% validation, 20% test."""
    idx = np.random.default_rng(seed).permutation(len(x))
    a, b = int(0.6 * len(x)), int(0.8 * len(x))
    return x[idx[:a]], y[idx[:a]], x[idx[a:b]], y[idx[a:b]], x[idx[b:]], y[idx[b:]]


def mlp(width: int, dropout: float) -> nn.Sequential:
    """64 -> width -> width -> 10 with ReLU, and Dropout after each hidden layer if asked."""
    nn.manual_seed(0)
    layers: list[nn.Module] = []
    n_in = 64
    for _ in range(2):
        layers += [nn.Linear(n_in, width, init="he_normal"), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        n_in = width
    layers.append(nn.Linear(n_in, 10))
    return nn.Sequential(*layers)


def test_accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    """Accuracy in eval mode (Dropout off)."""
    model.eval()
    with no_grad():
        acc = float((model(Tensor(x)).data.argmax(axis=1) == y).mean())
    model.train()
    return acc


def main() -> None:
    """Train without and with Dropout, print the accuracies and plot the curves."""
    args = parse_args(__doc__.splitlines()[0], "example-output/digits")
    try:
        x, y = nn.load_digits()
    except ImportError as e:
        print(f"skipped: {e}")
        return
    x_tr, y_tr, x_va, y_va, x_te, y_te = split(x, y)
    epochs, width = (3, 64) if args.fast else (40, 256)
    print(f"digits: {len(x_tr)} train / {len(x_va)} validation / {len(x_te)} test images, "
          f"8x8 pixels, 10 classes; MLP 64-{width}-{width}-10, Adam, {epochs} epochs")
    runs = {}
    for label, p in (("no dropout", 0.0), ("Dropout(0.5)", 0.5)):
        model = mlp(width, p)
        train = nn.DataLoader(x_tr, y_tr, batch_size=32, rng=0)
        val = nn.DataLoader(x_va, y_va, batch_size=256, shuffle=False)
        t0 = time.perf_counter()
        hist = nn.fit(model, nn.F.cross_entropy, optim.Adam(model.parameters(), lr=1e-3),
                      train, epochs=epochs, val_loader=val, progress=not args.fast)
        acc = test_accuracy(model, x_te, y_te)
        runs[label] = (hist, acc)
        best = int(np.argmin(hist["val_loss"]))
        print(f"{label:<13} test accuracy {acc:.2%}; train loss {hist['loss'][-1]:.4f}, val loss "
              f"{hist['val_loss'][-1]:.4f} (lowest {hist['val_loss'][best]:.4f} at epoch "
              f"{best + 1}); {(time.perf_counter() - t0) / epochs:.2f} s/epoch")

    plt = pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
    ep = np.arange(1, epochs + 1)
    for (label, (hist, acc)), color in zip(runs.items(), ("tab:red", "tab:blue")):
        axes[0].plot(ep, hist["loss"], color=color, ls="--", label=f"{label}: train")
        axes[0].plot(ep, hist["val_loss"], color=color, label=f"{label}: validation")
        axes[1].plot(ep, hist["accuracy"], color=color, ls="--", label=f"{label}: train")
        axes[1].plot(ep, hist["val_accuracy"], color=color,
                     label=f"{label}: validation (test {acc:.1%})")
    axes[0].set_yscale("log")
    axes[0].set_title("loss: without dropout, train -> 0 and the gap grows")
    axes[0].set_ylabel("cross-entropy (log)")
    axes[1].set_title("accuracy")
    axes[1].set_ylabel("fraction correct")
    axes[1].set_ylim(0.85, 1.005)
    for ax in axes[:2]:
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    shown = x_te[:8].reshape(-1, 8, 8)
    axes[2].imshow(np.concatenate(list(shown), axis=1), cmap="gray_r")
    axes[2].set_title(f"test images, labels {' '.join(str(v) for v in y_te[:8])}")
    axes[2].axis("off")
    fig.suptitle("Handwritten digits (scikit-learn): overfitting, and Dropout as the remedy")
    fig.tight_layout()
    save(fig, args.out, "digits.png")


if __name__ == "__main__":
    main()
