"""How `autograd_core.nn` and `autograd_core.optim` become the top-level `nn` and `optim`
packages this distribution installs: one module object under both names, so that
`from autograd_core import nn` (PyTorch's `from torch import nn`) and `import nn` agree.

When `import nn` would find some other package first (a learner's own nn.py, or another
distribution that installs a top-level `nn`), the library's own package is loaded from its
files under the `autograd_core.` name alone, and a warning gives both paths.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # where autograd_core/, nn/ and optim/ sit


def ours(name: str) -> Path:
    """The `__init__.py` of this distribution's top-level package `name`."""
    return ROOT / name / "__init__.py"


def found(name: str) -> str | None:
    """The file `import name` gives (or would give), without importing it; None if nothing."""
    mod = sys.modules.get(name)
    if mod is not None:
        return getattr(mod, "__file__", None) or repr(mod)
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    return None if spec is None else (spec.origin or str(spec.submodule_search_locations))


def foreign(name: str) -> str | None:
    """The path of a different package that `import name` finds, or None when it is ours."""
    path = found(name)
    if path is None:
        return None
    try:
        same = Path(path).resolve() == ours(name).resolve()
    except (OSError, ValueError):
        same = False
    return None if same else path


def shadow_message(name: str) -> str | None:
    """A one-line warning when `import name` finds a package other than this library's."""
    other = foreign(name)
    if other is None:
        return None
    return (f"`import {name}` finds {other}, not autograd_core's {name} ({ours(name).parent}); "
            f"write `from autograd_core import {name}` (that is always the library's), or "
            f"rename the other {name}")


def register(alias: str, module: ModuleType) -> None:
    """Make `module` and its submodules importable under the `alias` name too: those loaded so
    far at once, any other on first import (the finder below), always as the same objects."""
    if not getattr(module, "__autograd_core__", False):
        raise ImportError(
            f"{module.__name__} at {getattr(module, '__file__', '?')} is not autograd_core's "
            f"(another distribution installed over it?); reinstall autograd-core "
            "(pip install --force-reinstall autograd-core)")
    prefix = module.__name__ + "."
    for key, sub in list(sys.modules.items()):
        if key.startswith(prefix):
            sys.modules.setdefault(alias + key[len(module.__name__):], sub)
    sys.modules[alias] = module
    _ALIASES[alias] = module.__name__
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())


_ALIASES: dict[str, str] = {}  # "autograd_core.nn" -> "nn"


class _AliasFinder(importlib.abc.MetaPathFinder):
    """`autograd_core.nn.X` for a submodule `nn.X` that no one has imported yet (a lazy one):
    load it under its own name, and hand that same module object to the alias."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        for alias, real_root in _ALIASES.items():
            if fullname.startswith(alias + "."):
                real = real_root + fullname[len(alias):]
                spec = importlib.util.find_spec(real)  # imports parents only: loaded already
                if spec is None:
                    return None
                return importlib.util.spec_from_loader(fullname, _AliasLoader(real, spec))
        return None


class _AliasLoader(importlib.abc.Loader):
    """Gives the module of the real name (loading it first if needed) instead of a copy."""

    def __init__(self, real: str, spec: Any) -> None:
        self.real, self.spec = real, spec

    def create_module(self, spec: Any) -> ModuleType:
        module = sys.modules.get(self.real)
        if module is None:
            module = importlib.util.module_from_spec(self.spec)
            sys.modules[self.real] = module
            try:
                self.spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[self.real]
                raise
            parent, _, child = self.real.rpartition(".")
            setattr(sys.modules[parent], child, module)
        return module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self.spec  # the import system stamped the alias's spec on it


def load_ours(name: str, alias: str) -> ModuleType:
    """Load this library's package `name` from its files under `alias` only, and warn."""
    init = ours(name)
    spec = importlib.util.spec_from_file_location(alias, init,
                                                  submodule_search_locations=[str(init.parent)])
    if spec is None or spec.loader is None:  # pragma: no cover - the file is part of the package
        raise ImportError(f"cannot load autograd_core's {name} from {init}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    spec.loader.exec_module(module)
    warnings.warn(shadow_message(name) or "", UserWarning, stacklevel=3)
    return module
