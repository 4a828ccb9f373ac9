"""The shared frontier: scrapy-redis's scheduler, with claims and in-flight work.

* A request is queued only by the first work that claims it in the crawl,
  in the same atomic step (a story by its code, as the callback asks for
  it: see :mod:`~newsarchive.distributed.middleware`; any other page by its
  URL, as it is queued): the project's requests bypass the dupefilter
  (``dont_filter``), so without claims every worker that met a story would
  fetch it.
* Before it takes work, the worker publishes the story state of the
  archives it can see (:func:`~newsarchive.distributed.state.publish_shards`):
  no story a shard holds is fetched again, whatever Redis remembers.
* A request taken from the queue is kept, in the same atomic step, as the
  worker's in-flight work until its results are committed to the worker's
  archive (see :mod:`newsarchive.distributed.worker`). Its retries and
  redirects stay with the worker (a local queue), as part of that work.
"""

from __future__ import annotations

import logging
from collections import deque

import redis
from scrapy import signals
from scrapy_redis.queue import PriorityQueue

from newsarchive import request_meta
from newsarchive.request_meta import PARENT, WORK
from newsarchive.distributed.compat import RFPDupeFilter, Scheduler
from newsarchive.distributed.shared import SharedCrawl
from newsarchive.distributed.state import publish_shards
from newsarchive.distributed.worker import SharedCrawlWorker
from newsarchive.items import RunFailure

logger = logging.getLogger(__name__)


def claim_of(request) -> tuple[str, str]:
    """(claim key, URL): a story by its code, another page by its URL."""
    code = request_meta.story_code(request.meta)
    if code:
        return f"story:{code}", request_meta.found_url(request.meta) or request.url
    return f"url:{request.url}", request.url


def ack_key(request) -> str:
    """What the committed results of a request are known by: the site URL a
    story was found by (stored among the story's URLs, or as the dropped
    page's URL), else the request's URL."""
    return request_meta.found_url(request.meta) or request.url


#: Listing pages, feeds and sitemaps go ahead of story pages of the same
#: priority: every worker can only take what has been discovered, so the
#: shared crawl walks its listings first and keeps the queue full.
DISCOVERY_FIRST = 0.5


class SharedQueue(PriorityQueue):
    """scrapy-redis's priority queue, pushed and popped through the shared crawl."""

    shared: SharedCrawl

    def push(self, request) -> tuple[bool, str]:
        """Claim and queue; (whether queued, the URL the claim was first made for)."""
        claim, url = claim_of(request)
        score = -request.priority - (0 if claim.startswith("story:") else DISCOVERY_FIRST)
        return self.shared.push(self._encode_request(request), score, claim, request.meta.get(PARENT, ""), url)

    def pop(self, timeout=0):
        taken = self.shared.pop()
        if taken is None:
            return None
        work, data = taken
        request = self._decode_request(data)
        self.shared.track(ack_key(request), work)
        request.meta[WORK] = work
        return request

    def clear(self):
        # The queue belongs to every worker of the crawl: never cleared by one.
        pass


class SharedScheduler(Scheduler):
    @classmethod
    def from_crawler(cls, crawler):
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        return instance

    def open(self, spider):
        self.worker = SharedCrawlWorker.of(self.crawler)
        self.shared = shared = self.worker.shared
        self.queue_key = shared.queue_key.replace("%", "%%")
        self.queue_cls = f"{SharedQueue.__module__}.{SharedQueue.__qualname__}"
        self.df = RFPDupeFilter(self.server, key=shared.dupefilter_key,
                                debug=self.crawler.settings.getbool("DUPEFILTER_DEBUG"))
        self.local: deque = deque()
        self.crawler.signals.connect(self._response_received, signal=signals.response_received)
        publish_shards(self.crawler)  # before it takes work: what any shard holds is not fetched again
        new = shared.join()
        super().open(spider)
        self.queue.shared = shared
        shared.scheduler = self
        logger.info(
            "Worker %s %s the shared crawl %s (%d requests queued, %d in flight)",
            shared.worker, "started" if new else "joined", shared.queue_key.rsplit(":", 1)[0],
            shared.queued(), shared.in_flight(), extra={"spider": spider},
        )

    def enqueue_request(self, request):
        if WORK in request.meta:  # a retry or redirect of work this worker took
            self.local.append(request)
            return True
        try:
            queued = self._enqueue(request)
        except redis.RedisError as exc:
            # Its parent's work stays in flight: it is redone, and asks again.
            self.worker.redis_failed(exc)
            return False
        if request.meta.get(PARENT):
            self.shared.works.passed(request.meta[PARENT])  # queued in Redis, or refused there
        return queued

    def _enqueue(self, request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        queued, _ = self.queue.push(request)
        if not queued:
            self.stats.inc_value("newsarchive/redis/claimed_elsewhere")
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def share(self, request) -> tuple[bool, str]:
        """Claim and queue a request a callback asked for, past the engine
        (any worker may fetch it); (whether queued, the URL the claim was
        first made for). Raises RedisError."""
        queued, first = self.queue.push(request)
        if queued:
            self.stats.inc_value("scheduler/enqueued/redis")
        return queued, first

    def next_request(self):
        if self.local:
            return self.local.popleft()
        try:
            request = self.queue.pop()
        except redis.RedisError as exc:
            self.worker.redis_failed(exc)
            return None
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self):
        if self.local:
            return True
        try:
            return len(self.queue) > 0
        except redis.RedisError as exc:
            self.worker.redis_failed(exc)
            return False

    def wake(self) -> None:
        """Take a request from the shared queue into an idle engine, which
        otherwise looks at its scheduler again only every few seconds."""
        request = self.next_request()
        if request is not None:
            self.crawler.engine.crawl(request)

    def _response_received(self, response, request, spider):
        if WORK in request.meta:
            self.shared.received(request.meta[WORK])

    def close(self, reason):
        # Called after the pipelines closed. All is done if the crawl finished
        # and every result is committed; when it was stopped early, what
        # reached the spider is done (its results are committed) and the rest
        # goes back to the queue.
        committed = RunFailure.ARCHIVE not in self.worker.failures
        done = committed and reason == "finished"
        try:
            if committed and not done and RunFailure.REDIS not in self.worker.failures:
                self.shared.done_received()
            handed_back = self.shared.leave(done)
        except redis.RedisError as exc:
            logger.error("Worker %s could not leave the shared crawl (%s): the others take its work back "
                         "once it has been silent for %g s", self.shared.worker, exc, self.shared.dead_after)
            return
        if not done:
            self.stats.set_value("newsarchive/redis/handed_back", handed_back)
            why = "its archive could not be written" if not committed else reason
            logger.warning("Worker %s stopped (%s): it handed its %d unfinished requests back to the shared queue",
                           self.shared.worker, why, handed_back)
