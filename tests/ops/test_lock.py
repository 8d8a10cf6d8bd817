"""The run lock: a second holder is refused with who holds it, and a dead holder never leaves it stuck."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawler.ops.lock import EX_TEMPFAIL, LockHeld, RunLock, lock_path, read_holder, run_lock

HOLD = """
import sys
from crawler.cli.ops import exclusive_run
with exclusive_run(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.readline()
"""


def holder(db: Path) -> subprocess.Popen[str]:
    """A process holding the lock of ``db`` until its stdin is closed; returns once it holds it."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held", process.stderr.read() if process.stderr else ""
    return process


def test_lock_file_sits_next_to_the_database(tmp_path: Path) -> None:
    assert lock_path(tmp_path / "akhbar.db") == tmp_path / "akhbar.db.lock"


def test_second_lock_in_the_same_process_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "akhbar.db"
    with run_lock(db):
        holder_info = read_holder(lock_path(db))
        with pytest.raises(LockHeld) as refused:
            RunLock(lock_path(db)).acquire()
    assert holder_info.pid is not None and holder_info.started
    message = str(refused.value)
    assert message.startswith(f"another akhbar run (pid {holder_info.pid}, started {holder_info.started}) holds")
    assert str(lock_path(db)) in message
    with run_lock(db):  # released: free again
        pass


@pytest.mark.slow
def test_second_run_exits_75_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "akhbar.db"
    first = holder(db)
    try:
        second = subprocess.run([sys.executable, "-c", HOLD, str(db)], input="", capture_output=True, text=True,
                                timeout=120, check=False)  # fmt: skip
    finally:
        assert first.stdin is not None
        first.stdin.close()
        first.wait(timeout=60)
    assert second.returncode == EX_TEMPFAIL
    assert f"another akhbar run (pid {first.pid}, started " in second.stderr
    assert str(lock_path(db)) in second.stderr
    assert "held" not in second.stdout


@pytest.mark.slow
def test_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    db = tmp_path / "akhbar.db"
    first = holder(db)
    first.kill()
    first.wait(timeout=60)
    with run_lock(db) as lock:
        assert lock.held
