"""nn.save on disk: permissions, symlinks, temporary files left by killed saves, and the
Checkpoint callback's path template."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pytest

import nn
from nn.serialization import _atomic

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and signals")


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@posix_only
@pytest.mark.parametrize("umask, expected", [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_a_new_file_gets_the_umask(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        nn.save({"w": np.ones(2)}, tmp_path / "a.npz")
        if _has_safetensors():
            nn.save({"w": np.ones(2)}, tmp_path / "a.safetensors")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a.npz") == expected
    if _has_safetensors():
        assert _mode(tmp_path / "a.safetensors") == expected


def _has_safetensors() -> bool:
    try:
        import safetensors.numpy  # noqa: F401
    except ImportError:
        return False
    return True


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o444])
def test_an_existing_file_keeps_its_mode(tmp_path, mode):
    path = tmp_path / "ckpt.npz"
    nn.save({"w": np.zeros(2)}, path)
    os.chmod(path, mode)
    old = os.umask(0o022)
    try:
        nn.save({"w": np.ones(2)}, path)
    finally:
        os.umask(old)
    assert _mode(path) == mode
    np.testing.assert_array_equal(nn.load(path)["w"], np.ones(2))


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_symlink_is_written_through_to_its_target(tmp_path):
    (tmp_path / "runs").mkdir()
    target = tmp_path / "runs" / "epoch3.npz"
    nn.save({"w": np.zeros(2)}, target)
    link = tmp_path / "latest.npz"
    os.symlink(os.path.join("runs", "epoch3.npz"), link)
    nn.save({"w": np.ones(2)}, link)
    assert os.path.islink(link)  # the link stays a link...
    np.testing.assert_array_equal(nn.load(target)["w"], np.ones(2))  # ...its target is new
    assert sorted(os.listdir(tmp_path / "runs")) == ["epoch3.npz"]  # no temporary file left
    dangling = tmp_path / "next.npz"
    os.symlink(os.path.join("runs", "epoch4.npz"), dangling)
    nn.save({"w": np.full(2, 4.0)}, dangling)  # as open(path, "wb"): creates the target
    np.testing.assert_array_equal(nn.load(tmp_path / "runs" / "epoch4.npz")["w"], [4.0, 4.0])
    loop = tmp_path / "loop.npz"
    os.symlink(loop.name, loop)
    with pytest.raises(OSError, match="leads back to itself"):
        nn.save({"w": np.ones(2)}, loop)


_CHILD = textwrap.dedent("""
    import sys
    import numpy as np
    import nn
    import nn.serialization as ser

    def half_then_wait(f, arrays):
        f.write(b"PK\\x03\\x04" + bytes(1 << 20))  # part of an archive...
        f.flush()
        print("writing", flush=True)
        sys.stdin.read()  # ...then wait, mid-save, until killed

    ser._write_npz = half_then_wait
    nn.save({"w": np.ones(4)}, sys.argv[1])
""")


@posix_only
def test_a_save_killed_mid_write_keeps_the_old_file_and_the_next_save_cleans_up(tmp_path):
    path = tmp_path / "ckpt.npz"
    nn.save({"w": np.zeros(4)}, path)
    before = path.read_bytes()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.dirname(os.path.abspath(nn.__file__))),
         os.environ.get("PYTHONPATH", "")]))
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, env=env)
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == b"writing\n"  # the child is inside its save
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()  # reaped: its pid no longer exists
    assert child.returncode == -signal.SIGKILL
    assert path.read_bytes() == before  # the kill left the previous checkpoint whole
    orphans = [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
    assert len(orphans) == 1 and f".{child.pid}." in orphans[0]
    assert os.path.getsize(tmp_path / orphans[0]) > 1 << 20

    nn.save({"w": np.ones(4)}, path)  # the next save to the same path removes the orphan
    assert os.listdir(tmp_path) == ["ckpt.npz"]
    np.testing.assert_array_equal(nn.load(path)["w"], np.ones(4))


@posix_only
def test_temporary_files_of_live_saves_and_other_files_are_left_alone(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                               stdin=subprocess.PIPE)
    try:
        live = f".ckpt.npz.{_atomic._HOST}.{sleeper.pid}.0123abcd.tmp"  # a save in progress
        other_host = f".ckpt.npz.ffffffff.{2**22 + 7}.0123abcd.tmp"  # maybe on a shared disk
        other_file = f".other.npz.{_atomic._HOST}.{2**22 + 7}.0123abcd.tmp"
        mine = f".ckpt.npz.{_atomic._HOST}.{os.getpid()}.0123abcd.tmp"  # another thread's
        for name in (live, other_host, other_file, mine, "notes.tmp"):
            (tmp_path / name).write_bytes(b"x")
        nn.save({"w": np.ones(2)}, tmp_path / "ckpt.npz")
        assert sorted(os.listdir(tmp_path)) == sorted(
            [live, other_host, other_file, mine, "notes.tmp", "ckpt.npz"])
    finally:
        sleeper.kill()
        sleeper.wait()
    nn.save({"w": np.ones(2)}, tmp_path / "ckpt.npz")
    assert live not in os.listdir(tmp_path)  # its process is gone now


# ------------------------------------------------------------------ folders that take no file

def test_a_missing_folder_or_a_folder_as_the_path_names_what_was_asked(tmp_path):
    target = tmp_path / "no" / "ckpt.npz"
    with pytest.raises(FileNotFoundError, match=re.escape(f"cannot write {str(target)!r}: its "
                                                          f"folder {str(target.parent)!r} does "
                                                          "not exist")) as info:
        nn.save({"w": np.ones(2)}, target)
    assert ".tmp" not in str(info.value)  # the temporary file is an internal detail
    with pytest.raises(IsADirectoryError, match="is a folder"):
        nn.save({"w": np.ones(2)}, tmp_path)
    assert os.listdir(tmp_path) == []


@posix_only
def test_a_folder_without_write_permission_names_the_file_being_saved(tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: make creating the temporary file fail
        real_open = _atomic.os.open

        def deny(path, flags, *args):
            if str(path).endswith(".tmp"):
                raise PermissionError(13, "Permission denied", path)
            return real_open(path, flags, *args)

        monkeypatch.setattr(_atomic.os, "open", deny)
    else:
        folder.chmod(0o500)
    try:
        with pytest.raises(PermissionError, match=re.escape(
                f"cannot write {str(folder / 'w.npz')!r}: its folder {str(folder)!r} cannot "
                "take a new file (Permission denied)")):
            nn.save({"w": np.ones(2)}, folder / "w.npz")
    finally:
        folder.chmod(0o700)
    assert os.listdir(folder) == []


# ------------------------------------------------------------------ the Checkpoint callback

@pytest.mark.parametrize("template, match", [
    ("{run}.npz", "has the field {run}; the fields it may use are {epoch}"),
    ("ckpt-{}.npz", "has the field {}"),
    ("ckpt-{0}.npz", "has the field {0}"),
    ("ckpt-{epoch.real}.npz", "has the field {epoch.real}"),
    ("ckpt-{epoch:q}.npz", "does not format"),
    ("ckpt-{epoch.npz", "malformed"),
    ("model.safetensors", "only the .npz format holds"),
    ("model-{epoch}.pt", "only the .npz format holds"),
    ("ckpt-{epoch:{x}}.npz", "a field inside the format spec '{x}'"),  # was KeyError
    ("ckpt-{epoch:{}}.npz", "a field inside the format spec '{}'"),  # was IndexError
    ("ckpt-{epoch:>{epoch}}.npz", "a field inside the format spec"),  # grows with the epoch
    ("ckpt-{epoch:>99999}.npz", "a width or precision over 99"),  # a name no disk takes
    ("ckpt-{epoch:>1000000000}.npz", "a width or precision over 99"),  # was a 1 GB string
    ("ckpt-{epoch:.300f}.npz", "a width or precision over 99"),
    ("ckpt-{epoch:c}.npz", "does not format"),
    ("x" * 250 + "-{epoch}.npz", "makes file or folder names of 265 bytes"),
    ("runs/" + "d" * 256 + "/{epoch}.npz", "names of 256 bytes"),
])
def test_checkpoint_checks_its_path_template_when_made(template, match):
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=re.escape(match)):
            nn.Checkpoint(template)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20  # the check never builds the oversized name


def test_checkpoint_checks_mode_when_made_and_its_folder_before_training(tmp_path):
    with pytest.raises(ValueError, match="mode must be 'min', 'max' or 'auto', got 'best'"):
        nn.Checkpoint(str(tmp_path / "c.npz"), monitor="loss", mode="best")
    from autograd_core import Tensor

    model = nn.Sequential(nn.Linear(2, 1))
    before = {k: v.copy() for k, v in model.state_dict().items()}
    cb = nn.Checkpoint(str(tmp_path / "missing" / "ck-{epoch}.npz"))
    x, y = Tensor(np.ones((4, 2), np.float32)), Tensor(np.zeros((4, 1), np.float32))
    with pytest.raises(FileNotFoundError, match="folder .*missing.* does not exist"):
        nn.fit(model, nn.MSELoss(), optim_sgd(model), nn.DataLoader(x, y, batch_size=2),
               epochs=2, metrics=(), callbacks=[cb], progress=False)
    for k, v in model.state_dict().items():  # refused before an epoch was spent
        np.testing.assert_array_equal(v, before[k])


def test_checkpoint_templates_that_are_fine_still_work(tmp_path):
    from autograd_core import Tensor

    model = nn.Sequential(nn.Linear(2, 1))
    x = Tensor(np.ones((4, 2), np.float32))
    y = Tensor(np.zeros((4, 1), np.float32))
    cb = nn.Checkpoint(str(tmp_path / "ck-{epoch:02d}-{{x}}.npz"))
    nn.fit(model, nn.MSELoss(), optim_sgd(model), nn.DataLoader(x, y, batch_size=2),
           epochs=2, metrics=(), callbacks=[cb], progress=False)
    assert [os.path.basename(p) for p in cb.saved] == ["ck-01-{x}.npz", "ck-02-{x}.npz"]
    assert nn.load(cb.saved[-1])["epoch"] == 2


def optim_sgd(model):
    import optim

    return optim.SGD(model.parameters(), lr=0.1)
