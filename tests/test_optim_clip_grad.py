"""nn.utils.clip_grad_norm_ / clip_grad_value_ on Tensor and Value parameters."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd_core import Tensor, Value


def _params(grads):
    ps = []
    for g in grads:
        p = Tensor(np.zeros_like(g), requires_grad=True)
        p.grad = Tensor(g.copy())
        ps.append(p)
    return ps


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=1, max_size=7),
       st.floats(0.01, 100), st.sampled_from([1.0, 2.0, 3.0, math.inf]))
def test_clip_grad_norm_matches_formula(values, max_norm, p):
    vals = np.array(values)
    grads = [vals[:3].reshape(-1), vals[3:].reshape(-1)]
    ps = _params(grads)
    total = nn.utils.clip_grad_norm_(ps, max_norm, norm_type=p)
    flat = np.abs(vals)
    want = flat.max() if p == math.inf else (flat ** p).sum() ** (1 / p)
    assert math.isclose(total, want, rel_tol=1e-9, abs_tol=1e-12)
    coef = min(1.0, max_norm / (want + 1e-6))
    for q, g in zip(ps, grads):
        np.testing.assert_allclose(q.grad.data, g * coef, rtol=1e-9, atol=1e-12)


def test_clip_grad_norm_keeps_direction_and_caps_length():
    ps = _params([np.array([3.0, 4.0]), np.array([[12.0]])])  # joint norm 13
    total = nn.utils.clip_grad_norm_(ps, 1.0)
    assert total == pytest.approx(13.0)
    joined = np.concatenate([p.grad.data.ravel() for p in ps])
    assert np.linalg.norm(joined) == pytest.approx(1.0, rel=1e-5)
    np.testing.assert_allclose(joined / np.linalg.norm(joined), np.array([3, 4, 12]) / 13)


def test_small_gradients_are_untouched_and_missing_ones_skipped():
    ps = _params([np.array([0.1, 0.2])])
    ps.append(Tensor([1.0], requires_grad=True))  # no grad
    nn.utils.clip_grad_norm_(ps, 10.0)
    np.testing.assert_array_equal(ps[0].grad.data, [0.1, 0.2])
    assert ps[1].grad is None


def test_clip_grad_norm_on_values():
    a, b = Value(0.0), Value(0.0)
    a.grad, b.grad = 6.0, 8.0
    total = nn.utils.clip_grad_norm_([a, b], 5.0)
    assert total == pytest.approx(10.0)
    assert (a.grad, b.grad) == pytest.approx((3.0, 4.0), rel=1e-6)


def test_nonfinite_norm():
    ps = _params([np.array([np.inf, 1.0])])
    with pytest.raises(RuntimeError, match="total norm"):
        nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)


def test_clip_grad_value():
    ps = _params([np.array([-3.0, 0.5, 2.0])])
    v = Value(0.0)
    v.grad = -7.0
    nn.utils.clip_grad_value_(ps + [v], 1.0)
    np.testing.assert_array_equal(ps[0].grad.data, [-1.0, 0.5, 1.0])
    assert v.grad == -1.0
    with pytest.raises(ValueError, match="clip_value must be >= 0"):
        nn.utils.clip_grad_value_(ps, -1.0)
