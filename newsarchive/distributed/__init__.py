"""Distributed crawls on Redis: ``-s NEWSARCHIVE_REDIS_URL=redis://host:port/db``
turns any crawl into a worker of a crawl shared by spider and site.

- ``shared``: the crawl's state in Redis (queue, claims, in-flight work,
  heartbeats), each change one atomic script;
- ``scheduler``: scrapy-redis's scheduler over it (``compat``: what
  scrapy-redis 0.9.1 needs on Scrapy 2.19);
- ``worker``: heartbeat, re-queueing a dead worker's work, idling;
- ``middleware``: which work asked for a request, and who fetches a story;
- ``state``: the story state of the merged archive, and of the shards a
  worker can see, published so that no archived story is fetched again.

Each worker writes its own archive (``NEWSARCHIVE_DB``);
``newsarchive merge SHARD... --into ARCHIVE --redis URL`` makes one of them
and publishes its state.
"""

from __future__ import annotations

from newsarchive.discovery.known import KnownStories

#: What distributed mode changes, when the setting still has its default.
DEFAULT_COMPONENTS = {
    "SCHEDULER": ("scrapy.core.scheduler.Scheduler", "newsarchive.distributed.scheduler.SharedScheduler"),
    "DUPEFILTER_CLASS": ("scrapy.dupefilters.RFPDupeFilter", "newsarchive.distributed.compat.RFPDupeFilter"),
    "NEWSARCHIVE_KNOWN_STORIES": (f"{KnownStories.__module__}.{KnownStories.__qualname__}",
                                  "newsarchive.distributed.state.SharedKnownStories"),
}


class DistributedMode:
    """The add-on (``ADDONS``) that switches a crawl to distributed mode."""

    def update_settings(self, settings) -> None:
        # Settings, not the crawl's config: an add-on changes them before they are final.
        url = settings.get("NEWSARCHIVE_REDIS_URL")
        if not url:
            return
        for name, (default, shared) in DEFAULT_COMPONENTS.items():
            current = settings.get(name)
            if current in (default, None, "") or (isinstance(current, type) and
                                                  f"{current.__module__}.{current.__qualname__}" == default):
                settings.set(name, shared, priority=settings.getpriority(name) or "addon")
        settings.set("REDIS_URL", url, priority="addon")
        # Scrapy takes requests from its scheduler until CONCURRENT_REQUESTS
        # wait in its downloader, behind the site's delay: from a shared
        # queue, that hoards work other workers could do now (and a listing
        # page taken late holds up every worker). A worker takes what it can
        # start (a crawl is one site); `-s CONCURRENT_REQUESTS=N` still wins.
        settings.set("CONCURRENT_REQUESTS", settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") or 1,
                     priority="addon")
        # Before the run ledger opens the archive: an unreachable Redis refuses the crawl first.
        settings.set_in_component_priority_dict("EXTENSIONS", "newsarchive.distributed.worker.SharedCrawlWorker", -50)
        settings.set_in_component_priority_dict(
            "SPIDER_MIDDLEWARES", "newsarchive.distributed.middleware.SharedClaimsMiddleware", 100)
