"""Rebuild or update the archive from WARC captures, with no network.

Today's extraction (parser, sidebar rules, dates) runs over the newest
capture of each story; the archive stores the result as for a crawl: a new
story, an update (with a revision keeping the previous values) or unchanged.
Pages are parsed in a process per core (``parsing``) while this process
reads the captures; which capture is each story's newest, and its parse,
are kept on disk until the archive stores them (``captures``).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from newsarchive.archive import Archive
from newsarchive import settings as defaults
from newsarchive.archive.scratch import NewestCaptures
from newsarchive.items import Outcome
from newsarchive.reparse.captures import ReparseCounts, StoryCapture, story_captures
from newsarchive.reparse.parsing import default_workers, parsed
from newsarchive.sites import PACKAGE, Profiles

__all__ = ["ProgressPrinter", "ReparseCounts", "StoryCapture", "default_workers", "reparse"]

logger = logging.getLogger(__name__)


def reparse(
    archive: Archive,
    warc_dir: str | Path,
    site: str | None = None,
    since: str | None = None,
    batch_size: int = defaults.NEWSARCHIVE_BATCH_SIZE,
    progress: Callable[[int, int | None, ReparseCounts], None] | None = None,
    workers: int = 1,
    profiles: Profiles = PACKAGE,
) -> ReparseCounts:
    """Parse the newest capture of every story again into ``archive``;
    return what happened (:class:`ReparseCounts`): stories found, stored
    by outcome once committed, rejected by reason.

    Captures are parsed as the WARC files are read, in ``workers`` parser
    processes; a story's parse is kept while its capture is the newest seen
    (a later capture of it is parsed again). Once every file is read, the
    kept parses are stored, oldest capture first. ``profiles``: the sites as
    the job's settings give them (``NEWSARCHIVE_PROFILES``, zone overrides).
    """
    if site is not None:
        profiles[site]  # a clear error for an unknown site
    counts = ReparseCounts()
    store = NewestCaptures()
    try:
        newest = (story for story in story_captures(warc_dir, profiles, site, since, counts) if store.claim(story))
        for done, (story, result) in enumerate(parsed(newest, workers, profiles), 1):
            store.keep(story, result)
            if progress is not None:
                progress(done, None, counts)
        total = counts.stories = len(store)
        # Outcomes count once their batch is committed: no line claims a story the archive does not hold.
        staged: Counter = Counter()
        for done, result in enumerate(store.parses(), 1):
            if isinstance(result, str):
                counts.rejected[result] += 1
            else:
                # Today's reading of a stored capture: compared with the story as it stands.
                staged[archive.stage_article(result, in_time=False)] += 1
                archive.stage_aliases(result.site, result.story_code, [result.url, *result.aliases])
                if archive.largest_pending_batch >= batch_size:
                    archive.flush()
                    counts.outcomes.update(staged)
                    staged.clear()
            if progress is not None and done < total:
                progress(done, total, counts)
        archive.flush()
        counts.outcomes.update(staged)
        if progress is not None and total:
            progress(total, total, counts)
    finally:
        store.close()
    return counts


class ProgressPrinter:
    """A line every ``interval`` seconds and at the end of each phase:
    captures parsed, then stories stored out of the total, with the rate."""

    def __init__(self, write: Callable[[str], None], interval: float = 2.0):
        self.write = write
        self.interval = interval
        self.started = self.last = time.monotonic()
        self.phase_total: int | None = None

    def __call__(self, done: int, total: int | None, counts: ReparseCounts) -> None:
        now = time.monotonic()
        if total != self.phase_total:  # storing begins
            self.phase_total, self.started = total, now
        if now - self.last < self.interval and done != total:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-9)
        if total is None:
            self.write(f"parsed {done} captures ({rate:.0f}/s)")
            return
        rejected = sum(counts.rejected.values())
        outcomes = counts.outcomes
        self.write(
            f"stored {counts.stored} of {done}/{total} stories ({rate:.0f}/s): "
            f"{outcomes[Outcome.NEW]} new, {outcomes[Outcome.UPDATED]} updated, {outcomes[Outcome.UNCHANGED]} unchanged"
            + (f", {rejected} rejected" if rejected else "")
        )
