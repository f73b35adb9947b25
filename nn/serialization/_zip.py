"""A strict reader for the zip archives `np.savez` writes: every structure is checked, and no
member can make a load read or inflate more than the sizes its directory entry declares.

Python's `zipfile` (what `np.load` uses) is lenient on purpose: it returns whatever entries it
can parse, lets several entries point at the same bytes, and inflates as far as the compressed
stream goes. For a checkpoint that leniency turns a damaged or crafted file into a silent
partial load or a memory bomb, so this reader refuses instead:
- the end record must end the file and the central directory must fill exactly the space it
  declares, with exactly the declared number of entries;
- names are unique; entries are regular files (no symlinks, no directories), stored or
  deflated, never encrypted;
- each local header repeats its directory entry (a streamed member's may leave CRC and sizes
  zero, and then its data descriptor must repeat them), and members never overlap;
- a member yields exactly its declared size from exactly its compressed size, with a matching
  CRC-32, and inflating stops at the declared size (plus one byte, to see a lie); damaged
  deflate data and offsets past any file are CheckpointErrors like the rest.
"""

from __future__ import annotations

import stat
import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from .errors import CheckpointError

_END = b"PK\x05\x06"
_END64 = b"PK\x06\x06"
_LOCATOR64 = b"PK\x06\x07"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_DESCRIPTOR = b"PK\x07\x08"
_STORED, _DEFLATED = 0, 8
_ALLOWED_FLAGS = 0x0002 | 0x0004 | 0x0008 | 0x0800  # deflate options, data descriptor, UTF-8
_CHUNK = 1 << 20  # bytes read or inflated per step: bounds the working memory of a load


def read_exactly(f: BinaryIO, offset: int, n: int, what: str) -> bytes:
    """`n` bytes at `offset`, or a CheckpointError naming `what` if the file ends first."""
    try:
        f.seek(offset)
    except (OverflowError, ValueError):  # a zip64 offset beyond what a file position can be
        raise CheckpointError(f"{what} lies at offset {offset}, past any file") from None
    parts, got = [], 0
    while got < n:
        part = f.read(n - got)
        if not part:
            raise CheckpointError(f"the file ends inside {what} (truncated?)")
        parts.append(part)
        got += len(part)
    return b"".join(parts)


@dataclass
class Member:
    """One archive entry, as its central directory entry declares it."""

    name: str
    raw_name: bytes
    flags: int
    method: int
    dostime: int
    crc: int
    csize: int
    usize: int
    offset: int
    data_start: int = -1
    data_end: int = -1  # after the data and its data descriptor, if any


def _extra_fields(extra: bytes, what: str) -> dict[int, bytes]:
    """Parse an extra-field block; it must split exactly into (id, length, data) records."""
    fields: dict[int, bytes] = {}
    pos = 0
    while pos < len(extra):
        if pos + 4 > len(extra):
            raise CheckpointError(f"{what}: malformed extra field")
        fid, flen = struct.unpack_from("<HH", extra, pos)
        if pos + 4 + flen > len(extra) or fid in fields:
            raise CheckpointError(f"{what}: malformed extra field")
        fields[fid] = extra[pos + 4:pos + 4 + flen]
        pos += 4 + flen
    return fields


def _zip64_values(extra: bytes, wanted: list[bool], what: str) -> list[int]:
    """The zip64 extra field's 8-byte values, one for each saturated 32-bit field in `wanted`."""
    need = sum(wanted)
    if not need:
        return []
    data = _extra_fields(extra, what).get(1)
    if data is None or len(data) < 8 * need:
        raise CheckpointError(f"{what}: a size is marked as zip64 but the zip64 field is missing")
    return list(struct.unpack_from(f"<{need}Q", data))


def _find_end(f: BinaryIO, size: int) -> tuple[int, tuple[int, ...]]:
    """The end-of-central-directory record: the one whose comment runs exactly to the end."""
    if size < 22:
        raise CheckpointError("too short to be an .npz archive")
    span = min(size, 22 + 0xFFFF)
    tail = read_exactly(f, size - span, span, "the end record")
    pos = tail.rfind(_END)
    while pos >= 0:
        if pos + 22 <= span:
            fields = struct.unpack_from("<4s4H2LH", tail, pos)
            if pos + 22 + fields[7] == span:
                return size - span + pos, fields
        pos = tail.rfind(_END, 0, pos)
    raise CheckpointError("no zip end record that ends the file (truncated, damaged, or not an "
                          ".npz archive)")


def _directory_bounds(f: BinaryIO, size: int) -> tuple[int, int, int]:
    """(number of entries, directory start, directory end), zip64 records included."""
    end_pos, (_, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, _) = _find_end(f, size)
    if disk != 0 or cd_disk != 0 or n_disk != n_total:
        raise CheckpointError("the archive claims to span several disks")
    cd_end = end_pos
    if end_pos >= 20 and read_exactly(f, end_pos - 20, 4, "the zip64 locator") == _LOCATOR64:
        _, disk64, rec_pos, disks = struct.unpack(
            "<4sLQL", read_exactly(f, end_pos - 20, 20, "the zip64 locator"))
        if disk64 != 0 or disks != 1 or rec_pos + 56 > end_pos - 20:
            raise CheckpointError("malformed zip64 locator")
        rec = read_exactly(f, rec_pos, 56, "the zip64 end record")
        sig, rec_len, _, _, d64, cd64, n64_disk, n64, size64, off64 = struct.unpack(
            "<4sQ2H2L4Q", rec)
        if (sig != _END64 or rec_pos + 12 + rec_len != end_pos - 20 or d64 or cd64
                or n64_disk != n64):
            raise CheckpointError("malformed zip64 end record")
        # the 32-bit fields are either saturated or the same numbers
        for short, long_, full in ((n_total, n64, 0xFFFF), (cd_size, size64, 0xFFFFFFFF),
                                   (cd_offset, off64, 0xFFFFFFFF)):
            if short not in (full, long_):
                raise CheckpointError("the zip64 end record disagrees with the end record")
        n_total, cd_size, cd_offset, cd_end = n64, size64, off64, rec_pos
    if cd_offset + cd_size != cd_end:
        raise CheckpointError(f"the central directory ({cd_size} bytes at {cd_offset}) does not "
                              f"end where the end record starts ({cd_end})")
    return n_total, cd_offset, cd_end


def _parse_entry(cd: bytes, pos: int, index: int) -> tuple[Member, int]:
    """The central directory entry at `pos`, and the position after it."""
    what = f"central directory entry {index}"
    if pos + 46 > len(cd) or cd[pos:pos + 4] != _CENTRAL:
        raise CheckpointError(f"{what} is missing or damaged (the directory does not add up)")
    (made_by, _, flags, method, time, date, crc, csize, usize, nlen, xlen, clen, disk, _,
     ext_attr, offset) = struct.unpack_from("<6H3L5HLL", cd, pos + 4)
    end = pos + 46 + nlen + xlen + clen
    if end > len(cd):
        raise CheckpointError(f"{what} runs past the end of the directory (damaged lengths)")
    raw_name = cd[pos + 46:pos + 46 + nlen]
    extra = cd[pos + 46 + nlen:pos + 46 + nlen + xlen]
    try:
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437")
    except UnicodeDecodeError:
        raise CheckpointError(f"{what}: the member name is not valid UTF-8") from None
    what = f"member {name!r}"
    big = _zip64_values(extra, [usize == 0xFFFFFFFF, csize == 0xFFFFFFFF,
                                offset == 0xFFFFFFFF, disk == 0xFFFF], what)
    if usize == 0xFFFFFFFF:
        usize = big.pop(0)
    if csize == 0xFFFFFFFF:
        csize = big.pop(0)
    if offset == 0xFFFFFFFF:
        offset = big.pop(0)
    if disk == 0xFFFF:
        disk = big.pop(0)
    if disk != 0:
        raise CheckpointError(f"{what} claims to be on another disk")
    if flags & ~_ALLOWED_FLAGS:
        raise CheckpointError(f"{what} uses zip features a checkpoint never has (encryption or "
                              f"patch data: flags {flags:#06x})")
    if method not in (_STORED, _DEFLATED):
        raise CheckpointError(f"{what} uses compression method {method}; only stored (0) and "
                              "deflated (8) members are read")
    mode = ext_attr >> 16
    if name.endswith("/") or ext_attr & 0x10 or (
            made_by >> 8 == 3 and stat.S_IFMT(mode) not in (0, stat.S_IFREG)):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        raise CheckpointError(f"{what} is {kind} (mode {mode:#o}); a checkpoint holds only "
                              "arrays")
    if method == _STORED and csize != usize:
        raise CheckpointError(f"{what} is stored uncompressed but declares {csize} bytes on disk "
                              f"and {usize} bytes of content")
    return Member(name, raw_name, flags, method, time | date << 16, crc, csize, usize,
                  offset), end


def read_directory(f: BinaryIO, size: int) -> tuple[list[Member], int]:
    """Every entry of the central directory (checked as the module docstring says), and where
    the directory starts."""
    count, cd_start, cd_end = _directory_bounds(f, size)
    if count > (cd_end - cd_start) // 46:
        raise CheckpointError(f"the end record declares {count} members, more than its "
                              f"{cd_end - cd_start}-byte directory can hold")
    cd = read_exactly(f, cd_start, cd_end - cd_start, "the central directory")
    members, pos, seen = [], 0, set()
    for i in range(count):
        m, pos = _parse_entry(cd, pos, i)
        if m.name in seen:
            raise CheckpointError(f"the member name {m.name!r} appears twice in the archive")
        seen.add(m.name)
        members.append(m)
    if pos != len(cd):
        raise CheckpointError(f"the central directory has {len(cd) - pos} bytes after its "
                              f"{count} declared entries (a damaged length field?)")
    return members, cd_start


def check_local_headers(f: BinaryIO, members: list[Member], cd_start: int) -> None:
    """Each local header must repeat its directory entry; member data must not overlap."""
    for m in members:
        what = f"member {m.name!r}"
        if m.offset + 30 > cd_start:
            raise CheckpointError(f"{what}: the directory places its header at {m.offset}, "
                                  f"past where member data can be (before {cd_start})")
        head = read_exactly(f, m.offset, 30, f"{what}'s header")
        sig, _, flags, method, time, date, crc, csize, usize, nlen, xlen = struct.unpack(
            "<4s5H3L2H", head)
        name = read_exactly(f, m.offset + 30, nlen, f"{what}'s header")
        extra = read_exactly(f, m.offset + 30 + nlen, xlen, f"{what}'s header")
        if sig != _LOCAL or name != m.raw_name:
            raise CheckpointError(f"{what}: the directory points at bytes that are not its "
                                  "header (damaged offset, or a crafted archive)")
        if (flags, method, time | date << 16) != (m.flags, m.method, m.dostime):
            raise CheckpointError(f"{what}: its header disagrees with its directory entry")
        big = _zip64_values(extra, [usize == 0xFFFFFFFF, csize == 0xFFFFFFFF], what)
        if usize == 0xFFFFFFFF:
            usize = big.pop(0)
        if csize == 0xFFFFFFFF:
            csize = big.pop(0)
        # A streamed member (data descriptor flag) may leave its header's CRC and sizes zero;
        # any other value must be the directory's, as it must without that flag.
        streamed = bool(flags & 0x8)
        for field, local, central in (("CRC", crc, m.crc), ("compressed size", csize, m.csize),
                                      ("size", usize, m.usize)):
            if local != central and not (streamed and local == 0):
                raise CheckpointError(f"{what}: its header declares {field} {local}, its "
                                      f"directory entry {central}")
        m.data_start = m.offset + 30 + nlen + xlen
        m.data_end = m.data_start + m.csize
        if m.data_end > cd_start:
            raise CheckpointError(f"{what} runs into the central directory (damaged size)")
        if streamed:
            m.data_end += _descriptor_length(f, m, cd_start)
    end = 0
    for m in sorted(members, key=lambda m: m.offset):
        if m.offset < end:
            raise CheckpointError(f"member {m.name!r} overlaps the member before it (one set "
                                  "of bytes listed as several members)")
        end = m.data_end


def _descriptor_length(f: BinaryIO, m: Member, limit: int) -> int:
    """The length of the data descriptor after a streamed member's data, which must repeat
    its directory entry's CRC and sizes (with or without its signature, 4- or 8-byte sizes)."""
    tail = read_exactly(f, m.data_end, min(24, limit - m.data_end), f"member {m.name!r}")
    for start in ((0, 4) if tail[:4] == _DESCRIPTOR else (0,)):
        for fmt in ("<3L", "<L2Q"):
            size = struct.calcsize(fmt)
            if start + size <= len(tail) and struct.unpack_from(fmt, tail, start) == (
                    m.crc, m.csize, m.usize):
                return start + size
    raise CheckpointError(f"member {m.name!r}: its data descriptor is missing or disagrees "
                          "with its directory entry")


class MemberReader:
    """Reads one member's content in order, never past its declared sizes."""

    def __init__(self, f: BinaryIO, m: Member) -> None:
        self.f, self.m = f, m
        self.what = f"member {m.name!r}"
        self.produced = 0  # uncompressed bytes handed out
        self.consumed = 0  # compressed bytes read from the file
        self.crc = 0
        self._inflate = zlib.decompressobj(-15) if m.method == _DEFLATED else None
        self._pending = b""  # compressed input not yet taken by the inflater

    def _raw(self, limit: int) -> bytes:
        n = min(limit, self.m.csize - self.consumed)
        data = read_exactly(self.f, self.m.data_start + self.consumed, n, self.what)
        self.consumed += n
        return data

    def _decompress(self, limit: int) -> bytes:
        """Inflate at most `limit` bytes of the pending input; damaged deflate data (a bad
        block type, a distance too far back) is a CheckpointError like any other damage."""
        assert self._inflate is not None
        try:
            out = self._inflate.decompress(self._pending, limit)
        except zlib.error as e:
            raise CheckpointError(f"{self.what}: its compressed data is damaged ({e})") from None
        self._pending = self._inflate.unconsumed_tail
        return out

    def _next(self, limit: int) -> bytes:
        """Up to `limit` more content bytes (at least one, or an error)."""
        if self._inflate is None:
            out = self._raw(limit)
        else:
            out = b""
            while not out:
                if not self._pending:
                    if self.consumed == self.m.csize or self._inflate.eof:
                        break
                    self._pending = self._raw(_CHUNK)
                out = self._decompress(limit)
        if not out:
            raise CheckpointError(f"{self.what} ends after {self.produced} bytes but declares "
                                  f"{self.m.usize} (truncated or damaged)")
        self.crc = zlib.crc32(out, self.crc)
        self.produced += len(out)
        return out

    def read(self, n: int) -> bytes:
        """Exactly `n` content bytes (n small: headers)."""
        if self.produced + n > self.m.usize:
            raise CheckpointError(f"{self.what} is shorter ({self.m.usize} bytes) than its "
                                  "header says")
        parts, got = [], 0
        while got < n:
            part = self._next(n - got)
            parts.append(part)
            got += len(part)
        return b"".join(parts)

    def readinto(self, view: memoryview) -> None:
        """Fill `view` (bytes) with the next content, chunk by chunk."""
        if self.produced + len(view) > self.m.usize:
            raise CheckpointError(f"{self.what} is shorter ({self.m.usize} bytes) than its "
                                  "header says")
        pos = 0
        while pos < len(view):
            part = self._next(min(_CHUNK, len(view) - pos))
            view[pos:pos + len(part)] = part
            pos += len(part)

    def finish(self) -> None:
        """Everything declared was read, nothing more is there, and the CRC-32 matches."""
        if self.produced != self.m.usize:
            raise CheckpointError(f"{self.what}: {self.m.usize - self.produced} declared bytes "
                                  "were not accounted for by its .npy header")
        if self._inflate is not None:
            # Feed the rest of the stream, asking for one byte at most: a stream that still
            # yields data is larger than it declares (a bomb, or a damaged size field).
            while not self._inflate.eof and (self._pending or self.consumed < self.m.csize):
                if not self._pending:
                    self._pending = self._raw(_CHUNK)
                if self._decompress(1):
                    raise CheckpointError(f"{self.what} inflates to more than its declared "
                                          f"{self.m.usize} bytes")
            if not self._inflate.eof or self._pending or self._inflate.unused_data \
                    or self.consumed != self.m.csize:
                raise CheckpointError(f"{self.what}: its compressed data does not end where its "
                                      f"declared {self.m.csize} bytes end")
        if self.crc != self.m.crc:
            raise CheckpointError(f"{self.what} fails its CRC-32 check (the bytes were changed "
                                  "after saving)")
