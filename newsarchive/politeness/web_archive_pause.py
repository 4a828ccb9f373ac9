"""A web archive that answers 429 is left alone for a while.

The Wayback Machine allows 24 requests a minute to its index and captures
together, and blocks a client that goes on after a 429 for an hour (then
two, four, ...). So a 429 from a web archive (a request marked
``request_meta.WEB_ARCHIVE``) pauses the whole backfill for
``NEWSARCHIVE_WEB_ARCHIVE_PAUSE`` seconds, or the answer's ``Retry-After``
if longer, and the request is asked again after the pause.
"""

from __future__ import annotations

import logging

from twisted.internet import reactor

from newsarchive import config, request_meta
from newsarchive.politeness.retry_after import retry_after_seconds

logger = logging.getLogger(__name__)

#: 429s in a row for one request before it is given up (and dropped as a fetch error).
MAX_PAUSES = 5


class WebArchivePauseMiddleware:
    def __init__(self, crawler, pause: float):
        self.crawler = crawler
        self.pause = pause
        self.paused_until = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, config.of(crawler).web_archives.pause)

    def process_response(self, request, response):
        if response.status != 429 or not request.meta.get(request_meta.WEB_ARCHIVE):
            return response
        tries = request.meta.get("web_archive_429s", 0) + 1
        if tries > MAX_PAUSES:
            logger.error("%s answered 429 %d times: given up", request.url, MAX_PAUSES)
            return response
        wait = max(self.pause, retry_after_seconds(response.headers.get("Retry-After")) or 0.0)
        stats = self.crawler.stats
        stats.inc_value("newsarchive/web_archive/429")
        engine = self.crawler.engine
        now = reactor.seconds()
        if now + wait > self.paused_until:
            self.paused_until = now + wait
            engine.pause()
            reactor.callLater(wait, self._resume, self.paused_until)
            logger.warning("%s answered 429: the backfill pauses %.0fs", request.url, wait)
        retry = request.replace(dont_filter=True)
        retry.meta["web_archive_429s"] = tries
        return retry

    def _resume(self, until: float) -> None:
        if until == self.paused_until:  # a later 429 paused it for longer
            self.crawler.engine.unpause()
