"""``akhbar recluster`` and ``akhbar prune``, through the CLI on real SQLite files, and the story settings."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from scrapy.utils.test import get_crawler

from crawler.cli import main
from crawler.items import Article
from crawler.pipelines.store import StorePipeline
from crawler.registry import parse_registry
from crawler.storage import minhash
from crawler.storage.archive import Archive
from crawler.storage.db import open_db
from crawler.storage.fingerprint import fingerprint
from crawler.storage.stories import StorySettings, StorySettingsError
from crawler.text.arabic import content_hash

TEST_SITES = (Path(__file__).parent / "fixtures" / "test_sites.toml").read_text(encoding="utf-8")
ROOTS = "كتب درس علم عمل سفر حكم قرر بحث نشر وصل خرج دخل جمع فتح شرح طلب رفع وضع بلغ نقل".split()


def words(seed: int, n: int = 60) -> list[str]:
    """``n`` words no other seed shares."""
    return [f"{ROOTS[(seed * 7 + i) % len(ROOTS)]}{seed}س{i}" for i in range(n)]


def text(seed: int) -> str:
    return " ".join(words(seed))


def variant(seed: int) -> str:
    """Every sixth word replaced: about half of the word pairs shared (similarity ≈ 0.5)."""
    return " ".join(w if i % 6 else f"بدل{seed}س{i}" for i, w in enumerate(words(seed)))


def article(site: str, path: str, body: str, published: str, **extra: object) -> Article:
    url = f"https://{site}.example{path}"
    item = Article(url=url, canonical_url=url, site=site, title=f"خبر {path}", body=body, published=published,
                   **extra)  # type: ignore[arg-type]  # fmt: skip
    item.content_hash = content_hash(item.title, item.body)
    return item


# In the order they are stored: three wire stories, one with a looser copy, and two articles of their own.
CORPUS = [
    article("alpha", "/s1", text(1), "2024-05-01T08:00:00+03:00", agencies=["anadolu"]),
    article("beta", "/s1", text(1).replace("ك", "ک"), "2024-05-01T09:00:00+03:00", agencies=["afp"]),
    article("alpha", "/s2", text(2), "2024-04-20T10:00:00+03:00"),
    article("gamma", "/s2", variant(2), "2024-04-21T10:00:00+03:00"),
    article("beta", "/own", text(3), "2024-05-02T10:00:00+03:00"),
    article("gamma", "/s4", text(4), "2024-04-25T10:00:00+03:00"),
    article("alpha", "/s4", text(4), "2024-04-26T10:00:00+03:00"),
    article("alpha", "/solo", text(5), "2024-03-01T10:00:00+03:00"),
]
ALIAS = article("alpha", "/s1-amp", text(1), "2024-05-01T08:00:00+03:00", agencies=["anadolu"])
EDIT = article("alpha", "/s1", text(1) + " تحديث لاحق", "2024-05-01T08:00:00+03:00", agencies=["anadolu"])


def build(path: Path, story: StorySettings | None = None, items: list[Article] | None = None) -> Path:
    """An archive stored as the crawl stores: the corpus, one alias and one edit (a revision)."""
    archive = Archive(open_db(path), story)
    archive.sync_sites(parse_registry(TEST_SITES))
    archive.store(list(CORPUS if items is None else items))
    if items is None:
        assert archive.store([ALIAS])[0].action == "alias"
        assert archive.store([EDIT])[0].action == "updated"
    archive.db.conn.close()
    return path


def cli(*args: str, answer: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=answer)


def stories(path: Path) -> set[frozenset[str]]:
    """The archive's stories as sets of canonical URLs, whatever their ids."""
    conn = sqlite3.connect(path)
    groups: dict[int, set[str]] = {}
    for story_id, url in conn.execute("SELECT story_id, canonical_url FROM articles"):
        groups.setdefault(story_id, set()).add(url)
    conn.close()
    return {frozenset(g) for g in groups.values()}


def story_rows(path: Path) -> dict[int, tuple[object, ...]]:
    conn = sqlite3.connect(path)
    rows = {r[0]: r[1:] for r in conn.execute(
        "SELECT s.id, s.article_count, s.first_site, s.agencies, a.canonical_url, s.first_published"
        " FROM stories s LEFT JOIN articles a ON a.id = s.first_article_id"
    )}  # fmt: skip
    conn.close()
    return rows


def counts(output: str) -> tuple[int, int, int]:
    found = re.search(r"(\d+) merged, (\d+) split, (\d+) stayed", output)
    assert found, output
    return int(found[1]), int(found[2]), int(found[3])


def one_error_line(result: Result) -> str:
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in result.output, result.output
    return lines[0]


# -- recluster -----------------------------------------------------------------------------------------------------


def test_recluster_after_a_crawl_finds_the_crawls_stories_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    db = build(tmp_path / "a.db")
    before, rows_before = stories(db), story_rows(db)
    for _ in range(2):
        result = cli("recluster", "--db", str(db))
        assert result.exit_code == 0, result.output
        assert counts(result.output) == (0, 0, 5)
        assert "0 articles moved, 0 stories recounted" in result.output
        assert stories(db) == before and story_rows(db) == rows_before


def test_a_new_threshold_splits_then_merges_back_and_each_second_run_changes_nothing(tmp_path: Path) -> None:
    db = build(tmp_path / "a.db")
    crawled, ids = stories(db), set(story_rows(db))
    first = cli("recluster", "--db", str(db), "-s", "AKHBAR_STORY_THRESHOLD=0.9")
    assert first.exit_code == 0, first.output
    assert "threshold 0.9" in first.output
    assert counts(first.output) == (0, 1, 4)  # the looser copy of /s2 is a story of its own
    assert "1 article moved" in first.output
    split = stories(db)
    assert frozenset({"https://alpha.example/s2"}) in split and frozenset({"https://gamma.example/s2"}) in split
    # Every story kept its id (each one's first article still starts it); the split-off copy got a new one.
    assert ids < set(story_rows(db)) and len(story_rows(db)) == 6
    again = cli("recluster", "--db", str(db), "-s", "AKHBAR_STORY_THRESHOLD=0.9")
    assert counts(again.output) == (0, 0, 6) and stories(db) == split
    back = cli("recluster", "--db", str(db))
    assert counts(back.output) == (2, 0, 4) and stories(db) == crawled  # two stories merged into one
    assert set(story_rows(db)) == ids
    assert counts(cli("recluster", "--db", str(db)).output) == (0, 0, 5)


@pytest.mark.parametrize(
    "story", [StorySettings(threshold=0.9), StorySettings(bands=64, rows=1), StorySettings(threshold=0.5, hot_band=1)]
)
def test_recluster_gives_the_stories_a_crawl_with_those_settings_makes(tmp_path: Path, story: StorySettings) -> None:
    reclustered = build(tmp_path / "default.db")
    crawled = build(tmp_path / "crawled.db", story)
    overrides = ["-s", f"AKHBAR_STORY_THRESHOLD={story.threshold}", "-s", f"AKHBAR_STORY_BANDS={story.bands}",
                 "-s", f"AKHBAR_STORY_ROWS={story.rows}", "-s", f"AKHBAR_STORY_HOT_BAND={story.hot_band}"]  # fmt: skip
    result = cli("recluster", "--db", str(reclustered), *overrides)
    assert result.exit_code == 0, result.output
    assert stories(reclustered) == stories(crawled)
    assert sorted(story_rows(reclustered).values()) == sorted(story_rows(crawled).values())
    if story.bands != minhash.BANDS:
        assert f"rebuilt for {story.bands_of_rows()}" in result.output
        conn = sqlite3.connect(reclustered)
        assert conn.execute("SELECT COUNT(*) FROM lsh_bands").fetchone()[0] == 64 * 8
        conn.close()
    assert counts(cli("recluster", "--db", str(reclustered), *overrides).output)[:2] == (0, 0)


def test_recluster_leaves_out_band_keys_common_to_many_articles_as_the_crawl_does(tmp_path: Path) -> None:
    """A key that more than the hot-band limit of earlier articles hold finds no copies, in the crawl and in
    recluster alike: a copy that shares only that key with its original joins it while the key is rare, and
    stays apart once it is common."""
    common, hot = 987654321, 3
    story = StorySettings(hot_band=hot)
    items = [article("alpha", f"/n/{i}", text(10 + i), "2024-05-01T10:00:00+03:00") for i in range(hot + 3)]
    items.insert(2, article("beta", "/copy-early", text(10), "2024-05-01T11:00:00+03:00"))
    items.append(article("beta", "/copy-late", text(11), "2024-05-01T11:00:00+03:00"))
    path = tmp_path / "hot.db"
    archive = Archive(open_db(path), story)
    archive.sync_sites(parse_registry(TEST_SITES))
    for n, item in enumerate(items):
        fp = fingerprint(item.title, item.body)
        archive.store([item], [replace(fp, band_keys=(common, 1000 + n))])
    archive.db.conn.close()
    crawled = stories(path)
    assert frozenset({"https://alpha.example/n/0", "https://beta.example/copy-early"}) in crawled
    assert frozenset({"https://beta.example/copy-late"}) in crawled  # the key was common by then
    result = cli("recluster", "--db", str(path), "-s", f"AKHBAR_STORY_HOT_BAND={hot}")
    assert counts(result.output) == (0, 0, len(crawled)) and stories(path) == crawled
    # With the default limit the key is never common here, and the late copy joins its original.
    assert counts(cli("recluster", "--db", str(path)).output) == (2, 0, len(crawled) - 2)
    assert frozenset({"https://alpha.example/n/1", "https://beta.example/copy-late"}) in stories(path)


def test_recluster_corrects_derived_columns_that_went_wrong(tmp_path: Path) -> None:
    db = build(tmp_path / "a.db")
    right = story_rows(db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE stories SET article_count = 9, agencies = '[]', first_site = 'nowhere'")
    conn.commit()
    conn.close()
    result = cli("recluster", "--db", str(db))
    assert counts(result.output) == (0, 0, 5) and "5 stories recounted" in result.output
    assert story_rows(db) == right


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("AKHBAR_STORY_THRESHOLD=0.05", "AKHBAR_STORY_THRESHOLD 0.05 is far below what 32 bands of 2 rows can find"),
        ("AKHBAR_STORY_THRESHOLD=1.5", "AKHBAR_STORY_THRESHOLD must be above 0 and at most 1, got 1.5"),
        ("AKHBAR_STORY_THRESHOLD=high", "AKHBAR_STORY_THRESHOLD must be a number, got 'high'"),
        ("AKHBAR_STORY_BANDS=16", "must be the signature length 64, got 16 × 2 = 32"),
        ("AKHBAR_STORY_ROWS=0", "AKHBAR_STORY_BANDS and AKHBAR_STORY_ROWS must be at least 1"),
        ("AKHBAR_STORY_HOT_BAND=many", "AKHBAR_STORY_HOT_BAND must be a whole number, got 'many'"),
    ],
)
def test_story_settings_the_bands_cannot_serve_are_one_line_and_exit_2(
    tmp_path: Path, setting: str, message: str
) -> None:
    db = build(tmp_path / "a.db")
    rows = story_rows(db)
    assert message in one_error_line(cli("recluster", "--db", str(db), "-s", setting))
    assert story_rows(db) == rows
    # The crawl checks them before it fetches anything.
    assert message in one_error_line(cli("crawl", "--db", str(tmp_path / "c.db"), "--site", "aljazeera", "-s", setting))
    assert not (tmp_path / "c.db").exists()


def test_the_store_stage_reads_and_checks_the_story_settings() -> None:
    crawler = get_crawler(settings_dict={"AKHBAR_STORY_THRESHOLD": "0.5", "AKHBAR_STORY_HOT_BAND": 8})
    assert StorePipeline.from_crawler(crawler).story == StorySettings(threshold=0.5, hot_band=8)
    with pytest.raises(StorySettingsError, match="1 band of 64 rows"):
        StorePipeline.from_crawler(get_crawler(settings_dict={"AKHBAR_STORY_BANDS": 1, "AKHBAR_STORY_ROWS": 64}))


def test_default_settings_are_the_minhash_constants() -> None:
    from crawler import settings

    assert StorySettings.from_settings(vars(settings)) == StorySettings()
    assert StorySettings().lowest_threshold() < minhash.THRESHOLD
    assert StorySettings(bands=64, rows=1).lsh_threshold() == pytest.approx(1 / 64)


# -- prune ---------------------------------------------------------------------------------------------------------


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    lines = list(conn.iterdump())
    conn.close()
    return lines


def test_prune_asks_first_and_no_changes_nothing(tmp_path: Path) -> None:
    db = build(tmp_path / "a.db")
    before = dump(db)
    result = cli("prune", "--site", "alpha", "--db", str(db), answer="n\n")
    assert result.exit_code == 1 and "Aborted!" in result.output
    assert re.search(r"articles\s+4\n", result.output) and re.search(r"aliases\s+1\n", result.output)
    assert re.search(r"revisions\s+1\n", result.output) and re.search(r"lsh_bands\s+128\n", result.output)
    assert "1 deleted, 3 recounted" in result.output and "Remove them? [y/N]" in result.output
    assert dump(db) == before


def test_prune_removes_a_site_with_everything_derived_and_recounts_its_stories(tmp_path: Path) -> None:
    db = build(tmp_path / "a.db")
    conn = sqlite3.connect(db)
    pruned = [r[0] for r in conn.execute("SELECT id FROM articles WHERE site = 'alpha'")]
    conn.close()
    result = cli("prune", "--site", "alpha", "--db", str(db), answer="y\n")
    assert result.exit_code == 0, result.output
    assert "removed from" in result.output and re.search(r"articles\s+4\n", result.output)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    marks = ",".join("?" * len(pruned))
    tables = [("articles", "id"), ("articles_fts", "rowid"), ("minhashes", "article_id"), ("lsh_bands", "article_id"),
              ("aliases", "article_id"), ("revisions", "article_id")]  # fmt: skip
    for table, column in tables:
        assert conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} IN ({marks})", pruned).fetchone() == (0,)
    assert conn.execute("SELECT COUNT(*) FROM sites WHERE id = 'alpha'").fetchone() == (0,)
    # The full-text index still agrees with the articles, row for row.
    assert conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone() == conn.execute(
        "SELECT COUNT(*) FROM articles").fetchone()  # fmt: skip
    conn.close()
    # A story left with one copy counts one, and that copy is its first; the alpha-only story is gone.
    assert sorted(story_rows(db).values()) == [
        (1, "beta", '["afp"]', "https://beta.example/s1", "2024-05-01T09:00:00+03:00"),
        (1, "beta", "[]", "https://beta.example/own", "2024-05-02T10:00:00+03:00"),
        (1, "gamma", "[]", "https://gamma.example/s2", "2024-04-21T10:00:00+03:00"),
        (1, "gamma", "[]", "https://gamma.example/s4", "2024-04-25T10:00:00+03:00"),
    ]
    assert counts(cli("recluster", "--db", str(db)).output) == (0, 0, 4)
    assert "no site 'alpha'" in one_error_line(cli("prune", "--site", "alpha", "--db", str(db), "--yes"))


def test_prune_before_a_date_keeps_the_newer_articles(tmp_path: Path) -> None:
    db = build(tmp_path / "a.db")
    result = cli("prune", "--site", "alpha", "--before", "2024-04-22", "--db", str(db), "--yes")
    assert result.exit_code == 0, result.output
    assert "published before 2024-04-22" in result.output and "sites" not in result.output
    conn = sqlite3.connect(db)
    left = {r[0] for r in conn.execute("SELECT canonical_url FROM articles WHERE site = 'alpha'")}
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    assert left == {"https://alpha.example/s1", "https://alpha.example/s4"}


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", "2024-5-1", "20240501"])
def test_a_bad_date_is_one_line_and_exit_2(tmp_path: Path, bad: str) -> None:
    db = build(tmp_path / "a.db")
    before = dump(db)
    line = one_error_line(cli("prune", "--site", "alpha", "--before", bad, "--db", str(db), "--yes"))
    assert "YYYY-MM-DD" in line and bad in line
    assert dump(db) == before


def test_an_unknown_site_says_so(tmp_path: Path) -> None:
    db = build(tmp_path / "a.db")
    line = one_error_line(cli("prune", "--site", "omega", "--db", str(db), "--yes"))
    assert "no site 'omega'" in line and "alpha, beta, gamma" in line


def feed_text(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("*")) if p.is_file())


def test_the_next_export_drops_pruned_articles_from_every_feed(tmp_path: Path) -> None:
    db, out = build(tmp_path / "a.db"), tmp_path / "feeds"
    assert cli("export", "--db", str(db), "--out", str(out)).exit_code == 0
    text_before = feed_text(out)
    gone = ["https://alpha.example/s2", "https://alpha.example/solo"]
    assert all(url in text_before for url in gone)
    assert cli("prune", "--site", "alpha", "--before", "2024-04-22", "--db", str(db), "--yes").exit_code == 0
    result = cli("export", "--db", str(db), "--out", str(out))
    assert result.exit_code == 0, result.output
    text_after = feed_text(out)
    assert not any(url in text_after for url in gone)
    assert "https://alpha.example/s1" in text_after  # the site's newer articles stay


def test_after_removing_a_site_no_listed_feed_links_to_it(tmp_path: Path) -> None:
    db, out = build(tmp_path / "a.db"), tmp_path / "feeds"
    assert cli("export", "--db", str(db), "--out", str(out)).exit_code == 0
    assert cli("prune", "--site", "alpha", "--db", str(db), "--yes").exit_code == 0
    assert cli("export", "--db", str(db), "--out", str(out)).exit_code == 0
    opml = (out / "index.opml").read_text(encoding="utf-8")
    listed = sorted(set(re.findall(r'xmlUrl="http://127\.0\.0\.1:8080/([^"]+)/rss\.xml"', opml)))
    assert listed and "sites/alpha" not in listed
    for feed in listed:
        for name in ("rss.xml", "atom.xml", "feed.json"):
            assert "alpha.example" not in (out / feed / name).read_text(encoding="utf-8"), (feed, name)


def test_no_file_left_in_the_feed_directory_links_to_a_removed_site(tmp_path: Path) -> None:
    db, out = build(tmp_path / "a.db"), tmp_path / "feeds"
    assert cli("export", "--db", str(db), "--out", str(out)).exit_code == 0
    assert cli("prune", "--site", "alpha", "--db", str(db), "--yes").exit_code == 0
    assert cli("export", "--db", str(db), "--out", str(out)).exit_code == 0
    assert "alpha.example" not in feed_text(out)
    assert not (out / "sites" / "alpha").exists()  # the site's feed is gone, not left with its old links


@pytest.mark.slow
def test_story_settings_come_from_the_environment_too(tmp_path: Path) -> None:
    db = build(tmp_path / "a.db")
    env = {**os.environ, "AKHBAR_STORY_THRESHOLD": "0.9"}
    run = subprocess.run([sys.executable, "-m", "crawler", "recluster", "--db", str(db)], env=env,
                         capture_output=True, text=True, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "threshold 0.9" in run.stdout and counts(run.stdout) == (0, 1, 4)
    env["AKHBAR_STORY_THRESHOLD"] = "0.01"
    run = subprocess.run([sys.executable, "-m", "crawler", "recluster", "--db", str(db)], env=env,
                         capture_output=True, text=True, check=False)  # fmt: skip
    assert run.returncode == 2 and run.stdout == "" and len(run.stderr.strip().splitlines()) == 1, run.stderr
