"""The drift alarm: says loudly when a site's own rules stopped working.

Sites redesign. The extraction engine then falls back field by field to
the page's metadata and main text, so stories keep coming — which is why
nobody would notice. At the end of each crawl this extension works out,
from the crawl's stats, the share of stories whose title, body or date came
from a fallback rather than the site's rules, and the share of article pages
the parser could not use. Past the thresholds it logs an ERROR naming the
site and the fields; the report goes into the crawl's stats
(``newsarchive/drift``), which the run ledger stores in ``runs.drift``, and
``newsarchive health`` reads it back.

Settings: ``NEWSARCHIVE_DRIFT_FALLBACK_SHARE`` (0.2),
``NEWSARCHIVE_DRIFT_DROPPED_SHARE`` (0.1), ``NEWSARCHIVE_DRIFT_MIN_STORIES``
(3: fewer stories than this needing a fallback, or dropped, never alarm —
one undated story of a run of two is not a redesign).
"""

from __future__ import annotations

import logging
from collections import Counter

from scrapy import signals

from newsarchive.items import DropReason
from newsarchive.sites.engine import SITE

logger = logging.getLogger(__name__)

#: Fields whose fallback means the site's rules broke.
WATCHED_FIELDS = ("title", "body", "published")
FIELDS_PREFIX = "newsarchive/fields/"
DROP_PREFIX = "newsarchive/dropped/"
STATS_KEY = "newsarchive/drift"


def _parser_fault(reason: str) -> bool:
    known = DropReason.of(reason)
    return known is not None and known.parser_fault


def drops_by_reason(stats: dict) -> dict[str, int]:
    """The crawl's dropped pages per reason, from its ``newsarchive/dropped/<reason>`` counters."""
    return {key[len(DROP_PREFIX):]: count for key, count in stats.items() if key.startswith(DROP_PREFIX)}


def drift_report(
    stats: dict,
    rule_fields,
    fallback_share: float = 0.2,
    dropped_share: float = 0.1,
    min_stories: int = 3,
    site: str | None = None,
) -> dict:
    """What a crawl's stats say of its site's rules (see the module)."""
    sources: dict[str, Counter] = {}
    for key, count in stats.items():
        if key.startswith(FIELDS_PREFIX):
            field, _, source = key[len(FIELDS_PREFIX):].partition("/")
            sources.setdefault(field, Counter())[source] += count
    stories = sum(sources.get("story_code", Counter()).values())
    drops = Counter(drops_by_reason(stats))
    pages = stories + sum(drops.values())
    report: dict = {"stories": stories, "fallback": {}, "dropped": {}, "sources": {}, "alarms": []}
    for field in WATCHED_FIELDS:
        counts = sources.get(field, Counter())
        report["sources"][field] = dict(counts)
        if field not in rule_fields or not stories:
            continue
        fallbacks = stories - counts.get(SITE, 0)
        share = fallbacks / stories
        report["fallback"][field] = round(share, 4)
        if share > fallback_share and fallbacks >= min_stories:
            report["alarms"].append(
                f"{field} from a fallback on {fallbacks} of {stories} stories ({share:.0%}): "
                f"{', '.join(f'{s} {n}' for s, n in counts.most_common())}"
            )
    unusable = sum(count for reason, count in drops.items() if _parser_fault(reason))
    if pages:
        report["dropped"] = {reason: round(count / pages, 4) for reason, count in sorted(drops.items())}
        if unusable / pages > dropped_share and unusable >= min_stories:
            reasons = ", ".join(f"{r} {n}" for r, n in drops.most_common() if _parser_fault(r))
            report["alarms"].append(f"{unusable} of {pages} article pages dropped ({unusable / pages:.0%}): {reasons}")
    report["drifted"] = bool(report["alarms"])
    if site:
        report["site"] = site
    return report


class DriftAlarm:
    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.thresholds = {
            "fallback_share": settings.getfloat("NEWSARCHIVE_DRIFT_FALLBACK_SHARE", 0.2),
            "dropped_share": settings.getfloat("NEWSARCHIVE_DRIFT_DROPPED_SHARE", 0.1),
            "min_stories": settings.getint("NEWSARCHIVE_DRIFT_MIN_STORIES", 3),
        }
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self, spider, reason):
        site = getattr(spider, "site", None)
        if site is None:
            return
        report = drift_report(
            self.crawler.stats.get_stats(), site.page_parser.rule_fields, site=site.name, **self.thresholds
        )
        self.crawler.stats.set_value(STATS_KEY, report)
        if report["drifted"]:
            logger.error(
                "Site %s drifted: its profile's rules (parser %s) no longer fit its pages: %s",
                site.name, type(site.page_parser).__name__, "; ".join(report["alarms"]),
            )
