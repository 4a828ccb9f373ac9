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

from newsarchive import config, request_meta
from newsarchive.politeness.retry_after import retry_after_seconds

logger = logging.getLogger(__name__)

#: 429s in a row for one request before it is given up (and dropped as a fetch error).
MAX_PAUSES = 5
#: The download slots of web archives (``spiders/backfill.py`` names them so).
SLOT_PREFIX = "web-archive:"


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
            request.meta["dont_retry"] = True  # nor retried at once by RetryMiddleware
            return response
        wait = max(self.pause, retry_after_seconds(response.headers.get("Retry-After")) or 0.0)
        self.crawler.stats.inc_value("newsarchive/web_archive/429")
        from twisted.internet import reactor  # the crawl's, installed by then (not on import: spiders import SLOT_PREFIX)

        now = reactor.seconds()
        if now + wait > self.paused_until:
            self.paused_until = now + wait
            self._hold(wait)
            logger.warning("%s answered 429: the backfill pauses %.0fs", request.url, wait)
        retry = request.replace(dont_filter=True)
        retry.meta["web_archive_429s"] = tries
        return retry

    def _hold(self, wait: float) -> None:
        """Nothing new leaves the scheduler, and the requests already waiting
        in a web archive's download slot wait out the pause too."""
        engine = self.crawler.engine
        engine.pause()
        slots = [slot for key, slot in engine.downloader.slots.items() if str(key).startswith(SLOT_PREFIX)]
        paces = [(slot, slot.delay) for slot in slots]
        for slot in slots:
            slot.delay = max(slot.delay, wait)
        from twisted.internet import reactor

        reactor.callLater(wait, self._resume, self.paused_until, paces)

    def _resume(self, until: float, paces) -> None:
        if until != self.paused_until:  # a later 429 paused it for longer
            return
        for slot, delay in paces:
            slot.delay = delay
        self.crawler.engine.unpause()
