"""The archive's story state in Redis, for the workers of a shared crawl.

``newsarchive merge ... --redis URL`` publishes, per site, what the merged
archive knows (``<prefix>:site:<site>:stories``: story code -> published,
first seen, drop reason; ``<prefix>:site:<site>:urls``: URL -> story code),
so that the next distributed run decides "already archived?" as a
single-machine scheduled run does, and fetches no archived story again.

Each worker, before it takes work, publishes the same of the archives it
can see (:func:`publish_shards`): its own, and those
``NEWSARCHIVE_REDIS_SHARDS`` names (by default every ``*.db`` beside it,
where the shards of one machine's workers are). So a worker started again
after the others finished, or after Redis lost its state, fetches no story
a shard holds, merged or not. A story held by an archive is never
published as dropped (another archive's drop of it does not replace it).
Each archive published is recorded (``<prefix>:site:<site>:archives``:
host and path -> the file's size and times), and published again only
once it has changed.

Workers read it through :class:`SharedKnownStories` (the
``NEWSARCHIVE_KNOWN_STORIES`` of distributed mode), which also asks the
worker's own archive (stories it stored since it started) and the shared
crawl's claims (a story another worker met first in this run).
"""

from __future__ import annotations

import glob
import json
import logging
import os
import socket
from collections import defaultdict
from pathlib import Path

import redis

from newsarchive import config
from newsarchive.archive import StorageError, StoryState
from newsarchive.archive.component import CrawlArchive
from newsarchive.archive.queries import ArchiveUnreadable, alias_urls, open_readonly, story_states
from newsarchive.discovery.known import DEFAULT_RECHECK_DAYS, KnownStories
from newsarchive.distributed.shared import redis_server
from newsarchive.distributed.worker import SharedCrawlWorker

logger = logging.getLogger(__name__)

PUBLISH_BATCH = 1000

#: Set story states (ARGV: code, state, "1" if the state is a drop, ...) in
#: the hash KEYS[1], except that a drop does not replace a story an
#: archive holds.
PUBLISH_STATES = """
for i = 1, #ARGV, 3 do
  local keep = false
  if ARGV[i + 2] == '1' then
    local current = redis.call('HGET', KEYS[1], ARGV[i])
    if current then
      local dropped = cjson.decode(current)['dropped']
      keep = dropped == nil or dropped == cjson.null or dropped == ''
    end
  end
  if not keep then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return #ARGV / 3
"""


def stories_key(prefix: str, site: str) -> str:
    return f"{prefix}:site:{site}:stories"


def urls_key(prefix: str, site: str) -> str:
    return f"{prefix}:site:{site}:urls"


def archives_key(prefix: str, site: str) -> str:
    return f"{prefix}:site:{site}:archives"


def archive_name(path: str | Path) -> str:
    """An archive file, told apart from same-named ones on other hosts."""
    return f"{socket.gethostname()}:{os.path.realpath(path)}"


def signature(path: str | Path) -> str:
    """Changes whenever the archive file changes (its write-ahead log included)."""
    parts = []
    for name in (str(path), f"{path}-wal"):
        try:
            stat = os.stat(name)
        except FileNotFoundError:
            parts.append("-")
            continue
        parts.append(f"{stat.st_dev}:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}")
    return " ".join(parts)


def _file_of(conn) -> str:
    return next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main")


def publish(conn, server, prefix: str = "newsarchive", site: str | None = None) -> dict[str, int]:
    """Publish an archive's story state (of every site, or of ``site``);
    returns how many stories and URLs, and of how many sites."""
    path = _file_of(conn)
    before = signature(path) if path else ""  # taken first: a change while reading is published next time
    counts = {"stories": 0, "urls": 0}
    sites: set[str] = set()
    set_states = server.register_script(PUBLISH_STATES)

    def send(rows, kind, flush):
        pending: dict[str, list] = defaultdict(list)
        for row in rows:
            if site is not None and row[0] != site:
                continue
            sites.add(row[0])
            pending[row[0]].append(row)
            counts[kind] += 1
            if counts[kind] % PUBLISH_BATCH == 0:
                flush(pending)
                pending.clear()
        flush(pending)

    def flush_states(pending):
        for name, rows in pending.items():
            args = []
            for _, code, published, first_seen, dropped in rows:
                state = json.dumps({"published": published, "first_seen": first_seen, "dropped": dropped})
                args += [code, state, "1" if dropped else "0"]
            set_states(keys=[stories_key(prefix, name)], args=args)

    def flush_urls(pending):
        with server.pipeline(transaction=False) as pipe:
            for name, rows in pending.items():
                pipe.hset(urls_key(prefix, name), mapping={url: code for _, url, code in rows})
            pipe.execute()

    send(story_states(conn), "stories", flush_states)
    send(alias_urls(conn), "urls", flush_urls)
    if path:
        with server.pipeline(transaction=False) as pipe:
            for name in sites | ({site} if site is not None else set()):
                pipe.hset(archives_key(prefix, name), archive_name(path), before)
            pipe.execute()
    counts["sites"] = len(sites)
    return counts


def visible_shards(db: Path, pattern: str) -> list[Path]:
    """The archives a worker can see: its own (``db``), and those the glob
    ``pattern`` (``NEWSARCHIVE_REDIS_SHARDS``) names, relative to its archive's folder."""
    own = Path(db).absolute()
    found = sorted(glob.glob(os.path.join(own.parent, pattern))) if pattern else []  # an absolute glob too
    # Never its own file under another name (a link): see publish_shards.
    return [own, *(Path(path) for path in found if os.path.isfile(path) and not _same(path, own))]


def _same(path, other) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:  # the worker's own archive is not made yet
        return False


def publish_shards(crawler) -> dict[str, int]:
    """Publish the story state, of the crawl's site, of every archive this
    worker can see that changed since it was last published; returns how
    many archives, stories and URLs."""
    crawl_config = config.of(crawler)
    site = getattr(getattr(crawler.spider, "site", None), "name", None)  # None: a crawl of several sites
    prefix = crawl_config.redis.prefix
    server = redis_server(crawl_config.redis)
    known = server.hgetall(archives_key(prefix, site)) if site is not None else {}
    own, *others = visible_shards(crawl_config.db, crawl_config.redis.shards)
    total = {"archives": 0, "stories": 0, "urls": 0}
    for path in (own, *others):
        if not path.is_file() or known.get(archive_name(path).encode()) == signature(path).encode():
            continue
        if path == own:
            # Read through the crawl's own writer (open by now: the run ledger
            # and the store pipeline open it first). Opening the file any other
            # way in this process, even to read its header, would drop the
            # process's SQLite locks on it when closed (POSIX locks belong to
            # the process): another process could then reset its log, and
            # lose what this worker commits.
            counts = publish(CrawlArchive.of(crawler).db.conn, server, prefix, site=site)
        else:
            try:
                conn = open_readonly(path)
            except ArchiveUnreadable:  # another file that happens to match the glob
                continue
            try:
                counts = publish(conn, server, prefix, site=site)
            except StorageError as exc:
                logger.warning("Could not read %s (%s): the stories it holds are not published, and may be "
                               "fetched again", path, exc)
                continue
            finally:
                conn.close()
        total["archives"] += 1
        total["stories"] += counts["stories"]
        total["urls"] += counts["urls"]
        logger.info("Published the story state of %s: %d stories and %d URLs of %s", path, counts["stories"],
                    counts["urls"], site or "every site")
    return total


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

        shared = config.of(crawler).redis
        store = SharedStoryStore(redis_server(shared), shared.prefix,
                                 lambda: CrawlArchive.of(crawler),
                                 on_error=lambda exc: SharedCrawlWorker.of(crawler).redis_failed(exc))
        known = cls(store, recheck if recheck is not None else timedelta(days=DEFAULT_RECHECK_DAYS))
        known.crawler = crawler
        return known

    def knows_url(self, url: str, site: str | None = None) -> bool:
        return self.store.has_alias(url, site)

    def met_elsewhere(self, site: str, story_code: str) -> str | None:
        try:
            return SharedCrawlWorker.of(self.crawler).shared.claimed_url(f"story:{story_code}")
        except redis.RedisError as exc:
            SharedCrawlWorker.of(self.crawler).redis_failed(exc)
            return None
