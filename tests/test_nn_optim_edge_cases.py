"""Regressions from the differential check (issue 13) in nn and optim: each edge case gives
PyTorch's answer (compared with it where it is installed) or a clear error."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import nn
import optim
from autograd_core import Tensor, grad
from nn import functional as F

RNG = np.random.default_rng(13)


def _torch() -> Any:
    return pytest.importorskip("torch")


# ---------------------------------------------------------------- cross_entropy / nll_loss

CE_CASES = [
    ("all ignored", (3, 4), [-100, -100, -100], {}),
    ("all ignored, weight", (3, 4), [-100, -100, -100], {"weight": True}),
    ("all ignored, smoothing", (3, 4), [-100, -100, -100], {"label_smoothing": 0.2}),
    ("all ignored, weight and smoothing", (3, 4), [-100, -100, -100],
     {"weight": True, "label_smoothing": 0.2}),
    ("all ignored, (N, C, d)", (2, 3, 2), [[1, 1], [1, 1]], {"ignore_index": 1}),
    ("zero weights, one ignored", (2, 4), [0, -100], {"weight": "zeros"}),
    ("zero weights, smoothing", (2, 4), [0, 2], {"weight": "zeros", "label_smoothing": 0.1}),
    ("some ignored, weight, smoothing", (4, 3), [0, -100, 2, 1],
     {"weight": True, "label_smoothing": 0.3}),
]


def _ce_kwargs(kw: dict[str, Any], c: int, lib: Any) -> dict[str, Any]:
    out = dict(kw)
    if "weight" in kw:
        w = np.array([0.0, 1.0, 0.0, 1.0]) if kw["weight"] == "zeros" else \
            np.linspace(0.5, 2.0, c)
        out["weight"] = w if lib is None else lib.tensor(w)
    return out


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name, shape, target, kw", CE_CASES, ids=[c[0] for c in CE_CASES])
@pytest.mark.parametrize("fn", ["cross_entropy", "nll_loss"])
def test_ignored_rows_and_zero_weights_follow_pytorch(fn: str, name: str, shape: tuple,
                                                      target: list, kw: dict,
                                                      reduction: str) -> None:
    torch = _torch()
    if fn == "nll_loss" and "label_smoothing" in kw:
        pytest.skip("nll_loss has no label smoothing")
    x = RNG.standard_normal(shape)
    t = np.array(target)
    ours_x = Tensor(x.copy(), requires_grad=True)
    loss = getattr(F, fn)(ours_x, t, reduction=reduction, **_ce_kwargs(kw, shape[1], None))
    (loss * Tensor(np.ones(loss.shape))).sum().backward()
    tx = torch.tensor(x, requires_grad=True)
    tl = getattr(torch.nn.functional, fn)(tx, torch.tensor(t), reduction=reduction,
                                          **_ce_kwargs(kw, shape[1], torch))
    tl.sum().backward()
    np.testing.assert_allclose(loss.data, tl.detach().numpy(), rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(ours_x.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-15,
                               equal_nan=True)


def test_all_ignored_mean_is_nan_with_zero_gradient_without_torch() -> None:
    x = Tensor(RNG.standard_normal((3, 4)), requires_grad=True)
    loss = F.cross_entropy(x, np.full(3, -100), weight=np.ones(4), label_smoothing=0.1)
    loss.backward()
    assert np.isnan(loss.item())
    np.testing.assert_array_equal(x.grad.data, np.zeros((3, 4)))


# ---------------------------------------------------------------- binary_cross_entropy

@pytest.mark.parametrize("bad", [5.0, -0.5, math.nan])
def test_binary_cross_entropy_refuses_targets_outside_0_1(bad: float) -> None:
    p = np.array([0.3, 0.6])
    with pytest.raises(ValueError, match="binary_cross_entropy: targets must be in"):
        F.binary_cross_entropy(Tensor(p), Tensor(np.array([bad, 0.0])))
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):  # PyTorch refuses as well
        torch.nn.functional.binary_cross_entropy(torch.tensor(p), torch.tensor([bad, 0.0],
                                                                               dtype=torch.float64))


# ---------------------------------------------------------------- clip_grad_norm_

@pytest.mark.parametrize("b", [[math.nan, 0.0], [math.inf, 0.0], [0.0, 0.0], [-math.inf, 1.0]])
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 0.0, 0.5, 3.0, -1.0, math.inf, -math.inf])
def test_clip_grad_norm_matches_pytorch(b: list[float], norm_type: float) -> None:
    torch = _torch()
    grads = [np.array([1e6, 0.0, 3.0]), np.array(b)]
    ours = [Tensor(np.zeros_like(g), requires_grad=True) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, t, g in zip(ours, theirs, grads):
        p.grad = Tensor(g.copy())
        t.grad = torch.tensor(g.copy())
    with np.errstate(all="ignore"):
        total = nn.utils.clip_grad_norm_(ours, 1.0, norm_type=norm_type)
    want = torch.nn.utils.clip_grad_norm_(theirs, 1.0, norm_type=norm_type)
    np.testing.assert_allclose(total, want.item(), rtol=1e-12, equal_nan=True)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-12, equal_nan=True)


def test_clip_grad_norm_nan_total_makes_every_gradient_nan() -> None:
    a, b = Tensor(np.zeros(2), requires_grad=True), Tensor(np.zeros(1), requires_grad=True)
    a.grad, b.grad = Tensor(np.array([1e6, 1.0])), Tensor(np.array([math.nan]))
    assert math.isnan(nn.utils.clip_grad_norm_([a, b], 1.0))
    assert np.isnan(a.grad.data).all()  # a finite 1e6 left unscaled would be a silent step


def test_clip_grad_norm_error_if_nonfinite_changes_nothing() -> None:
    a = Tensor(np.zeros(2), requires_grad=True)
    a.grad = Tensor(np.array([math.inf, 5.0]))
    with pytest.raises(RuntimeError, match="error_if_nonfinite"):
        nn.utils.clip_grad_norm_([a], 1.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(a.grad.data, [math.inf, 5.0])


@pytest.mark.parametrize("max_norm", [-1.0, math.nan, "1"])
def test_clip_grad_norm_refuses_a_bad_max_norm(max_norm: Any) -> None:
    a = Tensor(np.zeros(2), requires_grad=True)
    a.grad = Tensor(np.ones(2))
    with pytest.raises(ValueError, match="max_norm"):
        nn.utils.clip_grad_norm_([a], max_norm)


# ---------------------------------------------------------------- optimizer hyperparameters

def _p() -> list[Tensor]:
    return [Tensor(np.ones(2), requires_grad=True)]


BAD_HYPER = [
    (optim.SGD, {"lr": math.inf}), (optim.SGD, {"weight_decay": math.inf}),
    (optim.SGD, {"lr": 0.1, "momentum": math.inf}), (optim.SGD, {"lr": 0.1, "dampening": math.nan}),
    (optim.SGD, {"lr": 10 ** 400}), (optim.SGD, {"lr": 0.1, "nesterov": 1}),
    (optim.Adam, {"eps": math.inf}), (optim.Adam, {"lr": -math.inf}),
    (optim.Adam, {"amsgrad": "no"}), (optim.AdamW, {"weight_decay": 10 ** 400}),
    (optim.RMSprop, {"centered": 0}), (optim.RMSprop, {"alpha": math.inf}),
    (optim.Adagrad, {"lr_decay": math.nan}), (optim.Adagrad, {"eps": math.inf}),
]


@pytest.mark.parametrize("cls, kw", BAD_HYPER, ids=[f"{c.__name__}-{k}" for c, k in BAD_HYPER])
def test_optimizers_refuse_nonfinite_or_mistyped_hyperparameters(cls: Any, kw: dict) -> None:
    with pytest.raises((ValueError, TypeError), match="Invalid"):
        cls(_p(), **kw)
    # The same value in a parameter group is refused as well.
    with pytest.raises((ValueError, TypeError), match="Invalid"):
        cls([{"params": _p(), **kw}])


def test_a_huge_integer_hyperparameter_is_refused_before_step() -> None:
    with pytest.raises(ValueError, match="too large for a float"):
        optim.SGD(_p(), lr=10 ** 400)


def test_load_state_dict_refuses_a_bad_hyperparameter_and_changes_nothing() -> None:
    opt = optim.Adam(_p(), lr=0.1)
    sd = opt.state_dict()
    sd["param_groups"][0]["lr"] = math.inf
    with pytest.raises(ValueError, match="Invalid learning rate"):
        opt.load_state_dict(sd)
    assert opt.param_groups[0]["lr"] == 0.1


def test_adagrad_refuses_a_per_group_initial_accumulator_value() -> None:
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        optim.Adagrad([{"params": _p()}, {"params": _p(), "initial_accumulator_value": 0.5}],
                      initial_accumulator_value=0.1)
    opt = optim.Adagrad(_p(), initial_accumulator_value=0.1)
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        opt.add_param_group({"params": _p(), "initial_accumulator_value": 0.0})


def test_adagrad_groups_match_pytorch() -> None:
    torch = _torch()
    x = RNG.standard_normal(3)
    ours = [Tensor(x.copy(), requires_grad=True), Tensor(x.copy(), requires_grad=True)]
    theirs = [torch.tensor(x.copy(), requires_grad=True) for _ in range(2)]
    o = optim.Adagrad([{"params": [ours[0]]}, {"params": [ours[1]], "lr": 0.05}], lr=0.1,
                      initial_accumulator_value=0.3)
    t = torch.optim.Adagrad([{"params": [theirs[0]]}, {"params": [theirs[1]], "lr": 0.05}],
                            lr=0.1, initial_accumulator_value=0.3)
    for _ in range(5):
        for opt, ps in ((o, ours), (t, theirs)):
            opt.zero_grad()
            ((ps[0] * ps[0]).sum() + (ps[1] * ps[1] * ps[1]).sum()).backward()
            opt.step()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-12)


# ---------------------------------------------------------------- zero_grad, 0-d parameters

@pytest.mark.parametrize("set_to_none", [False, True])
def test_zero_grad_clears_a_0d_parameter(set_to_none: bool) -> None:
    p = Tensor(np.array(0.5), requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    for _ in range(3):
        opt.zero_grad(set_to_none=set_to_none)
        (p * p).backward()
        opt.step()
    assert p.item() == pytest.approx(0.5 * 0.8 ** 3)  # each step: p <- p - 0.1 * 2p


# ---------------------------------------------------------------- LayerNorm

@pytest.mark.parametrize("shape", [-1, (2, -1), 2.5, True, None, "3"])
def test_layer_norm_refuses_a_bad_normalized_shape(shape: Any) -> None:
    with pytest.raises(ValueError, match="LayerNorm: normalized_shape"):
        nn.LayerNorm(shape)


# ---------------------------------------------------------------- load_state_dict

BAD_VALUES = [
    ("a string", np.array(["a", "b", "c"])),
    ("objects", np.array([object(), None, 1], dtype=object)),
    ("complex", np.array([1j, 2, 3])),
    ("dates", np.array(["2020-01-01"] * 3, dtype="datetime64[D]")),
    ("overflow", np.array([1e300, 0.0, 0.0])),
]


@pytest.mark.parametrize("name, bad", BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_load_state_dict_checks_every_value_before_writing(name: str, bad: Any) -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 3))
    before = {k: v.copy() for k, v in model.state_dict().items()}
    sd = {k: np.zeros_like(v) for k, v in before.items()}
    sd["1.bias"] = bad  # the last key: every earlier one would be written by a naive loader
    with pytest.raises(RuntimeError, match="1.bias"):
        model.load_state_dict(sd)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


@pytest.mark.parametrize("value, ok", [(np.array(3.0), True), (np.array(math.nan), False),
                                       (np.array(2.5), False), (np.array(2 ** 70), False)])
def test_load_state_dict_checks_integer_buffers(value: np.ndarray, ok: bool) -> None:
    model = nn.BatchNorm1d(2)
    sd = model.state_dict()
    sd["num_batches_tracked"] = value
    if ok:
        model.load_state_dict(sd)
        assert model.num_batches_tracked.item() == 3
    else:
        with pytest.raises(RuntimeError, match="num_batches_tracked"):
            model.load_state_dict(sd)


# ---------------------------------------------------------------- integer inputs, ELU's kink

@pytest.mark.parametrize("loss", [
    lambda x: F.cross_entropy(x, np.array([0])), lambda x: F.nll_loss(x, np.array([0])),
    lambda x: F.mse_loss(x, np.zeros((1, 2))),
])
def test_losses_refuse_integer_input(loss: Any) -> None:
    # int8 logits [-123, 83] gave a cross-entropy of 0 (the shift by the max wrapped around);
    # PyTorch refuses integer input too.
    with pytest.raises(TypeError, match="floating-point"):
        loss(Tensor(np.array([[-123, 83]], dtype=np.int8)))


@pytest.mark.parametrize("name, alpha", [("elu", 0.7), ("selu", None)])
def test_elu_derivatives_at_zero_are_pytorch_s(name: str, alpha: Any) -> None:
    torch = _torch()
    x = np.array([-1.0, 0.0, 0.5, -2.0])
    ours_f = (lambda t: F.elu(t, alpha)) if alpha else F.selu
    theirs_f = (lambda t: torch.nn.functional.elu(t, alpha)) if alpha else torch.nn.functional.selu
    a = Tensor(x, requires_grad=True)
    (g,) = grad(ours_f(a).sum(), a, create_graph=True)
    (h,) = grad(g.sum(), a)
    b = torch.tensor(x, requires_grad=True)
    (tg,) = torch.autograd.grad(theirs_f(b).sum(), b, create_graph=True)
    (th,) = torch.autograd.grad(tg.sum(), b)
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(h.data, th.numpy(), rtol=1e-12, atol=1e-15)  # 0 at x = 0
