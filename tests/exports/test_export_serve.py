"""``make_server`` over a real socket on 127.0.0.1: content types, validators, 304, safety, and what the open
internet sends (raw sockets): malformed and overlong requests, broken dates, stalled and too many clients."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FeedArchive
from feedrules import SERVED_TYPES

from exports.serve import ExportServer, make_server
from exports.writer import export_feeds


@pytest.fixture
def served(feed_archive: FeedArchive, tmp_path: Path) -> Iterator[tuple[ExportServer, Path]]:
    feed_archive.add_article("humanvoice", category="سياسة")
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    server = make_server(out, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server, out
    server.shutdown()
    server.server_close()


def request(server: ExportServer, path: str, method: str = "GET", **headers: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    conn.request(method, path, headers={k.replace("_", "-"): v for k, v in headers.items()})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def get_body(server: ExportServer, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    conn.request("GET", path)
    body = conn.getresponse().read()
    conn.close()
    return body


@pytest.fixture
def tight(feed_archive: FeedArchive, tmp_path: Path) -> Iterator[tuple[ExportServer, Path]]:
    """A server with a short socket timeout and room for two connections."""
    feed_archive.add_article("humanvoice")
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    server = make_server(out, port=0, quiet=True, request_timeout=0.5, max_connections=2)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server, out
    server.shutdown()
    server.server_close()


def raw(server: ExportServer, data: bytes) -> bytes:
    """Send ``data`` as it is and read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status(response: bytes) -> int:
    assert response.startswith(b"HTTP/1."), response[:80]
    return int(response.split(b" ", 2)[1])


def get(path: str, *headers: str) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *headers, "", ""]
    return "\r\n".join(lines).encode("latin-1")


def test_binds_to_loopback_by_default(served: tuple[ExportServer, Path]) -> None:
    server, _ = served
    assert server.server_address[0] == "127.0.0.1"


@pytest.mark.parametrize(("path", "expected"), SERVED_TYPES)
def test_content_types_and_caching_headers(served: tuple[ExportServer, Path], path: str, expected: str) -> None:
    server, _ = served
    response = request(server, path)
    assert response.status == 200
    assert response.getheader("Content-Type") == expected
    assert response.getheader("ETag", "").startswith('"')
    assert response.getheader("Last-Modified")
    assert response.getheader("Cache-Control") == "public, max-age=300"


def test_served_bytes_are_the_file(served: tuple[ExportServer, Path]) -> None:
    server, out = served
    assert get_body(server, "/all/atom.xml") == (out / "all" / "atom.xml").read_bytes()


def test_conditional_get_with_etag_gets_304(served: tuple[ExportServer, Path]) -> None:
    server, _ = served
    etag = request(server, "/all/rss.xml").getheader("ETag")
    assert etag
    again = request(server, "/all/rss.xml", If_None_Match=etag)
    assert again.status == 304
    assert again.getheader("ETag") == etag
    assert request(server, "/all/rss.xml", If_None_Match='"something-else"').status == 200


def test_conditional_get_with_last_modified_gets_304(served: tuple[ExportServer, Path]) -> None:
    server, _ = served
    last_modified = request(server, "/all/atom.xml").getheader("Last-Modified")
    assert last_modified
    assert request(server, "/all/atom.xml", If_Modified_Since=last_modified).status == 304
    assert request(server, "/all/atom.xml", If_Modified_Since="Mon, 01 Jan 2001 00:00:00 GMT").status == 200


def test_etag_survives_an_export_with_nothing_new_and_changes_with_news(
    served: tuple[ExportServer, Path], feed_archive: FeedArchive
) -> None:
    server, out = served
    etag = request(server, "/all/rss.xml").getheader("ETag")
    export_feeds(feed_archive.path, out)
    assert request(server, "/all/rss.xml", If_None_Match=etag or "").status == 304
    feed_archive.add_article("aljazeera", published="2030-01-01T00:00:00+00:00")
    export_feeds(feed_archive.path, out)
    fresh = request(server, "/all/rss.xml", If_None_Match=etag or "")
    assert fresh.status == 200 and fresh.getheader("ETag") != etag


def test_head_sends_headers_only(served: tuple[ExportServer, Path]) -> None:
    server, out = served
    response = request(server, "/all/feed.json", method="HEAD")
    assert response.status == 200
    assert response.getheader("Content-Length") == str((out / "all" / "feed.json").stat().st_size)


@pytest.mark.parametrize(
    "path",
    [
        "/../archive.db",
        "/%2e%2e/archive.db",
        "/all/../../archive.db",
        "/nope.xml",
        "/all/",
        "/.akhbar-export.json",
        "/a%00b",
    ],
)
def test_nothing_outside_the_export_and_no_listings(served: tuple[ExportServer, Path], path: str) -> None:
    server, _ = served
    assert request(server, path).status == 404


def test_other_methods_are_refused(served: tuple[ExportServer, Path]) -> None:
    server, _ = served
    assert request(server, "/all/rss.xml", method="POST").status == 501


@pytest.mark.parametrize(
    "path", ["/.git/config", "/.git/", "/%2Egit/config", "/all/.hidden/rss.xml", "/all/./rss.xml", "/.well-known/x"]
)
def test_no_path_with_a_dot_segment_is_served(served: tuple[ExportServer, Path], path: str) -> None:
    server, out = served
    (out / ".git").mkdir()
    (out / ".git" / "config").write_text("[core]\n")
    (out / "all" / ".hidden").mkdir()
    (out / "all" / ".hidden" / "rss.xml").write_text("secret")
    assert request(server, path).status == 404


@pytest.mark.parametrize(
    "data",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /all/rss.xml\r\n\r\n",  # HTTP/0.9
        b"GET relative/path HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET * HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET http://[::1/all/rss.xml HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/x.y\r\n\r\n",
        b"GET / HTTP/1.1 extra\r\n\r\n",
    ],
)
def test_malformed_requests_get_400(
    served: tuple[ExportServer, Path], data: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    server, _ = served
    assert status(raw(server, data)) == 400
    assert "Traceback" not in capfd.readouterr().err


def test_absolute_form_targets_are_served(served: tuple[ExportServer, Path]) -> None:
    server, _ = served
    assert status(raw(server, get("http://127.0.0.1/all/rss.xml"))) == 200


def test_overlong_requests_get_414_not_a_dropped_connection(
    served: tuple[ExportServer, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    server, _ = served
    assert status(raw(server, get("/" + "a" * 300))) == 414  # longer than a file name may be: ENAMETOOLONG
    assert status(raw(server, get("/all/" + "%D8%B3" * 150 + "/rss.xml"))) == 414  # 300 bytes once decoded
    assert status(raw(server, get("/a" * 1500))) == 414  # every segment short, the whole too long
    assert status(raw(server, b"GET /" + b"a" * 65_532)) == 414  # a request line past the parser's limit
    assert status(raw(server, get("/" + "%D8%B9" * 120))) == 404  # long, but a possible file name
    assert "Traceback" not in capfd.readouterr().err


def test_a_symlink_loop_is_not_found(served: tuple[ExportServer, Path], capfd: pytest.CaptureFixture[str]) -> None:
    server, out = served
    (out / "loop").symlink_to(out / "loop")
    assert request(server, "/loop/rss.xml").status == 404
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize(
    "since",
    [
        "Mon, 01 Jan 99999 00:00:00 GMT",
        "Mon, 99999999999999999999 Jan 2001 00:00:00 GMT",
        "Mon, 01 Jan 2001 99999999999999999999:00:00 GMT",
        "Mon, 01 Jan 2001 00:00:00 +99999999999999999999",
        "Mon, 01 Jan 2001",
        "",
    ],
)
def test_an_unreadable_if_modified_since_counts_as_absent(
    served: tuple[ExportServer, Path], since: str, capfd: pytest.CaptureFixture[str]
) -> None:
    server, _ = served
    assert status(raw(server, get("/all/rss.xml", f"If-Modified-Since: {since}"))) == 200
    assert "Traceback" not in capfd.readouterr().err


def test_a_client_that_stops_sending_is_dropped(tight: tuple[ExportServer, Path]) -> None:
    server, _ = tight
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as sock:
        sock.sendall(b"GET /all/rss.xml HT")
        assert sock.recv(1024) == b""  # closed by the server, without an answer
    assert time.monotonic() - started < 5


def test_connections_beyond_the_limit_get_503_and_the_slots_come_back(
    feed_archive: FeedArchive, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    export_feeds(feed_archive.path, out)
    server = make_server(out, port=0, quiet=True, request_timeout=10, max_connections=2)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    port = server.server_address[1]
    try:
        stalled = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
        for sock in stalled:
            sock.sendall(b"GET /index.opml HT")  # half a request: each holds a thread
        busy = raw(server, get("/index.opml"))
        assert status(busy) == 503 and b"Retry-After: 1" in busy
        for sock in stalled:
            sock.close()
        deadline = time.monotonic() + 5
        while status(answer := raw(server, get("/index.opml"))) == 503 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert status(answer) == 200
    finally:
        server.shutdown()
        server.server_close()
    assert "Traceback" not in capfd.readouterr().err


pytestmark = pytest.mark.slow  # starts a server or a process
