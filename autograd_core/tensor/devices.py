"""PyTorch's device and dtype names. Everything here lives on the CPU as numpy arrays, so
`device("cpu")` is the only device and asking for another one is an error that says so; the
dtypes are numpy's under PyTorch's names (`float32`, `float64`, `int64`...; `autograd_core.torch`
adds `float`, `double`, `long`...)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["device", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
           "uint8", "bool_", "check_device"]

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
bool_ = np.dtype(np.bool_)


class device:  # noqa: N801 - PyTorch's spelling
    """PyTorch's `torch.device`: here always the CPU, `device("cpu")` (or `"cpu:0"`)."""

    __slots__ = ()
    type = "cpu"
    index = None

    def __init__(self, type: Any = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            return
        name = str(type)
        if not isinstance(type, str) or name.split(":")[0] != "cpu" or \
                (index not in (None, 0)):
            raise RuntimeError(
                f"device {name!r}{'' if index is None else f', index {index}'}: autograd_core "
                "computes on the CPU with numpy and has no other device; use 'cpu' (or drop "
                ".to(...) / .cuda())")

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, device):
            return True
        return isinstance(other, str) and other in ("cpu", "cpu:0")

    def __hash__(self) -> int:
        return hash("cpu")

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"


def check_device(where: str, value: Any) -> None:
    """Accept None or the CPU for a `device=` argument; anything else is an error naming `where`."""
    if value is None:
        return
    try:
        device(value)
    except RuntimeError as e:
        raise RuntimeError(f"{where}: {e}") from None
