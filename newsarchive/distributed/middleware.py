"""Claims, as a callback asks for them: which work asked for each request,
and who fetches each story.

Each request is marked with the work whose response asked for it. A story
request is claimed by its code and queued in the shared crawl in one atomic
step, here, as the callback yields it (any worker may fetch it): a worker
killed a moment later has claimed nothing it did not queue, so the page,
redone, need not ask again (its worker's memory of the links it met would
not let it). When another work claimed the story first by another URL,
that URL is recorded as the story's alias instead, as a single crawl
records the variant URLs it meets.
"""

from __future__ import annotations

import redis
from scrapy import Request
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newsarchive import request_meta
from newsarchive.request_meta import PARENT, WORK
from newsarchive.distributed.scheduler import claim_of
from newsarchive.distributed.worker import SharedCrawlWorker
from newsarchive.items import StoryAlias


class SharedClaimsMiddleware(BaseSpiderMiddleware):
    """Also counts what each work's callback hands on, and when it returns
    (see :mod:`~newsarchive.distributed.works`)."""

    def process_spider_output(self, response, result):
        work = response.meta.get(WORK) if response is not None else None
        for output in result:
            yield self.passed_on(self.processed(output, response), work)
        self.returned(work)

    async def process_spider_output_async(self, response, result):
        work = response.meta.get(WORK) if response is not None else None
        async for output in result:
            yield self.passed_on(self.processed(output, response), work)
        self.returned(work)

    def passed_on(self, output, work):
        if output is not None and work:
            SharedCrawlWorker.of(self.crawler).shared.works.output(work)
        return output

    def returned(self, work) -> None:
        # Not reached when the callback raised: the work then stays in flight until the worker is idle.
        if work:
            SharedCrawlWorker.of(self.crawler).shared.works.callback_returned(work)

    def processed(self, output, response):
        if not isinstance(output, Request) or WORK in output.meta:
            return output  # an item, or a retry or redirect of work already taken
        parent = response.meta.get(WORK, "") if response is not None else ""
        if parent:
            output.meta[PARENT] = parent
        claim, url = claim_of(output)
        if not claim.startswith("story:"):
            return output  # pages other than stories are claimed as they are queued
        try:
            queued, first = SharedCrawlWorker.of(self.crawler).shared.scheduler.share(output)
        except redis.RedisError as exc:
            SharedCrawlWorker.of(self.crawler).redis_failed(exc)
            return None
        if queued:
            return None  # in the shared queue, for whichever worker is free
        stats = self.crawler.stats
        stats.inc_value("newsarchive/redis/claimed_elsewhere")
        spider = self.crawler.spider
        site = spider.site.name
        if first == url or spider.known.knows_url(url, site):
            return None
        stats.inc_value("newsarchive/discovery/variant_urls")
        return StoryAlias(site=site, story_code=request_meta.story_code(output.meta), url=url)
