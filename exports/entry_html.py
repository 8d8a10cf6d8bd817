"""The HTML of an entry: its summary or its body, then the attribution lines, in the entry's direction.

RSS (``description``, ``content:encoded``), Atom (``summary``, ``content``) and JSON Feed (``content_html``) carry
these fragments. The attribution is rendered here from the entry's data: «المصدر: <site> — <agencies>», with
links, and in the combined feed «نشرته أيضاً:» with every other site that carried the story.
"""

from __future__ import annotations

import html

from exports.html import wrap_dir
from exports.model import Credit, Entry


def _anchor(credit: Credit, href: str | None = None) -> str:
    return f'<a href="{html.escape(href or credit.url)}">{html.escape(credit.name, quote=False)}</a>'


def attribution_html(entry: Entry) -> str:
    """The credit lines: the original site (linking to the article), its agencies, the other carriers."""
    line = f"<p>المصدر: {_anchor(Credit(entry.source.title, entry.source.url), entry.link)}"
    if entry.agencies:
        line += " — " + "، ".join(_anchor(a) for a in entry.agencies)
    line += "</p>"
    if entry.carriers:
        line += "<p>نشرته أيضاً: " + "، ".join(_anchor(c) for c in entry.carriers) + "</p>"
    return line


def summary_html(entry: Entry) -> str:
    """The summary and the attribution (RSS description, Atom summary)."""
    return wrap_dir(f"<p>{html.escape(entry.summary, quote=False)}</p>{attribution_html(entry)}", entry.language)


def content_html(entry: Entry) -> str | None:
    """The body and the attribution; None when only summaries may be republished."""
    if entry.body_html is None:
        return None
    return wrap_dir(entry.body_html + attribution_html(entry), entry.language)
