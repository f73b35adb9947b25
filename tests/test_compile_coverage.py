"""Compiled steps equal eager ones, bit for bit, over layers, losses, optimizers, Tensor ops
and random small MLPs."""

from __future__ import annotations

import numpy as np
import pytest
from compile_helpers import assert_same_state
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import optim
from autograd_core import Tensor, no_grad
from autograd_core.compile import compile as ag_compile

# ---------------------------------------------------------------- op and layer coverage

_F = nn.functional
_RNG = np.random.default_rng(0)
_X = _RNG.normal(size=(16, 6)).astype(np.float32)
_Y = _RNG.integers(0, 3, 16)


def _onehot(y):
    return Tensor(np.eye(3, dtype=np.float32)[y])


MODELS = {
    "tanh-sgd": (lambda: nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3)),
                 _F.cross_entropy, optim.SGD, dict(lr=0.1)),
    "sigmoid-nesterov-decay": (lambda: nn.Sequential(nn.Linear(6, 8), nn.Sigmoid(),
                                                     nn.Linear(8, 3)),
                               _F.cross_entropy, optim.SGD,
                               dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    "gelu-silu-elu-rmsprop": (lambda: nn.Sequential(nn.Linear(6, 8), nn.GELU(), nn.Linear(8, 8),
                                                    nn.SiLU(), nn.Linear(8, 8), nn.ELU(),
                                                    nn.Linear(8, 3)),
                              _F.cross_entropy, optim.RMSprop,
                              dict(lr=0.01, momentum=0.5, centered=True)),
    "leaky-softplus-adagrad": (lambda: nn.Sequential(nn.Linear(6, 8), nn.LeakyReLU(0.1),
                                                     nn.Linear(8, 8), nn.Softplus(),
                                                     nn.Linear(8, 3)),
                               _F.cross_entropy, optim.Adagrad, dict(lr=0.1)),
    "layernorm-dropout": (lambda: nn.Sequential(nn.Linear(6, 8), nn.LayerNorm(8),
                                                nn.Dropout(0.2), nn.ReLU(), nn.Linear(8, 3)),
                          _F.cross_entropy, optim.SGD, dict(lr=0.1)),
    "label-smoothing": (lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)),
                        lambda o, y: _F.cross_entropy(o, y, label_smoothing=0.1), optim.SGD,
                        dict(lr=0.1)),
    "mse": (lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)),
            lambda o, y: _F.mse_loss(o, _onehot(y)), optim.SGD, dict(lr=0.1)),
    "bce-logits": (lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 1)),
                   lambda o, y: _F.binary_cross_entropy_with_logits(
                       o.reshape(-1), Tensor((y > 0).astype(np.float32))),
                   optim.SGD, dict(lr=0.1)),
    "adam": (lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)),
             _F.cross_entropy, optim.Adam, dict(lr=0.01)),
    "adamw-amsgrad": (lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)),
                      _F.cross_entropy, optim.AdamW, dict(lr=0.01, amsgrad=True)),
    "batchnorm": (lambda: nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(),
                                        nn.Linear(8, 3)),
                  _F.cross_entropy, optim.SGD, dict(lr=0.1)),
    # momentum=None reads the batch count as a Python int (a check that changes every step),
    # so its replays hand over to the eager step: slower, never wrong.
    "batchnorm-cumulative": (lambda: nn.Sequential(nn.Linear(6, 8),
                                                   nn.BatchNorm1d(8, momentum=None), nn.ReLU(),
                                                   nn.Linear(8, 3)),
                             _F.cross_entropy, optim.SGD, dict(lr=0.1)),
}


def _model_run(key, compiled, steps=12):
    make_model, loss_fn, opt_cls, kw = MODELS[key]
    nn.manual_seed(0)
    model = make_model()
    opt = opt_cls(model.parameters(), **kw)
    x, y = Tensor(_X), _Y

    def train_step():
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    step = ag_compile(train_step) if compiled else train_step
    losses = [step().item() for _ in range(steps)]
    return losses, model, opt, step


@pytest.mark.parametrize("key", list(MODELS))
def test_layers_losses_and_optimizers_compiled_equal_eager(key):
    le, m1, o1, _ = _model_run(key, False)
    lc, m2, o2, step = _model_run(key, True)
    assert le == lc
    assert_same_state(m1, o1, m2, o2)
    for (name, b1), (_, b2) in zip(m1.named_buffers(), m2.named_buffers()):
        assert np.array_equal(b1.data, b2.data), name
    assert step.stats["replayed" if key != "batchnorm-cumulative" else "eager"] == 10


def _tensor_step(expr):
    rng = np.random.default_rng(1)
    w = Tensor(rng.normal(size=(6, 4)), requires_grad=True)
    x = Tensor(rng.normal(size=(5, 6)))

    def step():
        loss = expr(x @ w)
        loss.backward()
        with no_grad():
            w.data -= 0.01 * w.grad.data
        w.grad = None
        return loss

    return step


def _many_ops(h):
    import autograd_core as ag

    z = ag.concatenate([h.softmax(-1), h.tanh(), (h * h).sqrt(), h.abs(), h.exp().log()], axis=1)
    z = z.reshape(5, 4, 5).transpose(0, 2, 1)[:, 1:3, ::2]
    return (z.var() + z.std(axis=0).sum() + z.max() + z.logsumexp(axis=1).mean()
            + ag.maximum(z, 0.1).sum() + z.clip(-0.5, 0.5).sum() + (z * 0.1 + 1).prod()
            + z.sigmoid().mean() + (z ** 3).sum() - z.min() + z.swapaxes(0, 2)[0].sum())


def test_tensor_ops_compiled_equal_eager():
    eager, compiled = _tensor_step(_many_ops), ag_compile(_tensor_step(_many_ops))
    assert [eager().item() for _ in range(8)] == [compiled().item() for _ in range(8)]
    assert compiled.stats["replayed"] == 7


_ACTS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU}
_OPTS = {"sgd": lambda ps: optim.SGD(ps, lr=0.05),
         "momentum": lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=1e-2),
         "rmsprop": lambda ps: optim.RMSprop(ps, lr=0.01),
         "adagrad": lambda ps: optim.Adagrad(ps, lr=0.05)}


@settings(max_examples=15, deadline=None)
@given(n_in=st.integers(1, 7), hidden=st.integers(1, 9), n_out=st.integers(2, 4),
       batch=st.integers(1, 12), act=st.sampled_from(sorted(_ACTS)),
       opt=st.sampled_from(sorted(_OPTS)), dtype=st.sampled_from([np.float32, np.float64]),
       seed=st.integers(0, 2**16))
def test_any_small_mlp_compiled_equals_eager(n_in, hidden, n_out, batch, act, opt, dtype,
                                             seed):
    rng = np.random.default_rng(seed)
    x = Tensor(rng.normal(size=(batch, n_in)).astype(dtype))
    y = rng.integers(0, n_out, batch)

    def run(compiled):
        nn.manual_seed(seed)
        model = nn.Sequential(nn.Linear(n_in, hidden, dtype=dtype), _ACTS[act](),
                              nn.Linear(hidden, n_out, dtype=dtype))
        o = _OPTS[opt](model.parameters())

        def train_step():
            loss = nn.functional.cross_entropy(model(x), y)
            o.zero_grad()
            loss.backward()
            o.step()
            return loss

        step = ag_compile(train_step) if compiled else train_step
        return [step().item() for _ in range(5)], model

    (le, m1), (lc, m2) = run(False), run(True)
    assert le == lc
    for a, b in zip(m1.parameters(), m2.parameters()):
        assert np.array_equal(a.data, b.data)
