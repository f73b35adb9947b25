"""Where Tensor's numpy protocols find their handlers. numpy_protocol.py fills this in (it needs
the module-level ops, which import tensor.py, so tensor.py cannot import it directly)."""

from __future__ import annotations

from typing import Any

#: "ufunc": handler(ufunc, method, inputs, kwargs); "function": handler(func, args, kwargs).
handlers: dict[str, Any] = {}
