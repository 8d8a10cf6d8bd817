"""``akhbar extract`` and ``akhbar date`` through click's test runner (and a local HTTP server for URLs)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli.extract import date_command, extract_command

from .extraction_helpers import PAGES

YOUM7 = PAGES / "youm7-budget.html"
CNN = PAGES / "011.html"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("AKHBAR_SITES", raising=False)  # --site reads the bundled registry
    return CliRunner()


def test_one_file_prints_one_utf8_object(runner: CliRunner) -> None:
    result = runner.invoke(extract_command, [str(YOUM7), "--url", "https://www.youm7.com/story/2024/5/13/x/6577301"])
    assert result.exit_code == 0, result.stderr
    assert "وزير المالية" in result.stdout  # not ASCII-escaped
    record = json.loads(result.stdout)
    assert set(record) >= {
        "url",
        "canonical_url",
        "site_name",
        "language",
        "title",
        "subtitle",
        "summary",
        "body",
        "body_html",
        "published",
        "modified",
        "authors",
        "category",
        "tags",
        "image",
        "agencies",
        "dateline",
    }
    # The URL picks the registry site: its selectors and time zone apply.
    assert record["authors"] == ["أحمد عرفة", "محمد السيد"]
    assert record["published"] == "2024-05-13T06:00:00+03:00"


def test_several_files_print_json_lines_in_order(runner: CliRunner) -> None:
    result = runner.invoke(extract_command, [str(CNN), str(YOUM7), str(PAGES / "015.html")])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    titles = [json.loads(line)["title"] for line in lines]
    assert titles[0] == "معارضون يسيطرون على مخازن للصواريخ بريف دمشق"
    assert titles[1].startswith("وزير المالية")


def test_unreadable_pages_fail_cleanly_and_the_rest_still_print(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    result = runner.invoke(extract_command, [str(tmp_path / "missing.html"), str(empty), str(CNN), str(binary)])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    assert "missing.html" in result.stderr and "empty.html" in result.stderr and "image.html" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_unknown_site_is_an_error(runner: CliRunner) -> None:
    result = runner.invoke(extract_command, [str(CNN), "--site", "nope"])
    assert result.exit_code == 2 and "unknown site id 'nope'" in result.stderr


def test_site_option(runner: CliRunner) -> None:
    result = runner.invoke(extract_command, [str(PAGES / "sana-agriculture.html"), "--site", "sana"])
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["published"] == "2024-01-14T11:20:00+03:00" and record["dateline"] == "دمشق-سانا"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/story":
            self.send_error(404)
            return
        data = YOUM7.read_bytes()
        self.send_response(200)
        # A misconfigured server: Latin-1 declared, UTF-8 sent.
        self.send_header("Content-Type", "text/html; charset=ISO-8859-1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_is_fetched(runner: CliRunner, server: str) -> None:
    result = runner.invoke(extract_command, [f"{server}/story", f"{server}/missing"])
    assert result.exit_code == 1
    record = json.loads(result.stdout.splitlines()[0])
    assert record["url"] == f"{server}/story"
    assert record["title"].startswith("وزير المالية")
    assert "404" in result.stderr


def test_date_command(runner: CliRunner) -> None:
    result = runner.invoke(date_command, ["الإثنين، 13 مايو 2024 06:00 ص", "--site", "youm7"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "2024-05-13T06:00:00+03:00"
    relative = runner.invoke(date_command, ["منذ", "ساعتين", "--now", "2024-05-13T10:00:00+03:00"])
    assert relative.stdout.strip() == "2024-05-13T08:00:00+03:00"


def test_date_command_without_a_date(runner: CliRunner) -> None:
    result = runner.invoke(date_command, ["اقرأ أيضا"])
    assert result.exit_code == 1 and "no date" in result.stderr


@pytest.mark.parametrize("command", [extract_command, date_command])
def test_help_has_an_example(command: object) -> None:
    result = CliRunner().invoke(command, ["--help"])  # type: ignore[arg-type]
    assert result.exit_code == 0 and "Example:" in result.stdout


test_url_is_fetched = pytest.mark.slow(test_url_is_fetched)  # starts a loopback HTTP server
