"""The drift alarm: says loudly when a site's own rules stopped working.

Sites redesign. The extraction engine then falls back field by field to
the page's metadata and main text, so stories keep coming — which is why
nobody would notice. At the end of each crawl the run report works out,
from the run's counts, the share of stories whose title, body or date came
from a fallback rather than the site's rules, and the share of article pages
the parser could not use. Past the thresholds it logs an ERROR naming the
site and the fields; the run ledger stores the report in ``runs.drift``,
and ``newsarchive health`` reads it back.

Settings (defaults in ``settings.py``): ``NEWSARCHIVE_DRIFT_FALLBACK_SHARE``,
``NEWSARCHIVE_DRIFT_DROPPED_SHARE``, ``NEWSARCHIVE_DRIFT_MIN_STORIES`` (fewer
stories than this needing a fallback, or dropped, never alarm — one undated
story of a run of two is not a redesign).
"""

from __future__ import annotations

from collections import Counter

from newsarchive.extensions.run_counts import RunCounts
from newsarchive.items import DropReason
from newsarchive.config import DriftThresholds
from newsarchive.sites.fields import CMS, SITE

#: Fields whose fallback means the site's rules broke.
WATCHED_FIELDS = ("title", "body", "published")


def _parser_fault(reason: str) -> bool:
    known = DropReason.of(reason)
    return known is not None and known.parser_fault


def drift_report(counts: RunCounts, rule_fields, thresholds: DriftThresholds, site: str | None = None) -> dict:
    """What a run's counts say of its site's rules (see the module)."""
    stories = counts.stories
    drops = Counter({str(reason): count for reason, count in counts.dropped.items()})
    pages = stories + sum(drops.values())
    report: dict = {"stories": stories, "fallback": {}, "dropped": {}, "sources": {}, "alarms": []}
    for name in WATCHED_FIELDS:
        sources = counts.sources.get(name, Counter())
        report["sources"][name] = dict(sources)
        if name not in rule_fields or not stories:
            continue
        fallbacks = stories - sources.get(SITE, 0)
        share = fallbacks / stories
        report["fallback"][name] = round(share, 4)
        if share > thresholds.fallback_share and fallbacks >= thresholds.min_stories:
            report["alarms"].append(
                f"{name} from a fallback on {fallbacks} of {stories} stories ({share:.0%}): "
                f"{', '.join(f'{s} {n}' for s, n in sources.most_common())}"
            )
    unusable = sum(count for reason, count in drops.items() if _parser_fault(reason))
    if pages:
        report["dropped"] = {reason: round(count / pages, 4) for reason, count in sorted(drops.items())}
        if unusable / pages > thresholds.dropped_share and unusable >= thresholds.min_stories:
            reasons = ", ".join(f"{r} {n}" for r, n in drops.most_common() if _parser_fault(r))
            report["alarms"].append(f"{unusable} of {pages} article pages dropped ({unusable / pages:.0%}): {reasons}")
    if counts.sources.get(CMS):
        report["cms"] = dict(counts.sources[CMS])  # the CMS families a site without a profile was read as
    report["drifted"] = bool(report["alarms"])
    if site:
        report["site"] = site
    return report
