"""The site registry: Arabic news sites described as data in a TOML file.

``sites.toml`` in this package is the default registry; ``--sites FILE`` (or ``AKHBAR_SITES``) swaps in
another file of the same form. Loading checks the whole file before anything is crawled and reports every
problem at once, one line each naming the file, the entry and the field (see docs/sites.md for the rules), so
a typo fails at start-up rather than page by page in the middle of a crawl.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

DEFAULT_REGISTRY = Path(__file__).with_name("sites.toml")
SITE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*\Z")
SITE_ID_MAX = 64
DEMO_PREFIX = "demo-"
"""Ids starting with this belong to the bundled demo's sites; only a registry marked ``demo = true`` has them."""
FEED_CONTENT_CHOICES = ("full", "summary")
CONCURRENCY_RANGE = (1, 64)
DELAY_RANGE = (0.0, 600.0)
NAME_MAX = 200
TEXT_MAX = 2000
PATTERN_MAX = 300
"""Characters of one ``article_urls`` / ``ignore_urls`` regex."""
PATTERNS_MAX = 50
"""Regexes in one ``article_urls`` or ``ignore_urls`` array."""
MAX_FILE_BYTES = 8 * 1024 * 1024
# The two-letter codes of ISO 639-1 (``sh``, withdrawn, still met in the wild).
ISO_639_1 = frozenset(
    """
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo
es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka
kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng
nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq sr ss st
su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split()
)
# Sorani has no ISO 639-1 code; the language detector reports it as ``ckb`` (crawler/extraction/language.py).
LANGUAGE_CODES = ISO_639_1 | {"ckb"}
LANGUAGE_TAG_RE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
# Three-letter and macrolanguage codes of the Arabic-script languages, as the extraction layer reports them.
_LANGUAGE_ALIASES = {"ku": "ckb", "prs": "fa", "pes": "fa", "per": "fa", "fas": "fa", "pbt": "ps", "pbu": "ps",
                     "urd": "ur", "uig": "ug", "ara": "ar", "arb": "ar"}  # fmt: skip
_HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
HOST_NAME_RE = re.compile(rf"(?=.{{1,253}}\Z){_HOST_LABEL}(?:\.{_HOST_LABEL})*", re.IGNORECASE)
# Control characters and the bidi overrides and isolates: never part of a name, and they garble a terminal or
# a feed title. Free text (notes) may hold tabs and line breaks.
_BAD_IN_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BAD_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SITES_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*sites[ \t]*\]\]", re.MULTILINE)
TOP_LEVEL_KEYS = ("sites", "demo")
SELECTOR_KEYS = ("title", "body", "date", "author", "category", "remove")


def primary_language(code: str | None) -> str | None:
    """The primary subtag of a BCP 47 tag, lower case, with synonyms of the Arabic-script languages mapped
    (``fa-IR`` → ``fa``, ``ku-Arab`` → ``ckb``, ``prs`` → ``fa``); None for None or an empty tag."""
    primary = (code or "").strip().split("-")[0].split("_")[0].lower()
    return _LANGUAGE_ALIASES.get(primary, primary) or None


class RegistryError(ValueError):
    """A registry that cannot be used: every problem found, one line each naming the file, the entry and the
    field. ``problems`` holds the lines; ``str()`` joins them."""

    def __init__(self, problems: str | Iterable[str]) -> None:
        lines = problems.splitlines() if isinstance(problems, str) else [str(p) for p in problems]
        self.problems: tuple[str, ...] = tuple(lines)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Selectors:
    """Site-specific XPath or CSS rules, used when structured data does not give a field.

    A selector starting with ``/``, ``./`` or ``(`` is XPath; anything else is CSS.
    """

    title: str | None = None
    """Selector of the headline element."""
    body: str | None = None
    """Selector of the element holding the article text."""
    date: str | None = None
    """Selector of the visible publication date (text or ``datetime`` attribute)."""
    author: str | None = None
    """Selector of the byline."""
    category: str | None = None
    """Selector of the section or category label."""
    remove: tuple[str, ...] = ()
    """Selectors of blocks to drop from the body before extraction (related links, share bars…)."""


@dataclass(frozen=True)
class Site:
    """One news site of the registry."""

    id: str
    """Short stable id (lowercase ASCII), used as the archive's ``site`` column and in feed paths."""
    name: str
    """The site's name in Arabic, as it names itself."""
    name_en: str
    """The site's name in English."""
    url: str
    """Homepage URL."""
    country: str
    """ISO 3166-1 alpha-2 country code, upper case."""
    language: str = "ar"
    """Main language of the site (BCP 47)."""
    languages: tuple[str, ...] = ()
    """The languages its articles may be in (ISO 639-1 codes, ``ckb`` for Sorani); an article detected in
    another is dropped as ``wrong_language``. Empty means the primary subtag of ``language`` alone."""
    feeds: tuple[str, ...] = ()
    """RSS or Atom feed URLs."""
    sitemaps: tuple[str, ...] = ()
    """Sitemap, sitemap index or Google News sitemap URLs."""
    timezone: str = "UTC"
    """IANA time zone, applied to dates printed without an offset."""
    locale: str | None = None
    """Locale such as ``ar-EG``: the day/month order of the numeric dates the site prints (month first for
    ``en-US`` and the other CLDR M/d/y locales, day first otherwise); month names are read whatever it says."""
    selectors: Selectors | None = None
    """Site rules for the extraction layer, or None to rely on structured data and the generic extractor."""
    domains: tuple[str, ...] = ()
    """Extra host names the site serves articles from (the homepage host is always included)."""
    article_urls: tuple[str, ...] = ()
    """Regexes of the site's article URLs, searched in a listed link's percent-decoded path and query: a link
    that matches one is fetched as an article whatever its shape (``crawler.discovery.urlkind.skip_reason``)."""
    ignore_urls: tuple[str, ...] = ()
    """Regexes of links never to fetch (a live blog, a print edition…), searched like ``article_urls``; they win
    over everything, ``article_urls`` included."""
    feed_content: str = "full"
    """``full`` to republish article bodies in feeds, ``summary`` for summary and link only."""
    concurrency: int | None = None
    """Per-site limit of requests in flight, overriding the crawl default."""
    delay: float | None = None
    """Per-site download delay in seconds, overriding the crawl default."""
    notes: str | None = None
    """Free text for operators (e.g. "relies on autodiscovery")."""

    def __post_init__(self) -> None:
        if not self.languages:
            object.__setattr__(self, "languages", (primary_language(self.language) or "ar",))

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def allowed_hosts(self) -> tuple[str, ...]:
        hosts = [self.host, *self.domains]
        return tuple(dict.fromkeys(h.lower() for h in hosts if h))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# -- checking ------------------------------------------------------------------------------------------------


def _kind(value: Any) -> str:
    """The TOML name of a value's type, for "must be …, not …" messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _show(value: Any) -> str:
    """A value as a one-line message quotes it: strings escaped and cut when long; arrays and tables by their
    kind only (a deeply nested one cannot even be printed)."""
    if isinstance(value, str):
        return repr(value if len(value) <= 80 else value[:79] + "…")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**18 else "a very large integer"
    if isinstance(value, float):
        return repr(value)
    return _kind(value)


def _show_url(url: str) -> str:
    """A URL (or what should have been a host name) for a message, with any ``user:password@`` hidden."""
    return _show(re.sub(r"^((?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?[^/?#@]*@", r"\1***@", url))


def _key(name: str) -> str:
    """A table key for a message: bare keys as they are, quoted ones (which may hold anything) escaped."""
    return name if re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", name) else _show(name)


def _suggest(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name[:64], list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


@lru_cache(maxsize=1)
def _timezones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _host_problem(host: str) -> str | None:
    """Why ``host`` is not a host name or IP address that URLs of the site can be matched against, or None."""
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    if not host.isascii():
        # Scrapy fetches (and the site check compares) the ASCII form of an international name.
        try:
            ascii_form = host.encode("idna").decode("ascii")
        except UnicodeError:
            return f"{_show(host)} is not a host name"
        return f"{_show(host)} must be written in its ASCII form {ascii_form!r}"
    if host.endswith("."):
        return f"{_show(host)} must be written without the final dot"
    if not HOST_NAME_RE.fullmatch(host) or host.rsplit(".", 1)[-1].isdigit():
        return f"{_show(host)} is not a host name"
    return None


def _domain_problem(domain: str) -> str | None:
    """Why a ``domains`` entry is not a bare host name (``amp.example.com``), or None."""
    if any(c in domain for c in "/:@") and _host_problem(domain) is not None:
        try:
            host = urlsplit(domain if "//" in domain else "//" + domain).hostname
        except ValueError:
            host = None
        hint = f" (write {host!r}: no scheme, path or port)" if host and _host_problem(host) is None else ""
        return f"{_show_url(domain)} is not a host name{hint}"
    return _host_problem(domain)


def _url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) URL that Akhbar may fetch as it is written, or None."""
    if not url.isprintable() or any(c.isspace() for c in url) or "\\" in url:
        # A backslash is a slash to the fetcher (WHATWG) but not to urlsplit: the two would see different hosts.
        return f"{_show_url(url)} holds whitespace, a control character or a backslash"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        return f"{_show_url(url)} is not a URL (its port or brackets do not parse)"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{_show_url(url)} is not an absolute http(s) URL"
    if "@" in parts.netloc:
        return f"{_show_url(url)} carries credentials (user:password@ before the host): remove them"
    if not parts.hostname:
        return f"{_show_url(url)} has no host"
    problem = _host_problem(parts.hostname)
    return f"{_show_url(url)}: host {problem}" if problem else None


def _host_key(host: str) -> str:
    """A host as the site check compares it (crawler.text.urls.same_site): lower case, ``www.`` ignored."""
    return host.lower().removeprefix("www.")


def _selector_problem(selector: str) -> str | None:
    """Why a registry selector would fail when the extraction layer applies it, or None."""
    # Imported here: the extraction package imports this module (crawler.extraction.language).
    from lxml import html as lxml_html

    from crawler.extraction.model import ExtractionError
    from crawler.extraction.selectors import compile_selector

    kind = "XPath" if selector.strip().startswith(("/", "./", "(")) else "CSS"
    try:
        # Evaluated once too: an unknown function or namespace prefix only fails when the XPath runs.
        compile_selector(selector)(lxml_html.fromstring("<html><body><p>x</p></body></html>"))
    except ExtractionError as exc:
        cause = exc.__cause__ or exc
        detail = (str(cause).splitlines() or [type(cause).__name__])[0]
        return f"{_show(selector)} is not valid {kind}: {detail}"
    except Exception as exc:  # lxml raises several unrelated types when an XPath runs
        detail = (str(exc).splitlines() or [type(exc).__name__])[0]
        return f"{_show(selector)} is not valid {kind}: {detail}"
    return None


@dataclass
class _Entry:
    """One ``[[sites]]`` entry while it is checked: its problems, and what the checks across entries need."""

    index: int
    """Position in the file, from 1."""
    line: int | None
    """Line of its ``[[sites]]`` header, when known."""
    where: str
    """``FILE:LINE: `` (or ``FILE: ``, or nothing) that starts each problem line."""
    label: str = ""
    """``site 'id'`` once the id is known to be well formed, else ``entry N``."""
    problems: list[str] = field(default_factory=list)
    site_id: str | None = None
    hosts: list[tuple[str, str]] = field(default_factory=list)
    """(field, host) of the hosts the site claims: its homepage's and its ``domains``."""
    sources: list[tuple[str, str]] = field(default_factory=list)
    """(field, URL) of its feeds and sitemaps."""
    site: Site | None = None

    def __post_init__(self) -> None:
        self.label = self.label or f"entry {self.index}"

    def add(self, key: str, message: str) -> None:
        self.problems.append(f"{self.where}{self.label}: {key}: {message}")

    def text(self, raw: Mapping[str, Any], key: str, *, required: str = "", free: bool = False) -> str | None:
        """A string field; ``required`` says what it holds when it is missing; ``free`` allows line breaks."""
        value = raw.get(key)
        if value is None:
            if required:
                self.add(key, f"missing ({required})")
            return None
        if not isinstance(value, str):
            self.add(key, f"must be a string, not {_kind(value)}")
            return None
        if required and not value.strip():
            self.add(key, f"is empty ({required})")
            return None
        if (_BAD_IN_TEXT if free else _BAD_IN_NAME).search(value):
            self.add(key, f"{_show(value)} holds a control or bidi formatting character")
            return None
        limit = TEXT_MAX if free else NAME_MAX
        if len(value) > limit:
            self.add(key, f"is {len(value)} characters long (at most {limit})")
            return None
        return value

    def strings(self, raw: Mapping[str, Any], key: str, example: str, shown: str = "") -> list[str] | None:
        """An array of strings (absent: empty); None when it is something else. ``shown`` names the field."""
        value = raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(shown or key, f"must be an array of strings such as {example}, not {_kind(value)}")
            return None
        wrong = next((v for v in value if not isinstance(v, str)), None)
        if wrong is not None:
            self.add(shown or key, f"must hold strings only, not {_kind(wrong)}")
            return None
        return value

    def urls(self, raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
        found = self.strings(raw, key, '["https://example.com/feed/"]') or []
        good = []
        for url in found:
            problem = _url_problem(url)
            if problem:
                self.add(key, problem)
            else:
                good.append(url)
                self.sources.append((key, url))
        return tuple(good)

    def language_tag(self, raw: Mapping[str, Any], key: str, default: str | None) -> str | None:
        value = raw.get(key, default)
        if value is None:
            return None
        if not isinstance(value, str):
            self.add(key, f"must be a string, not {_kind(value)}")
            return None
        if not LANGUAGE_TAG_RE.fullmatch(value) or primary_language(value) not in LANGUAGE_CODES:
            self.add(key, f"{_show(value)} is not a language tag such as 'ar' or 'ar-EG' (an ISO 639-1 code first)")
            return None
        return value


def _site_id(entry: _Entry, raw: Mapping[str, Any], allow_demo: bool) -> str | None:
    value = raw.get("id")
    if value is None:
        entry.add("id", "missing (a short lowercase id such as 'aljazeera')")
    elif not isinstance(value, str):
        entry.add("id", f"must be a string, not {_kind(value)}")
    elif not SITE_ID_RE.match(value):
        entry.add("id", f"{_show(value)} is not a site id: lowercase ASCII letters, digits, '-' or '_', "
                        "starting with a letter or a digit")  # fmt: skip
    elif len(value) > SITE_ID_MAX:
        entry.add("id", f"{_show(value)} is {len(value)} characters long (at most {SITE_ID_MAX})")
    else:
        entry.label, entry.site_id = f"site {value!r}", value
        if value.startswith(DEMO_PREFIX) and not allow_demo:
            entry.add("id", f"ids starting with {DEMO_PREFIX!r} are reserved for the bundled demo's sites")
            return None
        return value
    return None


def _languages(entry: _Entry, raw: Mapping[str, Any], language: str | None) -> tuple[str, ...]:
    """The ``languages`` array: codes the language detector reports, holding the site's own ``language``."""
    value = raw.get("languages")
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        entry.add("languages", 'must be a non-empty array of language codes such as ["ar", "en"]')
        return ()
    good = True
    for code in value:
        if isinstance(code, str) and code in LANGUAGE_CODES:
            continue
        good = False
        if not isinstance(code, str):
            entry.add("languages", f"must hold language codes, not {_kind(code)}")
            continue
        mapped = primary_language(code) if LANGUAGE_TAG_RE.fullmatch(code) else None
        hint = f" (write {mapped!r})" if mapped in LANGUAGE_CODES else ", nor 'ckb' (Sorani)"
        entry.add("languages", f"{_show(code)} is not an ISO 639-1 code{hint}")
    main = primary_language(language) if language else None
    if good and main and main not in value:
        entry.add("languages", f"must include the site's language {main!r}")
    return tuple(dict.fromkeys(value)) if good else ()


def _timezone(entry: _Entry, raw: Mapping[str, Any]) -> str:
    value = raw.get("timezone", "UTC")
    if not isinstance(value, str):
        entry.add("timezone", f"must be a string such as 'Africa/Cairo', not {_kind(value)}")
        return "UTC"
    try:
        ZoneInfo(value)
    except Exception:  # ZoneInfoNotFoundError; ValueError or OSError for keys that are not even a zone's shape
        hint = _suggest(value, _timezones()) if len(value) <= 64 else ""
        entry.add("timezone", f"unknown time zone {_show(value)}{hint}")
    return value


def _number(entry: _Entry, raw: Mapping[str, Any], key: str, *, integer: bool, low: float, high: float,
            unit: str) -> float | None:  # fmt: skip
    """A number in ``[low, high]``; booleans, infinities and NaN are not numbers here."""
    value = raw.get(key)
    if value is None:
        return None
    wanted = f"an integer from {low:g} to {high:g}" if integer else f"a number from {low:g} to {high:g}"
    if isinstance(value, bool) or not isinstance(value, int | float) or (integer and isinstance(value, float)):
        entry.add(key, f"must be {wanted} ({unit}), not {_kind(value)}")
        return None
    if not math.isfinite(value):
        entry.add(key, f"{_show(value)} is not a finite number: {wanted} ({unit})")
        return None
    if not low <= value <= high:
        entry.add(key, f"{_show(value)} is out of range: {wanted} ({unit})")
        return None
    return value


def _url_patterns(entry: _Entry, raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """An ``article_urls`` or ``ignore_urls`` array: regexes that compile, of bounded length and number."""
    found = entry.strings(raw, key, "['^/news/\\d+']")
    if not found:
        return ()
    if len(found) > PATTERNS_MAX:
        entry.add(key, f"holds {len(found)} patterns (at most {PATTERNS_MAX}): join them with '|'")
        return ()
    good = []
    for pattern in found:
        if not pattern:
            entry.add(key, "holds an empty pattern")
        elif len(pattern) > PATTERN_MAX:
            entry.add(key, f"{_show(pattern)} is {len(pattern)} characters long (at most {PATTERN_MAX})")
        elif _BAD_IN_NAME.search(pattern):
            entry.add(key, f"{_show(pattern)} holds a control or bidi formatting character")
        else:
            try:
                compiled = re.compile(pattern)
            except (re.error, RecursionError, OverflowError) as exc:
                detail = getattr(exc, "msg", None) or type(exc).__name__
                position = getattr(exc, "pos", None)
                at = f" at position {position}" if position is not None else ""
                entry.add(key, f"{_show(pattern)} is not a valid regular expression: {detail}{at}")
                continue
            if key == "ignore_urls" and compiled.search("") is not None:
                entry.add(key, f"{_show(pattern)} matches every URL: it would ignore the whole site")
                continue
            good.append(pattern)
    return tuple(good)


def _selectors(entry: _Entry, raw: Mapping[str, Any]) -> Selectors | None:
    table = raw.get("selectors")
    if table is None:
        return None
    if not isinstance(table, dict):
        entry.add("selectors", f"must be a table ([sites.selectors]), not {_kind(table)}")
        return None
    for key in table:
        if key not in SELECTOR_KEYS:
            entry.add(f"selectors.{_key(key)}", f"unknown key{_suggest(key, SELECTOR_KEYS)}")
    found: dict[str, str] = {}
    for key in SELECTOR_KEYS[:-1]:
        value = table.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            entry.add(f"selectors.{key}", f"must be a string (CSS, or XPath starting with '/', './' or '('), "
                                          f"not {_kind(value)}")  # fmt: skip
            continue
        problem = "is empty" if not value.strip() else _selector_problem(value)
        if problem:
            entry.add(f"selectors.{key}", problem)
        else:
            found[key] = value
    remove = entry.strings(table, "remove", '[".related-posts"]', "selectors.remove") or []
    for selector in remove:
        problem = "holds an empty selector" if not selector.strip() else _selector_problem(selector)
        if problem:
            entry.add("selectors.remove", problem)
    return Selectors(
        title=found.get("title"),
        body=found.get("body"),
        date=found.get("date"),
        author=found.get("author"),
        category=found.get("category"),
        remove=tuple(remove),
    )


def _read_entry(entry: _Entry, raw: Mapping[str, Any], allow_demo: bool) -> None:
    """Check every field of one ``[[sites]]`` table, adding each problem to ``entry``; set ``entry.site`` when
    there is none."""
    site_id = _site_id(entry, raw, allow_demo)
    for key in raw:
        if key not in Site.__dataclass_fields__:
            entry.add(_key(key), f"unknown key{_suggest(key, Site.__dataclass_fields__)}")
    name = entry.text(raw, "name", required="the site's name in Arabic")
    name_en = entry.text(raw, "name_en", required="the site's name in English")
    url = entry.text(raw, "url", required="the homepage URL")
    if url is not None:
        problem = _url_problem(url)
        if problem:
            entry.add("url", problem)
            url = None
        else:
            entry.hosts.append(("url", urlsplit(url).hostname or ""))
    country = entry.text(raw, "country", required="an ISO 3166-1 alpha-2 code such as 'EG'")
    if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
        entry.add("country", f"{_show(country)} is not an ISO 3166-1 alpha-2 code (two capital letters, 'EG')")
    language = entry.language_tag(raw, "language", "ar")
    languages = _languages(entry, raw, language)
    feeds = entry.urls(raw, "feeds")
    sitemaps = entry.urls(raw, "sitemaps")
    domains = entry.strings(raw, "domains", '["amp.example.com"]') or []
    for domain in domains:
        problem = _domain_problem(domain)
        if problem:
            entry.add("domains", problem)
        else:
            entry.hosts.append(("domains", domain))
    article_urls = _url_patterns(entry, raw, "article_urls")
    ignore_urls = _url_patterns(entry, raw, "ignore_urls")
    timezone = _timezone(entry, raw)
    locale = entry.language_tag(raw, "locale", None)
    feed_content = raw.get("feed_content", "full")
    if feed_content not in FEED_CONTENT_CHOICES:
        entry.add("feed_content", f"{_show(feed_content)} is not one of {', '.join(map(repr, FEED_CONTENT_CHOICES))}")
    concurrency = _number(entry, raw, "concurrency", integer=True, low=CONCURRENCY_RANGE[0],
                          high=CONCURRENCY_RANGE[1], unit="requests in flight")  # fmt: skip
    delay = _number(entry, raw, "delay", integer=False, low=DELAY_RANGE[0], high=DELAY_RANGE[1],
                    unit="seconds between requests")  # fmt: skip
    notes = entry.text(raw, "notes", free=True)
    selectors = _selectors(entry, raw)
    if entry.problems or site_id is None or name is None or name_en is None or url is None or country is None:
        return
    entry.site = Site(
        id=site_id,
        name=name.strip(),
        name_en=name_en.strip(),
        url=url,
        country=country,
        language=language or "ar",
        languages=languages,
        feeds=feeds,
        sitemaps=sitemaps,
        timezone=timezone,
        locale=locale,
        selectors=selectors,
        domains=tuple(domains),
        article_urls=article_urls,
        ignore_urls=ignore_urls,
        feed_content=feed_content,
        concurrency=int(concurrency) if concurrency is not None else None,
        delay=float(delay) if delay is not None else None,
        notes=notes,
    )


def _check_across(entries: list[_Entry]) -> None:
    """What no entry shows alone: a duplicate id, a host claimed by two sites, a source listed by two.

    A host belongs to one site because every fetched page is given to the site that claims its host: a second
    site on the same host (or under it) would silently get nothing.
    """
    ids: dict[str, _Entry] = {}
    hosts: list[tuple[str, str, _Entry]] = []
    sources: dict[str, _Entry] = {}
    for entry in entries:
        if entry.site_id is not None:
            first = ids.setdefault(entry.site_id, entry)
            if first is not entry:
                at = f"line {first.line}" if first.line else f"entry {first.index}"
                entry.add("id", f"duplicate site id {entry.site_id!r} (first at {at})")
        for key, host in entry.hosts:
            mine = _host_key(host)
            for theirs, shown, other in hosts:
                if other is entry:
                    continue
                if mine == theirs:
                    entry.add(key, f"host {host!r} already belongs to {other.label}: one host per site")
                elif mine.endswith("." + theirs) or theirs.endswith("." + mine):
                    relation = "is under" if mine.endswith("." + theirs) else "is a parent of"
                    entry.add(key, f"host {host!r} {relation} {shown!r}, a host of {other.label}: one host per site")
                else:
                    continue
                break
        hosts.extend((_host_key(host), host, entry) for _, host in entry.hosts)
        for key, url in entry.sources:
            other = sources.setdefault(url, entry)
            if other is not entry:
                entry.add(key, f"{_show_url(url)} is also listed by {other.label}: a source belongs to one site")


@dataclass(frozen=True)
class Registry:
    """All sites of one registry file, by id, in file order."""

    sites: dict[str, Site] = field(default_factory=dict)
    path: Path | None = None

    def __iter__(self) -> Iterator[Site]:
        return iter(self.sites.values())

    def __len__(self) -> int:
        return len(self.sites)

    def get(self, site_id: str) -> Site | None:
        return self.sites.get(site_id)

    def select(self, ids: Iterable[str]) -> list[Site]:
        """The sites named by ``ids`` (all sites when empty); an unknown id is an error."""
        wanted = list(ids)
        if not wanted:
            return list(self.sites.values())
        missing = [i for i in wanted if i not in self.sites]
        if missing:
            raise RegistryError(
                f"unknown site id {_show(i)}{_suggest(i, self.sites)}" + (f" in {self.path}" if self.path else "")
                for i in missing
            )
        return [self.sites[i] for i in wanted]

    def site_for_host(self, host: str) -> Site | None:
        host = host.lower()
        for site in self.sites.values():
            for allowed in site.allowed_hosts:
                if host == allowed or host.endswith("." + allowed):
                    return site
        return None


def site_from_mapping(raw: Mapping[str, Any], *, allow_demo: bool = False) -> Site:
    """Build and check one ``[[sites]]`` entry; raises RegistryError listing all its problems."""
    entry = _Entry(index=1, line=None, where="")
    _read_entry(entry, raw, allow_demo)
    if entry.site is None:
        raise RegistryError(entry.problems or ["entry 1: not a usable site"])
    return entry.site


def _entry_lines(text: str, count: int) -> list[int | None]:
    """The line of each ``[[sites]]`` header, when the file spells every entry so (else no line numbers)."""
    lines: list[int | None] = []
    line, offset = 1, 0
    for match in _SITES_HEADER.finditer(text):
        line += text.count("\n", offset, match.start())
        offset = match.start()
        lines.append(line)
    return lines if len(lines) == count else [None] * count


def parse_registry(text: str, path: Path | None = None, *, allow_demo: bool = False) -> Registry:
    """Parse and check registry TOML text; raises RegistryError listing every problem, one line each.

    Ids starting with ``demo-`` are accepted only with ``allow_demo`` or in a file that says ``demo = true``
    (the registry ``akhbar demo`` writes for its own sites).
    """
    where = f"{path}: " if path else ""
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except RecursionError as exc:
        raise RegistryError(f"{where}not readable: arrays or inline tables nested too deeply") from exc
    except ValueError as exc:  # TOMLDecodeError, and a plain ValueError for an integer of over 4300 digits
        message = " ".join(str(exc).split())
        raise RegistryError(f"{where}not valid TOML: {message}") from exc
    problems: list[str] = []
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            hint = _suggest(key, TOP_LEVEL_KEYS) or " (a registry holds [[sites]] tables; their keys go under them)"
            problems.append(f"{where}{_key(key)}: unknown top-level key{hint}")
    demo = data.get("demo", False)
    if not isinstance(demo, bool):
        problems.append(f"{where}demo: must be true or false, not {_kind(demo)}")
        demo = False
    raw_entries = data.get("sites")
    if raw_entries is None or raw_entries == []:
        raise RegistryError([*problems, f"{where}no [[sites]] entries"])
    if not isinstance(raw_entries, list):
        wrong = f"{where}sites: must be an array of tables ([[sites]]), not {_kind(raw_entries)}"
        raise RegistryError([*problems, wrong])
    entries: list[_Entry] = []
    for index, (raw, line) in enumerate(zip(raw_entries, _entry_lines(text, len(raw_entries)), strict=True), 1):
        entry = _Entry(index=index, line=line, where=f"{path}:{line}: " if path and line else where)
        entries.append(entry)
        if not isinstance(raw, dict):
            entry.problems.append(f"{entry.where}entry {index}: must be a table ([[sites]]), not {_kind(raw)}")
            continue
        _read_entry(entry, raw, allow_demo or demo)
    _check_across(entries)
    problems.extend(p for entry in entries for p in entry.problems)
    if problems:
        raise RegistryError(problems)
    return Registry(sites={e.site.id: e.site for e in entries if e.site is not None}, path=path)


def load_registry(path: str | os.PathLike[str] | None = None, *, allow_demo: bool = False) -> Registry:
    """Load the registry at ``path``, else ``$AKHBAR_SITES``, else the bundled ``sites.toml``."""
    chosen = Path(path or os.environ.get("AKHBAR_SITES") or DEFAULT_REGISTRY)
    try:
        if chosen == DEFAULT_REGISTRY:
            # Package data, so that the registry also loads from inside a zipped egg (Scrapyd).
            data = resources.files("crawler").joinpath("sites.toml").read_bytes()
        else:
            with chosen.open("rb") as handle:  # bounded: --sites may name /dev/zero as well as a file
                data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise RegistryError(f"cannot read registry {chosen}: {exc.strerror or exc}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise RegistryError(f"{chosen}: larger than {MAX_FILE_BYTES // 2**20} MiB, which no registry needs")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise RegistryError(
            f"{chosen}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        ) from exc
    return parse_registry(text, chosen, allow_demo=allow_demo)
