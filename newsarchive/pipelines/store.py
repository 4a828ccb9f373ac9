"""Persist articles, aliases and dropped pages to the SQLite archive in batches.

A batch is written, in one ``BEGIN IMMEDIATE`` transaction, when
``NEWSARCHIVE_BATCH_SIZE`` stories (or as many aliases or drops) are
staged, ``NEWSARCHIVE_BATCH_SECONDS`` after its first row was staged
however few there are (a timer on the reactor, so that a crawl that stages
little still commits: a crawl killed with ``kill -9`` loses about that
many seconds of its work, and a distributed worker's others refetch no
more of it), and at close. Each story is counted as new,
updated (a revision keeps the previous values) or unchanged — once its
batch is committed, so that no count, log line or ledger row claims a
story the archive does not hold.

When the archive cannot be written (a full disk, an I/O error, a read-only
file, a lock held past the busy timeout), the batch is rolled back whole,
the crawl stops with the reason ``archive_error``, and the run ledger and
the exit code say so.
"""

from __future__ import annotations

import logging
from collections import Counter

from newsarchive import settings as defaults
from newsarchive import config, signals
from newsarchive.archive import StorageError
from newsarchive.archive.component import CrawlArchive
from newsarchive.items import ArticleItem, Outcome, PageDrop, RunFailure, StoryAlias, StoryAsset

logger = logging.getLogger(__name__)


class StoreArchivePipeline:
    def __init__(self, archive, batch_size: int = defaults.NEWSARCHIVE_BATCH_SIZE, stats=None, crawler=None,
                 batch_seconds: float = 0.0):
        self.archive = archive
        self.batch_size = max(1, batch_size)
        #: 0, outside a crawl (no reactor to time it): no timer. A crawl's setting is at least 0.1.
        self.batch_seconds = batch_seconds
        self.stats = stats
        self.crawler = crawler
        #: The staged batch's commit timer (a twisted DelayedCall), once armed.
        self.due = None
        #: Outcomes staged and not yet committed.
        self.pending: Counter = Counter()
        #: Site URLs of the stories and dropped pages staged (sent with
        #: ``archive_committed`` once committed).
        self.pending_urls: list[str] = []
        self.failed = False
        if crawler is not None:
            crawler.signals.connect(self._flush_requested, signal=signals.archive_flush_requested)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(
            CrawlArchive.of(crawler),
            batch_size=config.of(crawler).batch_size,
            stats=crawler.stats,
            crawler=crawler,
            batch_seconds=config.of(crawler).batch_seconds,
        )

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"newsarchive/store/{key}", count)

    def process_item(self, item):
        if self.failed:
            return item  # the crawl is stopping: nothing more is written
        if isinstance(item, StoryAlias):
            self.archive.stage_aliases(item.site, item.story_code, [item.url])
            self.pending["aliases_staged"] += 1
        elif isinstance(item, StoryAsset):
            self.archive.stage_asset(item)
        elif isinstance(item, PageDrop):
            self.archive.stage_drop(item.site, item.story_code, item.url, item.reason, item.detail)
            self.pending["drops"] += 1
            self.pending_urls.append(item.url)
        elif isinstance(item, ArticleItem):
            outcome = self.archive.stage_article(item)
            self.archive.stage_aliases(item.site, item.story_code, [item.url, *(item.aliases or ())])
            self.pending[outcome] += 1
            self.pending_urls += [item.url, *(item.aliases or ())]
            if outcome is Outcome.UPDATED:
                logger.info("Story %s/%s changed since it was archived", item.site, item.story_code)
        else:
            return item
        if self.archive.largest_pending_batch >= self.batch_size:
            self.flush()
        elif self.due is None and self.batch_seconds:
            from twisted.internet import reactor

            self.due = reactor.callLater(self.batch_seconds, self._commit_due)
        return item

    def _commit_due(self) -> None:
        self.due = None
        self.flush()

    def flush(self) -> None:
        if self.due is not None:
            if self.due.active():
                self.due.cancel()
            self.due = None
        if self.failed:
            return
        try:
            written = self.archive.flush()
        except StorageError as exc:
            self.fail(exc)
            return
        for key, count in self.pending.items():
            self._inc(key, count)
        outcomes = Counter({outcome: self.pending[outcome] for outcome in Outcome if self.pending[outcome]})
        self.pending.clear()
        committed, self.pending_urls = self.pending_urls, []
        if (committed or outcomes) and self.crawler is not None:
            self.crawler.signals.send_catch_log(signals.archive_committed, urls=committed, outcomes=outcomes)
        if written:
            self._inc("flushes")
            self._inc("rows_written", written)
            logger.debug("Flushed %d rows to %s", written, self.archive.path)

    def fail(self, exc: StorageError) -> None:
        self.failed = True
        lost = self.archive.discard_pending()
        detail = f"{type(exc).__name__}: {exc}"
        logger.error(
            "Cannot write the archive %s (%s): the batch of %d rows was rolled back, %d stories of it are not"
            " stored; the crawl stops",
            self.archive.path, detail, lost, sum(self.pending[outcome] for outcome in Outcome),
        )
        self.pending.clear()
        self.pending_urls.clear()
        if self.crawler is not None:  # the run report stops the crawl
            self.crawler.signals.send_catch_log(signals.run_failed, failure=RunFailure.ARCHIVE, detail=detail)

    def _flush_requested(self) -> None:
        self.flush()

    def close_spider(self):
        self.flush()
        if not self.failed:
            logger.info("Archive %s is up to date", self.archive.path)
