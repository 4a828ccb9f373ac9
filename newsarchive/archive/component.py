"""The archive as a component of a crawl.

A crawl has one archive writer: opened with the crawl's extensions (after
the settings check, before the run ledger opens the run), from the
``NEWSARCHIVE_DB`` setting and under the lock of the spider's site; closed
when the engine stops, after the pipelines have flushed and the ledger is
written. The pipelines, discovery and the run ledger get it from the
crawler: ``CrawlArchive.of(crawler)``.
"""

from __future__ import annotations

from scrapy import signals

from newsarchive import config
from newsarchive.archive import Archive
from newsarchive.components import crawl_component


class CrawlArchive:
    def __init__(self, archive: Archive):
        self.archive = archive

    @classmethod
    def from_crawler(cls, crawler):
        """Raises :class:`~newsarchive.archive.ArchiveBusy` when another crawl
        of the site holds the archive, :class:`~newsarchive.archive.NotAnArchive`
        for a file that is not one: the crawl then stops before it fetches."""
        site = getattr(getattr(crawler.spider, "site", None), "name", None)
        archive = Archive(config.of(crawler).db, lock=True, site=site)
        crawler.signals.connect(archive.close, signal=signals.engine_stopped, weak=False)
        return cls(archive)

    @staticmethod
    def of(crawler) -> Archive:
        """The crawl's archive (after its extensions are made)."""
        return crawl_component(crawler, CrawlArchive).archive
