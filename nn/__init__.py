"""Neural-network building blocks on autograd_core: modules, layers, activations, init, losses,
data loading, the training loop and checkpoints."""

from . import functional, init, utils
from . import functional as F
from ._random import manual_seed
from .activations import *
from .collate import *
from .containers import *
from .data import *
from .dataloader import *
from .datasets import *
from .layers import *
from .losses import *
from .module import *
from .sampler import *
from .scalar import *
from .serialization import *
from .training import *

# Checked by autograd_core.nn / .optim: the package at this path is autograd_core's.
__autograd_core__ = True
