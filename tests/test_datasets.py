"""Built-in data sets: shapes, dtypes, seeding, and the geometry each one promises."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import nn

MAKERS = [nn.make_moons, nn.make_circles, nn.make_spirals, nn.make_blobs]


@pytest.mark.parametrize("make", MAKERS, ids=lambda f: f.__name__)
def test_shapes_dtypes_and_seeding(make):
    x, y = make(101)
    assert x.shape == (101, 2) and x.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1  # balanced classes
    x2, y2 = make(101)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    x3, _ = make(101, seed=7)
    assert not np.array_equal(x, x3)
    x4, _ = make(101, seed=np.random.default_rng(7))
    np.testing.assert_array_equal(x3, x4)
    assert len(np.unique(y[:20])) > 1  # shuffled, not sorted by class
    with pytest.raises(ValueError, match="n_samples"):
        make(0)


def test_moons_lie_on_their_half_circles():
    x, y = nn.make_moons(200, noise=0.0)
    top, bottom = x[y == 0], x[y == 1]
    np.testing.assert_allclose(np.hypot(top[:, 0], top[:, 1]), 1.0, atol=1e-6)
    assert (top[:, 1] >= -1e-6).all()
    np.testing.assert_allclose(np.hypot(bottom[:, 0] - 1, bottom[:, 1] - 0.5), 1.0, atol=1e-6)
    assert (bottom[:, 1] <= 0.5 + 1e-6).all()


def test_circles_radii():
    x, y = nn.make_circles(100, noise=0.0, factor=0.3)
    r = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(r[y == 1], 0.3, atol=1e-6)


def test_spirals_classes_and_radius():
    x, y = nn.make_spirals(300, n_classes=4, noise=0.0)
    assert set(np.unique(y).tolist()) == {0, 1, 2, 3}
    assert np.hypot(x[:, 0], x[:, 1]).max() <= 1.0 + 1e-6


def test_blobs_are_around_their_centres():
    centres = np.array([[0.0, 0.0, 0.0], [10.0, -10.0, 5.0]])
    x, y = nn.make_blobs(2000, centers=centres, cluster_std=0.5)
    assert x.shape == (2000, 3)
    for k in range(2):
        np.testing.assert_allclose(x[y == k].mean(0), centres[k], atol=0.1)
        np.testing.assert_allclose(x[y == k].std(0), 0.5, rtol=0.1)


def test_regression_is_linear_plus_noise():
    x, y = nn.make_regression(3000, n_features=3, noise=0.2, bias=1.5)
    assert x.shape == (3000, 3) and y.shape == (3000,) and y.dtype == np.float32
    design = np.column_stack([x, np.ones(len(x))]).astype(np.float64)
    coef, *_ = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)
    assert coef[-1] == pytest.approx(1.5, abs=0.03)
    assert (design @ coef - y).std() == pytest.approx(0.2, rel=0.05)


def test_load_digits():
    pytest.importorskip("sklearn")
    x, y = nn.load_digits()
    assert x.shape == (1797, 64) and x.dtype == np.float32 and y.dtype == np.int64
    assert x.min() == 0.0 and x.max() == 1.0
    assert set(y.tolist()) == set(range(10))
    raw, _ = nn.load_digits(normalize=False)
    assert raw.max() == 16.0


def test_load_digits_without_scikit_learn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"autograd-core\[datasets\]"):
        nn.load_digits()
