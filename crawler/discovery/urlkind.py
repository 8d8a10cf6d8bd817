"""Guess what a URL points at (article, section listing, tag page, feed…) from its shape alone.

Discovery uses this to decide which links found in feeds, sitemaps and listing pages are worth fetching as
articles. It never fetches anything. The rules read the host, the path segments (percent-decoded, so Arabic
slugs such as ``/وسوم/…`` match), the file extension and a few query keys.

It is deliberately conservative: a URL that matches no rule is called an ``ARTICLE``, because the extractor
rejects a non-article page later at the cost of one request, while a real article wrongly skipped here is lost.

``skip_reason`` is what discovery asks of every listed link. A feed or a Google News sitemap says that what it
lists is news, so its links are taken unless their shape leaves no doubt (media, video, feeds, site furniture,
tag, author and section archives, pagination, date archives, the homepage); the one pure guess, "one or two
section-like names" (``/news/short``, ``/politics/elections``), is overridden by such a source. Links of plain
sitemaps get the whole shape guess. A registry entry's ``ignore_urls`` and ``article_urls`` patterns come first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit


class UrlKind(StrEnum):
    """What a URL most likely points at."""

    ARTICLE = "article"
    """A single story (the default when no rule matches)."""
    LISTING = "listing"
    """Homepage, section or category page, date archive, or a further page of one of them."""
    TAG = "tag"
    """A tag, keyword or topic page."""
    AUTHOR = "author"
    """A writer's page listing their articles."""
    VIDEO = "video"
    """A video page, video section, live stream or video file."""
    MEDIA = "media"
    """An image, PDF, audio file, photo gallery or podcast."""
    FEED = "feed"
    """An RSS or Atom feed, or an XML sitemap."""
    OTHER = "other"
    """Search, login, contact, legal pages, scripts and other site furniture."""


# Segment vocabularies, compared with a lower-cased, percent-decoded path segment.
# fmt: off
_TAG_SEGMENTS = frozenset(
    {"tag", "tags", "topic", "topics", "keyword", "keywords", "hashtag",
     "وسم", "وسوم", "الوسوم", "كلمات-مفتاحية", "كلمة-مفتاحية", "الكلمات-المفتاحية"}
)
_AUTHOR_SEGMENTS = frozenset(
    {"author", "authors", "writer", "writers", "columnist", "columnists",
     "كاتب", "الكاتب", "كتاب-الرأي"}
)
_LISTING_SEGMENTS = frozenset(
    {"category", "categories", "section", "sections", "archive", "archives", "latest",
     "قسم", "أقسام", "اقسام", "تصنيف", "الأرشيف", "الارشيف", "أرشيف", "ارشيف"}
)
_VIDEO_SEGMENTS = frozenset(
    {"video", "videos", "watch", "live", "livestream", "live-tv", "tv",
     "فيديو", "فيديوهات", "الفيديو", "مباشر", "بث-مباشر", "البث-المباشر"}
)
_MEDIA_SEGMENTS = frozenset(
    {"photo", "photos", "gallery", "galleries", "album", "albums", "podcast", "podcasts", "audio",
     "infographic", "infographics", "صور", "الصور", "ألبوم", "البوم", "بودكاست", "إنفوجراف", "انفوجراف"}
)
_FEED_SEGMENTS = frozenset({"feed", "feeds", "rss", "rss2", "atom", "rssfeed", "rssfeeds", "sitemap", "sitemaps"})
_OTHER_SEGMENTS = frozenset(
    {"search", "login", "logout", "signin", "sign-in", "signup", "sign-up", "register", "account", "my-account",
     "contact", "contact-us", "contactus", "about", "about-us", "aboutus", "privacy", "privacy-policy",
     "terms", "terms-of-use", "terms-and-conditions", "advertise", "advertising", "newsletter", "subscribe",
     "weather", "prayer-times", "wp-admin", "wp-login.php", "wp-json", "cdn-cgi", "cart", "checkout",
     "بحث", "البحث", "اتصل-بنا", "من-نحن", "سياسة-الخصوصية", "شروط-الاستخدام", "أعلن-معنا", "اعلن-معنا",
     "مواقيت-الصلاة", "الطقس"}
)
# Language and edition prefixes that carry no meaning of their own ("/ar/", "/arabic/", "/amp/").
_NEUTRAL_SEGMENTS = frozenset({"ar", "arabic", "amp", "m", "mobile", "web"})
_LANGUAGE_SEGMENT = re.compile(r"^ar[-_][a-z]{2}$")
_INDEX_FILES = frozenset(
    {"index", "index.html", "index.htm", "index.php", "index.aspx", "default.aspx", "default.asp", "home"}
)

_MEDIA_EXTENSIONS = frozenset(
    {"jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "bmp", "tif", "tiff", "ico", "heic",
     "pdf", "mp3", "m4a", "aac", "ogg", "oga", "wav", "flac", "opus", "zip", "doc", "docx", "xls", "xlsx",
     "ppt", "pptx"}
)
_VIDEO_EXTENSIONS = frozenset({"mp4", "m4v", "webm", "mov", "avi", "mkv", "m3u8", "mpd", "flv"})
# fmt: on
_FEED_EXTENSIONS = frozenset({"xml", "rss", "atom", "rdf", "gz"})
_OTHER_EXTENSIONS = frozenset({"css", "js", "mjs", "json", "txt", "woff", "woff2", "ttf", "eot", "map"})

_FEED_HOST_PREFIXES = ("rss.", "feeds.", "feed.")
_PAGE_QUERY_KEYS = frozenset({"page", "pg", "pagenum", "page_no", "pageno", "start", "offset"})
_SEARCH_QUERY_KEYS = frozenset({"s", "q", "query", "search", "keyword", "keywords"})
_FEED_QUERY_KEYS = frozenset({"feed", "rss"})

_NUMBER = re.compile(r"^\d+$")
_YEAR = re.compile(r"^(19|20)\d\d$")
_DATE_IN_SEGMENT = re.compile(r"(?:19|20)\d\d[-_/]?(?:0?[1-9]|1[0-2])[-_/]?(?:0?[1-9]|[12]\d|3[01])")
_LONG_ID = re.compile(r"\d{4,}")
# Opaque article ids of letters and digits, such as BBC's "c4gq1e5l0vxo" or Sabq's "7x2k9q1m".
_OPAQUE_ID = re.compile(r"^(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{8,}$")
# Connectors allowed inside a three-word section name ("arab-and-world", "فن-و-ثقافة").
_CONNECTORS = frozenset({"and", "of", "&", "و"})
# A name made of "rss" plus letters, with no word separator: "aljazeerarss", "sectionrss", "rssfeed".
_RSS_WORD = re.compile(r"^[a-z]*rss[a-z0-9]*$")


def _segments(path: str) -> list[str]:
    decoded = unquote(path, errors="replace")
    return [seg.strip().lower() for seg in decoded.split("/") if seg.strip()]


def _extension(segment: str) -> str:
    stem, dot, ext = segment.rpartition(".")
    return ext if dot and stem and ext.isascii() and ext.isalnum() else ""


def _is_slug(segment: str) -> bool:
    """A segment that reads like an article slug: several words or a long run of text."""
    stem = segment.rsplit(".", 1)[0] if _extension(segment) else segment
    words = [w for w in re.split(r"[-_+\s]+", stem) if w]
    return len(words) >= 4 or len(stem) >= 30


def _is_section_name(segment: str) -> bool:
    """One or two words ("news", "middle-east"), or three around a connector ("arab-and-world")."""
    words = [w for w in re.split(r"[-_+\s]+", segment) if w]
    if any(ch.isdigit() for ch in segment) or len(segment) > 30:
        return False
    return len(words) <= 2 or (len(words) == 3 and words[1] in _CONNECTORS)


def _has_article_signal(segments: list[str]) -> bool:
    """A numeric or opaque id, a date in the path followed by more, or a long slug."""
    for index, segment in enumerate(segments):
        if _LONG_ID.search(segment) and not _YEAR.match(segment):
            return True
        if _OPAQUE_ID.match(segment):
            return True
        if _is_slug(segment):
            return True
        if _DATE_IN_SEGMENT.search(segment) and not _NUMBER.match(segment):
            return True
        if _YEAR.match(segment) and index + 1 < len(segments) and not _NUMBER.match(segments[-1]):
            return True
    return False


def _is_date_archive(segments: list[str]) -> bool:
    """``/2024/``, ``/2024/01/`` or ``/2024/01/15/``: a day's or month's list, not a story."""
    return 1 <= len(segments) <= 3 and bool(_YEAR.match(segments[0])) and all(_NUMBER.match(s) for s in segments)


def _is_pagination(segments: list[str], query: dict[str, str]) -> bool:
    for index, segment in enumerate(segments[:-1]):
        if segment in ("page", "صفحة") and _NUMBER.match(segments[index + 1]):
            return True
    return any(key in _PAGE_QUERY_KEYS and _NUMBER.match(value) for key, value in query.items())


class Verdict(NamedTuple):
    """What ``classify_url`` found, and whether it is only a guess that a source listing news overrides."""

    kind: UrlKind
    guessed: bool = False
    """True for the section-name guess, and for tag and author vocabulary followed by an article-like rest."""


def classify(url: str) -> Verdict:
    """The most likely kind of page behind ``url``, from its shape, and whether that is a mere guess."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    query = {key.lower(): value for key, value in parse_qsl(parts.query, keep_blank_values=True)}
    segments = _segments(parts.path)
    last = segments[-1] if segments else ""

    extension = _extension(last)
    if extension in _MEDIA_EXTENSIONS:
        return Verdict(UrlKind.MEDIA)
    if extension in _VIDEO_EXTENSIONS:
        return Verdict(UrlKind.VIDEO)
    if extension in _FEED_EXTENSIONS:
        return Verdict(UrlKind.FEED)
    if extension in _OTHER_EXTENSIONS:
        return Verdict(UrlKind.OTHER)

    if host.startswith(_FEED_HOST_PREFIXES) or query.keys() & _FEED_QUERY_KEYS:
        return Verdict(UrlKind.FEED)
    # WordPress search is "/?s=word"; a search query on an article URL is a tracking leftover.
    if query.keys() & _SEARCH_QUERY_KEYS and not _has_article_signal(segments):
        return Verdict(UrlKind.OTHER)

    for segment in segments:
        if segment in _FEED_SEGMENTS or ("-" not in segment and _RSS_WORD.match(segment)):
            return Verdict(UrlKind.FEED)
    for index, segment in enumerate(segments):
        if segment in _OTHER_SEGMENTS:
            return Verdict(UrlKind.OTHER)
        if segment in _TAG_SEGMENTS:
            # "/writers/name/12345-column-title" is a column under its writer's path, not the writer's page.
            return Verdict(UrlKind.TAG, _has_article_signal(segments[index + 1 :]))
        if segment in _AUTHOR_SEGMENTS:
            return Verdict(UrlKind.AUTHOR, _has_article_signal(segments[index + 1 :]))
        if segment in _VIDEO_SEGMENTS:
            return Verdict(UrlKind.VIDEO)
        if segment in _MEDIA_SEGMENTS:
            return Verdict(UrlKind.MEDIA)

    if _is_pagination(segments, query):
        return Verdict(UrlKind.LISTING)
    for index, segment in enumerate(segments):
        # "/category/politics/" lists; "/archives/705432" is a WordPress post behind an "archives" base.
        if segment in _LISTING_SEGMENTS and not _has_article_signal(segments[index + 1 :]):
            return Verdict(UrlKind.LISTING)

    meaningful = [
        s for s in segments if s not in _NEUTRAL_SEGMENTS and s not in _INDEX_FILES and not _LANGUAGE_SEGMENT.match(s)
    ]
    # A post can hide behind a short path: WordPress "/?p=123", "/news?id=4567".
    query_id = any(_LONG_ID.fullmatch(v) for v in query.values()) or bool(_NUMBER.match(query.get("p", "")))
    if not meaningful:
        return Verdict(UrlKind.ARTICLE if query_id else UrlKind.LISTING)
    if _is_date_archive(meaningful):
        return Verdict(UrlKind.LISTING)
    # One or two section names ("/news/", "/sport/football/", "/سياسة/"): a section front, most likely; but
    # "/news/short" and "/politics/elections" are articles of some sites, so this is a guess.
    if len(meaningful) <= 2 and not extension and not query_id and all(_is_section_name(s) for s in meaningful):
        return Verdict(UrlKind.LISTING, guessed=True)
    return Verdict(UrlKind.ARTICLE)


def classify_url(url: str) -> UrlKind:
    """The most likely kind of page behind ``url``, from its shape; ``ARTICLE`` when unsure."""
    return classify(url).kind


def is_article_url(url: str) -> bool:
    """Whether ``url`` is worth fetching as an article (see ``classify_url``)."""
    return classify_url(url) is UrlKind.ARTICLE


# -- what discovery skips, and why ---------------------------------------------------------------------------

SKIP_REASONS = {
    UrlKind.LISTING: "listing_page",
    UrlKind.TAG: "tag_page",
    UrlKind.AUTHOR: "author_page",
    UrlKind.VIDEO: "video",
    UrlKind.MEDIA: "media",
    UrlKind.FEED: "feed",
    UrlKind.OTHER: "furniture",
}
"""The ``skipped/<reason>`` of each kind of page discovery does not fetch as an article."""
GUESSED_LISTING = "looks_like_listing"
"""The reason of a link skipped on the section-name guess alone (only links of plain sitemaps)."""
IGNORED_BY_REGISTRY = "ignored_by_registry"
MAX_PATTERN_TARGET = 2048
"""Characters of a URL's path and query that registry patterns are applied to."""


def pattern_target(url: str) -> str:
    """What registry ``article_urls`` / ``ignore_urls`` patterns are searched in: the URL's path, then ``?`` and
    its query when it has one, percent-decoded (so that an Arabic pattern matches an encoded slug), at most
    ``MAX_PATTERN_TARGET`` characters."""
    parts = urlsplit(url.strip())
    target = unquote(parts.path, errors="replace") or "/"
    if parts.query:
        target += "?" + unquote(parts.query, errors="replace")
    return target[:MAX_PATTERN_TARGET]


@lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def skip_reason(
    url: str, *, listed_as_news: bool = False, article_urls: Sequence[str] = (), ignore_urls: Sequence[str] = ()
) -> str | None:
    """Why discovery should not fetch ``url`` as an article, or None to fetch it.

    ``listed_as_news``: a feed or a Google News sitemap lists it, so only an unmistakable shape keeps it out.
    ``ignore_urls`` (regexes, searched in ``pattern_target(url)``) win over everything, ``article_urls`` over
    the shape rules; the registry checked that both compile.
    """
    if ignore_urls or article_urls:
        target = pattern_target(url)
        if any(p.search(target) for p in _compiled(tuple(ignore_urls))):
            return IGNORED_BY_REGISTRY
        if any(p.search(target) for p in _compiled(tuple(article_urls))):
            return None
    verdict = classify(url)
    if verdict.kind is UrlKind.ARTICLE or (listed_as_news and verdict.guessed):
        return None
    if verdict.guessed and verdict.kind is UrlKind.LISTING:
        return GUESSED_LISTING
    return SKIP_REASONS[verdict.kind]
