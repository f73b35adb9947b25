"""Losses: values vs independent numpy formulas, reductions, gradcheck, stability, errors,
NaN propagation, and PyTorch parity when torch is installed."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd_core import Tensor, gradcheck, gradgradcheck
from nn import F


def _lse(z, axis):
    m = z.max(axis=axis, keepdims=True)
    return np.log(np.exp(z - m).sum(axis=axis, keepdims=True)) + m


def _red(v, reduction):
    return {"mean": v.mean(), "sum": v.sum(), "none": v}[reduction]


@pytest.fixture
def xy(rng):
    return rng.standard_normal((4, 3)), rng.standard_normal((4, 3))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses(xy, reduction):
    x, y = xy
    d = x - y
    cases = [
        (F.mse_loss(Tensor(x), y, reduction), d**2),
        (F.l1_loss(Tensor(x), y, reduction), np.abs(d)),
        (F.huber_loss(Tensor(x), y, reduction, delta=0.7),
         np.where(np.abs(d) < 0.7, 0.5 * d**2, 0.7 * (np.abs(d) - 0.35))),
        (F.hinge_loss(Tensor(x), np.sign(y), reduction=reduction),
         np.maximum(0, 1 - np.sign(y) * x)),
    ]
    for got, pointwise in cases:
        np.testing.assert_allclose(got.data, _red(pointwise, reduction), rtol=1e-12)


def test_bce_and_with_logits(rng):
    z = rng.standard_normal((5, 2)) * 3
    y = (rng.random((5, 2)) > 0.5).astype(float)
    p = 1 / (1 + np.exp(-z))
    ref = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(F.binary_cross_entropy(Tensor(p), y).data, ref.mean(), rtol=1e-10)
    np.testing.assert_allclose(F.binary_cross_entropy_with_logits(Tensor(z), y, reduction="none"
                                                                  ).data, ref, rtol=1e-10)
    pw = np.array([2.0, 0.5])
    ref_pw = -(pw * y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(
        F.binary_cross_entropy_with_logits(Tensor(z), y, reduction="sum", pos_weight=pw).data,
        ref_pw.sum(), rtol=1e-10)
    w = rng.random((5, 2))
    np.testing.assert_allclose(F.binary_cross_entropy(Tensor(p), y, weight=w, reduction="sum"
                                                      ).data, (w * ref).sum(), rtol=1e-10)


def test_bce_extremes_are_finite_and_clamped():
    z = Tensor(np.array([-1000.0, 1000.0, 0.0]), requires_grad=True)
    y = np.array([1.0, 0.0, 1.0])
    loss = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    np.testing.assert_allclose(loss.data, [1000.0, 1000.0, np.log(2)])
    loss.sum().backward()
    np.testing.assert_allclose(z.grad.data, [-1.0, 1.0, -0.5])
    p = F.binary_cross_entropy(Tensor(np.array([0.0, 1.0])), np.array([1.0, 0.0]),
                               reduction="none")
    np.testing.assert_allclose(p.data, [100.0, 100.0])  # PyTorch's log clamp at -100
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        F.binary_cross_entropy(Tensor(np.array([1.5])), np.array([1.0]))


def _ce_ref(z, t, w=None, eps=0.0, ignore=-100):
    logp = z - _lse(z, 1)
    n, c = z.shape
    w = np.ones(c) if w is None else w
    keep = t != ignore
    ts = np.where(keep, t, 0)
    nll = -logp[np.arange(n), ts] * w[ts] * keep
    smooth = -(logp * w).sum(1) * keep
    per = (1 - eps) * nll + eps / c * smooth
    mean = ((1 - eps) * nll.sum() / (w[ts] * keep).sum()
            + eps / c * smooth.sum() / (w[ts] * keep).sum())
    return per, mean


@pytest.mark.parametrize("eps", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_matches_formula(rng, eps, weighted):
    z = rng.standard_normal((6, 4))
    t = np.array([0, 3, 1, 1, 2, -100])
    w = rng.random(4) + 0.5 if weighted else None
    per, mean = _ce_ref(z, t, w, eps)
    kw = dict(weight=w, label_smoothing=eps)
    np.testing.assert_allclose(F.cross_entropy(Tensor(z), t, **kw).data, mean, rtol=1e-10)
    np.testing.assert_allclose(F.cross_entropy(Tensor(z), t, reduction="sum", **kw).data,
                               per.sum(), rtol=1e-10)
    np.testing.assert_allclose(F.cross_entropy(Tensor(z), t, reduction="none", **kw).data,
                               per, rtol=1e-10)
    zt = Tensor(z, requires_grad=True)
    assert gradcheck(lambda a: F.cross_entropy(a, t, **kw), (zt,))


def test_cross_entropy_target_forms_agree(rng):
    z = rng.standard_normal((5, 3))
    t = np.array([2, 0, 1, 1, 0])
    ref = F.cross_entropy(Tensor(z), t).data
    for target in (t.astype(np.int32), Tensor(t), Tensor(t.astype(float)), t.astype(float),
                   list(t)):
        np.testing.assert_allclose(F.cross_entropy(Tensor(z), target).data, ref, rtol=1e-12)
    # probabilities with the input's shape: one-hot gives the same loss
    np.testing.assert_allclose(F.cross_entropy(Tensor(z), np.eye(3)[t]).data, ref, rtol=1e-12)
    soft = rng.dirichlet(np.ones(3), 5)
    np.testing.assert_allclose(F.cross_entropy(Tensor(z), soft).data,
                               -(soft * (z - _lse(z, 1))).sum(1).mean(), rtol=1e-10)
    # fused path and general path agree, and (N, C, d) is handled as PyTorch does
    np.testing.assert_allclose(F.cross_entropy(Tensor(z), t, reduction="sum").data / 5, ref,
                               rtol=1e-12)
    z3 = rng.standard_normal((2, 3, 4))
    t3 = rng.integers(0, 3, (2, 4))
    flat = z3.transpose(0, 2, 1).reshape(-1, 3)
    np.testing.assert_allclose(F.cross_entropy(Tensor(z3), t3).data,
                               _ce_ref(flat, t3.reshape(-1))[1], rtol=1e-10)
    np.testing.assert_allclose(F.cross_entropy(Tensor(z[0]), t[0]).data,
                               _ce_ref(z[:1], t[:1])[1], rtol=1e-10)


def test_cross_entropy_errors():
    z = Tensor(np.zeros((2, 3)))
    with pytest.raises(IndexError, match="index 3 is out of range for 3 classes"):
        F.cross_entropy(z, np.array([0, 3]))
    with pytest.raises(IndexError, match="index -2 is out of range for 3 classes"):
        F.cross_entropy(z, np.array([-2, 0]))
    with pytest.raises(TypeError, match="integers"):
        F.cross_entropy(z, np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="shape"):
        F.cross_entropy(z, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(z, np.array([0, 1]), reduction="avg")


def test_cross_entropy_extreme_logits_are_stable():
    z = Tensor(np.array([[1e4, 0.0, -1e4], [-1e30, 1e30, 0.0]]), requires_grad=True)
    loss = F.cross_entropy(z, np.array([2, 1]), reduction="sum")
    np.testing.assert_allclose(loss.data, 2e4)
    loss.backward()
    np.testing.assert_allclose(z.grad.data, [[1, 0, -1], [0, 0, 0]], atol=1e-12)
    smooth = F.cross_entropy(z.detach(), np.array([2, 1]), label_smoothing=0.1)
    assert np.isfinite(smooth.data) and smooth.data > 1e4


def test_nan_propagates_through_losses():
    nan = np.array([[np.nan, 0.0, 1.0], [0.1, 0.2, 0.3]])
    y = np.zeros((2, 3))
    for loss in (F.mse_loss(Tensor(nan), y), F.l1_loss(Tensor(nan), y),
                 F.huber_loss(Tensor(nan), y), F.binary_cross_entropy_with_logits(Tensor(nan), y),
                 F.cross_entropy(Tensor(nan), np.array([1, 0])),
                 F.cross_entropy(Tensor(nan), np.array([1, 0]), label_smoothing=0.1),
                 F.nll_loss(Tensor(nan), np.array([0, 0])), F.hinge_loss(Tensor(nan), y),
                 F.kl_div(Tensor(nan), np.full((2, 3), 1 / 3))):
        assert np.isnan(loss.data), loss


def test_nll_loss(rng):
    logp = rng.standard_normal((4, 3))
    t = np.array([0, 2, 2, 1])
    np.testing.assert_allclose(F.nll_loss(Tensor(logp), t).data,
                               -logp[np.arange(4), t].mean(), rtol=1e-12)
    np.testing.assert_allclose(F.nll_loss(Tensor(logp), t, ignore_index=2).data,
                               -logp[[0, 3], [0, 1]].mean(), rtol=1e-12)


def test_kl_div(rng):
    q = rng.dirichlet(np.ones(4), 3)
    p = rng.dirichlet(np.ones(4), 3)
    p[0, 1] = 0.0  # a zero target contributes 0, not NaN
    pointwise = np.where(p > 0, p * (np.log(np.where(p > 0, p, 1)) - np.log(q)), 0)
    np.testing.assert_allclose(F.kl_div(Tensor(np.log(q)), p, reduction="batchmean").data,
                               pointwise.sum() / 3, rtol=1e-12)
    np.testing.assert_allclose(F.kl_div(Tensor(np.log(q)), p).data, pointwise.mean(), rtol=1e-12)
    np.testing.assert_allclose(F.kl_div(Tensor(np.log(q)), np.log(p + 1e-300), log_target=True,
                                        reduction="sum").data, pointwise.sum(), rtol=1e-9)
    lq = Tensor(np.log(q), requires_grad=True)
    assert gradcheck(lambda a: F.kl_div(a, p, reduction="batchmean"), (lq,))


@pytest.mark.parametrize("f", [
    F.mse_loss, F.l1_loss, lambda a, b: F.huber_loss(a, b, delta=0.5),
    F.binary_cross_entropy_with_logits,
    lambda a, b: F.binary_cross_entropy(a.sigmoid(), (b > 0).astype(float)),
    lambda a, b: F.hinge_loss(a, np.sign(b), reduction="sum"),
])
def test_loss_gradients(rng, f):
    x = Tensor(rng.standard_normal((3, 4)), requires_grad=True)
    y = rng.standard_normal((3, 4)) * 0.5 + 0.3
    assert gradcheck(lambda a: f(a, y), (x,))


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match=r"\(4, 1\).*\(4,\)"):
        F.mse_loss(Tensor(np.zeros((4, 1))), np.zeros(4))


def test_loss_modules_match_functions(rng):
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    t = np.array([0, 2, 1, 1])
    pairs = [
        (nn.MSELoss(reduction="sum")(Tensor(x), y), F.mse_loss(Tensor(x), y, "sum")),
        (nn.L1Loss()(Tensor(x), y), F.l1_loss(Tensor(x), y)),
        (nn.HuberLoss(delta=2.0)(Tensor(x), y), F.huber_loss(Tensor(x), y, delta=2.0)),
        (nn.BCEWithLogitsLoss()(Tensor(x), (y > 0) * 1.0),
         F.binary_cross_entropy_with_logits(Tensor(x), (y > 0) * 1.0)),
        (nn.BCELoss()(Tensor(x).sigmoid(), (y > 0) * 1.0),
         F.binary_cross_entropy(Tensor(x).sigmoid(), (y > 0) * 1.0)),
        (nn.CrossEntropyLoss(label_smoothing=0.1)(Tensor(x), t),
         F.cross_entropy(Tensor(x), t, label_smoothing=0.1)),
        (nn.NLLLoss()(Tensor(x), t), F.nll_loss(Tensor(x), t)),
        (nn.HingeLoss()(Tensor(x), np.sign(y)), F.hinge_loss(Tensor(x), np.sign(y))),
        (nn.KLDivLoss("batchmean")(Tensor(x), np.abs(y)),
         F.kl_div(Tensor(x), np.abs(y), "batchmean")),
    ]
    for a, b in pairs:
        np.testing.assert_array_equal(a.data, b.data)
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="batchmean")
    assert F.hinge is F.hinge_loss


def test_parity_with_pytorch(rng):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    z = rng.standard_normal((6, 4))
    t = np.array([0, 3, 1, 1, 2, 2])
    w = rng.random(4) + 0.5
    for kw in ({}, {"label_smoothing": 0.3}, {"reduction": "none"}):
        ours = F.cross_entropy(Tensor(z), t, weight=w, **kw).data
        theirs = tf.cross_entropy(torch.tensor(z), torch.tensor(t), weight=torch.tensor(w), **kw)
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10)
    y = rng.standard_normal((6, 4))
    np.testing.assert_allclose(F.huber_loss(Tensor(z), y, delta=0.5).data,
                               tf.huber_loss(torch.tensor(z), torch.tensor(y), delta=0.5).numpy())


def test_bce_clamps_the_log_not_the_input_as_pytorch():
    # PyTorch clamps log(p) at -100. Clamping p at e^-100 instead is the same in float64 but
    # not in float32, where e^-100 is subnormal (the loss came out 99.98); and it zeroed the
    # gradient at p = 0, where PyTorch's is (p - y) / max(p (1 - p), 1e-12).
    p = Tensor(np.array([0.0, 1.0, 1e-30, 0.3], dtype=np.float32), requires_grad=True)
    y = np.array([1.0, 0.0, 1.0, 1.0], dtype=np.float32)
    loss = F.binary_cross_entropy(p, y, reduction="none")
    assert loss.dtype == np.float32
    pd = np.array([0.0, 1.0, 1e-30, 0.3])  # float64 copy for the reference
    with np.errstate(divide="ignore"):
        want = np.minimum(-np.log(np.where(y == 1, pd, 1 - pd)), 100.0)
    np.testing.assert_allclose(loss.data, want, rtol=1e-6)
    loss.sum().backward()
    np.testing.assert_allclose(p.grad.data, (pd - y) / np.maximum(pd * (1 - pd), 1e-12),
                               rtol=1e-5)


def test_bce_gradcheck_in_input_and_target(rng):
    p = Tensor(rng.uniform(0.05, 0.95, (3, 4)), requires_grad=True)
    t = Tensor(rng.uniform(0.0, 1.0, (3, 4)), requires_grad=True)  # soft targets
    w = rng.random((3, 4))
    assert gradcheck(lambda a, b: F.binary_cross_entropy(a, b, weight=w), (p, t))
    assert gradgradcheck(lambda a, b: F.binary_cross_entropy(a, b, reduction="sum"), (p, t))
