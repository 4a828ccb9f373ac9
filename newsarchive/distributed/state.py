"""The archive's story state in Redis, for the workers of a shared crawl.

``newsarchive merge ... --redis URL`` publishes, per site, what the merged
archive knows (``<prefix>:site:<site>:stories``: story code -> published,
first seen, drop reason; ``<prefix>:site:<site>:urls``: URL -> story code),
so that the next distributed run decides "already archived?" as a
single-machine scheduled run does, and fetches no archived story again.

Workers read it through :class:`SharedKnownStories` (the
``NEWSARCHIVE_KNOWN_STORIES`` of distributed mode), which also asks the
worker's own archive (stories it stored since the last merge) and the
shared crawl's claims (a story another worker met first in this run).
"""

from __future__ import annotations

import json
from collections import defaultdict

import redis

from newsarchive.archive import StoryState, archive_for
from newsarchive.archive.queries import alias_urls, story_states
from newsarchive.discovery.known import DEFAULT_RECHECK_DAYS, KnownStories
from newsarchive.distributed.shared import redis_failed, redis_server, shared_crawl_for

PUBLISH_BATCH = 1000


def stories_key(prefix: str, site: str) -> str:
    return f"{prefix}:site:{site}:stories"


def urls_key(prefix: str, site: str) -> str:
    return f"{prefix}:site:{site}:urls"


def publish(conn, server, prefix: str = "newsarchive") -> dict[str, int]:
    """Publish an archive's story state; returns how many stories and URLs per kind."""
    counts = {"stories": 0, "urls": 0}
    sites: set[str] = set()

    def send(rows, key, value, kind):
        pending: dict[str, dict[str, str]] = defaultdict(dict)
        for row in rows:
            site = row[0]
            sites.add(site)
            pending[site][row[1]] = value(row)
            counts[kind] += 1
            if counts[kind] % PUBLISH_BATCH == 0:
                flush(pending, key)
        flush(pending, key)

    def flush(pending, key):
        with server.pipeline(transaction=False) as pipe:
            for site, mapping in pending.items():
                pipe.hset(key(prefix, site), mapping=mapping)
            pipe.execute()
        pending.clear()

    send(story_states(conn), stories_key,
         lambda r: json.dumps({"published": r[2], "first_seen": r[3], "dropped": r[4]}), "stories")
    send(alias_urls(conn), urls_key, lambda r: r[2], "urls")
    counts["sites"] = len(sites)
    return counts


class SharedStoryStore:
    """Answers the archive's questions from the published state, then from
    the worker's own archive. When Redis fails, ``on_error`` is told (the
    worker stops) and the worker's own archive answers."""

    def __init__(self, server, prefix: str, local, on_error=None):
        self.server = server
        self.prefix = prefix
        self._local = local
        self.on_error = on_error

    def _published(self, command, *args):
        try:
            return command(*args)
        except redis.RedisError as exc:
            if self.on_error is None:
                raise
            self.on_error(exc)
            return None

    @property
    def local(self):
        if callable(self._local):
            self._local = self._local()
        return self._local

    def story_state(self, site: str, story_code: str) -> StoryState:
        raw = self._published(self.server.hget, stories_key(self.prefix, site), story_code)
        if raw is not None:
            state = json.loads(raw)
            if not state.get("dropped"):
                return StoryState(archived=True, published=state.get("published"), first_seen=state.get("first_seen"))
            local = self.local.story_state(site, story_code)
            return local if local.archived else StoryState(archived=False, dropped_reason=state["dropped"])
        return self.local.story_state(site, story_code)

    def story_for_url(self, site: str, url: str) -> str | None:
        code = self._published(self.server.hget, urls_key(self.prefix, site), url)
        if code is not None:
            return code.decode() if isinstance(code, bytes) else code
        return self.local.story_for_url(site, url)

    def has_alias(self, url: str, site: str | None = None) -> bool:
        if site is not None and self._published(self.server.hexists, urls_key(self.prefix, site), url):
            return True
        return self.local.has_alias(url)


class SharedKnownStories(KnownStories):
    """The "already archived?" decision of a worker in a shared crawl."""

    @classmethod
    def from_crawler(cls, crawler, recheck=None):
        from datetime import timedelta

        settings = crawler.settings
        store = SharedStoryStore(redis_server(settings), settings.get("NEWSARCHIVE_REDIS_PREFIX") or "newsarchive",
                                 lambda: archive_for(crawler), on_error=lambda exc: redis_failed(crawler, exc))
        known = cls(store, recheck if recheck is not None else timedelta(days=DEFAULT_RECHECK_DAYS))
        known.crawler = crawler
        return known

    def knows_url(self, url: str, site: str | None = None) -> bool:
        return self.store.has_alias(url, site)

    def met_elsewhere(self, site: str, story_code: str) -> str | None:
        try:
            return shared_crawl_for(self.crawler).claimed_url(f"story:{story_code}")
        except redis.RedisError as exc:
            redis_failed(self.crawler, exc)
            return None
