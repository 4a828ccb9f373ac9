"""The run ledger: a ``runs`` row per crawl, written when the spider opens
and completed when it closes, whatever the reason it closes for.

Being the first component to open the archive, it also holds the archive
lock: a second crawl on the same archive stops here, before touching it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import datetime, timezone

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newsarchive.archive import ArchiveBusy, NotAnArchive, archive_for
from newsarchive.extensions.drift import STATS_KEY as DRIFT_KEY
from newsarchive.extensions.drift import drops_by_reason
from newsarchive.pipelines.store import ARCHIVE_ERROR

logger = logging.getLogger(__name__)

STATUS_PREFIX = "downloader/response_status_count/"


def ledger_fields(stats: dict, reason: str) -> dict:
    """The ``runs`` columns filled from a crawl's final stats."""
    started = stats.get("start_time")
    if isinstance(started, datetime):
        stats = {**stats, "elapsed_seconds": (datetime.now(timezone.utc) - started).total_seconds()}
    dropped = drops_by_reason(stats)
    drift = stats.get(DRIFT_KEY)
    if stats.get("newsarchive/dedupe/in_run"):
        dropped["duplicate_in_run"] = stats["newsarchive/dedupe/in_run"]
    if stats.get(ARCHIVE_ERROR):
        reason = "archive_error"  # the archive refused a write: whatever Scrapy's reason, the run failed
    return {
        "finish_reason": reason,
        "requests": stats.get("downloader/request_count", 0),
        "responses_by_status": {
            key[len(STATUS_PREFIX) :]: value for key, value in stats.items() if key.startswith(STATUS_PREFIX)
        },
        "items_new": stats.get("newsarchive/store/new", 0),
        "items_updated": stats.get("newsarchive/store/updated", 0),
        "items_unchanged": stats.get("newsarchive/store/unchanged", 0),
        "dropped_by_reason": dropped,
        "errors": stats.get("log_count/ERROR", 0),
        "drift": drift,
        "drifted": int(bool(drift and drift.get("drifted"))) if drift is not None else None,
        "stats": json.loads(json.dumps(stats, default=str)),
    }


class RunLedger:
    def __init__(self, crawler):
        self.crawler = crawler
        try:
            self.archive = archive_for(crawler)
        except (ArchiveBusy, NotAnArchive):
            raise  # before anything: the crawl command says why, in one line
        self.run_id: int | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("NEWSARCHIVE_LEDGER_ENABLED", True):
            raise NotConfigured
        return cls(crawler)

    def spider_opened(self, spider):
        site = getattr(getattr(spider, "site", None), "name", None)
        self.run_id = self.archive.start_run(spider.name, site, getattr(spider, "arguments", {}))
        logger.info("Run %d of %s started in %s", self.run_id, spider.name, self.archive.path)

    def spider_closed(self, spider, reason):
        if self.run_id is None:
            return
        fields = ledger_fields(self.crawler.stats.get_stats(), reason)
        try:
            self.archive.finish_run(self.run_id, **fields)
        except sqlite3.Error as exc:
            # The next run marks this one interrupted; the exit code says it failed.
            self.crawler.stats.set_value(ARCHIVE_ERROR, f"{type(exc).__name__}: {exc}")
            logger.error("Cannot close run %d in the ledger of %s (%s)", self.run_id, self.archive.path, exc)
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
