"""nn.init: fans for the (out, in) layout, gains, and the variances checked statistically."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from autograd_core import Tensor
from nn import init

FAN_IN, FAN_OUT = 300, 200
SHAPE = (FAN_OUT, FAN_IN)  # (out_features, in_features)


def _w(shape=SHAPE):
    return nn.Parameter(np.zeros(shape, dtype=np.float64))


def test_fans_follow_the_out_in_layout():
    assert init.calculate_fan_in_and_fan_out((20, 30)) == (30, 20)
    assert init.calculate_fan_in_and_fan_out((8, 4, 3, 3)) == (36, 72)
    assert init.calculate_fan_in_and_fan_out((7,)) == (7, 7)
    lin = nn.Linear(30, 20)
    assert lin.weight.shape == (20, 30)
    assert init.calculate_fan_in_and_fan_out(lin.weight) == (30, 20)


def test_calculate_gain_table():
    assert init.calculate_gain("linear") == 1 and init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", 0.1) == pytest.approx(math.sqrt(2 / 1.01))
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swishy'"):
        init.calculate_gain("swishy")


# name -> (call, expected variance, expected uniform bound or None)
VAR_CASES = {
    "lecun_uniform": (init.lecun_uniform_, 1 / FAN_IN, math.sqrt(3 / FAN_IN)),
    "lecun_normal": (init.lecun_normal_, 1 / FAN_IN, None),
    "glorot_uniform": (init.glorot_uniform_, 2 / (FAN_IN + FAN_OUT),
                       math.sqrt(6 / (FAN_IN + FAN_OUT))),
    "glorot_normal": (init.glorot_normal_, 2 / (FAN_IN + FAN_OUT), None),
    "he_uniform": (init.he_uniform_, 2 / FAN_IN, math.sqrt(6 / FAN_IN)),
    "he_normal": (init.he_normal_, 2 / FAN_IN, None),
    "xavier_uniform": (init.xavier_uniform_, 2 / (FAN_IN + FAN_OUT),
                       math.sqrt(6 / (FAN_IN + FAN_OUT))),
    "kaiming_normal": (init.kaiming_normal_, 2 / FAN_IN, None),
    "he_normal_fan_out": (lambda t, rng: init.he_normal_(t, mode="fan_out", rng=rng),
                          2 / FAN_OUT, None),
    "he_uniform_leaky": (lambda t, rng: init.he_uniform_(t, a=0.5, rng=rng),
                         2 / (1.25 * FAN_IN), math.sqrt(6 / (1.25 * FAN_IN))),
    "lecun_normal_truncated": (lambda t, rng: init.lecun_normal_(t, truncated=True, rng=rng),
                               1 / FAN_IN, None),
    "he_normal_truncated": (lambda t, rng: init.he_normal_(t, truncated=True, rng=rng),
                            2 / FAN_IN, None),
    "glorot_normal_truncated": (lambda t, rng: init.glorot_normal_(t, truncated=True, rng=rng),
                                2 / (FAN_IN + FAN_OUT), None),
}


@pytest.mark.parametrize("name", sorted(VAR_CASES))
def test_variance_statistically(name):
    fill, var, bound = VAR_CASES[name]
    w = _w()
    out = fill(w, rng=np.random.default_rng(42))
    assert out is w  # in place, returns the tensor
    d = w.data
    n = d.size
    # the sample variance of n draws has relative std about sqrt(2/n) (normal) or less
    # (uniform); 5 of those is a tolerance that a wrong formula cannot meet by chance
    assert abs(d.var() / var - 1) < 5 * math.sqrt(2 / n), (d.var(), var)
    assert abs(d.mean()) < 5 * math.sqrt(var / n)
    if bound is not None:
        assert np.abs(d).max() <= bound
        assert np.abs(d).max() > 0.99 * bound  # the bound is reached: not a narrower law
    if "truncated" in name:
        std_drawn = math.sqrt(var) / 0.87962566103423978
        assert np.abs(d).max() <= 2 * std_drawn + 1e-12
    elif bound is None:
        assert np.abs(d).max() > 3 * math.sqrt(var)  # untruncated tails exist


def test_he_uniform_bound_is_not_inverted():
    # One peer computes gain * sqrt(fan_in / 3), about 10 for (10, 300): pin sqrt(6 / fan_in).
    w = nn.Parameter(np.zeros((10, 300)))
    init.he_uniform_(w, rng=np.random.default_rng(0))
    assert np.abs(w.data).max() <= math.sqrt(6 / 300)


def test_plain_fills_and_distributions():
    w = _w((50, 40))
    assert np.all(init.zeros_(w).data == 0)
    assert np.all(init.ones_(w).data == 1)
    assert np.all(init.constant_(w, 2.5).data == 2.5)
    init.uniform_(w, -2, 3, rng=np.random.default_rng(0))
    assert w.data.min() >= -2 and w.data.max() < 3 and abs(w.data.mean() - 0.5) < 0.1
    init.normal_(w, 1.0, 0.5, rng=np.random.default_rng(0))
    assert abs(w.data.mean() - 1.0) < 0.05 and abs(w.data.std() - 0.5) < 0.03
    init.trunc_normal_(w, 0.0, 1.0, rng=np.random.default_rng(0))
    assert np.abs(w.data).max() <= 2.0
    # PyTorch's bounds are absolute: N(0, 1) cut at +-2 has std 0.8796; a small std is not cut
    assert abs(w.data.std() - 0.8796) < 0.03
    init.trunc_normal_(w, 0.0, 0.02, rng=np.random.default_rng(1))
    assert abs(w.data.std() - 0.02) < 0.001
    init.trunc_normal_(w, 1.0, 1.0, a=0.5, b=1.5, generator=np.random.default_rng(2))
    assert w.data.min() >= 0.5 and w.data.max() <= 1.5
    with pytest.raises(ValueError, match="a < b"):
        init.trunc_normal_(w, a=1.0, b=0.0)


def test_orthogonal():
    for shape in ((6, 4), (4, 6), (5, 5)):
        w = _w(shape)
        init.orthogonal_(w, gain=2.0, rng=np.random.default_rng(1))
        m = w.data / 2.0
        small = m.T @ m if shape[0] >= shape[1] else m @ m.T
        np.testing.assert_allclose(small, np.eye(min(shape)), atol=1e-12)
    with pytest.raises(ValueError, match="2 dimensions"):
        init.orthogonal_(_w((3,)))


def test_rng_and_manual_seed_reproduce():
    a, b = _w((5, 5)), _w((5, 5))
    nn.manual_seed(7)
    init.he_normal_(a)
    nn.manual_seed(7)
    init.he_normal_(b)
    np.testing.assert_array_equal(a.data, b.data)
    nn.manual_seed(7)
    l1 = nn.Linear(4, 3)
    nn.manual_seed(7)
    l2 = nn.Linear(4, 3)
    np.testing.assert_array_equal(l1.weight.data, l2.weight.data)
    l3 = nn.Linear(4, 3, rng=np.random.default_rng(7))
    l4 = nn.Linear(4, 3, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(l3.weight.data, l4.weight.data)


def test_linear_init_by_name_callable_and_default():
    lin = nn.Linear(400, 300, init="he_normal", rng=np.random.default_rng(0))
    assert abs(lin.weight.data.var() * 400 / 2 - 1) < 0.05
    assert np.all(lin.bias.data == 0)
    lin = nn.Linear(400, 300, init="glorot_uniform_", rng=np.random.default_rng(0))
    assert np.abs(lin.weight.data).max() <= math.sqrt(6 / 700)
    lin = nn.Linear(3, 2, init=lambda w: init.constant_(w, 0.5))
    assert np.all(lin.weight.data == 0.5)
    lin = nn.Linear(400, 300, rng=np.random.default_rng(0))  # PyTorch's default
    bound = 1 / math.sqrt(400)
    assert np.abs(lin.weight.data).max() <= bound and np.abs(lin.bias.data).max() <= bound
    assert abs(lin.weight.data.var() / (bound**2 / 3) - 1) < 0.05
    with pytest.raises(ValueError, match="unknown initializer 'he_wrong'"):
        nn.Linear(2, 2, init="he_wrong")


def test_init_does_not_record_and_bumps_version():
    w = nn.Parameter(np.ones((3, 3)))
    y = (w * w).sum()
    init.zeros_(w)  # the in-place write must be noticed by backward
    with pytest.raises(RuntimeError, match="in-place"):
        y.backward()
    assert Tensor(np.ones(2)).requires_grad is False
    with pytest.raises(TypeError, match="floating"):
        init.zeros_(Tensor(np.ones(2, dtype=np.int64)))


def test_core_fill_overwrites_inf():
    t = Tensor(np.array([np.inf, np.nan, 1.0]))
    with np.errstate(invalid="ignore"):
        t.fill_(0.0)
    assert np.all(t.data == 0.0)
