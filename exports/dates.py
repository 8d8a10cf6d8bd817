"""Dates from the archive (ISO 8601 strings) as aware datetimes, and as each feed format writes them.

Feeds take their dates from articles only, never from the clock, so an unchanged feed stays
byte-identical; ``FALLBACK_DATE`` stands in when an article has no usable date at all.

Sites print implausible dates (a wrong time zone puts an article hours in the future, a broken template
prints 1970), and feed validators warn about dates before 1990 or in the future. The crawl's own times
bound them without asking the clock: an article cannot have been published after it was first seen,
nor modified after it was last seen.
"""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.text.dates import parse_iso

FALLBACK_DATE = datetime(2000, 1, 1, tzinfo=UTC)
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 string as an aware datetime (naive means UTC), whole seconds; None when unusable."""
    # The one rule (crawler.text.dates); bounded below by the crawl's own times, not by the clock.
    parsed = parse_iso(value, UTC, plausible=False)
    if parsed is None:
        return None
    offset = parsed.utcoffset()
    try:
        if offset is not None and offset.total_seconds() % 60:
            # RFC 3339 and RFC 822 offsets have no seconds.
            parsed = parsed.astimezone(UTC)
        parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if not 1000 <= parsed.year <= 9998:
        return None
    return parsed.replace(microsecond=0)


def rfc3339(moment: datetime) -> str:
    """Atom and JSON Feed form: ``2024-05-01T10:00:00+03:00``."""
    return moment.replace(microsecond=0).isoformat()


def rfc822(moment: datetime) -> str:
    """RSS and OPML form, locale-independent: ``Wed, 01 May 2024 10:00:00 +0300``."""
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return (
        f"{days[moment.weekday()]}, {moment.day:02d} {months[moment.month - 1]} {moment.year:04d} "
        f"{moment:%H:%M:%S} {sign}{hours:02d}{mins:02d}"
    )


def _plausible(value: str | None, bound: datetime | None) -> datetime | None:
    moment = parse_date(value)
    if moment is None or moment < EARLIEST:
        return None
    if bound is not None and moment > bound:
        return bound.astimezone(moment.tzinfo)
    return moment


def publication_date(published: str | None, first_seen: str | None) -> datetime:
    """When the article was published: its own date, no later than when the crawl first saw it."""
    seen = _plausible(first_seen, None)
    return _plausible(published, seen) or seen or FALLBACK_DATE


def modification_date(modified: str | None, last_seen: str | None, published: datetime) -> datetime:
    """When the article last changed: its own date if any, between publication and the last crawl."""
    moment = _plausible(modified, _plausible(last_seen, None))
    return max(published, moment) if moment is not None else published
