"""PyTorch's spellings behave as PyTorch's, or stop with an error that says what to write: the
lines issue 14 found doing something else in silence, and the everyday surface around them.
Each is checked against PyTorch where it is installed (skipped otherwise), and by itself."""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor, nn, no_grad

X = np.random.default_rng(1).standard_normal((2, 3))


# ---------------------------------------------------------------- in-place operators

def test_minus_equals_under_no_grad_updates_the_parameter_itself() -> None:
    # "Learning PyTorch with Examples", autograd step: `a -= lr * a.grad` under no_grad.
    x = ag.linspace(-math.pi, math.pi, 200, dtype=np.float64)
    y = ag.sin(x)
    a = Tensor(np.array(0.1), requires_grad=True)
    b = Tensor(np.array(0.2), requires_grad=True)
    same = a
    losses = []
    for _ in range(200):
        loss = (a + b * x - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with no_grad():
            a -= 1e-3 * a.grad
            b -= 1e-3 * b.grad
            a.grad = None
            b.grad = None
    assert same is a and a.requires_grad and a.is_leaf
    assert losses[-1] < 0.9 * losses[0]  # the loss falls (with `p = p - ...` it stays put)


@pytest.mark.parametrize("op", ["+=", "-=", "*=", "/=", "**="])
def test_augmented_assignment_on_a_leaf_outside_no_grad_is_an_error(op: str) -> None:
    p = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(RuntimeError, match=rf"{re_escape(op)} .*leaf tensor.*no_grad"):
        exec(f"p {op} 2.0", {"p": p})


def re_escape(s: str) -> str:
    import re

    return re.escape(s)


def test_augmented_assignment_records_on_a_non_leaf_as_pytorch() -> None:
    torch = pytest.importorskip("torch")
    x = Tensor(X, requires_grad=True)
    y = x * 2.0
    y += x ** 2
    y *= x
    y /= 3.0
    y -= 1.0
    y.sum().backward()
    tx = torch.tensor(X, requires_grad=True)
    ty = tx * 2.0
    ty += tx ** 2
    ty *= tx
    ty /= 3.0
    ty -= 1.0
    ty.sum().backward()
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)


def test_augmented_assignment_keeps_shape_and_dtype_rules() -> None:
    m = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"@=.*cannot change the tensor's shape"):
        m @= np.ones((3, 4))
    square = Tensor(np.eye(2))
    before = square
    square @= np.array([[0.0, 1.0], [1.0, 0.0]])
    assert square is before and square.data.tolist() == [[0, 1], [1, 0]]
    ints = Tensor(np.arange(3))
    with pytest.raises(TypeError, match="cannot store a float64 result in this int64"):
        ints += 1.5
    ints += 1
    assert ints.data.tolist() == [1, 2, 3]


# ---------------------------------------------------------------- names with two meanings

def test_transpose_swaps_two_axes_as_pytorch() -> None:
    t = Tensor(np.arange(24.0).reshape(2, 3, 4))
    assert t.transpose(0, 1).shape == (3, 2, 4)
    assert Tensor(X).transpose(0, 1).shape == (3, 2)
    np.testing.assert_array_equal(Tensor(X).transpose(1, 0).data, X.T)
    assert t.transpose(dim0=2, dim1=0).shape == (4, 3, 2)
    assert t.transpose((2, 0, 1)).shape == (4, 2, 3)  # one tuple: numpy's permutation
    assert t.transpose().shape == (4, 3, 2)


@pytest.mark.parametrize("call", [
    lambda t: t.max(1), lambda t: t.max(dim=1), lambda t: t.max(axis=1), lambda t: ag.max(t, 1),
    lambda t: t.max(1, keepdim=False), lambda t: t.max(-1),
])
def test_every_spelling_of_max_along_a_dim_unpacks_values_and_indices(call: Any) -> None:
    # A batch of 2 rows: a Tensor of two values would unpack "successfully" into the wrong thing.
    out = Tensor(np.array([[0.1, 0.7, 0.2], [0.9, 0.05, 0.05]]))
    values, idx = call(out)
    assert idx.data.tolist() == [1, 0] and idx.dtype == np.int64
    np.testing.assert_allclose(values.data, [0.7, 0.9])
    _, pred = call(out)
    assert pred.data.tolist() == [1, 0]


def test_max_and_min_match_pytorch() -> None:
    torch = pytest.importorskip("torch")
    for name in ("max", "min"):
        for dim in (0, 1, -1):
            for keep in (False, True):
                v, i = getattr(Tensor(X), name)(dim, keepdim=keep)
                tv, ti = getattr(torch.tensor(X), name)(dim, keepdim=keep)
                np.testing.assert_allclose(v.data, tv.numpy())
                np.testing.assert_array_equal(i.data, ti.numpy())
        np.testing.assert_allclose(getattr(Tensor(X), name)().data,
                                   getattr(torch.tensor(X), name)().numpy())


def test_both_spellings_of_one_argument_are_an_error() -> None:
    t = Tensor(X)
    for call in (lambda: t.sum(axis=0, dim=0), lambda: t.mean(0, keepdims=True, keepdim=True),
                 lambda: t.var(dim=0, axis=0), lambda: t.softmax(axis=0, dim=0),
                 lambda: ag.cat([t, t], 0, axis=0), lambda: t.var(ddof=0, unbiased=True),
                 lambda: t.std(correction=1, ddof=1)):
        with pytest.raises(TypeError, match="give one"):
            call()


@pytest.mark.parametrize("kwargs,torch_kwargs", [
    ({}, {}), ({"unbiased": False}, {"unbiased": False}), ({"correction": 0}, {"correction": 0}),
    ({"ddof": 1}, {"correction": 1}), ({"dim": 0, "keepdim": True}, {"dim": 0, "keepdim": True}),
    ({"axis": 1, "correction": 2}, {"dim": 1, "correction": 2}),
])
def test_var_and_std_follow_pytorchs_default_and_arguments(kwargs, torch_kwargs) -> None:
    torch = pytest.importorskip("torch")
    for name in ("var", "std"):
        ours = getattr(Tensor(X), name)(**kwargs)
        theirs = getattr(torch.tensor(X), name)(**torch_kwargs)
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)
    # numpy's own function keeps numpy's default
    np.testing.assert_allclose(np.var(Tensor(X)).data, np.var(X))


def test_var_default_is_unbiased_without_torch() -> None:
    np.testing.assert_allclose(Tensor(X).var().item(), np.var(X, ddof=1))
    np.testing.assert_allclose(Tensor(X).std(0).data, np.std(X, axis=0, ddof=1))


def test_split_size_and_the_numpy_meaning() -> None:
    t = Tensor(np.arange(7.0))
    assert [p.shape for p in t.split(3)] == [(3,), (3,), (1,)]
    assert [p.data.tolist() for p in t.split([2, 5])] == [[0, 1], [2, 3, 4, 5, 6]]
    with pytest.raises(ValueError, match="add up to the length 7"):
        t.split([2, 3])
    assert [p.shape for p in np.split(Tensor(np.arange(6.0)), 3)] == [(2,), (2,), (2,)]


def test_casts_by_pytorchs_names() -> None:
    t = Tensor(np.array([1.7, -2.2, 0.0]))
    assert t.long().dtype == np.int64 and t.long().data.tolist() == [1, -2, 0]
    assert t.int().dtype == np.int32 and t.bool().data.tolist() == [True, True, False]
    assert t.long().float().dtype == np.float32 and t.double() is t


def test_size_is_both_numpys_count_and_pytorchs_shape() -> None:
    t = Tensor(X)
    assert t.size == 6 and t.size() == (2, 3) and t.size(1) == 3 and t.size(-1) == 3
    assert t.nelement() == t.numel() == 6 and t.dim() == 2


# ---------------------------------------------------------------- the everyday surface

def test_devices_and_dtypes() -> None:
    t = Tensor(X)
    assert t.device == "cpu" and t.device == ag.device("cpu") and str(t.device) == "cpu"
    assert t.to("cpu") is t and t.cpu() is t and t.to(np.float64) is t
    assert t.to(ag.float32).dtype == np.float32 and t.to(Tensor(np.ones(1, np.float32))).dtype \
        == np.float32
    assert t.to(dtype=ag.float32, copy=True).dtype == np.float32
    for bad in (lambda: t.to("cuda"), lambda: t.cuda(), lambda: ag.zeros(2, device="cuda:0"),
                lambda: ag.device("mps"), lambda: nn.Linear(2, 2).cuda()):
        with pytest.raises(RuntimeError, match="CPU"):
            bad()
    lin = nn.Linear(2, 2).to("cpu", ag.float64)
    assert lin.weight.dtype == np.float64


def test_all_and_any_are_tensors_and_still_work_in_if() -> None:
    t = Tensor(np.array([[True, False], [True, True]]))
    assert isinstance(t.all(), Tensor) and not t.all().item() and t.any().item()
    assert t.all(dim=1).data.tolist() == [False, True]
    assert t.any(0, keepdim=True).shape == (1, 2)
    assert ag.all(t[1]) and not ag.any(Tensor(np.zeros(2, bool)))
    if t.any():
        pass


def test_log10_mm_cat_matmul_keywords_one_hot_flatten_against_pytorch() -> None:
    torch = pytest.importorskip("torch")
    import torch.nn.functional as tF

    a = np.abs(X) + 0.5
    np.testing.assert_allclose(Tensor(a).log10().data, torch.tensor(a).log10().numpy())
    np.testing.assert_allclose(Tensor(X).mm(Tensor(X.T)).data,
                               torch.tensor(X).mm(torch.tensor(X.T)).numpy())
    np.testing.assert_allclose(ag.matmul(input=Tensor(X), other=Tensor(X.T)).data, X @ X.T)
    np.testing.assert_allclose(ag.cat([Tensor(X), Tensor(X)], dim=1).data,
                               torch.cat([torch.tensor(X)] * 2, dim=1).numpy())
    idx = np.array([[0, 2], [1, 1]])
    ours = nn.functional.one_hot(Tensor(idx), num_classes=4)
    theirs = tF.one_hot(torch.tensor(idx), num_classes=4)
    assert ours.dtype == np.int64
    np.testing.assert_array_equal(ours.data, theirs.numpy())
    np.testing.assert_array_equal(nn.functional.one_hot(Tensor(idx)).data,
                                  tF.one_hot(torch.tensor(idx)).numpy())
    x4 = np.arange(120.0).reshape(2, 3, 4, 5)
    for args in ((), (0, 1), (1, 2), (2, -1)):
        np.testing.assert_array_equal(nn.Flatten(*args)(Tensor(x4)).data,
                                      torch.nn.Flatten(*args)(torch.tensor(x4)).numpy())


def test_one_hot_refuses_bad_indices() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        nn.functional.one_hot(Tensor(np.array([-1, 0])), 3)
    with pytest.raises(ValueError, match="not smaller than num_classes=2"):
        nn.functional.one_hot(Tensor(np.array([0, 2])), 2)
    with pytest.raises(TypeError, match="integer"):
        nn.functional.one_hot(Tensor(np.array([0.0])), 2)


def test_softmax_without_dim_is_pytorchs_implicit_choice_or_an_error() -> None:
    F = nn.functional
    x2 = Tensor(X)
    np.testing.assert_allclose(F.softmax(x2).data, x2.softmax(-1).data)
    np.testing.assert_allclose(nn.LogSoftmax(dim=0)(x2).data, x2.log_softmax(0).data)
    with pytest.raises(ValueError, match="give dim="):
        F.softmax(Tensor(np.ones((2, 3, 4))))
    with pytest.raises(ValueError, match="give dim="):
        nn.Softmax()(Tensor(np.ones((2, 3, 4))))
    assert F.softmax(Tensor(np.ones((2, 3, 4))), dim=1).shape == (2, 3, 4)


# ---------------------------------------------------------------- .grad assignment

def test_grad_takes_a_tensor_of_the_right_shape_and_dtype_or_none() -> None:
    a = Tensor(np.ones(3), requires_grad=True)
    a.grad = Tensor(np.full(3, 2.0))
    a.grad = None
    for bad, error in ((0.0, TypeError), (np.zeros(3), TypeError), ([0.0, 0, 0], TypeError),
                       (Tensor(np.zeros(4)), ValueError),
                       (Tensor(np.zeros(3, dtype=np.float32)), ValueError)):
        with pytest.raises(error, match="grad"):
            a.grad = bad
    assert a.grad is None
    (a * 2.0).sum().backward()  # the next backward is unharmed
    np.testing.assert_array_equal(a.grad.data, [2.0, 2.0, 2.0])


def test_grad_assignment_refused_as_pytorch_refuses_it() -> None:
    torch = pytest.importorskip("torch")
    t = torch.ones(3, dtype=torch.float64, requires_grad=True)
    for bad in (torch.zeros(4, dtype=torch.float64), torch.zeros(3, dtype=torch.float32)):
        with pytest.raises(RuntimeError):
            t.grad = bad
    with pytest.raises(TypeError):
        t.grad = 0.0


# ---------------------------------------------------------------- creation, as PyTorch infers

@pytest.mark.parametrize("make", [
    lambda m: m.tensor([1, 2]), lambda m: m.tensor([1.0, 2.0]), lambda m: m.tensor(3),
    lambda m: m.tensor(True), lambda m: m.tensor([[1, 2], [3, 4]]), lambda m: m.arange(5),
    lambda m: m.arange(0.0, 1.0, 0.25), lambda m: m.arange(1, 4, 1.5),
    lambda m: m.full((2,), 3), lambda m: m.full((2,), 3.0), lambda m: m.full((2,), True),
    lambda m: m.zeros(2, 3), lambda m: m.ones((2,)), lambda m: m.empty(2),
    lambda m: m.linspace(0, 1, steps=5), lambda m: m.eye(2), lambda m: m.randperm(4),
    lambda m: m.randint(0, 5, (3,)), lambda m: m.randint(5, (2, 2)),
])
def test_creation_dtypes_and_shapes_match_pytorch(make: Any) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = make(ag), make(torch)
    assert ours.shape == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")


def test_tensor_copies_and_from_numpy_shares() -> None:
    a = np.zeros(3)
    copied, shared, as_t = ag.tensor(a), ag.from_numpy(a), ag.as_tensor(a)
    a[0] = 5.0
    assert copied.data[0] == 0.0 and shared.data[0] == 5.0 and as_t.data[0] == 5.0


def test_random_creation_functions() -> None:
    g = ag.Generator().manual_seed(3)
    r = ag.randint(2, 9, (1000,), generator=g)
    assert r.dtype == np.int64 and r.data.min() >= 2 and r.data.max() < 9
    assert sorted(ag.randperm(6).data.tolist()) == list(range(6))
    probs = Tensor(np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]]))
    draws = ag.multinomial(probs, 1, generator=0)
    assert draws.shape == (2, 1) and draws.data[0, 0] == 1 and draws.data[1, 0] in (0, 2)
    assert sorted(ag.multinomial(Tensor(np.ones(4)), 4).data.tolist()) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="without replacement"):
        ag.multinomial(Tensor(np.ones(2)), 3)
    with pytest.raises(ValueError, match="non-negative"):
        ag.multinomial(Tensor(np.array([1.0, -1.0])), 1)
    assert ag.rand_like(Tensor(X)).shape == (2, 3) and ag.randn_like(Tensor(X)).dtype == X.dtype


# ---------------------------------------------------------------- manual_seed and threads

def _every_source() -> list[np.ndarray]:
    """One draw from each random source of the library, none given a generator."""
    lin = nn.Linear(3, 2)
    w = Tensor(np.zeros((4, 4)))
    nn.init.normal_(w)
    drop = nn.Dropout(0.5)
    mask = drop(Tensor(np.ones(8))).data
    order = np.concatenate([b.data for b in nn.DataLoader(np.arange(10), batch_size=3,
                                                          shuffle=True)])
    part = nn.random_split(nn.TensorDataset(np.arange(10)), [7, 3])[0].arrays[0]
    return [ag.randn(3).data, ag.rand(2).data, ag.randint(0, 9, (3,)).data,
            ag.randperm(5).data, lin.weight.data.copy(), w.data.copy(), mask, order, part]


def test_manual_seed_seeds_every_random_source() -> None:
    ag.manual_seed(42)
    first = _every_source()
    ag.manual_seed(42)
    again = _every_source()
    nn.manual_seed(42)  # the same function
    third = _every_source()
    for a, b, c in zip(first, again, third):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    ag.manual_seed(43)
    assert not all(np.array_equal(a, b) for a, b in zip(first, _every_source()))
    assert nn.manual_seed is ag.manual_seed


def test_threads_do_not_disturb_each_others_draws() -> None:
    def work(seed: int) -> list[np.ndarray]:
        ag.manual_seed(seed)
        out = []
        for _ in range(200):  # many small draws, interleaving with the other threads
            out.append(ag.randn(2).data)
        return out

    alone = {s: work(s) for s in range(4)}
    results: dict[int, list[np.ndarray]] = {}
    barrier = threading.Barrier(4)

    def run(seed: int) -> None:
        barrier.wait()
        results[seed] = work(seed)

    threads = [threading.Thread(target=run, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in range(4):
        np.testing.assert_array_equal(np.array(results[s]), np.array(alone[s]))


def test_a_new_thread_starts_from_the_last_manual_seed() -> None:
    ag.manual_seed(7)
    expected = ag.randn(3).data
    ag.manual_seed(7)
    got: list[np.ndarray] = []
    t = threading.Thread(target=lambda: got.append(ag.randn(3).data))
    t.start()
    t.join()
    np.testing.assert_array_equal(got[0], expected)
    # and the main thread's own stream was not consumed by the other thread
    np.testing.assert_array_equal(ag.randn(3).data, expected)


def test_explicit_generators_are_their_own_streams() -> None:
    g1, g2 = ag.Generator().manual_seed(5), ag.Generator().manual_seed(5)
    ag.manual_seed(0)
    a = ag.randn(4, generator=g1).data
    ag.randn(10)
    b = ag.randn(4, generator=g2).data
    np.testing.assert_array_equal(a, b)
    assert g1.initial_seed() == 5 and ag.manual_seed(9).initial_seed() == 9
    np.testing.assert_array_equal(ag.randn(2, generator=1).data, ag.randn(2, generator=1).data)
    with pytest.raises(TypeError, match="not both"):
        ag.randn(2, generator=1, rng=1)
    with pytest.raises(TypeError, match="integer"):
        ag.manual_seed(1.5)


def test_a_kept_grad_keeps_its_values_across_backward_as_the_readme_says() -> None:
    # A difference kept on purpose (README, "Coming from PyTorch", the `g = p.grad` row):
    # backward() accumulates into a new .grad, so a reference kept to the old one does not
    # change under the user (PyTorch adds in place). The sum itself is PyTorch's.
    p = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (p * p).sum().backward()
    g = p.grad
    (p * 3.0).sum().backward()
    np.testing.assert_array_equal(g.numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(p.grad.numpy(), [5.0, 7.0])
    assert p.grad is not g
    torch = pytest.importorskip("torch")
    q = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    (q * q).sum().backward()
    (q * 3.0).sum().backward()
    np.testing.assert_array_equal(q.grad.numpy(), p.grad.numpy())
