"""The graph's lifetime: saved arrays freed by backward, flat memory in training, no cycles."""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pytest

from autograd_core import Tensor, Value, no_grad


@contextmanager
def collector_off() -> Iterator[None]:
    """Only reference counting frees memory inside: anything in a cycle would stay."""
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def traced(f: Callable[[], object]) -> tuple[int, int]:
    """(bytes still held after f, peak bytes during f), relative to the start."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        f()
        now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return now - base, peak - base


def test_backward_releases_saved_arrays_while_the_output_is_still_alive() -> None:
    x = Tensor(np.ones((256, 256)), requires_grad=True)  # 512 KiB per array
    held: list[Tensor] = []

    def step() -> None:
        h = x
        for _ in range(20):
            h = (h * 1.01).tanh()  # each op saves a 512 KiB array
        loss = h.sum()
        loss.backward()
        held.append(loss)  # keep the output: the graph behind it must be gone anyway

    after, peak = traced(step)
    assert peak > 20 * 512 * 1024  # sanity: the graph really took memory
    # What is left: x.grad (512 KiB) and small objects; not the 20+ saved arrays.
    assert after < 2 * 512 * 1024, f"{after} bytes held after backward (peak {peak})"


def test_retain_graph_keeps_then_second_backward_releases() -> None:
    x = Tensor(np.ones((128, 128)), requires_grad=True)
    y = (x * 2.0).exp()
    fn = y.grad_fn
    loss = y.sum()
    loss.backward(retain_graph=True)
    assert fn._freed is False and fn.inputs is not None
    loss.backward()
    assert fn._freed and fn.inputs is None
    np.testing.assert_allclose(x.grad.data, 4 * np.exp(2.0), rtol=1e-12)


def _mlp_params(rng: np.random.Generator) -> list[Tensor]:
    return [Tensor(rng.standard_normal((4, 16)) * 0.5, requires_grad=True),
            Tensor(np.zeros(16), requires_grad=True),
            Tensor(rng.standard_normal((16, 1)) * 0.5, requires_grad=True),
            Tensor(np.zeros(1), requires_grad=True)]


def _train(params: list[Tensor], x: Tensor, y: Tensor, steps: int) -> float:
    w1, b1, w2, b2 = params
    loss_value = 0.0
    for _ in range(steps):
        pred = (x @ w1 + b1).tanh() @ w2 + b2
        loss = ((pred - y) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        with no_grad():
            for p in params:
                p.sub_(p.grad, alpha=0.05)
        loss_value = loss.item()
    return loss_value


def test_one_thousand_training_steps_do_not_grow_memory() -> None:
    rng = np.random.default_rng(0)
    xd = rng.standard_normal((32, 4))
    x, y = Tensor(xd), Tensor(np.sin(xd.sum(1, keepdims=True)))
    params = _mlp_params(rng)
    first = _train(params, x, y, 50)  # warm up: grads and caches exist from here on
    gc.collect()
    tracemalloc.start()
    try:
        _train(params, x, y, 200)
        mid = tracemalloc.get_traced_memory()[0]
        last = _train(params, x, y, 800)
        end = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert last < first  # it trained
    assert end - mid < 64 * 1024, f"memory grew by {end - mid} bytes over 800 steps"


def test_nn_mlp_training_with_an_optimizer_stays_flat() -> None:
    nn = pytest.importorskip("nn")
    optim = pytest.importorskip("optim")
    if not hasattr(nn, "Linear") or not hasattr(optim, "SGD"):
        pytest.skip("nn.Linear / optim.SGD not available yet")
    rng = np.random.default_rng(1)
    model = nn.Sequential(nn.Linear(4, 16, rng=rng), nn.Tanh(), nn.Linear(16, 1, rng=rng))
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    xd = rng.standard_normal((32, 4))
    x, y = Tensor(xd), Tensor(np.cos(xd.sum(1, keepdims=True)))
    loss_fn = nn.MSELoss()

    def train(n: int) -> None:
        for _ in range(n):
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()

    train(50)
    gc.collect()
    tracemalloc.start()
    try:
        train(100)
        mid = tracemalloc.get_traced_memory()[0]
        train(400)
        end = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert end - mid < 64 * 1024, f"memory grew by {end - mid} bytes over 400 steps"


# ---------------------------------------------------------------- no reference cycles

@pytest.mark.parametrize("backward", [False, True])
def test_tensor_graph_is_freed_by_reference_counting_alone(backward: bool) -> None:
    with collector_off():
        x = Tensor(np.ones(8), requires_grad=True)
        h = x
        for i in range(50):  # a mix of ops, including those that keep their output
            h = (h * 1.1).exp().log() + h.sigmoid().tanh() * float(i) + h[::-1].sqrt()
        refs = [weakref.ref(h), weakref.ref(h.grad_fn.inputs[0])]
        if backward:
            h.sum().backward()
        del h
        assert all(r() is None for r in refs), "the graph stayed alive: a reference cycle"
        assert gc.collect() == 0


def test_training_steps_leave_nothing_for_the_collector() -> None:
    rng = np.random.default_rng(2)
    xd = rng.standard_normal((16, 4))
    x, y = Tensor(xd), Tensor(xd[:, :1])
    params = _mlp_params(rng)
    _train(params, x, y, 5)
    with collector_off():
        before = len(gc.get_objects())
        _train(params, x, y, 100)
        grown = len(gc.get_objects()) - before
        unreachable = gc.collect()
    assert grown < 50, f"{grown} container objects accumulated over 100 steps"
    assert unreachable == 0, f"{unreachable} objects were only freeable by the collector"


def test_value_graph_is_freed_by_reference_counting_alone() -> None:
    with collector_off():
        xs = [Value(float(i)) for i in range(10)]
        out = Value.sum([(x * x).tanh() + x.exp() * 0.001 for x in xs])
        for _ in range(100):
            out = out * 0.99 + xs[0]
        ref = weakref.ref(out.grad_fn.inputs[0])
        out.backward()
        del out
        assert ref() is None
        assert gc.collect() == 0


def test_100k_op_chains_free_without_the_collector() -> None:
    with collector_off():
        v = Value(1.0)
        y = v
        for _ in range(100_000):
            y = y + 1.0
        ref_v = weakref.ref(y.grad_fn.inputs[0])
        y.backward()
        del y
        assert ref_v() is None and v.grad == 1.0
        t = Tensor(np.ones(2), requires_grad=True)
        z = t
        for _ in range(100_000):
            z = z * 1.0
        ref_t = weakref.ref(z.grad_fn.inputs[0])
        del z  # never backpropagated: freeing the deep graph must not recurse either
        assert ref_t() is None
