"""Builders for hostile checkpoint files: zip archives written byte by byte, so a test can lie in
any field (sizes, offsets, names, file types) and make decompression bombs cheaply; and
`refused`, which loads one and checks the refusal came in bounded time and memory.

The bounds are safety properties, not performance claims: the unfixed loader peaked at 1-5 GB
and took 15 s to forever on these files. They are set loose (64 MiB of Python allocations, 60 s
on a loaded machine) so that they never flake and still fail on a regression.
"""

from __future__ import annotations

import functools
import io
import json
import struct
import threading
import time
import tracemalloc
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import nn

MANIFEST = "__autograd_core_manifest__"
PEAK_BOUND = 64 << 20
TIME_BOUND = 60.0
GiB = 1 << 30


def refused(path: Any, match: str | None = None, error: type = nn.CheckpointError,
            **kw: Any) -> BaseException:
    """Load `path`, expecting `error`; assert the load stayed within the safety bounds."""
    result: dict[str, object] = {}

    def run() -> None:
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
    peak = result["peak"]
    assert isinstance(peak, int) and peak < PEAK_BOUND, f"peak {peak / 2**20:.0f} MiB"
    if match is not None:
        assert match in str(e), str(e)
    return e


def write(tmp_path: Path, data: bytes, name: str = "f.npz") -> Path:
    """`data` written to `tmp_path/name`."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def npy_bytes(arr: np.ndarray) -> bytes:
    """`arr` as an .npy file (numpy's own writer)."""
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(arr), allow_pickle=False)
    return buf.getvalue()


def npy_header(shape: tuple[int, ...], descr: str) -> bytes:
    """An .npy version 1.0 header for an array of `shape` and `descr`, without its data."""
    text = repr({"descr": descr, "fortran_order": False, "shape": shape})
    pad = 64 - (10 + len(text) + 1) % 64
    text += " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")


def manifest_text(tree: object, version: object = 1) -> str:
    """Manifest JSON in the checkpoint format, with any tree and version."""
    return json.dumps({"format": "autograd_core.checkpoint", "version": version, "tree": tree})


@functools.lru_cache(maxsize=8)
def zeros_bomb(n_zeros: int, prefix: bytes = b"") -> tuple[bytes, int]:
    """(raw deflate stream, CRC-32) of `prefix` followed by `n_zeros` zero bytes.

    Built from one compressed MiB of zeros repeated: after a full flush the compressor starts
    afresh, so every MiB compresses to the same bytes (about 1 KiB each: ratio ~1000).
    """
    mib = 1 << 20
    assert n_zeros % mib == 0
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = head.compress(prefix) + head.flush(zlib.Z_FULL_FLUSH)
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = block.compress(bytes(mib)) + block.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)  # an empty final block
    crc, zeros = zlib.crc32(prefix), bytes(mib)
    for _ in range(n_zeros // mib):
        crc = zlib.crc32(zeros, crc)
    return first + one * (n_zeros // mib) + end, crc


def bomb_entry(name: str, n_zeros: int, header: bytes = b"") -> Entry:
    """A deflated member of `header` and `n_zeros` zeros, ~1,000 times smaller on disk."""
    stream, crc = zeros_bomb(n_zeros, header)
    return Entry(name, method=8, payload=stream, usize=len(header) + n_zeros, crc=crc)


@dataclass
class Entry:
    """One archive member. Anything left None is filled in truthfully from `data`/`payload`."""

    name: str
    data: bytes | None = None  # the content; None when `payload`, `usize` and `crc` are given
    method: int = 0  # 0 stored, 8 deflated
    payload: bytes | None = None  # the bytes after the local header (default: data, encoded)
    usize: int | None = None  # declared content size (directory and local header)
    csize: int | None = None  # declared stored size
    crc: int | None = None
    local_usize: int | None = None  # a different value in the local header only
    local_csize: int | None = None
    mode: int = 0o100644  # Unix file type and permissions (external attributes)
    flags: int = 0
    zip64: bool = False  # sizes (and the directory's offset) in zip64 extra fields
    offset: int | None = None  # where the directory says the local header is
    descriptor: bytes = b""  # bytes after the data (a data descriptor, with flags 0x8)
    local_crc: int | None = None

    def fill(self) -> Entry:
        """The entry with every None computed from the content."""
        if self.payload is None:
            assert self.data is not None
            self.payload = self.data if self.method == 0 else \
                zlib.compress(self.data, 9, wbits=-15)
        if self.usize is None:
            assert self.data is not None
            self.usize = len(self.data)
        if self.crc is None:
            assert self.data is not None
            self.crc = zlib.crc32(self.data)
        if self.csize is None:
            self.csize = len(self.payload)
        return self


def zip_archive(entries: list[Entry], listing: list[tuple[int, str]] | None = None,
                end_comment: bytes = b"", zip64_end: bool = False) -> bytes:
    """A zip archive of `entries`; `listing` (entry index, name) is what the central directory
    lists (default: each entry once, under its own name). `zip64_end` adds the zip64 end
    record and locator that archives of over 65,535 members or 4 GiB need, and saturates the
    plain end record's fields as such archives do."""
    out, offsets = bytearray(), []
    for e in (x.fill() for x in entries):
        assert e.payload is not None and e.usize is not None and e.csize is not None
        name = e.name.encode()
        offsets.append(len(out) if e.offset is None else e.offset)
        lu = e.local_usize if e.local_usize is not None else e.usize
        lc = e.local_csize if e.local_csize is not None else e.csize
        extra = struct.pack("<HHQQ", 1, 16, lu, lc) if e.zip64 else b""
        if e.zip64:
            lu = lc = 0xFFFFFFFF
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, e.flags, e.method, 0, 0x21,
                           e.crc if e.local_crc is None else e.local_crc, lc, lu, len(name),
                           len(extra))
        out += name + extra + e.payload + e.descriptor
    cd_start = len(out)
    listing = listing if listing is not None else [(i, e.name) for i, e in enumerate(entries)]
    for i, listed_name in listing:
        e, name = entries[i], listed_name.encode()
        assert e.usize is not None and e.csize is not None
        sizes, offset, extra = (e.csize, e.usize), offsets[i], b""
        if e.zip64:
            extra = struct.pack("<HHQQQ", 1, 24, e.usize, e.csize, offset)
            sizes, offset = (0xFFFFFFFF, 0xFFFFFFFF), 0xFFFFFFFF
        out += struct.pack("<4s6H3L5HLL", b"PK\x01\x02", 3 << 8 | 20, 20, e.flags, e.method, 0,
                           0x21, e.crc, *sizes, len(name), len(extra), 0, 0, 0, e.mode << 16,
                           offset)
        out += name + extra
    n, cd_size = len(listing), len(out) - cd_start
    if zip64_end:
        record = len(out)
        out += struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, n, n, cd_size,
                           cd_start)
        out += struct.pack("<4sLQL", b"PK\x06\x07", 0, record, 1)
        n, cd_size, cd_start = 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, cd_size, cd_start,
                       len(end_comment))
    return bytes(out + end_comment)


def central_records(data: bytes) -> list[int]:
    """Offsets of the central directory entries and of the end record (in that order)."""
    end = data.rindex(b"PK\x05\x06")
    count, cd_size, cd_start = struct.unpack_from("<H2L", data, end + 10)
    offsets, pos = [], cd_start
    for _ in range(count):
        offsets.append(pos)
        nlen, xlen, clen = struct.unpack_from("<3H", data, pos + 28)
        pos += 46 + nlen + xlen + clen
    return offsets + [end]
