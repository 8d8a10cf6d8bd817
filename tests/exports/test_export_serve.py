"""``make_server`` over a real socket on 127.0.0.1: content types, validators, 304, safety."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FeedArchive

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


def test_binds_to_loopback_by_default(served: tuple[ExportServer, Path]) -> None:
    server, _ = served
    assert server.server_address[0] == "127.0.0.1"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/all/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/all/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/all/feed.json", "application/feed+json; charset=utf-8"),
        ("/index.opml", "text/x-opml; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
        ("/categories/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9/rss.xml", "application/rss+xml; charset=utf-8"),
    ],
)
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
