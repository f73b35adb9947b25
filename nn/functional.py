"""Functions behind the layers, activations and losses (imported as `F`).

Activations live in `_activation_fns.py` (with the table of derivatives at kinks), losses in
`_loss_fns.py`, layer functions in `_layer_fns.py`; this module gathers them under one name,
as `torch.nn.functional` does.
"""

from ._activation_fns import *  # noqa: F403
from ._activation_fns import __all__ as _act_all
from ._layer_fns import *  # noqa: F403
from ._layer_fns import __all__ as _layer_all
from ._loss_fns import *  # noqa: F403
from ._loss_fns import __all__ as _loss_all

hinge = hinge_loss  # noqa: F405 - the name the issue uses

__all__ = sorted(set(_act_all) | set(_layer_all) | set(_loss_all) | {"hinge"})
