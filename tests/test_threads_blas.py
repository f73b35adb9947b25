"""`set_num_threads` / `get_num_threads`: numpy's BLAS thread count, PyTorch's names."""

from __future__ import annotations

import subprocess
import sys

import pytest

import autograd_core as ag


def test_bad_counts_name_the_value() -> None:
    for bad in (0, -1, 1.5, "2", True, None):
        with pytest.raises(ValueError, match=r"set_num_threads: n must be a positive int, got"):
            ag.set_num_threads(bad)  # type: ignore[arg-type]


def test_set_then_get_in_a_fresh_process() -> None:
    pytest.importorskip("threadpoolctl")
    code = ("import autograd_core as ag, numpy as np\n"
            "ag.set_num_threads(1)\n"
            "print(ag.get_num_threads())\n"
            "a = np.ones((300, 300)); print(float((a @ a)[0, 0]))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    threads, product = r.stdout.split()
    assert threads == "1" and float(product) == 300.0


def test_without_threadpoolctl_the_error_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import fails
    with pytest.raises(ImportError, match=r"autograd-core\[threads\].*OPENBLAS_NUM_THREADS=1"):
        ag.set_num_threads(1)
