"""Checkpoints that cannot run code: `.npz` (full checkpoints) and `.safetensors` (weights).

The suffix of the path picks the format `save` writes:
- anything but ``.safetensors``: a numpy `.npz` archive, one `.npy` member per array (named by
  its path in the state dict, e.g. ``model/0.weight``, so plain `np.load` can read it too) plus
  a JSON manifest describing the nesting, the Python scalars and the dict key types. It holds
  models, optimizer state, epochs, logs: anything made of arrays, numbers, strings and None;
- ``.safetensors``: one flat table of named arrays, a model's weights with PyTorch's key names,
  which `safetensors.torch.load_file` reads straight into `torch_model.load_state_dict`. Needs
  the optional `safetensors` package;
- ``.pt`` / ``.pth``: refused, as PyTorch's format is pickle.

    nn.save(model, "ckpt.npz")                        # the model's state dict
    nn.save(model, "ckpt.npz", optimizer=opt)         # {"model": ..., "optimizer": ...}
    nn.save({"model": model, "epoch": 3}, "ckpt.npz") # any nesting; modules become state dicts
    nn.save(model, "model.safetensors")               # weights only, for PyTorch
    model.load_state_dict(nn.load("ckpt.npz"))

`load` recognises the format from the file's first bytes and never unpickles. It refuses (with a
`CheckpointError`, before returning anything) a file that is not a regular file, is truncated or
damaged, fails a CRC, holds a member that is not an array (or an array of a dtype `save` never
writes: structured, datetime, void), lists one member twice or lets members overlap, declares
sizes that disagree with each other or with the arrays' shapes, or whose arrays add up to more
than `max_bytes` (`CheckpointTooLargeError`; default `DEFAULT_MAX_BYTES`, 1 GiB). Pickled
content, including PyTorch's `.pt` files, is an `UnsafeCheckpointError` whose message says how
to convert the file.

Saving writes a temporary file in the same folder and renames it over the target (see
`_atomic`), so a crash mid-save leaves the previous checkpoint intact.
"""

from __future__ import annotations

import io
import os
import stat
from typing import Any, BinaryIO

import numpy as np

from . import _manifest, _safetensors
from ._atomic import write_atomically
from ._npz import load_npz, npy_header, torch_hint
from ._zip import read_exactly
from .errors import CheckpointError, CheckpointTooLargeError, UnsafeCheckpointError

__all__ = ["save", "load", "CheckpointError", "UnsafeCheckpointError",
           "CheckpointTooLargeError", "DEFAULT_MAX_BYTES"]

DEFAULT_MAX_BYTES = 1 << 30
_PICKLE_SUFFIXES = (".pt", ".pth")


def _suffix(path: str) -> str:
    return os.path.splitext(path)[1].lower()


def save(obj: Any, path: str | os.PathLike[str], optimizer: Any = None) -> None:
    """Write `obj` (a module, a state dict, or a nesting of them) to `path` atomically.

    With `optimizer`, the file holds ``{"model": obj, "optimizer": optimizer.state_dict()}``
    (``.npz`` only). The suffix picks the format: ``.safetensors`` or anything else (.npz).
    """
    target = os.fspath(path)
    suffix = _suffix(target)
    if suffix in _PICKLE_SUFFIXES:
        raise ValueError(f"save: {target!r}: nn.save does not write PyTorch's pickle-based "
                         f"{suffix} format. For PyTorch, save to 'model.safetensors' and read it "
                         "with safetensors.torch.load_file; for a full checkpoint, use .npz.")
    if suffix == ".safetensors":
        data = _safetensors.to_bytes(obj, optimizer)
        write_atomically(target, lambda f: _write_bytes(f, data))
        return
    tree = obj if optimizer is None else {"model": obj, "optimizer": optimizer}
    arrays: dict[str, np.ndarray] = {}
    text = _manifest.dumps(_manifest.encode(tree, [], arrays))
    arrays[_manifest.MANIFEST] = np.array(text)
    write_atomically(target, lambda f: _write_npz(f, arrays))


def _write_bytes(f: BinaryIO, data: bytes) -> None:
    f.write(data)


def _write_npz(f: Any, arrays: dict[str, np.ndarray]) -> None:
    """The archive itself (a seam the tests use to simulate a crash mid-write)."""
    np.savez(f, **arrays)  # type: ignore[arg-type]


def _open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open `path` for reading; anything but a regular file (a FIFO, a device, a folder) is
    refused before a byte is read. O_NONBLOCK keeps the open itself from waiting on a FIFO."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
                 | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)"
                    if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode)
                    or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
                    else "not a regular file")
            raise CheckpointError(f"this is {kind}, not a checkpoint file")
        return os.fdopen(fd, "rb", buffering=0)
    except BaseException:
        os.close(fd)
        raise


def _is_pickle(head: bytes) -> bool:
    """Pickle protocols 2-5 begin with the PROTO opcode 0x80 and the protocol number."""
    return len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def _load_open(f: BinaryIO, size: int, max_bytes: int, path: str) -> Any:
    head = read_exactly(f, 0, min(size, 16), "the first bytes")
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return load_npz(f, size, max_bytes, path)
    if head[:6] == b"\x93NUMPY":
        start = io.BytesIO(read_exactly(f, 0, min(size, 12 + 10_000), "the .npy header"))
        npy_header(start.read, size, "the file")  # an object array is refused as pickled here
        raise CheckpointError("this is a single .npy array, not an .npz checkpoint")
    if _is_pickle(head):
        raise UnsafeCheckpointError(
            "the file holds pickled data; refusing to load it, because unpickling can run "
            "arbitrary code. Checkpoints written by nn.save never contain any. "
            + torch_hint(path))
    if _safetensors.looks_like_safetensors(head, size):
        return _safetensors.load(f, size, max_bytes)
    raise CheckpointError("not a checkpoint: neither an .npz archive nor a .safetensors file "
                          f"(it starts with {head[:8]!r})")


def load(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """Read a checkpoint (`save`'s .npz, a plain `np.savez` archive or a .safetensors file).

    Never unpickles. Returns what was saved, with arrays as numpy arrays in native byte order
    (from a .safetensors file, a dict of arrays in the order of their data). Raises
    `CheckpointError` for anything that is not exactly a valid checkpoint,
    `UnsafeCheckpointError` for pickled content, `CheckpointTooLargeError` above `max_bytes`
    bytes of array data (1 GiB unless you raise it), and FileNotFoundError for a missing file.
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, np.integer)):
        raise TypeError(f"load: max_bytes must be an int (a number of bytes), got {max_bytes!r}")
    if max_bytes < 0:
        raise ValueError(f"load: max_bytes must be >= 0, got {max_bytes}")
    where = f"load({os.fspath(path)!r})"
    try:
        with _open_regular(path) as f:
            size = os.fstat(f.fileno()).st_size
            return _load_open(f, size, max_bytes, os.fspath(path))
    except CheckpointError as e:
        raise type(e)(f"{where}: {e}") from None
    except (MemoryError, RecursionError, OSError) as e:
        if isinstance(e, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise
        raise CheckpointError(f"{where}: could not read the file: {type(e).__name__}: "
                              f"{e}") from None
