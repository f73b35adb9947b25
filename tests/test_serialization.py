"""nn.save / nn.load: round trips, pickle refusal, corrupted files, atomic save."""

from __future__ import annotations

import io
import os
import pickle

import numpy as np
import pytest

import nn
import optim
from autograd_core import Tensor


def _mlp():
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))


def _train_steps(model, opt, steps, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        x = Tensor(rng.normal(size=(8, 3)).astype(np.float32))
        y = rng.integers(0, 2, size=8)
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()


def test_model_round_trip(tmp_path):
    m = _mlp()
    nn.save(m, tmp_path / "m.npz")
    sd = nn.load(tmp_path / "m.npz")
    assert list(sd) == list(m.state_dict())
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(sd[k], v)
        assert sd[k].dtype == v.dtype
    # the file is a plain npz: numpy alone reads the weights, without pickle
    with np.load(tmp_path / "m.npz", allow_pickle=False) as raw:
        np.testing.assert_array_equal(raw["0.weight"], m.state_dict()["0.weight"])


@pytest.mark.parametrize("opt_cls", [optim.SGD, optim.Adam, optim.RMSprop, optim.Adagrad])
def test_model_and_optimizer_round_trip_resumes_training(tmp_path, opt_cls):
    kw = {"momentum": 0.9} if opt_cls in (optim.SGD, optim.RMSprop) else {}
    m = _mlp()
    opt = opt_cls(m.parameters(), lr=0.05, **kw)
    _train_steps(m, opt, 3)
    nn.save(m, tmp_path / "ckpt.npz", optimizer=opt)

    m2 = _mlp()
    opt2 = opt_cls(m2.parameters(), lr=0.5, **kw)
    ckpt = nn.load(tmp_path / "ckpt.npz")
    m2.load_state_dict(ckpt["model"])
    opt2.load_state_dict(ckpt["optimizer"])
    assert opt2.param_groups[0]["lr"] == 0.05
    _train_steps(m, opt, 3, seed=1)
    _train_steps(m2, opt2, 3, seed=1)
    for (k, a), b in zip(m.state_dict().items(), m2.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=k)


def test_nested_content_keeps_types(tmp_path):
    content = {"epoch": 3, "name": "run", "none": None, "flag": True,
               "betas": (0.9, 0.999), "ints": {0: np.arange(3), 7: [1.5, 2.5]},
               "t": Tensor([1.0, 2.0]), "s": np.float32(2.5)}
    nn.save(content, tmp_path / "c.npz")
    got = nn.load(tmp_path / "c.npz")
    assert got["epoch"] == 3 and got["name"] == "run" and got["none"] is None
    assert got["flag"] is True and got["betas"] == (0.9, 0.999)
    assert set(got["ints"]) == {0, 7} and got["ints"][7] == [1.5, 2.5]
    np.testing.assert_array_equal(got["ints"][0], np.arange(3))
    np.testing.assert_array_equal(got["t"], [1.0, 2.0])
    assert got["s"] == 2.5


def test_save_refuses_objects(tmp_path):
    with pytest.raises(TypeError, match="object arrays would need pickle"):
        nn.save({"a": np.array([{}, 1], dtype=object)}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="cannot save a set"):
        nn.save({"a": {1, 2}}, tmp_path / "x.npz")
    assert not os.listdir(tmp_path)  # nothing half-written


class _Payload:
    """Unpickling this would create a marker file: proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


def test_pickled_content_is_refused_and_never_run(tmp_path):
    marker = str(tmp_path / "pwned")
    evil = np.empty(1, dtype=object)
    evil[0] = _Payload(marker)
    path = tmp_path / "evil.npz"
    np.savez(path, **{"0.weight": np.ones(2), "payload": evil})  # numpy pickles object arrays
    with pytest.raises(nn.UnsafeCheckpointError, match="pickled object array"):
        nn.load(path)
    assert not os.path.exists(marker)
    # the same payload in a bare pickle file (what torch.save writes, in a zip) or in an
    # object .npy: refused as pickled content too, not as a mere unreadable file
    (tmp_path / "evil.pkl").write_bytes(pickle.dumps(_Payload(marker)))
    with pytest.raises(nn.UnsafeCheckpointError, match="pickled"):
        nn.load(tmp_path / "evil.pkl")
    with open(tmp_path / "evil.npy", "wb") as f:
        np.save(f, evil, allow_pickle=True)
    with pytest.raises(nn.UnsafeCheckpointError, match="pickled"):
        nn.load(tmp_path / "evil.npy")
    assert not os.path.exists(marker)


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_damaged_files_are_clear_errors(tmp_path, damage):
    m = _mlp()
    opt = optim.Adam(m.parameters())
    _train_steps(m, opt, 1)
    path = tmp_path / "ckpt.npz"
    nn.save(m, path, optimizer=opt)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":  # inside an array's bytes: only the zip CRC can tell
        start = data.index(b"\x93NUMPY", 10) + 200
        for i in range(start, start + 16):
            data[i] ^= 0xFF
    elif damage == "empty":
        data = bytearray()
    else:
        data = bytearray(b"not a checkpoint at all" * 10)
    path.write_bytes(bytes(data))
    with pytest.raises(nn.CheckpointError):
        nn.load(path)


def test_missing_file():
    with pytest.raises(FileNotFoundError):
        nn.load("/nonexistent/dir/ckpt.npz")


def test_manifest_naming_a_missing_array_is_an_error(tmp_path):
    nn.save({"w": np.ones(3)}, tmp_path / "a.npz")
    with np.load(tmp_path / "a.npz") as z:
        members = {k: z[k] for k in z.files if k != "w"}
    np.savez(tmp_path / "b.npz", **members)
    with pytest.raises(nn.CheckpointError, match="does not contain"):
        nn.load(tmp_path / "b.npz")


def test_crash_mid_save_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    import nn.serialization as ser

    path = tmp_path / "ckpt.npz"
    nn.save({"w": np.zeros(4)}, path)
    before = path.read_bytes()

    def crash(f, arrays):
        f.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(ser, "_write_npz", crash)
    with pytest.raises(KeyboardInterrupt):
        nn.save({"w": np.ones(4)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.npz"]  # the temporary file is cleaned up
    np.testing.assert_array_equal(nn.load(path)["w"], np.zeros(4))


def test_crash_at_rename_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    nn.save({"w": np.zeros(4)}, path)

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        nn.save({"w": np.ones(4)}, path)
    monkeypatch.undo()
    np.testing.assert_array_equal(nn.load(path)["w"], np.zeros(4))
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_a_file_of_unknown_bytes_is_not_called_a_pickle(tmp_path) -> None:
    import nn

    path = tmp_path / "notes.npz"
    path.write_bytes(b"hello, this is not a checkpoint at all\n" * 4)
    with pytest.raises(nn.CheckpointError) as info:
        nn.load(path)
    assert not isinstance(info.value, nn.UnsafeCheckpointError)
    assert "pickle" not in str(info.value)


class _Unseekable(io.RawIOBase):
    """A pipe-like stream: zipfile then writes data descriptors after each member."""

    def __init__(self):
        self.buf = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.buf += b
        return len(b)


def test_every_archive_numpy_writes_still_loads(tmp_path):
    from ckpt_files import Entry, npy_bytes, zip_archive

    arrays = {"f": np.asfortranarray(np.arange(6.0).reshape(2, 3)), "be": np.arange(3, dtype=">i4"),
              "empty": np.zeros((0, 4), np.float32), "s": np.array(["a", "bc"]),
              "b": np.array([True, False]), "c": np.array([1 + 2j]), "scalar": np.float64(2.5)}
    np.savez(tmp_path / "plain.npz", **arrays)
    np.savez_compressed(tmp_path / "deflated.npz", **arrays)
    stream = _Unseekable()
    np.savez(stream, **arrays)
    (tmp_path / "stream.npz").write_bytes(bytes(stream.buf))
    entries = [Entry(f"{k}.npy", npy_bytes(v), method=8) for k, v in arrays.items()]
    (tmp_path / "zip64.npz").write_bytes(zip_archive(entries, zip64_end=True))
    for name in ("plain", "deflated", "stream", "zip64"):
        got = nn.load(tmp_path / f"{name}.npz")
        with np.load(tmp_path / f"{name}.npz") as ref:  # numpy reads the same
            assert list(got) == list(arrays) == list(ref.files), name
            for k, v in arrays.items():
                # the values, in native byte order (">i4" comes back as "<i4" on x86 and ARM)
                assert got[k].dtype == np.asarray(v).dtype.newbyteorder("=")
                assert got[k].dtype.isnative and got[k].shape == np.shape(v)
                np.testing.assert_array_equal(got[k], v, err_msg=f"{name}: {k}")
                np.testing.assert_array_equal(ref[k], got[k])
    assert nn.load(tmp_path / "plain.npz")["f"].flags.f_contiguous


def test_max_bytes_must_be_a_count(tmp_path):
    nn.save({"w": np.ones(4)}, tmp_path / "a.npz")
    for bad in (None, 1.5, True, "1"):
        with pytest.raises(TypeError, match="max_bytes"):
            nn.load(tmp_path / "a.npz", max_bytes=bad)
    with pytest.raises(ValueError, match="max_bytes must be >= 0"):
        nn.load(tmp_path / "a.npz", max_bytes=-1)
    with pytest.raises(nn.CheckpointTooLargeError, match="max_bytes=159"):
        nn.load(tmp_path / "a.npz", max_bytes=159)  # 128 .npy header bytes + 32 data bytes
    np.testing.assert_array_equal(nn.load(tmp_path / "a.npz", max_bytes=160)["w"], np.ones(4))


def _content():
    """Anything a checkpoint holds: numbers, strings, None, arrays, nested dicts/lists/tuples."""
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    arrays = hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.bool_]),
                        hnp.array_shapes(min_dims=0, max_dims=3, max_side=3))
    leaves = (st.none() | st.booleans() | st.integers(-10**30, 10**30)
              | st.floats(allow_nan=False) | st.text(max_size=5) | arrays)
    keys = st.text(max_size=4) | st.integers(-5, 5)
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=3)
                        | st.lists(inner, max_size=3).map(tuple)
                        | st.dictionaries(keys, inner, max_size=3), max_leaves=12)


def _equal(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_equal, a, b))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(
            a, b, equal_nan=a.dtype.kind in "fc")  # a NaN round-trips as NaN
    return type(a) is type(b) and a == b


def test_any_content_round_trips(tmp_path):
    from hypothesis import given

    @given(_content())
    def check(content):
        nn.save(content, tmp_path / "c.npz")
        assert _equal(content, nn.load(tmp_path / "c.npz"))

    check()
