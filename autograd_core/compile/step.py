"""`compile(fn)`: record a training step once per signature, then replay it.

The first call with a given signature (the arguments' types, shapes and dtypes, grad and
anomaly mode, the default dtype) runs `fn` eagerly on stand-ins that write down every numpy
call of the forward pass, the backward pass and the optimizer update, and returns the eager
result. Later calls with that signature run the recording as one generated Python function
of numpy statements (`step.source`): no graph, no topological sort, no Function objects.
"""

from __future__ import annotations

import inspect
from collections import OrderedDict
from typing import Any

import numpy as np

from ..engine.grad_mode import _mode
from ..tensor import Tensor, get_default_dtype
from . import checks
from .bind import Binding, guards, slot_get
from .discover import discover
from .ir import CompileError
from .numpy_patch import patch_numpy, unpatch_numpy
from .program import MISS_DATA, MISS_STATE, Program, build
from .record import Recorder
from .traced import REC, Sym, Traced

#: Signatures kept per compiled step (least recently used dropped first), and recordings
#: kept per signature (one more is made when the state no longer matches, e.g. after the
#: optimizer's first step created its state).
CACHE_SIZE = 8
PER_SIGNATURE = 4


class CompiledStep:
    """A step function that records itself once per signature and then replays."""

    def __init__(self, fn: Any, cache_size: int = CACHE_SIZE) -> None:
        if not callable(fn):
            raise TypeError(f"compile: expected a function, got {type(fn).__name__}")
        self.fn = fn
        self.cache_size = cache_size
        self._cache: OrderedDict[Any, list[Program]] = OrderedDict()
        self._last: Program | None = None
        self._pool: list[np.ndarray] = []  # buffer arenas, shared by the recordings
        self._running = False
        #: How calls went: recorded, replayed, replays that fell back to eager (a library
        #: check such as "all logits finite" went the other way), and recordings dropped.
        self.stats = {"recorded": 0, "replayed": 0, "eager": 0, "evicted": 0}
        self.arg_names = _arg_names(fn)
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__name__ = getattr(fn, "__name__", "step")

    # ---------------------------------------------------------------- calling
    def __call__(self, *args: Any) -> Any:
        if REC[0] is not None:  # called inside another step's recording: part of it
            return self.fn(*args)
        if self._running:
            raise RuntimeError(f"compile: {self.__name__} was called while it was running (from "
                               "itself, or from another thread); its replays share buffers, so "
                               "one compiled step runs one call at a time")
        self._running = True
        try:
            key = _signature(args)
            progs = self._cache.get(key)
            if progs:
                self._cache.move_to_end(key)
                for prog in progs:
                    out = prog.run(*args)
                    if out is MISS_STATE:
                        continue
                    if out is MISS_DATA:
                        self.stats["eager"] += 1
                        return self.fn(*args)
                    self.stats["replayed"] += 1
                    self._last = prog
                    return out
            return self._record(key, args)
        finally:
            self._running = False

    def _record(self, key: Any, args: tuple[Any, ...]) -> Any:
        names = self._names(len(args))
        prog, result = record(self.fn, args, names, self._pool)
        progs = self._cache.setdefault(key, [])
        progs.insert(0, prog)
        del progs[PER_SIGNATURE:]
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
            self.stats["evicted"] += 1
        self.stats["recorded"] += 1
        self._last = prog
        return result

    def _names(self, n: int) -> list[str]:
        names = list(self.arg_names[:n])
        return names + [f"arg{i}" for i in range(len(names), n)]

    # ---------------------------------------------------------------- reading it
    @property
    def source(self) -> str:
        """The replay's Python source for the most recent call (recorded on first use)."""
        if self._last is None:
            raise RuntimeError(f"compile: {self.__name__} has not been called yet, so nothing "
                               "is recorded; call it once with example inputs first")
        return self._last.source

    @property
    def programs(self) -> list[Program]:
        """Every recording in the cache, most recently used signature last."""
        return [p for progs in self._cache.values() for p in progs]

    def clear(self) -> None:
        """Forget every recording (the next call records again)."""
        self._cache.clear()
        self._last = None

    def __repr__(self) -> str:
        return (f"<compiled {self.__name__}: {len(self.programs)} recording(s), "
                f"{self.stats}>")


def compile(fn: Any = None, *, cache_size: int = CACHE_SIZE) -> Any:
    """Record `fn` (a training step) once per signature and replay it as plain numpy.

    Use as `step = compile(train_step)` or as the decorator `@compile`. `step.source` is the
    replay's Python source. Calls with at most `cache_size` different signatures are kept.
    """
    if fn is None:
        return lambda f: CompiledStep(f, cache_size)
    return CompiledStep(fn, cache_size)


def _arg_names(fn: Any) -> list[str]:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    return [p.name for p in sig.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _signature(args: tuple[Any, ...]) -> Any:
    """What a recording depends on besides the state its checks cover."""
    mode = _mode
    parts: list[Any] = [mode.enabled, mode.anomaly, get_default_dtype()]
    for a in args:
        if isinstance(a, Tensor):
            d = a._data
            parts.append((type(a), d.shape, d.dtype, d.flags.c_contiguous, a.requires_grad))
        elif isinstance(a, np.ndarray):
            parts.append((np.ndarray, a.shape, a.dtype, a.flags.c_contiguous))
        elif a is None or isinstance(a, (bool, int, float, str, np.generic)):
            parts.append((type(a), a))
        else:
            parts.append(_Same(a))
    return tuple(parts)


class _Same:
    """An argument compared by identity in a signature (and kept alive by it, so that its id
    cannot pass to another object while the recording is cached)."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: Any) -> bool:
        return type(other) is _Same and other.obj is self.obj


def record(fn: Any, args: tuple[Any, ...], names: list[str], pool: list[np.ndarray]
           ) -> tuple[Program, Any]:
    """Run `fn(*args)` eagerly while recording it; return the replay and fn's result."""
    code = getattr(getattr(fn, "__func__", fn), "__code__", None)
    rec = Recorder(code)
    found = discover(fn, args, names)
    checks.before(found)
    snap = checks.Snapshot(found)
    pre = guards(found, args)
    binding = Binding(rec, found)
    saved = patch_numpy()
    REC[0] = rec
    ok = False
    try:
        recorded = {id(slot_get((c, k))) for c, k, _n in found.generators}
        with checks.recording_guards(recorded):
            try:
                bargs = binding.bind_args(args, names)
                binding.bind_state()
                ret = fn(*bargs)
            finally:
                REC[0] = None
                unpatch_numpy(saved)
        binding.unbind()
        output, result = _output(ret)
        ok = True
    finally:
        REC[0] = None
        if not ok:
            binding.restore_on_error()
    arg_kinds = [next((s.var for p, s in binding._plains if p is (a._data if isinstance(
        a, Tensor) else a)), None) for a in args]
    del bargs, ret
    binding.release()
    rec.defer_state_writes()
    rec.check_guard_order()
    snap.check()
    checks.constants(rec)
    checks.leaks(rec)
    name = getattr(fn, "__name__", "step")
    prog = build(rec, binding, found, name if name.isidentifier() else "step", names,
                 arg_kinds, output, pre, pool)
    return prog, result


def _output(ret: Any) -> tuple[Any, Any]:
    """(spec of fn's return value for the replay, the value with the eager results)."""
    if isinstance(ret, Tensor):
        fn = ret._fn
        if fn is not None and fn.inputs is not None and not fn._freed:
            raise CompileError(
                "compile: the step returns a tensor that still has its graph (backward was not "
                "called on it), but a replay returns plain tensors without one. Call backward "
                "inside the step, or compute it under no_grad()")
        d = ret._data
        if type(d) is Traced:
            d.var.escapes = True
            ret._data = d.plain
            return ("tensor", d.var), ret
        return ("const", ret), ret
    if type(ret) in (Traced, Sym):
        ret.var.escapes = True
        return ("array" if type(ret) is Traced else "number", ret.var), ret.plain
    if isinstance(ret, (tuple, list)):
        pairs = [_output(r) for r in ret]
        return (("tuple" if isinstance(ret, tuple) else "list"), [p[0] for p in pairs]), \
            type(ret)(p[1] for p in pairs)
    if isinstance(ret, dict):
        pairs = [_output(v) for v in ret.values()]
        return ("dict", [p[0] for p in pairs], list(ret)), dict(zip(ret, (p[1] for p in pairs)))
    if ret is None or isinstance(ret, (bool, int, float, str)):
        return ("const", ret), ret
    raise CompileError(f"compile: the step returns a {type(ret).__name__}, which a replay "
                       "cannot rebuild; return Tensors, arrays, numbers or tuples of them")
