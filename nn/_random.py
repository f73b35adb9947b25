"""The module-level random generator behind layers and initializers: `nn.manual_seed(n)`."""

from __future__ import annotations

import numpy as np

__all__ = ["manual_seed", "default_rng"]

_state: list[np.random.Generator] = [np.random.default_rng()]
#: Where this module keeps its generator, as (container, key): a compiled step
#: (autograd_core.compile looks for this name in loaded modules) records the draws made from
#: it, so each replay draws afresh from the generator the slot holds then (dropout keeps
#: changing its mask, and nn.manual_seed governs compiled steps too).
__random_generator_slots__ = [(_state, 0)]


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the generator used by every layer and initializer not given its own `rng=`."""
    _state[0] = np.random.default_rng(seed)
    return _state[0]


def default_rng(rng: np.random.Generator | None = None) -> np.random.Generator:
    """`rng` if given, else the module-level generator (read at call time, so a later
    `manual_seed` also governs layers built before it)."""
    return rng if rng is not None else _state[0]
