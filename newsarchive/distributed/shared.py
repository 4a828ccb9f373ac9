"""The Redis state of one shared crawl, and every change to it as one atomic
script.

A shared crawl is keyed by spider and site (``<prefix>:crawl:<spider>:<site>``):

``queue``
    the frontier, a sorted set of encoded requests (scrapy-redis's
    priority queue format);
``claims``
    claim key (``story:<code>``, ``url:<url>``) -> ``<parent work> <TAB> <url>``:
    who first asked for a story or a page in this crawl. A claim is made
    in the same step as its request is queued, and only then: so each
    claimed request is queued, in flight or done, never lost between
    claiming and queueing, and never queued twice (a page redone after its
    worker died queues nothing it claimed before);
``inflight``
    ``<worker> <work>`` -> ``<score> <encoded request>``: what a worker took
    from the queue and has not finished (its results are not yet committed
    to its archive);
``workers``
    worker -> its last heartbeat, in the Redis server's clock (so that the
    hosts' clocks need not agree).

A work's id is the SHA-1 of its encoded request, the same when a dead
worker's work is queued again.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from typing import NamedTuple

from newsarchive import config
from newsarchive.distributed.works import TakenWork

logger = logging.getLogger(__name__)

#: The claim rule: a claim key is held by the first request queued for it
#: (its value: the work that asked, a tab, the URL); the request is queued
#: in the same script. Returns whether this one made the claim, and the URL
#: the claim was made for.
CLAIMED = """
local function claimed(claims, key, parent, url)
  local owner = redis.call('HGET', claims, key)
  if owner then return 0, string.sub(owner, string.find(owner, '\t', 1, true) + 1) end
  redis.call('HSET', claims, key, parent .. '\t' .. url)
  return 1, url
end
"""

#: Claim, unless claimed already, and queue. ARGV: claim key ("" for none),
#: parent work, URL, score, encoded request. Returns {1 if queued, the URL
#: the claim was first made for}.
PUSH = CLAIMED + """
if ARGV[1] ~= '' then
  local held, first = claimed(KEYS[2], ARGV[1], ARGV[2], ARGV[3])
  if held == 0 then return {0, first} end
end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[5])
return {1, ARGV[3]}
"""

local_clock = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

#: Take the first request of the queue into the worker's in-flight work; a
#: worker that takes work is alive (its heartbeat too). ARGV: worker.
#: Returns {work, encoded request} or nil.
POP = local_clock + """
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
local work = redis.sha1hex(first[1])
redis.call('HSET', KEYS[2], ARGV[1] .. ' ' .. work, first[2] .. ' ' .. first[1])
redis.call('HSET', KEYS[3], ARGV[1], now)
return {work, first[1]}
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
#: longer than ARGV[2] seconds (or gone without handing it back). Returns,
#: per worker whose work was queued again: its name, the seconds since its
#: last heartbeat (a string: Lua numbers reach Redis as integers; "" when
#: it left no heartbeat) and how many requests.
BEAT = local_clock + """
redis.call('HSET', KEYS[1], ARGV[1], now)
local silent = {}
local beats = redis.call('HGETALL', KEYS[1])
for i = 1, #beats, 2 do
  local last = tonumber(beats[i + 1])
  if last < now - tonumber(ARGV[2]) then
    silent[beats[i]] = string.format('%.3f', now - last)
    redis.call('HDEL', KEYS[1], beats[i])
  end
end
local moved, order = {}, {}
for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
  local owner = string.match(field, '^(%S+)')
  if silent[owner] or redis.call('HEXISTS', KEYS[1], owner) == 0 then
    local value = redis.call('HGET', KEYS[2], field)
    local space = string.find(value, ' ', 1, true)
    redis.call('ZADD', KEYS[3], string.sub(value, 1, space - 1), string.sub(value, space + 1))
    redis.call('HDEL', KEYS[2], field)
    if not moved[owner] then
      moved[owner] = 0
      table.insert(order, owner)
    end
    moved[owner] = moved[owner] + 1
  end
end
local result = {}
for _, owner in ipairs(order) do
  table.insert(result, owner)
  table.insert(result, silent[owner] or '')
  table.insert(result, moved[owner])
end
return result
"""

#: Leave the crawl. ARGV: worker, "1" when its work is all done (its
#: in-flight entries are dropped; the last worker out clears the claims),
#: "0" when it stops early (it queues its in-flight work again itself, at
#: once). Returns how many requests it queued again.
LEAVE = """
redis.call('HDEL', KEYS[1], ARGV[1])
local moved = 0
for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
  if string.match(field, '^(%S+)') == ARGV[1] then
    if ARGV[2] ~= '1' then
      local value = redis.call('HGET', KEYS[2], field)
      local space = string.find(value, ' ', 1, true)
      redis.call('ZADD', KEYS[3], string.sub(value, 1, space - 1), string.sub(value, space + 1))
      moved = moved + 1
    end
    redis.call('HDEL', KEYS[2], field)
  end
end
if ARGV[2] == '1' and redis.call('HLEN', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[3]) == 0
    and redis.call('HLEN', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[4], KEYS[5])
end
return moved
"""


class Requeued(NamedTuple):
    """Work of a worker taken for dead, queued again by a heartbeat."""

    worker: str
    #: Seconds since its last heartbeat; None when it left none (it left
    #: the crawl, or Redis lost it, without its work being handed back).
    silent: float | None
    requests: int


def worker_name() -> str:
    """This worker: host, process and a random part (no spaces)."""
    host = socket.gethostname().split(".")[0] or "host"
    return f"{host}:{os.getpid()}:{secrets.token_hex(3)}"


class SharedCrawl:
    """One worker's view of a shared crawl."""

    @classmethod
    def from_crawler(cls, crawler) -> SharedCrawl:
        """A crawl's view of its shared crawl (the spider must exist): its
        spider and site, and the settings' Redis, prefix and requeue time."""
        shared = config.of(crawler).redis
        spider = crawler.spider
        site = getattr(getattr(spider, "site", None), "name", None) or "-"
        return cls(redis_server(shared), spider.name, site, prefix=shared.prefix, dead_after=shared.requeue_after)

    def __init__(self, server, spider_name: str, site: str, prefix: str, dead_after: float,
                 worker: str | None = None):
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
        #: this worker's in-flight works, and which are done
        self.works = TakenWork()
        #: the worker's scheduler, once open
        self.scheduler = None

    # -- the crawl's life ----------------------------------------------------

    def join(self) -> bool:
        """Register this worker; True when it starts a new crawl."""
        keys = [self.workers_key, self.queue_key, self.inflight_key, self.claims_key, self.dupefilter_key]
        return bool(self._join(keys=keys, args=[self.worker, self.dead_after]))

    def beat(self) -> list[Requeued]:
        """A heartbeat; returns the work of dead workers it queued again."""
        found = self._beat(keys=[self.workers_key, self.inflight_key, self.queue_key],
                           args=[self.worker, self.dead_after])
        return [Requeued(_text(found[i]), float(found[i + 1]) if found[i + 1] else None, int(found[i + 2]))
                for i in range(0, len(found), 3)]

    def leave(self, done: bool) -> int:
        """Leave the crawl; unless ``done``, hand this worker's in-flight work
        back to the queue. Returns how many requests it handed back."""
        keys = [self.workers_key, self.inflight_key, self.queue_key, self.claims_key, self.dupefilter_key]
        moved = int(self._leave(keys=keys, args=[self.worker, "1" if done else "0"]))
        self.works.clear()
        return moved

    # -- the frontier --------------------------------------------------------

    def push(self, data: bytes, score: float, claim: str = "", parent: str = "", url: str = "") -> tuple[bool, str]:
        """Queue a request, claiming ``claim`` in the same step (unless it is
        claimed already: then it is not queued). Returns whether it was
        queued, and the URL the claim was first made for."""
        queued, first = self._push(keys=[self.queue_key, self.claims_key], args=[claim, parent, url, score, data])
        return bool(queued), _text(first)

    def pop(self) -> tuple[str, bytes] | None:
        """The next request (work id, encoded) taken into this worker's work."""
        taken = self._pop(keys=[self.queue_key, self.inflight_key, self.workers_key], args=[self.worker])
        if not taken:
            return None
        work, data = taken
        return _text(work), data

    def track(self, ack_key: str, work: str) -> None:
        """``work`` is in flight; done at the latest once a result under
        ``ack_key`` is committed (see :mod:`~newsarchive.distributed.works`)."""
        self.works.take(ack_key, work)

    def ack(self, ack_keys) -> int:
        """A batch was committed, with the results under these keys: the
        works it completes are done. Returns how many."""
        self.works.committed(ack_keys)
        return self.settle()

    def settle(self) -> int:
        """Take the works done so far out of flight; returns how many."""
        return self.done(self.works.take_ready())

    def done(self, works: set[str]) -> int:
        """These works are done: out of flight."""
        if works:
            self.server.hdel(self.inflight_key, *(f"{self.worker} {work}" for work in works))
        return len(works)

    def received(self, work: str) -> None:
        """The work's response reached the spider."""
        self.works.received(work)

    def done_received(self) -> int:
        """After the pipelines closed, on an early stop: every work whose
        response reached the spider is done (its results are committed)."""
        return self.done(self.works.take_received())

    def finish_all(self) -> None:
        """Everything this worker took is processed and committed (it is idle)."""
        fields = [f for f in self.server.hkeys(self.inflight_key) if _text(f).split(" ", 1)[0] == self.worker]
        if fields:
            self.server.hdel(self.inflight_key, *fields)
        self.works.clear()

    def queued(self) -> int:
        return int(self.server.zcard(self.queue_key))

    def in_flight(self) -> int:
        """In-flight works of all workers."""
        return int(self.server.hlen(self.inflight_key))

    def claimed_url(self, claim: str) -> str | None:
        """The URL a claim was made for, if it was made."""
        owner = self.server.hget(self.claims_key, claim)
        return _text(owner).split("\t", 1)[1] if owner else None


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def redis_server(shared: config.RedisConfig):
    import redis

    return redis.Redis.from_url(shared.url, socket_timeout=30, socket_connect_timeout=30,
                                health_check_interval=30)
