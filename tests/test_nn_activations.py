"""Activations: values vs independent numpy formulas, gradcheck in float64, the kink table,
straight-through estimators, stability at extremes, NaN propagation, and the Module classes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd_core import Tensor, gradcheck, gradgradcheck
from nn import F

_erf = np.vectorize(math.erf)
SA, SS = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _sig(x):
    return 1.0 / (1.0 + np.exp(-x))


# name -> (function, independent numpy reference, kinks to keep away from)
REFERENCE = {
    "sigmoid": (F.sigmoid, _sig, ()),
    "tanh": (F.tanh, np.tanh, ()),
    "relu": (F.relu, lambda x: np.maximum(x, 0), (0.0,)),
    "leaky_relu": (F.leaky_relu, lambda x: np.maximum(0.1 * x, x), (0.0,)),
    "elu": (F.elu, lambda x: np.where(x > 0, x, np.expm1(x)), (0.0,)),
    "selu": (F.selu, lambda x: SS * np.where(x > 0, x, SA * np.expm1(x)), (0.0,)),
    "gelu": (F.gelu, lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))), ()),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"),
                  lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
                  ()),
    "silu": (F.silu, lambda x: x * _sig(x), ()),
    "softsign": (F.softsign, lambda x: x / (1 + np.abs(x)), ()),
    "hardtanh": (F.hardtanh, lambda x: np.clip(x, -1, 1), (-1.0, 1.0)),
    "hard_sigmoid": (F.hard_sigmoid, lambda x: np.clip(x / 6 + 0.5, 0, 1), (-3.0, 3.0)),
    "log_sigmoid": (F.log_sigmoid, lambda x: np.log(_sig(x)), ()),
    "softplus": (F.softplus, lambda x: np.log1p(np.exp(x)), ()),
    "softplus_beta": (lambda x: F.softplus(x, beta=2.0, threshold=3.0),
                      lambda x: np.where(2 * x > 3, x, np.log1p(np.exp(2 * x)) / 2), (1.5,)),
    "identity": (F.identity, lambda x: x, ()),
    "piecewise_linear": (lambda x: F.piecewise_linear(x, -1.0, 2.0),
                         lambda x: np.clip((x + 1) / 3, 0, 1), (-1.0, 2.0)),
    "unit_step": (F.unit_step, lambda x: (x >= 0).astype(float), (0.0,)),
    "sign": (F.sign, np.sign, (0.0,)),
    "staircase": (lambda x: F.staircase(x, 0.5), lambda x: 0.5 * np.floor(x / 0.5),
                  tuple(np.arange(-4, 4.5, 0.5))),
}


def _points(kinks, n=23, seed=0):
    x = np.random.default_rng(seed).uniform(-4, 4, n)
    for k in kinks:
        x = np.where(np.abs(x - k) < 1e-2, x + 0.05, x)
    return x


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_values_match_independent_formula(name):
    f, ref, kinks = REFERENCE[name]
    x = _points(kinks)
    np.testing.assert_allclose(f(Tensor(x)).data, ref(x), rtol=1e-10, atol=1e-12)
    # float32 in, float32 out
    assert f(Tensor(x.astype(np.float32))).dtype == np.float32


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_gradients_by_gradcheck(name):
    f, _, kinks = REFERENCE[name]
    x = Tensor(_points(kinks, seed=1).reshape(-1, 1), requires_grad=True)
    assert gradcheck(f, (x,))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "elu", "gelu", "silu", "softplus",
                                  "log_sigmoid", "softsign"])
def test_second_derivatives(name):
    f, _, kinks = REFERENCE[name]
    x = Tensor(_points(kinks, n=6, seed=2), requires_grad=True)
    assert gradgradcheck(f, (x,))


def test_softmax_log_softmax_match_formula_and_gradcheck(rng):
    x = rng.standard_normal((3, 5))
    e = np.exp(x - x.max(axis=1, keepdims=True))
    sm = e / e.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(F.softmax(Tensor(x), axis=1).data, sm, rtol=1e-12)
    np.testing.assert_allclose(F.log_softmax(Tensor(x), axis=0).data,
                               x - np.log(np.exp(x).sum(axis=0, keepdims=True)), rtol=1e-12)
    t = Tensor(x, requires_grad=True)
    assert gradcheck(lambda z: F.softmax(z, axis=-1), (t,))
    assert gradcheck(lambda z: F.log_softmax(z, axis=0), (t,))


def _grad_at(f, x):
    t = Tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    f(t).sum().backward()
    return t.grad.data


# The documented kink table: (function, kink, derivative used exactly there).
KINKS = [
    (F.relu, 0.0, 0.0),
    (F.leaky_relu, 0.0, 0.1),
    (lambda x: F.leaky_relu(x, 0.25), 0.0, 0.25),
    (F.elu, 0.0, 1.0),
    (lambda x: F.elu(x, 0.5), 0.0, 0.5),
    (F.selu, 0.0, SS * SA),
    (F.hardtanh, -1.0, 0.0),
    (F.hardtanh, 1.0, 0.0),
    (F.hard_sigmoid, -3.0, 0.0),
    (F.hard_sigmoid, 3.0, 0.0),
    (lambda x: F.piecewise_linear(x, 0.0, 1.0), 0.0, 0.0),
    (lambda x: F.piecewise_linear(x, 0.0, 1.0), 1.0, 0.0),
    (F.unit_step, 0.0, 0.0),
    (F.sign, 0.0, 0.0),
    (F.staircase, 1.0, 0.0),
    (lambda x: F.softplus(x, threshold=2.0), 2.0, _sig(2.0)),
]


@pytest.mark.parametrize("f,kink,expected", KINKS)
def test_derivative_at_kinks(f, kink, expected):
    np.testing.assert_allclose(_grad_at(f, [kink]), [expected], rtol=1e-12)


def test_step_functions_have_zero_gradient_and_ste_opts_in():
    x = np.linspace(-2, 2, 9)
    for f in (F.unit_step, F.sign, F.staircase):
        assert np.all(_grad_at(f, x) == 0)
        np.testing.assert_array_equal(_grad_at(lambda t, f=f: f(t, ste=True), x), np.ones(9))
        # the surrogate does not change the forward values
        np.testing.assert_array_equal(f(Tensor(x), ste="sigmoid").data, f(Tensor(x)).data)
    s = _sig(4 * x)
    np.testing.assert_allclose(_grad_at(lambda t: F.unit_step(t, ste="sigmoid"), x),
                               4 * s * (1 - s), rtol=1e-12)
    np.testing.assert_allclose(_grad_at(lambda t: F.sign(t, ste="sigmoid", beta=3.0), x),
                               3 * (1 - np.tanh(3 * x) ** 2), rtol=1e-12)
    with pytest.raises(ValueError, match="ste"):
        F.sign(Tensor(x), ste="bogus")


def test_ste_trains_a_step_network_where_the_true_gradient_cannot():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(float)

    def train(ste):
        w = Tensor(np.array([[0.3], [-0.8]]), requires_grad=True)
        for _ in range(60):
            out = F.unit_step(Tensor(X) @ w, ste=ste).reshape(-1)
            loss = F.mse_loss(out, y)
            w.grad = None
            loss.backward()
            w.data = w.data - 0.5 * w.grad.data
        return float(F.mse_loss(F.unit_step(Tensor(X) @ w).reshape(-1), y).data)

    start = float(F.mse_loss(F.unit_step(Tensor(X) @ Tensor([[0.3], [-0.8]])).reshape(-1),
                             y).data)
    assert train(False) == start  # the true gradient is zero: nothing moves
    assert train("sigmoid") < start / 2


def test_maxout_function_gradient_to_first_winner_only():
    x = Tensor(np.array([[1.0, 3.0, 3.0, 0.0, -1.0, 2.0]]), requires_grad=True)
    y = F.maxout(x, pieces=3)
    np.testing.assert_array_equal(y.data, [[3.0, 2.0]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0, 1, 0, 0, 0, 1]])
    z = Tensor(np.random.default_rng(3).standard_normal((4, 6, 2)), requires_grad=True)
    assert gradcheck(lambda t: F.maxout(t, 2, axis=1), (z,))
    with pytest.raises(ValueError, match="multiple of pieces"):
        F.maxout(x, pieces=4)


def test_stable_at_extremes():
    big = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for f in (F.sigmoid, F.tanh, F.softplus, F.log_sigmoid, F.silu, F.elu, F.selu,
                  F.gelu, F.softsign):
            t = Tensor(big, requires_grad=True)
            out = f(t)
            out.sum().backward()
            assert np.all(np.isfinite(out.data)), f
            assert np.all(np.isfinite(t.grad.data)), f
    np.testing.assert_allclose(F.log_sigmoid(Tensor(big)).data[0], -1000.0)
    np.testing.assert_allclose(F.softplus(Tensor(big)).data[-1], 1000.0)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_nan_propagates(name):
    f = REFERENCE[name][0]
    out = f(Tensor(np.array([np.nan, 1.5])))
    assert np.isnan(out.data[0]), name


@given(st.lists(st.floats(-30, 30, allow_nan=False), min_size=1, max_size=8),
       st.floats(0.01, 0.9))
def test_leaky_relu_property(xs, slope):
    x = np.array(xs)
    np.testing.assert_allclose(F.leaky_relu(Tensor(x), slope).data, np.maximum(slope * x, x))
    g = _grad_at(lambda t: F.leaky_relu(t, slope), x)
    np.testing.assert_allclose(g, np.where(x > 0, 1.0, slope))


MODULES = [
    (nn.Sigmoid(), F.sigmoid), (nn.Tanh(), F.tanh), (nn.ReLU(), F.relu),
    (nn.LeakyReLU(), F.leaky_relu), (nn.LeakyReLU(0.3), lambda x: F.leaky_relu(x, 0.3)),
    (nn.ELU(0.7), lambda x: F.elu(x, 0.7)), (nn.SELU(), F.selu), (nn.GELU(), F.gelu),
    (nn.GELU("tanh"), lambda x: F.gelu(x, "tanh")), (nn.SiLU(), F.silu),
    (nn.Softsign(), F.softsign), (nn.Hardtanh(-2, 2), lambda x: F.hardtanh(x, -2, 2)),
    (nn.Hardsigmoid(), F.hard_sigmoid), (nn.LogSigmoid(), F.log_sigmoid),
    (nn.Softplus(2.0), lambda x: F.softplus(x, 2.0)), (nn.Softmax(0), lambda x: F.softmax(x, 0)),
    (nn.LogSoftmax(), F.log_softmax), (nn.UnitStep(), F.unit_step), (nn.Sign(), F.sign),
    (nn.Staircase(0.25), lambda x: F.staircase(x, 0.25)),
    (nn.PiecewiseLinear(-1, 1), lambda x: F.piecewise_linear(x, -1, 1)),
    (nn.MaxoutActivation(2), lambda x: F.maxout(x, 2)), (nn.Identity(), F.identity),
]


@pytest.mark.parametrize("module,f", MODULES)
def test_module_classes_match_functions(module, f):
    x = Tensor(np.random.default_rng(5).uniform(-4, 4, (3, 4)))
    np.testing.assert_array_equal(module(x).data, f(x).data)
    assert module.num_parameters() == 0
    assert repr(module).startswith(type(module).__name__ + "(")


def test_leaky_default_is_the_lectures():
    assert nn.LeakyReLU().negative_slope == 0.1
    assert "negative_slope=0.1" in repr(nn.LeakyReLU())
