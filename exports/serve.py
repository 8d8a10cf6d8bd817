"""``akhbar serve``: a small static HTTP server for an export directory, made for feed readers.

It sends each file with its feed content type, a strong ETag (a hash of the bytes, so an export that did
not rewrite a feed keeps its ETag), Last-Modified and Cache-Control, and answers conditional requests
(``If-None-Match``, else ``If-Modified-Since``) with 304. Only GET and HEAD; no directory listings; a
directory serves its ``index.html`` if it has one. Paths are resolved and must stay inside the export
directory. It binds to loopback unless another host is asked for.
"""

from __future__ import annotations

import hashlib
import threading
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

CACHE_CONTROL = "public, max-age=300"
CONTENT_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
}
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

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    def _resolve(self) -> Path | None:
        raw = unquote(urlsplit(self.path).path)
        if "\x00" in raw:
            return None
        root = self.server.root
        target = (root / raw.lstrip("/")).resolve()
        if target != root and root not in target.parents:
            return None
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file() or target.name.startswith("."):
            return None
        return target

    def _serve(self, body: bool) -> None:
        path = self._resolve()
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND)
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
            except (TypeError, ValueError):
                return False
            return since.tzinfo is not None and mtime <= since.timestamp()
        return False


class ExportServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one export directory."""

    daemon_threads = True

    def __init__(self, root: Path, address: tuple[str, int], quiet: bool = False) -> None:
        self.root = root.resolve()
        self.quiet = quiet
        self.etags = _ETags()
        super().__init__(address, ExportRequestHandler)


def make_server(out_dir: str | Path, host: str = "127.0.0.1", port: int = 8080, quiet: bool = False) -> ExportServer:
    """A server for ``out_dir`` on ``host:port`` (port 0 picks a free one); call ``serve_forever()``."""
    root = Path(out_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"no export directory at {root}")
    return ExportServer(root, (host, port), quiet=quiet)
