"""`Function`: the base of every differentiable op, and `apply`, which runs and records one.

`apply` reads the raw data out of its Node arguments, runs `forward` on it and wraps the result
in the arguments' front-end (`Tensor` or `Value`, their `_out_type`), keeping the Function as
the result's `grad_fn` when an input requires grad and grad mode is on. `_apply1` and `_apply2`
are its fast paths for the library's own one- and two-Node ops; all three share `_run`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import ref as _weakref

from ._safety import _FREED_MESSAGE, _check_forward, _clock, _op_error, _user_frame
from .grad_mode import _mode

# ---------------------------------------------------------------- Function

class Function:
    """Base of every differentiable operation, the library's and the user's.

    Subclass it and define, as static methods or plain methods (the context `ctx` is the
    Function instance itself):

    - ``forward(ctx, *args)``: receives the raw data of each Node argument (a numpy array for
      a Tensor, a float for a Value) and any other argument unchanged; returns raw data (or a
      tuple of raw data for several outputs). It is never recorded.
    - ``backward(ctx, *grad_outputs)``: receives one gradient Node per output and returns one
      gradient per forward argument (a Node, or None where there is none). Write it with Node
      operations (``grad * ctx.inputs[1]``) and higher-order gradients come for free.

    ``ctx.inputs`` holds the forward arguments (Nodes stay Nodes), ``ctx.save_for_backward`` and
    ``ctx.saved_tensors`` keep anything else backward needs, and ``ctx.needs_input_grad`` says
    which arguments want a gradient. Call the op with ``MyOp.apply(*args)``.
    The engine sums each returned gradient back to its input's shape (undoing broadcasting).
    """

    __slots__ = ("inputs", "needs_input_grad", "_saved", "_epoch", "_nout", "_trace", "_outref",
                 "_out_meta", "_freed", "_skel")

    #: False for ops whose backward never reads its inputs' data (add, neg...): writing
    #: into such an input in place after the op is then allowed, as in PyTorch.
    reads_inputs = True
    #: True for ops whose backward uses their own output (exp, tanh...): the engine then
    #: keeps a weak reference to it, readable as `ctx.output`.
    saves_output = False
    #: Optional ``backward_raw(ctx, *grads)``: the same formula as `backward` on raw arrays
    #: (floats for Value), used when no graph of the backward pass is wanted. The library's
    #: hot primitives define it; `backward` stays the reference, and the tests check that the
    #: two agree for every op. User Functions need only `backward`.
    backward_raw: Callable[..., Any] | None = None

    inputs: tuple[Any, ...] | None
    needs_input_grad: tuple[bool, ...]
    _saved: tuple[Any, ...] | None
    _epoch: int
    _nout: int
    _trace: str | None
    _outref: Any
    _out_meta: tuple[Any, ...]
    _freed: bool
    _skel: Any  # what backward() kept for drawing (engine/backward.py)

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run `forward` on the raw data and record the op when any input requires grad."""
        raw = []
        needs = []
        out_type = None
        for a in args:
            # A Node names the front-end its results belong to; anything else is a parameter.
            t = getattr(a, "_out_type", None)
            if t is not None:
                if out_type is None:
                    out_type = t
                elif t is not out_type:
                    raise TypeError(f"{cls.__name__}: cannot mix {out_type.__name__} and "
                                    f"{t.__name__} arguments; convert one of them first")
                raw.append(a.data)  # type: ignore[attr-defined]
                needs.append(a.requires_grad)
            else:
                raw.append(a)
                needs.append(False)
        if out_type is None:
            raise TypeError(f"{cls.__name__}.apply needs at least one Tensor or Value argument")
        record = _mode.enabled and True in needs
        # forward may read ctx.inputs (a user Function's may); dropped below unless recorded
        ctx = _new_ctx(cls, args, tuple(needs))
        if record and _mode.anomaly:
            ctx._trace = _user_frame()
        try:
            data = cls.forward(ctx, *raw)
        except ValueError as e:  # numpy's broadcast error names neither op nor inputs
            raise _op_error(cls, args, e) from None
        keep = ctx if record else None
        if isinstance(data, tuple):
            outs: Any = tuple(out_type._from_op(d, keep) for d in data)
            if record:
                ctx._nout = len(outs)
                ctx._out_meta = tuple(o._meta() for o in outs)
                for i, o in enumerate(outs):
                    o._out_index = i
        else:
            outs = out_type._from_op(data, keep)
        if not record:
            ctx.inputs = None
        elif cls.saves_output:
            ctx._outref = _weakref(outs)
        if _mode.anomaly:
            _check_forward(ctx, cls, args, outs)
        return outs

    @classmethod
    def _apply1(cls, a: Any, *params: Any) -> Any:
        """`apply` for one Node argument (plus non-Node parameters): the hot path, no loops."""
        mode = _mode
        if mode.anomaly:
            return cls.apply(a, *params)
        if not (a.requires_grad and mode.enabled):
            # Nothing to record (the backward pass itself, no_grad): the library's primitives
            # compute forward without touching ctx, so none is made.
            return a._out_type._from_op(cls.forward(None, a.data, *params), None)
        n = len(params)
        ctx = _new_ctx(cls, (a, *params), _NEEDS1[n] if n < 4 else (True,) + (False,) * n)
        out = a._out_type._from_op(cls.forward(ctx, a.data, *params), ctx)
        if cls.saves_output:
            ctx._outref = _weakref(out)
        return out

    @classmethod
    def _apply2(cls, a: Any, b: Any) -> Any:
        """`apply` for two Nodes of the same front-end: the hot path of binary arithmetic."""
        mode = _mode
        if mode.anomaly:
            return cls.apply(a, b)
        ra = a.requires_grad
        rb = b.requires_grad
        needs = _NEEDS2[ra][rb]  # None when neither input requires grad
        ctx = _new_ctx(cls, (a, b), needs) if needs is not None and mode.enabled else None
        try:
            data = cls.forward(ctx, a.data, b.data)
        except ValueError as e:  # numpy's broadcast error names neither op nor inputs
            raise _op_error(cls, (a, b), e) from None
        out = a._out_type._from_op(data, ctx)
        if ctx is not None and cls.saves_output:
            ctx._outref = _weakref(out)
        return out

    def save_for_backward(self, *items: Any) -> None:
        """Keep `items` (Nodes, arrays, anything) for backward; read them as `saved_tensors`."""
        self._saved = items

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """What `save_for_backward` kept; an error after the graph was freed."""
        if self._freed:
            raise RuntimeError(_FREED_MESSAGE.format(name=type(self).__name__))
        return self._saved or ()

    @property
    def output(self) -> Any:
        """The op's output, for classes with `saves_output = True`.

        Held by weak reference (a strong one would be a cycle); it is alive whenever backward
        can reach this op.
        """
        out = self._outref() if self._outref is not None else None
        if out is None:
            raise RuntimeError(f"{type(self).__name__}: its output is gone; keep a reference to "
                               "the result until backward has run")
        return out

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:  # pragma: no cover - abstract
        """Compute the op on raw data."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:  # pragma: no cover - abstract
        """Map output gradients to input gradients, in Node operations."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    @property
    def name(self) -> str:
        """The op's name as drawn and reported (the class name without a leading underscore)."""
        return type(self).__name__.lstrip("_")


# Shared needs_input_grad tuples for the fast paths: no allocation per op, and so fewer
# objects for the cyclic collector to count and scan while a big graph is being built.
_NEEDS1 = tuple((True,) + (False,) * k for k in range(4))
_NEEDS2 = ((None, (False, True)), ((True, False), (True, True)))


def _new_ctx(cls: type[Function], inputs: tuple[Any, ...], needs: tuple[bool, ...]) -> Any:
    """A fresh context for one call of `cls`: the one set-up that `apply` and both fast paths
    share (a plain function call: cheaper than __init__ on the per-op hot path)."""
    ctx = cls.__new__(cls)
    ctx._saved = ctx._outref = ctx._trace = None
    ctx._freed = False
    ctx.needs_input_grad = needs
    ctx.inputs = inputs
    ctx._epoch = _clock[0]
    ctx._nout = 1
    return ctx
