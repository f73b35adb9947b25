"""DataLoader batching, shuffling, drop_last, reproducibility; TensorDataset; random_split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd_core import Tensor


def _xy(n):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    return x, np.arange(n)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 70), st.integers(1, 40), st.booleans(), st.booleans())
def test_batches_cover_the_data_once(n, bs, shuffle, drop_last):
    x, y = _xy(n)
    loader = nn.DataLoader(x, y, batch_size=bs, shuffle=shuffle, drop_last=drop_last, rng=1)
    batches = list(loader)
    assert len(batches) == len(loader) == (n // bs if drop_last else -(-n // bs))
    seen = np.concatenate([yb.data for _, yb in batches]) if batches else np.array([], int)
    for xb, yb in batches:
        assert isinstance(xb, Tensor) and isinstance(yb, Tensor)
        np.testing.assert_array_equal(xb.data, x[yb.data])  # x and y stay paired
        assert len(yb) <= bs and (len(yb) == bs or not drop_last)
    assert len(set(seen.tolist())) == len(seen)  # no example twice in one epoch
    if not drop_last:
        assert sorted(seen.tolist()) == list(range(n))
    else:
        assert len(seen) == n - n % bs
    if not shuffle:
        np.testing.assert_array_equal(seen, np.arange(len(seen)))


def test_defaults_are_pytorchs_but_the_lectures_batch_of_32():
    x, y = _xy(100)
    loader = nn.DataLoader(x, y)
    sizes = [len(yb) for _, yb in loader]
    assert sizes == [32, 32, 32, 4]
    # PyTorch's default order: no shuffling unless asked for.
    np.testing.assert_array_equal(np.concatenate([yb.data for _, yb in loader]), np.arange(100))
    shuffled = nn.DataLoader(x, y, shuffle=True, rng=0)
    assert not np.array_equal(np.concatenate([yb.data for _, yb in shuffled]), np.arange(100))


def test_new_order_each_epoch_and_reproducible_with_a_seed():
    x, y = _xy(64)

    def epochs(seed):
        loader = nn.DataLoader(x, y, batch_size=8, shuffle=True, rng=seed)
        return [np.concatenate([yb.data for _, yb in loader]) for _ in range(3)]

    a, b = epochs(5), epochs(5)
    for e1, e2 in zip(a, b):
        np.testing.assert_array_equal(e1, e2)
    assert not np.array_equal(a[0], a[1])
    assert not np.array_equal(a[0], epochs(6)[0])


def test_generator_is_used_as_given():
    x, y = _xy(20)
    rng = np.random.default_rng(3)
    want = np.random.default_rng(3).permutation(20)
    loader = nn.DataLoader(x, y, batch_size=6, shuffle=True, rng=rng)
    got = np.concatenate([yb.data for _, yb in loader])
    np.testing.assert_array_equal(got, want)


def test_x_only_and_tensor_inputs():
    x = Tensor(np.ones((10, 3), dtype=np.float32))
    batches = list(nn.DataLoader(x, batch_size=4, shuffle=False))
    assert [b.shape for b in batches] == [(4, 3), (4, 3), (2, 3)]


def test_tensor_dataset_and_random_split():
    x, y = _xy(10)
    ds = nn.TensorDataset(x, y)
    assert len(ds) == 10
    xi, yi = ds[3]
    np.testing.assert_array_equal(xi, x[3])
    a, b = nn.random_split(ds, [0.8, 0.2], rng=0)
    assert (len(a), len(b)) == (8, 2)
    ids = np.concatenate([a.arrays[1], b.arrays[1]])
    assert sorted(ids.tolist()) == list(range(10))
    np.testing.assert_array_equal(a.arrays[0], x[a.arrays[1]])
    c, d, e = nn.random_split(ds, [0.34, 0.33, 0.33], rng=0)
    assert sorted([len(c), len(d), len(e)]) == [3, 3, 4]
    assert [len(p) for p in nn.random_split(ds, [7, 3], rng=1)] == [7, 3]
    with pytest.raises(ValueError, match="must be counts summing"):
        nn.random_split(ds, [5, 6])
    loader = nn.DataLoader(a, batch_size=3, shuffle=False)
    assert len(loader) == 3


def test_bad_arguments():
    x, y = _xy(10)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        nn.DataLoader(x, y, batch_size=0)
    with pytest.raises(ValueError, match="same first dimension"):
        nn.DataLoader(x, y[:5])
    with pytest.raises(TypeError, match="int seed or a numpy Generator"):
        nn.DataLoader(x, y, rng="seed")


def _unseeded_epochs(n_epochs: int = 3) -> list[np.ndarray]:
    x, y = _xy(50)
    loader = nn.DataLoader(x, y, batch_size=8, shuffle=True)  # no rng: nn's module-level generator
    return [np.concatenate([yb.data for _, yb in loader]) for _ in range(n_epochs)]


def test_manual_seed_makes_unseeded_shuffling_reproducible():
    nn.manual_seed(123)
    first = _unseeded_epochs()
    nn.manual_seed(123)
    second = _unseeded_epochs()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[1])  # still a new order each epoch
    # The draws come from the seeded stream itself, in order: epoch k is its k-th permutation.
    stream = np.random.default_rng(123)
    for got in first:
        np.testing.assert_array_equal(got, stream.permutation(50))


def test_manual_seed_after_building_the_loader_still_governs_it():
    x, y = _xy(50)
    nn.manual_seed(7)
    loader = nn.DataLoader(x, y, batch_size=8, shuffle=True)
    nn.manual_seed(123)  # the generator is looked up when an epoch starts, as for layers
    got = np.concatenate([yb.data for _, yb in loader])
    np.testing.assert_array_equal(got, np.random.default_rng(123).permutation(50))


def test_manual_seed_makes_unseeded_random_split_reproducible():
    ds = nn.TensorDataset(*_xy(20))
    nn.manual_seed(9)
    a = nn.random_split(ds, [15, 5])[0].arrays[1]
    nn.manual_seed(9)
    b = nn.random_split(ds, [15, 5])[0].arrays[1]
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, np.random.default_rng(9).permutation(20)[:15])
