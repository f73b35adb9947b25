"""nn.load on hostile archives: each test builds its file byte by byte (tests/ckpt_files.py) and
checks the refusal is a CheckpointError, found in bounded time and memory (`refused`).

Decompression bombs, zip structures that lie, damage to a real checkpoint, and paths that are
not files; manifests and members that are not arrays are in test_serialization_contents.py,
.safetensors files in test_serialization_safetensors.py.
"""

from __future__ import annotations

import os
import struct
import zlib

import numpy as np
import pytest
from ckpt_files import (
    MANIFEST,
    Entry,
    GiB,
    bomb_entry,
    central_records,
    npy_bytes,
    npy_header,
    refused,
    write,
    zeros_bomb,
    zip_archive,
)

import nn
import optim

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


def test_a_member_hidden_inside_another_members_data_is_refused(tmp_path):
    # b's directory entry points at a true copy of b's local header inside a's data, so every
    # header check passes; only the overlap gives it away (both would load otherwise)
    b_entry = Entry("b.npy", npy_bytes(np.ones(3)))
    b_local = zip_archive([b_entry])
    b_local = b_local[:b_local.index(b"PK\x01\x02")]  # b's local header and data
    a_head = npy_header((len(b_local),), "|u1")
    a = Entry("a.npy", a_head + b_local)
    b_entry.offset = 30 + len("a.npy") + len(a_head)
    refused(write(tmp_path, zip_archive([a, b_entry])), match="overlaps the member before it")


def test_a_directory_that_declares_fewer_entries_than_it_holds_is_refused(tmp_path):
    # both count fields lowered alike: numpy's zipfile then drops the last member silently
    data = bytearray(zip_archive([Entry("a.npy", npy_bytes(np.ones(2))),
                                  Entry("b.npy", npy_bytes(np.zeros(2)))]))
    end = data.rindex(b"PK\x05\x06")
    data[end + 8:end + 12] = (1).to_bytes(2, "little") * 2
    refused(write(tmp_path, bytes(data)), match="bytes after its 1 declared entries")


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


# ------------------------------------------------------------------ zip64 fields, streamed members

def _z64(**kw):
    return Entry("w.npy", npy_bytes(np.arange(6.0)), zip64=True, **kw)


@pytest.mark.parametrize("entry, match", [
    (_z64(usize=2**40, csize=2**40, local_usize=176, local_csize=176),
     "header declares compressed size"),
    (_z64(method=8, usize=20), "malformed .npy header"),  # both headers lie, alike, small
    (_z64(method=8, csize=2**62), "runs into the central directory"),
    (_z64(offset=2**63), "past where member data can be"),  # once an OverflowError
    (_z64(offset=2**64 - 1), "past where member data can be"),
])
def test_zip64_fields_that_lie_are_refused(tmp_path, entry, match):
    refused(write(tmp_path, zip_archive([entry])), match=match)


def test_zip64_sizes_that_agree_but_lie_are_bounded(tmp_path):
    huge = _z64(method=8, usize=2**64 - 1)
    refused(write(tmp_path, zip_archive([huge])), error=nn.CheckpointTooLargeError)
    refused(write(tmp_path, zip_archive([huge]), "b.npz"), match="needs", max_bytes=2**70)
    header = npy_header((1,), "<f8")  # the entry says 8 bytes of data, the stream holds 1 GiB
    stream, _ = zeros_bomb(GiB, header)
    bomb = Entry("w.npy", method=8, payload=stream, usize=len(header) + 8, zip64=True,
                 crc=zlib.crc32(header + bytes(8)))
    refused(write(tmp_path, zip_archive([bomb]), "c.npz"), match="inflates to more than")
    assert nn.load(write(tmp_path, zip_archive([_z64(method=8)]), "ok.npz"))["w"].size == 6


@pytest.mark.parametrize("payload", [b"\xff" * 64,  # block type 3, which does not exist
                                     b"\x00\x05\x00\x00\x00" + bytes(5)])  # LEN, NLEN disagree
def test_damaged_deflate_data_is_a_checkpoint_error(tmp_path, payload):
    # zlib's own error (a bad block type, wrong stored lengths) used to escape as zlib.error
    data = npy_bytes(np.arange(6.0))
    entry = Entry("w.npy", method=8, payload=payload, usize=len(data), crc=zlib.crc32(data))
    refused(write(tmp_path, zip_archive([entry])), match="compressed data is damaged")


def _streamed(descriptor_fields, sig=True, wide=False, **kw):
    data = npy_bytes(np.arange(6.0))
    crc, size = zlib.crc32(data), len(data)
    fields = descriptor_fields(crc, size)
    desc = (b"PK\x07\x08" if sig else b"") + struct.pack("<L2Q" if wide else "<3L", *fields)
    local = {"local_crc": 0, "local_usize": 0, "local_csize": 0, **kw}
    return Entry("w.npy", data, flags=0x8, descriptor=desc, **local)


@pytest.mark.parametrize("sig, wide", [(True, False), (False, False), (True, True)])
def test_a_streamed_member_with_a_true_descriptor_loads(tmp_path, sig, wide):
    entry = _streamed(lambda crc, n: (crc, n, n), sig=sig, wide=wide)
    got = nn.load(write(tmp_path, zip_archive([entry])))["w"]
    np.testing.assert_array_equal(got, np.arange(6.0))


@pytest.mark.parametrize("entry, match", [
    (_streamed(lambda crc, n: (crc, n, n + 1)), "data descriptor"),
    (_streamed(lambda crc, n: (crc ^ 1, n, n)), "data descriptor"),
    (_streamed(lambda crc, n: (crc, n, n), local_usize=5), "header declares size 5"),
    (Entry("w.npy", npy_bytes(np.ones(2)), flags=0x8), "data descriptor"),  # none at all
])
def test_a_streamed_member_whose_descriptor_lies_is_refused(tmp_path, entry, match):
    refused(write(tmp_path, zip_archive([entry])), match=match)


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
