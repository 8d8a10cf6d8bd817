"""The W3C Feed Validation Service's rules that our feeds could break, as plain checks for tests.

Each ``check_*`` returns a list of problems (empty when the document passes), phrased after the
validator's messages (https://validator.w3.org/feed/docs/): self link equal to the document URL, RFC 822
and RFC 3339 dates with the right day of week, ``guid`` permalink semantics, valid URIs and UUIDs in ids,
an author for every Atom entry, one enclosure, ``description`` before ``content:encoded``, no HTML tags or
entities in plain-text fields, no relative URLs and no script-like content in HTML fields. Every
document must also parse with feedparser without ``bozo``. ``CHECKS`` holds the checks of each format of
``exports.formats.FORMATS``; ``check_feed_directory`` runs them on every file of one feed. ``SERVED_TYPES``
is what a server of an export must send files as (the validator warns about a feed served as another type).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.entities import name2codepoint
from pathlib import Path

import feedparser
import lxml.html
from lxml import etree

from exports.formats import FORMATS, RSS_FEED

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
MEDIA = "{http://search.yahoo.com/mrss/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# RFC 3986 URI characters only (so no IRI, no space), absolute http(s).
_PCHARS = r"A-Za-z0-9\-._~!$&'()*+,;=:@/%"
URI = re.compile(rf"^https?://[A-Za-z0-9.-]+(:\d+)?(/[{_PCHARS}]*)?(\?[{_PCHARS}?]*)?(#[{_PCHARS}?]*)?$")
PCT = re.compile(r"%(?![0-9A-Fa-f]{2})")
BAD_CHARACTERS = re.compile("[\x80-\x9f\ufffd]")
HTML_END_TAG = re.compile(r"</(\w+)>")
HTML_ENTITY = re.compile(r"&(#?\w+);")
HTML_TAGS = {t for t in lxml.html.defs.tags} | {"rtc", "bdi"}
EVIL_TAGS = {"script", "style", "iframe", "object", "embed", "meta", "link", "form", "base", "applet", "frame"}
# Arabic entries are wrapped right to left; an entry whose stored language is another keeps its own.
DIR_WRAPPER = re.compile(r'^<div dir="(rtl|ltr)" lang="[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*">.*</div>$', re.S)


def is_uri(value: str | None) -> bool:
    return bool(value) and URI.match(value or "") is not None and PCT.search(value or "") is None


def is_uuid_urn(value: str | None) -> bool:
    if not value or not value.startswith("urn:uuid:"):
        return False
    try:
        return str(uuid.UUID(value[9:])) == value[9:]
    except ValueError:
        return False


def nonhtml_problem(where: str, value: str | None) -> list[str]:
    """The validator's ``ContainsHTML`` check for fields where markup is not allowed."""
    if value is None:
        return []
    tags = [t for t in HTML_END_TAG.findall(value) if t.lower() in HTML_TAGS]
    if tags:
        return [f"{where}: contains HTML </{tags[0]}>"]
    for entity in HTML_ENTITY.findall(value):
        if entity in name2codepoint or not entity.isalpha():
            return [f"{where}: contains HTML entity &{entity};"]
    return []


def html_problems(where: str, fragment: str | None) -> list[str]:
    """Script-like content and relative URLs in an HTML field."""
    if not fragment:
        return []
    problems: list[str] = []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in EVIL_TAGS:
            problems.append(f"{where}: contains <{element.tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on") or name.lower() == "style":
                problems.append(f"{where}: attribute {name}")
            if name in ("href", "src", "cite") and not is_uri(value):
                problems.append(f"{where}: relative or invalid URL {value!r}")
    return problems


def implausible(where: str, moment: datetime) -> list[str]:
    """The validator's ImplausibleDate: before 1990 or more than ten minutes in the future."""
    if moment < datetime(1990, 1, 1, tzinfo=UTC) or moment > datetime.now(UTC) + timedelta(minutes=10):
        return [f"{where}: implausible date {moment.isoformat()}"]
    return []


def rfc822_problem(where: str, value: str | None) -> list[str]:
    if not value or not RFC822.match(value):
        return [f"{where}: not an RFC 822 date: {value!r}"]
    moment = parsedate_to_datetime(value)
    if moment.strftime("%a") != value[:3]:
        return [f"{where}: incorrect day of week {value!r}"]
    return implausible(where, moment)


def rfc3339_problem(where: str, value: str | None) -> list[str]:
    if not value or not RFC3339.match(value):
        return [f"{where}: not an RFC 3339 date: {value!r}"]
    return implausible(where, datetime.fromisoformat(value.replace("Z", "+00:00")))


def bad_characters(data: bytes) -> list[str]:
    """The validator's BadCharacters: C1 controls or U+FFFD, what is left of a wrong decoding."""
    found = BAD_CHARACTERS.search(data.decode("utf-8"))
    return [f"bad character {found.group()!r}"] if found else []


def check_rss(data: bytes, url: str) -> list[str]:
    """Problems of an RSS 2.0 document served at ``url``."""
    problems: list[str] = []
    root = etree.fromstring(data)
    if root.tag != "rss" or root.get("version") != "2.0":
        return ["not RSS 2.0"]
    channel = root.find("channel")
    assert channel is not None
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            problems.append(f"channel: missing {name}")
    problems += nonhtml_problem("channel title", channel.findtext("title"))
    if not is_uri(channel.findtext("link")):
        problems.append("channel link: not a URI")
    if channel.findtext("language") != "ar":
        problems.append("channel language is not ar")
    selfs = [a for a in channel.findall(f"{ATOM}link") if a.get("rel") == "self"]
    if len(selfs) != 1 or selfs[0].get("href") != url or selfs[0].get("type") != "application/rss+xml":
        problems.append("self link does not match document location")
    build = channel.findtext("lastBuildDate")
    problems += rfc822_problem("lastBuildDate", build)
    guids: set[str] = set()
    for n, item in enumerate(channel.findall("item")):
        where = f"item {n}"
        children = [c.tag for c in item]
        title = item.findtext("title")
        if not (title or "").strip():
            problems.append(f"{where}: missing title")
        problems += nonhtml_problem(f"{where} title", title)
        if not is_uri(item.findtext("link")):
            problems.append(f"{where}: link is not a URI: {item.findtext('link')!r}")
        guid = item.find("guid")
        if guid is None:
            problems.append(f"{where}: missing guid")
        else:
            permalink = guid.get("isPermaLink", "true") == "true"
            if permalink and not is_uri(guid.text):
                problems.append(f"{where}: guid must be a full URL unless isPermaLink is false")
            if not permalink and not is_uuid_urn(guid.text):
                problems.append(f"{where}: guid is not a urn:uuid")
            if guid.text in guids:
                problems.append(f"{where}: duplicate guid")
            guids.add(guid.text or "")
        if f"{CONTENT}encoded" in children and (
            "description" not in children or children.index("description") > children.index(f"{CONTENT}encoded")
        ):
            problems.append(f"{where}: description must come before content:encoded")
        problems += html_problems(f"{where} description", item.findtext("description"))
        problems += html_problems(f"{where} content:encoded", item.findtext(f"{CONTENT}encoded"))
        problems += rfc822_problem(f"{where} pubDate", item.findtext("pubDate"))
        if build and item.findtext("pubDate") and parsedate_to_datetime(item.findtext("pubDate") or "") > (
            parsedate_to_datetime(build)
        ):
            problems.append(f"{where}: pubDate after lastBuildDate")
        enclosures = item.findall("enclosure")
        if len(enclosures) > 1:
            problems.append(f"{where}: more than one enclosure")
        for enclosure in enclosures:
            if not is_uri(enclosure.get("url")) or not (enclosure.get("length") or "").isdigit():
                problems.append(f"{where}: bad enclosure")
            if not re.match(r"^[\w.+-]+/[\w.+-]+$", enclosure.get("type") or ""):
                problems.append(f"{where}: enclosure type")
        source = item.find("source")
        if source is None or not is_uri(source.get("url")) or not (source.text or "").strip():
            problems.append(f"{where}: source must name the original site with its url")
        else:
            problems += nonhtml_problem(f"{where} source", source.text)
        for creator in item.findall(f"{DC}creator"):
            if not (creator.text or "").strip():
                problems.append(f"{where}: empty dc:creator")
            problems += nonhtml_problem(f"{where} dc:creator", creator.text)
        for category in item.findall("category"):
            if not (category.text or "").strip():
                problems.append(f"{where}: empty category")
            problems += nonhtml_problem(f"{where} category", category.text)
        for media in item.findall(f"{MEDIA}content"):
            if not is_uri(media.get("url")):
                problems.append(f"{where}: media:content url")
        if item.find("author") is not None:
            problems.append(f"{where}: author needs an e-mail address; dc:creator is used instead")
    return problems + bad_characters(data) + feedparser_problems(data)


def _text(element: etree._Element | None) -> str | None:
    return element.text if element is not None else None


def check_atom(data: bytes, url: str) -> list[str]:
    """Problems of an Atom 1.0 document served at ``url``."""
    problems: list[str] = []
    root = etree.fromstring(data)
    if root.tag != f"{ATOM}feed":
        return ["not Atom"]
    if root.get(XML_LANG) != "ar":
        problems.append('feed: xml:lang is not "ar"')
    if not is_uuid_urn(root.findtext(f"{ATOM}id")):
        problems.append("feed: id is not a urn:uuid")
    if not (root.findtext(f"{ATOM}title") or "").strip():
        problems.append("feed: missing title")
    updated = root.findtext(f"{ATOM}updated")
    problems += rfc3339_problem("feed updated", updated)
    links = root.findall(f"{ATOM}link")
    selfs = [link for link in links if link.get("rel") == "self"]
    if len(selfs) != 1 or selfs[0].get("href") != url or selfs[0].get("type") != "application/atom+xml":
        problems.append("self link does not match document location")
    if any(not is_uri(link.get("href")) for link in links):
        problems.append("feed: link href is not a URI")
    if not (root.findtext(f"{ATOM}generator") or "").strip():
        problems.append("feed: missing generator")
    if root.xpath("//*[@type='CDATA']"):
        problems.append('type="CDATA" is not an Atom content type')
    ids: set[str] = set()
    for n, entry in enumerate(root.findall(f"{ATOM}entry")):
        where = f"entry {n}"
        entry_id = entry.findtext(f"{ATOM}id")
        if not is_uuid_urn(entry_id):
            problems.append(f"{where}: id is not a urn:uuid: {entry_id!r}")
        if entry_id in ids:
            problems.append(f"{where}: duplicate id")
        ids.add(entry_id or "")
        title = entry.find(f"{ATOM}title")
        if not (_text(title) or "").strip():
            problems.append(f"{where}: missing title")
        problems += nonhtml_problem(f"{where} title", _text(title))
        entry_updated = entry.findtext(f"{ATOM}updated")
        problems += rfc3339_problem(f"{where} updated", entry_updated)
        problems += rfc3339_problem(f"{where} published", entry.findtext(f"{ATOM}published"))
        if updated and entry_updated and _instant(entry_updated) > _instant(updated):
            problems.append(f"{where}: updated after the feed's updated")
        names = [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")]
        if not names or not all((name or "").strip() for name in names):
            problems.append(f"{where}: missing author")
        for name in names:
            problems += nonhtml_problem(f"{where} author", name)
        entry_links = entry.findall(f"{ATOM}link")
        if any(link.get("rel") is None for link in entry_links):
            problems.append(f"{where}: link without rel")
        if any(not is_uri(link.get("href")) for link in entry_links):
            problems.append(f"{where}: link href is not a URI")
        for link in entry_links:
            if link.get("title") is not None:
                if not link.get("title", "").strip():
                    problems.append(f"{where}: blank link title")
                problems += nonhtml_problem(f"{where} link title", link.get("title"))
        alternates = [link for link in entry_links if link.get("rel") == "alternate"]
        if len(alternates) != 1 or alternates[0].get("type") != "text/html":
            problems.append(f"{where}: needs exactly one alternate text/html link")
        if len([link for link in entry_links if link.get("rel") == "enclosure"]) > 1:
            problems.append(f"{where}: more than one enclosure")
        for tag in ("content", "summary"):
            element = entry.find(f"{ATOM}{tag}")
            if element is None:
                continue
            if element.get("type") != "html":
                problems.append(f"{where}: {tag} type is {element.get('type')!r}")
            if not DIR_WRAPPER.match(element.text or ""):
                problems.append(f"{where}: {tag} is not wrapped in a <div dir lang>")
            problems += html_problems(f"{where} {tag}", element.text)
        source = entry.find(f"{ATOM}source")
        if source is None:
            problems.append(f"{where}: missing source")
        else:
            if not is_uuid_urn(source.findtext(f"{ATOM}id")):
                problems.append(f"{where}: source without id")
            if not (source.findtext(f"{ATOM}title") or "").strip():
                problems.append(f"{where}: source without title")
            problems += rfc3339_problem(f"{where} source updated", source.findtext(f"{ATOM}updated"))
            source_links = source.findall(f"{ATOM}link")
            if not source_links or any(not is_uri(link.get("href")) for link in source_links):
                problems.append(f"{where}: source without a valid link")
        for category in entry.findall(f"{ATOM}category"):
            if not (category.get("term") or "").strip():
                problems.append(f"{where}: category without term")
    return problems + bad_characters(data) + feedparser_problems(data)


def check_json(data: bytes, url: str) -> list[str]:
    """Problems of a JSON Feed 1.1 document served at ``url``."""
    feed = json.loads(data)
    problems: list[str] = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    if feed.get("feed_url") != url:
        problems.append("feed_url does not match document location")
    if not feed.get("title") or feed.get("language") != "ar":
        problems.append("title or language")
    ids: set[str] = set()
    for n, item in enumerate(feed.get("items", [])):
        where = f"item {n}"
        if not is_uuid_urn(item.get("id")) or item["id"] in ids:
            problems.append(f"{where}: id")
        ids.add(item.get("id"))
        if not is_uri(item.get("url")):
            problems.append(f"{where}: url")
        if not (item.get("content_html") or item.get("content_text")):
            problems.append(f"{where}: no content")
        problems += html_problems(f"{where} content_html", item.get("content_html"))
        for key in ("date_published", "date_modified"):
            problems += rfc3339_problem(f"{where} {key}", item.get(key))
        if not item.get("authors") or not all(a.get("name") for a in item["authors"]):
            problems.append(f"{where}: authors")
    return problems + bad_characters(data)


SERVED_TYPES = [
    *((f"/all/{f.file_name}", f.content_type) for f in FORMATS),
    ("/index.opml", "text/x-opml; charset=utf-8"),
    ("/", "text/html; charset=utf-8"),
    (f"/categories/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9/{RSS_FEED.file_name}", RSS_FEED.content_type),
]
"""Paths of an export (with a category سياسة) and the Content-Type each must be served with."""

CHECKS: dict[str, Callable[[bytes, str], list[str]]] = {"rss": check_rss, "atom": check_atom, "json": check_json}
"""The checks of each format, by ``Format.name``."""


def check_feed_directory(directory: Path, url: str) -> list[str]:
    """Problems of the files of the feed in ``directory`` served under ``url`` (ending with "/"), in every format."""
    problems = []
    for fmt in FORMATS:
        found = CHECKS[fmt.name]((directory / fmt.file_name).read_bytes(), url + fmt.file_name)
        problems += [f"{fmt.file_name}: {problem}" for problem in found]
    return problems


def _instant(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def feedparser_problems(data: bytes) -> list[str]:
    parsed = feedparser.parse(data)
    return [f"feedparser bozo: {parsed.get('bozo_exception')!r}"] if parsed.bozo else []
