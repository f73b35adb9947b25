"""Optimizers (PyTorch's update rules and defaults) and learning-rate schedulers."""

from . import lr_scheduler
from .adagrad import *
from .adam import *
from .optimizer import *
from .rmsprop import *
from .sgd import *

# Checked by autograd_core.nn / .optim: the package at this path is autograd_core's.
__autograd_core__ = True
