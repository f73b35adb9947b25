""".safetensors files, and weights that move between this library and PyTorch.

The round trips need the safetensors package (the `safetensors` extra) and PyTorch; without
them those tests skip.
"""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

import nn
import optim
from autograd_core import Tensor


def _ours(dtype):
    """Embedding -> Flatten -> Linear -> BatchNorm1d -> ReLU -> LayerNorm -> Linear."""
    model = nn.Sequential(nn.Embedding(10, 4), nn.Flatten(), nn.Linear(12, 8),
                          nn.BatchNorm1d(8), nn.ReLU(), nn.LayerNorm(8), nn.Linear(8, 3))
    return model.to(dtype)


def _theirs(torch, dtype):
    tnn = torch.nn
    model = tnn.Sequential(tnn.Embedding(10, 4), tnn.Flatten(), tnn.Linear(12, 8),
                           tnn.BatchNorm1d(8), tnn.ReLU(), tnn.LayerNorm(8), tnn.Linear(8, 3))
    return model.to(getattr(torch, np.dtype(dtype).name))


def _batches(n, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 10, size=(16, 3)) for _ in range(n)]


def _run_ours(model, idx, train):
    model.train(train)
    return model(idx).data


def _run_theirs(torch, model, idx, train):
    model.train(train)
    with torch.no_grad():
        return model(torch.from_numpy(idx)).numpy()


def _tol(dtype):
    return {"rtol": 1e-5, "atol": 1e-6} if dtype == np.float32 else {"rtol": 1e-12,
                                                                     "atol": 1e-13}


# ------------------------------------------------------------------ without PyTorch

def test_safetensors_round_trip_here(tmp_path):
    pytest.importorskip("safetensors")
    model = _ours(np.float32)
    for idx in _batches(2):
        _run_ours(model, idx, train=True)  # move the running statistics
    nn.save(model, tmp_path / "m.safetensors")
    got = nn.load(tmp_path / "m.safetensors")
    want = model.state_dict()
    assert set(got) == set(want)
    for k, v in want.items():
        assert got[k].dtype == v.dtype and got[k].shape == v.shape, k
        np.testing.assert_array_equal(got[k], v, err_msg=k)
        assert got[k].flags.writeable
    assert got["3.num_batches_tracked"].shape == () and got["3.num_batches_tracked"] == 2
    fresh = _ours(np.float32)
    fresh.load_state_dict(got)
    idx = _batches(1, seed=5)[0]
    np.testing.assert_array_equal(_run_ours(fresh, idx, False), _run_ours(model, idx, False))


def test_safetensors_takes_flat_tables_of_arrays_only(tmp_path):
    pytest.importorskip("safetensors")
    model = _ours(np.float32)
    with pytest.raises(ValueError, match="optimizer state does not fit"):
        nn.save(model, tmp_path / "m.safetensors", optimizer=optim.SGD(model.parameters(), 0.1))
    with pytest.raises(TypeError, match="Use an .npz path for nested content"):
        nn.save({"model": model.state_dict(), "epoch": 3}, tmp_path / "m.safetensors")
    with pytest.raises(TypeError, match="cannot hold"):
        nn.save({"s": np.array(["a"])}, tmp_path / "m.safetensors")
    assert not list(tmp_path.iterdir())
    # views, Fortran order and big-endian arrays are written as their values
    a = np.arange(12.0).reshape(3, 4)
    content = {"t": a.T, "step": a[:, ::2], "be": a.astype(">f4"), "x": Tensor([1.0, 2.0])}
    nn.save(content, tmp_path / "v.safetensors")
    got = nn.load(tmp_path / "v.safetensors")
    for k, v in content.items():
        np.testing.assert_array_equal(got[k], v.data if isinstance(v, Tensor) else v)


def test_without_the_package_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors", None)  # import safetensors now fails
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match=re.escape("pip install 'autograd-core[safetensors]'")):
        nn.save(_ours(np.float32), tmp_path / "m.safetensors")
    header = b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
    (tmp_path / "w.safetensors").write_bytes(len(header).to_bytes(8, "little") + header
                                             + bytes(4))
    with pytest.raises(ImportError, match="safetensors"):
        nn.load(tmp_path / "w.safetensors")


def test_saving_to_a_pytorch_suffix_is_refused(tmp_path):
    for name in ("m.pt", "m.PTH"):
        with pytest.raises(ValueError, match="pickle-based"):
            nn.save(_ours(np.float32), tmp_path / name)
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------------ with PyTorch

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pytorch_to_here_and_back(tmp_path, dtype):
    torch = pytest.importorskip("torch")
    st_torch = pytest.importorskip("safetensors.torch")
    torch.manual_seed(0)
    theirs = _theirs(torch, dtype)
    for idx in _batches(3):
        _run_theirs(torch, theirs, idx, train=True)  # running stats, num_batches_tracked = 3
    st_torch.save_file(theirs.state_dict(), str(tmp_path / "from_torch.safetensors"))

    ours = _ours(dtype)
    loaded = nn.load(tmp_path / "from_torch.safetensors")
    ours.load_state_dict(loaded)  # strict: every key matches
    their_sd = theirs.state_dict()
    our_sd = ours.state_dict()
    assert list(our_sd) == list(their_sd)  # the same names in the same order
    for k, t in their_sd.items():
        assert our_sd[k].dtype == np.dtype(str(t.dtype).removeprefix("torch.")), k
        assert our_sd[k].shape == tuple(t.shape), k  # num_batches_tracked: a 0-d int64
        np.testing.assert_array_equal(our_sd[k], t.numpy(), err_msg=k)

    for idx in _batches(2, seed=1):  # eval, then training mode (batch statistics, updates)
        for train in (False, True):
            np.testing.assert_allclose(_run_ours(ours, idx, train),
                                       _run_theirs(torch, theirs, idx, train), **_tol(dtype))
    nn.save(ours, tmp_path / "from_us.safetensors")
    back = _theirs(torch, dtype)
    back.load_state_dict(st_torch.load_file(str(tmp_path / "from_us.safetensors")), strict=True)
    for k, t in back.state_dict().items():
        assert t.dtype == theirs.state_dict()[k].dtype, k
        np.testing.assert_allclose(t.numpy(), theirs.state_dict()[k].numpy(), **_tol(dtype))
    assert int(back.state_dict()["3.num_batches_tracked"]) == 5
    for idx in _batches(2, seed=2):
        np.testing.assert_allclose(_run_theirs(torch, back, idx, False),
                                   _run_ours(ours, idx, False), **_tol(dtype))


def test_pytorch_files_are_refused_with_a_conversion_that_works(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    pytest.importorskip("safetensors.torch")
    theirs = _theirs(torch, np.float32)
    monkeypatch.chdir(tmp_path)
    torch.save(theirs.state_dict(), "model.pt")
    torch.save(theirs.state_dict(), "legacy.pth", _use_new_zipfile_serialization=False)
    for name in ("model.pt", "legacy.pth"):
        with pytest.raises(nn.UnsafeCheckpointError, match="never unpickles|pickled") as info:
            nn.load(name)
        # run the conversion the message gives, as a user would paste it
        snippet = "\n".join(line.strip() for line in str(info.value).splitlines()
                            if line.startswith("    "))
        assert "weights_only=True" in snippet
        exec(snippet, {})
        converted = nn.load(name.rsplit(".", 1)[0] + ".safetensors")
        ours = _ours(np.float32)
        ours.load_state_dict(converted)
        for k, t in theirs.state_dict().items():
            np.testing.assert_array_equal(ours.state_dict()[k], t.numpy(), err_msg=k)


def test_bfloat16_weights_are_refused_with_the_fix(tmp_path):
    torch = pytest.importorskip("torch")
    st_torch = pytest.importorskip("safetensors.torch")
    st_torch.save_file({"w": torch.ones(2, dtype=torch.bfloat16),
                        "h": torch.ones(2, dtype=torch.float16)}, str(tmp_path / "b.safetensors"))
    with pytest.raises(nn.CheckpointError, match=r"bfloat16 has no numpy type.*v\.float\(\)"):
        nn.load(tmp_path / "b.safetensors")
    st_torch.save_file({"h": torch.ones(2, dtype=torch.float16)}, str(tmp_path / "h.safetensors"))
    got = nn.load(tmp_path / "h.safetensors")["h"]
    assert got.dtype == np.float16 and got.tolist() == [1.0, 1.0]
