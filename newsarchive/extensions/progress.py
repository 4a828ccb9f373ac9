"""Progress of a long crawl: a log line every ``NEWSARCHIVE_PROGRESS_INTERVAL``
seconds with pages, stories stored and rates, and a summary at the end.
(It replaces Scrapy's own per-minute LogStats line.)"""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from newsarchive import config
from newsarchive.request_meta import ASSET_RESPONSES
from newsarchive.extensions.run_report import RunReport
from newsarchive.items import Outcome

logger = logging.getLogger(__name__)


class CrawlProgress:
    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.stats = crawler.stats
        self.interval = interval
        self.task = None
        self.site: str | None = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        interval = config.of(crawler).progress_interval
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def counts(self) -> dict:
        counts = RunReport.of(self.crawler).counts
        stored = {outcome.value: counts.outcomes[outcome] for outcome in Outcome}
        # Responses to the requests for stories' images are not pages.
        pages = self.stats.get_value("response_received_count", 0) - self.stats.get_value(ASSET_RESPONSES, 0)
        return {"pages": pages, "stored": counts.stored,
                "dropped": sum(counts.dropped.values()), **stored}

    def line(self) -> str:
        counts = self.counts()
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return (
            f"{counts['pages']} pages ({counts['pages'] / elapsed:.1f}/s), "
            f"{counts['stored']} stories stored ({counts['stored'] / elapsed:.1f}/s: "
            f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged), "
            f"{counts['dropped']} dropped, {elapsed:.0f}s"
        )

    def spider_opened(self, spider):
        # Named by site: one process may crawl several (scrapy crawl news -a site=a,b).
        self.site = getattr(getattr(spider, "site", None), "name", None) or spider.name
        self.started = time.monotonic()
        self.task = create_looping_call(self.log)
        self.task.start(self.interval, now=False)

    def log(self):
        logger.info("Progress: %s: %s", self.site, self.line())

    def spider_closed(self, spider, reason):
        if self.task is not None and self.task.running:
            self.task.stop()
        reason = RunReport.of(self.crawler).finish_reason(reason)  # Scrapy's may say finished after a failure
        logger.info("Summary (%s): %s: %s", reason, self.site or spider.name, self.line())
