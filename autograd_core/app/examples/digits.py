"""A real data set: handwritten digits, overfitting, and Dropout as the remedy.

scikit-learn bundles 1797 8x8 images of the digits 0-9 (no download). A wide MLP (64-512-512-10)
trained on only 150 of them memorizes them: its training loss falls toward 0 while the
validation loss reaches its lowest point early and then climbs back up; the widening gap between
the two is overfitting. Dropout, which zeroes a random half of the hidden units on each step,
makes memorizing harder: the validation loss ends lower and the test accuracy is higher.

Run:  autograd-core example digits --out example-output
      (or: python -m autograd_core.app.examples.digits --out example-output)
"""

from __future__ import annotations

import time

import numpy as np

import autograd_core
from autograd_core import Tensor, nn, no_grad, optim

from ._common import parse_args, pyplot, save

TRAIN = 150  # few training images and a wide net: overfitting shows within a few dozen epochs


def split(x: np.ndarray, y: np.ndarray, seed: int = 0) -> tuple[np.ndarray, ...]:
    """Shuffle once, then TRAIN images to train on and the rest halved: validation and test."""
    idx = np.random.default_rng(seed).permutation(len(x))
    a, b = TRAIN, TRAIN + (len(x) - TRAIN) // 2
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
    try:  # small matrices: BLAS threads would mostly wait on each other (see the README)
        autograd_core.set_num_threads(1)
    except ImportError:
        pass
    try:
        x, y = nn.load_digits()
    except ImportError as e:
        print(f"skipped: {e}")
        return
    x_tr, y_tr, x_va, y_va, x_te, y_te = split(x, y)
    epochs, width = (3, 64) if args.fast else (300, 512)
    print(f"digits: {len(x_tr)} train / {len(x_va)} validation / {len(x_te)} test images, "
          f"8x8 pixels, 10 classes; MLP 64-{width}-{width}-10, Adam, {epochs} epochs")
    runs = {}
    for label, p in (("no dropout", 0.0), ("Dropout(0.5)", 0.5)):
        model = mlp(width, p)
        train = nn.DataLoader(x_tr, y_tr, batch_size=32, shuffle=True, rng=0)
        val = nn.DataLoader(x_va, y_va, batch_size=512, shuffle=False)
        t0 = time.perf_counter()
        hist = nn.fit(model, nn.F.cross_entropy, optim.Adam(model.parameters(), lr=1e-3),
                      train, epochs=epochs, val_loader=val, progress=not args.fast)
        acc = test_accuracy(model, x_te, y_te)
        runs[label] = (hist, acc)
        best = int(np.argmin(hist["val_loss"]))
        print(f"{label:<13} test accuracy {acc:.2%}; train loss {hist['loss'][-1]:.2g}, val loss "
              f"{hist['val_loss'][-1]:.4f} (lowest {hist['val_loss'][best]:.4f} at epoch "
              f"{best + 1}); {(time.perf_counter() - t0) / epochs:.2f} s/epoch")

    plt = pyplot()
    if plt is None:
        return
    fig, ((ax_loss, ax_val), (ax_acc, ax_img)) = plt.subplots(2, 2, figsize=(13, 9.5))
    ep = np.arange(1, epochs + 1)
    for (label, (hist, acc)), color in zip(runs.items(), ("tab:red", "tab:blue")):
        best = int(np.argmin(hist["val_loss"]))
        ax_loss.plot(ep, hist["loss"], color=color, ls="--", label=f"{label}: train")
        for ax in (ax_loss, ax_val):
            ax.plot(ep, hist["val_loss"], color=color, label=f"{label}: validation")
        ax_val.plot(best + 1, hist["val_loss"][best], "o", color=color, ms=7,
                    label=f"{label}: lowest at epoch {best + 1}, "
                          f"{hist['val_loss'][best]:.3f} -> {hist['val_loss'][-1]:.3f} at the end")
        ax_acc.plot(ep, hist["accuracy"], color=color, ls="--", label=f"{label}: train")
        ax_acc.plot(ep, hist["val_accuracy"], color=color,
                    label=f"{label}: validation (test {acc:.1%})")
    ax_loss.set_yscale("log")
    ax_loss.set_title("loss: the training loss falls toward 0, the validation loss does not")
    ax_loss.set_ylabel("cross-entropy (log)")
    ax_val.set_title("validation loss alone: it turns back up (overfitting)")
    ax_val.set_ylabel("cross-entropy")
    ax_val.set_ylim(0.9 * min(min(h["val_loss"]) for h, _ in runs.values()),
                    1.4 * max(h["val_loss"][-1] for h, _ in runs.values()))
    ax_acc.set_title(f"accuracy: train reaches 100% on {len(x_tr)} images, validation does not")
    ax_acc.set_ylabel("fraction correct")
    ax_acc.set_ylim(0.7, 1.01)
    for ax in (ax_loss, ax_val, ax_acc):
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    # 16 test images in a 4 x 4 block, each with its label in the white gap below it
    step = 11
    tiles = np.ones((4 * step, 4 * step))
    for k in range(16):
        r, c = divmod(k, 4)
        tiles[r * step:r * step + 8, c * step:c * step + 8] = 1 - x_te[k].reshape(8, 8)
        ax_img.text(c * step + 3.5, r * step + 8.2, f"label {y_te[k]}", ha="center", va="top",
                    fontsize=10)
    ax_img.imshow(tiles, cmap="gray", vmin=0, vmax=1)
    ax_img.set_title("test images (8 x 8 pixels)")
    ax_img.axis("off")
    fig.suptitle("Handwritten digits (scikit-learn): overfitting, and Dropout as the remedy")
    fig.tight_layout()
    save(fig, args.out, "digits.png")


if __name__ == "__main__":
    main()
