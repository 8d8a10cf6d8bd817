"""Serve the bundled demo sites on loopback addresses, one HTTP server per site.

Each site directory under ``sites/`` holds ``site.toml`` (its registry entry, URLs written as ``__BASE__``),
``lastmod.json`` (Last-Modified times) and ``public/`` (the files served as they are). Site *n* in id order
listens on ``127.0.0.<host_base + n>``, so each site has its own host as real sites do.

Serving rules: ``__BASE__`` in text files becomes the site's base URL; ``/a/b/`` and ``/a/b`` serve
``a/b/index.html`` (or ``index.xml``); ``X.gz`` with no such file serves ``X`` gzip-compressed; ETag and
Last-Modified with 304 answers; ``HEAD``; 404 for anything else, including paths escaping the site.

Run ``python -m crawler.demo.server`` to browse or crawl the demo by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import json
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

DEMO_ROOT = Path(__file__).with_name("sites")
PLACEHOLDER = b"__BASE__"
TEXT_SUFFIXES = {".html", ".htm", ".xml", ".txt", ".toml", ".json", ".css", ".js"}
CONTENT_TYPES = {
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".toml": "application/toml",
    ".css": "text/css",
    ".js": "application/javascript",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".gz": "application/x-gzip",
}
INDEX_FILES = ("index.html", "index.xml")
FALLBACK_LAST_MODIFIED = "2024-05-18T00:00:00+00:00"


def site_dirs(root: Path = DEMO_ROOT) -> list[Path]:
    """The demo site directories (those holding a ``site.toml``), sorted by site id."""
    return sorted(p for p in root.iterdir() if (p / "site.toml").is_file())


@dataclass(frozen=True)
class RequestRecord:
    """One request a demo site answered."""

    site: str
    method: str
    path: str
    """The request target as sent (percent-encoded, with any query string)."""
    status: int
    headers: dict[str, str]
    """The request headers."""


@dataclass(frozen=True)
class Resource:
    """A response body ready to send."""

    body: bytes
    content_type: str
    etag: str
    last_modified: datetime


def content_type(name: str, body: bytes) -> str:
    """Content-Type by extension; HTML gets ``charset=utf-8`` only when it is UTF-8 (legacy pages get none)."""
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm"):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return "text/html"
        return "text/html; charset=utf-8"
    if suffix == ".xml":
        head = body[:1024]
        if b"<rss" in head:
            return "application/rss+xml"
        if b"<feed" in head:
            return "application/atom+xml"
        return "application/xml"
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


class DemoSite:
    """The files of one demo site and how a request path maps onto them."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.id = directory.name
        self.public = (directory / "public").resolve()
        self.base_url = ""
        lastmod_path = directory / "lastmod.json"
        data: dict[str, Any] = {}
        if lastmod_path.is_file():
            data = json.loads(lastmod_path.read_text(encoding="utf-8"))
        self._default_lastmod = _parse_iso(data.get("default", FALLBACK_LAST_MODIFIED))
        self._lastmod = {name: _parse_iso(value) for name, value in data.get("files", {}).items()}

    def registry_entry(self) -> str:
        text = (self.directory / "site.toml").read_text(encoding="utf-8")
        return text.replace(PLACEHOLDER.decode(), self.base_url)

    def _file(self, decoded_path: str) -> Path | None:
        """The regular file under ``public/`` named by a decoded URL path, or None."""
        parts = [p for p in decoded_path.split("/") if p]
        if any(p in (".", "..") or p.startswith(".") or "\\" in p or "\x00" in p for p in parts):
            return None
        candidate = self.public.joinpath(*parts)
        candidates = [candidate / name for name in INDEX_FILES] if candidate.is_dir() else [candidate]
        if decoded_path.endswith("/") and not candidate.is_dir():
            return None
        for path in candidates:
            resolved = path.resolve()
            if resolved.is_file() and resolved.is_relative_to(self.public):
                return resolved
        return None

    def resource(self, decoded_path: str) -> Resource | None:
        """The response for a decoded URL path, or None for 404."""
        path = self._file(decoded_path)
        compress = False
        if path is None and decoded_path.endswith(".gz"):
            path = self._file(decoded_path.removesuffix(".gz"))
            compress = path is not None
        if path is None:
            return None
        body = path.read_bytes()
        if path.suffix.lower() in TEXT_SUFFIXES:
            body = body.replace(PLACEHOLDER, self.base_url.encode("ascii"))
        ctype = content_type(path.name, body)
        if compress:
            body = gzip.compress(body, mtime=0)
            ctype = CONTENT_TYPES[".gz"]
        rel = path.relative_to(self.public).as_posix()
        return Resource(
            body=body,
            content_type=ctype,
            etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            last_modified=self._lastmod.get(rel, self._default_lastmod),
        )


def _parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC).replace(microsecond=0)


def _not_modified(headers: Any, resource: Resource) -> bool:
    """Conditional GET: If-None-Match wins over If-Modified-Since (RFC 9110 section 13.2.2)."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or resource.etag in tags
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return resource.last_modified <= since
    return False


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    protocol_version = "HTTP/1.1"
    server_version = "AkhbarDemo/1.0"
    # Idle keep-alive connections are dropped after this many seconds so stop() is not held up.
    timeout = 10

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        site = self.server.site
        try:
            decoded = unquote(urlsplit(self.path).path, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            decoded = ""
        resource = site.resource(decoded) if decoded.startswith("/") else None
        status = 404 if resource is None else 304 if _not_modified(self.headers, resource) else 200
        # Recorded before answering, so that a client that has its answer always finds its request counted.
        self.server.record(RequestRecord(site.id, self.command, self.path, status, dict(self.headers.items())))
        if resource is None:
            self._send(404, b"<!doctype html><title>404</title><h1>404 Not Found</h1>\n",
                       "text/html; charset=utf-8", {}, head)  # fmt: skip
            return
        extra = {"ETag": resource.etag, "Last-Modified": format_datetime(resource.last_modified, usegmt=True)}
        if status == 304:
            self.send_response(304)
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
        else:
            self._send(200, resource.body, resource.content_type, extra, head)

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str], head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default access log on stderr; requests are recorded in ``DemoServer.requests``."""


class LoopbackServer(ThreadingHTTPServer):
    """A threaded test server that drops its idle keep-alive connections when it stops (so that a held-open
    connection never outlives it) and stays quiet when a client hangs up. The demo sites and the tests' own
    sites are built on it."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        """End idle keep-alive connections so their handler threads finish now, not at the idle timeout."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-response is normal for a crawler; anything else is a bug worth seeing."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _SiteServer(LoopbackServer):
    def __init__(self, address: tuple[str, int], site: DemoSite,
                 record: Callable[[RequestRecord], None]) -> None:  # fmt: skip
        self.site = site
        self.record = record
        super().__init__(address, _Handler)


class DemoServer:
    """Serves the bundled demo sites, one ThreadingHTTPServer per site on its own loopback address."""

    def __init__(self, root: Path = DEMO_ROOT, host_base: int = 11, port: int = 0) -> None:
        self.root = Path(root)
        self.host_base = host_base
        self.port = port
        self.sites = [DemoSite(d) for d in site_dirs(self.root)]
        if not self.sites:
            raise ValueError(f"no demo sites (directories with site.toml) under {self.root}")
        if host_base < 1 or host_base + len(self.sites) > 255:
            raise ValueError(f"host_base {host_base} leaves no room for {len(self.sites)} addresses")
        self.base_urls: dict[str, str] = {}
        """Site id -> ``http://127.0.0.N:PORT`` (no trailing slash), filled by start()."""
        self.requests: list[RequestRecord] = []
        """Every request answered, in arrival order."""
        self._lock = threading.Lock()
        self._servers: list[_SiteServer] = []
        self._threads: list[threading.Thread] = []

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self.requests.append(record)

    def start(self) -> None:
        if self._servers:
            raise RuntimeError("DemoServer already started")
        try:
            for offset, site in enumerate(self.sites):
                host = f"127.0.0.{self.host_base + offset}"
                server = _SiteServer((host, self.port), site, self._record)
                self._servers.append(server)
                site.base_url = f"http://{host}:{server.server_address[1]}"
                self.base_urls[site.id] = site.base_url
                thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                          name=f"demo-{site.id}", daemon=True)
                thread.start()
                self._threads.append(thread)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop serving and close the listening sockets (idempotent)."""
        for server, thread in zip(self._servers, self._threads, strict=False):
            server.shutdown()
            thread.join()
        for server in self._servers:
            server.drop_connections()
            server.server_close()
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def registry_toml(self) -> str:
        """The ``[[sites]]`` entries of all demo sites, ``__BASE__`` replaced by their base URLs."""
        if not self.base_urls:
            raise RuntimeError("start the DemoServer before asking for its registry")
        # ``demo = true``: the demo's own registry, the only one whose ids may start with ``demo-``.
        header = "# Akhbar demo sites, served by crawler.demo.server.\ndemo = true\n\n"
        return header + "\n".join(site.registry_entry() for site in self.sites)

    def write_registry(self, path: Path) -> Path:
        path = Path(path)
        path.write_text(self.registry_toml(), encoding="utf-8")
        return path


def serve_forever_cli(argv: list[str] | None = None) -> int:
    """``python -m crawler.demo.server``: serve the demo sites until Ctrl-C, printing their URLs."""
    parser = argparse.ArgumentParser(prog="python -m crawler.demo.server",
                                     description="Serve the bundled Akhbar demo sites on loopback.")
    parser.add_argument("--host-base", type=int, default=11, help="last octet of the first site's address")
    parser.add_argument("--port", type=int, default=8080, help="port of every site (0: any free port)")
    parser.add_argument("--registry", type=Path, help="write the demo registry TOML to this file")
    args = parser.parse_args(argv)
    server = DemoServer(host_base=args.host_base, port=args.port)
    server.start()
    try:
        for site_id, url in server.base_urls.items():
            print(f"{site_id:12} {url}/")
        if args.registry:
            print(f"registry     {server.write_registry(args.registry)}")
        print("Ctrl-C to stop.", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(serve_forever_cli())
