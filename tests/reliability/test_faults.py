"""One crawl against a site whose server misbehaves in every way a publisher's can: the crawl finishes, every
good article is stored as correct Arabic, every bad input is counted by reason and logged with its URL, and
nothing raises out of the spider."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from faultserver import PARAGRAPHS, Behaviour, FaultServer, Reply, article_html, gzip_bomb, html, last_run_stats, raw

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

NAMES = [
    "good-1-1001", "e503-once-1002", "e429-once-1003", "wrong-charset-1004", "cp1256-1005", "iso-8859-6-1006",
    "malformed-1007", "control-chars-1008", "e500-1009", "hang-1010", "cut-1011", "loop-1012", "offsite-1013",
    "huge-1014", "bomb-1015", "empty-1016",
]  # fmt: skip
OFFSITE_PATH = "/news/2024/05/14/elsewhere-2001"
GOOD = {
    "/news/2024/05/14/good-1-1001": "حملة وطنية للتطعيم في جميع المحافظات",
    "/news/2024/05/14/e503-once-1002": "الحكومة تقر خطة لمواجهة الجفاف",
    "/news/2024/05/14/e429-once-1003": "افتتاح معرض الكتاب بمشاركة مئة دار نشر",
    "/news/2024/05/14/wrong-charset-1004": "ارتفاع أسعار الخبز للمرة الثالثة",
    "/news/2024/05/14/cp1256-1005": "وزير الخارجية يلتقي نظيره التركي",
    "/news/2024/05/14/iso-8859-6-1006": "انطلاق امتحانات الشهادة الثانوية",
    "/news/2024/05/14/malformed-1007": "الأمطار تغرق شوارع العاصمة",
    "/news/2024/05/14/control-chars-1008": "مجلس النواب يناقش الموازنة",
}
BAD = {
    "/news/2024/05/14/e500-1009": "http_500",
    "/news/2024/05/14/hang-1010": "timeout",
    "/news/2024/05/14/cut-1011": "cut_short",
    "/news/2024/05/14/loop-1012": "redirect_loop",
    "/news/2024/05/14/offsite-1013": "offsite_redirect",
    "/news/2024/05/14/huge-1014": "too_large",
    "/news/2024/05/14/bomb-1015": "too_large",
    "/news/2024/05/14/empty-1016": "empty_article",
}


def paragraphs(title: str) -> list[str]:
    """The shared paragraphs plus one of the article's own, so that no two articles have the same text."""
    return [*PARAGRAPHS, f"وفي سياق متصل، تناولت التغطية موضوع: {title}، وسط متابعة واسعة من المواطنين."]


def page(path: str, charset: str | None = "utf-8") -> str:
    return article_html(GOOD[path], paragraphs(GOOD[path]), charset=charset)


def refused_once(status: int, path: str, **headers: str) -> Behaviour:
    """``status`` the first time, the article after that."""
    good = page(path).encode()

    def behaviour(n: int) -> Reply:
        if n == 0:
            return Reply(status, b"busy", {"Content-Type": "text/plain", **headers})
        return Reply(200, good, {"Content-Type": "text/html; charset=utf-8"})

    return behaviour


def rss(paths: list[str], title: str = "t") -> bytes:
    items = "".join(f"<item><title>خبر</title><link>__BASE__{path}</link></item>" for path in paths)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'.encode()


def routes(offsite_base: str) -> dict[str, Behaviour]:
    p = {name: f"/news/2024/05/14/{name}" for name in NAMES}
    good: dict[str, Behaviour] = {path: html(page(path)) for path in GOOD}
    good[p["e503-once-1002"]] = refused_once(503, p["e503-once-1002"])
    good[p["e429-once-1003"]] = refused_once(429, p["e429-once-1003"], **{"Retry-After": "2"})
    # The header says UTF-8; the bytes and the meta tag say windows-1256.
    wrong = p["wrong-charset-1004"]
    good[wrong] = raw(page(wrong, "windows-1256").encode("cp1256"), "text/html; charset=utf-8")
    good[p["cp1256-1005"]] = raw(page(p["cp1256-1005"], None).encode("cp1256"), "text/html")
    good[p["iso-8859-6-1006"]] = raw(page(p["iso-8859-6-1006"], None).encode("iso-8859-6"), "text/html")
    malformed = page(p["malformed-1007"]).replace("</p>", "").replace("<main>", "<main><div <b>")
    good[p["malformed-1007"]] = html(malformed + "</div></span></table>")
    control = p["control-chars-1008"]
    dirty_title = GOOD[control].replace(" ", " \x00", 1) + "\x07"
    dirty_body = [x.replace("،", "،\x00\x1b", 1) for x in paragraphs(GOOD[control])]
    good[control] = html(article_html(dirty_title, dirty_body))

    html_type = {"Content-Type": "text/html"}
    slow = article_html("بطيء", PARAGRAPHS).encode()
    long_page = article_html("مقطوع", PARAGRAPHS * 20).encode()
    bad: dict[str, Behaviour] = {
        p["e500-1009"]: lambda _n: Reply(500, b"error", {"Content-Type": "text/plain"}),
        p["hang-1010"]: lambda _n: Reply(200, slow, html_type, delay=6),
        p["cut-1011"]: lambda _n: Reply(200, long_page, html_type, cut_to=900),
        p["loop-1012"]: lambda _n: Reply(302, b"", {"Location": p["loop-1012"]}),
        p["offsite-1013"]: lambda _n: Reply(302, b"", {"Location": f"{offsite_base}{OFFSITE_PATH}"}),
        p["huge-1014"]: html(article_html("ضخم", PARAGRAPHS * 400)),
        p["bomb-1015"]: lambda _n: Reply(200, gzip_bomb(30_000_000), {**html_type, "Content-Encoding": "gzip"}),
        p["empty-1016"]: html(article_html("صفحة فارغة", [])),
    }
    entities = rss([p["good-1-1001"]], "t&nbsp;&hellip;").replace("خبر".encode(), "خبر&rsquo;".encode())
    challenge = (
        b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
        b"<div id='cf-chl-widget'>Checking your browser before accessing the site.</div></body></html>"
    )
    feeds: dict[str, Behaviour] = {
        "/feed.xml": raw(rss([*GOOD, *BAD]), "application/rss+xml"),
        "/feed-notxml.xml": raw(b"<html><body>Service temporarily unavailable</body></html>", "text/html"),
        "/feed-entities.xml": raw(entities, "application/rss+xml"),
        "/sitemap-challenge.xml": raw(challenge, "text/html"),
    }
    return {**good, **bad, **feeds}


@dataclass
class FaultRun:
    server: FaultServer
    offsite: FaultServer
    result: subprocess.CompletedProcess[str]
    db: Path

    def stats(self) -> dict[str, object]:
        return last_run_stats(self.db)

    def stored(self) -> dict[str, sqlite3.Row]:
        conn = sqlite3.connect(self.db)
        conn.row_factory = sqlite3.Row
        try:
            return {r["title"]: r for r in conn.execute("SELECT * FROM articles")}
        finally:
            conn.close()


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultRun]:
    tmp = tmp_path_factory.mktemp("faults")
    elsewhere = {OFFSITE_PATH: html(article_html("خارج الموقع", PARAGRAPHS))}
    with FaultServer(elsewhere, "127.0.0.22") as offsite, FaultServer(routes(offsite.base), "127.0.0.21") as server:
        base = server.base
        registry = tmp / "sites.toml"
        feeds = ", ".join(f'"{base}{path}"' for path in ("/feed.xml", "/feed-notxml.xml", "/feed-entities.xml"))
        registry.write_text(
            '[[sites]]\nid = "faulty"\nname = "موقع الأعطال"\nname_en = "Faulty"\n'
            f'url = "{base}/"\ncountry = "LB"\ntimezone = "Asia/Beirut"\n'
            f'feeds = [{feeds}]\nsitemaps = ["{base}/sitemap-challenge.xml"]\n',
            encoding="utf-8",
        )
        db = tmp / "akhbar.db"
        settings = [
            "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_TIMEOUT=2", "RETRY_TIMES=1",
            "DOWNLOAD_MAXSIZE=300000", "DOWNLOAD_WARNSIZE=0", "LOG_LEVEL=INFO",
        ]  # fmt: skip
        command = [sys.executable, "-m", "crawler", "crawl", "--sites", str(registry), "--db", str(db)]
        command += ["--since", "0", *[arg for s in settings for arg in ("-s", s)]]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        yield FaultRun(server, offsite, result, db)


def test_the_crawl_finishes_and_nothing_raises_out_of_the_spider(fault_run: FaultRun) -> None:
    assert fault_run.result.returncode in (0, 3), fault_run.result.stderr[-4000:]
    assert "Traceback" not in fault_run.result.stderr, fault_run.result.stderr[-4000:]
    assert fault_run.stats()["finish_reason"] == "finished"
    assert "spider_exceptions" not in json.dumps(fault_run.stats())


def test_every_good_article_is_stored_as_correct_arabic(fault_run: FaultRun) -> None:
    stored = fault_run.stored()
    for path, title in GOOD.items():
        assert title in stored, (path, sorted(stored))
        body = stored[title]["body"]
        assert body.startswith("أعلنت وزارة الصحة في بيان رسمي"), (path, body[:80])
        assert not any(ch in body + title for ch in "\x00\x07\x1b\ufffd"), path
    assert len(stored) == len(GOOD), sorted(set(stored) - set(GOOD.values()))


def test_bad_inputs_are_counted_by_reason_and_logged_with_their_url(fault_run: FaultRun) -> None:
    stats = fault_run.stats()
    log = fault_run.result.stderr
    for path in BAD:
        assert path in log, f"{path} is not named in the log"
    assert stats.get("retry/reason_count/500 Internal Server Error"), stats
    # The feed that is not XML and the sitemap that is a challenge page are reported for the site.
    assert stats.get("akhbar/site/faulty/blocked", 0) + stats.get("akhbar/site/faulty/feeds_failed", 0) >= 2
    reasons = {k for k in stats if k.startswith("akhbar/dropped/") or k.startswith("akhbar/site/faulty/errors/")}
    for reason in ("timeout", "too_large", "redirect", "http_500", "offsite"):
        assert any(reason in k for k in reasons), (reason, sorted(reasons))


def test_retries_and_retry_after(fault_run: FaultRun) -> None:
    # RETRY_TIMES=1: one retry, then given up.
    assert len(fault_run.server.requests_for("/news/2024/05/14/e500-1009")) == 2
    first, second = fault_run.server.requests_for("/news/2024/05/14/e429-once-1003")[:2]
    assert second.at - first.at >= 2.0 - 0.05, "the retry came before Retry-After"


def test_a_redirect_to_another_domain_is_not_followed(fault_run: FaultRun) -> None:
    assert fault_run.offsite.hits == []
