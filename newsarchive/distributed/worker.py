"""A worker's part in a shared crawl: heartbeat, acknowledgements, idling.

* Every second (or ``NEWSARCHIVE_REDIS_REQUEUE_AFTER / 4``, if shorter)
  the worker records a heartbeat, queues again the in-flight work of any
  worker silent for longer than ``NEWSARCHIVE_REDIS_REQUEUE_AFTER`` (one
  killed with ``kill -9``, a host that went down), and, when idle, takes
  work that others queued.
* A work is done when its results are committed to this worker's archive
  (the store pipeline's ``archive_committed``).
* When it has nothing to do, the worker commits what it staged (all it took
  is then done) and stays alive while the shared queue holds requests or
  any worker has work in flight (which may bring more, or be queued again),
  and until the queue has been empty for ``NEWSARCHIVE_REDIS_IDLE_CLOSE``
  seconds.
"""

from __future__ import annotations

import logging
import time

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet import task

from newsarchive import signals as newsarchive_signals
from newsarchive.distributed.shared import REDIS_ERROR, redis_failed, redis_server, shared_crawl_for
from newsarchive.pipelines.store import ARCHIVE_ERROR

logger = logging.getLogger(__name__)


class RedisUnreachable(ValueError):
    """The shared crawl's Redis does not answer: the worker does not start."""


def check_reachable(settings) -> None:
    try:
        redis_server(settings).ping()
    except redis.RedisError as exc:
        raise RedisUnreachable(f"the shared crawl's Redis at {settings.get('NEWSARCHIVE_REDIS_URL')} "
                               f"does not answer ({exc})") from None


class SharedCrawlWorker:
    def __init__(self, crawler, idle_close: float, beat_every: float):
        self.crawler = crawler
        self.idle_close = idle_close
        self.beat_every = beat_every
        self.empty_since: float | None = None
        #: The engine found nothing to do at its last look.
        self.idle = False
        self.heartbeat: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.get("NEWSARCHIVE_REDIS_URL"):
            raise NotConfigured
        check_reachable(settings)
        requeue_after = settings.getfloat("NEWSARCHIVE_REDIS_REQUEUE_AFTER", 120.0)
        worker = cls(crawler, settings.getfloat("NEWSARCHIVE_REDIS_IDLE_CLOSE", 30.0),
                     beat_every=min(1.0, max(0.1, requeue_after / 4)))
        crawler.signals.connect(worker.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(worker.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(worker.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(worker.committed, signal=newsarchive_signals.archive_committed)
        return worker

    @property
    def shared(self):
        return shared_crawl_for(self.crawler)

    def _inc(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"newsarchive/redis/{key}", count)

    def spider_opened(self, spider):
        self.heartbeat = task.LoopingCall(self.beat)
        self.heartbeat.start(self.beat_every, now=True)

    def beat(self) -> None:
        try:
            shared = self.shared
            moved = shared.beat()
            if moved:
                self._inc("requeued", moved)
                logger.warning("Queued again %d requests of a worker silent for more than %g s",
                               moved, shared.dead_after)
            if self.idle and shared.queued():
                self.idle = False
                shared.scheduler.wake()
        except redis.RedisError as exc:
            self.heartbeat.stop()
            redis_failed(self.crawler, exc)

    def committed(self, urls) -> None:
        try:
            self._inc("acknowledged", self.shared.ack(urls))
        except redis.RedisError as exc:  # the work stays in flight: redone later, nothing lost
            redis_failed(self.crawler, exc)

    def spider_idle(self, spider):
        self.crawler.signals.send_catch_log(newsarchive_signals.archive_flush_requested)
        if self.crawler.stats.get_value(ARCHIVE_ERROR) or self.crawler.stats.get_value(REDIS_ERROR):
            return  # the crawl stops; the work goes back to the queue
        shared = self.shared
        try:
            shared.finish_all()
            busy = shared.queued() or shared.in_flight()
        except redis.RedisError as exc:
            redis_failed(self.crawler, exc)
            return
        self.idle = True
        if busy:
            self.empty_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.empty_since is None:
            self.empty_since = now
            logger.info("The shared queue is empty: waiting %g s for more work", self.idle_close)
        if now - self.empty_since < self.idle_close:
            raise DontCloseSpider

    def spider_closed(self, spider, reason):
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
