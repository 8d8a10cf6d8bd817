"""deploy/nginx.conf in a real nginx on 127.0.0.1, serving a real export: content types, validators and 304s,
no dot paths, no listings, GET and HEAD only, overlong requests refused.

Skipped where nginx is not installed, unless AKHBAR_REQUIRE_NGINX is set (.ci/run sets it and installs the
Debian package), so that CI cannot pass without running it.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FeedArchive
from feedrules import SERVED_TYPES

from exports.writer import export_feeds
from tests.processes import stop

SITE_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


@dataclass
class Nginx:
    port: int
    root: Path

    def request(self, method: str, path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, headers={k.replace("_", "-"): v for k, v in headers.items()})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()


def nginx_binary() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def site_config(root: Path, port: int) -> str:
    """deploy/nginx.conf with its root and listen addresses moved to the test's."""
    text = SITE_CONF.read_text(encoding="utf-8")
    for old, new in (
        ("    root /var/www/akhbar/feeds;\n", f"    root {root};\n"),
        ("    listen 80;\n", f"    listen 127.0.0.1:{port};\n"),
        ("    listen [::]:80;\n", ""),
    ):
        assert text.count(old) == 1, f"deploy/nginx.conf no longer has {old.strip()!r}: update this test"
        text = text.replace(old, new)
    return text


def main_config(work: Path, site: Path) -> str:
    """An nginx.conf of the test's own: every path it writes is under ``work``."""
    # Workers of a root master run as nobody, who cannot enter pytest's private temporary directory.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    temp = "".join(
        f"    {kind}_temp_path {work / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\npid {work / 'nginx.pid'};\nerror_log {work / 'error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n    access_log {work / 'access.log'};\n{temp}    include {site};\n}}\n"
    )


@pytest.fixture
def nginx(feed_archive: FeedArchive, tmp_path: Path) -> Iterator[Nginx]:
    binary = nginx_binary()
    if binary is None:
        if os.environ.get("AKHBAR_REQUIRE_NGINX"):
            pytest.fail("AKHBAR_REQUIRE_NGINX is set but nginx is not installed (Debian package nginx)")
        pytest.skip("nginx is not installed (Debian package nginx; .ci/run installs it)")
    feed_archive.add_article("humanvoice", category="سياسة")
    root = tmp_path / "feeds"
    export_feeds(feed_archive.path, root)
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n")
    work = tmp_path / "nginx"
    work.mkdir()
    port = free_port()
    site = work / "akhbar.conf"
    site.write_text(site_config(root, port), encoding="utf-8")
    conf = work / "nginx.conf"
    conf.write_text(main_config(work, site), encoding="utf-8")
    log = work / "stderr.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [binary, "-p", str(work), "-e", str(work / "error.log"), "-c", str(conf), "-g", "daemon off;"],
            stdin=subprocess.DEVNULL,
            stdout=stderr,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                errors = log.read_text(errors="replace") + (work / "error.log").read_text(errors="replace")
                pytest.fail(f"nginx exited with {process.returncode}: {errors[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("nginx did not listen within 10 s")
                time.sleep(0.05)
        warnings = [line for line in (work / "error.log").read_text().splitlines() if "[warn]" in line]
        assert warnings == [], "nginx warns about deploy/nginx.conf"
        yield Nginx(port, root)
    finally:
        stop(process)


@pytest.mark.parametrize(("path", "expected"), SERVED_TYPES)
def test_feeds_are_served_with_their_content_types(nginx: Nginx, path: str, expected: str) -> None:
    response, body = nginx.request("GET", path)
    assert response.status == 200
    assert response.getheader("Content-Type") == expected
    assert response.getheader("ETag") and response.getheader("Last-Modified")
    assert response.getheader("Cache-Control") == "public, max-age=300"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Server") == "nginx"  # no version
    if path == "/all/rss.xml":
        assert body == (nginx.root / "all" / "rss.xml").read_bytes()


def test_conditional_requests_get_304(nginx: Nginx) -> None:
    response, _ = nginx.request("GET", "/all/rss.xml")
    etag, last_modified = response.getheader("ETag"), response.getheader("Last-Modified")
    assert etag and last_modified
    again, body = nginx.request("GET", "/all/rss.xml", If_None_Match=etag)
    assert again.status == 304 and body == b""
    assert nginx.request("GET", "/all/rss.xml", If_Modified_Since=last_modified)[0].status == 304
    assert nginx.request("GET", "/all/rss.xml", If_None_Match='"other"')[0].status == 200
    # Compressed, the ETag turns weak; it still validates.
    zipped, _ = nginx.request("GET", "/all/rss.xml", Accept_Encoding="gzip")
    assert zipped.getheader("Content-Encoding") == "gzip"
    weak = zipped.getheader("ETag") or ""
    assert nginx.request("GET", "/all/rss.xml", Accept_Encoding="gzip", If_None_Match=weak)[0].status == 304


@pytest.mark.parametrize("path", ["/.git/config", "/%2Egit/config", "/.akhbar-export.json", "/all/../.git/config"])
def test_no_dot_path_is_served(nginx: Nginx, path: str) -> None:
    assert (nginx.root / ".git" / "config").is_file()
    response, body = nginx.request("GET", path)
    assert response.status in (403, 404)
    assert b"[core]" not in body


def test_no_directory_listing(nginx: Nginx) -> None:
    response, body = nginx.request("GET", "/all/")
    assert response.status in (403, 404)
    assert b"rss.xml" not in body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"])
def test_only_get_and_head(nginx: Nginx, method: str) -> None:
    response, _ = nginx.request(method, "/all/rss.xml")
    assert response.status == 405
    assert response.getheader("Allow") == "GET, HEAD"
    head, body = nginx.request("HEAD", "/all/rss.xml")
    assert head.status == 200 and body == b""


def test_overlong_requests_are_refused(nginx: Nginx) -> None:
    assert nginx.request("GET", "/" + "a" * 10_000)[0].status == 414
    assert nginx.request("GET", "/all/rss.xml", X_Padding="x" * 10_000)[0].status == 400


pytestmark = pytest.mark.slow  # starts a server or a process
