"""A worker's part in a shared crawl: heartbeat, acknowledgements, idling.

* Every ``NEWSARCHIVE_REDIS_HEARTBEAT`` seconds the worker records a
  heartbeat, queues again the in-flight work of any worker silent for
  longer than ``NEWSARCHIVE_REDIS_REQUEUE_AFTER`` (one killed with
  ``kill -9``, a host that went down: a few seconds, so the crawl does not
  stall), and, when idle, takes work that others queued. The heartbeat runs
  on the reactor, so it is late while this worker parses a page or commits
  a batch; a worker taken for dead by mistake loses nothing (what it still
  commits is fetched twice, and merged once), and says so.
* A work is done when its results are committed to this worker's archive
  (the store pipeline's ``archive_committed``), or, for a page that stores
  nothing under its URL (a listing), once all it asked for is queued and
  all it yielded committed (see :mod:`newsarchive.distributed.works`): a
  worker killed later has nothing of it redone.
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

from newsarchive import config, request_meta
from newsarchive import signals as newsarchive_signals
from newsarchive.components import crawl_component
from newsarchive.distributed.shared import SharedCrawl, redis_server
from newsarchive.items import RunFailure

logger = logging.getLogger(__name__)


class RedisUnreachable(ValueError):
    """The shared crawl's Redis does not answer: the worker does not start."""


def check_reachable(shared: config.RedisConfig) -> None:
    try:
        redis_server(shared).ping()
    except redis.RedisError as exc:
        raise RedisUnreachable(f"the shared crawl's Redis at {shared.url} "
                               f"does not answer ({exc})") from None


class SharedCrawlWorker:
    """The crawl's part in the shared crawl, and the component the other
    distributed parts (scheduler, middleware, known stories) get the shared
    crawl from: ``SharedCrawlWorker.of(crawler).shared``."""

    def __init__(self, crawler, shared: SharedCrawl, idle_close: float, beat_every: float):
        self.crawler = crawler
        self.shared = shared
        #: What failed in this run (the run stops; see ``newsarchive.signals.run_failed``).
        self.failures: set[RunFailure] = set()
        self.idle_close = idle_close
        self.beat_every = beat_every
        #: When the last heartbeat was sent (time.monotonic()).
        self.last_beat: float | None = None
        self.empty_since: float | None = None
        #: The engine found nothing to do at its last look.
        self.idle = False
        self.heartbeat: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        shared = config.of(crawler).redis
        if shared is None:
            raise NotConfigured
        check_reachable(shared)
        worker = cls(crawler, SharedCrawl.from_crawler(crawler), shared.idle_close, beat_every=shared.heartbeat)
        crawler.signals.connect(worker.run_failed, signal=newsarchive_signals.run_failed)
        crawler.signals.connect(worker.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(worker.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(worker.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(worker.committed, signal=newsarchive_signals.archive_committed)
        crawler.signals.connect(worker.item_staged, signal=signals.item_scraped)
        crawler.signals.connect(worker.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(worker.item_dropped, signal=signals.item_error)
        return worker

    @staticmethod
    def of(crawler) -> SharedCrawlWorker:
        """The crawl's worker (after its extensions are made)."""
        return crawl_component(crawler, SharedCrawlWorker)

    def run_failed(self, failure: RunFailure, detail: str):
        self.failures.add(failure)

    def redis_failed(self, exc: Exception) -> None:
        """Redis went away: one line, and the worker stops (exit 1). What it
        committed stays in its archive; what it took goes back to the queue
        when Redis is back (its heartbeat stops)."""
        if RunFailure.REDIS in self.failures:
            return
        self.failures.add(RunFailure.REDIS)
        logger.error("The shared crawl's Redis failed (%s): this worker stops", exc)
        self.crawler.signals.send_catch_log(newsarchive_signals.run_failed, failure=RunFailure.REDIS, detail=str(exc))

    def _inc(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"newsarchive/redis/{key}", count)

    def spider_opened(self, spider):
        self.heartbeat = task.LoopingCall(self.beat)
        self.heartbeat.start(self.beat_every, now=True)

    def beat(self) -> None:
        now = time.monotonic()
        if self.last_beat is not None:
            self._late(now - self.last_beat)
        self.last_beat = now
        try:
            shared = self.shared
            for requeued in shared.beat():
                self._inc("requeued", requeued.requests)
                if requeued.silent is None:
                    logger.warning("Queued again %d requests of worker %s, which left the crawl without handing "
                                   "them back", requeued.requests, requeued.worker)
                else:
                    logger.warning("Queued again %d requests of worker %s: no heartbeat from it for %.1f s",
                                   requeued.requests, requeued.worker, requeued.silent)
            self._inc("acknowledged", shared.settle())  # works done since (a listing once all it asked is queued)
            if self.idle and shared.queued():
                self.idle = False
                shared.scheduler.wake()
        except redis.RedisError as exc:
            self.heartbeat.stop()
            self.redis_failed(exc)

    def _late(self, gap: float) -> None:
        """Note how long the reactor kept the heartbeat waiting."""
        stats = self.crawler.stats
        longest = "newsarchive/redis/heartbeat_gap_max"
        if gap > (stats.get_value(longest) or 0):
            stats.set_value(longest, round(gap, 3))
        if gap > self.shared.dead_after:
            logger.warning("This worker sent no heartbeat for %.1f s (busy): longer than "
                           "NEWSARCHIVE_REDIS_REQUEUE_AFTER (%g s), so the others may have queued its work again; "
                           "what it stores of it twice is merged once", gap, self.shared.dead_after)

    def committed(self, urls) -> None:
        try:
            self._inc("acknowledged", self.shared.ack(urls))
        except redis.RedisError as exc:  # the work stays in flight: redone later, nothing lost
            self.redis_failed(exc)

    def item_staged(self, item, response, spider):
        # Through every pipeline: staged for the next commit (conservatively, whatever its type).
        self.shared.works.passed(_work_of(response), staged=True)

    def item_dropped(self, item, response, spider, **kwargs):
        self.shared.works.passed(_work_of(response))

    def spider_idle(self, spider):
        self.crawler.signals.send_catch_log(newsarchive_signals.archive_flush_requested)
        if self.failures:
            return  # the crawl stops; the work goes back to the queue
        shared = self.shared
        try:
            shared.finish_all()
            busy = shared.queued() or shared.in_flight()
        except redis.RedisError as exc:
            self.redis_failed(exc)
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


def _work_of(response) -> str:
    """The work a response (or an errback's failure) was fetched as."""
    request = getattr(response, "request", None)
    return request_meta.work(request.meta) if request is not None else ""
