"""nn.load on hostile .safetensors files: each test writes its own header and data, and checks
the refusal is a CheckpointError found within bounds (tests/ckpt_files.py `refused`)."""

from __future__ import annotations

import json

import pytest
from ckpt_files import refused, write

import nn

# ------------------------------------------------------------------ .safetensors files

def _safetensors_file(header: object, data: bytes, raw_header: bytes | None = None) -> bytes:
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    return len(text).to_bytes(8, "little") + text + data


def _f32(shape, start, end):
    return {"dtype": "F32", "shape": shape, "data_offsets": [start, end]}


@pytest.mark.parametrize("data, match", [
    (_safetensors_file({"a": _f32([2], 0, 8), "b": _f32([2], 0, 8)}, bytes(8)), "offset"),
    (_safetensors_file({"a": _f32([1], 4, 8)}, bytes(8)), "offset"),  # a gap before it
    (_safetensors_file({"a": _f32([3], 0, 8)}, bytes(8)), "invalid shape"),
    (_safetensors_file({"a": _f32([2**40, 2**40], 0, 8)}, bytes(8)), "overflow"),
    (_safetensors_file({"a": _f32([2], 0, 8)}, bytes(12)), "not fully covered"),
    (_safetensors_file(None, bytes(4), raw_header=b'{"a": {"dtype": "F32", "shape": [1], '
                       b'"data_offsets": [0, 4]}, "a": {"dtype": "F32", "shape": [1], '
                       b'"data_offsets": [0, 4]}}'), "lists a name twice"),
    (_safetensors_file({"a": {"dtype": "F32"}}, b""), "invalid"),
    (_safetensors_file(None, b"", raw_header=b'{"a": ' + b"[" * 100_000 + b"]" * 100_000
                       + b"}"), "nested too deeply"),
    (_safetensors_file({"__metadata__": {"x": 1}}, b""), "invalid"),
])
def test_hostile_safetensors_files_are_refused(tmp_path, data, match):
    pytest.importorskip("safetensors")
    refused(write(tmp_path, data, "w.safetensors"), match=match)


def test_safetensors_size_is_bounded_before_reading(tmp_path):
    pytest.importorskip("safetensors")
    data = _safetensors_file({"a": _f32([1 << 20], 0, 4 << 20)}, bytes(4 << 20))
    path = write(tmp_path, data, "w.safetensors")
    refused(path, error=nn.CheckpointTooLargeError, match="max_bytes", max_bytes=1 << 20)
    assert nn.load(path)["a"].shape == (1 << 20,)
    huge_header = (200 << 20).to_bytes(8, "little") + b"{" + bytes(16)
    refused(write(tmp_path, huge_header, "h.safetensors"), match="not a checkpoint")
