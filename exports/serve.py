"""``akhbar serve``: a small static HTTP server for an export directory, made for feed readers.

It sends each file with its feed content type, a strong ETag (a hash of the bytes, so an export that did
not rewrite a feed keeps its ETag), Last-Modified and Cache-Control, and answers conditional requests
(``If-None-Match``, else ``If-Modified-Since``) with 304. Only GET and HEAD; no directory listings; a
directory serves its ``index.html`` if it has one. Paths are resolved and must stay inside the export
directory, and no path with a segment starting with "." is served (``/.git/config``). It binds to loopback
unless another host is asked for.

It is made to survive what the open internet sends: a malformed request gets 400, an overlong one 414, an
unreadable date header counts as absent, a client that stops sending is dropped after ``REQUEST_TIMEOUT``
seconds, and beyond ``MAX_CONNECTIONS`` connections at once the next ones get 503 at once. None of it prints
a traceback. For production, nginx serving the directory is the better tool: see ``deploy/nginx.conf``.
"""

from __future__ import annotations

import hashlib
import socket
import sys
import threading
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from exports.formats import FORMATS

CACHE_CONTROL = "public, max-age=300"
REQUEST_TIMEOUT = 20.0
"""Seconds a connection may stay silent (a request half sent, a response not read) before it is closed."""
MAX_CONNECTIONS = 64
"""Connections served at once, one thread each; the next ones are answered 503."""
MAX_TARGET = 2048
"""Characters of a request target (path and query); longer ones are answered 414."""
MAX_SEGMENT = 255
"""Bytes of one path segment, the longest file name Linux file systems allow; longer ones are answered 414."""
_BUSY = (
    b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 12\r\nConnection: close\r\n\r\nserver busy\n"
)
CONTENT_TYPES = {f.file_name: f.content_type for f in FORMATS}
"""A feed's files by name: each format's own media type (``.xml`` alone would say only XML)."""
SUFFIX_TYPES = {
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
}


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.name) or SUFFIX_TYPES.get(path.suffix, "application/octet-stream")


class _ETags:
    """ETags by file identity (inode, size, mtime), so a file is hashed once per version."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[Path, tuple[tuple[int, int, int], str]] = {}

    def get(self, path: Path, data: bytes, identity: tuple[int, int, int]) -> str:
        with self._lock:
            known = self._known.get(path)
            if known and known[0] == identity:
                return known[1]
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        with self._lock:
            self._known[path] = (identity, etag)
        return etag


class ExportRequestHandler(BaseHTTPRequestHandler):
    """Serves files of ``server.root`` (an ``ExportServer``)."""

    server: ExportServer
    server_version = "akhbar-serve"
    # Errors about a request line too broken to name a version still get a status line and headers.
    default_request_version = "HTTP/1.0"

    def setup(self) -> None:
        super().setup()
        # Every read and write then gives up after this long: a stalled client frees its thread.
        self.connection.settimeout(self.server.request_timeout)

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if len(self.requestline.split()) != 3:  # HTTP/0.9: no version, no headers
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request syntax")
            return False
        if len(self.path) > MAX_TARGET:
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
            return False
        return True

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    def _resolve(self) -> Path | HTTPStatus:
        """The file the request names, or the status that answers it."""
        try:
            target = urlsplit(self.path)
        except ValueError:  # an absolute-form target with a broken host ("http://[::1/")
            return HTTPStatus.BAD_REQUEST
        if not target.path.startswith("/") or (target.scheme and target.scheme not in ("http", "https")):
            return HTTPStatus.BAD_REQUEST
        raw = unquote(target.path, errors="replace")
        segments = [s for s in raw.split("/") if s]
        if "\x00" in raw or any(s.startswith(".") for s in segments):
            return HTTPStatus.NOT_FOUND
        if any(len(s.encode("utf-8", "replace")) > MAX_SEGMENT for s in segments):
            return HTTPStatus.REQUEST_URI_TOO_LONG
        root = self.server.root
        try:
            resolved = root.joinpath(*segments).resolve()
            if resolved != root and root not in resolved.parents:
                return HTTPStatus.NOT_FOUND
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file() or resolved.name.startswith("."):
                return HTTPStatus.NOT_FOUND
        except (OSError, RuntimeError):  # ENAMETOOLONG, EACCES, …; a symlink loop is a RuntimeError
            return HTTPStatus.NOT_FOUND
        return resolved

    def _serve(self, body: bool) -> None:
        path = self._resolve()
        if isinstance(path, HTTPStatus):
            self.send_error(path)
            return
        try:
            # Read, then stat the open file: an export renames files over old ones, never edits them in place.
            with path.open("rb") as handle:
                data = handle.read()
                stat = path.stat()
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        etag = self.server.etags.get(path, data, (stat.st_ino, stat.st_size, stat.st_mtime_ns))
        last_modified = formatdate(int(stat.st_mtime), usegmt=True)
        headers = {
            "ETag": etag,
            "Last-Modified": last_modified,
            "Cache-Control": CACHE_CONTROL,
            "X-Content-Type-Options": "nosniff",
        }
        if self._not_modified(etag, int(stat.st_mtime)):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type(path))
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            # RFC 9110: If-None-Match wins over If-Modified-Since; compare weakly.
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError, OverflowError, IndexError):
                return False  # unreadable (a year 99999, a 30-digit hour): as if absent
            return since.tzinfo is not None and mtime <= since.timestamp()
        return False


class ExportServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one export directory, with at most ``max_connections`` threads."""

    daemon_threads = True

    def __init__(
        self,
        root: Path,
        address: tuple[str, int],
        quiet: bool = False,
        *,
        request_timeout: float = REQUEST_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self.root = root.resolve()
        self.quiet = quiet
        self.etags = _ETags()
        self.request_timeout = request_timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, ExportRequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()  # no thread was started to give it back
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request: socket.socket) -> None:
        """Answer 503 from the accepting thread, which must not wait on a client."""
        try:
            request.settimeout(0)
            request.send(_BUSY)
            # Closing with the request unread would reset the connection, and the client could lose the 503.
            request.recv(65536)
        except OSError:
            pass
        self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away or stalled is routine: one log line at most, never a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            if not self.quiet:
                sys.stderr.write(f"{client_address[0]} - connection dropped: {error!r}\n")
            return
        super().handle_error(request, client_address)


def make_server(
    out_dir: str | Path,
    host: str = "127.0.0.1",
    port: int = 8080,
    quiet: bool = False,
    *,
    request_timeout: float = REQUEST_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
) -> ExportServer:
    """A server for ``out_dir`` on ``host:port`` (port 0 picks a free one); call ``serve_forever()``."""
    root = Path(out_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"no export directory at {root}")
    return ExportServer(
        root, (host, port), quiet=quiet, request_timeout=request_timeout, max_connections=max_connections
    )
