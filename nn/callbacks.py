"""Callbacks for `fit`: early stopping, gradient monitoring, checkpoints.

A callback overrides any of the hooks below; `fit` calls them in this order:
`on_train_begin`, then per epoch `on_epoch_begin`, `on_after_backward` (each batch, gradients
filled in, before the update) and `on_epoch_end` (with the epoch's logs); `on_train_end`.
Setting `state.stop = True` ends training after the current epoch.
"""

from __future__ import annotations

import math
import os
import re
import string
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["FitState", "Callback", "EarlyStopping", "GradientMonitor", "GradientWarning",
           "Checkpoint"]


@dataclass
class FitState:
    """What callbacks see: the objects being trained, the epoch, and a stop flag."""

    model: Any
    optimizer: Any
    loss_fn: Any
    history: Any
    epoch: int = 0
    stop: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class Callback:
    """Base class: every hook does nothing."""

    #: True when `on_after_backward` only reads the gradients: `fit(compile=True)` then calls
    #: it after the compiled step (the update does not change `.grad`). A callback that may
    #: change them keeps False, and fit refuses to compile around it.
    reads_gradients_only = False

    def on_train_begin(self, state: FitState) -> None:
        """Before the first epoch."""

    def on_epoch_begin(self, state: FitState) -> None:
        """At the start of each epoch."""

    def on_after_backward(self, state: FitState) -> None:
        """After each batch's backward pass, before the optimizer step."""

    def on_epoch_end(self, state: FitState, logs: dict[str, float]) -> None:
        """After each epoch, with its logs (loss, metrics, val_*)."""

    def on_train_end(self, state: FitState) -> None:
        """After the last epoch (or an early stop)."""


def _monitor_key(monitor: str | None, logs: dict[str, float]) -> str:
    key = monitor or ("val_loss" if "val_loss" in logs else "loss")
    if key not in logs:
        raise KeyError(f"the monitored quantity {key!r} is not in the logs {sorted(logs)}; "
                       "pass val_loader= to fit, or monitor= one of those")
    return key


def _is_max(key: str, mode: str) -> bool:
    if mode == "auto":
        return "acc" in key
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min', 'max' or 'auto', got {mode!r}")
    return mode == "max"


class EarlyStopping(Callback):
    """Stop when the monitored quantity has not improved for `patience` epochs.

    `monitor` defaults to `val_loss` (or `loss` without validation data); improving means
    changing by more than `min_delta` in the right direction (`mode` 'auto': up for accuracy,
    down otherwise). With `restore_best=True` the best epoch's weights are put back at the end.
    """

    def __init__(self, patience: int = 5, monitor: str | None = None, min_delta: float = 0.0,
                 mode: str = "auto", restore_best: bool = False) -> None:
        if patience < 0:
            raise ValueError(f"EarlyStopping: patience must be >= 0, got {patience}")
        self.patience, self.monitor, self.min_delta = patience, monitor, abs(min_delta)
        self.mode, self.restore_best = mode, restore_best

    def on_train_begin(self, state: FitState) -> None:
        """Reset the counters."""
        self.best = math.nan
        self.best_epoch = 0
        self.wait = 0
        self.stopped_epoch = 0
        self._best_weights: dict[str, np.ndarray] | None = None

    def on_epoch_end(self, state: FitState, logs: dict[str, float]) -> None:
        """Count epochs without improvement; stop after `patience` of them."""
        key = _monitor_key(self.monitor, logs)
        value = logs[key]
        sign = 1.0 if _is_max(key, self.mode) else -1.0
        if math.isnan(self.best) or sign * (value - self.best) > self.min_delta:
            self.best, self.best_epoch, self.wait = value, state.epoch, 0
            if self.restore_best:
                self._best_weights = state.model.state_dict()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = state.epoch
            state.stop = True

    def on_train_end(self, state: FitState) -> None:
        """Restore the best weights when asked to."""
        if self.restore_best and self._best_weights is not None:
            state.model.load_state_dict(self._best_weights)


class GradientWarning(RuntimeWarning):
    """A layer's gradients vanished or exploded during training."""


class GradientMonitor(Callback):
    """Per-layer gradient norms each epoch, with a warning when they vanish or explode.

    A layer's norm is ‖(all gradients of its parameters)‖₂ per batch, averaged over the
    epoch; `norms[layer]` lists one value per epoch. Below `vanish` (1e-6) the layer barely
    learns (the lecture's vanishing-gradient problem: saturated sigmoids, dead ReLUs, depth);
    above `explode` (1e3) the steps blow up (clip the gradients or lower the learning rate).
    Each (layer, problem) warns once per run; `events` keeps every occurrence.
    """

    reads_gradients_only = True

    def __init__(self, vanish: float = 1e-6, explode: float = 1e3) -> None:
        self.vanish, self.explode = vanish, explode
        self.norms: dict[str, list[float]] = {}
        self.events: list[tuple[int, str, str, float]] = []

    def __repr__(self) -> str:
        epochs = max((len(v) for v in self.norms.values()), default=0)
        return (f"GradientMonitor({len(self.norms)} layers, {epochs} epochs, "
                f"{len(self.events)} vanishing/exploding events)")

    def _repr_svg_(self) -> str | None:
        """Jupyter's picture: each layer's gradient norm per epoch, log scale, with the limits."""
        from ._svgplot import Panel, charts_svg

        if not any(self.norms.values()):
            return None
        guides = [(self.vanish, f"vanishing < {self.vanish:g}"),
                  (self.explode, f"exploding > {self.explode:g}")]
        series = {f"layer {k}" if k.isdigit() else k: v for k, v in self.norms.items()}
        return charts_svg([Panel("gradient norm per layer", series, log=True, guides=guides)])

    def on_train_begin(self, state: FitState) -> None:
        """Group the parameters by layer (the module path before the last dot)."""
        self._layers: dict[str, list[Any]] = {}
        for name, p in state.model.named_parameters():
            self._layers.setdefault(name.rpartition(".")[0] or name, []).append(p)
        self.norms = {layer: [] for layer in self._layers}
        self.events = []
        self._warned: set[tuple[str, str]] = set()

    def on_epoch_begin(self, state: FitState) -> None:
        """Start this epoch's sums."""
        self._sum = dict.fromkeys(self._layers, 0.0)
        self._count = 0

    def on_after_backward(self, state: FitState) -> None:
        """Add each layer's gradient norm for this batch."""
        for layer, ps in self._layers.items():
            sq = 0.0
            for p in ps:
                if p.grad is not None:
                    g = p.grad.data
                    sq += float(np.vdot(g, g))
            self._sum[layer] += math.sqrt(sq)
        self._count += 1

    def on_epoch_end(self, state: FitState, logs: dict[str, float]) -> None:
        """Record the epoch's mean norms and warn about vanishing or exploding layers."""
        for layer, total in self._sum.items():
            norm = total / max(self._count, 1)
            self.norms[layer].append(norm)
            if norm < self.vanish:
                kind, bound = "vanishing", f"< {self.vanish:g}"
            elif norm > self.explode or not math.isfinite(norm):
                kind, bound = "exploding", f"> {self.explode:g}"
            else:
                continue
            self.events.append((state.epoch, layer, kind, norm))
            if (layer, kind) not in self._warned:
                self._warned.add((layer, kind))
                hint = ("check for saturated activations, dead ReLUs or a too-deep stack"
                        if kind == "vanishing" else
                        "lower the learning rate or pass clip_grad_norm= to fit")
                warnings.warn(f"GradientMonitor: {kind} gradients in layer '{layer}' at epoch "
                              f"{state.epoch}: mean norm {norm:.3g} {bound}; {hint}",
                              GradientWarning, stacklevel=4)  # fit -> _fit_epochs -> here


_TEMPLATE_FIELDS = ("epoch",)
_NAME_MAX = 255  # bytes in one file name on Linux, macOS and Windows file systems
_SPEC_NUMBER_MAX = 99  # widths and precisions in a format spec: room for any epoch number


def _checked_template(path: str) -> str:
    """`path` if it formats with only the allowed fields; a ValueError naming the fault if not.

    Checked when the callback is made, so a typo fails before the first epoch trains: unknown
    or nested fields, format specs that do not format or that would make a file name longer
    than file systems allow, and a suffix whose format cannot hold a checkpoint.
    """
    try:
        parsed = list(string.Formatter().parse(path))
    except ValueError as e:  # a lone "{" or "}"
        raise ValueError(f"Checkpoint: the path template {path!r} is malformed ({e}); write "
                         "'{{' and '}}' for literal braces") from None
    allowed = ", ".join("{" + f + "}" for f in _TEMPLATE_FIELDS)
    for _, f, spec, _ in parsed:
        if f is None:
            continue
        if f not in _TEMPLATE_FIELDS:
            shown = "{" + f + "}" if f else "{}"
            raise ValueError(f"Checkpoint: the path template {path!r} has the field {shown}; "
                             f"the fields it may use are {allowed}")
        if spec and ("{" in spec or "}" in spec):
            raise ValueError(f"Checkpoint: the path template {path!r} has a field inside the "
                             f"format spec {spec!r}; write the spec out, e.g. {{epoch:03d}}")
        # before formatting: {epoch:>999999999} would build a gigabyte string
        if any(int(n) > _SPEC_NUMBER_MAX for n in re.findall(r"\d+", spec or "")):
            raise ValueError(f"Checkpoint: the path template {path!r} asks for a width or "
                             f"precision over {_SPEC_NUMBER_MAX} in {{{f}:{spec}}}")
    try:
        longest = path.format(epoch=10**9)  # the name at an epoch far beyond any real run
    except (ValueError, TypeError, OverflowError) as e:  # a bad spec: {epoch:q}, {epoch:c}
        raise ValueError(f"Checkpoint: the path template {path!r} does not format: "
                         f"{e}") from None
    for part in longest.replace(os.sep, "/").split("/"):
        if len(os.fsencode(part)) > _NAME_MAX:
            raise ValueError(f"Checkpoint: the path template {path!r} makes file or folder "
                             f"names of {len(os.fsencode(part))} bytes (such as "
                             f"{part[:40]!r}...); file systems allow {_NAME_MAX}")
    if os.path.splitext(path)[1].lower() in (".safetensors", ".pt", ".pth"):
        raise ValueError(f"Checkpoint: {path!r}: a checkpoint holds the model, optimizer, epoch "
                         "and logs, which only the .npz format holds; use an .npz path (and "
                         "nn.save(model, 'model.safetensors') to export the weights after "
                         "training)")
    return path


class Checkpoint(Callback):
    """Save the model and optimizer (see `nn.save`) after each epoch, or on improvement.

    `path` may contain `{epoch}` (e.g. "ckpt-{epoch:03d}.npz"), the only field; an unknown one
    (or a bad `mode`) is a ValueError here, and a missing folder an error when training begins,
    not after the first epoch. With `monitor` (e.g. 'val_loss') only epochs that improve it are
    saved. The file holds {"model", "optimizer", "epoch", "logs"}:
    `ckpt = nn.load(path); model.load_state_dict(ckpt["model"])`.
    """

    def __init__(self, path: str | os.PathLike[str], monitor: str | None = None,
                 mode: str = "auto", save_optimizer: bool = True) -> None:
        if mode not in ("min", "max", "auto"):
            raise ValueError(f"Checkpoint: mode must be 'min', 'max' or 'auto', got {mode!r}")
        self.path, self.monitor, self.mode = _checked_template(os.fspath(path)), monitor, mode
        self.save_optimizer = save_optimizer
        self.saved: list[str] = []

    def on_train_begin(self, state: FitState) -> None:
        """Reset the best value; check the folder exists before an epoch is spent."""
        folder = os.path.dirname(self.path.format(epoch=0)) or os.curdir
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"Checkpoint: the folder {folder!r} of {self.path!r} does "
                                    "not exist; create it before training")
        self.best = math.nan
        self.saved = []

    def on_epoch_end(self, state: FitState, logs: dict[str, float]) -> None:
        """Write the checkpoint if this epoch qualifies."""
        from .serialization import save

        if self.monitor is not None:
            value = logs[_monitor_key(self.monitor, logs)]
            sign = 1.0 if _is_max(self.monitor, self.mode) else -1.0
            if not (math.isnan(self.best) or sign * (value - self.best) > 0):
                return
            self.best = value
        path = self.path.format(epoch=state.epoch)
        content: dict[str, Any] = {"model": state.model, "epoch": state.epoch,
                                   "logs": dict(logs)}
        if self.save_optimizer:
            content["optimizer"] = state.optimizer
        save(content, path)
        self.saved.append(path)
