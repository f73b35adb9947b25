"""DataLoader and PyTorch's Dataset protocol: map-style and iterable datasets, default_collate,
samplers, batch_size=None, collate_fn; checked against torch.utils.data where torch is present."""

from __future__ import annotations

import collections
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd_core import Tensor

Point = collections.namedtuple("Point", ["x", "y"])


class Pairs(nn.Dataset):
    """A PyTorch-style map-style dataset: item i is (features, label)."""

    def __init__(self, n: int) -> None:
        self.x = np.arange(n * 3, dtype=np.float64).reshape(n, 3)
        self.y = np.arange(n) % 4

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], int(self.y[i])


class Endless:
    """__getitem__ answers any index (never an IndexError): only len() may bound it."""

    def __len__(self) -> int:
        return 10

    def __getitem__(self, i):
        return float(i * i)


class Counter(nn.IterableDataset):
    """A stream of numbers; `limit=None` never ends."""

    def __init__(self, limit=None) -> None:
        self.limit = limit

    def __iter__(self):
        return iter(range(self.limit)) if self.limit is not None else itertools.count()


def _same(ours, theirs, torch) -> None:
    """Our batch and PyTorch's have the same structure, values and dtypes."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, Tensor), type(ours)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype,
                                                                            theirs.dtype)
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    elif isinstance(theirs, np.ndarray):  # collate_fn=lambda b: b hands samples through
        np.testing.assert_array_equal(ours, theirs)
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and ours.keys() == theirs.keys()
        for k in theirs:
            _same(ours[k], theirs[k], torch)
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), (type(ours),
                                                                        type(theirs))
        for a, b in zip(ours, theirs):
            _same(a, b, torch)
    else:
        assert ours == theirs


SAMPLES = {
    "ints": [1, 2, 3],
    "floats": [1.0, 2.5, -3.0],
    "int then float": [1, 2.5],
    "bools": [True, False],
    "numpy float32 scalars": [np.float32(1), np.float32(2)],
    "numpy int32 scalars": [np.int32(1), np.int32(7)],
    "0-d arrays": [np.array(1.0), np.array(2.0)],
    "int16 arrays": [np.array([1, 2], dtype=np.int16), np.array([3, 4], dtype=np.int16)],
    "float64 arrays": [np.ones((2, 3)), np.zeros((2, 3))],
    "tuples": [(1, 2.0), (3, 4.0)],
    "lists": [[1, 2], [3, 4]],
    "namedtuples": [Point(1, 2.0), Point(3, 4.0)],
    "dicts": [{"a": 1, "b": "s"}, {"a": 2, "b": "t"}],
    "strings": ["a", "b"],
    "nested": [(np.ones(2), {"k": [1, 2]}), (np.zeros(2), {"k": [3, 4]})],
}


@pytest.mark.parametrize("name", SAMPLES)
def test_default_collate_matches_pytorch(name):
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate

    batch = SAMPLES[name]
    _same(nn.default_collate(batch), default_collate(batch), torch)


def test_default_collate_of_tensors_stacks_and_keeps_the_graph():
    a = Tensor(np.ones(3), requires_grad=True)
    b = Tensor(np.zeros(3))
    out = nn.default_collate([a, b])
    assert out.shape == (2, 3)
    out.sum().backward()
    np.testing.assert_array_equal(a.grad.data, np.ones(3))
    assert nn.default_collate([b, b]).shape == (2, 3)


@pytest.mark.parametrize("batch, error, words", [
    ([np.ones(2), np.ones(3)], ValueError, "same shape"),
    ([Tensor(np.ones(2)), Tensor(np.ones(3))], ValueError, r"\(2,\) at entry 0 and \(3,\)"),
    ([[1, 2], [3]], ValueError, "same number of fields"),
    ([None, None], TypeError, "NoneType"),
    ([np.array(["a"])], TypeError, "dtype <U1"),
    ([1 + 2j], TypeError, "complex"),
    ([], ValueError, "empty"),
])
def test_default_collate_refuses_what_it_cannot_stack(batch, error, words):
    with pytest.raises(error, match=words):
        nn.default_collate(batch)


def test_default_convert_matches_pytorch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_convert

    for data in (1, np.array([1.0, 2.0]), (np.array(1), 2), [np.array(1), 2],
                 {"a": np.ones(2)}, Point(np.ones(1), 3)):
        _same(nn.default_convert(data), default_convert(data), torch)


def test_map_style_dataset_batches_like_pytorch():
    torch = pytest.importorskip("torch")
    ds = Pairs(10)
    ours = list(nn.DataLoader(ds, batch_size=4))
    theirs = list(torch.utils.data.DataLoader(ds, batch_size=4))
    assert len(ours) == len(theirs) == 3
    for a, b in zip(ours, theirs):
        _same(a, b, torch)
    for kwargs in ({"batch_size": 4, "drop_last": True}, {"batch_size": None},
                   {"batch_size": 3, "sampler": [9, 0, 5, 5]},
                   {"batch_sampler": [[0, 1], [7], [2, 2, 3]]},
                   {"batch_size": 4, "collate_fn": lambda b: b}):
        ours = list(nn.DataLoader(ds, **kwargs))
        theirs = list(torch.utils.data.DataLoader(ds, **kwargs))
        assert len(ours) == len(theirs), kwargs
        for a, b in zip(ours, theirs):
            _same(a, b, torch)


def test_a_list_is_a_dataset_as_in_pytorch():
    torch = pytest.importorskip("torch")
    data = [(1.0, 0), (2.0, 1), (3.0, 0)]
    ours = list(nn.DataLoader(data, batch_size=2))
    theirs = list(torch.utils.data.DataLoader(data, batch_size=2))
    for a, b in zip(ours, theirs):
        _same(a, b, torch)
    _same(list(nn.DataLoader(range(5), batch_size=2)),
          list(torch.utils.data.DataLoader(range(5), batch_size=2)), torch)


def test_iteration_is_bounded_by_len():
    batches = list(nn.DataLoader(Endless(), batch_size=4))
    assert [len(b) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([b.data for b in batches]),
                                  np.arange(10.0) ** 2)
    assert len(list(nn.DataLoader(Endless(), batch_size=4, shuffle=True, generator=0))) == 3


def test_getitem_without_len_is_refused_at_once():
    class NoLen:
        def __getitem__(self, i):
            return i

    with pytest.raises(TypeError, match="no __len__.*IterableDataset"):
        nn.DataLoader(NoLen())


def test_iterable_dataset_streams_one_batch_at_a_time():
    loader = nn.DataLoader(Counter(), batch_size=3)  # endless: never materialised
    first = list(itertools.islice(loader, 4))
    np.testing.assert_array_equal(np.concatenate([b.data for b in first]), np.arange(12))
    assert [b.data.tolist() for b in nn.DataLoader(Counter(7), batch_size=3)] == \
        [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.data.tolist() for b in nn.DataLoader(Counter(7), batch_size=3,
                                                   drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    assert list(nn.DataLoader(Counter(3), batch_size=None)) == [0, 1, 2]
    with pytest.raises(TypeError, match="does not define"):
        len(nn.DataLoader(Counter(7), batch_size=3))
    for bad in ({"shuffle": True}, {"sampler": [0, 1]}, {"batch_sampler": [[0]]}):
        with pytest.raises(ValueError, match="its own order"):
            nn.DataLoader(Counter(7), **bad)


def test_iterable_with_len_and_a_plain_generator_object():
    class Sized(Counter):
        def __len__(self):
            return self.limit

    assert len(nn.DataLoader(Sized(7), batch_size=3)) == 3
    assert len(nn.DataLoader(Sized(7), batch_size=3, drop_last=True)) == 2
    gen = (float(i) for i in range(5))  # anything with __iter__ is an iterable dataset
    assert [b.data.tolist() for b in nn.DataLoader(gen, batch_size=2)] == \
        [[0.0, 1.0], [2.0, 3.0], [4.0]]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40), st.integers(1, 12), st.booleans(), st.booleans(),
       st.integers(0, 2**31))
def test_map_style_batches_cover_the_data_once(n, bs, shuffle, drop_last, seed):
    loader = nn.DataLoader(Pairs(n), batch_size=bs, shuffle=shuffle, drop_last=drop_last,
                           generator=seed)
    batches = list(loader)
    assert len(batches) == len(loader) == (n // bs if drop_last else -(-n // bs))
    rows = np.concatenate([xb.data for xb, _ in batches]) if batches else np.zeros((0, 3))
    seen = (rows[:, 0] // 3).astype(int).tolist()
    assert len(set(seen)) == len(seen)
    assert len(seen) == (n - n % bs if drop_last else n)
    if not shuffle:
        assert seen == list(range(len(seen)))
    for xb, yb in batches:
        np.testing.assert_array_equal(yb.data, (xb.data[:, 0] // 3).astype(int) % 4)


def test_the_array_fast_path_gives_the_item_by_item_batches():
    x = np.random.default_rng(0).standard_normal((23, 2))
    y = np.arange(23)
    ds = nn.TensorDataset(x, y)
    fast = list(nn.DataLoader(ds, batch_size=5, shuffle=True, generator=4))
    slow = list(nn.DataLoader(ds, batch_size=5, shuffle=True, generator=4,
                              collate_fn=nn.default_collate))
    assert len(fast) == len(slow) == 5
    for a, b in zip(fast, slow):
        assert isinstance(a, list) and isinstance(b, list)  # PyTorch collates tuples to lists
        for ta, tb in zip(a, b):
            assert ta.dtype == tb.dtype
            np.testing.assert_array_equal(ta.data, tb.data)


def test_what_each_input_form_yields():
    x = np.ones((10, 3), dtype=np.float32)
    y = np.arange(10)
    assert isinstance(next(iter(nn.DataLoader(x, y))), tuple)  # arrays x, y: (xb, yb)
    assert isinstance(next(iter(nn.DataLoader(x))), Tensor)  # x alone: xb
    assert isinstance(next(iter(nn.DataLoader(Tensor(x)))), Tensor)
    assert isinstance(next(iter(nn.DataLoader(nn.TensorDataset(x, y)))), list)
    row = nn.TensorDataset(x, y)[2]
    assert isinstance(row[0], Tensor) and row[1].item() == 2
    assert [t.shape for t in nn.TensorDataset(x, y).tensors] == [(10, 3), (10,)]


def test_pytorchs_positional_batch_size_and_shuffle():
    ds = Pairs(10)
    assert len(nn.DataLoader(ds, 4)) == 3  # DataLoader(dataset, 4): batch_size, as PyTorch
    loader = nn.DataLoader(ds, 4, True, generator=0)
    assert loader.batch_size == 4 and loader.shuffle
    with pytest.raises(TypeError, match="write keywords"):
        nn.DataLoader(ds, 4, batch_size=2)
    with pytest.raises(ValueError, match="positive integer"):
        nn.DataLoader(ds, batch_size=True)


def test_bad_combinations_are_refused():
    ds = Pairs(10)
    with pytest.raises(ValueError, match="mutually exclusive"):
        nn.DataLoader(ds, sampler=[0, 1], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler is mutually exclusive"):
        nn.DataLoader(ds, batch_size=3, batch_sampler=[[0]])
    with pytest.raises(ValueError, match="drop_last cannot apply"):
        nn.DataLoader(ds, batch_size=None, drop_last=True)
    with pytest.raises(TypeError, match="not both"):
        nn.DataLoader(ds, generator=1, rng=1)
    with pytest.raises(ValueError, match="no worker processes"):
        nn.DataLoader(ds, worker_init_fn=print)
    with pytest.raises(TypeError, match="expected arrays, a Tensor or a dataset"):
        nn.DataLoader(3.5)
    assert len(nn.DataLoader(ds, num_workers=2, pin_memory=True)) == 1  # accepted, in-process


def test_generator_seeds_the_order_reproducibly():
    def order(**kw):
        loader = nn.DataLoader(Pairs(30), batch_size=7, shuffle=True, **kw)
        return [np.concatenate([yb.data for _, yb in loader]).tolist() for _ in range(2)]

    assert order(generator=3) == order(generator=3) == order(rng=3)
    assert order(generator=3)[0] != order(generator=3)[1]  # a new order each epoch
    assert order(generator=np.random.default_rng(3)) == order(generator=3)
    nn.manual_seed(11)
    a = order()
    nn.manual_seed(11)
    assert order() == a


def test_samplers():
    assert list(nn.SequentialSampler(range(4))) == [0, 1, 2, 3]
    r = nn.RandomSampler(range(6), generator=0)
    assert sorted(r) == list(range(6)) and len(r) == 6
    w = nn.RandomSampler(range(3), replacement=True, num_samples=10, generator=0)
    assert len(list(w)) == 10 and set(w) <= {0, 1, 2}
    counts = np.bincount(list(nn.RandomSampler(range(3), num_samples=7, generator=1)))
    assert counts.sum() == 7 and set(counts.tolist()) <= {2, 3}  # whole permutations first
    assert sorted(nn.SubsetRandomSampler([5, 7, 9], generator=0)) == [5, 7, 9]
    b = nn.BatchSampler(nn.SequentialSampler(range(7)), 3, drop_last=False)
    assert list(b) == [[0, 1, 2], [3, 4, 5], [6]] and len(b) == 3
    assert len(nn.BatchSampler(range(7), 3, drop_last=True)) == 2
    with pytest.raises(ValueError, match="positive integer"):
        nn.BatchSampler(range(7), 0, drop_last=False)


def test_random_split_of_any_dataset():
    ds = Pairs(10)
    a, b = nn.random_split(ds, [0.7, 0.3], generator=0)
    assert isinstance(a, nn.Subset) and (len(a), len(b)) == (7, 3)
    labels = sorted(int(s[0][0]) // 3 for part in (a, b) for s in (part[i] for i in
                                                                     range(len(part))))
    assert labels == list(range(10))
    batches = list(nn.DataLoader(a, batch_size=4))
    assert [len(yb) for _, yb in batches] == [4, 3]
