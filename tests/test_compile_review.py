"""Adversarial review of compiled steps: steps a learner writes, compiled vs eager, bit for bit.

Each test runs twin models, one eagerly and one compiled, for several calls and compares
everything the user can see (returned values, parameters, and the `.grad`s kept from every
call) with `np.array_equal`, and checks that the compiled calls really were replays.
"""

from __future__ import annotations

import numpy as np
import pytest

import nn
import optim
from autograd_core import Tensor, no_grad
from autograd_core.compile import compile as ag_compile

X, Y = nn.make_moons(64, noise=0.1, seed=0)


def _mlp(seed=0):
    nn.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2))


def _twin_runs(make_step, calls=6, between=None):
    """(eager run, compiled run): per call, the result and copies of what the user kept."""
    runs = []
    for compiled in (False, True):
        step, model = make_step()
        fn = ag_compile(step) if compiled else step
        kept = []
        for i in range(calls):
            if between is not None:
                between(i)
            out = fn(X, Y)
            kept.append((out, [p.grad for p in model.parameters()]))
        # Copy only now: a replay that overwrote an array kept from an earlier call shows here.
        seen = [(np.array(out.data), [None if g is None else np.array(g.data) for g in grads])
                for out, grads in kept]
        runs.append((seen, [np.array(p.data) for p in model.parameters()], fn))
    return runs


def _assert_same(runs, replays):
    (e_seen, e_params, _), (c_seen, c_params, step) = runs
    for (eo, eg), (co, cg) in zip(e_seen, c_seen):
        assert np.array_equal(eo, co)
        for a, b in zip(eg, cg):
            assert (a is None) == (b is None)
            if a is not None:
                assert np.array_equal(a, b)
    for a, b in zip(e_params, c_params):
        assert np.array_equal(a, b)
    assert step.stats["replayed"] >= replays and step.stats["eager"] == 0


def test_zero_grad_set_to_none_false_zeroes_kept_gradients_as_eager_does():
    """zero_grad(set_to_none=False) fills the old .grad arrays with zeros in place. The
    recording used to take its other branch (a new zeros tensor), so a replay left a .grad
    the user kept from the previous call unchanged where the eager step zeroed it."""
    def make():
        model = _mlp()
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

        def step(x, y):
            opt.zero_grad(set_to_none=False)
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss
        return step, model
    _assert_same(_twin_runs(make), replays=4)


def test_gradient_accumulation_over_calls_with_zero_grad_every_other_call():
    def make():
        model = _mlp()
        opt = optim.Adam(model.parameters(), lr=0.01)
        calls = [0]

        def step(x, y):
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            return loss
        return step, model, opt, calls
    runs = []
    for compiled in (False, True):
        step, model, opt, _ = make()
        fn = ag_compile(step) if compiled else step
        losses = []
        for i in range(8):
            losses.append(fn(X, Y).item())
            if i % 2:
                opt.step()
                opt.zero_grad(set_to_none=False)
        runs.append((losses, [np.array(p.data) for p in model.parameters()],
                     [np.array(p.grad.data) for p in model.parameters()]))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1] + runs[0][2], runs[1][1] + runs[1][2]):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("where", ["iadd", "setitem"])
def test_in_place_ops_on_activations_inside_the_step(where):
    """`h += 1` and `h[0] = 0` on a tensor computed in the step used to be refused (the
    in-place op asks `.base is None`, which a recording treated as reading the memory)."""
    def make():
        model = _mlp()
        opt = optim.SGD(model.parameters(), lr=0.1)

        def step(x, y):
            opt.zero_grad()
            h = model[0](x)
            if where == "iadd":
                h += 1
            else:
                h[0] = 0.0
            loss = nn.functional.cross_entropy(model[4](model[3](model[2](model[1](h)))), y)
            loss.backward()
            opt.step()
            return loss
        return step, model
    _assert_same(_twin_runs(make), replays=4)


LR = 0.1


def test_hand_written_sgd_with_a_global_learning_rate_changed_between_calls():
    """micrograd's update (`p -= lr * p.grad` under no_grad) with a schedule kept in a module
    global that the caller halves between calls: each replay reads the current value."""
    def make():
        model = _mlp()

        def step(x, y):
            for p in model.parameters():
                p.grad = None
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            with no_grad():
                for p in model.parameters():
                    p -= LR * p.grad
            return loss
        return step, model

    def halve(i):
        global LR
        LR = 0.1 if i == 0 else LR * 0.5
    runs = _twin_runs(make, between=halve)
    # A global number is a constant of the recording, checked before each replay: a new
    # value is recorded again (the schedule's values repeat nothing here, so no replays).
    _assert_same(runs, replays=0)
    assert runs[1][2].stats["recorded"] == 6


def test_kept_results_and_grads_are_not_overwritten_by_later_replays():
    """Everything returned or left in .grad by one call stays what it was after the next."""
    def make():
        nn.manual_seed(0)
        model = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                              nn.Linear(128, 2))
        opt = optim.Adam(model.parameters(), lr=0.01)

        def step(x, y):
            logits = model(x)
            loss = nn.functional.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return Tensor(np.stack([loss.detach().numpy().repeat(2), logits.detach()[0].numpy()]))
        return step, model
    _assert_same(_twin_runs(make), replays=4)


@pytest.mark.parametrize("change", ["freeze", "unfreeze", "add_param_group"])
def test_state_changed_after_recording_is_seen_by_the_replay(change):
    """requires_grad_(False) on a recorded parameter used to go unnoticed: the replay kept
    computing and applying its gradient, where the eager step leaves it alone."""
    def make():
        model = _mlp()
        first, rest = list(model[0].parameters()), list(model[2].parameters()) + \
            list(model[4].parameters())
        opt = optim.SGD(rest if change == "add_param_group" else model.parameters(),
                        lr=0.1, momentum=0.9)

        def step(x, y):
            loss = nn.functional.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        def between(i):
            if i == 0 and change == "unfreeze":
                model[0].weight.requires_grad_(False)
            if i == 3:
                if change == "freeze":
                    model[0].weight.requires_grad_(False)
                elif change == "unfreeze":
                    model[0].weight.requires_grad_(True)
                else:
                    opt.add_param_group({"params": first, "lr": 0.05})
        step.between = between
        return step, model
    made = {}

    def make_and_keep():
        made["step"], model = make()
        return made["step"], model
    _assert_same(_twin_runs(make_and_keep, calls=8, between=lambda i: made["step"].between(i)),
                 replays=3)


SCRIPT = '''
import autograd_core as ag
from autograd_core import nn, optim

nn.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
nn.manual_seed(0)
twin = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
twin_opt = optim.SGD(twin.parameters(), lr=0.1, momentum=0.9)


@ag.compile
def step(x, y):
    loss = nn.functional.cross_entropy(model(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss


def eager_step(x, y):
    loss = nn.functional.cross_entropy(twin(x), y)
    twin_opt.zero_grad()
    loss.backward()
    twin_opt.step()
    return loss


x, y = nn.make_moons(100, noise=0.1, seed=0)
for i in range(8):
    a, b = step(x, y).item(), eager_step(x, y).item()
    assert a == b, (i, a, b)
assert step.stats["replayed"] >= 5, step.stats
print("ok", step.stats)
'''


def test_a_step_in_a_script_reading_module_globals_replays(tmp_path):
    # The step reads `model` and `opt` from its module's globals while the library's own
    # functions read theirs: each globals dict must keep its own name in the replay's checks
    # (they once shared one, and the first replay died with KeyError: 'model').
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
                          timeout=120)
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stderr[-2000:]
