"""`Module` and `Parameter`: the container system every layer is built on (PyTorch's design).

Assigning a `Parameter` or a `Module` to an attribute registers it, so `parameters()`,
`state_dict()`, `train()`/`eval()` and `zero_grad()` find it without any listing by hand.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from autograd_core import Tensor, device

from ._state_dict import IncompatibleKeys, StateDict

__all__ = ["Parameter", "Module", "RemovableHandle", "IncompatibleKeys"]


class Parameter(Tensor):
    """A Tensor that is a learnable weight: requires grad by default and registers in a Module."""

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True, dtype: Any = None,
                 name: str | None = None) -> None:
        if isinstance(data, Tensor):
            data = data.data  # share the array, as torch.nn.Parameter(t) does
        super().__init__(data, requires_grad=requires_grad, dtype=dtype, name=name)
        if self.dtype.kind != "f":
            raise TypeError(f"Parameter: expected floating-point data, got dtype {self.dtype}")

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class RemovableHandle:
    """Returned by `register_forward_hook`; `.remove()` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict[int, Any]) -> None:
        self._hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        """Unregister the hook (a second call does nothing)."""
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


_NOT_INIT = ("cannot assign {what} before Module.__init__() was called: add "
             "`super().__init__()` as the first line of {cls}.__init__")


class Module(StateDict):
    """Base class of every layer and model.

    Subclass it, assign parts in `__init__`, define `forward`. Calling the module runs
    `forward` (and any forward hooks).
    """

    training: bool

    def __init__(self) -> None:
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent"] = set()
        d["_modules"] = OrderedDict()
        d["_forward_hooks"] = OrderedDict()
        d["_forward_pre_hooks"] = OrderedDict()

    # ---------------------------------------------------------------- registration
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            self._require_init("_parameters", "parameters")
            self._register("_parameters", name, value)
            return
        if isinstance(value, Module):
            self._require_init("_modules", "submodules")
            self._register("_modules", name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign a {type(value).__name__} to {name!r}, which is a "
                                "Parameter of this module: wrap it in nn.Parameter(...) (or "
                                "assign None, or `del` the attribute first)")
            params[name] = None
        elif params is not None and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                value = Tensor(np.asarray(value))
            d["_buffers"][name] = value
        elif params is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(f"cannot assign a {type(value).__name__} to {name!r}, which is a "
                                "submodule of this module (assign a Module or None)")
            d["_modules"][name] = None
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if "_parameters" in self.__dict__:
            self._forget(name)
        object.__delattr__(self, name)

    def _require_init(self, table: str, what: str) -> None:
        # Assigning before super().__init__() would lose the registration: say so.
        if table not in self.__dict__:
            raise AttributeError(_NOT_INIT.format(what=what, cls=type(self).__name__))

    def _register(self, table: str, name: str, value: Any) -> None:
        """Register `value` under `name` in `table`, dropping any other role the name had."""
        self._forget(name)
        self.__dict__[table][name] = value
        object.__setattr__(self, name, value)

    def _forget(self, name: str) -> None:
        d = self.__dict__
        d["_parameters"].pop(name, None)
        d["_buffers"].pop(name, None)
        d["_modules"].pop(name, None)
        d["_non_persistent"].discard(name)

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: say what is wrong when __init__ was skipped.
        if name in ("_parameters", "_modules", "_buffers", "training"):
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}: did "
                                 f"{type(self).__name__}.__init__ forget `super().__init__()`?")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter under `name` (None reserves the name, as for a missing bias)."""
        self._require_init("_parameters", "parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter({name!r}): expected an nn.Parameter or None, "
                            f"got {type(param).__name__}")
        self._register("_parameters", name, param)

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        """Add state that is not learned (running statistics, say) under `name`.

        It is saved in `state_dict` unless `persistent=False`.
        """
        self._require_init("_buffers", "buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            tensor = Tensor(np.asarray(tensor))
        self._register("_buffers", name, tensor)
        if not persistent:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a submodule under `name`."""
        self._require_init("_modules", "submodules")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module({name!r}): expected a Module, got "
                            f"{type(module).__name__}")
        self._register("_modules", name, module)

    # ---------------------------------------------------------------- calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; every subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__} has no forward(): define "
                                  "`def forward(self, x): ...` in the subclass")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        d = self.__dict__
        pre = d.get("_forward_pre_hooks")
        if pre is None:
            raise AttributeError(f"{type(self).__name__} is not initialized: did "
                                 f"{type(self).__name__}.__init__ forget `super().__init__()`?")
        if pre:
            for hook in list(pre.values()):
                r = hook(self, args)
                if r is not None:
                    args = r if isinstance(r, tuple) else (r,)
        out = self.forward(*args, **kwargs)
        hooks = d["_forward_hooks"]
        if hooks:
            for hook in list(hooks.values()):
                r = hook(self, args, out)
                if r is not None:
                    out = r
        return out

    def register_forward_hook(self, hook: Callable[[Module, tuple[Any, ...], Any], Any]
                              ) -> RemovableHandle:
        """Call `hook(module, inputs, output)` after each forward.

        A non-None return replaces the output. Returns a handle whose `.remove()` unregisters
        the hook.
        """
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        return handle

    def register_forward_pre_hook(self, hook: Callable[[Module, tuple[Any, ...]], Any]
                                  ) -> RemovableHandle:
        """Call `hook(module, inputs)` before each forward.

        A non-None return replaces the inputs. Returns a handle whose `.remove()` unregisters
        the hook.
        """
        handle = RemovableHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[handle.id] = hook
        return handle

    # ---------------------------------------------------------------- traversal
    def named_modules(self, prefix: str = "", memo: set[int] | None = None
                      ) -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module and every descendant, each once."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is not None:
                yield from m.named_modules(f"{prefix}.{name}" if prefix else name, memo)

    def modules(self) -> Iterator[Module]:
        """This module and every descendant, each once."""
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for the direct submodules."""
        for name, m in self._modules.items():
            if m is not None:
                yield name, m

    def children(self) -> Iterator[Module]:
        """The direct submodules."""
        for _, m in self.named_children():
            yield m

    def named_parameters(self, prefix: str = "", recurse: bool = True
                         ) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs, e.g. ('0.weight', ...); shared ones appear once."""
        seen: set[int] = set()
        mods = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for mname, m in mods:
            for pname, p in m._parameters.items():
                if p is None or id(p) in seen:
                    continue
                seen.add(id(p))
                yield (f"{mname}.{pname}" if mname else pname), p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter (each once), in registration order."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True
                      ) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs."""
        mods = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for mname, m in mods:
            for bname, b in m._buffers.items():
                if b is not None:
                    yield (f"{mname}.{bname}" if mname else bname), b

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer (running statistics and the like)."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def num_parameters(self, trainable_only: bool = False) -> int:
        """The number of scalar weights (only those requiring grad if `trainable_only`)."""
        return sum(p.size for p in self.parameters() if p.requires_grad or not trainable_only)

    # ---------------------------------------------------------------- modes and bulk edits
    def train(self, mode: bool = True) -> Module:
        """Set training mode (Dropout drops, BatchNorm uses batch statistics) here and below."""
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__}")
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self) -> Module:
        """Set evaluation mode here and below (same as `train(False)`)."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze (True) every parameter."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's `.grad` (to None, or to zeros with `set_to_none=False`)."""
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad = Tensor._wrap(np.zeros_like(p.data))

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call `fn(m)` on every submodule, children first, then on self (e.g. custom init)."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Cast every floating parameter and buffer to a dtype in place (grads are dropped).

        PyTorch's forms: `to(float64)`, `to(dtype=...)`, `to("cpu")` (the CPU is the only
        device: another one is an error), `to(device, dtype)`.
        """
        dtype = kwargs.pop("dtype", None)
        devices = [kwargs.pop("device", None)]
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"Module.to: unexpected arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, (str, device)):
                devices.append(a)
            elif a is not None:
                dtype = a
        for d in devices:
            if d is not None:
                device(d)  # "cpu" only; anything else says so
        if dtype is None:
            return self
        dt = np.dtype(dtype)
        for t in list(self.parameters()) + list(self.buffers()):
            if t.dtype.kind == "f" and t.dtype != dt:
                t.data = t.data.astype(dt)
                t.grad = None
        return self

    def cpu(self) -> Module:
        """The module itself: everything is on the CPU."""
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Module:
        """An error: there is no GPU here (numpy computes on the CPU)."""
        raise RuntimeError("cuda: autograd_core computes on the CPU with numpy and has no GPU; "
                           "drop .cuda() (or use .to('cpu'))")

    def double(self) -> Module:
        """Cast parameters and buffers to float64 (what gradcheck wants)."""
        return self.to(np.float64)

    def float(self) -> Module:
        """Cast parameters and buffers to float32."""
        return self.to(np.float32)

    # ---------------------------------------------------------------- printing
    def extra_repr(self) -> str:
        """The text inside this module's parentheses in `repr` (override in layers)."""
        return ""

    def __repr__(self) -> str:
        lines = []
        for name, m in self._modules.items():
            sub = repr(m).replace("\n", "\n  ")
            lines.append(f"  ({name}): {sub}")
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        head = f"{type(self).__name__}({extra}" if extra else f"{type(self).__name__}("
        return head + ("\n" if not extra else ",\n") + "\n".join(lines) + "\n)"
