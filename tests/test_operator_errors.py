"""An operator's mistake is one line and the right exit code, never a traceback, and nothing stored changes.

Exit 2: the command line, an environment variable or a file it names is wrong (a --db that is not an archive,
a bad --base-url or --redis-url, an unknown --site). Exit 1: the command could not do its work (a port another
server holds). Every case runs through the CLI on real files; `akhbar --debug` shows the traceback instead.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crawler.cli import main
from crawler.cli.errors import explain
from crawler.cli.options import is_loopback_url
from crawler.items import Article
from crawler.registry import parse_registry
from crawler.storage.archive import Archive
from crawler.storage.db import open_db
from crawler.text.arabic import content_hash

TEST_SITES = (Path(__file__).parent / "fixtures" / "test_sites.toml").read_text(encoding="utf-8")
AKHBAR = Path(sys.executable).parent / "akhbar"
OFFLINE_SITES = """\
[[sites]]
id = "alpha"
name = "ألفا نيوز"
name_en = "Alpha News"
url = "http://127.0.0.1:9/"
country = "SY"
timezone = "Asia/Damascus"
feeds = ["http://127.0.0.1:9/feed.xml"]
"""
"""A registry whose one site refuses connections: a crawl that got past its checks would fail, not fetch."""


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_archive(path: Path, articles: int = 3) -> Path:
    """A real archive at ``path`` with a few articles, in one file (no WAL beside it)."""
    db = open_db(path)
    archive = Archive(db)
    archive.sync_sites(parse_registry(TEST_SITES))
    items = []
    for n in range(articles):
        url = f"https://alpha.example/n/{n}"
        body = f"كتب مراسلنا تقريراً رقم {n} عن اجتماع الأمم المتحدة في جنيف حول المساعدات الإنسانية للمدنيين."
        item = Article(url=url, canonical_url=url, site="alpha", title=f"الأمم المتحدة تجتمع {n}", body=body,
                       published="2024-05-09T10:00:00+03:00")  # fmt: skip
        item.content_hash = content_hash(item.title, item.body)
        items.append(item)
    archive.store(items)
    db.conn.execute("PRAGMA journal_mode = DELETE")
    db.conn.close()
    return path


@pytest.fixture
def good_db(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "akhbar.db")


@pytest.fixture
def corrupt_db(tmp_path: Path) -> Path:
    """Not SQLite at all: what a truncated download or a wrong file looks like."""
    path = tmp_path / "corrupt.db"
    path.write_bytes(random.Random(17).randbytes(64 * 1024))
    return path


@pytest.fixture
def damaged_db(tmp_path: Path) -> Path:
    """An SQLite header, then pages overwritten: the archive itself, damaged."""
    path = make_archive(tmp_path / "damaged.db", articles=40)
    with path.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xff" * (path.stat().st_size - 4096))
    return path


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(OFFLINE_SITES, encoding="utf-8")
    return path


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, prog_name="akhbar")


def one_line(result: Result) -> str:
    """The one line the command printed on stderr; it printed nothing else, and no traceback."""
    assert "Traceback" not in result.output, result.output
    assert result.stdout == "", result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), lines[0]
    return lines[0]


READERS_AND_WRITERS = [
    ["stats"],
    ["search", "الأمم"],
    ["export", "--out", "{tmp}/feeds", "--base-url", "https://feeds.example.org/"],
    ["runs"],
    ["runs", "--site", "alpha"],
    ["stats", "--runs"],
    ["backup", "{tmp}/copy.db"],
    ["recluster"],
    ["crawl", "--sites", "{registry}"],
    ["run", "--sites", "{registry}", "--out", "{tmp}/feeds", "--base-url", "https://feeds.example.org/"],
]


def _args(template: list[str], tmp_path: Path, registry: Path) -> list[str]:
    return [a.format(tmp=tmp_path, registry=registry) for a in template]


@pytest.mark.parametrize("command", READERS_AND_WRITERS, ids=lambda c: " ".join(c[:2]))
def test_a_file_that_is_not_an_archive_is_one_line_exit_2(
    command: list[str], corrupt_db: Path, tmp_path: Path, registry: Path
) -> None:
    before = checksum(corrupt_db)
    result = invoke(*_args(command, tmp_path, registry), "--db", str(corrupt_db))
    assert result.exit_code == 2, result.output
    line = one_line(result)
    assert f"{corrupt_db} is not an Akhbar archive" in line and "akhbar backup" in line, line
    assert checksum(corrupt_db) == before
    assert not (tmp_path / "feeds").exists() and not (tmp_path / "copy.db").exists()


# `akhbar backup` reports a copy it could not make itself ("backup failed: …", exit 1), whichever side failed.
@pytest.mark.parametrize(
    "command", [c for c in READERS_AND_WRITERS if c[0] != "backup"], ids=lambda c: " ".join(c[:2])
)
def test_a_damaged_archive_is_one_line_exit_2(
    command: list[str], damaged_db: Path, tmp_path: Path, registry: Path
) -> None:
    before = checksum(damaged_db)
    result = invoke(*_args(command, tmp_path, registry), "--db", str(damaged_db))
    assert result.exit_code == 2, result.output
    line = one_line(result)
    assert str(damaged_db) in line and ("damaged" in line or "not an Akhbar archive" in line), line
    assert "malformed" in line or "not a database" in line or "integrity" in line, line
    assert checksum(damaged_db) == before


@pytest.mark.slow
def test_a_damaged_archive_in_a_real_process_prints_no_traceback(damaged_db: Path, registry: Path) -> None:
    """`akhbar crawl` as cron runs it: the archive is opened before Scrapy starts, so Scrapy logs nothing."""
    before = checksum(damaged_db)
    done = subprocess.run([str(AKHBAR), "crawl", "--sites", str(registry), "--db", str(damaged_db)],
                          capture_output=True, text=True, timeout=120, cwd=damaged_db.parent)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert f"{damaged_db} is damaged (database disk image is malformed)" in done.stderr
    assert checksum(damaged_db) == before


@pytest.mark.slow
@pytest.mark.parametrize("flag", [["--debug"], []], ids=["--debug", "AKHBAR_DEBUG=1"])
def test_debug_shows_the_traceback_instead(flag: list[str], damaged_db: Path) -> None:
    env = {**os.environ, "AKHBAR_DEBUG": "" if flag else "1"}
    done = subprocess.run([str(AKHBAR), *flag, "stats", "--db", str(damaged_db)],
                          capture_output=True, text=True, timeout=120, env=env)  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "sqlite3.DatabaseError: database disk image is malformed" in done.stderr


@pytest.mark.parametrize(
    "command",
    [["crawl", "--sites", "{registry}"], ["run", "--sites", "{registry}", "--out", "{tmp}/feeds"], ["stats"],
     ["export", "--out", "{tmp}/feeds"], ["ingest", "--redis-url", "redis://127.0.0.1:9/0", "--once"], ["recluster"]],
    ids=lambda c: c[0],
)  # fmt: skip
def test_a_db_path_where_no_archive_can_be_made_is_one_line_exit_2(
    command: list[str], tmp_path: Path, registry: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the archive's folder should be\n", encoding="utf-8")
    db = blocker / "akhbar.db"
    result = invoke(*_args(command, tmp_path, registry), "--db", str(db))
    assert result.exit_code == 2, result.output
    line = one_line(result)
    assert f"no archive can be made at {db}: {blocker} is a file, not a folder" in line, line
    assert blocker.read_text(encoding="utf-8") == "a file where the archive's folder should be\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder", "sites.toml"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any folder")
def test_a_db_in_a_folder_that_may_not_be_written_is_one_line_exit_2(tmp_path: Path, registry: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = invoke("crawl", "--sites", str(registry), "--db", str(locked / "akhbar.db"))
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 2, result.output
    assert f"the folder {locked} may not be written" in one_line(result)
    assert list(locked.iterdir()) == []


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.mark.slow
def test_serve_on_a_port_in_use_is_one_line_exit_1(tmp_path: Path, busy_port: int) -> None:
    out = tmp_path / "feeds"
    out.mkdir()
    (out / "index.html").write_text("<p>feeds</p>\n", encoding="utf-8")
    result = invoke("serve", "--out", str(out), "--port", str(busy_port))
    assert result.exit_code == 1, result.output
    line = one_line(result)
    assert f"cannot listen on 127.0.0.1:{busy_port}: the address is already in use" in line, line
    assert "--port" in line


def test_serve_on_an_address_not_of_this_machine_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "feeds").mkdir()
    result = invoke("serve", "--out", str(tmp_path / "feeds"), "--host", "no-such-host.invalid", "--port", "0")
    assert result.exit_code == 2, result.output
    assert "cannot listen on no-such-host.invalid:0" in one_line(result)


@pytest.mark.parametrize("base_url", ["not a url", "ftp://feeds.example.org/", "/feeds/", "https://"])
def test_export_with_a_base_url_that_is_not_one_is_one_line_exit_2(
    base_url: str, good_db: Path, tmp_path: Path
) -> None:
    before = checksum(good_db)
    result = invoke("export", "--db", str(good_db), "--out", str(tmp_path / "feeds"), "--base-url", base_url)
    assert result.exit_code == 2, result.output
    line = one_line(result)
    assert f"Invalid value for '--base-url': {base_url!r} is not an absolute http(s) URL" in line, line
    assert checksum(good_db) == before and not (tmp_path / "feeds").exists()


def test_export_to_a_folder_that_cannot_be_made_is_one_line_exit_2(good_db: Path, tmp_path: Path) -> None:
    before = checksum(good_db)
    blocker = tmp_path / "feeds"
    blocker.write_text("not a folder\n", encoding="utf-8")
    out = blocker / "public"
    result = invoke("export", "--db", str(good_db), "--out", str(out), "--base-url", "https://feeds.example.org/")
    assert result.exit_code == 2, result.output
    assert f"cannot write the feed directory {out}: Not a directory; choose another --out" in one_line(result)
    assert checksum(good_db) == before and blocker.read_text(encoding="utf-8") == "not a folder\n"


def test_run_checks_its_base_url_before_it_crawls(good_db: Path, tmp_path: Path, registry: Path) -> None:
    before = checksum(good_db)
    result = invoke("run", "--sites", str(registry), "--db", str(good_db), "--out", str(tmp_path / "feeds"),
                    env={"AKHBAR_BASE_URL": "feeds.example.org"})  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "'feeds.example.org' is not an absolute http(s) URL" in one_line(result)
    assert checksum(good_db) == before and not (good_db.parent / "akhbar.db.lock").exists()


@pytest.mark.parametrize(
    ("url", "reason"),
    [("garbage", "must start with redis://"), ("http://10.0.0.5:6379/0", "must start with redis://"),
     ("redis://10.0.0.5:port/0", "Port could not be cast")],
)  # fmt: skip
def test_ingest_with_a_redis_url_that_is_not_one_is_one_line_exit_2(url: str, reason: str, tmp_path: Path) -> None:
    db = tmp_path / "akhbar.db"
    result = invoke("ingest", "--db", str(db), "--redis-url", url, "--once")
    assert result.exit_code == 2, result.output
    line = one_line(result)
    assert f"Invalid value for '--redis-url': {url!r} is not a Redis URL" in line and reason in line, line
    assert not db.exists()


def test_ingest_with_a_redis_that_does_not_answer_is_one_line_exit_1(good_db: Path) -> None:
    before = checksum(good_db)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = invoke("ingest", "--db", str(good_db), "--redis-url", f"redis://127.0.0.1:{port}/0", "--once")
    assert result.exit_code == 1, result.output
    assert f"cannot reach Redis at redis://127.0.0.1:{port}/0" in one_line(result)
    assert checksum(good_db) == before


def test_runs_of_an_unknown_site_is_one_line_exit_2(good_db: Path) -> None:
    before = checksum(good_db)
    result = invoke("runs", "--db", str(good_db), "--site", "nosuch")
    assert result.exit_code == 2, result.output
    line = one_line(result)
    assert "unknown site id 'nosuch'" in line and "akhbar sites" in line, line
    close = invoke("runs", "--db", str(good_db), "--site", "alpah")
    assert close.exit_code == 2 and "did you mean 'alpha'?" in one_line(close)
    assert checksum(good_db) == before


def test_runs_of_a_known_site_without_runs_says_so(good_db: Path) -> None:
    for site in ("alpha", "aljazeera"):  # one the archive has, one only the registry has
        result = invoke("runs", "--db", str(good_db), "--site", site)
        assert result.exit_code == 0, result.output
        assert result.stdout == f"no runs recorded yet for {site}\n"


def test_a_usage_error_is_one_line_saying_where_the_help_is() -> None:
    result = invoke("search")
    assert result.exit_code == 2
    assert one_line(result) == "Error: Missing argument 'QUERY'. (see `akhbar search --help`)"
    unknown = invoke("export", "--bse-url", "https://feeds.example.org/")
    assert unknown.exit_code == 2 and "(see `akhbar export --help`)" in one_line(unknown)


def test_an_unexpected_error_is_one_line_exit_1(good_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something no one foresaw")

    monkeypatch.setattr("crawler.cli.archive.archive_stats", boom)
    result = invoke("stats", "--db", str(good_db))
    assert result.exit_code == 1, result.output
    assert "unexpected RuntimeError: something no one foresaw; run again with `akhbar --debug`" in one_line(result)


def test_akhbar_base_url_sets_the_feeds_base_url(good_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "feeds"
    result = invoke("export", "--db", str(good_db), "--out", str(out), env={"AKHBAR_BASE_URL": "https://news.example.net/f"})
    assert result.exit_code == 0, result.output
    assert result.stderr == "", result.stderr
    atom = (out / "all" / "atom.xml").read_text(encoding="utf-8")
    assert "https://news.example.net/f/all/atom.xml" in atom and "127.0.0.1" not in atom


@pytest.mark.parametrize(
    "base_url", [None, "http://localhost:8080/", "http://127.0.0.2/feeds/", "http://news.localhost/"]
)
def test_feeds_exported_with_a_loopback_base_url_are_warned_about(
    base_url: str | None, good_db: Path, tmp_path: Path
) -> None:
    before = checksum(good_db)
    args = ["--base-url", base_url] if base_url else []
    result = invoke("export", "--db", str(good_db), "--out", str(tmp_path / "feeds"), *args)
    assert result.exit_code == 0, result.output
    (warning,) = result.stderr.strip().splitlines()
    assert warning.startswith("warning: the feeds link to ") and "--base-url or AKHBAR_BASE_URL" in warning, warning
    assert (base_url or "http://127.0.0.1:8080/") in warning
    assert result.stdout.startswith("feeds: ")
    assert checksum(good_db) == before


def test_loopback_urls() -> None:
    for url in ("http://127.0.0.1:8080/", "http://127.9.9.9/", "http://[::1]/", "http://LOCALHOST./", "http://a.localhost/"):
        assert is_loopback_url(url), url
    for url in ("https://feeds.example.org/", "http://10.0.0.5/", "http://128.0.0.1/", "http://localhost.example/"):
        assert not is_loopback_url(url), url


@pytest.mark.parametrize(
    ("error", "params", "code", "text"),
    [
        (sqlite3.OperationalError("unable to open database file"), {"db": "x/a.db"}, 2,
         "cannot open the archive x/a.db"),
        (sqlite3.OperationalError("attempt to write a readonly database"), {"db": "a.db"}, 2,
         "cannot write the archive a.db"),
        (sqlite3.OperationalError("database is locked"), {"db": "a.db"}, 1, "the archive a.db is busy"),
        (sqlite3.OperationalError("database or disk is full"), {"db": "a.db"}, 1,
         "cannot write the archive a.db (database or disk is full): free some space"),
        (sqlite3.OperationalError("no such table: articles"), {"db": "a.db"}, 2, "a.db is not an Akhbar archive"),
        (PermissionError(errno.EACCES, "Permission denied", "/srv/a"), {"db": "/srv/a/a.db"}, 2,
         "cannot write the archive /srv/a/a.db (/srv/a): Permission denied; choose another --db"),
        (OSError(errno.ENOSPC, "No space left on device", "/srv/feeds/x"), {}, 1,
         "cannot write /srv/feeds/x: No space left on device; free some space"),
        (OSError(errno.ENOSPC, "No space left on device", "/srv/feeds/x"), {"out": "/srv/feeds"}, 1,
         "cannot write the feed directory /srv/feeds (/srv/feeds/x): No space left on device; free some space"),
        (PermissionError(errno.EACCES, "Permission denied"), {"host": "0.0.0.0", "port": 80}, 2,
         "cannot listen on 0.0.0.0:80: permission denied"),
    ],
)  # fmt: skip
def test_what_each_error_comes_to(error: Exception, params: dict[str, object], code: int, text: str) -> None:
    explained = explain(error, params)
    assert explained.exit_code == code
    assert text in explained.format_message() and "\n" not in explained.format_message()
