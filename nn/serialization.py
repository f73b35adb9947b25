"""Checkpoints that cannot run code: `.npz` files read with `allow_pickle=False`.

A checkpoint is a numpy `.npz` archive: one `.npy` member per array (named by its path in the
state dict, e.g. ``model/0.weight``, so plain `np.load` can read it too) plus a JSON manifest
describing the nesting, the Python scalars and the dict key types. Loading never unpickles:
a member holding a pickled object array is refused (PyTorch's pickle-based format can execute
code when loaded; this one cannot).

    nn.save(model, "ckpt.npz")                        # the model's state dict
    nn.save(model, "ckpt.npz", optimizer=opt)         # {"model": ..., "optimizer": ...}
    nn.save({"model": model, "epoch": 3}, "ckpt.npz") # any nesting; modules become state dicts
    model.load_state_dict(nn.load("ckpt.npz"))

Saving writes a temporary file in the same folder and renames it over the target, so a crash
mid-save leaves the previous checkpoint intact. A truncated or corrupted file is a
`CheckpointError`, raised before anything is returned.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograd_core import Tensor, Value

__all__ = ["save", "load", "CheckpointError", "UnsafeCheckpointError"]

_MANIFEST = "__autograd_core_manifest__"
_FORMAT = "autograd_core.checkpoint"
_VERSION = 1


class CheckpointError(ValueError):
    """The file is not a readable checkpoint (truncated, corrupted, or not one of ours)."""


class UnsafeCheckpointError(CheckpointError):
    """The file holds pickled objects, which are refused because unpickling can run code."""


# ---------------------------------------------------------------- encoding

def _encode(obj: Any, path: list[str], arrays: dict[str, np.ndarray]) -> Any:
    """The JSON description of `obj`; its arrays go into `arrays` under path-like names."""
    if hasattr(obj, "state_dict") and callable(obj.state_dict):
        obj = obj.state_dict()
    if isinstance(obj, Tensor):
        obj = obj.data
    if isinstance(obj, Value):
        obj = obj.data
    if isinstance(obj, np.generic):
        obj = obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.ndarray):
        if obj.dtype.hasobject or obj.dtype.kind not in "biufcSU":
            raise TypeError(f"save: the array at '{'/'.join(path)}' has dtype {obj.dtype}; only "
                            "numeric, boolean and string arrays can be saved (object arrays "
                            "would need pickle)")
        name = "/".join(path) or "array"
        base, n = name, 1
        while name in arrays or name == _MANIFEST:
            name, n = f"{base}#{n}", n + 1
        arrays[name] = obj
        return {"t": "array", "key": name}
    if isinstance(obj, Mapping):
        items = []
        for k, v in obj.items():
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise TypeError(f"save: dict keys must be str or int, got {type(k).__name__} "
                                f"{k!r} at '{'/'.join(path)}'")
            items.append([k, _encode(v, path + [str(k)], arrays)])
        return {"t": "dict", "items": items}
    if isinstance(obj, (list, tuple)):
        items = [_encode(v, path + [str(i)], arrays) for i, v in enumerate(obj)]
        return {"t": "tuple" if isinstance(obj, tuple) else "list", "items": items}
    raise TypeError(f"save: cannot save a {type(obj).__name__} at '{'/'.join(path)}' (only "
                    "modules, optimizers, arrays, Tensors, numbers, strings, None and "
                    "dicts/lists of them)")


def _decode(node: Any, arrays: Mapping[str, np.ndarray], where: str) -> Any:
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if not isinstance(node, dict) or "t" not in node:
        raise CheckpointError(f"{where}: malformed manifest entry {str(node)[:80]!r}")
    t = node["t"]
    if t == "array":
        key = str(node.get("key"))
        if key not in arrays:
            raise CheckpointError(f"{where}: the manifest names array {key!r}, which the file "
                                  "does not contain (truncated or edited?)")
        return arrays[key]
    if t == "dict":
        return {k: _decode(v, arrays, where) for k, v in node["items"]}
    if t in ("list", "tuple"):
        items = [_decode(v, arrays, where) for v in node["items"]]
        return tuple(items) if t == "tuple" else items
    raise CheckpointError(f"{where}: unknown manifest entry type {t!r}")


# ---------------------------------------------------------------- save / load

def save(obj: Any, path: str | os.PathLike[str], optimizer: Any = None) -> None:
    """Write `obj` (a module, a state dict, or a nesting of them) to `path` atomically.

    With `optimizer`, the file holds ``{"model": obj, "optimizer": optimizer.state_dict()}``.
    """
    tree = obj if optimizer is None else {"model": obj, "optimizer": optimizer}
    arrays: dict[str, np.ndarray] = {}
    manifest = {"format": _FORMAT, "version": _VERSION, "tree": _encode(tree, [], arrays)}
    arrays[_MANIFEST] = np.array(json.dumps(manifest))
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp",
                               dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            _write_npz(f, arrays)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)  # atomic: readers see the old file or the new one, never half
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_npz(f: Any, arrays: dict[str, np.ndarray]) -> None:
    """The archive itself (a seam the tests use to simulate a crash mid-write)."""
    np.savez(f, **arrays)  # type: ignore[arg-type]


def _is_pickle_refusal(e: ValueError) -> bool:
    """Whether numpy refused to read something because it would need unpickling."""
    msg = str(e)
    return "allow_pickle" in msg or "Object arrays" in msg or "pickled" in msg


def _starts_like_pickle(path: str | os.PathLike[str]) -> bool:
    """Pickle protocols 2-5 begin with the PROTO opcode 0x80 and the protocol number."""
    try:
        with open(path, "rb") as f:
            head = f.read(2)
    except OSError:
        return False
    return len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def load(path: str | os.PathLike[str]) -> Any:
    """Read a checkpoint written by `save` (or any `.npz` of plain arrays), without pickle.

    Returns what was saved, with arrays as numpy arrays. Raises `UnsafeCheckpointError` for
    object (pickled) arrays and `CheckpointError` for truncated or corrupted files.
    """
    where = f"load({os.fspath(path)!r})"
    try:
        npz = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise
    except ValueError as e:
        # A bare pickle (torch.save's payload) or an object .npy; any other unknown bytes
        # also reach numpy's pickle fallback, so look at the file before calling it a pickle.
        if _is_pickle_refusal(e) and ("Object arrays" in str(e) or _starts_like_pickle(path)):
            raise UnsafeCheckpointError(
                f"{where}: the file holds pickled data; refusing to load it, because "
                "unpickling can run arbitrary code. Checkpoints written by nn.save never "
                "contain any.") from None
        if _is_pickle_refusal(e):
            raise CheckpointError(f"{where}: not an .npz checkpoint (its contents are neither a "
                                  "zip archive nor a numpy array)") from None
        raise CheckpointError(f"{where}: not a readable .npz checkpoint (truncated or "
                              f"corrupted?): {type(e).__name__}: {e}") from None
    except Exception as e:  # BadZipFile, EOFError, OSError...
        raise CheckpointError(f"{where}: not a readable .npz checkpoint (truncated or "
                              f"corrupted?): {type(e).__name__}: {e}") from None
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise CheckpointError(f"{where}: this is a single .npy array, not an .npz checkpoint")
    arrays: dict[str, np.ndarray] = {}
    with npz:
        for key in npz.files:
            try:
                arrays[key] = npz[key]  # read every member now: all or nothing
            except ValueError as e:
                if _is_pickle_refusal(e):
                    raise UnsafeCheckpointError(
                        f"{where}: member {key!r} is a pickled object array; refusing to load "
                        "it, because unpickling can run arbitrary code. Checkpoints written by "
                        "nn.save never contain one.") from None
                raise CheckpointError(f"{where}: member {key!r} is unreadable (corrupted?): "
                                      f"{e}") from None
            except Exception as e:  # zlib/CRC/EOF errors from a damaged archive
                raise CheckpointError(f"{where}: member {key!r} is unreadable (truncated or "
                                      f"corrupted?): {type(e).__name__}: {e}") from None
    if _MANIFEST not in arrays:
        return arrays  # a plain np.savez archive: name -> array
    try:
        manifest = json.loads(str(arrays.pop(_MANIFEST)[()]))
    except (ValueError, TypeError) as e:
        raise CheckpointError(f"{where}: the manifest is not valid JSON: {e}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        raise CheckpointError(f"{where}: unknown checkpoint format")
    if manifest.get("version", 0) > _VERSION:
        raise CheckpointError(f"{where}: written by a newer version (format "
                              f"{manifest.get('version')}; this one reads up to {_VERSION})")
    return _decode(manifest.get("tree"), arrays, where)


