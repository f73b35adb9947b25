"""The scalar front-end: `Value`, micrograd's API on the shared engine, with float fast paths.

Its primitives (primitives.py) compute on Python floats and inherit each derivative formula
from the Tensor primitive in `autograd_core.functions` where the two agree.
"""

from .value import Value

__all__ = ["Value"]
