"""nn.load on hostile .safetensors files: each test writes its own header and data, and checks
the refusal is a CheckpointError found within bounds (tests/ckpt_files.py `refused`)."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from ckpt_files import refused, write

import nn

ROOT = Path(__file__).resolve().parent.parent

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


def test_a_header_over_16_mib_is_refused_before_it_is_parsed(tmp_path):
    # 16 MiB is over 150,000 tensors' names; a 45 MB header of empty tensors once took 13 s
    # and 1 GB to parse (what the package alone allows: 100 MB)
    pytest.importorskip("safetensors")
    n = (16 << 20) + 1
    data = n.to_bytes(8, "little") + b"{" + b" " * (n - 2) + b"}"
    e = refused(write(tmp_path, data, "h.safetensors"), error=nn.CheckpointTooLargeError)
    assert "16,777,217 bytes; a header may have at most 16,777,216" in str(e)


def test_tensors_come_back_in_the_order_of_their_data(tmp_path):
    # the package returns them in an order that changes from one run to the next
    pytest.importorskip("safetensors")
    names = [f"layer{i}.{k}" for i in range(12) for k in ("weight", "bias")]
    nn.save({k: np.full(3, i, np.float32) for i, k in enumerate(names)}, tmp_path / "m.safetensors")
    raw = (tmp_path / "m.safetensors").read_bytes()
    header = json.loads(raw[8:8 + int.from_bytes(raw[:8], "little")])
    by_data = sorted(names, key=lambda k: header[k]["data_offsets"][0])
    code = ("import json, sys, nn; "
            f"print(json.dumps(list(nn.load({str(tmp_path / 'm.safetensors')!r}))))")
    for _ in range(3):  # fresh interpreters: a new hash seed each
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout
        assert json.loads(out) == by_data
    empty = {"b": _f32([0], 0, 0), "a": _f32([0], 0, 0), "c": _f32([1], 0, 4)}
    path = write(tmp_path, _safetensors_file(empty, bytes(4)), "e.safetensors")
    assert list(nn.load(path)) == ["b", "a", "c"]  # empty ones keep the header's order


def test_a_load_holds_at_most_two_copies_of_the_data(tmp_path):
    pytest.importorskip("safetensors")
    arrays = {f"w{i}": np.ones(1 << 18, np.float32) * i for i in range(8)}  # 8 MiB
    nn.save(arrays, tmp_path / "m.safetensors")
    size = (tmp_path / "m.safetensors").stat().st_size
    tracemalloc.start()
    try:
        got = nn.load(tmp_path / "m.safetensors")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert all(np.array_equal(got[k], v) for k, v in arrays.items())
    assert peak < 2.5 * size, f"peak {peak / size:.2f} x the file"  # was 3x: file, bytes, arrays

