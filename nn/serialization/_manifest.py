"""The JSON manifest of an `.npz` checkpoint: the nesting, Python scalars and dict key types.

Encoding turns a (nesting of) modules, optimizers, Tensors, arrays, numbers, strings and
None into a JSON tree whose arrays are named members of the archive. Decoding checks every
node of a manifest read from a file before trusting it: a wrong type, an unknown node kind, a
duplicate key, nesting deeper than `MAX_DEPTH`, or an array named twice is a CheckpointError.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograd_core import Tensor, Value

from .errors import CheckpointError

MANIFEST = "__autograd_core_manifest__"
FORMAT = "autograd_core.checkpoint"
VERSION = 1
MAX_DEPTH = 100  # containers inside containers a checkpoint may have (save and load alike)
SAVABLE_KINDS = "biufcSU"  # bool, integers, floats, complex, bytes, str: no pickle


def encode(obj: Any, path: list[str], arrays: dict[str, np.ndarray]) -> Any:
    """The JSON description of `obj`; its arrays go into `arrays` under path-like names."""
    if hasattr(obj, "state_dict") and callable(obj.state_dict):
        obj = obj.state_dict()
    if isinstance(obj, (Tensor, Value)):
        obj = obj.data
    if isinstance(obj, np.generic):
        obj = obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.ndarray):
        if obj.dtype.hasobject or obj.dtype.kind not in SAVABLE_KINDS:
            raise TypeError(f"save: the array at '{'/'.join(path)}' has dtype {obj.dtype}; only "
                            "numeric, boolean and string arrays can be saved (object arrays "
                            "would need pickle)")
        name = "/".join(path) or "array"
        base, n = name, 1
        while name in arrays or name == MANIFEST:
            name, n = f"{base}#{n}", n + 1
        arrays[name] = obj
        return {"t": "array", "key": name}
    if len(path) >= MAX_DEPTH and isinstance(obj, (Mapping, list, tuple)):
        raise ValueError(f"save: the content is nested more than {MAX_DEPTH} levels deep (at "
                         f"'{'/'.join(path[:5])}/...'), or contains itself")
    if isinstance(obj, Mapping):
        items = []
        for k, v in obj.items():
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise TypeError(f"save: dict keys must be str or int, got {type(k).__name__} "
                                f"{k!r} at '{'/'.join(path)}'")
            items.append([k, encode(v, path + [str(k)], arrays)])
        return {"t": "dict", "items": items}
    if isinstance(obj, (list, tuple)):
        items = [encode(v, path + [str(i)], arrays) for i, v in enumerate(obj)]
        return {"t": "tuple" if isinstance(obj, tuple) else "list", "items": items}
    raise TypeError(f"save: cannot save a {type(obj).__name__} at '{'/'.join(path)}' (only "
                    "modules, optimizers, arrays, Tensors, numbers, strings, None and "
                    "dicts/lists of them)")


def dumps(tree: Any) -> str:
    """The manifest text for an encoded tree."""
    return json.dumps({"format": FORMAT, "version": VERSION, "tree": tree})


def parse(text: str) -> Any:
    """The manifest's tree, after checking its header fields."""
    try:
        manifest = json.loads(text)
    except RecursionError:
        raise CheckpointError(f"the manifest is nested more than {MAX_DEPTH} levels "
                              "deep") from None
    except ValueError as e:  # bad JSON, or an integer too long to convert
        raise CheckpointError(f"the manifest is not valid JSON: {e}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CheckpointError("unknown checkpoint format (the manifest does not say "
                              f"{FORMAT!r})")
    version = manifest.get("version")
    if type(version) is not int or version < 1:
        raise CheckpointError(f"the manifest has an invalid version {version!r}")
    if version > VERSION:
        raise CheckpointError(f"written by a newer version of autograd_core (format {version}; "
                              f"this one reads up to {VERSION})")
    if "tree" not in manifest:
        raise CheckpointError("the manifest lacks its 'tree'")
    if len(manifest) != 3:
        extra = sorted(set(manifest) - {"format", "version", "tree"})
        raise CheckpointError(f"the manifest has unexpected fields {extra[:5]}")
    return manifest["tree"]


def _where(path: list[str]) -> str:
    return "/".join(path) or "the top level"


def array_keys(tree: Any) -> list[str]:
    """Check every node of `tree` (without recursion) and return the array names it uses."""
    keys: list[str] = []
    stack: list[tuple[Any, list[str]]] = [(tree, [])]
    while stack:
        node, path = stack.pop()
        if node is None or isinstance(node, (bool, int, float, str)):
            continue
        if not isinstance(node, dict):
            raise CheckpointError(f"the manifest entry at '{_where(path)}' is a "
                                  f"{type(node).__name__}, not a value or a node")
        t = node.get("t")
        if t == "array":
            if set(node) != {"t", "key"} or not isinstance(node["key"], str):
                raise CheckpointError(f"the array entry at '{_where(path)}' is malformed")
            keys.append(node["key"])
            continue
        if len(path) >= MAX_DEPTH:
            raise CheckpointError(f"the manifest is nested more than {MAX_DEPTH} levels deep")
        if t not in ("dict", "list", "tuple") or set(node) != {"t", "items"} \
                or not isinstance(node["items"], list):
            raise CheckpointError(f"the manifest entry at '{_where(path)}' is malformed "
                                  f"(kind {str(t)[:40]!r})")
        if t != "dict":
            stack.extend((v, path + [str(i)]) for i, v in enumerate(node["items"]))
            continue
        seen: set[Any] = set()
        for item in node["items"]:
            if (not isinstance(item, list) or len(item) != 2
                    or type(item[0]) not in (str, int) or item[0] in seen):
                raise CheckpointError(f"the dict at '{_where(path)}' has a malformed or "
                                      f"repeated key {str(item)[:60]}")
            seen.add(item[0])
            stack.append((item[1], path + [str(item[0])]))
    if len(set(keys)) != len(keys):
        raise CheckpointError("the manifest names one array twice")
    return keys


def build(node: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    """The saved object, from a tree that `array_keys` has checked (so its depth is bounded)."""
    if not isinstance(node, dict):
        return node
    t = node["t"]
    if t == "array":
        return arrays[node["key"]]
    if t == "dict":
        return {k: build(v, arrays) for k, v in node["items"]}
    items = [build(v, arrays) for v in node["items"]]
    return tuple(items) if t == "tuple" else items
