"""The site registry: Arabic news sites described as data in a TOML file.

``sites.toml`` in this package is the default registry; ``--sites FILE`` (or ``AKHBAR_SITES``) swaps in
another file of the same form. Loading validates every entry and rejects duplicate ids, so a typo in the
registry fails at start-up with the entry's id rather than in the middle of a crawl.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_REGISTRY = Path(__file__).with_name("sites.toml")
SITE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
FEED_CONTENT_CHOICES = ("full", "summary")
LANGUAGE_CODE_RE = re.compile(r"[a-z]{2,3}")
# Three-letter and macrolanguage codes of the Arabic-script languages, as the extraction layer reports them.
_LANGUAGE_ALIASES = {"ku": "ckb", "prs": "fa", "pes": "fa", "per": "fa", "fas": "fa", "pbt": "ps", "pbu": "ps",
                     "urd": "ur", "uig": "ug", "ara": "ar", "arb": "ar"}  # fmt: skip


def primary_language(code: str | None) -> str | None:
    """The primary subtag of a BCP 47 tag, lower case, with synonyms of the Arabic-script languages mapped
    (``fa-IR`` → ``fa``, ``ku-Arab`` → ``ckb``, ``prs`` → ``fa``); None for None or an empty tag."""
    primary = (code or "").strip().split("-")[0].split("_")[0].lower()
    return _LANGUAGE_ALIASES.get(primary, primary) or None


class RegistryError(ValueError):
    """A registry file that cannot be used, with the reason and the entry at fault."""


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
    """Locale such as ``ar-EG``: which month names and formats the site prints."""
    selectors: Selectors | None = None
    """Site rules for the extraction layer, or None to rely on structured data and the generic extractor."""
    domains: tuple[str, ...] = ()
    """Extra host names the site serves articles from (the homepage host is always included)."""
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


def _tuple_of_str(value: Any, what: str, site_id: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RegistryError(f"site {site_id!r}: {what} must be a list of strings")
    return tuple(value)


def _languages(value: Any, language: str, site_id: str) -> tuple[str, ...]:
    """The ``languages`` list: short lowercase codes, holding the site's own ``language``."""
    if value is None:
        return ()
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and LANGUAGE_CODE_RE.fullmatch(v) for v in value)
    ):
        raise RegistryError(f"site {site_id!r}: languages must be a list of lowercase codes such as [\"ar\", \"en\"]")
    main = primary_language(str(language))
    if main not in value:
        raise RegistryError(f"site {site_id!r}: languages must include the site's language {main!r}")
    return tuple(dict.fromkeys(value))


def _check_url(url: str, what: str, site_id: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RegistryError(f"site {site_id!r}: {what} {url!r} is not an http(s) URL")


def _selectors(raw: Any, site_id: str) -> Selectors | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise RegistryError(f"site {site_id!r}: selectors must be a table")
    known = {"title", "body", "date", "author", "category", "remove"}
    unknown = set(raw) - known
    if unknown:
        raise RegistryError(f"site {site_id!r}: unknown selector keys {sorted(unknown)}")
    return Selectors(
        title=raw.get("title"),
        body=raw.get("body"),
        date=raw.get("date"),
        author=raw.get("author"),
        category=raw.get("category"),
        remove=_tuple_of_str(raw.get("remove"), "selectors.remove", site_id),
    )


def site_from_mapping(raw: Mapping[str, Any]) -> Site:
    """Build and validate one ``[[sites]]`` entry."""
    site_id = raw.get("id")
    if not isinstance(site_id, str) or not SITE_ID_RE.match(site_id):
        raise RegistryError(f"site id {site_id!r} must be lowercase ASCII letters, digits, '-' or '_'")
    for key in ("name", "name_en", "url", "country"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RegistryError(f"site {site_id!r}: missing {key}")
    known = {f for f in Site.__dataclass_fields__}
    unknown = set(raw) - known
    if unknown:
        raise RegistryError(f"site {site_id!r}: unknown keys {sorted(unknown)}")
    _check_url(raw["url"], "url", site_id)
    feeds = _tuple_of_str(raw.get("feeds"), "feeds", site_id)
    sitemaps = _tuple_of_str(raw.get("sitemaps"), "sitemaps", site_id)
    for url in (*feeds, *sitemaps):
        _check_url(url, "source", site_id)
    country = raw["country"]
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise RegistryError(f"site {site_id!r}: country {country!r} is not an ISO 3166 alpha-2 code")
    timezone = raw.get("timezone", "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RegistryError(f"site {site_id!r}: unknown timezone {timezone!r}") from exc
    feed_content = raw.get("feed_content", "full")
    if feed_content not in FEED_CONTENT_CHOICES:
        raise RegistryError(f"site {site_id!r}: feed_content must be one of {FEED_CONTENT_CHOICES}")
    concurrency = raw.get("concurrency")
    if concurrency is not None and (not isinstance(concurrency, int) or concurrency < 1):
        raise RegistryError(f"site {site_id!r}: concurrency must be a positive integer")
    delay = raw.get("delay")
    if delay is not None and (not isinstance(delay, int | float) or delay < 0):
        raise RegistryError(f"site {site_id!r}: delay must be a non-negative number")
    language = raw.get("language", "ar")
    return Site(
        id=site_id,
        name=raw["name"].strip(),
        name_en=raw["name_en"].strip(),
        url=raw["url"],
        country=country,
        language=language,
        languages=_languages(raw.get("languages"), language, site_id),
        feeds=feeds,
        sitemaps=sitemaps,
        timezone=timezone,
        locale=raw.get("locale"),
        selectors=_selectors(raw.get("selectors"), site_id),
        domains=_tuple_of_str(raw.get("domains"), "domains", site_id),
        feed_content=feed_content,
        concurrency=concurrency,
        delay=float(delay) if delay is not None else None,
        notes=raw.get("notes"),
    )


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
            raise RegistryError(f"unknown site id(s): {', '.join(missing)}")
        return [self.sites[i] for i in wanted]

    def site_for_host(self, host: str) -> Site | None:
        host = host.lower()
        for site in self.sites.values():
            for allowed in site.allowed_hosts:
                if host == allowed or host.endswith("." + allowed):
                    return site
        return None


def parse_registry(text: str, path: Path | None = None) -> Registry:
    """Parse registry TOML text; raises RegistryError naming the fault."""
    where = f"{path}: " if path else ""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{where}not valid TOML: {exc}") from exc
    entries = data.get("sites")
    if not isinstance(entries, list) or not entries:
        raise RegistryError(f"{where}no [[sites]] entries")
    sites: dict[str, Site] = {}
    for raw in entries:
        try:
            site = site_from_mapping(raw)
        except RegistryError as exc:
            raise RegistryError(f"{where}{exc}") from None
        if site.id in sites:
            raise RegistryError(f"{where}duplicate site id {site.id!r}")
        sites[site.id] = site
    return Registry(sites=sites, path=path)


def load_registry(path: str | os.PathLike[str] | None = None) -> Registry:
    """Load the registry at ``path``, else ``$AKHBAR_SITES``, else the bundled ``sites.toml``."""
    chosen = Path(path or os.environ.get("AKHBAR_SITES") or DEFAULT_REGISTRY)
    try:
        if chosen == DEFAULT_REGISTRY:
            # Package data, so that the registry also loads from inside a zipped egg (Scrapyd).
            text = resources.files("crawler").joinpath("sites.toml").read_text(encoding="utf-8")
        else:
            text = chosen.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError(f"cannot read registry {chosen}: {exc.strerror or exc}") from exc
    return parse_registry(text, chosen)
