"""The four steps of training and the five of minibatch SGD: a plain loop, then `fit`.

Training (full-batch gradient descent), repeated:
  1. forward: predictions = model(x)      2. loss = L(predictions, y)
  3. backward: loss.backward() fills every parameter's .grad
  4. update: w <- w - lr * dL/dw
Minibatch SGD, per epoch: 1. shuffle and draw a batch of 32, then 2. forward, 3. loss,
4. backward, 5. update on that batch only. Many cheap, noisy steps instead of one exact one.
`nn.fit` is the same loop, written once, with a progress bar and metrics.

Run:  autograd-core example training_steps --out example-output
      (or: python -m autograd_core.app.examples.training_steps --out example-output)
"""

from __future__ import annotations

import time

import numpy as np

from autograd_core import Tensor, nn, no_grad, optim

from ._common import parse_args, pyplot, save


def make_model(seed: int = 0) -> nn.Module:
    """The same small MLP for every loop, from the same seed."""
    nn.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 16, init="he_normal"), nn.ReLU(),
                         nn.Linear(16, 16, init="he_normal"), nn.ReLU(), nn.Linear(16, 2))


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    """Fraction of points whose largest logit is the true class."""
    with no_grad():
        return float((model(Tensor(x)).data.argmax(axis=1) == y).mean())


def main() -> None:
    """Train the same MLP three ways and plot their losses."""
    args = parse_args(__doc__.splitlines()[0], "example-output/training_steps")
    epochs = 5 if args.fast else 40
    x, y = nn.make_moons(200 if args.fast else 1000, noise=0.2, seed=0)
    x = x.astype(np.float32)
    lr = 0.1

    # ---- 1. full-batch gradient descent, the four steps written out
    model = make_model()
    gd_loss = []
    for _epoch in range(epochs):
        logits = model(Tensor(x))                        # 1. forward
        loss = nn.F.cross_entropy(logits, y)             # 2. loss
        model.zero_grad()
        loss.backward()                                  # 3. backward
        for p in model.parameters():                     # 4. update
            p.data = p.data - lr * p.grad.data
        gd_loss.append(loss.item())
    print(f"full-batch GD:  {epochs} updates, loss {gd_loss[0]:.3f} -> {gd_loss[-1]:.3f}, "
          f"accuracy {accuracy(model, x, y):.3f}")

    # ---- 2. minibatch SGD, the five steps written out
    model = make_model()
    opt = optim.SGD(model.parameters(), lr=lr)
    rng = np.random.default_rng(0)
    sgd_loss, sgd_epoch_loss, steps = [], [], 0
    for _epoch in range(epochs):
        order = rng.permutation(len(x))                  # 1. shuffle, then draw batches
        total = 0.0
        for start in range(0, len(x), 32):
            idx = order[start:start + 32]
            logits = model(Tensor(x[idx]))               # 2. forward
            loss = nn.F.cross_entropy(logits, y[idx])    # 3. loss
            opt.zero_grad()
            loss.backward()                              # 4. backward
            opt.step()                                   # 5. update
            sgd_loss.append(loss.item())
            total += loss.item() * len(idx)
            steps += 1
        sgd_epoch_loss.append(total / len(x))
    print(f"minibatch SGD:  {steps} updates ({steps // epochs} per epoch), loss "
          f"{sgd_epoch_loss[0]:.3f} -> {sgd_epoch_loss[-1]:.3f}, "
          f"accuracy {accuracy(model, x, y):.3f}")

    # ---- 3. the same with nn.fit and a DataLoader
    model = make_model()
    loader = nn.DataLoader(x, y, batch_size=32, shuffle=True, rng=0)
    t0 = time.perf_counter()
    history = nn.fit(model, nn.F.cross_entropy, optim.SGD(model.parameters(), lr=lr), loader,
                     epochs=epochs, progress=not args.fast)
    print(f"nn.fit:         loss {history['loss'][0]:.3f} -> {history['loss'][-1]:.3f}, "
          f"accuracy {history['accuracy'][-1]:.3f} ({time.perf_counter() - t0:.1f} s)")

    plt = pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    ep = np.arange(1, epochs + 1)
    per_epoch = len(sgd_loss) / epochs
    axes[0].plot(np.arange(1, len(sgd_loss) + 1) / per_epoch, sgd_loss, lw=0.8, alpha=0.6,
                 color="tab:orange", label="minibatch SGD: loss of each batch")
    axes[0].plot(ep, gd_loss, "o-", ms=3, color="tab:blue",
                 label="full-batch GD: one update per epoch")
    axes[0].set_title("Per update: minibatches are noisy but make many more updates")
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("cross-entropy loss")
    axes[1].plot(ep, gd_loss, "o-", ms=3, label="full-batch GD (plain loop)")
    axes[1].plot(ep, sgd_epoch_loss, "s-", ms=3, label="minibatch SGD (plain loop)")
    axes[1].plot(ep, history["loss"], "x--", ms=5, label="minibatch SGD (nn.fit)")
    axes[1].set_title("Per epoch: same data, same number of passes")
    axes[1].set_xlabel("epoch")
    axes[1].set_ylabel("mean loss over the epoch")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(f"Two moons, MLP 2-16-16-2, learning rate {lr}, batch size 32")
    fig.tight_layout()
    save(fig, args.out, "training_steps.png")


if __name__ == "__main__":
    main()
