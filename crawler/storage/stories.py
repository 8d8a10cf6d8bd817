"""Stories: the settings that group copies into them, their derived columns, and recomputing them all.

A new article joins the story of the most similar article stored before it, when the LSH bands make the two
candidates and their signatures agree on at least the threshold's share of values (``Archive._matching_story``).
Those numbers are settings, ``AKHBAR_STORY_THRESHOLD``, ``AKHBAR_STORY_BANDS``, ``AKHBAR_STORY_ROWS`` and
``AKHBAR_STORY_HOT_BAND`` (crawler/settings.py), checked here against the band arithmetic: with b bands of r rows,
a pair of similarity s becomes a candidate with probability 1 - (1 - s^r)^b, which rises steeply around
(1/b)^(1/r). A threshold at which that probability is below one half would group by chance, not by similarity.

``recluster`` recomputes every story from the stored signatures and band keys: the stories the crawl would have
made had it stored the same articles, in the same order (article ids), with the given settings. A story is
named by its founder, the first stored (lowest id) of its articles: a recomputed story keeps the id of the story
its founder founded, any other gets a new id, and a story no article is left in is deleted. So a second run with
the same settings finds every story as it is and changes nothing.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

import numpy as np

from crawler.storage import minhash
from crawler.storage.db import write_transaction

THRESHOLD_SETTING = "AKHBAR_STORY_THRESHOLD"
BANDS_SETTING = "AKHBAR_STORY_BANDS"
ROWS_SETTING = "AKHBAR_STORY_ROWS"
HOT_BAND_SETTING = "AKHBAR_STORY_HOT_BAND"
MIN_CANDIDATE_PROBABILITY = 0.5
"""A pair exactly at the threshold must become a candidate at least this often."""
DEFAULT_BANDING = f"{minhash.BANDS}x{minhash.ROWS}"
BANDING_KEY = "lsh_banding"
"""``archive_meta`` key: the banding (``<bands>x<rows>``) of the stored ``lsh_bands`` rows; absent means
DEFAULT_BANDING, the one ``minhash.SCHEME`` names."""


class StorySettingsError(ValueError):
    """Story settings that cannot work; the message is one line naming the setting."""


@dataclass(frozen=True)
class StorySettings:
    """How copies are grouped into stories. Invalid values raise StorySettingsError on construction."""

    threshold: float = minhash.THRESHOLD
    """Estimated Jaccard similarity at or above which a candidate joins the story (``AKHBAR_STORY_THRESHOLD``)."""
    bands: int = minhash.BANDS
    """LSH bands per signature (``AKHBAR_STORY_BANDS``)."""
    rows: int = minhash.ROWS
    """Signature values per band (``AKHBAR_STORY_ROWS``); bands × rows is the signature length."""
    hot_band: int = minhash.HOT_BAND
    """A band key held by more stored articles than this finds no candidates (``AKHBAR_STORY_HOT_BAND``)."""

    def __post_init__(self) -> None:
        if self.bands < 1 or self.rows < 1:
            raise StorySettingsError(
                f"{BANDS_SETTING} and {ROWS_SETTING} must be at least 1, got {self.bands} and {self.rows}"
            )
        if self.bands * self.rows != minhash.NUM_PERM:
            raise StorySettingsError(
                f"{BANDS_SETTING} × {ROWS_SETTING} must be the signature length {minhash.NUM_PERM},"
                f" got {self.bands} × {self.rows} = {self.bands * self.rows}"
            )
        if not (0 < self.threshold <= 1):
            raise StorySettingsError(f"{THRESHOLD_SETTING} must be above 0 and at most 1, got {self.threshold:g}")
        if self.hot_band < 1:
            raise StorySettingsError(f"{HOT_BAND_SETTING} must be at least 1, got {self.hot_band}")
        chance = self.candidate_probability(self.threshold)
        if chance < MIN_CANDIDATE_PROBABILITY:
            lowest = math.ceil(self.lowest_threshold() * 100) / 100
            raise StorySettingsError(
                f"{THRESHOLD_SETTING} {self.threshold:g} is far below what {self.bands_of_rows()}"
                f" can find (about {self.lsh_threshold():.2f}): a pair that similar becomes a candidate with"
                f" probability {chance:.2f}; use {lowest:.2f} or more, or more bands of fewer rows"
            )

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> StorySettings:
        """The story settings of a Scrapy ``Settings`` (or any mapping), defaults where one is unset."""
        return cls(
            threshold=_number(values, THRESHOLD_SETTING, minhash.THRESHOLD),
            bands=_whole(values, BANDS_SETTING, minhash.BANDS),
            rows=_whole(values, ROWS_SETTING, minhash.ROWS),
            hot_band=_whole(values, HOT_BAND_SETTING, minhash.HOT_BAND),
        )

    @property
    def banding(self) -> str:
        return f"{self.bands}x{self.rows}"

    def describe(self) -> str:
        return f"threshold {self.threshold:g}, {self.bands_of_rows()}, hot band {self.hot_band}"

    def bands_of_rows(self) -> str:
        bands = "band" if self.bands == 1 else "bands"
        return f"{self.bands} {bands} of {self.rows} {'row' if self.rows == 1 else 'rows'}"

    def candidate_probability(self, similarity: float) -> float:
        """How likely a pair of this similarity shares at least one band key."""
        return 1.0 - (1.0 - similarity**self.rows) ** self.bands

    def lsh_threshold(self) -> float:
        """The similarity around which the candidate probability rises steeply: (1/b)^(1/r)."""
        return float((1.0 / self.bands) ** (1.0 / self.rows))

    def lowest_threshold(self) -> float:
        """The similarity at which a pair becomes a candidate with MIN_CANDIDATE_PROBABILITY."""
        return float((1.0 - (1.0 - MIN_CANDIDATE_PROBABILITY) ** (1.0 / self.bands)) ** (1.0 / self.rows))

    def band_keys(self, sig: np.ndarray, given: Sequence[int] | None = None) -> list[int]:
        """The band keys of ``sig`` in this banding; ``given`` keys are taken as they are when this banding is the
        default one, in which fingerprints compute them."""
        if given is not None and self.banding == DEFAULT_BANDING:
            return list(given)
        return minhash.band_keys(sig, self.bands, self.rows)


def _raw(values: Mapping[str, Any], name: str) -> Any:
    value = values.get(name)
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _number(values: Mapping[str, Any], name: str, default: float) -> float:
    raw = _raw(values, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise StorySettingsError(f"{name} must be a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise StorySettingsError(f"{name} must be a number, got {raw!r}")
    return value


def _whole(values: Mapping[str, Any], name: str, default: int) -> int:
    raw = _raw(values, name)
    if raw is None:
        return default
    try:
        return int(str(raw).strip())
    except ValueError:
        raise StorySettingsError(f"{name} must be a whole number, got {raw!r}") from None


# -- band keys ---------------------------------------------------------------------------------------------------


def stored_banding(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM archive_meta WHERE key = ?", (BANDING_KEY,)).fetchone()
    return str(row[0]) if row is not None else DEFAULT_BANDING


def record_banding(conn: sqlite3.Connection, story: StorySettings) -> None:
    conn.execute("INSERT OR REPLACE INTO archive_meta (key, value) VALUES (?, ?)", (BANDING_KEY, story.banding))


def rebuild_bands(conn: sqlite3.Connection, story: StorySettings, batch: int = 500) -> int:
    """Replace every stored band key by those of ``story``'s banding, computed from the stored signatures, and
    record the banding; returns how many articles got keys. Runs inside the caller's transaction."""
    conn.execute("DELETE FROM lsh_bands")
    last, rebuilt = 0, 0
    while True:
        rows = conn.execute(
            "SELECT article_id, signature FROM minhashes WHERE article_id > ? ORDER BY article_id LIMIT ?",
            (last, batch),
        ).fetchall()
        if not rows:
            break
        conn.executemany(
            "INSERT INTO lsh_bands (band_key, article_id) VALUES (?, ?)",
            [(key, article_id) for article_id, blob in rows for key in story.band_keys(minhash.from_blob(blob))],
        )
        rebuilt += len(rows)
        last = rows[-1][0]
    record_banding(conn, story)
    return rebuilt


# -- derived columns ---------------------------------------------------------------------------------------------

_STORY_ARTICLES = (
    "SELECT id, site, COALESCE(published, first_seen), agencies FROM articles WHERE story_id = ?"
    " ORDER BY COALESCE(published_utc, first_seen), id"
)
_UPDATE_STORY = (
    "UPDATE stories SET first_article_id = :first, first_site = :site, first_published = :published,"
    " agencies = :agencies, article_count = :count WHERE id = :id AND (first_article_id IS NOT :first"
    " OR first_site IS NOT :site OR first_published IS NOT :published OR agencies IS NOT :agencies"
    " OR article_count IS NOT :count)"
)


def _derived(story_id: int, rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """A story's derived columns from its articles, earliest first: (id, site, published or first seen, agencies)."""
    agencies: list[str] = []
    for row in rows:
        for agency in json.loads(row[3] or "[]"):
            if agency not in agencies:
                agencies.append(agency)
    first = rows[0]
    return {"id": story_id, "first": first[0], "site": first[1], "published": first[2],
            "agencies": json.dumps(agencies), "count": len(rows)}  # fmt: skip


def refresh_story(conn: sqlite3.Connection, story_id: int) -> bool:
    """Recompute a story's first copy, first publisher, copy count and credited agencies from its articles.

    Returns False, writing nothing, when no article is left in the story.
    """
    rows = conn.execute(_STORY_ARTICLES, (story_id,)).fetchall()
    if not rows:
        return False
    conn.execute(_UPDATE_STORY, _derived(story_id, rows))
    return True


def refresh_all_stories(conn: sqlite3.Connection, batch: int = 500) -> int:
    """``refresh_story`` for every story in one pass over the articles; returns how many rows changed."""
    cursor = conn.execute(
        "SELECT story_id, id, site, COALESCE(published, first_seen), agencies FROM articles"
        " WHERE story_id IS NOT NULL ORDER BY story_id, COALESCE(published_utc, first_seen), id"
    )
    pending: list[dict[str, Any]] = []
    changed = 0
    current: int | None = None
    members: list[tuple[Any, ...]] = []
    for story_id, *row in cursor:
        if story_id != current and members:
            pending.append(_derived(int(current or 0), members))
            members = []
        current = story_id
        members.append(tuple(row))
        if len(pending) >= batch:
            changed += _apply(conn, pending)
            pending = []
    if members:
        pending.append(_derived(int(current or 0), members))
    return changed + _apply(conn, pending)


def _apply(conn: sqlite3.Connection, updates: list[dict[str, Any]]) -> int:
    if not updates:
        return 0
    cursor = conn.executemany(_UPDATE_STORY, updates)
    return max(cursor.rowcount, 0)


# -- recluster ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReclusterReport:
    """What ``recluster`` did, counted over the stories there were before it."""

    merged: int
    """Stories whose articles all went into one story together with other stories' articles."""
    split: int
    """Stories whose articles went into two stories or more."""
    stayed: int
    """Stories that kept exactly their articles (and so their id)."""
    stories_before: int
    stories_after: int
    moved: int
    """Articles whose story changed."""
    recounted: int
    """Stories whose derived columns (first copy, first site, agencies, count) were rewritten."""
    rebanded: int
    """Articles whose band keys were recomputed for a banding other than the stored one (0: none was)."""


# The crawl's candidate rule, for every article at once: a band key is looked up only when at most ``hot`` rows
# held it before the article was stored (``prior``, the rows of lower article ids), and then every earlier holder
# is a candidate. Only keys held twice or more can pair anything; RANK counts rows, as the crawl's COUNT does.
_CANDIDATES = """
WITH ranked AS (
    SELECT band_key, article_id,
           RANK() OVER (PARTITION BY band_key ORDER BY article_id) - 1 AS prior,
           COUNT(*) OVER (PARTITION BY band_key) AS holders
    FROM lsh_bands
),
shared AS (SELECT band_key, article_id, prior FROM ranked WHERE holders > 1 AND prior <= :hot),
pairs AS (
    SELECT DISTINCT later.article_id AS later_id, earlier.article_id AS earlier_id
    FROM shared AS later JOIN shared AS earlier
      ON earlier.band_key = later.band_key AND earlier.prior < later.prior
)
SELECT pairs.later_id, pairs.earlier_id, ml.signature, me.signature FROM pairs
JOIN minhashes AS ml ON ml.article_id = pairs.later_id
JOIN minhashes AS me ON me.article_id = pairs.earlier_id
ORDER BY pairs.later_id, pairs.earlier_id
"""


def best_matches(conn: sqlite3.Connection, story: StorySettings) -> Iterator[tuple[int, int]]:
    """(article, the earlier article it would join) for every article that has one, in article order.

    The match is the most similar candidate at or above the threshold; of equally similar ones the earliest,
    as ``minhash.best_match`` picks the first of the crawl's candidates, which come in article order.
    """
    rows = conn.execute(_CANDIDATES, {"hot": story.hot_band})
    for later_id, group in groupby(rows, key=itemgetter(0)):
        pairs = list(group)
        match = minhash.best_match(minhash.from_blob(pairs[0][2]), [(p[1], p[3]) for p in pairs], story.threshold)
        if match is not None:
            yield later_id, match[0]


_TEMP_TABLES = ("recluster_articles", "recluster_old", "recluster_new")


def recluster(conn: sqlite3.Connection, story: StorySettings) -> ReclusterReport:
    """Recompute every story with ``story``'s settings in one write transaction (see the module docstring).

    Readers keep seeing the stories as they were until the transaction commits; a writer waits for it.
    """
    with write_transaction(conn):
        report = _recluster(conn, story)
        for table in _TEMP_TABLES:
            conn.execute(f"DROP TABLE temp.{table}")
    return report


def _recluster(conn: sqlite3.Connection, story: StorySettings) -> ReclusterReport:
    rebanded = rebuild_bands(conn, story) if stored_banding(conn) != story.banding else 0
    (before,) = conn.execute("SELECT COUNT(*) FROM stories").fetchone()
    # One row per article: the story it is in (an article without one counts as a story of its own) and the
    # founder of the story it will be in, ``root``.
    conn.execute(
        "CREATE TEMP TABLE recluster_articles (article_id INTEGER PRIMARY KEY, old_story INTEGER NOT NULL,"
        " root INTEGER NOT NULL)"
    )
    conn.execute("INSERT INTO temp.recluster_articles SELECT id, COALESCE(story_id, -id), id FROM articles")
    roots: dict[int, int] = {}
    for article_id, match in best_matches(conn, story):
        roots[article_id] = roots.get(match, match)  # the match came earlier: its root is settled
    conn.executemany(
        "UPDATE temp.recluster_articles SET root = ? WHERE article_id = ?", [(r, a) for a, r in roots.items()]
    )
    conn.execute(
        "CREATE TEMP TABLE recluster_old (old_story INTEGER PRIMARY KEY, parts INTEGER NOT NULL,"
        " root INTEGER NOT NULL, founder INTEGER NOT NULL)"
    )
    conn.execute(
        "INSERT INTO temp.recluster_old SELECT old_story, COUNT(DISTINCT root), MIN(root), MIN(article_id)"
        " FROM temp.recluster_articles GROUP BY old_story"
    )
    conn.execute(
        "CREATE TEMP TABLE recluster_new (root INTEGER PRIMARY KEY, sources INTEGER NOT NULL, story_id INTEGER)"
    )
    conn.execute(
        "INSERT INTO temp.recluster_new (root, sources)"
        " SELECT root, COUNT(DISTINCT old_story) FROM temp.recluster_articles GROUP BY root"
    )
    stayed, merged = conn.execute(
        "SELECT COALESCE(SUM(n.sources = 1), 0), COALESCE(SUM(n.sources > 1), 0) FROM temp.recluster_old o"
        " JOIN temp.recluster_new n ON n.root = o.root WHERE o.parts = 1"
    ).fetchone()
    (split,) = conn.execute("SELECT COUNT(*) FROM temp.recluster_old WHERE parts > 1").fetchone()
    # A story keeps its id when its founder founded it before.
    conn.execute(
        "UPDATE temp.recluster_new SET story_id = (SELECT o.old_story FROM temp.recluster_articles a"
        " JOIN temp.recluster_old o ON o.old_story = a.old_story"
        " WHERE a.article_id = recluster_new.root AND o.founder = a.article_id"
        " AND EXISTS (SELECT 1 FROM stories WHERE stories.id = o.old_story))"
    )
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for (root,) in conn.execute("SELECT root FROM temp.recluster_new WHERE story_id IS NULL ORDER BY root").fetchall():
        # Its derived columns are filled in by refresh_all_stories below.
        cursor = conn.execute("INSERT INTO stories (agencies, article_count, created) VALUES ('[]', 0, ?)", (now,))
        conn.execute("UPDATE temp.recluster_new SET story_id = ? WHERE root = ?", (cursor.lastrowid, root))
    moves = conn.execute(
        "SELECT a.article_id, n.story_id FROM temp.recluster_articles a JOIN temp.recluster_new n ON n.root = a.root"
        " WHERE a.old_story IS NOT n.story_id"
    ).fetchall()
    conn.executemany("UPDATE articles SET story_id = ? WHERE id = ?", [(s, a) for a, s in moves])
    conn.execute("DELETE FROM stories WHERE NOT EXISTS (SELECT 1 FROM articles WHERE articles.story_id = stories.id)")
    recounted = refresh_all_stories(conn)
    (after,) = conn.execute("SELECT COUNT(*) FROM stories").fetchone()
    return ReclusterReport(
        merged=int(merged), split=int(split), stayed=int(stayed), stories_before=int(before),
        stories_after=int(after), moved=len(moves), recounted=recounted, rebanded=rebanded,
    )  # fmt: skip
