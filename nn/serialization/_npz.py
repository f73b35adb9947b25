"""Reading an `.npz` checkpoint: the archive checked by `_zip`, each member's `.npy` header parsed
here (never numpy's pickle fallback), and every size bounded before anything is inflated."""

from __future__ import annotations

import ast
import math
import os
import sys
from typing import Any, BinaryIO

import numpy as np

from . import _manifest
from ._zip import Member, MemberReader, check_local_headers, read_directory
from .errors import CheckpointError, CheckpointTooLargeError, UnsafeCheckpointError

# numpy stores the manifest's text at 4 bytes a character: 10,000 Linear layers make 4 MiB
MANIFEST_MAX_BYTES = 16 << 20
_NPY_MAGIC = b"\x93NUMPY"
_MAX_HEADER = 10_000  # numpy's own limit on an .npy header in np.load


def torch_hint(path: str) -> str:
    """How to turn a PyTorch checkpoint at `path` into a file nn.load reads."""
    out = os.path.splitext(path)[0] + ".safetensors"
    return ("If it was written by PyTorch (torch.save), convert it once with PyTorch, whose "
            "weights_only loader reads it without running code:\n"
            "    import torch, safetensors.torch\n"
            f"    safetensors.torch.save_file(torch.load({path!r}, weights_only=True), {out!r})\n"
            f"then nn.load({out!r}). (A file holding a whole pickled model instead of a state "
            "dict: load it in PyTorch and save model.state_dict() that way.)")


def npy_header(read: Any, size: int, what: str) -> tuple[int, tuple[int, ...], np.dtype, bool]:
    """(header length, shape, dtype, fortran_order) of an .npy stream of `size` bytes."""
    pre = read(min(8, size))
    if len(pre) < 8 or pre[:6] != _NPY_MAGIC:
        raise CheckpointError(f"{what} is not a numpy array (it has no .npy header); a "
                              "checkpoint holds only arrays")
    major = pre[6]
    if major not in (1, 2, 3):
        raise CheckpointError(f"{what} has an unknown .npy format version {major}")
    width = 2 if major == 1 else 4  # the header length: uint16 in version 1, uint32 after
    raw = read(width)
    if len(raw) != width:
        raise CheckpointError(f"{what} ends inside its .npy header")
    n, start = int.from_bytes(raw, "little"), 8 + width
    if n > _MAX_HEADER:
        raise CheckpointError(f"{what} has a {n}-byte .npy header (numpy allows {_MAX_HEADER})")
    try:
        header = ast.literal_eval(read(n).decode("utf-8" if major == 3 else "latin1"))
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError,
            UnicodeDecodeError):
        raise CheckpointError(f"{what} has a malformed .npy header") from None
    if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}:
        raise CheckpointError(f"{what} has a malformed .npy header")
    shape, fortran = header["shape"], header["fortran_order"]
    if (not isinstance(shape, tuple) or len(shape) > 64 or not isinstance(fortran, bool)
            or any(type(d) is not int or d < 0 for d in shape)):
        raise CheckpointError(f"{what} has an invalid shape {str(shape)[:80]} or order in its "
                              ".npy header")
    try:
        dtype = np.lib.format.descr_to_dtype(header["descr"])
    except Exception:
        raise CheckpointError(f"{what} has an invalid dtype {str(header['descr'])[:80]} in its "
                              ".npy header") from None
    if dtype.hasobject:
        raise UnsafeCheckpointError(
            f"{what} is a pickled object array; refusing to load it, because unpickling can run "
            "arbitrary code. Checkpoints written by nn.save never contain one.")
    if dtype.kind not in _manifest.SAVABLE_KINDS or dtype.itemsize == 0:
        raise CheckpointError(f"{what} has dtype {dtype}; a checkpoint holds only numeric, "
                              "boolean and string arrays (the ones nn.save writes)")
    if math.prod(d for d in shape if d) * dtype.itemsize > sys.maxsize:
        raise CheckpointError(f"{what} declares shape {shape}, too large for any array")
    return start + n, shape, dtype, fortran


def read_member(f: BinaryIO, m: Member) -> np.ndarray:
    """One member as an array, its size checked against its header before the data is read."""
    what = f"member {m.name!r}"
    reader = MemberReader(f, m)
    header_len, shape, dtype, fortran = npy_header(reader.read, m.usize, what)
    nbytes = math.prod(shape) * dtype.itemsize
    if header_len + nbytes != m.usize:
        raise CheckpointError(f"{what} declares {m.usize} bytes, but its .npy header (shape "
                              f"{shape}, dtype {dtype}) needs {header_len + nbytes}")
    buf = np.empty(nbytes, dtype=np.uint8)
    reader.readinto(buf.data)
    reader.finish()
    arr = np.ndarray(shape, dtype=dtype, buffer=buf, order="F" if fortran else "C")
    if not dtype.isnative:  # e.g. '>f8' from a big-endian machine: the values, in native order
        arr = arr.byteswap(inplace=True).view(dtype.newbyteorder("="))
    return arr


def load_npz(f: BinaryIO, size: int, max_bytes: int, path: str) -> Any:
    """The content of an `.npz` checkpoint (or a plain `np.savez` archive), verified."""
    members, cd_start = read_directory(f, size)
    if any(m.name == "data.pkl" or m.name.endswith("/data.pkl") for m in members):
        raise UnsafeCheckpointError(
            "this is a PyTorch checkpoint (torch.save: a zip holding pickled data), which "
            "nn.load never unpickles, because unpickling can run arbitrary code. "
            + torch_hint(path))
    for m in members:
        if not m.name.endswith(".npy"):
            raise CheckpointError(f"member {m.name!r} is not an .npy array; a checkpoint holds "
                                  "only arrays")
    check_local_headers(f, members, cd_start)
    by_key = {m.name[:-4]: m for m in members}
    manifest = by_key.pop(_manifest.MANIFEST, None)
    if manifest is not None and manifest.usize > MANIFEST_MAX_BYTES:
        raise CheckpointTooLargeError(f"the manifest declares {manifest.usize} bytes; a manifest "
                                      f"may have at most {MANIFEST_MAX_BYTES}")
    total = sum(m.usize for m in by_key.values())
    if total > max_bytes:
        raise CheckpointTooLargeError(
            f"the arrays declare {total:,} bytes in all, more than max_bytes={max_bytes:,}; if "
            "you trust this file, pass a larger max_bytes to nn.load")
    if manifest is None:  # a plain np.savez archive: name -> array
        return {k: read_member(f, m) for k, m in by_key.items()}
    text = read_member(f, manifest)
    if text.shape != () or text.dtype.kind != "U":
        raise CheckpointError(f"the manifest is a {text.dtype} array of shape {text.shape}, not "
                              "a string")
    tree = _manifest.parse(str(text[()]))
    keys = _manifest.array_keys(tree)
    missing = [k for k in keys if k not in by_key]
    if missing:
        raise CheckpointError(f"the manifest names arrays {missing[:5]} which the file does not "
                              "contain (truncated or edited?)")
    unlisted = sorted(set(by_key) - set(keys))
    if unlisted:
        raise CheckpointError(f"the file holds arrays the manifest does not list: "
                              f"{unlisted[:5]} (edited?)")
    return _manifest.build(tree, {k: read_member(f, by_key[k]) for k in keys})
