"""Training for the demo's moons stage and for `autograd-core train`.

This module (like `cli` and `demo`) sits on top of `nn` and `optim`; it imports them inside its
functions, so that importing `autograd_core` never pulls them in.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["TrainConfig", "ACTIVATIONS", "DATASETS", "INITIALIZERS", "OPTIMIZERS", "load_data",
           "build_mlp", "make_optimizer", "train_command", "model_graph_root",
           "plot_history", "plot_boundary"]

DATASETS = ("moons", "circles", "spirals", "blobs", "digits")
ACTIVATIONS = ("relu", "leaky_relu", "elu", "gelu", "selu", "silu", "tanh", "sigmoid",
               "softplus")
INITIALIZERS = ("lecun_uniform", "lecun_normal", "glorot_uniform", "glorot_normal",
                "he_uniform", "he_normal", "orthogonal")
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad")


@dataclass
class TrainConfig:
    """Everything `autograd-core train` needs to rebuild and retrain a model."""

    dataset: str = "moons"
    samples: int = 1000
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    init: str | None = None
    optimizer: str = "sgd"
    lr: float | None = None
    batch_size: int = 32
    epochs: int = 20
    seed: int = 0

    def resolved_init(self) -> str:
        """The initializer to use: He for the ReLU family, Glorot for the others."""
        if self.init:
            return self.init
        return "he_normal" if self.activation in ("relu", "leaky_relu", "elu", "gelu",
                                                  "silu") else "glorot_uniform"

    def resolved_lr(self) -> float:
        """The learning rate to use: 0.1 for SGD with momentum, 0.01 for adaptive optimizers."""
        return self.lr if self.lr is not None else (0.1 if self.optimizer == "sgd" else 0.01)


def load_data(name: str, samples: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray,
                                                                       np.ndarray, np.ndarray]:
    """A built-in data set as (x_train, y_train, x_val, y_val), 80/20 split, float32 inputs."""
    from autograd_core import nn

    rng = np.random.default_rng(seed)
    if name == "digits":
        x, y = nn.load_digits()
    elif name == "moons":
        x, y = nn.make_moons(samples, noise=0.2, seed=seed)  # overlapping: not trivially 100%
    elif name in ("circles", "spirals", "blobs"):
        x, y = getattr(nn, f"make_{name}")(samples, seed=seed)
    else:
        raise ValueError(f"load_data: unknown data set {name!r}; choose from {DATASETS}")
    x, y = np.asarray(x, dtype=np.float32), np.asarray(y).astype(np.int64).ravel()
    idx = rng.permutation(len(x))
    cut = int(0.8 * len(x))
    return x[idx[:cut]], y[idx[:cut]], x[idx[cut:]], y[idx[cut:]]


def _activation_module(name: str) -> Any:
    from autograd_core import nn

    key = name.replace("_", "").lower()
    for attr in dir(nn):
        obj = getattr(nn, attr)
        if isinstance(obj, type) and attr.lower() == key and issubclass(obj, nn.Module):
            return obj()
    raise ValueError(f"no nn module for activation {name!r}")


def build_mlp(n_in: int, hidden: tuple[int, ...], n_out: int, activation: str = "relu",
              init: str = "he_normal") -> Any:
    """An `nn.Sequential` MLP: Linear -> activation for each hidden width, then a Linear head."""
    from autograd_core import nn

    layers: list[Any] = []
    width = n_in
    for h in hidden:
        layers += [nn.Linear(width, h, init=init), _activation_module(activation)]
        width = h
    layers.append(nn.Linear(width, n_out, init="glorot_uniform"))
    return nn.Sequential(*layers)


def make_optimizer(name: str, params: Any, lr: float) -> Any:
    """The optimizer called `name` (SGD gets momentum 0.9) over `params`."""
    from autograd_core import optim

    if name == "sgd":
        return optim.SGD(params, lr=lr, momentum=0.9)
    cls = {"adam": optim.Adam, "adamw": optim.AdamW, "rmsprop": optim.RMSprop,
           "adagrad": optim.Adagrad}[name]
    return cls(params, lr=lr)


def _fit(model: Any, config: TrainConfig, data: tuple[np.ndarray, ...], progress: bool) -> Any:
    from autograd_core import nn

    x_tr, y_tr, x_va, y_va = data
    nn.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    train = nn.DataLoader(x_tr, y_tr, batch_size=config.batch_size, shuffle=True, rng=rng)
    val = nn.DataLoader(x_va, y_va, batch_size=256, shuffle=False)
    opt = make_optimizer(config.optimizer, model.parameters(), config.resolved_lr())
    history = nn.fit(model, nn.functional.cross_entropy, opt, train, epochs=config.epochs,
                     val_loader=val, metrics=("accuracy",), progress=progress)
    return history, opt


def _as_dict(history: Any) -> dict[str, list[float]]:
    """fit's History as a dict of per-epoch lists."""
    for attr in ("as_dict", "to_dict"):
        if callable(getattr(history, attr, None)):
            return getattr(history, attr)()
    return history.history if hasattr(history, "history") else dict(history)


def train_command(config: TrainConfig, checkpoint: str, progress: bool = True) -> int:
    """`autograd-core train`: train, print per-epoch metrics, save the model; returns 0."""
    _check_install()
    from autograd_core import nn

    data = load_data(config.dataset, config.samples, config.seed)
    n_classes = int(max(data[1].max(), data[3].max())) + 1
    nn.manual_seed(config.seed)
    model = build_mlp(data[0].shape[1], config.hidden, n_classes, config.activation,
                      config.resolved_init())
    print(f"{config.dataset}: {len(data[0])} train / {len(data[2])} validation samples, "
          f"{data[0].shape[1]} features, {n_classes} classes")
    print(f"model: {model}")
    print(f"optimizer: {config.optimizer}, lr {config.resolved_lr()}, batch size "
          f"{config.batch_size}, {config.epochs} epochs")
    t0 = time.perf_counter()
    history, opt = _fit(model, config, data, progress)
    h = _as_dict(history)
    print(f"{'epoch':>5} {'loss':>8} {'acc':>7} {'val_loss':>9} {'val_acc':>8}")
    for e in range(len(h["loss"])):
        print(f"{e + 1:>5} {h['loss'][e]:>8.4f} {h['accuracy'][e]:>7.3f} "
              f"{h['val_loss'][e]:>9.4f} {h['val_accuracy'][e]:>8.3f}")
    print(f"trained in {time.perf_counter() - t0:.1f} s")
    path = Path(checkpoint)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The architecture travels in the same file, so `graph --model` can rebuild the network.
    meta = {**asdict(config), "hidden": list(config.hidden), "n_in": int(data[0].shape[1]),
            "n_out": n_classes, "init": config.resolved_init(), "lr": config.resolved_lr()}
    nn.save({"model": model, "optimizer": opt, "config": meta}, path)
    print(f"saved {path} (model, optimizer state and architecture)")
    return 0


def model_graph_root(checkpoint: str) -> tuple[Any, Any]:
    """Rebuild a model saved by `train`, run one batch through it and backprop; (loss, model)."""
    from autograd_core import nn

    from .. import viz
    from ..tensor import Tensor

    ckpt = nn.load(checkpoint)
    if not isinstance(ckpt, dict) or "config" not in ckpt or "model" not in ckpt:
        raise ValueError("not a checkpoint written by 'autograd-core train' (it has no "
                         "'config' entry describing the architecture)")
    meta = ckpt["config"]
    model = build_mlp(meta["n_in"], tuple(meta["hidden"]), meta["n_out"], meta["activation"],
                      meta["init"])
    model.load_state_dict(ckpt["model"])
    x, y, _, _ = load_data(meta["dataset"], meta["samples"], meta["seed"])
    with viz.trace_modules(model):
        loss = nn.functional.cross_entropy(model(Tensor(x[:8])), y[:8])
    loss.backward(retain_graph=True)  # the drawing walks the graph again for its gradients
    return loss, model


# ---------------------------------------------------------------- demo stage 2 and plots

def plot_history(history: dict[str, list[float]], path: Path, title: str) -> None:
    """Loss (and accuracy when present) per epoch, train and validation, to a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = np.arange(1, len(history["loss"]) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, key, label in ((axes[0], "loss", "cross-entropy loss"),
                           (axes[1], "accuracy", "accuracy")):
        ax.plot(epochs, history[key], "o-", ms=3, label="train")
        if history.get("val_" + key):
            ax.plot(epochs, history["val_" + key], "s--", ms=3, label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_boundary(model: Any, x: np.ndarray, y: np.ndarray, path: Path, title: str) -> None:
    """The model's decision regions over a grid, with the data points on top, to a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..engine import no_grad
    from ..tensor import Tensor

    pad = 0.5
    xs = np.linspace(x[:, 0].min() - pad, x[:, 0].max() + pad, 200)
    ys = np.linspace(x[:, 1].min() - pad, x[:, 1].max() + pad, 200)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.c_[gx.ravel(), gy.ravel()].astype(np.float32)
    model.eval()
    with no_grad():
        logits = model(Tensor(grid)).data
    model.train()
    pred = logits.argmax(axis=1).reshape(gx.shape)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.contourf(gx, gy, pred, alpha=0.3, cmap="coolwarm", levels=[-0.5, 0.5, 1.5])
    for c, color in ((0, "tab:blue"), (1, "tab:red")):
        m = y == c
        ax.scatter(x[m, 0], x[m, 1], s=12, c=color, edgecolors="k", linewidths=0.3,
                   label=f"class {c}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title)
    ax.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _check_install() -> None:
    """Fail clearly when `nn` resolves to an empty namespace (an install older than nn/)."""
    from autograd_core import nn

    if getattr(nn, "__file__", None) is None:
        raise ImportError("the package 'nn' imports as an empty namespace: the installed "
                          "autograd-core predates nn/__init__.py; reinstall it "
                          "(pip install -e . in the checkout)")


def _missing_pieces() -> list[str]:
    """The library pieces the training stage needs that this checkout does not have yet."""
    _check_install()
    from autograd_core import nn, optim

    need = {"nn.Linear": (nn, "Linear"), "nn.Sequential": (nn, "Sequential"),
            "nn.DataLoader": (nn, "DataLoader"), "nn.fit": (nn, "fit"),
            "nn.make_moons": (nn, "make_moons"), "optim.SGD": (optim, "SGD"),
            "nn.functional.cross_entropy": (nn.functional, "cross_entropy")}
    return [name for name, (mod, attr) in need.items() if not hasattr(mod, attr)]
