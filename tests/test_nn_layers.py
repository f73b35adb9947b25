"""Layers: Linear, Maxout, Dropout, BatchNorm1d, LayerNorm, Flatten, Identity, Embedding; and
the micrograd-style scalar Neuron/Layer/MLP."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd_core import Tensor, Value, gradcheck
from nn import F


def test_linear_values_layout_and_gradcheck(rng):
    lin = nn.Linear(3, 2)
    assert lin.weight.shape == (2, 3) and lin.bias.shape == (2,)
    x = rng.standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(lin(x).data, x @ lin.weight.data.T + lin.bias.data, rtol=1e-6)
    assert lin(rng.standard_normal((2, 4, 3))).shape == (2, 4, 2)
    assert nn.Linear(3, 2, bias=False).bias is None
    assert [n for n, _ in nn.Linear(3, 2, bias=False).named_parameters()] == ["weight"]
    w = Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    b = Tensor(rng.standard_normal(2), requires_grad=True)
    xt = Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    assert gradcheck(F.linear, (xt, w, b))
    with pytest.raises(ValueError, match=r"shape \(5, 4\).*size 3"):
        lin(np.ones((5, 4)))


def test_maxout_layer(rng):
    m = nn.Maxout(3, 2, pieces=3, rng=rng)
    assert m.weight.shape == (6, 3)
    x = rng.standard_normal((4, 3))
    z = x @ m.weight.data.T.astype(np.float64) + m.bias.data
    np.testing.assert_allclose(m(x.astype(np.float32)).data,
                               z.reshape(4, 2, 3).max(axis=2), rtol=1e-5)
    # gradient reaches only the winning piece's row
    m.zero_grad()
    x1 = np.array([[1.0, -2.0, 0.5]], dtype=np.float32)
    m(x1).sum().backward()
    win = (x1 @ m.weight.data.T + m.bias.data).reshape(2, 3).argmax(axis=1)
    rows_with_grad = np.nonzero(np.abs(m.weight.grad.data).sum(axis=1))[0]
    np.testing.assert_array_equal(rows_with_grad, np.array([0, 3]) + win)
    m.double()
    xt = Tensor(rng.standard_normal((3, 3)), requires_grad=True)
    assert gradcheck(lambda a, w, b: F.maxout(F.linear(a, w, b), 3),
                     (xt, m.weight, m.bias))


def test_dropout_train_and_eval(rng):
    d = nn.Dropout(0.25, rng=np.random.default_rng(0))
    x = Tensor(np.ones((200, 100)), requires_grad=True)
    y = d(x)
    kept = y.data != 0
    assert abs(kept.mean() - 0.75) < 0.01
    np.testing.assert_allclose(y.data[kept], 1 / 0.75)  # inverted: survivors are scaled up
    assert abs(y.data.mean() - 1.0) < 0.02  # expectation unchanged
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, kept / 0.75)
    d.eval()
    assert d(x) is x
    assert np.all(nn.Dropout(1.0)(x).data == 0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        nn.Dropout(1.5)


def test_dropout_reproducible_with_manual_seed():
    d = nn.Dropout(0.5)
    nn.manual_seed(3)
    a = d(Tensor(np.ones(50))).data
    nn.manual_seed(3)
    b = d(Tensor(np.ones(50))).data
    np.testing.assert_array_equal(a, b)


def test_batchnorm_training_eval_and_running_stats(rng):
    bn = nn.BatchNorm1d(3)
    x = rng.standard_normal((8, 3)) * 2 + 5
    y = bn(Tensor(x))
    np.testing.assert_allclose(y.data, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-5)
    # running stats: momentum 0.1 and the unbiased variance, as PyTorch
    np.testing.assert_allclose(bn.running_mean.data, 0.1 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.data, 0.9 + 0.1 * x.var(0, ddof=1), rtol=1e-5)
    assert int(bn.num_batches_tracked.data) == 1
    bn.eval()
    x2 = rng.standard_normal((4, 3))
    rm, rv = bn.running_mean.data.copy(), bn.running_var.data.copy()
    np.testing.assert_allclose(bn(Tensor(x2)).data, (x2 - rm) / np.sqrt(rv + 1e-5), rtol=1e-5)
    np.testing.assert_array_equal(bn.running_mean.data, rm)  # eval does not update
    # (N, C, L) input: statistics over N and L
    bn3 = nn.BatchNorm1d(2)
    x3 = rng.standard_normal((4, 2, 5))
    ref = (x3 - x3.mean((0, 2), keepdims=True)) / np.sqrt(x3.var((0, 2), keepdims=True) + 1e-5)
    np.testing.assert_allclose(bn3(Tensor(x3)).data, ref, rtol=1e-5)
    with pytest.raises(ValueError, match="expects 3 features but the input has 5"):
        bn(Tensor(np.ones((4, 5))))


def test_batchnorm_gradcheck_and_state_dict(rng):
    w = Tensor(rng.standard_normal(3), requires_grad=True)
    b = Tensor(rng.standard_normal(3), requires_grad=True)
    x = Tensor(rng.standard_normal((6, 3)), requires_grad=True)
    assert gradcheck(lambda a, ww, bb: F.batch_norm(a, None, None, ww, bb, training=True),
                     (x, w, b))
    src = nn.BatchNorm1d(3)
    src(Tensor(rng.standard_normal((5, 3)).astype(np.float32)))
    dst = nn.BatchNorm1d(3)
    dst.load_state_dict(src.state_dict())
    np.testing.assert_array_equal(dst.running_var.data, src.running_var.data)


def test_layernorm(rng):
    ln = nn.LayerNorm(4)
    x = rng.standard_normal((3, 4))
    ref = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(ln(Tensor(x)).data, ref, rtol=1e-5)
    w = Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    b = Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    xt = Tensor(rng.standard_normal((4, 2, 3)), requires_grad=True)
    assert gradcheck(lambda a, ww, bb: F.layer_norm(a, (2, 3), ww, bb), (xt, w, b))
    with pytest.raises(ValueError, match="normalized shape"):
        ln(Tensor(np.ones((3, 5))))


def test_flatten_identity_embedding(rng):
    x = Tensor(rng.standard_normal((2, 3, 4)))
    assert nn.Flatten()(x).shape == (2, 12) and nn.Flatten(0)(x).shape == (24,)
    assert nn.Identity()(x) is x
    emb = nn.Embedding(5, 3, rng=rng)
    idx = np.array([[0, 4], [4, 1]])
    np.testing.assert_array_equal(emb(idx).data, emb.weight.data[idx])
    np.testing.assert_array_equal(emb(Tensor(idx)).data, emb.weight.data[idx])
    emb(idx).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.data[:, 0], [1, 1, 0, 0, 2])
    with pytest.raises(IndexError, match="index 5 is out of range for 5 embeddings"):
        emb(np.array([5]))
    pad = nn.Embedding(4, 2, padding_idx=0)
    assert np.all(pad.weight.data[0] == 0)
    pad(np.array([0, 0, 2])).sum().backward()
    np.testing.assert_array_equal(pad.weight.grad.data[:, 0], [0, 0, 1, 0])


def test_layer_reprs():
    assert repr(nn.BatchNorm1d(3)).startswith("BatchNorm1d(3, eps=1e-05, momentum=0.1")
    assert repr(nn.Embedding(5, 3)) == "Embedding(5, 3)"
    assert repr(nn.Maxout(2, 3, 4)) == "Maxout(in_features=2, out_features=3, pieces=4)"


def test_tensor_mlp_trains(rng):
    nn.manual_seed(0)
    X = rng.standard_normal((64, 2)).astype(np.float32)
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    model = nn.Sequential(nn.Linear(2, 16, init="he_normal"), nn.ReLU(), nn.Linear(16, 2))
    first = None
    for _ in range(150):
        loss = F.cross_entropy(model(X), y)
        first = first if first is not None else float(loss.data)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.3 * p.grad.data
    assert float(loss.data) < 0.5 * first


# ---------------------------------------------------------------- scalar, micrograd-style

def test_scalar_neuron_matches_formula():
    n = nn.Neuron(3, rng=np.random.default_rng(0))
    x = [0.5, -1.0, 2.0]
    pre = sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data
    assert n(x).data == pytest.approx(max(0.0, pre))
    assert nn.Neuron(3, nonlin=False, rng=np.random.default_rng(0))(x).data == pytest.approx(pre)
    assert len(n.parameters()) == 4 and all(isinstance(p, Value) for p in n.parameters())
    assert repr(n) == "ReLUNeuron(3)"
    assert all(-1 <= w.data <= 1 for w in n.w) and n.b.data == 0.0


def test_scalar_mlp_api_and_gradients():
    model = nn.MLP(2, [4, 4, 1], rng=np.random.default_rng(1))
    assert len(model.parameters()) == (2 * 4 + 4) + (4 * 4 + 4) + (4 + 1)
    assert repr(model.layers[-1]) == "Layer of [LinearNeuron(4)]"
    out = model([1.0, -2.0])
    assert isinstance(out, Value)
    assert isinstance(nn.MLP(2, [3])([1.0, 2.0]), list)
    out.backward()
    # compare one weight's gradient with a central difference
    p = model.parameters()[0]
    old = p.data
    p.data = old + 1e-6
    hi = model([1.0, -2.0]).data
    p.data = old - 1e-6
    lo = model([1.0, -2.0]).data
    p.data = old
    assert p.grad == pytest.approx((hi - lo) / 2e-6, abs=1e-6)
    model.zero_grad()
    assert all(q.grad == 0.0 for q in model.parameters())
    with pytest.raises(ValueError, match="expected 2 inputs"):
        model([1.0])


def test_scalar_mlp_micrograd_training_loop():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 2))
    y = np.where(X[:, 0] + X[:, 1] > 0, 1.0, -1.0)
    model = nn.MLP(2, [8, 1], rng=np.random.default_rng(3))

    def loss_fn():
        scores = [model(list(map(Value, row))) for row in X]
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        return sum(losses) * (1.0 / len(losses))

    first = loss_fn().data
    for _ in range(25):
        loss = loss_fn()
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
    assert loss_fn().data < 0.5 * first


def test_scalar_neuron_is_one_dot_node():
    n = nn.Neuron(5, nonlin=False, rng=np.random.default_rng(0))
    out = n([1.0] * 5)
    assert out._op == "dot" and len(out._prev) >= 6
