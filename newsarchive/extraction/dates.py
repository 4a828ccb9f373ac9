"""Publication and modification dates to UTC ISO 8601.

The page's raw date string is kept (``published_raw``). A date that states
its zone is converted from it (``published_tz_source = "page"``); one that
does not is read in the site's zone (``"site default"``, Asia/Tehran for
Islam Times). A site without a profile has no zone of its own: a time that
states none is read in the zone of the page's other date (``"other
date"``), else kept as the page's wall-clock time without an offset
(``2024-05-19T06:00:00``, ``"unknown"``) rather than taken for UTC. A date
without a time of day is stored as that day (``2024-05-19``, ``"date
only"``): no invented midnight, and no zone shifts it to another day. A date
that cannot be parsed leaves ``published`` empty and keeps the article.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from functools import lru_cache
from datetime import datetime, timedelta, timezone, tzinfo

from dateutil import parser as date_parser
from dateutil import tz

from newsarchive.items import ArticleItem
from newsarchive.sites.local_dates import UnknownZone, parse_local, parse_with_zone_abbreviation
from newsarchive.sites.text import MONTHS, VISIBLE_DATE, ascii_digits, clean_ws

logger = logging.getLogger(__name__)

#: A date further ahead than this is a wrong date, not a clock difference.
FUTURE_TOLERANCE = timedelta(days=1)

TZ_SOURCE_PAGE = "page"
TZ_SOURCE_SITE = "site default"
TZ_SOURCE_OTHER_DATE = "other date"
TZ_SOURCE_UNKNOWN = "unknown"
TZ_SOURCE_DATE_ONLY = "date only"

#: A time of day in a date string (``09:18``, ``9h18``, ``T0918``), digits already ASCII.
_CLOCK = re.compile(r"(?<!\d)\d{1,2}\s*[:h]\s*\d{2}(?!\d)|\dT\d{2}")

#: dateutil reads "Tuesday 8 November 2022 - 09:18" but not every separator.
_SEPARATORS = str.maketrans({"،": " ", "|": " "})


class UnparseableDate(ValueError):
    pass


class FutureDate(ValueError):
    """A date further ahead than ``FUTURE_TOLERANCE``: a wrong date."""


_MONTHS = {name.lower(): number for number, name in enumerate(MONTHS.split("|"), 1)}


def _fast_parse(text: str) -> datetime | None:
    """The forms the site family uses, without dateutil's general parser:
    ``Tuesday 8 November 2022 - 09:18`` and ISO 8601."""
    match = VISIBLE_DATE.fullmatch(text)
    if match is not None:
        day, month, year, hour, minute = match.group("day", "month", "year", "hour", "minute")
        try:
            return datetime(int(year), _MONTHS[month.lower()], int(day), int(hour or 0), int(minute or 0))
        except ValueError:
            return None
    if text[:4].isdigit():
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def parse_date(raw: str, default_zone: tzinfo | None, language: str | None = None,
               unknown_zones: list | None = None) -> tuple[datetime, str]:
    """Return the date and where its zone came from: an aware UTC datetime,
    or a naive one (``TZ_SOURCE_UNKNOWN``) when the date states no zone and
    ``default_zone`` is None.

    English and ISO dates take a fast path; other editions' dates are read
    in their language and calendar (``local_dates``). A zone abbreviation
    nobody can tell counts as no zone: the date is read in the site's zone
    and the abbreviation appended to ``unknown_zones``.
    """
    parsed = _parse_naive_or_aware(raw, language, unknown_zones)
    if parsed.tzinfo is None:
        if default_zone is None:
            return parsed, TZ_SOURCE_UNKNOWN
        parsed, source = parsed.replace(tzinfo=default_zone), TZ_SOURCE_SITE
    else:
        source = TZ_SOURCE_PAGE
    try:
        return parsed.astimezone(timezone.utc), source
    except (ValueError, OverflowError) as exc:
        raise UnparseableDate(str(exc)) from exc


def _parse_naive_or_aware(raw: str, language: str | None, unknown_zones: list | None) -> datetime:
    text = clean_ws(raw).translate(_SEPARATORS)
    if not text:
        raise UnparseableDate("empty date")
    parsed = _fast_parse(text)
    if parsed is None and not text.isascii():
        text = ascii_digits(text)
        parsed = _fast_parse(text) or parse_local(text, language)
    if parsed is None:
        try:
            parsed = parse_with_zone_abbreviation(text)
        except UnknownZone as unknown:
            parsed = unknown.moment
            if unknown_zones is not None:
                unknown_zones.append(unknown.abbreviation)
        except (ValueError, OverflowError) as exc:
            parsed = parse_local(text, language) if language and language != "en" else None
            if parsed is None:
                raise UnparseableDate(str(exc)) from exc
    return parsed


def has_time_of_day(raw: str) -> bool:
    """The date string gives a time of day, not only a day."""
    return _CLOCK.search(ascii_digits(raw)) is not None


def stated_zone(raw: str | None, language: str | None = None) -> tzinfo | None:
    """The zone a date string states (its offset), or None."""
    if not raw or not has_time_of_day(raw):
        return None
    try:
        parsed = _parse_naive_or_aware(raw, language, None)
    except UnparseableDate:
        return None
    return parsed.tzinfo


def read_date(raw: str, default_zone: tzinfo | None, language: str | None = None,
              unknown_zones: list | None = None, other: str | None = None) -> tuple[str, str]:
    """The stored form of a date string and where its zone came from:
    UTC ISO 8601, a day (``date only``) or a wall-clock time (``unknown``).
    ``other`` is the page's other date, whose offset a zoneless time is read
    in when the site has no zone of its own."""
    if not has_time_of_day(raw):
        day, _ = parse_date(raw, timezone.utc, language, unknown_zones)
        return day.date().isoformat(), TZ_SOURCE_DATE_ONLY
    moment, source = parse_date(raw, default_zone, language, unknown_zones)
    if source == TZ_SOURCE_UNKNOWN:
        zone_of_other = stated_zone(other, language)
        if zone_of_other is None:
            return moment.isoformat(timespec="seconds"), source
        moment, source = moment.replace(tzinfo=zone_of_other).astimezone(timezone.utc), TZ_SOURCE_OTHER_DATE
    if moment - datetime.now(timezone.utc) > FUTURE_TOLERANCE:
        raise FutureDate(raw)
    return utc_iso(moment), source


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


@lru_cache(maxsize=4096)
def parse_day(raw: str, language: str | None = None) -> str | None:
    """A sidebar date such as ``8 November 2022`` (or ``۳۰ شهریور ۱۴۰۱``,
    in the page's ``language``) as ``2022-11-08``."""
    text = clean_ws(raw)
    parsed = _fast_parse(text)
    if parsed is None and not text.isascii():
        parsed = parse_local(ascii_digits(text), language)
    if parsed is not None:
        return parsed.date().isoformat()
    try:
        return date_parser.parse(text).date().isoformat()
    except (ValueError, OverflowError):
        return None


@lru_cache(maxsize=256)
def zone(name: str) -> tzinfo:
    """The IANA zone of that name (UTC for an unknown one: profiles and
    settings are checked when they load)."""
    return tz.gettz(name) or timezone.utc


def normalize_dates(item: ArticleItem, default_zone: tzinfo | None, counts: Counter) -> None:
    """The item's dates to UTC ISO 8601, read in ``default_zone`` when they
    state none (None: the site's zone is not known); what happened is
    counted in ``counts`` (``dates/...``)."""
    raw = item.published_raw
    if not raw:
        counts["dates/missing"] += 1
        logger.info("No publication date on %s", item.url)
    else:
        try:
            unknown_zones: list[str] = []
            item.published, item.published_tz_source = read_date(
                raw, default_zone, item.language, unknown_zones, other=item.modified_raw)
            counts[f"dates/tz_source/{item.published_tz_source.replace(' ', '_')}"] += 1
            if unknown_zones:
                counts["dates/unknown_zone"] += 1
                logger.info("Zone %s of %r on %s is unknown or ambiguous: read in the site's zone",
                            unknown_zones[0], raw, item.url)
        except FutureDate:
            item.published = item.published_tz_source = None
            counts["dates/future"] += 1
            logger.warning("Date %r on %s is in the future: kept raw only", raw, item.url)
        except UnparseableDate as exc:
            # Keep the raw string: the article stays, the date is recorded as unreadable.
            item.published = item.published_tz_source = None
            counts["dates/unparseable"] += 1
            logger.warning("Unparseable date %r on %s: %s", raw, item.url, exc)
    if item.modified_raw:
        try:
            item.modified, _ = read_date(item.modified_raw, default_zone, item.language, other=item.published_raw)
        except (UnparseableDate, FutureDate):
            item.modified = None
            counts["dates/unparseable_modified"] += 1
    for entry in item.related or ():
        if entry.get("date"):
            entry["date"] = parse_day(entry["date"], item.language) or entry["date"]
