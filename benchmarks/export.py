"""Benchmark of ``export_feeds`` on a synthetic archive of 100,000 articles over 40 sites.

Measures, each in its own child process (so that peak memory is the export's alone):
- the baseline: reading every article row once (what any exporter has to pay at least);
- a first export into an empty directory;
- a second export with nothing new, which must write no feed at all;
- a third export after one new article, which rewrites only the feeds that article belongs to.
Writes the table to the ``export`` section of ``docs/benchmarks.md``.

Usage: ``python -m benchmarks.export [--articles N] [--sites N] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from benchmarks.report import update_section
from crawler.storage.schema import insert_article_sql, migrate

CATEGORIES = ["سياسة", "اقتصاد", "رياضة", "ثقافة", "منوعات", "تكنولوجيا", "صحة", "عربي ودولي", "محليات", "آراء"]
AGENCIES = ["anadolu", "afp", "reuters", "ap", "sana", "wam", "spa", "qna"]
# Words of the sample article (/work/shared/seed), drawn at random into bodies and titles.
WORDS = [
    "أعرب", "رئيس", "قسم", "الشؤون", "الآسيوية", "في", "وزارة", "الخارجية", "عن", "تفاؤل", "بلاده",
    "بالجولة", "الثامنة", "من", "المؤتمر", "بتحقيق", "نتائج", "ملموسة", "وجاء", "ذلك", "تصريح", "أدلى",
    "به", "اليوم", "للصحفيين", "بعد", "بدء", "الجولة", "التي", "تستمر", "ليومين",
]  # fmt: skip
OFFSETS = [timedelta(hours=h) for h in (0, 1, 2, 3, 4)]


def _paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 30))) + "."


def build_archive(path: Path, articles: int, sites: int, seed: int = 1) -> None:
    """A WAL archive with the project's schema: ``articles`` rows over ``sites`` sites, a fifth syndicated."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    migrate(conn)
    site_ids = [f"site{n:02d}" for n in range(sites)]
    with conn:
        conn.executemany(
            "INSERT INTO sites (id, name, name_en, url, country, language, timezone, feed_content)"
            " VALUES (?, ?, ?, ?, 'EG', 'ar', 'UTC', ?)",
            [
                (s, f"موقع {n}", f"Site {n}", f"https://{s}.example/", "summary" if n % 10 == 9 else "full")
                for n, s in enumerate(site_ids)
            ],
        )
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows = []
    story = 0
    article_id = 0
    while article_id < articles:
        copies = rng.choice((2, 3)) if rng.random() < 0.08 else 1
        story_id = None
        agencies = [rng.choice(AGENCIES)] if copies > 1 or rng.random() < 0.2 else []
        if copies > 1:
            story += 1
            story_id = story
            conn.execute(
                "INSERT INTO stories (id, first_article_id, agencies, article_count, created) VALUES (?, ?, ?, ?, ?)",
                (story, article_id + 1, json.dumps(agencies), copies, start.isoformat()),
            )
        base_when = start + timedelta(minutes=rng.randint(0, 60 * 24 * 90))
        body = "\n".join(_paragraph(rng) for _ in range(rng.randint(3, 6)))
        title = " ".join(rng.choice(WORDS) for _ in range(8))
        for copy in range(copies):
            article_id += 1
            site = rng.choice(site_ids)
            when = base_when + timedelta(minutes=copy * rng.randint(1, 90))
            published = when.astimezone(timezone(rng.choice(OFFSETS)))
            html = "".join(f"<p>{p}</p>" for p in body.split("\n")) if article_id % 2 else None
            rows.append(
                {
                    "id": article_id, "uid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "url": f"https://{site}.example/news/{article_id}",
                    "canonical_url": f"https://{site}.example/news/{article_id}", "site": site,
                    "title": title, "summary": body.split("\n", 1)[0][:200], "body": body, "body_html": html,
                    "published": published.isoformat(), "first_seen": when.isoformat(), "last_seen": when.isoformat(),
                    "authors": json.dumps(["محرر الموقع"], ensure_ascii=False), "category": rng.choice(CATEGORIES),
                    "image": f"https://{site}.example/img/{article_id}.jpg" if rng.random() < 0.7 else None,
                    "agencies": json.dumps(agencies), "language": "ar", "story_id": story_id,
                    "content_hash": f"h{article_id}",
                }
            )  # fmt: skip
        if len(rows) >= 5000:
            _insert(conn, rows)
            rows = []
    _insert(conn, rows)
    conn.close()


def _insert(conn: sqlite3.Connection, rows: Sequence[dict[str, object]]) -> None:
    """Insert rows that all name the same columns (the others take their defaults)."""
    if not rows:
        return
    with conn:
        conn.executemany(insert_article_sql(rows[0]), [list(row.values()) for row in rows])


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def child(mode: str, db: str, out: str) -> None:
    """Runs in a fresh interpreter; prints one JSON line."""
    from exports.writer import export_feeds

    before = _peak_kib()
    start = time.perf_counter()
    if mode == "baseline":
        conn = sqlite3.connect(db)
        rows = 0
        for _ in conn.execute("SELECT * FROM articles"):
            rows += 1
        conn.close()
        result: dict[str, object] = {"rows": rows}
    else:
        report = export_feeds(db, out)
        result = {
            "feeds": len(report.feeds),
            "feeds_written": report.feeds_written,
            "files_written": report.files_written,
            "entries": report.entries,
        }
    result.update(seconds=time.perf_counter() - start, peak_mib=_peak_kib() / 1024, start_mib=before / 1024)
    print(json.dumps(result))


def _run(mode: str, db: Path, out: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.export", "--child", mode, str(db), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="build the archive and export here and leave them")
    parser.add_argument("--no-report", action="store_true", help="print only; do not touch docs/benchmarks.md")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "DB", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as scratch:
        where = args.keep or Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        db, out = where / "archive.db", where / "feeds"
        started = time.perf_counter()
        if not db.exists():
            build_archive(db, args.articles, args.sites)
        print(f"archive ready in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        baseline = _run("baseline", db, out)
        first = _run("export", db, out)
        second = _run("export", db, out)
        conn = sqlite3.connect(db)
        with conn:
            new = {
                "uid": str(uuid.uuid4()), "url": "https://site00.example/new",
                "canonical_url": "https://site00.example/new", "site": "site00", "title": "خبر جديد", "body": "نص",
                "published": "2030-01-01T00:00:00+00:00", "first_seen": "2030-01-01T00:00:00+00:00",
                "last_seen": "2030-01-01T00:00:00+00:00", "category": "سياسة", "content_hash": "new",
            }  # fmt: skip
            conn.execute(insert_article_sql(new), list(new.values()))
        conn.close()
        third = _run("export", db, out)
    lines = [
        "## Feed export (`benchmarks/export.py`)",
        "",
        f"Synthetic archive: {args.articles:,} articles over {args.sites} sites (8% syndicated on 2–3 sites, "
        f"half with HTML bodies), {int(first['feeds'])} feeds × 3 formats, 100 entries per feed. Each run is a "
        "fresh process; peak memory is its maximum resident set size.",
        "",
        "| run | time (s) | × baseline | peak memory (MiB) | feeds written | files written |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| baseline: read every article row once | {baseline['seconds']:.2f} | 1.0 "
        f"| {baseline['peak_mib']:.0f} | – | – |",
    ]
    for label, run in (
        ("first export, empty directory", first),
        ("second export, nothing new", second),
        ("third export, one new article", third),
    ):
        lines.append(
            f"| {label} | {run['seconds']:.2f} | {run['seconds'] / baseline['seconds']:.1f} | {run['peak_mib']:.0f} "
            f"| {int(run['feeds_written'])} | {int(run['files_written'])} |"
        )
    lines += [
        "",
        f"The second export wrote {int(second['feeds_written'])} feeds and {int(second['files_written'])} files: "
        "feeds whose entries did not change are neither rendered nor rewritten, so their bytes, mtimes and "
        "ETags stay as they were.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_report:
        update_section("export", text)


if __name__ == "__main__":
    main()
