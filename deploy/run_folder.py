"""deploy/serve's run folder (pid, config, socket, temp files, stored replies), and the stale ones.

Each stack's folder is ``$TMPDIR/mlp-serve-*`` (``/tmp`` when TMPDIR is unset),
with a lock file its deploy/serve holds (flock) for as long as it runs. A
deploy/serve killed outright (``kill -9``) cannot remove its folder, but the
kernel drops its lock: the next deploy/serve removes every such folder of the
same user at start. The lock file holds the pid once it is locked, so a folder
being created right now (unlocked, empty lock file) is never taken for stale.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "mlp-serve-"
LOCK = "serve.lock"


class RunFolderError(OSError):
    """No run folder can be made; ``str()`` is the one line to print."""


def base() -> Path:
    """Where run folders go: $TMPDIR when set (as the user said, never another place), else /tmp."""
    return Path(os.environ.get("TMPDIR") or "/tmp")


def create() -> tuple[Path, int]:
    """A fresh run folder and the descriptor of its held lock (closed: the lock goes with it)."""
    where = base()
    try:
        run = Path(tempfile.mkdtemp(prefix=PREFIX, dir=where))
    except OSError as exc:
        named = "TMPDIR's " if os.environ.get("TMPDIR") else ""
        raise RunFolderError(f"cannot make a run folder in {named}{where} ({exc.strerror or exc}): "
                             f"set TMPDIR to a folder this user can write to") from None
    lock = os.open(run / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    # A cleaner may hold it for a moment, sees the empty file and leaves it: then it is ours.
    fcntl.flock(lock, fcntl.LOCK_EX)
    os.write(lock, f"{os.getpid()}\n".encode())
    return run, lock


def remove_stale() -> list[Path]:
    """Remove this user's run folders whose deploy/serve is gone (their lock is free); the ones removed."""
    removed = []
    try:
        candidates = list(base().glob(f"{PREFIX}*"))
    except OSError:
        return removed
    for folder in candidates:
        try:
            info = folder.lstat()
            if folder.is_symlink() or not folder.is_dir() or info.st_uid != os.getuid():
                continue
            fd = os.open(folder / LOCK, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue  # no lock file: not ours to judge (or being created)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                continue  # held: that stack is running
            if not os.read(fd, 32).strip():
                continue  # its deploy/serve has not locked it yet
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        finally:
            os.close(fd)
    return removed
