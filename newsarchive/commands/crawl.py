"""``scrapy crawl`` whose exit code tells the truth.

Scrapy's own exits 0 for a crawl that failed after it started, and prints
an asyncio "Task exception was never retrieved" traceback for one refused
before it started. This one exits (see the README's table):

0  the crawl finished (or was stopped cleanly: ``shutdown``, ``closespider_*``);
   with several sites (``news -a site=a,b`` or ``site=all``, a crawl per
   site in this process), every one of them did;
1  it was refused before its first request (a busy or foreign archive, a bad
   setting, argument or profile: one line saying why), or it failed while
   running (``archive_error``: the archive could not be written;
   ``unreachable``: none of the site's start points answered), or was
   stopped at once by a second signal, before it could close;
2  the command line itself is wrong (Scrapy's usage errors).
"""

from __future__ import annotations

import asyncio
import logging
import signal

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from newsarchive.archive import ArchiveBusy, NotAnArchive
from newsarchive.archive.queries import completed
from newsarchive.extensions.run_report import RunReport
from newsarchive.items import RunFailure
from newsarchive.config import list_setting
from newsarchive.sites import Profiles
from newsarchive.sites.profiles import ProfileError
from newsarchive.spiders.site_spider import UNREACHABLE

logger = logging.getLogger("newsarchive.crawl")

EXIT_FINISHED, EXIT_FAILED = 0, 1
#: What a crawl refuses with one line, no traceback: the user can fix it.
REFUSALS = (ArchiveBusy, NotAnArchive, ProfileError, ValueError)


class Command(ScrapyCrawl):
    def run(self, args, opts) -> None:
        if len(args) != 1:
            raise UsageError("give one spider: scrapy crawl <spider>")
        assert self.crawler_process
        self.refused: BaseException | None = None
        crawlers = []
        for spargs in self.crawls(args[0], opts.spargs):
            crawler = self._create_crawler(args[0])
            if spargs is not opts.spargs:
                jobdir = crawler.settings.get("JOBDIR")
                if jobdir:  # each site resumes from its own queue
                    crawler.settings.set("JOBDIR", f"{jobdir}/{spargs['site']}", priority="cmdline")
            self._watch(self.crawler_process.crawl(crawler, **spargs))
            crawlers.append(crawler)
        # A closed terminal or SSH session stops the crawl as SIGTERM does
        # (gracefully, then at once), instead of killing it mid-batch.
        signal.signal(signal.SIGHUP, _as_sigterm)
        self.crawler_process.start()
        if self.refused is not None or self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_FAILED
        for crawler in crawlers:
            reason, report = finish_reason(crawler)
            if report is not None and report.failure is RunFailure.ARCHIVE:
                logger.error("The crawl failed: the archive could not be written (%s)", report.failure_detail)
                self.exitcode = EXIT_FAILED
            elif reason is not None and not completed(reason):
                if reason != UNREACHABLE:  # the spider said which site, and why
                    logger.error("The crawl did not finish its job: %s", reason)
                self.exitcode = EXIT_FAILED
            elif reason is None and opened(crawler):
                logger.error("The crawl stopped before it could close (a second signal stops it at once): what it"
                             " had not committed is not in the archive, and the next run marks this one interrupted")
                self.exitcode = EXIT_FAILED

    def crawls(self, spider: str, spargs: dict) -> list[dict]:
        """The spider arguments of each crawl: ``news -a site=a,b`` (or
        ``site=all``: every profile) is a crawl per site, side by side in
        this process, each with its own politeness, stats and run."""
        sites = spargs.get("site") or ""
        if spider != "news" or ("," not in sites and sites != "all"):
            return [spargs]
        if sites == "all":
            names = sorted(Profiles.from_settings(self.settings))  # the user's profiles too, as the spider reads them
        else:
            names = list(dict.fromkeys(list_setting(sites)))
        if spargs.get("start_urls"):
            raise UsageError("start_urls names one site's pages: crawl several sites without it")
        return [{**spargs, "site": name} for name in names]

    def _watch(self, started) -> None:  # noqa: D401
        """Take the start's exception, if any: a refusal is one line."""

        def report(exc: BaseException | None) -> None:
            if exc is None:
                return
            self.refused = exc
            if isinstance(exc, REFUSALS):
                logger.error("Not crawling: %s", exc)
            else:
                logger.error("Not crawling: the crawl failed to start", exc_info=exc)

        if isinstance(started, asyncio.Future):
            started.add_done_callback(lambda task: report(None if task.cancelled() else task.exception()))
        else:  # a Twisted Deferred
            started.addErrback(lambda failure: report(failure.value))


def _as_sigterm(signum, frame) -> None:
    signal.raise_signal(signal.SIGTERM)


def _stats(crawler):
    """The crawl's stats collector, or None for a crawl that never started."""
    try:
        return crawler.stats
    except RuntimeError:
        return None


def opened(crawler) -> bool:
    """The crawl got as far as opening its spider."""
    stats = _stats(crawler)
    return stats is not None and stats.get_value("start_time") is not None


def finish_reason(crawler) -> tuple[str | None, RunReport | None]:
    """The run's finish reason (None: it did not close), and its report
    (None: the crawl never got as far as making its extensions)."""
    stats = _stats(crawler)
    if stats is None:
        return None, None
    reason = stats.get_value("finish_reason")
    try:
        report = RunReport.of(crawler)
    except RuntimeError:
        return reason, None
    return (report.finish_reason(reason) if reason is not None else None), report
