"""Random streams: `manual_seed`, `Generator`, and the per-thread default stream.

Every random source of the library (the creation functions here, nn's layers, initializers,
dropout, DataLoader shuffling, random_split) draws from one place: an explicit `generator=`
(a `Generator`, a numpy Generator or an int seed) or, without one, the calling thread's default
stream. Each thread has its own, so threads never disturb each other's draws; `manual_seed(n)`
reseeds the caller's stream and is where the stream of any thread that has not drawn yet starts,
so a thread's results equal a single-threaded run's. The numbers are numpy's (PCG64), not
PyTorch's: the same seed gives the same run here every time, but not PyTorch's values.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from .devices import device as _device

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "numpy_rng"]

_local = threading.local()
_process_seed: list[int | None] = [None]  # the last manual_seed, for threads yet to draw


def _check_seed(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{where}: the seed must be an integer, got {type(value).__name__} "
                        f"{value!r:.40}")
    return int(value) % 2**64  # PyTorch accepts negative seeds; numpy wants 0..2**64-1


def _fresh_seed() -> int:
    return int(np.random.default_rng().integers(2**63))


class Generator:
    """A random stream with `torch.Generator`'s methods (`manual_seed`, `seed`...), on numpy."""

    def __init__(self, device: Any = "cpu") -> None:
        _device(device)  # "cpu" only: refuse "cuda" here, not at the first draw
        self._initial = _fresh_seed()
        self._numpy_generator = np.random.default_rng(self._initial)

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from `seed`; returns the generator (PyTorch's chaining)."""
        self._initial = _check_seed(seed, "Generator.manual_seed")
        self._numpy_generator = np.random.default_rng(self._initial)
        return self

    def seed(self) -> int:
        """Restart the stream from fresh entropy and return the seed used."""
        self.manual_seed(_fresh_seed())
        return self._initial

    def initial_seed(self) -> int:
        """The seed the stream last started from."""
        return self._initial

    @property
    def device(self) -> Any:
        """Always the CPU."""
        return _device("cpu")

    def __repr__(self) -> str:
        return f"Generator(initial_seed={self._initial})"


def _default() -> Generator:
    g: Generator | None = getattr(_local, "generator", None)
    if g is None:
        g = Generator()
        if _process_seed[0] is not None:
            g.manual_seed(_process_seed[0])
        _local.generator = g
    return g


class _DefaultStreamSlot:
    """`slot[0]` is the calling thread's default numpy generator, read and written at call
    time, so a compiled step records its draws and replays them from the stream of the day."""

    def __getitem__(self, key: int) -> Any:
        return _default()._numpy_generator

    def __setitem__(self, key: int, value: Any) -> None:
        _default()._numpy_generator = value


#: Read by autograd_core.compile (without an import either way): the places that hold a random
#: generator a step may draw from, as (container, key) pairs. Each replay draws afresh from
#: the generator the slot holds then (dropout keeps changing its mask; manual_seed governs
#: compiled steps too).
__random_generator_slots__ = [(_DefaultStreamSlot(), 0)]


def manual_seed(seed: int) -> Generator:
    """Seed every random source of the library, for this thread and threads yet to draw."""
    s = _check_seed(seed, "manual_seed")
    _process_seed[0] = s
    return _default().manual_seed(s)


def seed() -> int:
    """Seed this thread's stream from fresh entropy and return the seed."""
    return _default().seed()


def initial_seed() -> int:
    """The seed this thread's stream last started from."""
    return _default().initial_seed()


def numpy_rng(generator: Any = None, rng: Any = None,
              where: str = "random") -> np.random.Generator:
    """The numpy Generator to draw from: `generator` (or its older name `rng`), else the default.

    Without either, this thread's default stream, read at call time (so a later `manual_seed`
    governs it). `generator` may be a Generator, a numpy Generator or an int seed.
    """
    if generator is not None and rng is not None:
        raise TypeError(f"{where}: give generator= or rng= (the same thing), not both")
    g = generator if generator is not None else rng
    if g is None:
        return _default()._numpy_generator
    if isinstance(g, Generator):
        return g._numpy_generator
    if isinstance(g, np.random.Generator):
        return g
    if isinstance(g, (int, np.integer)) and not isinstance(g, bool):
        return np.random.default_rng(int(g))
    if g is _default()._numpy_generator:  # the default stream handed back (a compiled step's
        return g                          # recording stand-in while it records)
    raise TypeError(f"{where}: generator must be a Generator, a numpy Generator or an int seed, "
                    f"got {type(g).__name__}")
