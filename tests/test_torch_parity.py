"""Values and gradients against PyTorch, op by op, where PyTorch has the same function.

Skipped cleanly without torch (it is not a dependency; CI installs the CPU build when it can).
Inputs avoid kinks, where the two libraries' conventions are documented to agree anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import nn
from autograd_core import Tensor
from nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

RNG = np.random.default_rng(7)
X = RNG.standard_normal((4, 5)) * 2.0
X[np.abs(X) < 0.05] += 0.2  # away from the kinks at 0


def _ours(f: Callable[[Tensor], Tensor], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = Tensor(x.copy(), requires_grad=True)
    out = f(t)
    (out * Tensor(np.cos(np.arange(out.size)).reshape(out.shape))).sum().backward()
    assert t.grad is not None
    return out.data, t.grad.data


def _theirs(f: Callable[[Any], Any], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = torch.tensor(x, requires_grad=True)
    out = f(t)
    w = torch.tensor(np.cos(np.arange(out.numel())).reshape(tuple(out.shape)))
    (out * w).sum().backward()
    return out.detach().numpy(), t.grad.numpy()


ACTIVATIONS: list[tuple[str, Callable[[Tensor], Tensor], Callable[[Any], Any]]] = [
    ("sigmoid", F.sigmoid, torch.sigmoid),
    ("tanh", F.tanh, torch.tanh),
    ("relu", F.relu, torch.relu),
    ("leaky_relu 0.1", F.leaky_relu, lambda t: TF.leaky_relu(t, 0.1)),
    ("elu", F.elu, TF.elu),
    ("elu 0.5", lambda x: F.elu(x, 0.5), lambda t: TF.elu(t, 0.5)),
    ("selu", F.selu, TF.selu),
    ("gelu", F.gelu, TF.gelu),
    ("gelu tanh", lambda x: F.gelu(x, approximate="tanh"),
     lambda t: TF.gelu(t, approximate="tanh")),
    ("silu", F.silu, TF.silu),
    ("softsign", F.softsign, TF.softsign),
    ("softplus", F.softplus, TF.softplus),
    ("softplus beta 2 threshold 3", lambda x: F.softplus(x, beta=2.0, threshold=3.0),
     lambda t: TF.softplus(t, beta=2.0, threshold=3.0)),
    ("log_sigmoid", F.log_sigmoid, TF.logsigmoid),
    ("hardtanh", F.hardtanh, TF.hardtanh),
    ("hard_sigmoid", F.hard_sigmoid, TF.hardsigmoid),
    ("softmax", lambda x: F.softmax(x, axis=-1), lambda t: torch.softmax(t, dim=-1)),
    ("softmax axis 0", lambda x: F.softmax(x, axis=0), lambda t: torch.softmax(t, dim=0)),
    ("log_softmax", lambda x: F.log_softmax(x, axis=-1), lambda t: torch.log_softmax(t, dim=-1)),
]


TARGET = RNG.standard_normal((4, 5))
PROBS = 1.0 / (1.0 + np.exp(-RNG.standard_normal((4, 5))))
LABELS = np.array([0, 3, 4, 1])

LOSSES: list[tuple[str, Any, Any]] = [
    ("mse", lambda x: F.mse_loss(x, Tensor(TARGET)),
     lambda t: TF.mse_loss(t, torch.tensor(TARGET))),
    ("l1 sum", lambda x: F.l1_loss(x, Tensor(TARGET), reduction="sum"),
     lambda t: TF.l1_loss(t, torch.tensor(TARGET), reduction="sum")),
    ("huber delta 0.7", lambda x: F.huber_loss(x, Tensor(TARGET), delta=0.7),
     lambda t: TF.huber_loss(t, torch.tensor(TARGET), delta=0.7)),
    ("bce", lambda x: F.binary_cross_entropy(F.sigmoid(x), Tensor(PROBS)),
     lambda t: TF.binary_cross_entropy(torch.sigmoid(t), torch.tensor(PROBS))),
    ("bce with logits", lambda x: F.binary_cross_entropy_with_logits(x, Tensor(PROBS)),
     lambda t: TF.binary_cross_entropy_with_logits(t, torch.tensor(PROBS))),
    ("cross_entropy", lambda x: F.cross_entropy(x, LABELS),
     lambda t: TF.cross_entropy(t, torch.tensor(LABELS))),
    ("cross_entropy none", lambda x: F.cross_entropy(x, LABELS, reduction="none"),
     lambda t: TF.cross_entropy(t, torch.tensor(LABELS), reduction="none")),
    ("cross_entropy smoothing 0.1", lambda x: F.cross_entropy(x, LABELS, label_smoothing=0.1),
     lambda t: TF.cross_entropy(t, torch.tensor(LABELS), label_smoothing=0.1)),
    ("cross_entropy weights", lambda x: F.cross_entropy(x, LABELS, weight=np.arange(1.0, 6.0)),
     lambda t: TF.cross_entropy(t, torch.tensor(LABELS), weight=torch.arange(1.0, 6.0,
                                                                          dtype=torch.float64))),
    ("nll", lambda x: F.nll_loss(F.log_softmax(x, axis=1), LABELS),
     lambda t: TF.nll_loss(torch.log_softmax(t, dim=1), torch.tensor(LABELS))),
    ("kl_div batchmean", lambda x: F.kl_div(F.log_softmax(x, axis=1),
                                            Tensor(PROBS / PROBS.sum(1, keepdims=True)),
                                            reduction="batchmean"),
     lambda t: TF.kl_div(torch.log_softmax(t, dim=1),
                         torch.tensor(PROBS / PROBS.sum(1, keepdims=True)),
                         reduction="batchmean")),
]


OPS: list[tuple[str, Any, Any]] = [
    ("matmul batched", lambda x: x.reshape(2, 2, 5) @ Tensor(TARGET.T[:, :3]),
     lambda t: t.reshape(2, 2, 5) @ torch.tensor(TARGET.T[:, :3])),
    ("logsumexp axis 1", lambda x: x.logsumexp(axis=1), lambda t: torch.logsumexp(t, dim=1)),
    ("var ddof 1", lambda x: x.var(axis=0, ddof=1), lambda t: torch.var(t, dim=0)),
    ("std", lambda x: x.std(axis=1, ddof=0), lambda t: torch.std(t, dim=1, correction=0)),
    ("std default", lambda x: x.std(1), lambda t: torch.std(t, dim=1)),
    ("var keepdim", lambda x: x.var(dim=0, keepdim=True), lambda t: torch.var(t, 0, keepdim=True)),
    ("amax axis 1", lambda x: x.amax(axis=1), lambda t: torch.amax(t, dim=1)),
    ("max dim 1", lambda x: x.max(dim=1).values, lambda t: torch.max(t, dim=1).values),
    ("prod axis 0", lambda x: x.prod(axis=0), lambda t: torch.prod(t, dim=0)),
    ("pow 3", lambda x: x ** 3, lambda t: t ** 3),
    ("abs", lambda x: x.abs(), torch.abs),
    ("clip", lambda x: x.clip(-0.5, 0.7), lambda t: torch.clamp(t, -0.5, 0.7)),
    ("index", lambda x: x[[0, 0, 3], 1:4], lambda t: t[[0, 0, 3], 1:4]),
    ("mask", lambda x: x[Tensor(X > 0)], lambda t: t[torch.tensor(X > 0)]),
]


CASES = [("activation " + c[0], *c[1:]) for c in ACTIVATIONS] + \
    [("loss " + c[0], *c[1:]) for c in LOSSES] + [("op " + c[0], *c[1:]) for c in OPS]


@pytest.mark.parametrize("name, ours, theirs", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_pytorch(name: str, ours: Any, theirs: Any) -> None:
    y1, g1 = _ours(ours, X)
    y2, g2 = _theirs(theirs, X)
    np.testing.assert_allclose(y1, y2, rtol=1e-6, atol=1e-9, err_msg=f"{name}: values")
    np.testing.assert_allclose(g1, g2, rtol=1e-6, atol=1e-9, err_msg=f"{name}: gradients")


@pytest.mark.parametrize("name, param", [("linear", None), ("tanh", None), ("sigmoid", None),
                                         ("relu", None), ("leaky_relu", 0.2), ("selu", None)])
def test_calculate_gain_matches_pytorch(name: str, param: Any) -> None:
    assert nn.init.calculate_gain(name, param) == pytest.approx(
        torch.nn.init.calculate_gain(name, param))


def test_linear_layer_matches_pytorch_with_the_same_weights() -> None:
    ours = nn.Linear(5, 3).double()
    theirs = torch.nn.Linear(5, 3).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(ours.weight.data))
        theirs.bias.copy_(torch.tensor(ours.bias.data))
    x = RNG.standard_normal((4, 5))
    (ours(Tensor(x)) ** 2).sum().backward()
    (theirs(torch.tensor(x)) ** 2).sum().backward()
    assert ours.weight.grad is not None and ours.bias.grad is not None
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.bias.grad.data, theirs.bias.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("name", ["relu", "abs"])
def test_second_derivative_through_a_kinked_op_is_zero_like_pytorch(name: str) -> None:
    from autograd_core import grad

    x = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    (g,) = grad(getattr(x, name)().sum(), x, create_graph=True)
    (h,) = grad(g.sum(), x)
    xt = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64, requires_grad=True)
    (gt,) = torch.autograd.grad(getattr(torch, name)(xt).sum(), xt, create_graph=True)
    (ht,) = torch.autograd.grad(gt.sum(), xt)
    np.testing.assert_array_equal(g.data, gt.detach().numpy())
    np.testing.assert_array_equal(h.data, ht.numpy(force=True))  # torch may give a ZeroTensor
