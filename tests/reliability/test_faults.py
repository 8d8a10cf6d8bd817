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

from faultserver import PARAGRAPHS, FaultServer, Reply, article_html, gzip_bomb, html, raw

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


def routes(offsite_base: str) -> dict[str, object]:
    good = {path: html(article_html(title, paragraphs(title))) for path, title in GOOD.items()}
    good["/news/2024/05/14/e503-once-1002"] = lambda n: (
        Reply(503, b"busy", {"Content-Type": "text/plain"}) if n == 0
        else Reply(200, article_html(GOOD["/news/2024/05/14/e503-once-1002"], paragraphs(GOOD["/news/2024/05/14/e503-once-1002"])).encode(), {"Content-Type": "text/html; charset=utf-8"})
    )  # fmt: skip
    good["/news/2024/05/14/e429-once-1003"] = lambda n: (
        Reply(429, b"slow down", {"Content-Type": "text/plain", "Retry-After": "2"}) if n == 0
        else Reply(200, article_html(GOOD["/news/2024/05/14/e429-once-1003"], paragraphs(GOOD["/news/2024/05/14/e429-once-1003"])).encode(), {"Content-Type": "text/html; charset=utf-8"})
    )  # fmt: skip
    # The header says UTF-8, the bytes and the meta tag say windows-1256.
    cp = article_html(GOOD["/news/2024/05/14/wrong-charset-1004"], paragraphs(GOOD["/news/2024/05/14/wrong-charset-1004"]), charset="windows-1256").encode("cp1256")
    good["/news/2024/05/14/wrong-charset-1004"] = raw(cp, "text/html; charset=utf-8")
    good["/news/2024/05/14/cp1256-1005"] = raw(article_html(GOOD["/news/2024/05/14/cp1256-1005"], paragraphs(GOOD["/news/2024/05/14/cp1256-1005"]), charset=None).encode("cp1256"), "text/html")
    good["/news/2024/05/14/iso-8859-6-1006"] = raw(
        article_html(GOOD["/news/2024/05/14/iso-8859-6-1006"], paragraphs(GOOD["/news/2024/05/14/iso-8859-6-1006"]), charset=None).encode("iso-8859-6"), "text/html"
    )
    malformed = article_html(GOOD["/news/2024/05/14/malformed-1007"], paragraphs(GOOD["/news/2024/05/14/malformed-1007"])).replace("</p>", "").replace("<main>", "<main><div <b>")
    good["/news/2024/05/14/malformed-1007"] = html(malformed + "</div></span></table>")
    nul_title = GOOD["/news/2024/05/14/control-chars-1008"].replace(" ", " \x00", 1) + "\x07"
    good["/news/2024/05/14/control-chars-1008"] = html(article_html(nul_title, [p.replace("،", "،\x00\x1b", 1) for p in paragraphs("مجلس النواب")]))

    bad: dict[str, object] = {
        "/news/2024/05/14/e500-1009": lambda _n: Reply(500, b"error", {"Content-Type": "text/plain"}),
        "/news/2024/05/14/hang-1010": lambda _n: Reply(200, article_html("بطيء", PARAGRAPHS).encode(), {"Content-Type": "text/html"}, delay=6),
        "/news/2024/05/14/cut-1011": lambda _n: Reply(200, article_html("مقطوع", PARAGRAPHS * 20).encode(), {"Content-Type": "text/html"},
                                      cut_to=900),
        "/news/2024/05/14/loop-1012": lambda _n: Reply(302, b"", {"Location": "/news/2024/05/14/loop-1012"}),
        "/news/2024/05/14/offsite-1013": lambda _n: Reply(302, b"", {"Location": f"{offsite_base}/news/2024/05/14/elsewhere-2001"}),
        "/news/2024/05/14/huge-1014": html(article_html("ضخم", PARAGRAPHS * 400)),
        "/news/2024/05/14/bomb-1015": lambda _n: Reply(200, gzip_bomb(30_000_000), {"Content-Type": "text/html", "Content-Encoding": "gzip"}),
        "/news/2024/05/14/empty-1016": html(article_html("صفحة فارغة", [])),
    }  # fmt: skip
    items = "".join(f"<item><title>خبر</title><link>__BASE__{path}</link></item>" for path in [*GOOD, *BAD])
    feeds = {
        "/feed.xml": raw(f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode(),
                         "application/rss+xml"),
        "/feed-notxml.xml": raw(b"<html><body>Service temporarily unavailable</body></html>", "text/html"),
        "/feed-entities.xml": raw(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>t&nbsp;&hellip;</title>'
            f'<item><title>خبر&rsquo;</title><link>__BASE__/news/2024/05/14/good-1-1001</link></item></channel></rss>'.encode(),
            "application/rss+xml",
        ),
        "/sitemap-challenge.xml": raw(
            b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
            b"<div id='cf-chl-widget'>Checking your browser before accessing the site.</div></body></html>",
            "text/html",
        ),
    }  # fmt: skip
    return {**good, **bad, **feeds}


@dataclass
class FaultRun:
    server: FaultServer
    offsite: FaultServer
    result: subprocess.CompletedProcess[str]
    db: Path

    def stats(self) -> dict[str, object]:
        conn = sqlite3.connect(self.db)
        try:
            return json.loads(conn.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
        finally:
            conn.close()

    def stored(self) -> dict[str, sqlite3.Row]:
        conn = sqlite3.connect(self.db)
        conn.row_factory = sqlite3.Row
        try:
            return {r["title"]: r for r in conn.execute("SELECT * FROM articles")}
        finally:
            conn.close()


class Substituting(FaultServer):
    """Replaces __BASE__ in bodies by the server's own base URL."""

    def __init__(self, routes: dict[str, object], host: str) -> None:
        wrapped = {path: self._wrap(b) for path, b in routes.items()}  # type: ignore[arg-type]
        super().__init__(wrapped, host)  # type: ignore[arg-type]

    def _wrap(self, behaviour):  # type: ignore[no-untyped-def]
        def call(n: int) -> Reply:
            reply = behaviour(n)
            reply.body = reply.body.replace(b"__BASE__", self.base.encode())
            return reply

        return call


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultRun]:
    tmp = tmp_path_factory.mktemp("faults")
    with FaultServer({"/news/2024/05/14/elsewhere-2001": html(article_html("خارج الموقع", PARAGRAPHS))}, "127.0.0.22") as offsite:
        with Substituting(routes(offsite.base), "127.0.0.21") as server:
            registry = tmp / "sites.toml"
            registry.write_text(
                "[[sites]]\n"
                'id = "faulty"\nname = "موقع الأعطال"\nname_en = "Faulty"\n'
                f'url = "{server.base}/"\ncountry = "LB"\ntimezone = "Asia/Beirut"\n'
                f'feeds = ["{server.base}/feed.xml", "{server.base}/feed-notxml.xml", "{server.base}/feed-entities.xml"]\n'
                f'sitemaps = ["{server.base}/sitemap-challenge.xml"]\n',
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
    assert len(fault_run.server.requests_for("/news/2024/05/14/e500-1009")) == 2  # RETRY_TIMES=1: one retry, then given up
    first, second = fault_run.server.requests_for("/news/2024/05/14/e429-once-1003")[:2]
    assert second.at - first.at >= 2.0 - 0.05, "the retry came before Retry-After"


def test_a_redirect_to_another_domain_is_not_followed(fault_run: FaultRun) -> None:
    assert fault_run.offsite.hits == []
