"""`autograd_core.optim`: the library's `optim` package, the same module object as `import optim`.

`from autograd_core import optim` cannot be shadowed: if `import optim` finds another package,
this still gives the library's, loaded from its own files, and warns with both paths.
"""

from typing import TYPE_CHECKING

from ._alias import foreign, load_ours, register

if TYPE_CHECKING:  # for type checkers, this module is the optim package itself
    from optim import *  # noqa: F403
    from optim import lr_scheduler  # noqa: F401

if foreign("optim") is None:
    import optim as _optim  # this distribution's top-level optim/

    register(__name__, _optim)
else:
    load_ours("optim", __name__)
