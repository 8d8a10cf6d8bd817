"""URLs as feeds need them: absolute http(s) URIs with every non-ASCII character percent-encoded.

Feed validators reject IRIs, spaces and relative references in links, ids and enclosures, and Arabic
sites print all three. ``to_uri`` turns whatever the archive holds into a valid URI, or None when no
valid absolute http(s) URI can be made of it, so a caller can fall back instead of writing a bad link.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

DEFAULT_BASE_URL = "http://127.0.0.1:8080/"
"""Where ``akhbar serve`` serves the export by default; used when no ``--base-url`` is given."""

_SCHEMES = ("http", "https")
_HOST_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")
_IPV6_RE = re.compile(r"^\[[0-9a-f:.]+\]$")
# Characters kept as they are in each component; '%' is kept only before two hex digits (see _quote).
_SAFE_PATH = "/!$&'()*+,;=:@-._~"
_SAFE_QUERY = _SAFE_PATH + "?"
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _quote(component: str, safe: str) -> str:
    # Keep existing %XX escapes (a second quote would double-encode them), escape a lone '%'.
    component = _STRAY_PERCENT.sub("%25", component)
    return quote(component, safe=safe + "%")


def _host(hostname: str) -> str | None:
    if _IPV6_RE.match(hostname):
        return hostname
    try:
        ascii_host = hostname.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    return ascii_host if _HOST_RE.match(ascii_host) else None


def to_uri(url: str | None, base: str | None = None) -> str | None:
    """``url`` (resolved against ``base`` when relative) as an absolute, percent-encoded http(s) URI."""
    if not url:
        return None
    url = _CONTROLS.sub("", url.strip())
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        port = parts.port
        raw_host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES or not raw_host:
        return None
    host = _host(raw_host)
    if host is None:
        return None
    netloc = f"[{host.strip('[]')}]" if host.startswith("[") else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            _quote(parts.path, _SAFE_PATH) or "/",
            _quote(parts.query, _SAFE_QUERY),
            _quote(parts.fragment, _SAFE_QUERY),
        )
    )


def normalize_base_url(base_url: str | None) -> str:
    """The export's public base URL, absolute and ending with ``/``; raises ValueError when unusable."""
    uri = to_uri(base_url or DEFAULT_BASE_URL)
    if uri is None:
        raise ValueError(f"base URL {base_url!r} is not an absolute http(s) URL")
    parts = urlsplit(uri)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def public_url(base_url: str, relpath: str) -> str:
    """The URL of ``relpath`` (a path under the export directory, '/'-separated) under ``base_url``."""
    return base_url + quote(relpath, safe="/-._~")
