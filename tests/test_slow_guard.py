"""The guard behind `make unit`: a test that starts a process or a server must be marked ``slow``."""

from __future__ import annotations

import multiprocessing
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from multiprocessing.process import BaseProcess

import pytest

from tests.conftest import ProcessGuard

pytest_plugins = ["pytester"]

STARTS: dict[str, Callable[[], object]] = {
    "starts a subprocess": lambda: subprocess.run([sys.executable, "-c", "pass"], check=False),
    "calls os.fork": lambda: os.fork(),  # a lambda: the guard patches os.fork, a reference would bypass it
    "calls os.posix_spawn": lambda: os.posix_spawn(sys.executable, [sys.executable, "-c", "pass"], os.environ),
    "starts a multiprocessing process": lambda: multiprocessing.get_context("spawn").Process(target=print).start(),
}


@pytest.mark.parametrize("what", STARTS)
def test_the_guard_refuses_every_way_to_start_a_process(what: str) -> None:
    refused = pytest.raises(pytest.fail.Exception, match=f"^t.py::t is not marked slow but {what}: mark it")
    with ProcessGuard("t.py::t") as guard, refused:
        STARTS[what]()
    assert guard.caught == [what]


def test_the_guard_refuses_a_listening_socket_and_allows_a_bound_one() -> None:
    with ProcessGuard("t.py::t") as guard, socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # picking a free port starts nothing
        with pytest.raises(pytest.fail.Exception, match="listens on a socket"):
            sock.listen()
    assert guard.caught == ["listens on a socket (a server)"]


def guarded() -> tuple[object, ...]:
    return subprocess.Popen.__init__, os.fork, os.posix_spawn, socket.socket.listen, BaseProcess.start


def test_the_guard_puts_everything_back() -> None:
    before = guarded()
    with ProcessGuard("t.py::t"):
        assert all(now is not then for now, then in zip(guarded(), before, strict=True))
    assert guarded() == before


def test_this_unmarked_test_runs_under_the_guard() -> None:
    assert all(getattr(f, "__name__", "") == "refused" for f in guarded())


def test_the_slow_mark_is_registered_and_a_misspelt_mark_is_an_error(pytestconfig: pytest.Config) -> None:
    assert any(line.startswith("slow:") for line in pytestconfig.getini("markers"))
    assert "--strict-markers" in pytestconfig.getini("addopts")


INNER = """
import subprocess, sys
import pytest

RUN = [sys.executable, "-c", "pass"]


@pytest.fixture(scope="module")
def server():
    subprocess.run(RUN, check=True)


def test_unmarked():
    subprocess.run(RUN, check=True)


def test_unmarked_that_swallows_the_failure():
    try:
        subprocess.run(RUN, check=True)
    except BaseException:
        pass


def test_unmarked_with_a_module_server(server):
    pass


@pytest.mark.slow
def test_marked():
    subprocess.run(RUN, check=True)


def test_pure():
    assert sum([1, 2]) == 3
"""


@pytest.mark.slow  # its marked inner test starts a process, as it must be allowed to
def test_in_a_run_unmarked_tests_that_start_a_process_fail_and_marked_ones_pass(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        "from tests.conftest import pytest_runtest_call, pytest_runtest_setup, pytest_runtest_teardown"
    )
    pytester.makeini("[pytest]\nmarkers =\n    slow: starts a process or a server\n")
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=2, failed=2, errors=1)
    result.stdout.fnmatch_lines(["*test_inner.py::test_unmarked is not marked slow but starts a subprocess: mark it*"])
    assert "test_unmarked_that_swallows_the_failure is not marked slow" in result.stdout.str()
    assert "test_unmarked_with_a_module_server is not marked slow" in result.stdout.str()
    unmarked_only = pytester.runpytest("-q", "-m", "not slow")
    unmarked_only.assert_outcomes(passed=1, failed=2, errors=1, deselected=1)
