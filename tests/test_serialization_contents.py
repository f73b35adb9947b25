"""nn.load on archives whose structure is sound but whose contents are not a checkpoint's:
manifests that lie, members that are not arrays, .npy headers that declare what no checkpoint
holds. Each file is built by the test (tests/ckpt_files.py) and refused within bounds.
"""

from __future__ import annotations

import json
import os
import pickle

import numpy as np
import pytest
from ckpt_files import (
    MANIFEST,
    Entry,
    manifest_text,
    npy_bytes,
    npy_header,
    refused,
    write,
    zip_archive,
)

import nn

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


# ------------------------------------------------------------------ .npy headers and names

def _raw_npy(header: dict, data: bytes) -> bytes:
    text = repr(header) + "\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode() + data


@pytest.mark.parametrize("arr", [
    np.zeros(2, dtype=[("x", "<f4"), ("y", "<i8")]),  # load_state_dict would cast it to floats
    np.zeros(2, dtype=[("x", "<f8", (3,))]),
    np.array(["2020-01-01"], dtype="M8[D]"),
    np.array([1], dtype="m8[s]"),
    np.zeros(2, dtype="V8"),
])
def test_dtypes_that_save_never_writes_are_refused(tmp_path, arr):
    with pytest.raises(TypeError, match="only numeric, boolean and string"):
        nn.save({"w": arr}, tmp_path / "s.npz")
    refused(write(tmp_path, zip_archive([Entry("w.npy", npy_bytes(arr))])),
            match="a checkpoint holds only numeric, boolean and string arrays")


@pytest.mark.parametrize("shape", [(0, 2**62), (0, 2**64), (2**31, 2**31, 2**31, 0)])
def test_an_empty_shape_too_large_for_numpy_is_a_checkpoint_error(tmp_path, shape):
    # the product is 0 bytes, so the sizes agree, but numpy cannot make such an array
    data = _raw_npy({"descr": "<f8", "fortran_order": False, "shape": shape}, b"")
    refused(write(tmp_path, zip_archive([Entry("w.npy", data)])), match="too large")


def test_big_endian_and_fortran_members_load_as_their_values_in_native_order(tmp_path):
    be = np.arange(6, dtype=">f8").reshape(2, 3)
    fo = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    data = zip_archive([Entry("be.npy", npy_bytes(be)), Entry("fo.npy", npy_bytes(fo))])
    got = nn.load(write(tmp_path, data))
    assert got["be"].dtype == np.float64 and got["be"].dtype.isnative
    np.testing.assert_array_equal(got["be"], be)
    assert got["fo"].flags.f_contiguous and got["fo"].flags.writeable
    np.testing.assert_array_equal(got["fo"], fo)


def test_member_names_are_only_keys(tmp_path):
    # a path-like name is never a place on disk: nothing is written, the name is a dict key
    names = ["../../escape", "/etc/abs", "a\x00b", "dir/../x"]
    data = zip_archive([Entry(f"{n}.npy", npy_bytes(np.ones(2) * i))
                        for i, n in enumerate(names)])
    before = set(os.listdir(tmp_path.parent))
    got = nn.load(write(tmp_path, data))
    assert list(got) == names and [float(v[0]) for v in got.values()] == [0, 1, 2, 3]
    assert set(os.listdir(tmp_path.parent)) == before and os.listdir(tmp_path) == ["f.npz"]


def test_a_name_flagged_utf8_that_is_not_is_refused(tmp_path):
    data = zip_archive([Entry("ab.npy", npy_bytes(np.ones(2)), flags=0x800)])
    data = data.replace(b"ab.npy", b"\xff\xfe.npy")
    refused(write(tmp_path, data), match="not valid UTF-8")

