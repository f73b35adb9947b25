"""`autograd_core.nn`: the library's `nn` package, the same module object as `import nn`.

`from autograd_core import nn` is PyTorch's `from torch import nn`, and cannot be shadowed: if
`import nn` finds another package (a file nn.py next to your script, or another distribution's
`nn`), this still gives the library's, loaded from its own files, and warns with both paths.
"""

from typing import TYPE_CHECKING

from ._alias import foreign, load_ours, register

if TYPE_CHECKING:  # for type checkers, this module is the nn package itself
    from nn import *  # noqa: F403
    from nn import F, functional, init, utils  # noqa: F401

if foreign("nn") is None:
    import nn as _nn  # this distribution's top-level nn/

    register(__name__, _nn)
else:
    load_ours("nn", __name__)
