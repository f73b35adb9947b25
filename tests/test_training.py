"""fit, evaluate, History and the callbacks (EarlyStopping, GradientMonitor, Checkpoint)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nn
import optim
from autograd_core import Tensor, no_grad


def _moons_mlp(seed=0):
    rng = np.random.default_rng(seed)

    def lin(i, o):
        layer = nn.Linear(i, o)
        layer.weight.data[...] = rng.normal(scale=np.sqrt(2 / i), size=layer.weight.shape)
        layer.bias.data[...] = 0.0  # fully seeded: the same seed gives the same model
        return layer

    return nn.Sequential(lin(2, 32), nn.ReLU(), lin(32, 32), nn.ReLU(), lin(32, 2))


def test_fit_trains_an_mlp_on_moons_to_97_percent():
    x, y = nn.make_moons(1000, noise=0.1, seed=0)
    xv, yv = nn.make_moons(500, noise=0.1, seed=1)
    model = _moons_mlp()
    opt = optim.Adam(model.parameters(), lr=0.01)
    hist = nn.fit(model, nn.functional.cross_entropy, opt, nn.DataLoader(x, y, shuffle=True, rng=0),
                  epochs=15, val_loader=nn.DataLoader(xv, yv, batch_size=250, shuffle=False),
                  progress=False)
    assert hist.val_accuracy[-1] >= 0.97
    # the history agrees with an independent evaluation of the final model
    with no_grad():
        pred = model(Tensor(xv)).data.argmax(axis=1)
    assert hist["val_accuracy"][-1] == pytest.approx(np.mean(pred == yv))
    assert len(hist) == 15 and hist.epochs == list(range(1, 16))
    assert hist.loss[-1] < hist.loss[0]
    d = hist.as_dict()
    assert set(d) >= {"loss", "accuracy", "val_loss", "val_accuracy", "lr", "time"}
    d["loss"].append(0.0)
    assert len(hist.loss) == 15  # as_dict is a copy


def test_fit_is_the_hand_written_loop():
    """fit and the explicit five-step loop give identical weights from identical starts."""
    x, y = nn.make_moons(200, seed=3)

    def run(use_fit):
        model = _moons_mlp(seed=5)
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        loader = nn.DataLoader(x, y, batch_size=32, shuffle=True, rng=7)
        if use_fit:
            nn.fit(model, nn.functional.cross_entropy, opt, loader, epochs=2, metrics=(),
                   progress=False)
        else:
            for _ in range(2):
                for xb, yb in loader:
                    loss = nn.functional.cross_entropy(model(xb), yb)
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
        return model.state_dict()

    a, b = run(True), run(False)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


def test_evaluate_and_accuracy():
    assert nn.accuracy(np.array([[0.1, 0.9], [2.0, 1.0], [0.0, 3.0]]), np.array([1, 0, 0])) \
        == pytest.approx(2 / 3)
    assert nn.accuracy(np.array([[1.5], [-0.2], [0.3]]), np.array([1, 0, 0])) == \
        pytest.approx(2 / 3)
    assert nn.accuracy(np.array([0.5, -0.5, -1.0]), np.array([1, -1, 1])) == pytest.approx(2 / 3)
    onehot = np.eye(3)[[2, 0]]
    assert nn.accuracy(np.array([[0, 0, 1.0], [0, 1.0, 0]]), onehot) == 0.5


def test_scheduler_steps_each_epoch_and_lr_is_logged():
    x, y = nn.make_blobs(64, centers=2, seed=0)
    model = _moons_mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    h = nn.fit(model, nn.functional.cross_entropy, opt,
           nn.DataLoader(x, y, shuffle=True, rng=0), epochs=3,
               scheduler=sched, progress=False)
    assert h.lr == pytest.approx([0.1, 0.05, 0.025])
    opt2 = optim.SGD(model.parameters(), lr=0.1)
    plateau = optim.lr_scheduler.ReduceLROnPlateau(opt2, patience=0, factor=0.5, threshold=1e9,
                                                   threshold_mode="abs")  # only epoch 1 improves
    h2 = nn.fit(model, nn.functional.cross_entropy, opt2, nn.DataLoader(x, y, shuffle=True, rng=0),
                epochs=3, scheduler=plateau, progress=False)
    assert h2.lr == pytest.approx([0.1, 0.1, 0.05])


def test_early_stopping_fires_and_restores_best():
    x, y = nn.make_moons(64, seed=0)
    model = _moons_mlp()
    opt = optim.SGD(model.parameters(), lr=0.0)  # nothing improves
    stop = nn.EarlyStopping(patience=2, monitor="loss", min_delta=1e-3)
    h = nn.fit(model, nn.functional.cross_entropy, opt, nn.DataLoader(x, y, shuffle=True, rng=0),
               epochs=50, callbacks=[stop], progress=False)
    assert len(h) == 3 and stop.stopped_epoch == 3 and stop.best_epoch == 1

    # with restore_best, a model that gets worse ends with its best weights
    model = _moons_mlp()
    opt = optim.SGD(model.parameters(), lr=0.05)
    snap = {}

    class Snap(nn.Callback):
        def on_epoch_end(self, state, logs):
            snap[state.epoch] = state.model.state_dict()

    stop = nn.EarlyStopping(patience=1, restore_best=True)

    class Sabotage(nn.Callback):  # from epoch 2 on, the update ascends the loss
        def on_after_backward(self, state):
            if state.epoch >= 2:
                for p in state.model.parameters():
                    p.grad.data[...] *= -5.0

    xv, yv = nn.make_moons(64, seed=1)
    nn.fit(model, nn.functional.cross_entropy, opt,
           nn.DataLoader(x, y, shuffle=True, rng=0), epochs=20,
           val_loader=nn.DataLoader(xv, yv, shuffle=False), callbacks=[Sabotage(), Snap(), stop],
           progress=False)
    assert stop.stopped_epoch > 0
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, snap[stop.best_epoch][k])


def test_gradient_monitor_warns_on_vanishing_and_exploding():
    x, y = nn.make_moons(64, seed=0)
    # A deep sigmoid stack with tiny weights: the first layer's gradient vanishes.
    layers = []
    for i in range(8):
        lin = nn.Linear(2 if i == 0 else 16, 16)
        lin.weight.data[...] = 0.01
        layers += [lin, nn.Sigmoid()]
    head = nn.Linear(16, 2)
    model = nn.Sequential(*layers, head)
    mon = nn.GradientMonitor()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        nn.fit(model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.0),
               nn.DataLoader(x, y, shuffle=True, rng=0), epochs=2, callbacks=[mon], progress=False)
    msgs = [str(w.message) for w in rec if issubclass(w.category, nn.GradientWarning)]
    assert any("vanishing gradients in layer '0' at epoch 1" in m for m in msgs)
    assert len(msgs) == len({m.split(" at epoch")[0] for m in msgs})  # once per layer
    assert all(w.filename == __file__ for w in rec)  # points at the user's fit call
    assert mon.norms["0"][0] < 1e-6
    assert mon.norms[str(len(layers))][0] > 1e-6  # the head still learns
    assert {e[1] for e in mon.events if e[2] == "vanishing"} >= {"0"}
    assert len(mon.norms["0"]) == 2

    # Huge weights and targets far off: the gradients explode.
    model = _moons_mlp()
    for p in model.parameters():
        p.data[...] *= 1e3
    mon = nn.GradientMonitor()
    with pytest.warns(nn.GradientWarning, match="exploding"):
        nn.fit(model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.0),
               nn.DataLoader(x, y, shuffle=True, rng=0), epochs=1, callbacks=[mon], progress=False)


def test_gradient_monitor_is_quiet_on_healthy_training():
    x, y = nn.make_moons(64, seed=0)
    model = _moons_mlp()
    mon = nn.GradientMonitor()
    with warnings.catch_warnings():
        warnings.simplefilter("error", nn.GradientWarning)
        nn.fit(model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=0.01),
               nn.DataLoader(x, y, shuffle=True, rng=0), epochs=2, callbacks=[mon], progress=False)
    assert not mon.events and set(mon.norms) == {"0", "2", "4"}


def test_checkpoint_callback(tmp_path):
    x, y = nn.make_moons(64, seed=0)
    model = _moons_mlp()
    opt = optim.Adam(model.parameters(), lr=0.01)
    ck = nn.Checkpoint(tmp_path / "ep{epoch}.npz")
    best = nn.Checkpoint(tmp_path / "best.npz", monitor="loss")
    nn.fit(model, nn.functional.cross_entropy, opt,
           nn.DataLoader(x, y, shuffle=True, rng=0), epochs=3,
           callbacks=[ck, best], progress=False)
    assert [p.rsplit("/", 1)[-1] for p in ck.saved] == ["ep1.npz", "ep2.npz", "ep3.npz"]
    last = nn.load(tmp_path / "ep3.npz")
    assert last["epoch"] == 3 and "optimizer" in last and "loss" in last["logs"]
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(last["model"][k], v)
    assert best.saved  # loss went down at least once


def test_clip_grad_norm_option_and_nan_loss_message():
    x, y = nn.make_moons(64, seed=0)
    model = _moons_mlp()
    seen = []

    class Probe(nn.Callback):
        def on_after_backward(self, state):
            seen.append(1)

    opt = optim.SGD(model.parameters(), lr=0.1)
    orig_step = opt.step

    def step(closure=None):
        total = np.sqrt(sum(float((p.grad.data ** 2).sum()) for p in model.parameters()))
        assert total <= 0.01 + 1e-6
        return orig_step(closure)

    opt.step = step
    nn.fit(model, nn.functional.cross_entropy, opt,
           nn.DataLoader(x, y, shuffle=True, rng=0), epochs=1,
           callbacks=[Probe()], clip_grad_norm=0.01, progress=False)
    assert len(seen) == 2

    def nan_loss(out, yb):
        return (out * np.nan).sum()

    with pytest.raises(FloatingPointError, match="the loss became nan at epoch 1"):
        nn.fit(model, nan_loss, optim.SGD(model.parameters(), lr=0.1),
               nn.DataLoader(x, y, shuffle=True, rng=0), epochs=1, progress=False)


def test_bad_arguments():
    x, y = nn.make_moons(64, seed=0)
    model = _moons_mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    loader = nn.DataLoader(x, y)
    with pytest.raises(ValueError, match="epochs must be"):
        nn.fit(model, nn.functional.cross_entropy, opt, loader, epochs=-1, progress=False)
    with pytest.raises(ValueError, match="unknown metric"):
        nn.fit(model, nn.functional.cross_entropy, opt, loader, epochs=1, metrics=("f1",),
               progress=False)
    with pytest.raises(TypeError, match="scalar Tensor that requires grad"):
        nn.fit(model, lambda o, t: 1.0, opt, loader, epochs=1, progress=False)
    with pytest.raises(KeyError, match="val_acc"):
        nn.fit(model, nn.functional.cross_entropy, opt, loader, epochs=1, progress=False,
               callbacks=[nn.EarlyStopping(monitor="val_acc")])


def test_progress_is_silent_off_a_terminal(capsys):
    x, y = nn.make_moons(64, seed=0)
    model = _moons_mlp()
    nn.fit(model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.1),
           nn.DataLoader(x, y), epochs=1, progress=True)  # pytest's stderr is not a TTY
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_progress_is_silent_in_a_process_that_merely_imported_ipykernel(capsys):
    pytest.importorskip("ipykernel")
    import ipykernel  # noqa: F401 - what a test runner or a tool may do; it is not a notebook

    import nn.training as tr

    assert not tr._in_notebook() and not tr._show_progress(True)


def test_progress_without_tqdm_says_so_once(monkeypatch, capsys):
    import sys

    import nn.training as tr

    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setattr(tr, "_show_progress", lambda progress: progress)
    monkeypatch.setattr(tr, "_warned_no_tqdm", [False])
    x, y = nn.make_moons(64, seed=0)
    model = _moons_mlp()
    for _ in range(2):
        nn.fit(model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.1),
               nn.DataLoader(x, y), epochs=2, progress=True)
    err = capsys.readouterr().err
    assert err.count("tqdm is not installed") == 1
    assert err.count("epoch 2/2 loss=") == 2


def test_progress_bar_with_tqdm(monkeypatch, capsys):
    pytest.importorskip("tqdm")
    import nn.training as tr

    monkeypatch.setattr(tr, "_show_progress", lambda progress: progress)
    x, y = nn.make_moons(64, seed=0)
    model = _moons_mlp()
    nn.fit(model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.1),
           nn.DataLoader(x, y), epochs=3, val_loader=nn.DataLoader(x, y), progress=True)
    err = capsys.readouterr().err
    assert "fit: 100%" in err and "3/3 [" in err
    assert "val_accuracy=" in err  # the epoch's summary is on the bar
    assert "epoch 1/3" not in err  # one bar for the run, not one per epoch


class _RecordingBar:
    """Stands in for tqdm.auto.tqdm: records how fit drives its bars."""

    made: list[_RecordingBar] = []

    def __init__(self, **kwargs):
        self.kwargs, self.n, self.postfix, self.closed = kwargs, 0, [], 0
        _RecordingBar.made.append(self)

    def update(self, k=1):
        self.n += k

    def set_postfix_str(self, text, refresh=True):
        self.postfix.append(text)

    def close(self):
        self.closed += 1


def _fake_tqdm_auto(monkeypatch):
    import sys
    import types

    import nn.training as tr

    _RecordingBar.made = []
    fake = types.ModuleType("tqdm.auto")
    fake.tqdm = _RecordingBar  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm.auto", fake)
    monkeypatch.setattr(tr, "_show_progress", lambda progress: progress)


def test_progress_is_one_tqdm_auto_bar_advanced_once_per_epoch(monkeypatch):
    # tqdm.auto (not tqdm.tqdm) is what shows a widget in a notebook; one bar for the whole run
    # is what keeps a notebook (or a terminal) from collecting a bar per epoch.
    _fake_tqdm_auto(monkeypatch)
    x, y = nn.make_moons(64, seed=0)
    model = _moons_mlp()
    nn.fit(model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.1),
           nn.DataLoader(x, y, batch_size=16), epochs=4, progress=True)
    (bar,) = _RecordingBar.made
    assert bar.kwargs["total"] == 4 and bar.kwargs["unit"] == "epoch"
    assert bar.n == 4 and bar.closed == 1
    assert len(bar.postfix) == 4 and bar.postfix[-1].startswith("loss=")


def test_progress_bar_is_closed_when_training_fails_or_stops_early(monkeypatch):
    _fake_tqdm_auto(monkeypatch)
    x, y = nn.make_moons(64, seed=0)
    model = _moons_mlp()
    with pytest.raises(FloatingPointError):
        nn.fit(model, lambda o, t: nn.functional.cross_entropy(o, t) * float("nan"),
               optim.SGD(model.parameters(), lr=0.1), nn.DataLoader(x, y), epochs=3)
    stop = nn.EarlyStopping(patience=0, monitor="loss", min_delta=1e9)
    nn.fit(model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.1),
           nn.DataLoader(x, y), epochs=5, callbacks=[stop])
    failed, stopped = _RecordingBar.made
    assert failed.closed == 1 and failed.n == 0
    assert stopped.closed == 1 and stopped.n == 2  # epoch 1 sets the best, epoch 2 stops
