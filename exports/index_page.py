"""``index.html``: a right-to-left Arabic page listing every feed with its site, article count and formats."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from exports.feeds import INDEX_OPML, FeedSpec
from exports.formats import FORMATS
from exports.opml import GROUPS

_STYLE = "body{font-family:sans-serif;max-width:60rem;margin:auto;padding:1rem}td,th{padding:.3rem .6rem}"


def _row(feed: FeedSpec) -> str:
    links = " · ".join(f'<a href="{escape(feed.url(f.file_name))}">{escape(f.label)}</a>' for f in FORMATS)
    return (
        f'<tr><td><a href="{escape(feed.home_url)}">{escape(feed.title)}</a></td>'
        f"<td>{feed.count}</td><td dir=\"ltr\">{links}</td></tr>"
    )


def render_index(feeds: Sequence[FeedSpec], base_url: str) -> bytes:
    """The HTML index of ``feeds``."""
    formats = " و".join(escape(f.title) for f in FORMATS)  # "RSS وAtom وJSON Feed"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="ar" dir="rtl">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>أخبار — الخلاصات</title><style>{_STYLE}</style></head>",
        "<body>",
        "<h1>أخبار — خلاصات الأخبار العربية</h1>",
        f"<p>كل خلاصة متاحة بصيغ {formats}، وكل خبر فيها يذكر موقعه الأصلي ويرتبط به. "
        f'قائمة الاشتراك الكاملة: <a href="{escape(base_url + INDEX_OPML)}">OPML</a>.</p>',
    ]
    for kind, label in GROUPS:
        members = [f for f in feeds if f.kind == kind]
        if not members:
            continue
        parts.append(f"<h2>{label}</h2>")
        parts.append("<table><thead><tr><th>الخلاصة</th><th>عدد الأخبار</th><th>الصيغ</th></tr></thead><tbody>")
        parts.extend(_row(f) for f in members)
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return ("\n".join(parts) + "\n").encode("utf-8")
