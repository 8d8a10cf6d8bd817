"""Atomic, change-only file writes: readers never see half a file, and unchanged files keep their bytes.

A file is written to a temporary name in its own directory and renamed over the old one (atomic on POSIX
and on Windows for files on the same volume). When the bytes are already there, nothing is written, so
the file's mtime, and the ETag and Last-Modified that ``akhbar serve`` derives from it, stay the same.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

LOCK_FILE = ".akhbar-export.lock"


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds exactly ``data``; True if written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return True


def remove_stale_temporaries(out_dir: Path) -> int:
    """Delete the temporary files a killed export left behind (``.<name>.*.tmp``); call only under the lock."""
    removed = 0
    for stale in out_dir.rglob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
            removed += 1
    return removed


@contextlib.contextmanager
def export_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out_dir`` for one export: a second export waits for the first to finish, so
    neither can mistake the other's temporary files for stale ones."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / LOCK_FILE, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
