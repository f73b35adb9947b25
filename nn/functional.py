"""Functions behind the layers, activations and losses (imported as `F`).

Activations live in `_activation_fns.py`, losses in `_loss_fns.py`, layer functions in
`_layer_fns.py`; this module gathers them under one name, as `torch.nn.functional` does.
"""

from ._layer_fns import *  # noqa: F403
from ._layer_fns import __all__ as _layer_all

__all__ = list(_layer_all)
