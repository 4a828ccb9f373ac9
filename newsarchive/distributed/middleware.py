"""Claims, as a callback asks for them: which work asked for each request,
and who fetches each story.

Each request is marked with the work whose response asked for it, so that
the work, redone after its worker died, may queue its requests again. A
story request is let through only if its work holds the story's claim in
the shared crawl; when another work claimed the story first by another URL,
that URL is recorded as the story's alias instead, as a single crawl records
the variant URLs it meets.
"""

from __future__ import annotations

import redis
from scrapy import Request
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newsarchive.distributed.scheduler import PARENT, WORK, claim_of
from newsarchive.distributed.shared import redis_failed, shared_crawl_for
from newsarchive.items import StoryAlias


class SharedClaimsMiddleware(BaseSpiderMiddleware):
    def process_spider_output(self, response, result):
        for output in result:
            yield self.processed(output, response)

    async def process_spider_output_async(self, response, result):
        async for output in result:
            yield self.processed(output, response)

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
            held, first = shared_crawl_for(self.crawler).claim(claim, parent, url)
        except redis.RedisError as exc:
            redis_failed(self.crawler, exc)
            return None
        if held:
            return output
        stats = self.crawler.stats
        stats.inc_value("newsarchive/redis/claimed_elsewhere")
        spider = self.crawler.spider
        site = spider.site.name
        if first == url or spider.known.knows_url(url, site):
            return None
        stats.inc_value("newsarchive/discovery/variant_urls")
        return StoryAlias(site=site, story_code=output.meta["story_code"], url=url)
