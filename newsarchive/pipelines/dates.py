"""Normalize publication and modification dates to UTC ISO 8601.

The page's raw date string is kept (``published_raw``). A date that states
its zone is converted from it (``published_tz_source = "page"``); one that
does not is read in the site's zone (``"site default"``, Asia/Tehran for
Islam Times). A date that cannot be parsed leaves ``published`` empty and
keeps the article.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone, tzinfo

from dateutil import parser as date_parser
from dateutil import tz
from itemadapter import ItemAdapter

from newsarchive.items import ArticleItem
from newsarchive.sites import SITES
from newsarchive.sites.text import clean_ws

logger = logging.getLogger(__name__)

#: A date further ahead than this is a wrong date, not a clock difference.
FUTURE_TOLERANCE = timedelta(days=1)

TZ_SOURCE_PAGE = "page"
TZ_SOURCE_SITE = "site default"

#: dateutil reads "Tuesday 8 November 2022 - 09:18" but not every separator.
_SEPARATORS = str.maketrans({"،": " ", "|": " "})


class UnparseableDate(ValueError):
    pass


def parse_date(raw: str, default_zone: tzinfo) -> tuple[datetime, str]:
    """Return the date as an aware UTC datetime and where its zone came from."""
    text = clean_ws(raw).translate(_SEPARATORS)
    if not text:
        raise UnparseableDate("empty date")
    try:
        parsed = date_parser.parse(text)
    except (ValueError, OverflowError) as exc:
        raise UnparseableDate(str(exc)) from exc
    if parsed.tzinfo is None:
        parsed, source = parsed.replace(tzinfo=default_zone), TZ_SOURCE_SITE
    else:
        source = TZ_SOURCE_PAGE
    try:
        return parsed.astimezone(timezone.utc), source
    except (ValueError, OverflowError) as exc:
        raise UnparseableDate(str(exc)) from exc


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def parse_day(raw: str) -> str | None:
    """A sidebar date such as ``8 November 2022`` as ``2022-11-08``."""
    try:
        return date_parser.parse(clean_ws(raw)).date().isoformat()
    except (ValueError, OverflowError):
        return None


class NormalizeDatesPipeline:
    def __init__(self, zones: dict[str, str] | None = None, stats=None):
        self.zones = {name: site.timezone for name, site in SITES.items()}
        self.zones.update(zones or {})
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(zones=crawler.settings.getdict("NEWSARCHIVE_TIMEZONES"), stats=crawler.stats)

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"newsarchive/dates/{key}")

    def zone_for(self, site: str | None) -> tzinfo:
        zone = tz.gettz(self.zones.get(site or "", "UTC"))
        return zone or timezone.utc

    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        adapter = ItemAdapter(item)
        zone = self.zone_for(adapter.get("site"))
        raw = adapter.get("published_raw")
        if not raw:
            self._inc("missing")
            logger.info("No publication date on %s", adapter.get("url"))
        else:
            try:
                moment, source = parse_date(raw, zone)
            except UnparseableDate as exc:
                # Keep the raw string: the article stays, the date is recorded as unreadable.
                adapter["published"] = None
                adapter["published_tz_source"] = None
                self._inc("unparseable")
                logger.warning("Unparseable date %r on %s: %s", raw, adapter.get("url"), exc)
            else:
                if moment - datetime.now(timezone.utc) > FUTURE_TOLERANCE:
                    adapter["published"] = None
                    adapter["published_tz_source"] = None
                    self._inc("future")
                    logger.warning("Date %r on %s is in the future: kept raw only", raw, adapter.get("url"))
                else:
                    adapter["published"] = utc_iso(moment)
                    adapter["published_tz_source"] = source
                    self._inc(f"tz_source/{source.replace(' ', '_')}")
        modified_raw = adapter.get("modified_raw")
        if modified_raw:
            try:
                adapter["modified"] = utc_iso(parse_date(modified_raw, zone)[0])
            except UnparseableDate:
                adapter["modified"] = None
                self._inc("unparseable_modified")
        for entry in adapter.get("related") or ():
            if entry.get("date"):
                entry["date"] = parse_day(entry["date"]) or entry["date"]
        return item
