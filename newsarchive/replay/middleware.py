"""A downloader middleware that answers requests from saved pages or WARC
captures (``NEWSARCHIVE_REPLAY``: a folder with ``pages.json``, or of
``.warc.gz`` files).

It sits last before the download handlers, so requests and responses pass
through every other downloader middleware (robots.txt, redirects, retries,
stats) exactly as in a live crawl; only the network is replaced. A URL with
no saved page gets a 404, and nothing ever leaves the machine.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import NotConfigured

from newsarchive import config
from newsarchive.replay.captures import open_replay_source
from newsarchive.replay.pages import build_response

logger = logging.getLogger(__name__)


class ReplayMiddleware:
    def __init__(self, saved, stats=None):
        self.saved = saved
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        folder = config.of(crawler).replay
        if not folder:
            raise NotConfigured  # bare: disabled quietly, as in every live crawl
        saved = open_replay_source(folder)
        logger.info("Replaying %d saved pages from %s: no network", len(saved.pages), saved.folder)
        return cls(saved, stats=crawler.stats)

    def process_request(self, request):
        page = self.saved.lookup(request.url)
        if page is None:
            if self.stats is not None:
                self.stats.inc_value("newsarchive/replay/missing")
            logger.info("No saved page for %s: answering 404", request.url)
            return build_response(request.url, 404, {}, b"", request=request, flags=["replay"])
        if self.stats is not None:
            self.stats.inc_value("newsarchive/replay/served")
        return page.response(request.url, request=request, flags=["replay"])
