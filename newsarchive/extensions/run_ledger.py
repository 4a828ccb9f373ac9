"""The run ledger: a ``runs`` row per crawl, written when the spider opens
and completed when it closes, whatever the reason it closes for, with what
the run report says of the run."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newsarchive import config
from newsarchive import signals as newsarchive_signals
from newsarchive.archive import StorageError
from newsarchive.archive.component import CrawlArchive
from newsarchive.extensions.run_counts import RunCounts
from newsarchive.extensions.run_report import RunReport
from newsarchive.items import Outcome, RunFailure

logger = logging.getLogger(__name__)

STATUS_PREFIX = "downloader/response_status_count/"


def ledger_fields(counts: RunCounts, stats: dict, reason: str, drift: dict | None) -> dict:
    """The ``runs`` columns of a run: its counts, finish reason and drift
    report, and Scrapy's stats (requests, statuses, errors, all of them as
    they were)."""
    started = stats.get("start_time")
    if isinstance(started, datetime):
        stats = {**stats, "elapsed_seconds": (datetime.now(timezone.utc) - started).total_seconds()}
    return {
        "finish_reason": reason,
        "requests": stats.get("downloader/request_count", 0),
        "responses_by_status": {
            key[len(STATUS_PREFIX) :]: value for key, value in stats.items() if key.startswith(STATUS_PREFIX)
        },
        "items_new": counts.outcomes[Outcome.NEW],
        "items_updated": counts.outcomes[Outcome.UPDATED],
        "items_unchanged": counts.outcomes[Outcome.UNCHANGED],
        "dropped_by_reason": counts.dropped_by_reason(),
        "errors": stats.get("log_count/ERROR", 0),
        "drift": drift,
        "drifted": int(bool(drift and drift.get("drifted"))) if drift is not None else None,
        "stats": json.loads(json.dumps(stats, default=str)),
    }


class RunLedger:
    def __init__(self, crawler):
        self.crawler = crawler
        self.run_id: int | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        if not config.of(crawler).ledger_enabled:
            raise NotConfigured
        return cls(crawler)

    @property
    def archive(self):
        return CrawlArchive.of(self.crawler)

    def spider_opened(self, spider):
        site = getattr(getattr(spider, "site", None), "name", None)
        self.run_id = self.archive.start_run(spider.name, site, getattr(spider, "arguments", {}))
        logger.info("Run %d of %s started in %s", self.run_id, spider.name, self.archive.path)

    def spider_closed(self, spider, reason):
        if self.run_id is None:
            return
        report = RunReport.of(self.crawler)
        fields = ledger_fields(report.counts, self.crawler.stats.get_stats(), report.finish_reason(reason),
                               report.drift)
        try:
            self.archive.finish_run(self.run_id, **fields)
        except StorageError as exc:
            # The next run marks this one interrupted; the exit code says it failed.
            logger.error("Cannot close run %d in the ledger of %s (%s)", self.run_id, self.archive.path, exc)
            self.crawler.signals.send_catch_log(newsarchive_signals.run_failed, failure=RunFailure.ARCHIVE,
                                                detail=f"{type(exc).__name__}: {exc}")
            return
        logger.info(
            "Run %d finished (%s): %d requests, %d new, %d updated, %d unchanged, dropped %s%s",
            self.run_id,
            fields["finish_reason"],
            fields["requests"],
            fields["items_new"],
            fields["items_updated"],
            fields["items_unchanged"],
            fields["dropped_by_reason"] or "none",
            "; the site DRIFTED (see newsarchive health)" if fields["drifted"] else "",
        )
