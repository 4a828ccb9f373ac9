"""Honour ``Retry-After`` on 429 and 503 answers.

Scrapy's RetryMiddleware retries such answers at once. This middleware,
placed just before it on the way back, first slows the whole site down to
the delay the server asked for (up to ``NEWSARCHIVE_RETRY_AFTER_MAX``
seconds), so the retry and every request after it wait that long. A server
that asks for more than that is not retried in this run.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.exceptions import NotConfigured

from newsarchive import config

logger = logging.getLogger(__name__)

STATUSES = frozenset({429, 503})


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: a number, or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler, max_wait: float):
        self.crawler = crawler
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler):
        max_wait = config.of(crawler).retry_after_max
        if max_wait <= 0:
            raise NotConfigured
        return cls(crawler, max_wait)

    def process_response(self, request, response):
        if response.status not in STATUSES:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None:
            return response
        stats = self.crawler.stats
        if wait > self.max_wait:
            stats.inc_value("newsarchive/retry_after/too_long")
            logger.warning("%s asks to come back in %.0fs: not retried in this run", request.url, wait)
            request.meta["dont_retry"] = True
            return response
        slot_key = request.meta.get("download_slot")
        slot = self.crawler.engine.downloader.slots.get(slot_key) if slot_key else None
        if slot is not None and slot.delay < wait:
            slot.delay = wait
        stats.inc_value("newsarchive/retry_after/honoured")
        logger.info("%s answered %d: waiting %.0fs between requests to that site", request.url, response.status, wait)
        return response
