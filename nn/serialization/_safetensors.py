"""`.safetensors`: one flat table of named arrays, the format PyTorch users exchange weights in.

The file is an 8-byte little-endian header length, a JSON header (name -> dtype, shape, byte
range) and the raw little-endian data. Writing and the format checks on reading are the
`safetensors` package's (its numpy API; the optional extra `safetensors`); before handing it
the bytes we check the header's size (at most `HEADER_MAX_BYTES`), the data's against
`max_bytes`, and the header for repeated names. A load holds at most two copies of the data.
The format has no checksum: a damaged byte inside the data loads as a different weight.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, BinaryIO

import numpy as np

from autograd_core import Tensor

from ._zip import read_exactly
from .errors import CheckpointError, CheckpointTooLargeError

# The package itself reads headers up to 100 MB, but parsing one costs far more time and memory
# than its size (a 45 MB header of 700,000 empty tensors took 13 s and 1 GB), and a real model's
# is small: about 100 bytes a tensor, so 16 MiB is over 150,000 tensors.
HEADER_MAX_BYTES = 16 << 20
_DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64,
           "I32": np.int32, "I16": np.int16, "I8": np.int8, "U64": np.uint64,
           "U32": np.uint32, "U16": np.uint16, "U8": np.uint8, "BOOL": np.bool_}
_SAVABLE = {np.dtype(t) for t in _DTYPES.values()}


def _package() -> Any:
    """The safetensors package, or an ImportError that says how to install it."""
    try:
        import safetensors
        import safetensors.numpy  # noqa: F401
    except ImportError:
        raise ImportError(".safetensors files need the safetensors package: pip install "
                          "'autograd-core[safetensors]' (or pip install safetensors)") from None
    return safetensors


def looks_like_safetensors(head: bytes, size: int) -> bool:
    """An 8-byte header length that fits in the file, followed by a JSON object."""
    if len(head) < 9:
        return False
    n = int.from_bytes(head[:8], "little")
    return 2 <= n <= size - 8 and head[8:9] == b"{"


def to_bytes(obj: Any, optimizer: Any) -> bytes:
    """A module's state dict (or a flat dict of arrays) in the safetensors format."""
    if optimizer is not None:
        raise ValueError(
            "save: a .safetensors file holds one flat table of named arrays (a model's weights), "
            "so optimizer state does not fit in it. Save the full checkpoint to an .npz path "
            "(nn.save(model, 'ckpt.npz', optimizer=opt)) and export the weights with "
            "nn.save(model, 'model.safetensors').")
    if hasattr(obj, "state_dict") and callable(obj.state_dict):
        obj = obj.state_dict()
    if not isinstance(obj, Mapping):
        raise TypeError(f"save: a .safetensors file holds a module's weights or a dict of arrays, "
                        f"not a {type(obj).__name__}; use an .npz path for other content")
    tensors: dict[str, np.ndarray] = {}
    for k, v in obj.items():
        if isinstance(v, Tensor):
            v = v.data
        if not isinstance(k, str) or not isinstance(v, np.ndarray):
            raise TypeError(f"save: a .safetensors file maps names (str) to arrays; {k!r} holds "
                            f"a {type(v).__name__}. Use an .npz path for nested content, numbers "
                            "and strings.")
        if v.dtype.newbyteorder("=") not in _SAVABLE:
            raise TypeError(f"save: the array {k!r} has dtype {v.dtype}, which the safetensors "
                            "format cannot hold (it holds bool, integers and float16/32/64)")
        # the package reads the raw buffer: give it contiguous little-endian bytes
        tensors[k] = np.asarray(v, dtype=v.dtype.newbyteorder("<"), order="C")  # keeps 0-d
    return bytes(_package().numpy.save(tensors))


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [k for k, _ in pairs]
    if len(set(names)) != len(names):
        raise CheckpointError("the safetensors header lists a name twice")
    return dict(pairs)


def load(f: BinaryIO, size: int, max_bytes: int) -> dict[str, np.ndarray]:
    """The arrays of a safetensors file, as writable numpy arrays in the order of their data in
    the file; the sizes are checked before the file is read."""
    n = int.from_bytes(read_exactly(f, 0, 8, "the header length"), "little")
    if n > HEADER_MAX_BYTES:
        raise CheckpointTooLargeError(f"the safetensors header declares {n:,} bytes; a header "
                                      f"may have at most {HEADER_MAX_BYTES:,}")
    if size - 8 - n > max_bytes:
        raise CheckpointTooLargeError(
            f"the file holds {size - 8 - n:,} bytes of arrays, more than max_bytes="
            f"{max_bytes:,}; if you trust this file, pass a larger max_bytes to nn.load")
    data = read_exactly(f, 0, size, "the file")
    try:
        header = json.loads(data[8:8 + n], object_pairs_hook=_no_repeats)
    except RecursionError:
        raise CheckpointError("the safetensors header is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as e:
        if isinstance(e, CheckpointError):
            raise
        raise CheckpointError(f"the safetensors header is not valid JSON: {e}") from None
    if not isinstance(header, dict):
        raise CheckpointError("the safetensors header is not a JSON object")
    for name, info in header.items():
        dtype = info.get("dtype") if isinstance(info, dict) else None
        if name != "__metadata__" and dtype not in _DTYPES:
            hint = (" (bfloat16 has no numpy type: convert in PyTorch with "
                    "{k: v.float() for k, v in state_dict.items()} before saving)"
                    if dtype == "BF16" else "")
            raise CheckpointError(f"tensor {name!r} has dtype {str(dtype)[:20]}, which numpy "
                                  f"cannot hold{hint}")
    st = _package()
    try:
        by_name = dict(st.deserialize(data))  # a copy of each tensor's bytes
    except Exception as e:  # SafetensorError: the package's own format checks
        raise CheckpointError(f"not a valid safetensors file: {e}") from None
    del data
    # The package hands the tensors back in an order that changes from run to run; the order
    # of their bytes in the file (then of the header, for empty ones) is fixed.
    position = {name: i for i, name in enumerate(header)}
    order = sorted(by_name, key=lambda k: (header[k]["data_offsets"][0], position[k]))
    arrays = {}
    for name in order:
        info = by_name.pop(name)  # each tensor's bytes are freed as its array is made
        arr = np.frombuffer(info["data"], dtype=np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<"))
        arrays[name] = arr.reshape(info["shape"]).astype(arr.dtype.newbyteorder("="))
    return arrays
