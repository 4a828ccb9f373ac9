"""Keep one item per story code within a run.

A second item of a story already seen in this run is dropped; the URLs it
was reached by become aliases of the story kept. (A story already in the
archive passes on: the store records it as updated, with a revision, or as
unchanged.) A copy from a web archive is the story at its capture's time:
each capture passes on, and the archive places it among the story's
versions.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from newsarchive.archive import WEB_ARCHIVES
from newsarchive.archive.component import CrawlArchive
from newsarchive.items import ArticleItem

logger = logging.getLogger(__name__)


class DuplicateInRun(DropItem):
    """The story was met before in this run: the URLs of this copy are kept as its aliases."""


class DeduplicateStoriesPipeline:
    def __init__(self, archive, stats=None):
        self.archive = archive
        self.stats = stats
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(CrawlArchive.of(crawler), stats=crawler.stats)

    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        key = (item.site, item.story_code)
        if item.source in WEB_ARCHIVES:
            return item
        if key not in self.seen:
            self.seen.add(key)
            return item
        self.archive.stage_aliases(*key, [item.url, *(item.aliases or ())])
        if self.stats is not None:
            self.stats.inc_value("newsarchive/dedupe/in_run")
        raise DuplicateInRun(f"Duplicate story {key[0]}/{key[1]} in this run: {item.url}", log_level="INFO")
