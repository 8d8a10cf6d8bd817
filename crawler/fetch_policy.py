"""How Akhbar fetches from publishers: one policy for the crawl, ``akhbar doctor`` and ``akhbar extract URL``.

- Who it says it is: ``user_agent()``, ``Akhbar/<version> (+<AKHBAR_CONTACT_URL>)``.
- What robots.txt allows: ``robots_rules()``, Protego on the first 500 KiB, as Google reads it.
- What a block answer is: ``challenge_reason()`` (a bot challenge served instead of the content) and
  ``block_reason()`` (that, or an HTML page where a feed or a sitemap was asked for).
- What a blocked site is: ``site_blocked()``, from the counts of one run, for the run's status and its history.
- For the tools that fetch without Scrapy (doctor, extract URL): ``fetch_url()``, one GET under this policy.

Plain Python, no Scrapy imports: the Scrapy middlewares and the store pipeline adapt their requests, answers and
stats to these functions.
"""

from __future__ import annotations

import contextlib
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

from protego import Protego

from crawler import __version__
from crawler.discovery.autodiscovery import MAX_ROBOTS_BYTES
from crawler.discovery.model import DiscoveryError, maybe_gunzip

# -- who we are ------------------------------------------------------------------------------------------------

DEFAULT_CONTACT_URL = "https://github.com/akhbar-news/akhbar"
"""The contact URL of the User-Agent when ``AKHBAR_CONTACT_URL`` is not set."""


def contact_url() -> str:
    """``AKHBAR_CONTACT_URL`` from the environment, else the project's page."""
    return os.environ.get("AKHBAR_CONTACT_URL") or DEFAULT_CONTACT_URL


def user_agent(contact: str | None = None) -> str:
    """``Akhbar/<version> (+<contact>)``: where a publisher can reach whoever runs this crawler.

    ``contact`` defaults to ``contact_url()``; the crawl passes its ``AKHBAR_CONTACT_URL`` setting.
    """
    return f"Akhbar/{__version__} (+{contact or contact_url()})"


# -- robots.txt ------------------------------------------------------------------------------------------------


def robots_url(url: str) -> str:
    """The robots.txt that rules ``url``: ``/robots.txt`` of its scheme, host and port."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def bounded(body: bytes, limit: int = MAX_ROBOTS_BYTES) -> bytes:
    """The first ``limit`` bytes of ``body``, ending at a line break when there is one."""
    if len(body) <= limit:
        return body
    head = body[:limit]
    cut = head.rfind(b"\n")
    return head[: cut + 1] if cut > 0 else head


def robots_rules(body: bytes) -> Protego:
    """The rules of a robots.txt body: Protego on its first ``MAX_ROBOTS_BYTES``, cut at the last complete line.

    A publisher's robots.txt of 14 MiB cost 16 s to parse; Google reads the first 500 KiB and ignores the rest,
    and so does this. Decoded as Scrapy decodes it: UTF-8 with or without a BOM, undecodable bytes dropped.
    """
    return Protego.parse(bounded(body).decode("utf-8-sig", errors="ignore"))


def robots_allow(rules: Protego | None, url: str, agent: str | None = None) -> bool:
    """Whether ``rules`` let ``agent`` (our User-Agent by default) fetch ``url``; no rules allow everything."""
    return rules is None or rules.can_fetch(url, agent or user_agent())


# -- block answers ---------------------------------------------------------------------------------------------

CHALLENGE_STATUSES = frozenset({202, 403, 429, 503})
"""Statuses a bot challenge comes with: a page with one of these and a marker is not the content."""
CHALLENGE_MARKERS = (
    b"captcha",
    b"cf-chl",
    b"challenge",
    b"just a moment",
    b"attention required",
    b"checking your browser",
    b"ddos-guard",
    b"incapsula",
    b"are you a robot",
    b"unusual traffic",
    b"access denied",
)
"""Lower-case bytes of Cloudflare's, DDoS-Guard's, Imperva's… challenge pages, looked for in ``SNIFF_BYTES``."""
SNIFF_BYTES = 65536


def challenge_marker(body: bytes) -> str | None:
    """The first challenge marker found near the start of a page, or None."""
    head = body[:SNIFF_BYTES].lower()
    return next((m.decode() for m in CHALLENGE_MARKERS if m in head), None)


def challenge_reason(status: int, body: bytes, mitigated: str = "") -> str | None:
    """Why an answer is a bot challenge served instead of the content, or None when it is not one.

    A challenge is Cloudflare's ``cf-mitigated: challenge`` header (``mitigated``), or a ``CHALLENGE_STATUSES``
    answer whose page carries a challenge marker.
    """
    if mitigated.strip().lower() == "challenge":
        return f"HTTP {status} challenge page (cf-mitigated)"
    if status in CHALLENGE_STATUSES and (marker := challenge_marker(body)):
        return f"HTTP {status} challenge page ({marker!r})"
    return None


def looks_like_html(content_type: str, body: bytes) -> bool:
    """An HTML page, by its Content-Type or its first bytes."""
    if "html" in content_type.lower():
        return True
    return body[:512].lstrip().lower().startswith((b"<!doctype html", b"<html"))


def block_reason(
    status: int, body: bytes, *, content_type: str = "", mitigated: str = "", expected: str | None = None
) -> str | None:
    """Why an answer is a block, or None: a bot challenge, or a 200 HTML page where ``expected`` (``feed``,
    ``sitemap``) was asked for."""
    reason = challenge_reason(status, body, mitigated)
    if reason is None and expected and status == 200 and looks_like_html(content_type, body):
        reason = f"an HTML page where a {expected} was expected"
    return reason


# -- blocked sites ---------------------------------------------------------------------------------------------

REFUSAL_STATUSES = (401, 403, 429, 503)
"""Answers that refuse the crawler: a site whose answers are at least half refusals is blocked."""


def site_blocked(figures: Mapping[str, Any]) -> bool:
    """Whether a site blocked the crawler in one run: challenge pages were seen, or at least half of its answers
    were refusals (``REFUSAL_STATUSES``).

    ``figures`` are the site's counts as ``crawler.pipelines.store.per_site_figures`` groups them and the
    ``run_sites`` table keeps them: ``responses``, and a ``detail`` holding ``blocked`` (challenge answers) and
    ``status/<code>``. A site that never answered is not blocked: it is unreachable or its sources failed.
    """
    detail: Mapping[str, Any] = figures.get("detail") or {}
    if detail.get("blocked"):
        return True
    responses = int(figures.get("responses", 0) or 0)
    refused = sum(int(detail.get(f"status/{code}", 0) or 0) for code in REFUSAL_STATUSES)
    return bool(responses) and refused * 2 >= responses


# -- one GET, for the tools outside the crawl ------------------------------------------------------------------

MAX_BODY = 20 * 1024 * 1024
"""Bytes of a body read at most."""


@dataclass(frozen=True)
class Response:
    """What one fetch gave: status 0 and ``error`` when no HTTP response came back."""

    url: str
    """Final URL, after redirects."""
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Response headers, names in lower case."""
    error: str | None = None

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type names, in lower case, or None."""
        message = Message()
        message["content-type"] = self.headers.get("content-type", "")
        found = message.get_content_charset()
        return str(found) if found else None

    @property
    def challenge(self) -> str | None:
        """``challenge_reason`` of this answer."""
        return challenge_reason(self.status, self.body, self.headers.get("cf-mitigated", ""))


def _read_body(response: Any, limit: int = MAX_BODY) -> bytes:
    body: bytes = response.read(limit)
    if (response.headers.get("Content-Encoding") or "").lower() == "gzip":
        # Capped decompression; a broken or mislabelled body is kept as served.
        with contextlib.suppress(DiscoveryError):
            body = maybe_gunzip(body)
    return body


def fetch_url(url: str, timeout: float, accept: str = "*/*") -> Response:
    """GET ``url`` with urllib and ``user_agent()``; HTTP and network errors become a Response, never raise."""
    headers = {"User-Agent": user_agent(), "Accept-Encoding": "gzip", "Accept": accept}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = {k.lower(): v for k, v in response.headers.items()}
            return Response(response.geturl(), response.status, _read_body(response), answer)
    except urllib.error.HTTPError as exc:
        answer = {k.lower(): v for k, v in (exc.headers or {}).items()}
        try:
            body = _read_body(exc)
        except OSError:
            body = b""
        return Response(exc.geturl() or url, exc.code, body, answer)
    except urllib.error.URLError as exc:
        return Response(url, 0, error=str(exc.reason))
    except (OSError, ValueError) as exc:  # timeouts, resets, malformed URLs
        return Response(url, 0, error=str(exc) or type(exc).__name__)


def read_robots(response: Response) -> Protego | None:
    """The rules of a fetched robots.txt: its body's whatever the status, as the crawl's middleware reads it (a
    404 page holds no rules); None, allowing everything, when no answer came back."""
    return robots_rules(response.body) if response.status else None
