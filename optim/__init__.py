"""Optimizers (PyTorch's update rules and defaults) and learning-rate schedulers."""

from . import lr_scheduler
from .adagrad import *
from .adam import *
from .optimizer import *
from .rmsprop import *
from .sgd import *
