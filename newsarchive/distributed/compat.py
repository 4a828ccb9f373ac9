"""scrapy-redis 0.9.1 on Scrapy 2.19, without deprecation warnings.

The 0.9.1 release logs through ``Spider.log`` and counts with
``stats.inc_value(..., spider=...)``, both deprecated by Scrapy 2.19 (the
test suite turns such warnings into errors). These subclasses override just
those calls. Drop this module, and subclass ``scrapy_redis`` directly, once a
release after 0.9.1 ships the async ``start()`` / Scrapy 2.13+ changes (the
upstream pull request is open at the time of writing); its ``RedisSpider``
is not used here at all: it still relies on the removed
``start_requests()``, and newsarchive's spiders yield their own start points.
"""

from __future__ import annotations

import logging

from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter as _RFPDupeFilter
from scrapy_redis.scheduler import Scheduler as _Scheduler

logger = logging.getLogger(__name__)


class RFPDupeFilter(_RFPDupeFilter):
    def log(self, request, spider):
        if self.debug:
            logger.debug("Filtered duplicate request: %(request)s", {"request": request}, extra={"spider": spider})
        elif self.logdupes:
            logger.debug("Filtered duplicate request %(request)s (no further duplicates shown)",
                         {"request": request}, extra={"spider": spider})
            self.logdupes = False
        spider.crawler.stats.inc_value("dupefilter/filtered")


class Scheduler(_Scheduler):
    def open(self, spider):
        # As the parent's, which logs through the deprecated Spider.log.
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server,
            spider=spider,
            key=self.queue_key % {"spider": spider.name},
            serializer=self.serializer,
        )
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if self.flush_on_start:
            self.flush()
        if len(self.queue):
            logger.info("Resuming crawl (%d requests scheduled)", len(self.queue), extra={"spider": spider})

    def enqueue_request(self, request):
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self):
        request = self.queue.pop(self.idle_before_close)
        if request and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
