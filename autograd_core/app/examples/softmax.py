"""Softmax: raw scores in, class probabilities out (the lecture's "Softmax illustration").

softmax(z)_i = exp(z_i) / sum_j exp(z_j): exponentiate so every score is positive, then divide
by the total so they sum to 1. The largest score gets the largest share, and adding a constant
to every score changes nothing (which is why it can be computed without overflow).

Run:  autograd-core example softmax --out example-output
      (or: python -m autograd_core.app.examples.softmax --out example-output)
"""

from __future__ import annotations

import numpy as np

from autograd_core import Tensor

from ._common import parse_args, pyplot, save

CLASSES = ["cat", "dog", "ship", "frog"]
SCORES = [3.2, 5.1, -1.7, 0.8]  # raw scores (logits) a classifier might output for one image


def main() -> None:
    """Print and plot softmax on one example, its gradient, and its temperature."""
    args = parse_args(__doc__.splitlines()[0], "example-output/softmax")
    z = Tensor(np.array(SCORES), requires_grad=True)
    p = z.softmax()
    e = np.exp(np.array(SCORES))
    print(f"{'class':<6} {'score':>7} {'exp(score)':>11} {'probability':>12}")
    for c, s, ex, pr in zip(CLASSES, SCORES, e, p.data):
        print(f"{c:<6} {s:>7.2f} {ex:>11.3f} {pr:>12.4f}")
    print(f"sum of probabilities = {p.data.sum():.6f}")
    shifted = Tensor(np.array(SCORES) + 1000.0).softmax().data
    print(f"scores + 1000 give the same probabilities (no overflow): "
          f"{np.allclose(shifted, p.data)}")

    # The gradient of cross-entropy with the true class "dog": d loss / d z = p - onehot(dog).
    target = CLASSES.index("dog")
    loss = -z.log_softmax()[target]
    loss.backward()
    onehot = np.eye(len(CLASSES))[target]
    print(f"cross-entropy for the true class 'dog': {loss.item():.4f}")
    print(f"d loss / d scores (engine):   {np.round(z.grad.data, 4)}")
    print(f"p - onehot(dog) (by formula): {np.round(p.data - onehot, 4)}")

    plt = pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red"]
    for ax, vals, title, fmt in ((axes[0], SCORES, "1. raw scores z (logits)", "{:.1f}"),
                                 (axes[1], e, "2. exp(z): all positive", "{:.1f}"),
                                 (axes[2], p.data, "3. exp(z) / sum exp(z): probabilities",
                                  "{:.1%}")):
        bars = ax.bar(CLASSES, vals, color=colors)
        ax.bar_label(bars, labels=[fmt.format(v) for v in vals], padding=2, fontsize=9)
        ax.set_title(title)
        ax.axhline(0, color="k", lw=0.6)
        ax.margins(y=0.15)
    axes[0].set_ylabel("score")
    axes[1].set_ylabel("exp(score)")
    axes[2].set_ylabel("probability")
    axes[2].set_ylim(0, 1)
    fig.suptitle("Softmax turns raw scores into class probabilities that sum to 1")
    fig.tight_layout()
    save(fig, args.out, "softmax.png")

    # Temperature: dividing the scores by T flattens (T > 1) or sharpens (T < 1) the distribution.
    temps = [0.5, 1.0, 2.0, 5.0]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    width = 0.8 / len(temps)
    x = np.arange(len(CLASSES))
    for i, t in enumerate(temps):
        probs = (Tensor(np.array(SCORES)) / t).softmax().data
        ax.bar(x + (i - 1.5) * width, probs, width, label=f"T = {t}")
    ax.set_xticks(x, CLASSES)
    ax.set_ylabel("probability")
    ax.set_title("softmax(z / T): higher temperature T, flatter probabilities")
    ax.legend()
    save(fig, args.out, "softmax_temperature.png")


if __name__ == "__main__":
    main()
