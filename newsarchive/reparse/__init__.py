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
from newsarchive.reparse.captures import ReparseStore, StoryCapture, story_captures
from newsarchive.reparse.parsing import default_workers, parsed
from newsarchive.sites import PACKAGE, Profiles

__all__ = ["ProgressPrinter", "StoryCapture", "default_workers", "reparse"]

logger = logging.getLogger(__name__)


def reparse(
    archive: Archive,
    warc_dir: str | Path,
    site: str | None = None,
    since: str | None = None,
    batch_size: int = 1000,
    progress: Callable[[int, int | None, Counter], None] | None = None,
    workers: int = 1,
    profiles: Profiles = PACKAGE,
) -> Counter:
    """Parse the newest capture of every story again into ``archive``;
    return counts of what happened: ``stories`` found, of which ``stored``
    (``new``, ``updated``, ``unchanged``, committed) and ``rejected/<reason>``.

    Captures are parsed as the WARC files are read, in ``workers`` parser
    processes; a story's parse is kept while its capture is the newest seen
    (a later capture of it is parsed again). Once every file is read, the
    kept parses are stored, oldest capture first. ``profiles``: the sites as
    the job's settings give them (``NEWSARCHIVE_PROFILES``, zone overrides).
    """
    if site is not None:
        profiles[site]  # a clear error for an unknown site
    counts: Counter = Counter()
    store = ReparseStore()
    try:
        newest = (story for story in story_captures(warc_dir, profiles, site, since, counts) if store.claim(story))
        for done, (story, result) in enumerate(parsed(newest, workers, profiles), 1):
            store.keep(story, result)
            if progress is not None:
                progress(done, None, counts)
        total = len(store)
        # Outcomes count once their batch is committed: no line claims a story the archive does not hold.
        staged: Counter = Counter()
        for done, result in enumerate(store.parses(), 1):
            if isinstance(result, str):
                counts[f"rejected/{result}"] += 1
            else:
                staged[archive.stage_article(result)] += 1
                archive.stage_aliases(result.site, result.story_code, [result.url, *result.aliases])
                if archive.largest_pending_batch >= batch_size:
                    archive.flush()
                    counts.update(staged)
                    staged.clear()
            if progress is not None and done < total:
                progress(done, total, counts)
        archive.flush()
        counts.update(staged)
        if progress is not None and total:
            progress(total, total, counts)
    finally:
        store.close()
    counts["stories"] = total
    counts["stored"] = stored(counts)
    return counts


def stored(counts: Counter) -> int:
    """Stories stored so far: a rejected one is found, never stored."""
    return counts["new"] + counts["updated"] + counts["unchanged"]


class ProgressPrinter:
    """A line every ``interval`` seconds and at the end of each phase:
    captures parsed, then stories stored out of the total, with the rate."""

    def __init__(self, write: Callable[[str], None], interval: float = 2.0):
        self.write = write
        self.interval = interval
        self.started = self.last = time.monotonic()
        self.phase_total: int | None = None

    def __call__(self, done: int, total: int | None, counts: Counter) -> None:
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
        rejected = sum(count for key, count in counts.items() if key.startswith("rejected/"))
        self.write(
            f"stored {stored(counts)} of {done}/{total} stories ({rate:.0f}/s): "
            f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged"
            + (f", {rejected} rejected" if rejected else "")
        )
