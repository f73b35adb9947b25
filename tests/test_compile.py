"""autograd_core.compile: a recorded step replays exactly what the eager step computes.

Every comparison here is bit for bit (`==` on losses, `np.array_equal` on parameters and
optimizer state): a replay runs the same numpy calls in the same order as the eager step, only
into other memory. Each refusal the issue lists is checked to raise at record time.
"""

from __future__ import annotations

import numpy as np
import pytest
from compile_helpers import assert_same_state, digits, train_steps

import nn
import optim
from autograd_core import Tensor, no_grad
from autograd_core.compile import compile as ag_compile
from benchmarks import common
from benchmarks.workloads import lib_ours, lib_ours_nn


def _same_run(make_step, steps):
    """Losses of `steps` eager steps and of `steps` compiled steps on twin models."""
    eager, compiled = make_step(), ag_compile(make_step())
    le = [eager().item() for _ in range(steps)]
    lc = [compiled().item() for _ in range(steps)]
    return le, lc, compiled


# ---------------------------------------------------------------- the workloads, 100 steps

@pytest.mark.parametrize("lib", [lib_ours, lib_ours_nn], ids=["tensor", "nn"])
def test_w1_compiled_equals_eager_for_100_steps(lib):
    x, y, p = common.w1_data(0)
    le, lc, step = _same_run(lambda: lib.w1_step(x, y, p, common.LR_W1), 100)
    assert le == lc
    assert step.stats["replayed"] >= 98 and step.stats["eager"] == 0


@pytest.mark.parametrize("lib", [lib_ours, lib_ours_nn], ids=["tensor", "nn"])
def test_w2_compiled_equals_eager_for_100_steps(lib):
    x, y, p = common.w2_data(0)
    le, lc, step = _same_run(lambda: lib.w2_step(x, y, p, common.LR_W2, common.ALPHA), 100)
    assert le == lc
    assert step.stats["replayed"] >= 98


def test_digits_model_compiled_equals_eager_over_three_epochs():
    """135 steps, with the last short batch of each epoch recorded as its own signature."""
    make = lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9)  # noqa: E731
    m1, o1, l1 = digits(make)
    m2, o2, l2 = digits(make)
    le, _ = train_steps(m1, o1, l1, False, 3)
    lc, step = train_steps(m2, o2, l2, True, 3)
    assert len(le) == 135 and le == lc
    assert_same_state(m1, o1, m2, o2)
    assert step.stats["recorded"] == 3  # first step, steady state, the short last batch


# ---------------------------------------------------------------- state stays shared

def test_compiled_and_eager_steps_mix_and_lr_is_read_at_replay_time():
    make = lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9)  # noqa: E731
    m1, o1, l1 = digits(make)
    m2, o2, l2 = digits(make)
    sched1 = optim.lr_scheduler.StepLR(o1, step_size=1, gamma=0.5)
    sched2 = optim.lr_scheduler.StepLR(o2, step_size=1, gamma=0.5)

    def step_fn(model, opt):
        def train_step(xb, yb):
            loss = nn.functional.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss
        return train_step

    eager1 = step_fn(m1, o1)
    eager2 = step_fn(m2, o2)
    compiled2 = ag_compile(eager2)
    for epoch in range(3):
        for i, ((x1, y1), (x2, y2)) in enumerate(zip(l1, l2)):
            a = eager1(x1, y1).item()
            # every third step eager: compiled and eager steps share parameters and state
            b = (eager2 if i % 3 == 2 else compiled2)(x2, y2).item()
            assert a == b, (epoch, i)
        sched1.step()
        sched2.step()
    assert o2.param_groups[0]["lr"] == 0.1 * 0.5 ** 3
    assert_same_state(m1, o1, m2, o2)
    assert compiled2.stats["replayed"] > 50


def test_state_dict_and_save_after_compiled_steps(tmp_path):
    make = lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9)  # noqa: E731
    m1, o1, l1 = digits(make)
    m2, o2, l2 = digits(make)
    train_steps(m1, o1, l1, False, 1)
    train_steps(m2, o2, l2, True, 1)
    nn.save(m2, tmp_path / "m.npz")
    m3, _, _ = digits(make, seed=1)
    m3.load_state_dict(nn.load(tmp_path / "m.npz"))
    for a, b in zip(m1.parameters(), m3.parameters()):
        assert np.array_equal(a.data, b.data)
    assert_same_state(m1, o1, m2, o2)


def test_a_replay_sees_model_eval_and_records_again():
    x = Tensor(np.random.default_rng(0).normal(size=(8, 4)).astype(np.float32))
    model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 2))

    def forward():
        with no_grad():
            return model(x).sum()

    step = ag_compile(forward)
    nn.manual_seed(3)
    a1 = step().item()
    a2 = step().item()
    model.eval()
    b = step().item()
    model.train()
    assert step.stats["recorded"] == 2  # train, then eval (a guard saw `training` change)
    with no_grad():
        with_eval = float(model.eval()(x).sum().item())
    assert b == with_eval
    assert a1 != a2  # dropout drew new numbers in the replay


def test_dropout_replays_draw_the_same_numbers_as_eager():
    def make():
        nn.manual_seed(0)
        model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 3))
        opt = optim.SGD(model.parameters(), lr=0.1)
        return model, opt

    x = Tensor(np.random.default_rng(1).normal(size=(10, 6)).astype(np.float32))
    y = np.arange(10) % 3

    def run(compiled):
        model, opt = make()
        nn.manual_seed(42)

        def train_step():
            loss = nn.functional.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        step = ag_compile(train_step) if compiled else train_step
        return [step().item() for _ in range(20)]

    assert run(False) == run(True)


def test_a_new_batch_shape_records_again_and_the_cache_is_bounded():
    w = Tensor(np.ones((3, 2)), requires_grad=True)

    def f(x):
        loss = (x @ w).sum()
        loss.backward()
        w.grad = None
        return loss

    step = ag_compile(f, cache_size=2)
    for n in (1, 2, 3, 1):
        assert step(Tensor(np.ones((n, 3)))).item() == 2.0 * n * 3
    assert step.stats["recorded"] == 4 and step.stats["evicted"] == 2


# ---------------------------------------------------------------- source

def test_source_reads_as_the_steps_numpy():
    x, y, p = common.w1_data(0)
    step = ag_compile(lib_ours_nn.w1_step(x, y, p, common.LR_W1))
    step()
    step()
    src = step.source
    for text in ("h1 = np.matmul(xt, W1.T", "h1 += b1", "# backward of Linear (layers[2])",
                 "dW1 = dh1.T @ xt", "W1 -= ", "# ---- forward", "# ---- backward",
                 "# ---- update", "W1_t.grad = _wrap(dW1)"):
        assert text in src, text
    assert src.index("# ---- forward") < src.index("# ---- backward") < \
        src.index("# ---- update")


def test_source_before_the_first_call_says_so():
    step = ag_compile(lambda: None)
    with pytest.raises(RuntimeError, match="has not been called"):
        print(step.source)


# ---------------------------------------------------------------- fit(compile=True)

def _fit_run(compiled, epochs=3, **kw):
    model, opt, loader = digits(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9))
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.7)
    hist = nn.fit(model, nn.functional.cross_entropy, opt, loader, epochs=epochs,
                  progress=False, compile=compiled, scheduler=sched, **kw)
    logs = hist.as_dict()
    logs.pop("time")
    return logs, model, opt


@pytest.mark.parametrize("clip", [None, 0.5], ids=["no-clip", "clip"])
def test_fit_compile_gives_the_same_history_and_weights(clip):
    h1, m1, o1 = _fit_run(False, clip_grad_norm=clip)
    h2, m2, o2 = _fit_run(True, clip_grad_norm=clip)
    assert h1 == h2
    assert_same_state(m1, o1, m2, o2)
    step, _ = next(iter(m2.__dict__["_fit_compiled"].values()))
    assert step.stats["replayed"] == 3 * 45 - 3 and step.stats["eager"] == 0


def test_fit_compile_records_once_across_calls():
    model, opt, loader = digits(lambda ps: optim.SGD(ps, lr=0.1))
    for _ in range(3):
        nn.fit(model, nn.functional.cross_entropy, opt, loader, epochs=1, progress=False,
               compile=True)
    step, _ = next(iter(model.__dict__["_fit_compiled"].values()))
    assert step.stats["recorded"] == 3  # first step, steady state, short last batch


def test_fit_compile_and_callbacks():
    m1, m2 = nn.GradientMonitor(), nn.GradientMonitor()
    _fit_run(False, callbacks=[m1])
    _fit_run(True, callbacks=[m2])
    assert m1.norms == m2.norms  # called after the compiled step, on the same gradients

    class Scale(nn.Callback):
        def on_after_backward(self, state):
            for p in state.model.parameters():
                p.grad.data[...] *= 0.5

    with pytest.raises(ValueError, match="on_after_backward"):
        _fit_run(True, callbacks=[Scale()])
    with pytest.raises(ValueError, match="on_after_backward"):
        _fit_run(True, callbacks=[nn.GradientMonitor()], clip_grad_norm=1.0)


def test_fit_compile_stops_on_a_non_finite_loss_like_eager():
    def run(compiled):
        x, y, params = common.w6_data(0)
        x[700, 3] = np.inf  # the batch holding this row has a non-finite loss
        model = lib_ours_nn._digits_model(params)
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        loader = nn.DataLoader(x, y, batch_size=32, rng=np.random.default_rng(0))
        with pytest.raises(FloatingPointError, match="the loss became") as err:
            nn.fit(model, nn.functional.cross_entropy, opt, loader, epochs=2, progress=False,
                   compile=compiled)
        return str(err.value), [p.data.copy() for p in model.parameters()]

    (e1, p1), (e2, p2) = run(False), run(True)
    assert e1 == e2
    assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(p1, p2))


def test_the_readmes_excerpt_is_what_its_example_prints():
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Compiled steps")[1].split("\n## ")[0]
    example = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    excerpt = re.search(r"```py\n(.*?)```", section, re.S).group(1)
    namespace = {"nn": nn, "optim": optim, "print": lambda *a: None}
    exec(example, namespace)
    source = namespace["train_step"].source
    for line in excerpt.splitlines():
        if line.strip() != "..." and "<- ..." not in line:
            assert line in source.splitlines(), line


def test_a_compiled_step_called_inside_another_becomes_part_of_its_recording():
    inner = ag_compile(lambda x: x * 2.0 + 1.0)
    outer = ag_compile(lambda x: inner(x).sum())
    for i in range(4):
        x = np.arange(3.0) + i
        assert outer(x) == (x * 2.0 + 1.0).sum()
    assert outer.stats["replayed"] == 3 and inner.stats["recorded"] == 0


def test_a_learning_rate_of_another_type_records_again():
    def run(compiled):
        model, opt, loader = digits(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9))

        def train_step(xb, yb):
            loss = nn.functional.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        step = ag_compile(train_step) if compiled else train_step
        losses = []
        for i, (xb, yb) in enumerate(loader):
            if i == 5:  # numpy's promotion treats np.float64 apart from a Python float
                opt.param_groups[0]["lr"] = np.float64(0.05)
            losses.append(step(xb, yb).item())
        return losses, model, opt, step

    (l1, m1, o1, _), (l2, m2, o2, step) = run(False), run(True)
    assert l1 == l2
    assert_same_state(m1, o1, m2, o2)
    assert step.stats["recorded"] == 4  # first step, steady state, new lr type, short batch


def test_a_learning_rate_of_another_type_keeps_big_updates_exact():
    """`lr * dW` goes to a buffer of dW's dtype, which is right for a Python float lr only
    (an np.float64 lr makes the product float64): the replay must record again."""
    x, y, p = common.w1_data(0)

    def run(compiled):
        step_fn = lib_ours_nn.w1_step(x, y, p, common.LR_W1)
        opt = next(c.cell_contents for c in step_fn.__closure__
                   if hasattr(c.cell_contents, "param_groups"))
        step = ag_compile(step_fn) if compiled else step_fn
        losses = []
        for i in range(6):
            if i == 3:
                opt.param_groups[0]["lr"] = np.float64(0.01)
            losses.append(step().item())
        return losses, [p.data.copy() for g in opt.param_groups for p in g["params"]]

    (l1, w1), (l2, w2) = run(False), run(True)
    assert l1 == l2
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2))
