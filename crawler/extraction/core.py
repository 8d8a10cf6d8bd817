"""Orchestration only: parse once, structured data first, then site selectors, then the generic extractor,
then the Arabic layers (boilerplate, credits, bylines, dates, language) on top of what it returns.
"""

from __future__ import annotations

import html as htmllib
import re
from datetime import datetime
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring

from crawler.extraction import xpaths
from crawler.extraction.authors import clean_authors
from crawler.extraction.body import blocks_from_element, blocks_from_trafilatura
from crawler.extraction.boilerplate import Block, filter_blocks, is_boilerplate_line, trim_furniture
from crawler.extraction.credits import (
    closing_credit,
    is_caption,
    is_photo_credit,
    only_agencies,
    repeated_attributions,
    split_dateline,
)
from crawler.extraction.dates import format_date, parse_date
from crawler.extraction.density import Paragraph, measure
from crawler.extraction.encoding import decode_html
from crawler.extraction.language import detect_language
from crawler.extraction.model import Extracted, ExtractionError
from crawler.extraction.sanitize import sanitize_html
from crawler.extraction.scan import Pruned, Scan, prune, scan
from crawler.extraction.section import crumb_section, pick_section
from crawler.extraction.selectors import compile_selector, select_attribute_or_text, select_elements, select_text
from crawler.extraction.structured import Structured, read_structured
from crawler.extraction.template import kept_lines, line_key
from crawler.extraction.textutil import ARABIC_LETTER, alnum_key, clean
from crawler.extraction.title import choose_title, strip_site_name
from crawler.extraction.witnesses import Witness, choose, fill_gaps
from crawler.registry import Site

# Comments dropped at parse time: text after an HTML comment inside a paragraph is otherwise lost by the
# generic extractor, which expects trees parsed this way.
_PARSER = HTMLParser(  # type: ignore[call-arg]  # the stubs lack default_doctype
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_UPDATED = re.compile(r"(?:تحديث|محدث|عدل|updated|actualizado|aktualisiert|güncelleme|modifi)", re.I)
_URL_DATE = re.compile(r"/(20\d{2}|19\d{2})/(?:[a-z_\-]+/)?(\d{1,2})/(\d{1,2})(?:/|$|-)|/(20\d{2})-(\d{2})-(\d{2})")
_BYLINE_START = re.compile(r"^(?:كتب|كتبت|بقلم|حوار|إعداد|اعداد|تقرير|تحرير)\s*[:：\-–—]?\s*\S")
MAX_PAGE_CHARS = 8_000_000
MAX_PAGE_TAGS = 150_000
_MIN_SELECTOR_BODY = 80
_FAST_ENOUGH = 300
# When the first witness may have lost the article: pruning took out this many characters of running
# paragraphs, or another witness is this much longer (_LONGER times, plus _SLACK characters).
_CUT_RUNNING = 150
_LONGER = 1.3
_SLACK = 200
_EDGE_SHARE = 0.3
_CUT_SHARE = 0.5
_NEAR_H1_DATES = 20
_TAG = re.compile(r"<[^<>]{0,400}>")
_EPOCH_END = datetime(2100, 1, 1, tzinfo=ZoneInfo("UTC"))
_ARTICLEISH = re.compile(r"article|post|story|entry|details|single|news-?cat")
_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _parse(text: str) -> HtmlElement:
    # A news page is a few hundred kilobytes and some thousands of elements; one built to cost a worker minutes
    # and gigabytes (300,000 paragraphs) is refused before it is parsed.
    if len(text) > MAX_PAGE_CHARS:
        raise ExtractionError(f"page too large to be an article ({len(text):,} characters)")
    if text.count("<") > MAX_PAGE_TAGS:
        raise ExtractionError(f"page has too many tags to be an article (more than {MAX_PAGE_TAGS:,})")
    text = _XML_DECLARATION.sub("", text, count=1)
    head = text[:2048]
    # A binary file (an image or PDF served as text/html) is full of control bytes; an HTML page that carries a
    # few stray NULs or escape characters in its text is still a page, and loses only those characters.
    if "<" not in text[:4096] or len(_CONTROL.findall(head)) > 2 + len(head) // 100:
        raise ExtractionError("not an HTML page")
    # Dropped from the encoded bytes, where it is one fast pass: in UTF-8 these code points are single bytes that
    # never occur inside the encoding of another character.
    data = text.encode("utf-8", "surrogatepass").translate(None, _CONTROL_BYTES)
    try:
        tree = document_fromstring(data, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"cannot parse HTML: {exc}") from exc
    if tree is None or tree.find("body") is None:
        raise ExtractionError("not an HTML page (no body)")
    return tree


def _site_names(site: Site | None, sd: Structured, url: str) -> tuple[str, ...]:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    names = [site.name, site.name_en] if site else []
    names += [sd.site_name or "", sd.publisher or "", host, host.split(".")[0]]
    return tuple(dict.fromkeys(n for n in names if n))


def _credit_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """Names the site credits itself by in datelines and source lines: "الجزيرة نت" signs "المصدر : الجزيرة"."""
    words = [w for n in names for w in n.split() if len(w) >= 4 and " " in n]
    return tuple(dict.fromkeys([*names, *words]))


def _date_of(
    values: list[str | None], tz: ZoneInfo, now: datetime | None, locale: str | None = None
) -> datetime | None:
    for value in values:
        if not value:
            continue
        found = parse_date(value, tz=tz, now=now, locale=locale)
        if found is not None:
            return found
    return None


def _visible_dates(candidates: list[HtmlElement]) -> tuple[list[str], list[str]]:
    published: list[str] = []
    updated: list[str] = []
    for element in candidates:
        text = clean(element.text_content())
        if not text or len(text) > 120 or not _DIGIT.search(text):
            continue
        stamp = element.get("datetime") or element.get("content")
        if stamp and not _UPDATED.search(text):
            published.insert(0, stamp)
            continue
        (updated if _UPDATED.search(text) or _UPDATED.search(element.get("class", "")) else published).append(text)
    return published, updated


def _url_date(url: str) -> str | None:
    m = _URL_DATE.search(urlsplit(url).path)
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups() if g)
    if 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _dates(
    tree: HtmlElement, sd: Structured, sc: Scan, site: Site | None, url: str, tz: ZoneInfo, now: datetime | None
) -> tuple[datetime | None, datetime | None]:
    locale = site.locale if site else None

    def date_of(values: list[str | None]) -> datetime | None:
        return _date_of(values, tz, now, locale)

    published = date_of([sd.published])
    modified = date_of([sd.modified, sd.time_modified])
    if published is None and sd.time_published and not _UPDATED.search(sd.time_published):
        published = date_of([sd.time_published])
    if published is None and site and site.selectors and site.selectors.date:
        published = date_of(list(select_attribute_or_text(tree, site.selectors.date, "datetime", "content")))
    if published is None or modified is None:
        visible, updated = _visible_dates(sc.dates)
        if published is None:
            published = date_of(list(visible))
        if modified is None:
            modified = date_of(list(updated))
    if published is None:
        # No date where markup says one is: a short line under the headline that is nothing but a date (the
        # stamp a reader sees there), whatever its class.
        stamps, _updates = _visible_dates(sc.near_h1[:_NEAR_H1_DATES])
        published = date_of(list(stamps))
    if published is None:
        published = date_of([_url_date(url), _url_date(sd.canonical or ""), _url_date(sd.og_url or "")])
    return published, modified


def _credits(blocks: list[Block], site_names: tuple[str, ...]) -> tuple[list[Block], str | None, list[str]]:
    agencies: list[str] = []
    dateline: str | None = None
    if blocks:
        line, ids, rest = split_dateline(blocks[0].text, site_names)
        if line is not None:
            dateline = line
            agencies.extend(ids)
            if rest:
                first = blocks[0]
                blocks[0] = Block(first.tag, rest, _cut_prefix(first.html, rest), first.link_ratio)
            else:
                blocks.pop(0)
    for _ in range(2):
        if not blocks:
            break
        found = closing_credit(blocks[-1].text, site_names)
        if found is None:
            break
        ids, rest = found
        agencies.extend(a for a in ids if a not in agencies)
        if rest:
            last = blocks[-1]
            blocks[-1] = Block(last.tag, rest, _cut_suffix(last.html, last.text, rest), last.link_ratio)
            break
        blocks.pop()
    return blocks, dateline, agencies


def _cut_prefix(markup: str, rest: str) -> str:
    """Inner HTML of a paragraph whose opening dateline was cut: start the markup at the remaining text."""
    head = rest[:12]
    at = markup.find(head)
    return markup[at:] if at >= 0 else rest


def _cut_suffix(markup: str, text: str, rest: str) -> str:
    tail = text[len(rest) :].strip()
    at = markup.rfind(tail[:8]) if tail else -1
    return markup[:at].rstrip() if at > 0 else rest


def _bylines(tree: HtmlElement, sd: Structured, sc: Scan, site: Site | None) -> list[str]:
    if site and site.selectors and site.selectors.author:
        text = select_text(tree, site.selectors.author)
        if text:
            return [text]
    raw = list(sd.authors)
    for element in [] if raw else sc.bylines:
        text = clean(element.text_content())
        if 2 < len(text) < 80 and text not in raw and not _DIGIT.search(text):
            raw.append(text)
        if len(raw) >= 3:
            break
    return raw


def _category(
    tree: HtmlElement, sd: Structured, sc: Scan, site: Site | None, title: str | None, names: tuple[str, ...]
) -> str | None:
    def texts(elements: list[HtmlElement]) -> list[str]:
        return [clean(e.text_content()) for e in elements]

    articleish = [e for e in sc.categories if _ARTICLEISH.search(f"{e.get('class', '')} {e.get('id', '')}".lower())]
    crumbs = [crumb for trail in sc.breadcrumbs for crumb in crumb_section(texts(list(trail.iter("a"))))]
    selected = (
        select_text(tree, site.selectors.category) if site and site.selectors and site.selectors.category else None
    )
    return pick_section(
        [selected, *sd.sections, *texts(articleish), *crumbs, *crumb_section(sd.breadcrumb), *texts(sc.categories)],
        title=title,
        arabic_page=bool(ARABIC_LETTER.search(title or "")),
        not_labels=names,
    )


def _same_site(candidate: str | None, url: str) -> str | None:
    if not candidate:
        return None
    absolute = urljoin(url, candidate.strip())
    host = (urlsplit(absolute).hostname or "").removeprefix("www.")
    page_host = (urlsplit(url).hostname or "").removeprefix("www.")
    if not page_host or host == page_host or host.endswith("." + page_host) or page_host.endswith("." + host):
        return absolute
    return None


def _body_blocks(
    tree: HtmlElement, site: Site | None, url: str, sd: Structured, sc: Scan, title: str | None, tz: ZoneInfo
) -> list[Block]:
    """The body's blocks, boilerplate filtered. Runs last: it takes boilerplate out of the tree (and may put it
    back) before handing the tree to trafilatura.

    The first witness is the site's body selector when it has one, else trafilatura on the tree with the
    boilerplate blocks taken out. When cheap signals say it may have lost the article (pruning took out running
    paragraphs; it is much shorter than JSON-LD ``articleBody``, than the densest container or than twice the
    description), the other witnesses are asked too (``witnesses.py``) and the body is chosen by agreement.
    """
    selectors = site.selectors if site else None
    locale = site.locale if site else None
    remove = [compile_selector(s) for s in selectors.remove] if selectors else []
    density = measure(tree)
    first: Witness | None = None
    pruned: Pruned | None = None
    if selectors and selectors.body:
        chosen = select_elements(tree, selectors.body)
        blocks = [b for e in chosen for b in blocks_from_element(e, remove, density)]
        if sum(len(b.text) for b in blocks) >= _MIN_SELECTOR_BODY:
            first = Witness("selector", _clean_blocks(blocks, title, tz, locale))
    if first is None:
        for finder in remove:
            for node in xpaths.elements(finder, tree):
                if node.getparent() is not None:
                    node.drop_tree()
        pruned = prune(sc.boilerplate, density)
        # trafilatura's fast path (no second-opinion extractors) is enough for most article pages; a short result
        # means it missed the article, and only then the full comparison runs.
        blocks = blocks_from_trafilatura(tree, url, fast=True)
        if sum(len(b.text) for b in blocks) < max(_FAST_ENOUGH, 2 * len(sd.description or "")):
            blocks = blocks_from_trafilatura(tree, url, fast=False) or blocks
        first = Witness("pruned", _clean_blocks(blocks, title, tz, locale), family="trafilatura")
    article_body = _article_body_blocks(sd)
    densest = density.densest()
    dense_running = density.of(densest).running if densest is not None else 0
    in_dense = density.paragraphs_in(densest) if densest is not None else []
    taken = pruned.taken() if pruned is not None else set()
    # Running text pruning took out of the article's likely place (sidebars' teasers are no loss).
    cut = sum(p.chars for p in in_dense if not taken.isdisjoint(p.ancestry)) if taken else 0
    doubts = _doubts(first, cut, article_body, dense_running, len(sd.description or ""))
    if densest is not None and not doubts and _missed(first, in_dense) >= _CUT_RUNNING:
        doubts.append("misses_dense_paragraphs")
    doubtful = bool(doubts)
    if not doubtful:
        return first.blocks
    witnesses = [first]
    if pruned is not None:
        pruned.undo()
    # trafilatura again, on the tree as the page sent it: only worth its time when pruning took out running
    # text where the article is (else it reads what the first run read), or the first witness was a selector.
    if pruned is None or cut:
        untouched = blocks_from_trafilatura(tree, url, fast=True)
        witnesses.append(Witness("untouched", _clean_blocks(untouched, title, tz, locale), family="trafilatura"))
    dense: Witness | None = None
    if densest is not None:
        dense = Witness("density", _clean_blocks(blocks_from_element(densest, remove), title, tz, locale))
    if dense is not None:
        witnesses.append(dense)
    if article_body:
        witnesses.append(Witness("article_body", _clean_blocks(article_body, title, tz, locale)))
    verdict = choose(witnesses).chosen
    if dense is not None and verdict is not dense and verdict.name != "article_body":
        return fill_gaps(verdict, dense)
    if verdict.blocks:
        return verdict.blocks
    body = tree.find("body")
    return _clean_blocks(blocks_from_element(body, remove), title, tz, locale) if body is not None else []


def _doubts(first: Witness, cut: int, article_body: list[Block], dense_running: int, description: int) -> list[str]:
    """Why the first witness may have lost (or buried) the article, from figures already at hand."""
    have = first.running_chars
    checks = {
        "short": have < _FAST_ENOUGH,
        # What pruning took out of the densest container is a loss only when it is large against what is left
        # (a related card's teasers beside a long article are not).
        "pruned_running_text": cut >= max(_CUT_RUNNING, _CUT_SHARE * have),
        "shorter_than_article_body": sum(len(b.text) for b in article_body) > _LONGER * have + _SLACK,
        "shorter_than_densest": dense_running > _LONGER * have + _SLACK,
        "longer_than_densest": bool(dense_running) and have > 2 * _LONGER * dense_running + _SLACK,
        "shorter_than_description": have < 2 * description,
    }
    return [name for name, failed in checks.items() if failed]


def _missed(witness: Witness, paragraphs: list[Paragraph]) -> int:
    """Characters of running paragraphs that ``witness`` does not hold (boilerplate lines and captions, which
    every witness drops, aside). A paragraph missing between two it holds counts in full; missing ones before
    the first or after the last it holds count only as a large share of the text (a subtitle, the teasers of
    the next story are expected losses there; half the article is not)."""
    kept: list[int] = []
    unsure: list[int] = []
    for i, p in enumerate(paragraphs):
        if witness.prints(p.text):
            kept.append(i)
        elif not is_boilerplate_line(p.text) and not is_caption(p.text):
            unsure.append(i)
    if not unsure:
        return 0
    first, last = (kept[0], kept[-1]) if kept else (len(paragraphs), -1)
    inside = [i for i in unsure if first < i < last]
    edges = [i for i in unsure if not first < i < last]
    edge_share = _EDGE_SHARE * witness.running_chars
    if kept and not inside and sum(paragraphs[i].chars for i in edges) <= edge_share:
        return 0  # only expected losses, whatever the trigrams say: skip computing them
    missed_inside = sum(paragraphs[i].chars for i in inside if not witness.holds(paragraphs[i].text))
    missed_edges = sum(paragraphs[i].chars for i in edges if not witness.holds(paragraphs[i].text))
    return missed_inside + (missed_edges if missed_edges > edge_share or not kept else 0)


def _article_body_blocks(sd: Structured) -> list[Block]:
    """JSON-LD ``articleBody`` as one block (some CMSs put markup in it)."""
    text = clean(_TAG.sub(" ", sd.article_body or ""))
    return [Block("p", text, htmllib.escape(text, quote=False))] if text else []


def _clean_blocks(blocks: list[Block], title: str | None, tz: ZoneInfo, locale: str | None) -> list[Block]:
    """Boilerplate lines, photo credits and date stamps out: what every witness is judged on."""
    return [
        b
        for b in filter_blocks(blocks, title)
        if not _is_caption_credit(b.text) and not _is_date_line(b.text, tz, locale)
    ]


def _is_caption_credit(text: str) -> bool:
    """ "الصورة: رويترز" or a caption ending in its credit, left in the text by the extractor: dropped, and its
    agency not counted."""
    if is_caption(text):
        return True
    return is_photo_credit(text) and len(text) < 60 and only_agencies(re.sub(r"^.*?[:：]", "", text)) is not None


def _is_date_line(text: str, tz: ZoneInfo, locale: str | None) -> bool:
    """A paragraph that is only a date stamp ("17/4/2024", "الأحد 18 غشت 2024 - 14:30")."""
    return (
        len(text) < 60
        and len(text.split()) <= 8
        and not re.search(r"[.!؟?]\s|\w{12,}", text)
        and (parse_date(text, tz=tz, now=_EPOCH_END, locale=locale) is not None and _DIGIT.search(text) is not None)
    )


def _with_standfirst(blocks: list[Block], sc: Scan, description: str | None) -> list[Block]:
    """The page's description printed under the headline is its stand-first: part of the article text even
    when the generic extractor left it out (it often sits in the header block)."""
    key = alnum_key(description or "")
    # Already there, alone or as the start of the first paragraph (after its dateline).
    if len(key) < 60 or any(key in alnum_key(b.text) for b in blocks[:3]):
        return blocks
    for element in [*sc.near_h1, *sc.subtitles]:
        text = clean(element.text_content())
        if alnum_key(text) == key:
            return [Block("p", text, text), *blocks]
    return blocks


def _subtitle(sc: Scan, title: str | None, description: str | None) -> str | None:
    for element in sc.subtitles:
        text = clean(element.text_content())
        if text and text != title and 3 < len(text.split()) < 80 and not is_boilerplate_line(text):
            return text
    return None


def _summary(description: str | None, names: tuple[str, ...]) -> str | None:
    if not description:
        return None
    stripped = strip_site_name(description, names).strip(" |-–—:")
    if len(stripped.split()) < 4:
        return None
    return stripped if alnum_key(stripped) and alnum_key(stripped) not in {alnum_key(n) for n in names} else None


def extract(
    html: bytes | str,
    url: str,
    *,
    site: Site | None = None,
    header_charset: str | None = None,
    now: datetime | None = None,
    boilerplate_lines: frozenset[int] = frozenset(),
) -> Extracted:
    """Extract one article page; raises ExtractionError for a page that cannot be read as an article.

    ``boilerplate_lines`` are the line keys the crawl learned to be the site's template (``template.py``):
    body lines with those keys are left out."""
    text = decode_html(html, header_charset)[0] if isinstance(html, bytes) else html
    if not text or not text.strip():
        raise ExtractionError("empty page")
    tree = _parse(text)
    tz = site.tz if site else ZoneInfo("UTC")
    sd = read_structured(tree)
    names = _site_names(site, sd, url)
    selectors = site.selectors if site else None

    sc = scan(tree)

    # Everything read from the tree comes first: the body stage prunes it in place.
    h1s = [t for t in (clean(h.text_content()) for h in xpaths.h1s(tree)[:6]) if t]
    title = choose_title(
        h1s,
        [sd.og_title or "", sd.headline or "", sd.html_title or ""],
        names,
        select_text(tree, selectors.title) if selectors else None,
    )
    raw_bylines = _bylines(tree, sd, sc, site)
    published, modified = _dates(tree, sd, sc, site, url, tz, now)
    category = _category(tree, sd, sc, site, title, names)
    subtitle = _subtitle(sc, title, sd.description)
    summary = _summary(sd.description, names)

    blocks = _body_blocks(tree, site, url, sd, sc, title, tz)
    credit_names = _credit_names(names)
    blocks = trim_furniture(
        blocks,
        [title or "", *h1s, category or "", *raw_bylines, *names],
        keep=lambda line: split_dateline(line, credit_names)[0] is not None,
    )
    blocks = _with_standfirst(blocks, sc, sd.description)
    if blocks and _BYLINE_START.match(blocks[0].text) and len(blocks[0].text) < 60:
        # A byline printed as the first paragraph ("كتب: سامر الحسن") is the author, not article text.
        raw_bylines.append(blocks.pop(0).text)
    blocks, dateline, agencies = _credits(blocks, credit_names)
    keys = [line_key(b.text) for b in blocks]
    if boilerplate_lines:
        keep = kept_lines([b.text for b in blocks], boilerplate_lines, keys)
        blocks = [b for b, kept in zip(blocks, keep, strict=True) if kept]
    if not blocks:
        raise ExtractionError("no article text found")

    authors, byline_agencies = clean_authors(raw_bylines, names, (category or "", *sd.breadcrumb))
    for agency_id in [*byline_agencies, *repeated_attributions([b.text for b in blocks])]:
        if agency_id not in agencies:
            agencies.append(agency_id)
    for publisher in (sd.site_name, sd.publisher, *((site.name, site.name_en) if site else ())):
        # An agency's own site credits the agency (aa.com.tr is Anadolu).
        if publisher and (ids := only_agencies(publisher)):
            agencies.extend(a for a in ids if a not in agencies)

    body = "\n".join(b.text for b in blocks)
    body_html = sanitize_html("".join(f"<{b.tag}>{b.html}</{b.tag}>" for b in blocks), url)
    image = urljoin(url, sd.image) if sd.image else None

    return Extracted(
        url=url,
        canonical_url=_same_site(sd.canonical, url) or _same_site(sd.og_url, url),
        site_name=sd.site_name or sd.publisher or (site.name if site else None),
        language=detect_language(f"{title or ''}\n{body}", sd.html_lang, prior=site.language if site else None),
        title=title,
        subtitle=subtitle,
        summary=summary,
        body=body,
        body_html=body_html,
        published=format_date(published),
        modified=format_date(modified),
        authors=authors,
        category=category,
        tags=list(dict.fromkeys(sd.tags)),
        image=image,
        agencies=agencies,
        dateline=dateline,
        line_keys=list(dict.fromkeys(k for k in keys if k is not None)),
    )
