"""An operator's mistake on the terminal: one line naming the file or the value and what to do, and an exit code.

Every ``akhbar`` command runs inside :class:`AkhbarGroup`, which turns what a mistake or a refusing machine
raises (a file that is not an archive, a folder that cannot hold one, a port in use, a Redis that does not
answer, a bad option) into one ``Error: …`` line on stderr. The exit codes (README, docs/operations.md):

- 2 (:data:`EXIT_CONFIG`): the command line, an environment variable or a file it names is wrong; fix the
  invocation. A bad option value, an unknown site, a broken registry, a ``--db`` that is not an Akhbar archive
  or where none can be created.
- 1 (:data:`EXIT_FAILED`): the invocation is right but the command could not do its work: no archive yet, a
  busy or full disk, a Redis that does not answer, a port another server holds, a crawl that did not finish.

Anything else is a bug: it too is one line, exit 1, naming the exception. ``akhbar --debug`` (or
``AKHBAR_DEBUG=1``) shows Python's traceback instead, for every error.
"""

from __future__ import annotations

import errno
import os
import socket
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from crawler.cli.options import EXIT_CONFIG, RegistryProblems
from crawler.registry import RegistryError

EXIT_FAILED = 1
"""Exit code of a command that could not do its work although it was invoked right."""

DEBUG_KEY = "akhbar.debug"
INVOKED_KEY = "akhbar.invoked"


class OperatorError(click.ClickException):
    """One line on stderr (``Error: …``) and exit 1: a command that could not do its work."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))  # one line, whatever the exception's text held


class ConfigurationError(OperatorError):
    """One line on stderr and exit 2: the command line, an environment variable or a file it names is wrong."""

    exit_code = EXIT_CONFIG


def _error(message: str, exit_code: int = EXIT_FAILED) -> OperatorError:
    return ConfigurationError(message) if exit_code == EXIT_CONFIG else OperatorError(message)


def _archive_error(exc: sqlite3.Error, db: str | None) -> OperatorError:
    reason = str(exc) or type(exc).__name__
    name = db or "the archive"
    text = reason.lower()
    restore = "restore it from a copy made by `akhbar backup`, or move it away to start a new archive"
    if "not a database" in text or "encrypted" in text:
        return _error(f"{name} is not an Akhbar archive ({reason}); {restore}", EXIT_CONFIG)
    if "malformed" in text or "corrupt" in text:
        return _error(f"{name} is damaged ({reason}); {restore}", EXIT_CONFIG)
    if "no such table" in text or "no such column" in text:
        return _error(
            f"{name} is not an Akhbar archive ({reason}); check --db (or AKHBAR_DB), or run `akhbar crawl` "
            "to make one there",
            EXIT_CONFIG,
        )
    if "unable to open" in text:
        return _error(
            f"cannot open the archive {name} ({reason}): check that its folder exists and may be written, "
            "or choose another --db",
            EXIT_CONFIG,
        )
    if "readonly" in text or "read-only" in text:
        return _error(
            f"cannot write the archive {name} ({reason}): check the permissions of the file and its folder, "
            "or choose another --db",
            EXIT_CONFIG,
        )
    if "full" in text:
        return _error(f"cannot write the archive {name} ({reason}): free some space on its disk and run again")
    if "locked" in text or "busy" in text:
        return _error(f"the archive {name} is busy ({reason}): another process is writing it; try again")
    return _error(f"the archive {name} failed ({reason})")


def _listen_error(exc: OSError, params: Mapping[str, Any]) -> OperatorError:
    host, port = params.get("host") or "the host", params.get("port")
    where = f"{host}:{port}" if port is not None else str(host)
    if exc.errno == errno.EADDRINUSE:
        return _error(
            f"cannot listen on {where}: the address is already in use (another `akhbar serve`?); stop that "
            "server or choose another --port"
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _error(
            f"cannot listen on {where}: permission denied (ports below 1024 need privileges); choose another --port",
            EXIT_CONFIG,
        )
    return _error(f"cannot listen on {where} ({exc.strerror or exc}); choose another --host", EXIT_CONFIG)


_PATH_ERRNOS_CONFIG = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EEXIST}


_PLACES = (("db", "the archive", "--db"), ("out", "the feed directory", "--out"))
"""The commands' parameters naming a place on disk: an error on a file in or above one names the option."""


def _related(place: str, filename: object) -> bool:
    """True when ``filename`` is ``place``, one of its folders, or a file under it."""
    try:
        target, other = Path(place).absolute(), Path(os.fsdecode(filename)).absolute()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return other == target or other in target.parents or target in other.parents


def _os_error(exc: OSError, params: Mapping[str, Any]) -> OperatorError:
    if isinstance(exc, socket.gaierror) or exc.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL):
        return _listen_error(exc, params)
    if exc.filename is None and exc.errno in (errno.EACCES, errno.EPERM) and "port" in params:
        return _listen_error(exc, params)
    reason = exc.strerror or str(exc)
    if exc.filename is None:
        return _error(reason)
    path = exc.filename if exc.filename2 is None else f"{exc.filename} -> {exc.filename2}"
    code = EXIT_CONFIG if exc.errno in _PATH_ERRNOS_CONFIG else EXIT_FAILED
    todo = "free some space and run again" if exc.errno == errno.ENOSPC else None
    for key, what, option in _PLACES:
        if (value := params.get(key)) and _related(str(value), exc.filename):
            where = "" if str(exc.filename) == str(value) else f" ({path})"
            return _error(f"cannot write {what} {value}{where}: {reason}; {todo or f'choose another {option}'}", code)
    if todo:
        return _error(f"cannot write {path}: {reason}; {todo}", code)
    if code == EXIT_CONFIG:
        return _error(f"{path}: {reason}; check the path and its permissions, or choose another", code)
    return _error(f"{path}: {reason}")


def _redis_error(exc: Exception, params: Mapping[str, Any]) -> OperatorError:
    url = params.get("redis_url") or "the Redis server"
    if type(exc).__name__ in ("ConnectionError", "TimeoutError", "BusyLoadingError"):
        return _error(f"cannot reach Redis at {url}: {exc}")
    return _error(f"Redis at {url} failed: {exc}")


def explain(exc: Exception, params: Mapping[str, Any]) -> click.ClickException:
    """The one line (and exit code) an exception raised by a command comes to; ``params`` are the command's."""
    if isinstance(exc, RegistryError):
        return RegistryProblems(exc)
    if isinstance(exc, sqlite3.Error):
        return _archive_error(exc, params.get("db"))
    if type(exc).__module__.split(".")[0] == "redis":
        return _redis_error(exc, params)
    if isinstance(exc, OSError):
        return _os_error(exc, params)
    return _error(
        f"unexpected {type(exc).__name__}: {exc}; run again with `akhbar --debug` for the traceback, and report it"
    )


class AkhbarGroup(click.Group):
    """The ``akhbar`` group: a command's failure is one line and an exit code, its traceback only with --debug.

    Usage errors (a bad option value, a missing argument) are one line too; those that are not about one value
    end with where the help is.
    """

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        ctx.meta[INVOKED_KEY] = (name, command, list(rest))
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if ctx.meta.get(DEBUG_KEY):
                raise
            message = exc.format_message()
            # A bad value's line says what is wrong with it; a missing or unknown one needs the help.
            if not isinstance(exc, click.BadParameter) or isinstance(exc, click.MissingParameter):
                where = exc.ctx.command_path if exc.ctx is not None else ctx.command_path
                message += f" (see `{where} --help`)"
            raise ConfigurationError(message) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if ctx.meta.get(DEBUG_KEY):
                raise
            raise explain(exc, self._params(ctx)) from exc

    @staticmethod
    def _params(ctx: click.Context) -> Mapping[str, Any]:
        """The failed command's parameters, parsed again from its arguments (without callbacks or prompts)."""
        name, command, rest = ctx.meta.get(INVOKED_KEY, (None, None, []))
        if command is None:
            return {}
        try:
            with command.make_context(name, list(rest), parent=ctx, resilient_parsing=True) as sub:
                return dict(sub.params)
        except Exception:
            return {}
