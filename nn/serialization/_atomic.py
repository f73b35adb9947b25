"""Writing a file so that readers see the old content or the new, never half of it.

The content goes to a temporary file in the target's folder, is flushed to disk, and is renamed
over the target. The temporary file is created like `open(path, "w")` would create the target
(mode 0o666 less the umask); when the target exists, its permission bits are copied, so a
0600 checkpoint stays 0600. A path that is a symbolic link is written through: the link stays
and its target gets the new content, as `open(path, "wb")` (and so `torch.save`, `np.save`)
would do. A missing folder, one that takes no new file, or a folder given as the path raises
the usual OSError subclass, naming the file being saved rather than the temporary one.

A save killed with SIGKILL cannot remove its temporary file. The name records the host and the
process id (``.<name>.<host hash>.<pid>.<random>.tmp``), so the next save to the same path
removes the ones whose process no longer exists on this host, and never one that a running
save is still writing.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import socket
import stat
from collections.abc import Callable
from typing import BinaryIO

_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _process_exists(pid: int) -> bool:
    """Whether `pid` is a live process here; when in doubt, yes (the file is then kept)."""
    if os.name != "posix":
        return True  # no signal 0 to ask with
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, as another user
        return True
    return True


def remove_stale_temporaries(folder: str, base: str) -> list[str]:
    """Delete temporary files left by killed saves to `folder/base`; return their paths."""
    pattern = re.compile(rf"\.{re.escape(base)}\.([0-9a-f]{{8}})\.([0-9]+)\.[0-9a-f]{{8}}\.tmp")
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m is None or m.group(1) != _HOST:
            continue
        pid = int(m.group(2))
        if pid == os.getpid() or _process_exists(pid):
            continue  # maybe a save in progress (another thread or process)
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(entry.path)
        except OSError:
            pass
    return removed


def _resolve(target: str) -> str:
    """The file to replace: `target`, or what it links to (a dangling link's target is created)."""
    real = os.path.realpath(target)
    if os.path.islink(real):
        raise OSError(f"save: {target!r} is a symbolic link that leads back to itself")
    return real


def write_atomically(target: str, write: Callable[[BinaryIO], None]) -> None:
    """Call `write(f)` on a temporary file, then rename it over `target` (see the docstring)."""
    real = _resolve(target)
    if os.path.isdir(real):
        raise IsADirectoryError(errno.EISDIR, f"save: {target!r} is a folder; give a file path "
                                "such as 'ckpt.npz'")
    folder, base = os.path.split(real)
    remove_stale_temporaries(folder, base)
    tmp = os.path.join(folder, f".{base}.{_HOST}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(tmp, flags, 0o666)  # the umask applies, as for any new file
    except OSError as e:  # name the file being saved, not the temporary one
        why = "does not exist" if isinstance(e, FileNotFoundError) else \
            f"cannot take a new file ({e.strerror})"
        raise type(e)(e.errno, f"save: cannot write {target!r}: its folder {folder!r} "
                      f"{why}") from None
    f = os.fdopen(fd, "wb")
    try:
        with f:
            try:
                mode = stat.S_IMODE(os.stat(real).st_mode)
            except FileNotFoundError:
                mode = None
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), mode)
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, real)  # atomic: readers see the old file or the new one, never half
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_folder(folder)


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
