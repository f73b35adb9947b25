"""How many threads numpy's BLAS may use: `set_num_threads(n)`, PyTorch's name for it.

numpy hands matrix products to a BLAS library (OpenBLAS, MKL...) that starts one thread per core.
On small matrices, or on a machine that is busy with other work, those threads spend their time
waiting for each other: `examples/digits.py` took 191 s on a busy 2-core machine and 13 s with one
thread. `set_num_threads(1)` is the remedy; it needs `threadpoolctl` (the `threads` extra).
"""

from __future__ import annotations

from typing import Any

__all__ = ["set_num_threads", "get_num_threads"]

_LIMITS: list[Any] = []  # the active threadpoolctl limit, kept so it stays in force


def _threadpoolctl(op: str) -> Any:
    try:
        import threadpoolctl
    except ImportError:
        raise ImportError(
            f"{op} needs threadpoolctl: pip install 'autograd-core[threads]' (or pip install "
            "threadpoolctl). Without it, set OPENBLAS_NUM_THREADS=1 (or MKL_NUM_THREADS=1) in "
            "the environment before Python starts.") from None
    return threadpoolctl


def set_num_threads(n: int) -> None:
    """Limit numpy's BLAS (matrix products) to `n` threads, from now on (PyTorch's name).

    Use 1 on a shared or busy machine and for small matrices (a few hundred rows or less), where
    BLAS threads wait on each other more than they work.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: n must be a positive int, got {n!r}")
    threadpoolctl = _threadpoolctl("set_num_threads")
    import numpy  # noqa: F401 - BLAS must be loaded for threadpoolctl to find it

    _LIMITS[:] = [threadpoolctl.threadpool_limits(limits=n, user_api="blas")]


def get_num_threads() -> int:
    """How many threads numpy's BLAS uses now (the largest over the BLAS libraries loaded)."""
    threadpoolctl = _threadpoolctl("get_num_threads")
    import numpy  # noqa: F401

    counts = [int(i["num_threads"]) for i in threadpoolctl.threadpool_info()
              if i.get("user_api") == "blas"]
    return max(counts) if counts else 1
