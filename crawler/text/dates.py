"""ISO 8601 stamps, read by one rule wherever they come from: structured data, feeds, sitemaps, the archive.

- A time without an offset is in the site's time zone (``tz``). Only a caller that has no site passes UTC.
- A date alone (``2024-05-12``, or ``2024-05-12+03:00`` as XML Schema writes one) keeps date precision: the
  start of that day where it was printed, never a moment that a zone conversion could move to the day before.
- An impossible value gives None, never an exception: junk, a day or hour that does not exist, a time UTC cannot
  hold (``9999-12-31T23:59:59-23:59``), one before 1900 or more than two days after ``now``. No date beats a
  wrong one. A caller that judges dates itself (extraction leaves it to the normalize pipeline, which counts
  them; exports bound them by the crawl's own times) asks for the value as written with ``plausible=False``.

The forms read are the extended ones that RFC 3339, W3C Datetime (sitemaps), Atom and schema.org use: hyphens
and colons, ``T`` or a space between date and time, seconds and fractions optional, ``Z`` or an offset written
``+03:00``, ``+0300`` or ``+03``. Basic forms (``20240512``) are not read: on a page they are more often a
number than a date.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

EARLIEST_YEAR = 1900
"""No news article in the archive is older; an earlier date is a parsing accident."""
FUTURE_SLACK = timedelta(days=2)
"""A page dated later than this after the crawl is wrong about its date (or lies about it)."""

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[Tt ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"\s*(?:(?P<z>[Zz])|(?P<sign>[+-])(?P<oh>\d{2})(?::?(?P<om>\d{2})(?::?(?P<os>\d{2})(?:\.(?P<of>\d{1,6}))?)?)?)?"
)
_MAX_TEXT = 64


def zone(tz: tzinfo | str) -> tzinfo:
    """A time zone given as an object or an IANA name."""
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def is_plausible(moment: datetime, now: datetime | None = None) -> bool:
    """Whether an aware time can be a news article's: UTC can hold it, it is not before 1900, and it is not more
    than two days after ``now`` (default: the current time)."""
    try:
        utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return False
    return utc.year >= EARLIEST_YEAR and utc <= (now or datetime.now(UTC)) + FUTURE_SLACK


def parse_iso(
    text: str | None, tz: tzinfo | str = UTC, *, now: datetime | None = None, plausible: bool = True
) -> datetime | None:
    """The aware time an ISO 8601 stamp denotes, or None; a stamp without an offset is in ``tz``.

    With ``plausible`` (the default) a time UTC cannot hold, one before 1900 or one more than two days after
    ``now`` is None too; without it the time is returned as written (and may be one UTC cannot hold)."""
    if not text:
        return None
    text = text.strip()
    m = _ISO.fullmatch(text) if len(text) <= _MAX_TEXT else None
    if m is None:
        return None
    try:
        offset: tzinfo
        if m["z"]:
            offset = UTC
        elif m["sign"]:
            delta = timedelta(
                hours=int(m["oh"]), minutes=int(m["om"] or 0), seconds=int(m["os"] or 0),
                microseconds=int((m["of"] or "0").ljust(6, "0")),
            )  # fmt: skip
            offset = timezone(-delta if m["sign"] == "-" else delta)
        else:
            offset = zone(tz)
        moment = datetime(
            int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"] or 0), int(m["mi"] or 0), int(m["s"] or 0),
            int((m["f"] or "0")[:6].ljust(6, "0")), tzinfo=offset,
        )  # fmt: skip
    except (ValueError, OverflowError):  # 2024-02-30, 25:00, an offset of a day or more
        return None
    if plausible and not is_plausible(moment, now):
        return None
    return moment

