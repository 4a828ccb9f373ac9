"""Keep one item per story code, within the run and against the archive.

A duplicate is dropped; the URLs it was reached by become aliases of the
story already kept, so no way of reaching a story is forgotten.
"""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newsarchive.archive import archive_for
from newsarchive.items import ArticleItem

logger = logging.getLogger(__name__)


class DeduplicateStoriesPipeline:
    def __init__(self, archive, stats=None):
        self.archive = archive
        self.stats = stats
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(archive_for(crawler), stats=crawler.stats)

    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        adapter = ItemAdapter(item)
        key = (adapter["site"], adapter["story_code"])
        if key in self.seen:
            reason = "in_run"
        elif self.archive.has_story(*key):
            reason = "archived"
        else:
            self.seen.add(key)
            return item
        self.archive.stage_aliases(*key, [adapter.get("url"), *(adapter.get("aliases") or ())])
        if self.stats is not None:
            self.stats.inc_value(f"newsarchive/dedupe/{reason}")
        raise DropItem(
            f"Duplicate story {key[0]}/{key[1]} ({reason.replace('_', ' ')}): {adapter.get('url')}",
            log_level="INFO",
        )
