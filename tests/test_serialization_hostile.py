"""nn.load on hostile files: each test builds its file byte by byte (tests/ckpt_files.py) and
checks the refusal is a CheckpointError, found in bounded time and memory.

The bounds below are safety properties, not performance claims: the unfixed loader peaked at
1-5 GB and took 15 s to forever on these files. They are set loose (64 MiB of Python
allocations, 60 s on a loaded machine) so that they never flake and still fail on a regression.
"""

from __future__ import annotations

import json
import os
import pickle
import threading
import time
import tracemalloc
import zlib

import numpy as np
import pytest
from ckpt_files import (
    MANIFEST,
    Entry,
    central_records,
    manifest_text,
    npy_bytes,
    npy_header,
    zeros_bomb,
    zip_archive,
)

import nn
import optim

PEAK_BOUND = 64 << 20
TIME_BOUND = 60.0
GiB = 1 << 30


def refused(path, match=None, error=nn.CheckpointError, **kw):
    """Load `path`, expecting `error`; assert the load stayed within the safety bounds."""
    result: dict[str, object] = {}

    def run():
        tracemalloc.start()
        try:
            nn.load(path, **kw)
            result["returned"] = True
        except BaseException as e:  # noqa: BLE001 - handed to the test thread
            result["error"] = e
        finally:
            result["peak"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()

    start = time.perf_counter()
    worker = threading.Thread(target=run, daemon=True)  # a hang fails the test, never the run
    worker.start()
    worker.join(TIME_BOUND)
    assert not worker.is_alive(), f"nn.load did not return within {TIME_BOUND} s"
    assert time.perf_counter() - start < TIME_BOUND
    assert "returned" not in result, "the hostile file loaded"
    e = result["error"]
    assert isinstance(e, error), f"{type(e).__name__}: {e}"
    assert result["peak"] < PEAK_BOUND, f"peak {result['peak'] / 2**20:.0f} MiB while refusing"
    if match is not None:
        assert match in str(e), str(e)
    return e


def write(tmp_path, data: bytes, name="f.npz"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def bomb_entry(name: str, n_zeros: int, header: bytes = b"") -> Entry:
    stream, crc = zeros_bomb(n_zeros, header)
    return Entry(name, method=8, payload=stream, usize=len(header) + n_zeros, crc=crc)


# ------------------------------------------------------------------ decompression bombs

def test_a_1mb_file_declaring_a_1gib_array_is_refused_before_inflating(tmp_path):
    header = npy_header((GiB // 8,), "<f8")
    path = write(tmp_path, zip_archive([bomb_entry("w.npy", GiB, header)]))
    assert path.stat().st_size < 2 << 20  # the case: ~1 MB on disk, 1 GiB inflated
    e = refused(path, error=nn.CheckpointTooLargeError, match="max_bytes")
    assert "1,073,741," in str(e) and "pass a larger max_bytes" in str(e)


def test_the_cap_can_be_raised_for_a_file_you_trust(tmp_path):
    header = npy_header(((8 << 20) // 8,), "<f8")
    path = write(tmp_path, zip_archive([bomb_entry("w.npy", 8 << 20, header)]))
    refused(path, error=nn.CheckpointTooLargeError, max_bytes=4 << 20)
    got = nn.load(path, max_bytes=16 << 20)["w"]
    assert got.shape == ((8 << 20) // 8,) and not got.any()
    np.testing.assert_array_equal(got, np.load(path)["w"])  # numpy reads the same array


def test_a_member_that_inflates_past_its_declared_size_stops_there(tmp_path):
    header = npy_header((1,), "<f8")
    stream, _ = zeros_bomb(GiB, header)  # declares 1 float, inflates to 1 GiB
    entry = Entry("w.npy", method=8, payload=stream, usize=len(header) + 8,
                  crc=zlib.crc32(header + bytes(8)))
    refused(write(tmp_path, zip_archive([entry])), match="inflates to more than")


def test_a_shape_that_disagrees_with_the_declared_size_is_refused(tmp_path):
    header = npy_header((GiB // 8,), "<f8")  # the header claims 1 GiB, the entry 64 bytes
    stream, _ = zeros_bomb(GiB, header)
    entry = Entry("w.npy", method=8, payload=stream, usize=len(header) + 64, crc=0)
    refused(write(tmp_path, zip_archive([entry])), match="needs")


def test_a_manifest_bomb_is_refused_whatever_max_bytes_says(tmp_path):
    n_chars = (256 << 20) // 4  # a 0-d unicode string of 256 MiB
    header = npy_header((), f"<U{n_chars}")
    entries = [bomb_entry(MANIFEST + ".npy", 256 << 20, header),
               Entry("w.npy", npy_bytes(np.ones(3)))]
    path = write(tmp_path, zip_archive(entries))
    refused(path, error=nn.CheckpointTooLargeError, match="manifest", max_bytes=1 << 40)


def test_a_member_without_an_npy_header_is_never_inflated(tmp_path):
    path = write(tmp_path, zip_archive([bomb_entry("w.npy", GiB)]))  # 1 GiB of bare zeros
    refused(path, match="no .npy header")


def test_one_member_listed_many_times_is_refused_at_once(tmp_path):
    header = npy_header(((64 << 20) // 8,), "<f8")
    entries = [bomb_entry("w.npy", 64 << 20, header)]
    same_name = zip_archive(entries, listing=[(0, "w.npy")] * 30)
    refused(write(tmp_path, same_name, "a.npz"), match="appears twice")
    new_names = zip_archive(entries, listing=[(0, f"w{i}.npy") for i in range(30)])
    refused(write(tmp_path, new_names, "b.npz"), match="not its header")


def test_members_that_overlap_are_refused(tmp_path):
    data = zip_archive([Entry("a.npy", npy_bytes(np.ones(4))),
                        Entry("b.npy", npy_bytes(np.zeros(4)))])
    records = central_records(data)
    # point b's directory entry at a's local header, renamed to keep the names consistent
    b = bytearray(data)
    a_off = 0
    b[records[1] + 42:records[1] + 46] = a_off.to_bytes(4, "little")
    refused(write(tmp_path, bytes(b)), match="not its header")


def test_a_damaged_zip64_end_record_is_refused(tmp_path):
    data = zip_archive([Entry("w.npy", npy_bytes(np.ones(3)))], zip64_end=True)
    locator = data.rindex(b"PK\x06\x07")
    for field, value in [(8, 0), (4, 1), (16, 2)]:  # record offset, disk, number of disks
        b = bytearray(data)
        b[locator + field:locator + field + (8 if field == 8 else 4)] = value.to_bytes(
            8 if field == 8 else 4, "little")
        refused(write(tmp_path, bytes(b)), match="zip64")
    record = data.rindex(b"PK\x06\x06")
    b = bytearray(data)
    b[record + 32:record + 40] = (5).to_bytes(8, "little")  # the entry count
    refused(write(tmp_path, bytes(b)), match="zip64")


# ------------------------------------------------------------------ sizes that disagree

def _member(**kw):
    return Entry("w.npy", npy_bytes(np.arange(6.0)), **kw)


@pytest.mark.parametrize("entry, match", [
    (_member(local_usize=1000), "header declares"),
    (_member(local_csize=1000), "header declares"),
    (_member(usize=20, csize=40), "stored uncompressed but declares"),
    (_member(method=8, usize=1 << 20), "needs"),  # the entry says 1 MiB, the shape 48+128 bytes
    (_member(method=8, csize=10), "ends after"),  # the stream is cut short of its content
    (_member(method=8, payload=zlib.compress(npy_bytes(np.arange(6.0)), 9, -15) + b"junk"),
     "does not end where"),  # bytes after the end of the deflate stream
    (_member(crc=1234), "CRC-32"),
    (_member(method=3), "compression method 3"),
    (_member(flags=0x1), "encryption"),
])
def test_sizes_and_fields_that_disagree_are_refused(tmp_path, entry, match):
    refused(write(tmp_path, zip_archive([entry])), match=match)


# ------------------------------------------------------------------ manifests

def _checkpoint_with_manifest(tmp_path, text, arrays=None):
    arrays = {"w": np.ones(3)} if arrays is None else arrays
    members = {MANIFEST: np.array(text) if isinstance(text, str) else text, **arrays}
    path = tmp_path / "m.npz"
    np.savez(path, **members)
    return path


W = {"t": "array", "key": "w"}


@pytest.mark.parametrize("text, match", [
    ("not json {", "not valid JSON"),
    ("[1, 2]", "unknown checkpoint format"),
    (json.dumps({"format": 1, "version": 1, "tree": W}), "unknown checkpoint format"),
    (manifest_text(W, version="1"), "invalid version"),
    (manifest_text(W, version=True), "invalid version"),
    (manifest_text(W, version=0), "invalid version"),
    (manifest_text(W, version=2), "newer version"),
    (json.dumps({"format": "autograd_core.checkpoint", "version": 1}), "lacks its 'tree'"),
    (json.dumps({"format": "autograd_core.checkpoint", "version": 1, "tree": W, "x": 1}),
     "unexpected fields"),
    (manifest_text({"t": "array", "key": 5}), "malformed"),
    (manifest_text({"t": "array", "key": "w", "extra": 1}), "malformed"),
    (manifest_text({"t": "dict", "items": 5}), "malformed"),
    (manifest_text({"t": "dict", "items": [[1.5, W]]}), "malformed or repeated key"),
    (manifest_text({"t": "dict", "items": [["a", W], ["a", 1]]}), "malformed or repeated key"),
    (manifest_text({"t": "dict", "items": [["a"]]}), "malformed or repeated key"),
    (manifest_text({"t": "set", "items": []}), "malformed"),
    (manifest_text({"t": "list", "items": [W, W]}), "names one array twice"),
    (manifest_text(["not", "a", "node"]), "is a list"),
    (manifest_text({"t": "list", "items": []}), "does not list"),  # 'w' is unlisted
    (manifest_text({"t": "list", "items": [{"t": "array", "key": "v"}]}), "does not contain"),
    ('{"format": "autograd_core.checkpoint", "version": 1' + "1" * 5000 + "}",
     "not valid JSON"),  # an integer too long to convert
    (np.arange(3), "not a string"),
    (np.array(["a", "b"]), "not a string"),
])
def test_manifests_with_wrong_types_are_checkpoint_errors(tmp_path, text, match):
    refused(_checkpoint_with_manifest(tmp_path, text), match=match)


@pytest.mark.parametrize("depth", [101, 500, 100_000])
def test_deep_nesting_is_refused(tmp_path, depth):
    # written as text: json.dumps itself could not nest this deep
    nested = '{"t": "list", "items": [' * depth + json.dumps(W) + "]}" * depth
    text = manifest_text(None).replace("null", nested)
    refused(_checkpoint_with_manifest(tmp_path, text), match="levels deep")


def test_nesting_up_to_the_limit_round_trips_and_save_refuses_deeper(tmp_path):
    content: object = np.ones(2)
    for _ in range(100):
        content = [content]
    nn.save(content, tmp_path / "deep.npz")
    got = nn.load(tmp_path / "deep.npz")
    for _ in range(100):
        got = got[0]
    np.testing.assert_array_equal(got, np.ones(2))
    with pytest.raises(ValueError, match="more than 100 levels"):
        nn.save([content], tmp_path / "deeper.npz")
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        nn.save(loop, tmp_path / "loop.npz")
    assert sorted(os.listdir(tmp_path)) == ["deep.npz"]


# ------------------------------------------------------------------ members that are not arrays

def test_pickled_bytes_under_an_npy_name_are_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(str(marker)))
    path = write(tmp_path, zip_archive([Entry("w.npy", payload)]))
    refused(path, match="no .npy header")
    assert not marker.exists()


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


@pytest.mark.parametrize("entry, match", [
    (Entry("w", b"raw bytes"), "not an .npy array"),
    (Entry("w.npy", b"/etc/passwd", mode=0o120777), "symbolic link"),
    (Entry("d/", b"", mode=0o040755), "not a regular file"),
    (Entry("w.npy", npy_bytes(np.ones(2)), mode=0o010644), "not a regular file"),  # a FIFO entry
])
def test_members_that_are_not_regular_npy_files_are_refused(tmp_path, entry, match):
    refused(write(tmp_path, zip_archive([entry])), match=match)


def test_an_object_array_member_is_unsafe(tmp_path):
    header = npy_header((1,), "|O")
    path = write(tmp_path, zip_archive([Entry("w.npy", header + pickle.dumps([1]))]))
    refused(path, error=nn.UnsafeCheckpointError, match="pickled object array")


def test_duplicate_member_names_are_refused(tmp_path):
    data = zip_archive([Entry("w.npy", npy_bytes(np.ones(2))),
                        Entry("w.npy", npy_bytes(np.zeros(2)))])
    refused(write(tmp_path, data), match="appears twice")


# ------------------------------------------------------------------ damage to a real checkpoint

def _small_checkpoint(tmp_path):
    m = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    opt = optim.Adam(m.parameters())
    path = tmp_path / "ckpt.npz"
    nn.save(m, path, optimizer=opt)
    return path, nn.load(path)


def _same(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return a == b and type(a) is type(b)


def test_comment_length_flips_never_give_a_partial_load(tmp_path):
    path, _ = _small_checkpoint(tmp_path)
    data = path.read_bytes()
    records = central_records(data)
    for i, rec in enumerate(records):
        field = rec + (32 if i < len(records) - 1 else 20)  # the comment-length field
        for bit in range(16):
            b = bytearray(data)
            b[field + bit // 8] ^= 1 << (bit % 8)
            path.write_bytes(bytes(b))
            with pytest.raises(nn.CheckpointError):
                nn.load(path)


def test_every_damaged_byte_is_an_error_or_changes_nothing(tmp_path):
    path, original = _small_checkpoint(tmp_path)
    data = path.read_bytes()
    outcomes = {"error": 0, "same": 0}
    for i in range(len(data)):
        b = bytearray(data)
        b[i] ^= 0xFF
        path.write_bytes(bytes(b))
        try:
            got = nn.load(path)
        except nn.CheckpointError:
            outcomes["error"] += 1
            continue
        # only fields nothing reads can change without notice (version made by, attributes)
        assert _same(got, original), f"byte {i} changed what was loaded"
        outcomes["same"] += 1
    assert outcomes["error"] > 0.9 * len(data), outcomes


def test_every_truncation_is_an_error(tmp_path):
    path, _ = _small_checkpoint(tmp_path)
    data = path.read_bytes()
    for cut in range(len(data)):
        path.write_bytes(data[:cut])
        with pytest.raises(nn.CheckpointError):
            nn.load(path)


def test_unlisted_members_and_prepended_bytes_are_refused(tmp_path):
    path, _ = _small_checkpoint(tmp_path)
    with np.load(path) as z:
        members = {k: z[k] for k in z.files}
    np.savez(tmp_path / "extra.npz", **members, smuggled=np.ones(2))
    refused(tmp_path / "extra.npz", match="does not list")
    data = path.read_bytes()
    refused(write(tmp_path, b"junk" + data, "pre.npz"), match="not a checkpoint")
    cd = central_records(data)[0]  # bytes slipped in before the directory shift it
    refused(write(tmp_path, data[:cd] + b"junk" + data[cd:], "gap.npz"), match="does not end")


# ------------------------------------------------------------------ paths that are not files

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "ckpt.npz"
    os.mkfifo(fifo)
    refused(fifo, match="FIFO")


def test_folders_and_devices_are_refused(tmp_path):
    refused(tmp_path, match="folder")
    if os.path.exists(os.devnull) and os.name == "posix":
        refused(os.devnull, match="device")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_symlink_to_a_checkpoint_loads_it(tmp_path):
    path, original = _small_checkpoint(tmp_path)
    os.symlink(path, tmp_path / "link.npz")
    assert _same(nn.load(tmp_path / "link.npz"), original)


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
