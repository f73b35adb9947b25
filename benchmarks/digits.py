"""Handwritten digits with SGD+momentum and with Adam: the accuracy each reaches, time per epoch.

    python -m benchmarks.digits [--seeds 3] [--epochs 30]

scikit-learn's bundled 8x8 digits (the `datasets` extra), an 80/20 split, an MLP 64-64-10 with
ReLU and He init, batch 32, cross-entropy. Prints final validation accuracy per seed and the
median time per epoch. The README's digits numbers come from this script.
"""

from __future__ import annotations

import argparse
import statistics
import time

from autograd_core import nn, optim

OPTIMIZERS = {
    "SGD (lr 0.1, momentum 0.9)": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
    "Adam (lr 1e-3)": lambda ps: optim.Adam(ps, lr=1e-3),
}


def run(make_opt: object, seed: int, epochs: int) -> tuple[float, float]:
    """Train once; return (final validation accuracy, median seconds per epoch)."""
    nn.manual_seed(seed)
    x, y = nn.load_digits()
    train, val = nn.random_split(nn.TensorDataset(x, y), [0.8, 0.2])
    model = nn.Sequential(nn.Linear(64, 64, init="he_normal"), nn.ReLU(),
                          nn.Linear(64, 10, init="he_normal"))
    opt = make_opt(model.parameters())  # type: ignore[operator]
    loader = nn.DataLoader(*train.arrays, batch_size=32, shuffle=True)
    val_loader = nn.DataLoader(*val.arrays, batch_size=512, shuffle=False)
    times = []
    history = None
    for _ in range(epochs):
        t0 = time.perf_counter()
        history = nn.fit(model, nn.functional.cross_entropy, opt, loader, epochs=1,
                         val_loader=val_loader, progress=False)
        times.append(time.perf_counter() - t0)
    assert history is not None
    return history.as_dict()["val_accuracy"][-1], statistics.median(times)


def main() -> None:
    """Print one line per optimizer: accuracy per seed and the median epoch time."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=30)
    args = ap.parse_args()
    for name, make in OPTIMIZERS.items():
        results = [run(make, seed, args.epochs) for seed in range(args.seeds)]
        accs = ", ".join(f"{a:.1%}" for a, _ in results)
        ms = statistics.median(t for _, t in results) * 1e3
        print(f"{name:28s} validation accuracy {accs}; {ms:.1f} ms per epoch")


if __name__ == "__main__":
    main()
