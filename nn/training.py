"""`fit`: the lecture's training loop, written out once; `History`; `evaluate`.

One epoch is one pass over the training data in minibatches; each minibatch is five steps:

    for xb, yb in train_loader:          # 1. draw a minibatch
        out = model(xb)                  # 2. forward pass
        loss = loss_fn(out, yb)          # 3. loss
        optimizer.zero_grad()
        loss.backward()                  # 4. backward pass: every parameter's gradient
        optimizer.step()                 # 5. update: one gradient step

`fit` is exactly that loop plus bookkeeping (running loss and metrics, validation, a tqdm bar,
callbacks, a scheduler). Nothing is hidden in it: the loop above, written by hand, trains the
same model. Callbacks live in `nn/callbacks.py`.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from autograd_core import Node, keep_skeleton, no_grad

from .callbacks import (
    Callback,
    Checkpoint,
    EarlyStopping,
    FitState,
    GradientMonitor,
    GradientWarning,
)
from .utils import _clip_grad_norm_2, clip_grad_norm_

__all__ = ["fit", "evaluate", "History", "accuracy", "Callback", "EarlyStopping",
           "GradientMonitor", "GradientWarning", "Checkpoint", "FitState"]

Metric = Callable[[np.ndarray, np.ndarray], float]


# ---------------------------------------------------------------- metrics

def accuracy(out: Any, y: Any) -> float:
    """Fraction of correct predictions.

    Several output columns: the arg-max class is compared with integer labels (or with the
    arg-max of one-hot targets). One output column: a score threshold at 0, so the model
    should output logits (or tanh scores); labels in {0, 1}, or in {-1, +1} (the lecture's
    hinge-loss convention, predicted by the sign).
    """
    out, y = np.asarray(getattr(out, "data", out)), np.asarray(getattr(y, "data", y))
    if out.ndim >= 2 and out.shape[-1] > 1:
        pred = out.argmax(axis=-1)
        if y.ndim == out.ndim:
            y = y.argmax(axis=-1)
    else:
        s = out.reshape(len(out))
        y = y.reshape(len(y))
        pred = np.where(s >= 0, 1, -1) if (y < 0).any() else (s > 0).astype(np.int64)
    return float(np.mean(pred == y.reshape(pred.shape)))


_METRICS: dict[str, Metric] = {"accuracy": accuracy, "acc": accuracy}


def _resolve_metrics(metrics: Iterable[str | Metric] | dict[str, Metric] | None
                     ) -> dict[str, Metric]:
    if isinstance(metrics, dict):
        return metrics
    out: dict[str, Metric] = {}
    for m in metrics or ():
        if isinstance(m, str):
            if m not in _METRICS:
                raise ValueError(f"fit: unknown metric {m!r}; use one of {sorted(_METRICS)} or "
                                 "pass a function f(outputs, targets) -> float")
            out["accuracy" if m == "acc" else m] = _METRICS[m]
        elif callable(m):
            out[getattr(m, "__name__", "metric")] = m
        else:
            raise TypeError(f"fit: a metric must be a name or a function, got {m!r}")
    return out


# ---------------------------------------------------------------- History

class History:
    """Per-epoch logs: `history["val_loss"]` or `history.val_loss` (lists), `as_dict()`."""

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epochs: list[int] = []

    def append(self, epoch: int, logs: dict[str, float]) -> None:
        """Record one epoch's logs."""
        self.epochs.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)

    def as_dict(self) -> dict[str, list[float]]:
        """A copy of the logs: name -> list of per-epoch values."""
        return {k: list(v) for k, v in self.history.items()}

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    def __getattr__(self, name: str) -> list[float]:
        hist = self.__dict__.get("history", {})
        if name in hist:
            return hist[name]
        raise AttributeError(f"History has no {name!r}; it recorded {sorted(hist)}")

    def __len__(self) -> int:
        return len(self.epochs)

    def __repr__(self) -> str:
        last = {k: round(v[-1], 4) for k, v in self.history.items() if v}
        return f"History({len(self)} epochs, last={last})"

    def _repr_svg_(self) -> str | None:
        """Jupyter's picture of the run: the losses, then each metric, train and validation."""
        from ._svgplot import charts_svg

        if not self.epochs:
            return None
        groups: dict[str, dict[str, list[float]]] = {}
        for key, values in self.history.items():
            base = key[4:] if key.startswith("val_") else key
            if base not in ("lr", "time"):  # bookkeeping, not how well it learns
                groups.setdefault(base, {})[key] = values
        return charts_svg([_panel(base, series) for base, series in groups.items()])


def _panel(name: str, series: dict[str, list[float]]) -> Any:
    """A History panel; a loss that spans more than a decade on a log scale, where the gap
    between a training loss heading to 0 and a validation loss that stalls (overfitting) shows."""
    from ._svgplot import Panel

    vals = [v for s in series.values() for v in s if math.isfinite(v)]
    log = "loss" in name and bool(vals) and min(vals) > 0 and max(vals) > 10 * min(vals)
    return Panel(f"{name} (log scale)" if log else name, series, log=log)


# ---------------------------------------------------------------- progress bar

_warned_no_tqdm = [False]


def _show_progress(progress: bool) -> bool:
    if not progress:
        return False
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)()) or _in_notebook()


def _in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (merely importing ipykernel does not count)."""
    ipython = sys.modules.get("IPython")
    try:
        shell = ipython.get_ipython() if ipython is not None else None
    except Exception:  # an IPython too broken to ask: not a notebook we can draw in
        return False
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _tqdm() -> Any:
    """tqdm's class, imported lazily (the `progress` extra); None, said once, when missing.

    `tqdm.auto` picks the widget in a Jupyter kernel (with ipywidgets) and text on a terminal.
    """
    try:
        from tqdm.auto import tqdm
    except ImportError:
        if not _warned_no_tqdm[0]:
            _warned_no_tqdm[0] = True
            print("fit: tqdm is not installed, so there is no progress bar (pip install "
                  "'autograd-core[progress]'); printing one line per epoch instead.",
                  file=sys.stderr)
        return None
    return tqdm


def _fmt(logs: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.4g}" for k, v in logs.items() if k != "epoch")


# ---------------------------------------------------------------- evaluate and fit

def evaluate(model: Any, loss_fn: Callable[[Any, Any], Any] | None, loader: Iterable[Any],
             metrics: Iterable[str | Metric] | dict[str, Metric] | None = ("accuracy",)
             ) -> dict[str, float]:
    """Mean loss and metrics over `loader`, in eval mode and without recording a graph."""
    fns = _resolve_metrics(metrics)
    sums: dict[str, float] = {}
    n = 0
    was_training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()
    try:
        with no_grad():
            for xb, yb in loader:
                out = model(xb)
                b = len(yb)
                if loss_fn is not None:
                    sums["loss"] = sums.get("loss", 0.0) + float(loss_fn(out, yb).item()) * b
                for name, f in fns.items():
                    sums[name] = sums.get(name, 0.0) + f(out.data, yb.data) * b
                n += b
    finally:
        if was_training and hasattr(model, "train"):
            model.train()
    if n == 0:
        raise ValueError("evaluate: the loader produced no batches")
    return {k: v / n for k, v in sums.items()}


def fit(model: Any, loss_fn: Callable[[Any, Any], Any], optimizer: Any,
        train_loader: Iterable[Any], epochs: int, val_loader: Iterable[Any] | None = None,
        metrics: Sequence[str | Metric] = ("accuracy",), callbacks: Sequence[Callback] = (),
        scheduler: Any = None, progress: bool = True,
        clip_grad_norm: float | None = None, compile: bool = False) -> History:
    """Train `model` for `epochs` passes over `train_loader`; return the per-epoch `History`.

    Logs per epoch: `loss` and each metric on the training batches (running means over the
    epoch), `val_loss`/`val_<metric>` when `val_loader` is given, the learning rate `lr` and
    the epoch's wall time `time` in seconds. `scheduler.step()` runs after every epoch
    (`ReduceLROnPlateau` gets `val_loss`, else `loss`). `clip_grad_norm` caps the gradients'
    joint norm before each update. A progress bar (tqdm) shows when `progress` is true and
    stderr is a terminal (or a notebook).

    `compile=True` runs each batch's step (forward, loss, zero_grad, backward, clipping,
    update) through `autograd_core.compile`: recorded once per batch shape, then replayed as
    plain numpy, with the same weights bit for bit. A callback's `on_after_backward` then runs
    after the step, which only callbacks that just read the gradients allow (GradientMonitor).
    """
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"fit: epochs must be a non-negative integer, got {epochs!r}")
    fns = _resolve_metrics(metrics)
    params = list(model.parameters())
    state = FitState(model=model, optimizer=optimizer, loss_fn=loss_fn, history=History())
    step = _compiled_step(model, loss_fn, optimizer, params, clip_grad_norm, callbacks) \
        if compile else None
    show = _show_progress(progress)
    tqdm = _tqdm() if show else None
    # One bar for the whole run, advanced once per epoch: a notebook shows one widget and a
    # terminal one line, instead of a bar (and a line) per epoch.
    bar = (tqdm(total=int(epochs), desc="fit", unit="epoch", leave=True, dynamic_ncols=True,
                file=sys.stderr) if tqdm is not None else None)
    try:
        # Nobody can draw fit's graphs (it keeps no loss), so backward keeps no drawing
        # skeleton for them: that bookkeeping would cost a hand loop's step about a third.
        with keep_skeleton(False):
            _fit_epochs(model, loss_fn, optimizer, train_loader, int(epochs), val_loader, fns,
                        callbacks, scheduler, clip_grad_norm, params, state, bar, show, step)
    finally:
        if bar is not None:
            bar.close()
    for cb in callbacks:
        cb.on_train_end(state)
    return state.history


def _fit_epochs(model: Any, loss_fn: Callable[[Any, Any], Any], optimizer: Any,
                train_loader: Iterable[Any], epochs: int, val_loader: Iterable[Any] | None,
                fns: dict[str, Metric], callbacks: Sequence[Callback], scheduler: Any,
                clip_grad_norm: float | None, params: list[Any], state: FitState, bar: Any,
                show: bool, step: Any = None) -> None:
    """`fit`'s epochs: the five steps per minibatch, then validation, scheduler and callbacks.

    `step` is (compiled steps 2-5, the [epoch, examples seen] it reports a bad loss with).
    """
    for cb in callbacks:
        cb.on_train_begin(state)
    for epoch in range(1, epochs + 1):
        state.epoch = epoch
        model.train()
        for cb in callbacks:
            cb.on_epoch_begin(state)
        lr = optimizer.param_groups[0]["lr"]
        t0 = time.perf_counter()
        sums: dict[str, float] = {"loss": 0.0, **{k: 0.0 for k in fns}}
        n = 0
        for xb, yb in train_loader:             # 1. draw a minibatch
            if step is not None:                # 2-5, recorded once and replayed
                step[1][:] = epoch, n
                loss, out = step[0](xb, yb)
                for cb in callbacks:
                    cb.on_after_backward(state)
            else:
                out = model(xb)                 # 2. forward pass
                loss = loss_fn(out, yb)         # 3. loss
                optimizer.zero_grad()
                _check_loss(loss, epoch, n)
                loss.backward()                 # 4. backward pass: the gradients
                for cb in callbacks:
                    cb.on_after_backward(state)
                if clip_grad_norm is not None:
                    clip_grad_norm_(params, clip_grad_norm)
                optimizer.step()                # 5. update: one gradient step
            b = len(yb)
            sums["loss"] += float(loss.item()) * b
            for name, f in fns.items():
                sums[name] += f(out.data, yb.data) * b
            n += b
        if n == 0:
            raise ValueError("fit: train_loader produced no batches (empty data, or "
                             "drop_last=True with fewer examples than batch_size)")
        logs = {k: v / n for k, v in sums.items()}
        if val_loader is not None:
            val = evaluate(model, loss_fn, val_loader, fns)
            logs.update({f"val_{k}": v for k, v in val.items()})
        logs["lr"] = lr
        logs["time"] = time.perf_counter() - t0
        if scheduler is not None:
            if hasattr(scheduler, "_is_better"):  # ReduceLROnPlateau steps on a metric
                scheduler.step(logs.get("val_loss", logs["loss"]))
            else:
                scheduler.step()
        state.history.append(epoch, logs)
        if bar is not None:
            bar.set_postfix_str(_fmt({k: v for k, v in logs.items() if k != "time"}),
                                refresh=False)
            bar.update(1)
        elif show:
            print(f"epoch {epoch}/{epochs} {_fmt(logs)}", file=sys.stderr)
        for cb in callbacks:
            cb.on_epoch_end(state, logs)
        if state.stop:
            break


def _compiled_step(model: Any, loss_fn: Callable[[Any, Any], Any], optimizer: Any,
                   params: list[Any], clip: float | None, callbacks: Sequence[Callback]
                   ) -> tuple[Any, list[int]]:
    """fit's steps 2-5 as one compiled function (see `fit`), and the [epoch, examples seen]
    it reports a non-finite loss with. Kept on the model, so that `fit(..., epochs=1)` called
    once per epoch records once, not once per call."""
    import autograd_core  # its face's compile(); `from autograd_core import compile` would
    # read as the compile/ subpackage to the layering check

    for cb in callbacks:
        if type(cb).on_after_backward is not Callback.on_after_backward and not (
                cb.reads_gradients_only and clip is None):
            raise ValueError(
                f"fit(compile=True): the callback {type(cb).__name__} runs on_after_backward, "
                "which must come between backward and the update (it may change the "
                "gradients, or clip_grad_norm would change them after it); a compiled step "
                "cannot stop there. Use compile=False with this callback")
    cache = model.__dict__.setdefault("_fit_compiled", {})
    key = (id(loss_fn), id(optimizer), clip, tuple(map(id, params)))
    if key in cache:
        return cache[key]
    where = [0, 0]

    def train_step(xb: Any, yb: Any) -> Any:
        out = model(xb)
        loss = loss_fn(out, yb)
        optimizer.zero_grad()
        _check_loss_array(loss, where)
        loss.backward()
        if clip is not None:
            _clip_grad_norm_2(params, clip)
        optimizer.step()
        return loss, out

    cache[key] = autograd_core.compile(train_step), where
    return cache[key]


def _check_loss_array(loss: Any, where: list[int]) -> None:
    """_check_loss on the loss's array: a check that a compiled step replays, so a non-finite
    loss hands the batch to the eager step, which raises here before any update."""
    if not isinstance(loss, Node) or not loss.requires_grad or getattr(loss, "size", 1) != 1:
        raise TypeError(f"fit: loss_fn must return a scalar Tensor that requires grad, got "
                        f"{loss!r:.120}")
    if not np.isfinite(loss.data).all():  # type: ignore[attr-defined]
        _check_loss_value(float(loss.data), where[0], where[1])  # type: ignore[attr-defined]


def _check_loss(loss: Any, epoch: int, seen: int) -> None:
    if not isinstance(loss, Node) or not loss.requires_grad or getattr(loss, "size", 1) != 1:
        raise TypeError(f"fit: loss_fn must return a scalar Tensor that requires grad, got "
                        f"{loss!r:.120}")
    _check_loss_value(float(loss.item()), epoch, seen)  # type: ignore[attr-defined]


def _check_loss_value(v: float, epoch: int, seen: int) -> None:
    if not math.isfinite(v):
        raise FloatingPointError(
            f"fit: the loss became {v} at epoch {epoch} (after {seen} examples): the step was "
            "too large or a value overflowed. Try a smaller learning rate, clip_grad_norm=, "
            "or autograd_core.detect_anomaly() to find the op.")

