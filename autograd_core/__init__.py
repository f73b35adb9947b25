"""autograd_core: a readable reverse-mode autodiff engine on numpy.

`Value` (scalars, micrograd's API) and `Tensor` (arrays, PyTorch's vocabulary) share one graph
engine: operations are recorded in the forward pass and `backward()` replays the chain rule in
reverse topological order.

The package is built in layers, each a subpackage that imports only the ones below it:
engine -> functions -> tensor, value -> checking, viz, compile -> app (the README's
"Architecture").
This file is the public face: every name users need, from the layers' own faces.
"""

from .checking import *  # noqa: F401,F403
from .compile import CompileError, ConcretizationError, compile
from .engine import (
    AnomalyError,
    Function,
    Node,
    backward,
    detect_anomaly,
    enable_grad,
    grad,
    is_anomaly_enabled,
    is_grad_enabled,
    keep_skeleton,
    no_grad,
    set_grad_enabled,
)
from .tensor import *  # noqa: F401,F403
from .tensor import Tensor, get_num_threads, set_num_threads
from .value import Value
from .viz import *  # noqa: F401,F403

__version__ = "0.1.0"
