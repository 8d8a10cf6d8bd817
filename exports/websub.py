"""WebSub publish pings: tell a hub which feed URLs changed (off unless a hub URL is configured)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import urlencode

TIMEOUT = 10.0


def ping_hub(hub_url: str, feed_urls: Iterable[str], timeout: float = TIMEOUT) -> list[str]:
    """POST ``hub.mode=publish`` for each URL; returns one error message per failed ping."""
    errors: list[str] = []
    for url in feed_urls:
        data = urlencode({"hub.mode": "publish", "hub.url": url}).encode("ascii")
        request = urllib.request.Request(
            hub_url, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            errors.append(f"{url}: {exc}")
    return errors
