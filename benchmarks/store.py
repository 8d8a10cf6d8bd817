"""The store stage's write rate against a plain ``executemany`` of the same rows, and where the store's time goes.

Prepares N normalized Article items (generated Arabic text, 300–1,500 words, 4% lightly edited re-runs of an
earlier story on another site so that story grouping does real work), then, each into a fresh archive with the
real schema, in the same run:

- ``executemany``: the same column values ``Archive.store`` writes to ``articles``, inserted with one
  ``executemany`` per batch of 100 in a transaction (the baseline);
- ``bulk writes``: every row the store writes (articles, the normalized FTS text, MinHash signatures, LSH band
  keys, stories), computed beforehand and inserted with ``executemany`` per batch: the cost of the writes alone;
- ``Archive.store``: the store pipeline's call, batches of 100, one transaction each (what the crawl does);
- the same again with its parts timed (URL and text-twin lookups, the article insert, FTS normalization and
  insert, MinHash signature and band keys, LSH candidate query, MinHash/LSH/story inserts, story refresh,
  transaction), by wrapping the archive's functions from outside; the timing adds a little overhead.

Reports rows per second of each and the ratios to ``executemany``. Writes the ``store`` section of
``docs/benchmarks.md``.

    python benchmarks/store.py --rows 5000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import crawler.storage.archive as archive_module
from benchmarks.corpus_text import edit_words
from benchmarks.report import update_section
from benchmarks.sitegen import Writer
from crawler.items import Article
from crawler.registry import Site
from crawler.storage import minhash
from crawler.storage.archive import Archive, utcnow
from crawler.storage.db import open_db
from crawler.text.arabic import content_hash, normalize_for_search

BATCH = 100
SITES = [f"site{i:02d}" for i in range(10)]
TARGET = 0.70


def articles(n: int, seed: int = 3) -> list[Article]:
    """``n`` normalized items as the store pipeline receives them."""
    writer = Writer(seed)
    rng = writer.random
    made: list[Article] = []
    for i in range(n):
        site = rng.choice(SITES)
        if made and rng.random() < 0.04:
            source = rng.choice(made[-300:])
            body = "\n".join(edit_words(p, 0.05, rng, writer.words) for p in source.body.split("\n"))
            title = source.title or ""
            site = rng.choice([s for s in SITES if s != source.site])
        else:
            body = "\n".join(writer.body(rng.randint(300, 1500)))
            title = writer.title()
        url = f"https://{site}.example/news/2026/11/{i}.html"
        item = Article(
            url=url, canonical_url=url, site=site, title=title, body=body, body_html="",
            summary=writer.sentence(), published=f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00+03:00",
            authors=[rng.choice(("محمد العلي", "سارة الخطيب"))], category="سياسة", tags=["سوريا", "لبنان"],
            image=f"https://{site}.example/img/{i}.jpg", language="ar",
        )  # fmt: skip
        item.content_hash = content_hash(item.title, item.body)
        made.append(item)
    return made


def fresh_archive(tmp: Path, name: str) -> Archive:
    archive = Archive(open_db(tmp / f"{name}.db"))
    archive.sync_sites(Site(s, s, s, f"https://{s}.example/", "SY") for s in SITES)
    return archive


def batches(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def article_rows(archive: Archive, items: list[Article]) -> tuple[list[str], list[list[Any]]]:
    now = utcnow()
    rows = []
    names: list[str] = []
    for a in items:
        cols = archive._columns(a, a.content_hash or "") | {"uid": str(uuid.uuid4()), "first_seen": now,
                                                             "last_seen": now}  # fmt: skip
        names = list(cols)
        rows.append(list(cols.values()))
    return names, rows


def run_executemany(tmp: Path, items: list[Article]) -> float:
    archive = fresh_archive(tmp, "executemany")
    names, rows = article_rows(archive, items)
    sql = f"INSERT INTO articles ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    start = time.perf_counter()
    for chunk in batches(rows):
        with archive.transaction():
            archive.conn.executemany(sql, chunk)
    elapsed = time.perf_counter() - start
    archive.db.conn.close()
    return elapsed


def run_bulk_writes(tmp: Path, items: list[Article]) -> float:
    """Every table the store writes, values computed beforehand, one executemany per table per batch."""
    archive = fresh_archive(tmp, "bulk")
    names, rows = article_rows(archive, items)
    fts = [(normalize_for_search(a.title or ""), normalize_for_search(a.body)) for a in items]
    sigs = [minhash.signature(a.body) for a in items]
    now = utcnow()
    sql = f"INSERT INTO articles ({', '.join(names)}, story_id) VALUES ({', '.join('?' * (len(names) + 1))})"
    start = time.perf_counter()
    next_id = 1
    for lo in range(0, len(items), BATCH):
        ids = list(range(next_id, next_id + len(rows[lo : lo + BATCH])))
        next_id += len(ids)
        with archive.transaction():
            archive.conn.executemany(
                "INSERT INTO stories (id, first_article_id, first_site, first_published, agencies, article_count,"
                " created) VALUES (?, ?, ?, ?, '[]', 1, ?)",
                [(i, i, items[i - 1].site, items[i - 1].published, now) for i in ids],
            )
            archive.conn.executemany(sql, [[*rows[i - 1], i] for i in ids])
            archive.conn.executemany("INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                                     [(i, *fts[i - 1]) for i in ids])  # fmt: skip
            sig_rows = [(i, sig) for i in ids if (sig := sigs[i - 1]) is not None]
            archive.conn.executemany("INSERT INTO minhashes (article_id, signature) VALUES (?, ?)",
                                     [(i, minhash.to_blob(s)) for i, s in sig_rows])  # fmt: skip
            archive.conn.executemany("INSERT INTO lsh_bands (band_key, article_id) VALUES (?, ?)",
                                     [(k, i) for i, s in sig_rows for k in minhash.band_keys(s)])  # fmt: skip
    elapsed = time.perf_counter() - start
    archive.db.conn.close()
    return elapsed


def run_store(tmp: Path, items: list[Article], name: str = "store") -> tuple[float, dict[str, int]]:
    archive = fresh_archive(tmp, name)
    actions: dict[str, int] = defaultdict(int)
    start = time.perf_counter()
    for chunk in batches(items):
        for outcome in archive.store(chunk):
            actions[outcome.action] += 1
    elapsed = time.perf_counter() - start
    archive.db.conn.close()
    return elapsed, dict(actions)


class Timers:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start

        return timed


def run_store_timed(tmp: Path, items: list[Article]) -> tuple[float, dict[str, float]]:
    """``Archive.store`` with its parts timed by wrappers (instance methods and the module functions it calls)."""
    archive = fresh_archive(tmp, "timed")
    timers = Timers()
    saved = (archive_module.normalize_for_search, minhash.signature, minhash.band_keys, minhash.best_match)
    archive_module.normalize_for_search = timers.wrap("fts_normalize", normalize_for_search)  # type: ignore[assignment]
    minhash.signature = timers.wrap("minhash_signature", minhash.signature)
    minhash.band_keys = timers.wrap("minhash_band_keys", minhash.band_keys)
    minhash.best_match = timers.wrap("lsh_best_match", minhash.best_match)
    for method in ("find", "_store_one", "_insert", "_index_text", "_join_story", "_refresh_story"):
        setattr(archive, method, timers.wrap(method, getattr(archive, method)))
    try:
        start = time.perf_counter()
        for chunk in batches(items):
            archive.store(chunk)
        elapsed = time.perf_counter() - start
    finally:
        (archive_module.normalize_for_search, minhash.signature, minhash.band_keys, minhash.best_match) = saved
        archive.db.conn.close()
    s = timers.seconds
    parts = {
        "URL lookup (find) and same-text twin lookup": s["_store_one"] - s["_insert"] - 0.0,
        "articles INSERT and row building": s["_insert"] - s["_index_text"] - s["_join_story"],
        "FTS: normalize_for_search (title + body)": s["fts_normalize"],
        "FTS: INSERT": s["_index_text"] - s["fts_normalize"],
        "MinHash signature (shingling + hashing)": s["minhash_signature"],
        "LSH band keys": s["minhash_band_keys"],
        "LSH candidates query + best match, MinHash/LSH/story INSERTs": s["_join_story"] - s["minhash_signature"]
        - s["minhash_band_keys"] - s["_refresh_story"],
        "story refresh": s["_refresh_story"],
        "transaction BEGIN/COMMIT and loop": elapsed - s["_store_one"],
    }
    return elapsed, parts


def markdown(n: int, results: dict[str, float], actions: dict[str, int], parts: dict[str, float],
             timed_total: float) -> str:  # fmt: skip
    base = n / results["executemany"]
    lines = [
        f"## Store: `Archive.store` against a plain `executemany` (`benchmarks/store.py`, {n:,} rows)",
        "",
        f"{n:,} prepared, normalized articles (300–1,500 Arabic words; 4% edited re-runs on another site), in",
        f"batches of {BATCH}, one transaction each, each method into a fresh archive with the real schema (WAL,",
        "`synchronous=NORMAL`). `executemany` writes only the `articles` columns the store writes; `bulk writes`",
        "also writes every other row the store writes (normalized FTS text, MinHash signatures, LSH band keys,",
        "stories), all computed beforehand, so it measures the writes alone.",
        "",
        "| method | rows / s | × executemany |",
        "|---|---:|---:|",
    ]
    for name, seconds in results.items():
        rate = n / seconds
        lines.append(f"| {name} | {rate:,.0f} | {rate / base:.3f} |")
    store_ratio = (n / results["Archive.store"]) / base
    lines += [
        "",
        f"Target: the store at ≥ {TARGET:.0%} of `executemany`: {'yes' if store_ratio >= TARGET else '**no**'}"
        f" ({store_ratio:.1%}). Store outcomes: {json.dumps(actions)}.",
        "",
        "Where `Archive.store`'s time goes (a separate timed pass of the same rows; the wrappers add a little):",
        "",
        "| part | share | ms / row |",
        "|---|---:|---:|",
    ]
    for name, seconds in parts.items():
        lines.append(f"| {name} | {seconds / timed_total:.1%} | {seconds / n * 1000:.3f} |")
    lines.append(f"| **total** | 100% | {timed_total / n * 1000:.3f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    items = articles(args.rows)
    random.seed(0)
    with tempfile.TemporaryDirectory(prefix="akhbar-store-bench-") as tmp_name:
        tmp = Path(tmp_name)
        results = {"executemany": run_executemany(tmp, items), "bulk writes": run_bulk_writes(tmp, items)}
        results["Archive.store"], actions = run_store(tmp, items)
        timed_total, parts = run_store_timed(tmp, items)
    for name, seconds in results.items():
        print(f"{name:>14}: {args.rows / seconds:10,.0f} rows/s  ({seconds:.2f} s)")
    text = markdown(args.rows, results, actions, parts, timed_total)
    print(text)
    if not args.no_write:
        update_section("store", text)


if __name__ == "__main__":
    main()
