"""Grad mode is per thread; independent graphs in several threads give the right gradients."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

import numpy as np

import autograd_core as ag
from autograd_core import Tensor, Value, no_grad


def run_together(*targets: Callable[[], None]) -> None:
    """Start all targets at once (a barrier), wait for them, re-raise the first failure."""
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def wrap(f: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                barrier.wait()
                f()
            except BaseException as e:  # noqa: BLE001 - handed to the main thread
                errors.append(e)
        return run

    threads = [threading.Thread(target=wrap(f)) for f in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_no_grad_in_one_thread_does_not_stop_recording_in_another() -> None:
    inside_no_grad = threading.Event()
    recorded_done = threading.Event()
    results: dict[str, object] = {}

    def evaluator() -> None:
        with no_grad():
            inside_no_grad.set()
            recorded_done.wait(5)
            y = Tensor([1.0, 2.0], requires_grad=True) * 2.0
            results["eval_requires_grad"] = y.requires_grad

    def trainer() -> None:
        inside_no_grad.wait(5)  # the other thread is inside no_grad right now
        x = Tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        results["train_grad_enabled"] = ag.is_grad_enabled()
        y.backward()
        results["grad"] = x.grad.data.copy()
        recorded_done.set()

    run_together(evaluator, trainer)
    assert results["train_grad_enabled"] is True
    np.testing.assert_array_equal(results["grad"], [2.0, 4.0])
    assert results["eval_requires_grad"] is False


def test_set_grad_enabled_and_enable_grad_are_per_thread_too() -> None:
    seen: list[bool] = []
    with ag.set_grad_enabled(False):
        t = threading.Thread(target=lambda: seen.append(ag.is_grad_enabled()))
        t.start()
        t.join()
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled() and seen == [True]


def test_independent_graphs_in_parallel_threads_get_their_own_gradients() -> None:
    n = 4
    out: list[np.ndarray | None] = [None] * n

    def work(k: int) -> Callable[[], None]:
        def run() -> None:
            x = Tensor(np.full(3, float(k + 1)), requires_grad=True)
            for _ in range(200):
                x.grad = None
                ((x * x).tanh() * 0.0 + x * float(k)).sum().backward()
            out[k] = x.grad.data.copy()
        return run

    run_together(*(work(k) for k in range(n)))
    assert gc.isenabled()  # backward pauses the collector; overlapping passes must restore it
    for k in range(n):
        np.testing.assert_array_equal(out[k], np.full(3, float(k)))


def test_value_graphs_in_threads() -> None:
    res: list[float] = [0.0, 0.0]

    def work(k: int) -> Callable[[], None]:
        def run() -> None:
            a = Value(float(k + 2))
            y = a
            for _ in range(1000):
                y = y * 1.0 + 0.0
            (y * a).backward()
            res[k] = a.grad
        return run

    run_together(work(0), work(1))
    assert res == [4.0, 6.0]  # d(a*a)/da = 2a


def test_shared_read_only_weights_across_threads() -> None:
    # Sharing a parameter between threads for forward/backward is fine as long as each
    # thread reads it; only `.grad` accumulation into the same leaf is a race (documented).
    w = Tensor(np.arange(3.0), requires_grad=True)
    out: list[np.ndarray | None] = [None, None]

    def work(k: int) -> Callable[[], None]:
        def run() -> None:
            x = Tensor(np.full(3, float(k + 1)))
            (g,) = ag.grad((w * x).sum(), [w])  # grad() leaves w.grad alone
            out[k] = g.data
        return run

    run_together(work(0), work(1))
    np.testing.assert_array_equal(out[0], np.ones(3))
    np.testing.assert_array_equal(out[1], np.full(3, 2.0))
    assert w.grad is None
