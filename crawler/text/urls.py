"""Canonical article URLs: the key of a site's copy of an article.

``canonicalize`` turns the many URLs of one page (tracking parameters, AMP and mobile twins, http/https,
trailing slashes, percent-encoding variants of Arabic paths) into one. ``choose_canonical`` decides whether a
page's own ``rel=canonical`` / ``og:url`` may be trusted: only when it points at the same site.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "_ga", "_gl", "ref", "ref_src", "ref_url", "cmpid", "ocid", "ito", "ncid", "sr_share", "share",
        "amp", "amp_js_v", "usqp", "outputtype", "fb_action_ids", "fb_action_types", "fb_source",
        "spm", "xtor", "at_medium", "at_campaign", "s_cid", "soc_src", "soc_trk", "mkt_tok",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__twitter", "oly_")
_AMP_PATH = re.compile(r"(?:/amp|/amp\.html|\.amp|/amp/?)$", re.I)
_MOBILE_HOST = re.compile(r"^(?:m|mobile|amp)\.", re.I)
# Characters left as they are inside a path; everything else (Arabic letters included) is percent-encoded
# with upper-case hex, so two encodings of the same path compare equal.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/:@!$'()*+,;-._~?"


class UrlError(ValueError):
    """A string that is not an absolute http(s) URL."""


def _encode_path(path: str) -> str:
    return quote(unquote(path), safe=_PATH_SAFE)


def _clean_query(query: str) -> str:
    kept = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    kept.sort()
    return urlencode(kept, quote_via=lambda s, *_a: quote(s, safe=_QUERY_SAFE))


def canonicalize(url: str, *, site_hosts: Iterable[str] = (), scheme: str = "https") -> str:
    """The canonical form of an article URL.

    - one scheme for http and https variants (``scheme``: the site's own, https unless the site is http-only),
      host lower-cased without ``www.``, default ports dropped; ``m.``/``mobile.``/``amp.`` hosts mapped
      to the site's main host when given in ``site_hosts``;
    - ``/amp`` and ``.amp`` path suffixes removed;
    - tracking parameters removed, the rest sorted; fragment removed;
    - the path percent-encoded one way (upper-case hex) and without a trailing slash.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlError(f"not a URL: {url!r}") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UrlError(f"not an absolute http(s) URL: {url!r}")
    host = parts.hostname.lower().rstrip(".")
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    host = host.removeprefix("www.")
    mobile = _MOBILE_HOST.match(host)
    if mobile:
        main = host[mobile.end() :]
        known = {h.lower().removeprefix("www.") for h in site_hosts}
        if not known or main in known:
            host = main
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = _encode_path(parts.path or "/")
    path = _AMP_PATH.sub("", path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit((scheme, netloc, path, _clean_query(parts.query), ""))


def same_site(url: str, hosts: Iterable[str]) -> bool:
    r"""True when ``url``'s host is one of ``hosts`` or a subdomain of one (``www.`` ignored).

    The host is read from the URL as it will be fetched: Scrapy fetches ``safe_url_string(url)``, which follows
    the WHATWG rules (``\`` is ``/``), so ``http://OTHER\@SITE/`` is a request to OTHER, not to SITE. A URL
    with credentials in it is never the site's."""
    try:
        parts = urlsplit(safe_url_string(url.strip()))
        if "@" in parts.netloc:
            return False
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:
        return False
    for allowed in hosts:
        allowed = allowed.lower().removeprefix("www.")
        if host == allowed or host.endswith("." + allowed):
            return True
    return False


def choose_canonical(
    fetched_url: str, declared: Iterable[str | None], site_hosts: Iterable[str], scheme: str = "https"
) -> str:
    """The canonical URL of a page: the first declared one on the same site, else the fetched URL, canonicalized.

    A declared canonical pointing at another site (a syndication partner, a CDN, a homepage) is not trusted,
    nor is one that points at the site's homepage.
    """
    hosts = list(site_hosts)
    for candidate in declared:
        if not candidate:
            continue
        try:
            canonical = canonicalize(candidate, site_hosts=hosts, scheme=scheme)
        except UrlError:
            continue
        if same_site(canonical, hosts) and urlsplit(canonical).path not in ("", "/"):
            return canonical
    return canonicalize(fetched_url, site_hosts=hosts, scheme=scheme)
