"""Containers: `Sequential` (modules applied in order) and `ModuleList` (a registered list)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any

from .module import Module

__all__ = ["Sequential", "ModuleList"]


class Sequential(Module):
    """Modules applied one after another; indexable (`seq[0]`, `seq[1:]`), iterable, `len`."""

    def __init__(self, *modules: Module | OrderedDict[str, Module]) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, mod in enumerate(modules):
                if not isinstance(mod, Module):
                    raise TypeError(f"Sequential: argument {i} is a {type(mod).__name__}, not a "
                                    "Module (did you pass a function? wrap it in a Module)")
                self.add_module(str(i), mod)

    def forward(self, x: Any) -> Any:
        """Feed `x` through each module in order."""
        for m in self._modules.values():
            x = m(x)
        return x

    def __getitem__(self, idx: int | slice) -> Any:
        items = list(self._modules.items())
        if isinstance(idx, slice):
            return Sequential(OrderedDict(items[idx]))
        try:
            return items[idx][1]
        except IndexError:
            raise IndexError(f"Sequential index {idx} is out of range for {len(items)} "
                             "modules") from None

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def append(self, module: Module) -> Sequential:
        """Add a module at the end."""
        self.add_module(str(len(self._modules)), module)
        return self


class ModuleList(Module):
    """A list of modules whose parameters are registered (a plain Python list hides them)."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        for m in modules or ():
            self.append(m)

    def append(self, module: Module) -> ModuleList:
        """Add a module at the end."""
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList.append: expected a Module, got {type(module).__name__}")
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add several modules at the end."""
        for m in modules:
            self.append(m)
        return self

    def _reindex(self, mods: list[Module]) -> None:
        for k in list(self._modules):
            self._forget(k)
            object.__delattr__(self, k)
        for m in mods:
            self.append(m)

    def insert(self, index: int, module: Module) -> None:
        """Insert a module before `index`."""
        mods = list(self._modules.values())
        mods.insert(index, module)
        self._reindex(mods)

    def __getitem__(self, idx: int | slice) -> Any:
        mods = list(self._modules.values())
        if isinstance(idx, slice):
            return ModuleList(mods[idx])
        try:
            return mods[idx]
        except IndexError:
            raise IndexError(f"ModuleList index {idx} is out of range for {len(mods)} "
                             "modules") from None

    def __setitem__(self, idx: int, module: Module) -> None:
        mods = list(self._modules.values())
        mods[idx] = module
        self._reindex(mods)

    def __delitem__(self, idx: int | slice) -> None:
        mods = list(self._modules.values())
        del mods[idx]
        self._reindex(mods)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def forward(self, *args: Any) -> Any:
        """A ModuleList is a container: iterate over it in your own forward."""
        raise NotImplementedError("ModuleList has no forward(); loop over it in your module's "
                                  "forward, or use nn.Sequential")
