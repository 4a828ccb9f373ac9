"""The run report: one crawl's account of itself.

Components tell it what happened through signals (``newsarchive.signals``):
the spider each page extracted or dropped, the store pipeline each batch
committed with its stories' outcomes, anyone a failure of the archive or of
Redis. It owns the counts, works out the drift report once, and gives the
run's verdict (its finish reason) to the run ledger, the progress summary
and the exit code of ``newsarchive crawl``. The stats are its output, for
people and for Scrapy's stats dump; nothing reads them back to decide.

Others get it from the crawler: ``RunReport.of(crawler)``.
"""

from __future__ import annotations

import logging
from collections import Counter
from functools import cached_property

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from newsarchive import config
from newsarchive import signals as newsarchive_signals
from newsarchive.components import crawl_component
from newsarchive.config import DriftThresholds
from newsarchive.extensions.drift import drift_report
from newsarchive.extensions.run_counts import RunCounts
from newsarchive.items import Outcome, RunFailure
from newsarchive.pipelines.dedupe import DuplicateInRun

logger = logging.getLogger(__name__)

#: Where the drift report goes in the stats (and so into Scrapy's stats dump).
DRIFT_STATS_KEY = "newsarchive/drift"


async def _stop(engine, reason: str) -> None:
    try:
        await engine.close_spider_async(reason=reason)
    except RuntimeError:  # closed meanwhile: the failure came as it closed
        pass


class RunReport:
    def __init__(self, crawler, thresholds: DriftThresholds):
        self.crawler = crawler
        self.stats = crawler.stats
        self.thresholds = thresholds
        self.counts = RunCounts()
        #: The run's failure, if it had one, and its detail.
        self.failure: RunFailure | None = None
        self.failure_detail = ""
        connect = crawler.signals.connect
        connect(self.page_extracted, signal=newsarchive_signals.page_extracted)
        connect(self.page_dropped, signal=newsarchive_signals.page_dropped)
        connect(self.committed, signal=newsarchive_signals.archive_committed)
        connect(self.failed, signal=newsarchive_signals.run_failed)
        connect(self.item_dropped, signal=signals.item_dropped)
        connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, config.of(crawler).drift)

    @staticmethod
    def of(crawler) -> RunReport:
        """The crawl's report (after its extensions are made)."""
        return crawl_component(crawler, RunReport)

    # -- what happened ----------------------------------------------------------

    def page_extracted(self, field_sources: dict, counts: Counter):
        for name, source in field_sources.items():
            self.counts.sources.setdefault(name, Counter())[source] += 1
        for key, count in counts.items():  # fields/<field>/<source> among them
            self.stats.inc_value(f"newsarchive/{key}", count)

    def page_dropped(self, reason: str):
        self.counts.dropped[reason] += 1
        self.stats.inc_value(f"newsarchive/dropped/{reason}")

    # The pipelines write their own counters (newsarchive/dedupe/in_run, newsarchive/store/<outcome>).

    def item_dropped(self, item, response, exception, spider=None):
        if isinstance(exception, DuplicateInRun):
            self.counts.duplicates += 1

    def committed(self, urls, outcomes: Counter):
        for outcome, count in outcomes.items():
            self.counts.outcomes[Outcome(outcome)] += count

    def failed(self, failure: RunFailure, detail: str):
        """The run cannot do its work: it stops, with that reason (the first failure is the run's)."""
        if self.failure is not None:
            return
        self.failure, self.failure_detail = failure, detail
        self.stats.set_value(f"newsarchive/{failure.value}", detail)
        engine = self.crawler.engine
        if engine is not None and engine.running and engine.spider is not None:
            deferred_from_coro(_stop(engine, failure.value))

    # -- the verdict -------------------------------------------------------------

    def finish_reason(self, reason: str | None) -> str | None:
        """The run's finish reason: a failure's, whatever Scrapy's says (it may say finished)."""
        return self.failure.value if self.failure is not None else reason

    @cached_property
    def drift(self) -> dict | None:
        """The drift report of the run's site (None for a crawl without one), worked out once."""
        site = getattr(self.crawler.spider, "site", None)
        if site is None:
            return None
        report = drift_report(self.counts, site.page_parser.rule_fields, site=site.name, thresholds=self.thresholds)
        self.stats.set_value(DRIFT_STATS_KEY, report)
        return report

    def spider_closed(self, spider, reason):
        report = self.drift
        if report and report["drifted"]:
            site = spider.site
            logger.error(
                "Site %s drifted: its profile's rules (parser %s) no longer fit its pages: %s",
                site.name, type(site.page_parser).__name__, "; ".join(report["alarms"]),
            )
