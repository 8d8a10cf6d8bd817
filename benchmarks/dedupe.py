"""Story grouping on generated Arabic articles with planted wire copies, against an exact-hash baseline.

Generates N originals spread over 40 sites. A share of them is republished by 1–3 other sites with spelling
drift and word edits at known rates (some with a different lead paragraph); a share has a sibling, a different
story on the same event that quotes one of its paragraphs, which must not be grouped with it. Every article
goes through ``Archive.store`` (the code the crawl uses) into a fresh SQLite file. Reports, for akhbar's
MinHash/LSH grouping and for grouping by exact normalized-text hash, measured in the same run: pairwise
precision and recall of story grouping (overall and per edit rate), time per 1,000 articles, and peak memory
(each method in its own process, so the figures do not mix).

    python benchmarks/dedupe.py --articles 100000
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus_text import TextGenerator, edit_words, respell
from benchmarks.report import update_section
from crawler.items import Article
from crawler.registry import Site
from crawler.storage.archive import Archive
from crawler.storage.db import open_db
from crawler.text.arabic import content_hash

SITES = [f"site{i:02d}" for i in range(40)]
EDIT_RATES = (0.0, 0.05, 0.10, 0.20, 0.30)
COPY_SHARE = 0.25
SIBLING_SHARE = 0.1


@dataclass
class Planted:
    article: Article
    truth: int
    edit_rate: float | None


def generate(n: int, seed: int = 11) -> Iterator[Planted]:
    """About ``n`` articles: originals, and copies of a quarter of them on other sites."""
    gen = TextGenerator(seed)
    rng = random.Random(seed)
    made = 0
    story = 0
    while made < n:
        story += 1
        site = rng.choice(SITES)
        paragraphs = gen.article()
        title = gen.title()
        original = story
        yield Planted(make(site, original, 0, title, paragraphs), original, None)
        made += 1
        if rng.random() < SIBLING_SHARE and made < n:
            # Another story on the same event: it quotes the same statement (one shared paragraph) but is
            # otherwise written apart. Grouping it with the first would be a false merge.
            story += 1
            sibling = [*gen.article((3, 6)), rng.choice(paragraphs)]
            rng.shuffle(sibling)
            yield Planted(make(rng.choice(SITES), story, 0, gen.title(), sibling), story, None)
            made += 1
        if rng.random() >= COPY_SHARE:
            continue
        for copy in range(1, rng.randint(2, 4)):
            if made >= n:
                break
            rate = rng.choice(EDIT_RATES)
            other = rng.choice([s for s in SITES if s != site])
            body = [edit_words(respell(p, rng), rate, rng, gen.words) for p in paragraphs]
            if rng.random() < 0.3:
                body[0] = gen.paragraph()  # the republishing site writes its own lead
            yield Planted(make(other, original, copy, respell(title, rng), body), original, rate)
            made += 1


def make(site: str, story: int, copy: int, title: str, paragraphs: list[str]) -> Article:
    url = f"https://{site}.example/news/{story}-{copy}"
    item = Article(url=url, canonical_url=url, site=site, title=title, body="\n".join(paragraphs), language="ar")
    item.content_hash = content_hash(item.title, item.body)
    return item


def pairs(groups: dict[int, list[int]]) -> set[tuple[int, int]]:
    return {pair for members in groups.values() for pair in itertools.combinations(sorted(members), 2)}


def run_method(method: str, n: int, queue: multiprocessing.Queue[dict[str, object]]) -> None:
    """Store n generated articles with one grouping method; report grouping and costs through ``queue``."""
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        archive = Archive(db)
        archive.sync_sites(Site(s, s, s, f"https://{s}.example/", "SY") for s in SITES)
        truth: dict[int, int] = {}
        rates: dict[int, float | None] = {}
        predicted: dict[int, int] = {}
        by_hash: dict[str, int] = {}
        batch: list[Planted] = []
        elapsed = 0.0
        index = 0

        def flush() -> None:
            nonlocal elapsed, index
            start = time.perf_counter()
            if method == "akhbar":
                outcomes = archive.store([p.article for p in batch])
                for planted, outcome in zip(batch, outcomes, strict=True):
                    truth[index] = planted.truth
                    rates[index] = planted.edit_rate
                    predicted[index] = outcome.story_id or -index
                    index += 1
            else:
                for planted in batch:
                    digest = planted.article.content_hash or ""
                    truth[index] = planted.truth
                    rates[index] = planted.edit_rate
                    predicted[index] = by_hash.setdefault(digest, len(by_hash))
                    index += 1
            elapsed += time.perf_counter() - start
            batch.clear()

        for planted in generate(n):
            batch.append(planted)
            if len(batch) == 200:
                flush()
        flush()
        db.conn.close()
    true_groups: dict[int, list[int]] = defaultdict(list)
    found_groups: dict[int, list[int]] = defaultdict(list)
    for i, story in truth.items():
        true_groups[story].append(i)
        found_groups[predicted[i]].append(i)
    true_pairs, found_pairs = pairs(true_groups), pairs(found_groups)
    hits = true_pairs & found_pairs
    per_rate = {}
    for rate in EDIT_RATES:
        wanted = {(a, b) for a, b in true_pairs if rates[b] == rate and rates[a] is None}
        per_rate[rate] = len(wanted & found_pairs) / len(wanted) if wanted else float("nan")
    queue.put(
        {
            "method": method,
            "articles": len(truth),
            "true_pairs": len(true_pairs),
            "precision": len(hits) / len(found_pairs) if found_pairs else 1.0,
            "recall": len(hits) / len(true_pairs) if true_pairs else 1.0,
            "recall_by_rate": per_rate,
            "seconds_per_1000": elapsed / len(truth) * 1000,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def measure(method: str, n: int) -> dict[str, object]:
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[dict[str, object]] = ctx.Queue()
    process = ctx.Process(target=run_method, args=(method, n, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def table(results: list[dict[str, object]], n: int) -> str:
    lines = [
        f"## Dedupe: story grouping ({n:,} generated articles, 40 sites, {COPY_SHARE:.0%} of stories republished)",
        "",
        "`python benchmarks/dedupe.py --articles N`. Pairwise precision and recall of story grouping against the",
        "planted truth; recall by the word-edit rate of the copy (copies also differ in hamza, ta marbuta, tatweel",
        "and harakat, and 30% carry another lead paragraph). 10% of stories have a same-event sibling sharing one",
        "paragraph, which counts against precision if grouped. Each method runs in its own process.",
        "",
        "| method | precision | recall | " + " | ".join(f"recall @ {r:.0%} edits" for r in EDIT_RATES)
        + " | s / 1,000 articles | peak RSS MB |",
        "|---|---|---|" + "---|" * len(EDIT_RATES) + "---|---|",
    ]
    for r in results:
        by_rate = r["recall_by_rate"]
        assert isinstance(by_rate, dict)
        lines.append(
            f"| {r['method']} | {r['precision']:.3f} | {r['recall']:.3f} | "
            + " | ".join(f"{by_rate[rate]:.3f}" for rate in EDIT_RATES)
            + f" | {r['seconds_per_1000']:.2f} | {r['peak_mb']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--also", type=int, default=10_000, help="a smaller run too, to show memory does not grow with the archive"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    results = [measure("exact-hash", args.articles), measure("akhbar", args.articles)]
    print(json.dumps(results, indent=2, default=str))
    markdown = table(results, args.articles)
    if args.also and args.also < args.articles:
        small = measure("akhbar", args.also)
        growth = float(str(results[1]["peak_mb"])) / float(str(small["peak_mb"]))
        markdown += (
            f"\n\nMemory as the archive grows: akhbar's peak RSS is {small['peak_mb']:.0f} MB at {args.also:,} articles"
            f" and {results[1]['peak_mb']:.0f} MB at {args.articles:,} ({growth:.2f}×): the LSH index lives in SQLite."
        )
    print(markdown)
    if not args.no_write:
        update_section("dedupe", markdown)


if __name__ == "__main__":
    main()
