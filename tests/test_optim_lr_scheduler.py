"""Learning-rate schedulers: each sequence against its closed-form formula (PyTorch's docs)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import optim
from autograd_core import Tensor
from optim import lr_scheduler as S

EPOCHS = 30


def _opt(lr=0.1, groups=1):
    return optim.SGD([{"params": [Tensor([0.0], requires_grad=True)], "lr": lr * (i + 1)}
                      for i in range(groups)], lr=lr)


def _run(sched, epochs=EPOCHS):
    """The lr of each group at epochs 0..epochs-1 (construction is epoch 0)."""
    out = [sched.get_last_lr()]
    for _ in range(epochs - 1):
        sched.optimizer.step()
        sched.step()
        out.append(sched.get_last_lr())
        assert out[-1] == [g["lr"] for g in sched.optimizer.param_groups]
    return np.array(out)


def test_step_lr():
    got = _run(S.StepLR(_opt(groups=2), step_size=4, gamma=0.5))
    e = np.arange(EPOCHS)[:, None]
    np.testing.assert_allclose(got, np.array([[0.1, 0.2]]) * 0.5 ** (e // 4), rtol=1e-12)


def test_multistep_lr_with_repeated_milestone():
    got = _run(S.MultiStepLR(_opt(), milestones=[3, 7, 7, 20], gamma=0.1))
    passed = np.array([sum(m <= e for m in (3, 7, 7, 20)) for e in range(EPOCHS)])
    np.testing.assert_allclose(got[:, 0], 0.1 * 0.1 ** passed, rtol=1e-12)


def test_exponential_lr():
    got = _run(S.ExponentialLR(_opt(), gamma=0.9))
    np.testing.assert_allclose(got[:, 0], 0.1 * 0.9 ** np.arange(EPOCHS), rtol=1e-12)


@pytest.mark.parametrize("T,eta_min", [(10, 0.0), (7, 0.01), (1, 0.0)])
def test_cosine_annealing_follows_the_closed_form_over_periods(T, eta_min):
    got = _run(S.CosineAnnealingLR(_opt(), T_max=T, eta_min=eta_min), epochs=3 * T + 2)
    e = np.arange(3 * T + 2)
    want = eta_min + (0.1 - eta_min) * (1 + np.cos(np.pi * e / T)) / 2
    np.testing.assert_allclose(got[:, 0], want, rtol=1e-9, atol=1e-12)


def test_lambda_lr_one_function_per_group():
    sched = S.LambdaLR(_opt(groups=2), [lambda e: 1 / (e + 1), lambda e: 0.95 ** e])
    got = _run(sched)
    e = np.arange(EPOCHS)
    np.testing.assert_allclose(got[:, 0], 0.1 / (e + 1), rtol=1e-12)
    np.testing.assert_allclose(got[:, 1], 0.2 * 0.95 ** e, rtol=1e-12)
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        S.LambdaLR(_opt(groups=2), [lambda e: 1.0])


def test_schedulers_chain_on_one_optimizer():
    opt = _opt()
    a = S.StepLR(opt, step_size=5, gamma=0.5)
    b = S.ExponentialLR(opt, gamma=0.9)
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(EPOCHS - 1):
        opt.step()
        a.step()
        b.step()
        lrs.append(opt.param_groups[0]["lr"])
    e = np.arange(EPOCHS)
    np.testing.assert_allclose(lrs, 0.1 * 0.9 ** e * 0.5 ** (e // 5), rtol=1e-12)


def test_the_optimizer_uses_the_scheduled_rate():
    p = Tensor([0.0], requires_grad=True)
    opt = optim.SGD([p], lr=1.0)
    sched = S.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        p.grad = Tensor([-1.0])
        opt.step()
        sched.step()
    np.testing.assert_allclose(p.data, [1.0 + 0.5 + 0.25])


def test_reduce_on_plateau_min_rel():
    opt = _opt(lr=0.1)
    sched = S.ReduceLROnPlateau(opt, factor=0.5, patience=2)
    metrics = [1.0, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.49996, 0.3, 0.3]
    # bad-epoch count: 0 0 1 2 3→cut 1 2 3→cut 0 ... ; 0.49996 is not 1e-4 (relative) below 0.5
    want = [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025]
    got = []
    for m in metrics:
        sched.step(m)
        got.append(sched.get_last_lr()[0])
    np.testing.assert_allclose(got, want)


def test_reduce_on_plateau_cooldown_min_lr_and_max_abs_mode():
    opt = _opt(lr=0.1)
    sched = S.ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=0, threshold=0.5,
                                threshold_mode="abs", cooldown=1, min_lr=0.005)
    # best starts at -inf: 1.0 improves; 1.4 is not > 1.0 + 0.5: cut; cooldown swallows one
    # bad epoch; then cut again, floored at min_lr; at the floor nothing changes.
    got = []
    for m in [1.0, 1.4, 1.4, 1.4, 1.4, 1.4]:
        sched.step(m)
        got.append(opt.param_groups[0]["lr"])
    np.testing.assert_allclose(got, [0.1, 0.01, 0.01, 0.005, 0.005, 0.005])


def test_reduce_on_plateau_validation():
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        S.ReduceLROnPlateau(_opt(), factor=1.5)
    with pytest.raises(ValueError, match="mode avg is unknown"):
        S.ReduceLROnPlateau(_opt(), mode="avg")


def test_scheduler_state_dict_round_trip():
    opt = _opt()
    sched = S.CosineAnnealingLR(opt, T_max=10)
    for _ in range(4):
        sched.step()
    sd = sched.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 4
    opt2 = _opt()
    opt2.param_groups[0]["lr"] = opt.param_groups[0]["lr"]
    s2 = S.CosineAnnealingLR(opt2, T_max=10)
    s2.load_state_dict(sd)
    sched.step()
    s2.step()
    assert math.isclose(sched.get_last_lr()[0], s2.get_last_lr()[0], rel_tol=1e-12)


def test_scheduler_needs_an_optimizer():
    with pytest.raises(TypeError, match="expected an Optimizer"):
        S.StepLR([0.1], step_size=1)
    with pytest.raises(KeyError, match="initial_lr"):
        S.StepLR(_opt(), step_size=1, last_epoch=3)


@pytest.mark.parametrize("name,kw", [
    ("StepLR", dict(step_size=3, gamma=0.7)), ("MultiStepLR", dict(milestones=[2, 5, 5])),
    ("ExponentialLR", dict(gamma=0.8)), ("CosineAnnealingLR", dict(T_max=6, eta_min=0.001)),
])
def test_against_torch(name, kw):
    torch = pytest.importorskip("torch")
    tp = torch.zeros(1, requires_grad=True)
    topt = torch.optim.SGD([tp], lr=0.1)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kw)
    sched = getattr(S, name)(_opt(), **kw)
    for _ in range(20):
        assert math.isclose(sched.get_last_lr()[0], tsched.get_last_lr()[0], rel_tol=1e-12)
        topt.step()
        tsched.step()
        sched.step()
