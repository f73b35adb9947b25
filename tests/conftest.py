"""Shared test helpers: central differences in float64, independent of the engine under test."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import settings

import autograd_core as ag

settings.register_profile("autograd_core", max_examples=30, deadline=None)
settings.load_profile("autograd_core")


# ---------------------------------------------------------------- a machine without `dot`

def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--hide-dot", action="store_true",
        help="run as on a fresh machine without Graphviz's `dot` program: every PATH folder "
             "that holds `dot` is replaced by a folder of links to everything else in it")


_SHADOW: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("--hide-dot"):
        return
    # xdist workers run this too (they get the same options), each with its own shadow folders.
    root = tempfile.mkdtemp(prefix="no-dot-path-")
    _SHADOW.append(root)
    folders = []
    for k, folder in enumerate(os.environ.get("PATH", "").split(os.pathsep)):
        if folder and (Path(folder) / "dot").exists():
            shadow = Path(root) / str(k)
            shadow.mkdir()
            for entry in Path(folder).iterdir():
                if entry.name != "dot":
                    (shadow / entry.name).symlink_to(entry)
            folder = str(shadow)
        folders.append(folder)
    os.environ["PATH"] = os.pathsep.join(folders)
    assert shutil.which("dot") is None, "--hide-dot: `dot` is still on PATH"


def pytest_unconfigure(config: pytest.Config) -> None:
    for root in _SHADOW:
        shutil.rmtree(root, ignore_errors=True)


def numerical_grad(f: Callable[..., float], arrays: Sequence[np.ndarray], eps: float = 1e-6
                   ) -> list[np.ndarray]:
    """d f / d arrays[i] by central differences; `f` takes float64 arrays, returns a float."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        flat, gflat = a.reshape(-1), g.reshape(-1)
        for j in range(flat.size):
            old = flat[j]
            flat[j] = old + eps
            hi = f(*arrays)
            flat[j] = old - eps
            lo = f(*arrays)
            flat[j] = old
            gflat[j] = (hi - lo) / (2 * eps)
        grads.append(g)
    return grads


def check_tensor_grads(op: Callable[..., Any], *arrays: np.ndarray, eps: float = 1e-6,
                       rtol: float = 1e-5, atol: float = 1e-6, seed: int = 0) -> None:
    """Assert that backward of `op(*Tensors)` matches central differences in float64.

    The output is weighted by fixed random numbers before summing, so every output element
    (and a wrong shape or permutation of the gradient) matters.
    """
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    out0 = op(*[ag.Tensor(a) for a in arrays])
    w = np.random.default_rng(seed).standard_normal(np.shape(out0.data))

    def f(*arrs: np.ndarray) -> float:
        return float(np.sum(op(*[ag.Tensor(a.copy()) for a in arrs]).data * w))

    xs = [ag.Tensor(a.copy(), requires_grad=True) for a in arrays]
    out = op(*xs)
    assert out.dtype == np.float64, f"float64 inputs gave a {out.dtype} output"
    assert out.requires_grad
    (out * ag.Tensor(w)).sum().backward()
    expected = numerical_grad(f, arrays, eps)
    for i, (x, e) in enumerate(zip(xs, expected)):
        assert x.grad is not None, f"input {i} got no gradient"
        assert x.grad.shape == x.shape, f"input {i}: grad shape {x.grad.shape} != {x.shape}"
        np.testing.assert_allclose(x.grad.data, e, rtol=rtol, atol=atol,
                                   err_msg=f"gradient of input {i}")


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so failures reproduce."""
    return np.random.default_rng(1234)
