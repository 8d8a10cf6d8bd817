"""``ItemQueue``: the Redis list that carries articles from the crawl processes to ``akhbar ingest``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import redis

from crawler.distributed.keys import ITEMS_KEY, WORKER_STATS_KEY
from crawler.items import Article


def encode_article(article: Article) -> str:
    """JSON of ``Article.to_dict()``, Arabic kept as UTF-8 text."""
    return json.dumps(article.to_dict(), ensure_ascii=False, separators=(",", ":"))


def decode_article(data: bytes | str) -> Article:
    """The inverse of ``encode_article``; unknown fields (from a newer crawler) are ignored."""
    values = json.loads(data)
    known = set(Article.__dataclass_fields__) - {"fingerprint"}  # derived data is never taken from outside
    return Article(**{k: v for k, v in values.items() if k in known})


class ItemQueue:
    """Articles pushed right by the crawlers and popped left by the ingest (FIFO), plus worker figures."""

    def __init__(self, client: redis.Redis, key: str = ITEMS_KEY, stats_key: str = WORKER_STATS_KEY) -> None:
        self.client = client
        self.key = key
        self.stats_key = stats_key

    @classmethod
    def from_url(cls, url: str, key: str = ITEMS_KEY) -> ItemQueue:
        return cls(redis.Redis.from_url(url), key)

    def push(self, article: Article) -> None:
        self.client.rpush(self.key, encode_article(article).encode("utf-8"))

    def pop_batch(self, size: int, timeout: float = 0) -> list[Article]:
        """Up to ``size`` articles; waits up to ``timeout`` seconds for the first one when ``timeout`` > 0."""
        client: Any = self.client
        raw: list[bytes] = list(client.lpop(self.key, size) or [])
        if not raw and timeout > 0:
            first = client.blpop([self.key], timeout=timeout)
            if first:
                raw = [first[1], *(client.lpop(self.key, size - 1) or [])] if size > 1 else [first[1]]
        return [decode_article(data) for data in raw]

    def __len__(self) -> int:
        return int(self.client.llen(self.key))

    def push_figures(self, figures: Mapping[str, Any]) -> None:
        """A closing crawl process's counters (``akhbar/site/…`` and ``akhbar/dropped/…``)."""
        self.client.rpush(self.stats_key, json.dumps(dict(figures), ensure_ascii=False, default=str))

    def has_figures(self) -> bool:
        return bool(self.client.llen(self.stats_key))

    def pop_figures(self) -> list[dict[str, Any]]:
        raw: list[bytes] = []
        while data := self.client.lpop(self.stats_key):
            raw.append(data)  # type: ignore[arg-type]
        return [json.loads(item) for item in raw]
