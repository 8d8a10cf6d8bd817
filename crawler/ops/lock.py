"""The run lock: at most one ``akhbar run`` per archive at a time.

The lock is an ``fcntl.flock`` on ``<db>.lock`` next to the database. The kernel releases it when the holding
process exits, however it exits, so a crashed run never leaves a stale lock behind; the file itself stays and
only records who holds it (pid and start time) for the message the next run prints.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

EX_TEMPFAIL = 75
"""sysexits.h: temporary failure, try again later. What a second run exits with."""


@dataclass(frozen=True)
class LockHolder:
    """Who holds the lock, as written in the lock file."""

    pid: int | None
    started: str | None


class LockError(OSError):
    """The lock file cannot be created or written (a full disk, a read-only directory)."""


class LockHeld(RuntimeError):
    """Another process holds the run lock."""

    def __init__(self, path: Path, holder: LockHolder) -> None:
        self.path = path
        self.holder = holder
        pid = holder.pid if holder.pid is not None else "?"
        started = holder.started or "at an unknown time"
        super().__init__(f"another akhbar run (pid {pid}, started {started}) holds {path}")


def lock_path(db: str | os.PathLike[str]) -> Path:
    """``<db>.lock``: the lock file of an archive."""
    path = Path(db)
    return path.with_name(path.name + ".lock")


def read_holder(path: Path) -> LockHolder:
    """The pid and start time recorded in a lock file (None for what cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return LockHolder(None, None)
    values = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    pid = values.get("pid", "")
    return LockHolder(int(pid) if pid.isdigit() else None, values.get("started") or None)


class RunLock:
    """An exclusive, non-blocking lock on ``path``; ``acquire`` raises ``LockHeld`` when it is taken."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LockError(f"cannot create the run lock {self.path}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockHeld(self.path, read_holder(self.path)) from None
        started = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid={os.getpid()}\nstarted={started}\n".encode(), 0)
            os.fsync(fd)
        except OSError as exc:  # a full disk: the lock is taken, its record cannot be written
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise LockError(f"cannot write the run lock {self.path}: {exc.strerror or exc}") from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)  # the record goes first: whoever reads it next must not see a stale holder
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


@contextmanager
def run_lock(db: str | os.PathLike[str]) -> Iterator[RunLock]:
    """Hold the run lock of archive ``db`` for the duration of the block."""
    with RunLock(lock_path(db)) as lock:
        yield lock
