"""Persist articles, aliases and dropped pages to the SQLite archive in batches.

A batch is written when ``NEWSARCHIVE_BATCH_SIZE`` stories (or as many
aliases or drops) are staged, and at close. Each story is counted as new,
updated (a revision keeps the previous values) or unchanged.
"""

from __future__ import annotations

import logging

from newsarchive.archive import archive_for
from newsarchive.items import ArticleItem, PageDrop, StoryAlias

logger = logging.getLogger(__name__)


class StoreArchivePipeline:
    def __init__(self, archive, batch_size: int = 1000, stats=None):
        self.archive = archive
        self.batch_size = max(1, batch_size)
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(
            archive_for(crawler),
            batch_size=crawler.settings.getint("NEWSARCHIVE_BATCH_SIZE", 1000),
            stats=crawler.stats,
        )

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"newsarchive/store/{key}", count)

    def process_item(self, item):
        if isinstance(item, StoryAlias):
            self.archive.stage_aliases(item.site, item.story_code, [item.url])
            self._inc("aliases_staged")
        elif isinstance(item, PageDrop):
            self.archive.stage_drop(item.site, item.story_code, item.url, item.reason, item.detail)
            self._inc("drops")
        elif isinstance(item, ArticleItem):
            outcome = self.archive.stage_article(item)
            self.archive.stage_aliases(item.site, item.story_code, [item.url, *(item.aliases or ())])
            self._inc(outcome)
            if outcome == "updated":
                logger.info("Story %s/%s changed since it was archived", item.site, item.story_code)
        else:
            return item
        if self.archive.largest_pending_batch >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        written = self.archive.flush()
        if written:
            self._inc("flushes")
            self._inc("rows_written", written)
            logger.debug("Flushed %d rows to %s", written, self.archive.path)

    def close_spider(self):
        self.flush()
        logger.info("Archive %s is up to date", self.archive.path)
