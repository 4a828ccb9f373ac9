"""The Redis state of one shared crawl, and every change to it as one atomic
script.

A shared crawl is keyed by spider and site (``<prefix>:crawl:<spider>:<site>``):

``queue``
    the frontier, a sorted set of encoded requests (scrapy-redis's
    priority queue format);
``claims``
    claim key (``story:<code>``, ``url:<url>``) -> ``<parent work> <TAB> <url>``:
    who first asked for a story or a page in this crawl; only the winner
    queues it, so each is fetched once across workers;
``inflight``
    ``<worker> <work>`` -> ``<score> <encoded request>``: what a worker took
    from the queue and has not finished (its results are not yet committed
    to its archive);
``workers``
    worker -> its last heartbeat, in the Redis server's clock (so that the
    hosts' clocks need not agree).

A work's id is the SHA-1 of its encoded request, the same when a dead
worker's work is queued again: a request queued by a work that is redone
may be queued again by it (see :data:`PUSH`), so that a worker killed
between claiming a story and queueing it loses nothing.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import weakref

logger = logging.getLogger(__name__)

#: The claim rule both scripts below follow: a claim key is held by the
#: work that made it first (its value: that work, a tab, the URL); the same
#: work, redone, holds it still. Returns whether ``parent`` holds it, and
#: the URL it was first made for.
CLAIMED = """
local function claimed(claims, key, parent, url)
  local owner = redis.call('HGET', claims, key)
  if not owner then
    redis.call('HSET', claims, key, parent .. '\\t' .. url)
    return 1, url
  end
  local tab = string.find(owner, '\\t', 1, true)
  local by, first = string.sub(owner, 1, tab - 1), string.sub(owner, tab + 1)
  if parent ~= '' and by == parent then return 1, first end
  return 0, first
end
"""

#: Claim, unless another work claimed first, and queue. ARGV: claim key
#: ("" for none), parent work, URL, score, encoded request. 1 if queued.
PUSH = CLAIMED + """
if ARGV[1] ~= '' and claimed(KEYS[2], ARGV[1], ARGV[2], ARGV[3]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[5])
return 1
"""

#: Claim a story for a work (ARGV: claim key, parent work, URL). Returns
#: {1 if this work holds the claim, the URL it was first claimed for}.
CLAIM = CLAIMED + """
local held, first = claimed(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
return {held, first}
"""

#: The works (fields ARGV) are done: out of flight; their claims (KEYS[2]
#: fields, "" for none, in the same order after the fields) are marked done,
#: so that a redone parent does not queue them again.
ACK = """
local n = #ARGV / 2
for i = 1, n do
  redis.call('HDEL', KEYS[1], ARGV[i])
  local claim = ARGV[n + i]
  if claim ~= '' then
    local owner = redis.call('HGET', KEYS[2], claim)
    if owner then
      redis.call('HSET', KEYS[2], claim, 'done' .. string.sub(owner, (string.find(owner, '\t', 1, true))))
    end
  end
end
return n
"""

#: Take the first request of the queue into the worker's in-flight work.
#: ARGV: worker. Returns {work, encoded request} or nil.
POP = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
local work = redis.sha1hex(first[1])
redis.call('HSET', KEYS[2], ARGV[1] .. ' ' .. work, first[2] .. ' ' .. first[1])
return {work, first[1]}
"""

local_clock = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

#: Join the crawl (a new one when no worker is alive and nothing is queued
#: or in flight: the last crawl's claims are cleared). ARGV: worker,
#: seconds after which a silent worker is dead. Returns 1 for a new crawl.
JOIN = local_clock + """
local alive = false
local beats = redis.call('HGETALL', KEYS[1])
for i = 1, #beats, 2 do
  if tonumber(beats[i + 1]) >= now - tonumber(ARGV[2]) then alive = true end
end
local new = 0
if not alive and redis.call('ZCARD', KEYS[2]) == 0 and redis.call('HLEN', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[4], KEYS[5])
  new = 1
end
redis.call('HSET', KEYS[1], ARGV[1], now)
return new
"""

#: Record a heartbeat, and queue again the work of every worker silent for
#: longer than ARGV[2] seconds (or gone without finishing it). Returns how
#: many requests were queued again.
BEAT = local_clock + """
redis.call('HSET', KEYS[1], ARGV[1], now)
local dead = {}
local beats = redis.call('HGETALL', KEYS[1])
for i = 1, #beats, 2 do
  if tonumber(beats[i + 1]) < now - tonumber(ARGV[2]) then
    dead[beats[i]] = true
    redis.call('HDEL', KEYS[1], beats[i])
  end
end
local moved = 0
for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
  local owner = string.match(field, '^(%S+)')
  if dead[owner] or redis.call('HEXISTS', KEYS[1], owner) == 0 then
    local value = redis.call('HGET', KEYS[2], field)
    local space = string.find(value, ' ', 1, true)
    redis.call('ZADD', KEYS[3], string.sub(value, 1, space - 1), string.sub(value, space + 1))
    redis.call('HDEL', KEYS[2], field)
    moved = moved + 1
  end
end
return moved
"""

#: Leave the crawl. ARGV: worker, "1" when its work is all done (its
#: in-flight entries are dropped; the last worker out clears the claims),
#: "0" when it stops early (its work is queued again by the next heartbeat
#: of any worker, at once).
LEAVE = """
redis.call('HDEL', KEYS[1], ARGV[1])
if ARGV[2] == '1' then
  for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
    if string.match(field, '^(%S+)') == ARGV[1] then redis.call('HDEL', KEYS[2], field) end
  end
  if redis.call('HLEN', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[3]) == 0 and redis.call('HLEN', KEYS[2]) == 0 then
    redis.call('DEL', KEYS[4], KEYS[5])
  end
end
return 1
"""


def worker_name() -> str:
    """This worker: host, process and a random part (no spaces)."""
    host = socket.gethostname().split(".")[0] or "host"
    return f"{host}:{os.getpid()}:{secrets.token_hex(3)}"


class SharedCrawl:
    """One worker's view of a shared crawl."""

    def __init__(self, server, spider_name: str, site: str, prefix: str = "newsarchive",
                 dead_after: float = 120.0, worker: str | None = None):
        self.server = server
        self.worker = worker or worker_name()
        self.dead_after = dead_after
        base = f"{prefix}:crawl:{spider_name}:{site}"
        self.queue_key = f"{base}:queue"
        self.claims_key = f"{base}:claims"
        self.inflight_key = f"{base}:inflight"
        self.workers_key = f"{base}:workers"
        self.dupefilter_key = f"{base}:dupefilter"
        self._push = server.register_script(PUSH)
        self._pop = server.register_script(POP)
        self._join = server.register_script(JOIN)
        self._beat = server.register_script(BEAT)
        self._leave = server.register_script(LEAVE)
        self._ack = server.register_script(ACK)
        self._claim = server.register_script(CLAIM)
        #: in-flight work of this worker: ack key -> {work id: claim key}
        self.open_work: dict[str, dict[str, str]] = {}
        #: in-flight works whose response reached the spider
        self.responded: set[str] = set()
        #: the worker's scheduler, once open
        self.scheduler = None

    # -- the crawl's life ----------------------------------------------------

    def join(self) -> bool:
        """Register this worker; True when it starts a new crawl."""
        keys = [self.workers_key, self.queue_key, self.inflight_key, self.claims_key, self.dupefilter_key]
        return bool(self._join(keys=keys, args=[self.worker, self.dead_after]))

    def beat(self) -> int:
        """A heartbeat; returns how many requests of dead workers were queued again."""
        return int(self._beat(keys=[self.workers_key, self.inflight_key, self.queue_key],
                              args=[self.worker, self.dead_after]))

    def leave(self, done: bool) -> None:
        keys = [self.workers_key, self.inflight_key, self.queue_key, self.claims_key, self.dupefilter_key]
        self._leave(keys=keys, args=[self.worker, "1" if done else "0"])
        if done:
            self.open_work.clear()
            self.responded.clear()

    # -- the frontier --------------------------------------------------------

    def push(self, data: bytes, score: float, claim: str = "", parent: str = "", url: str = "") -> bool:
        return bool(self._push(keys=[self.queue_key, self.claims_key], args=[claim, parent, url, score, data]))

    def claim(self, claim: str, parent: str, url: str) -> tuple[bool, str]:
        """(whether the work ``parent`` holds the claim, the URL it was first made for)."""
        held, first = self._claim(keys=[self.claims_key], args=[claim, parent, url])
        return bool(held), _text(first)

    def pop(self) -> tuple[str, bytes] | None:
        """The next request (work id, encoded) taken into this worker's work."""
        taken = self._pop(keys=[self.queue_key, self.inflight_key], args=[self.worker])
        if not taken:
            return None
        work, data = taken
        return _text(work), data

    def track(self, ack_key: str, work: str, claim: str = "") -> None:
        """``work`` is done once a result under ``ack_key`` is committed."""
        self.open_work.setdefault(ack_key, {})[work] = claim

    def ack(self, ack_keys) -> int:
        """The works whose results under these keys are committed are done."""
        done = {work: claim for key in ack_keys for work, claim in self.open_work.pop(key, {}).items()}
        return self.done(done)

    def done(self, works: dict[str, str]) -> int:
        """These works (work id -> claim key) are done."""
        if works:
            fields = [f"{self.worker} {work}" for work in works]
            self._ack(keys=[self.inflight_key, self.claims_key], args=[*fields, *works.values()])
            self.responded.difference_update(works)
        return len(works)

    def received(self, work: str) -> None:
        """The work's response reached the spider."""
        self.responded.add(work)

    def done_received(self) -> int:
        """After the pipelines closed, on an early stop: every work whose
        response reached the spider is done (its results are committed)."""
        works = {}
        for key in list(self.open_work):
            for work, claim in list(self.open_work[key].items()):
                if work in self.responded:
                    works[work] = claim
                    del self.open_work[key][work]
            if not self.open_work[key]:
                del self.open_work[key]
        return self.done(works)

    def finish_all(self) -> None:
        """Everything this worker took is processed and committed (it is idle)."""
        fields = [f for f in self.server.hkeys(self.inflight_key) if _text(f).split(" ", 1)[0] == self.worker]
        if fields:
            self.server.hdel(self.inflight_key, *fields)
        self.open_work.clear()
        self.responded.clear()

    def queued(self) -> int:
        return int(self.server.zcard(self.queue_key))

    def in_flight(self) -> int:
        """In-flight works of all workers."""
        return int(self.server.hlen(self.inflight_key))

    def claimed_url(self, claim: str) -> str | None:
        """The URL a claim was made for, if it was made."""
        owner = self.server.hget(self.claims_key, claim)
        return _text(owner).split("\t", 1)[1] if owner else None


#: Set in the stats when the shared crawl's Redis failed: the error.
REDIS_ERROR = "newsarchive/redis/error"


def redis_failed(crawler, exc: Exception) -> None:
    """Redis went away: one line, and the worker stops (exit 1). What it
    committed stays in its archive; what it took goes back to the queue
    when Redis is back (its heartbeat stops)."""
    if crawler.stats.get_value(REDIS_ERROR):
        return
    crawler.stats.set_value(REDIS_ERROR, str(exc))
    logger.error("The shared crawl's Redis failed (%s): this worker stops", exc)
    if crawler.engine is not None and crawler.engine.running:
        from scrapy.utils.defer import deferred_from_coro

        deferred_from_coro(crawler.engine.close_spider_async(reason="redis_error"))


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


_crawls: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def redis_server(settings):
    import redis

    return redis.Redis.from_url(settings.get("NEWSARCHIVE_REDIS_URL"), socket_timeout=30, socket_connect_timeout=30,
                                health_check_interval=30)


def shared_crawl_for(crawler) -> SharedCrawl:
    """The crawl's view of its shared crawl, made on first use (the spider must exist)."""
    crawl = _crawls.get(crawler)
    if crawl is None:
        settings = crawler.settings
        spider = crawler.spider
        site = getattr(getattr(spider, "site", None), "name", None) or "-"
        crawl = SharedCrawl(
            redis_server(settings), spider.name, site,
            prefix=settings.get("NEWSARCHIVE_REDIS_PREFIX") or "newsarchive",
            dead_after=settings.getfloat("NEWSARCHIVE_REDIS_REQUEUE_AFTER", 120.0),
        )
        _crawls[crawler] = crawl
    return crawl
