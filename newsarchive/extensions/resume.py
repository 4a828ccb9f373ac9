"""Make ``JOBDIR`` safe to resume after a killed crawl.

Scrapy writes the request queue's index (``requests.queue/active.json``)
only when a crawl closes. A crawl killed outright leaves queue files that
may be cut mid-write, and the next crawl fails on them when it pushes a
request of the same priority — that request is lost. This extension marks
a ``JOBDIR`` as in use while a crawl runs; a crawl that finds the mark left
behind knows the previous one was killed, and starts the request queue
afresh. Nothing is lost by that: every story not yet stored is still new to
the archive and is found again from the start points.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

MARK = "newsarchive.running"


class KilledJobGuard:
    def __init__(self, jobdir: Path, stats=None):
        self.jobdir = jobdir
        self.mark = jobdir / MARK
        if self.mark.exists():
            queue = jobdir / "requests.queue"
            if queue.exists():
                shutil.rmtree(queue)
            logger.warning(
                "The last crawl with JOBDIR %s was killed: its request queue cannot be trusted and is "
                "started afresh (stories not stored yet are found again from the start points)",
                jobdir,
            )
            if stats is not None:
                stats.set_value("newsarchive/resume/queue_discarded", 1)
        jobdir.mkdir(parents=True, exist_ok=True)
        self.mark.touch()

    @classmethod
    def from_crawler(cls, crawler):
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        guard = cls(Path(jobdir), crawler.stats)
        # After the scheduler has written its queue index: the job closed cleanly.
        crawler.signals.connect(guard.closed, signal=signals.engine_stopped)
        return guard

    def closed(self):
        self.mark.unlink(missing_ok=True)
