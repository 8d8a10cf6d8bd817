"""An edit to a stored article is kept whatever the article's age: ``--since`` picks new articles, not updates.

Before, an article published more than ``--since`` days ago (3 by default) that its site edited and re-dated in
its sitemap was fetched again and then dropped as ``too_old``, so no revision was ever recorded for it. Here a
site's articles were published 30 days ago and stored by a first crawl with no window; then the site edits one
(new text, new ``lastmod``), re-dates another without changing its text, and lists a 30-day-old article the
archive never saw. A crawl with the default window records the edit with one revision, only touches the
re-dated one's ``last_seen``, and still leaves the never-seen old article out.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from runs import FAST, last_run_stats
from sites import Article, Reply, SiteServer, TestSite, article_page

pytestmark = pytest.mark.slow  # every test here starts a crawl process or a server

MONTH_AGO = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)
EDITED_SENTENCE = "وأضافت الوزارة في تحديث لاحق أن عدد المستفيدين من البرنامج ارتفع إلى خمسين ألف أسرة."


@dataclass
class Result:
    site: TestSite
    edited: Article
    redated: Article
    never_seen: Article
    first: dict[str, Any]
    second: dict[str, Any]
    process: subprocess.CompletedProcess[str]
    db: Path


def rows(db: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Result:
    tmp = tmp_path_factory.mktemp("old-edits")
    server = SiteServer(host_base=140)
    old = [
        Article(f"archive-story-{n:04d}-water-network-plan", f"خطة لتوسيع شبكة المياه في الحي رقم {n}",
                MONTH_AGO + timedelta(minutes=n))
        for n in range(4)
    ]  # fmt: skip
    site = server.add("monthly", old)
    listed = list(old)
    server.entry("monthly").sitemaps = [site.sitemap("/sitemap.xml", lambda: listed)]
    with server:
        registry = server.write_registry(tmp / "sites.toml")
        db = tmp / "akhbar.db"
        base = [sys.executable, "-m", "crawler", "crawl", "--sites", str(registry), "--db", str(db), *FAST]
        first = subprocess.run([*base, "--since", "0"], capture_output=True, text=True, timeout=120, check=False)
        assert first.returncode == 0, first.stderr[-3000:]
        first_stats = last_run_stats(db)

        # After the first crawl's last look (its last_seen), as an edit made since then would be.
        now = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
        edited = replace(old[1], updated=now)
        redated = replace(old[2], updated=now)
        never_seen = Article("archive-story-0099-old-bridge-repair", "إصلاح الجسر القديم بعد شهر من الإغلاق",
                             MONTH_AGO)  # fmt: skip
        site.articles[1], site.articles[2] = edited, redated
        site.articles.append(never_seen)
        listed[1], listed[2] = edited, redated
        listed.append(never_seen)
        page = article_page(site, edited).replace("</article>", f"<p>{EDITED_SENTENCE}</p></article>")
        site.pages[edited.path] = Reply(body=page.encode())
        site.reset()
        second = subprocess.run(base, capture_output=True, text=True, timeout=120, check=False)  # default window
    return Result(site, edited, redated, never_seen, first_stats, last_run_stats(db), second, db)


def test_the_edit_of_a_month_old_article_is_recorded_with_one_revision(result: Result) -> None:
    assert result.process.returncode == 0, result.process.stderr[-3000:]
    url = result.site.url(result.edited.path)
    ((article_id, body),) = rows(result.db, "SELECT id, body FROM articles WHERE url = ?", url)
    assert EDITED_SENTENCE in body
    revisions = rows(result.db, "SELECT body FROM revisions WHERE article_id = ?", article_id)
    assert len(revisions) == 1 and EDITED_SENTENCE not in revisions[0][0]
    assert result.second.get("akhbar/site/monthly/updated") == 1
    assert not result.second.get("akhbar/dropped/too_old")


def test_a_redated_article_with_the_same_text_only_moves_last_seen(result: Result) -> None:
    url = result.site.url(result.redated.path)
    ((article_id, first_seen, last_seen),) = rows(
        result.db, "SELECT id, first_seen, last_seen FROM articles WHERE url = ?", url
    )
    assert last_seen > first_seen
    assert rows(result.db, "SELECT count(*) FROM revisions WHERE article_id = ?", article_id) == [(0,)]


def test_the_window_still_decides_which_new_articles_are_taken(result: Result) -> None:
    assert result.never_seen.path not in result.site.paths()  # its sitemap date is a month old: not fetched
    assert rows(result.db, "SELECT count(*) FROM articles WHERE url = ?", result.site.url(result.never_seen.path)) == [
        (0,)
    ]
    # The never-seen one, and the two stored ones the sitemap did not re-date (they are older than the window too).
    assert result.second.get("akhbar/site/monthly/skipped/too_old") == 3
    assert rows(result.db, "SELECT count(*) FROM articles") == [(4,)]
