"""Rebuild or update the archive from WARC captures, with no network.

Today's parsers and the item pipelines (dates, sidebar) run over the newest
capture of each story; the archive stores the result as for a crawl: a new
story, an update (with a revision keeping the previous values) or unchanged.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsarchive.archive import Archive
from newsarchive.capture.reader import Capture, iter_captures
from newsarchive.pipelines.dates import NormalizeDatesPipeline
from newsarchive.pipelines.sidebar import StripSidebarPipeline
from newsarchive.sites import SITES, generic_site, get_site, resolve_site
from newsarchive.sites.base import Site, host
from newsarchive.sites.page import Page, PageRejected

logger = logging.getLogger(__name__)


def known_site(name: str) -> Site:
    """The site a capture names: a profile, or a site without one (named by its host)."""
    try:
        return resolve_site(name)
    except ValueError:
        return generic_site(f"https://{name}")


@dataclass(frozen=True)
class StoryCapture:
    site: Site
    story_code: str
    site_url: str
    capture: Capture


def story_captures(
    warc_dir: str | Path, site: str | None = None, since: str | None = None, counts: Counter | None = None
) -> list[StoryCapture]:
    """The newest successful capture of each story, oldest first."""
    counts = counts if counts is not None else Counter()
    newest: dict[tuple[str, str], StoryCapture] = {}
    file_stats: dict = {}
    for capture in iter_captures(warc_dir, file_stats):
        counts["captures"] += 1
        if capture.status != 200:
            continue
        name = capture.info.get("site")
        candidates = [known_site(name)] if name else list(SITES.values())
        for candidate in candidates:
            site_url = candidate.site_url(capture.url, capture.info.get("fetch_origin"))
            if not candidate.is_site_host(host(site_url)):
                continue
            code = candidate.story_code(site_url)  # as the spiders key it
            if code:
                break
        else:
            continue
        if site and candidate.name != site:
            continue
        if since and capture.date < since:
            continue
        key = (candidate.name, code)
        if key not in newest or capture.date >= newest[key].capture.date:
            newest[key] = StoryCapture(candidate, code, site_url, capture)
    counts["truncated_files"] += file_stats.get("truncated_files", 0)
    return sorted(newest.values(), key=lambda s: (s.capture.date, str(s.capture.file), s.capture.offset))


def reparse(
    archive: Archive,
    warc_dir: str | Path,
    site: str | None = None,
    since: str | None = None,
    batch_size: int = 1000,
    progress: Callable[[int, int, Counter], None] | None = None,
) -> Counter:
    """Parse the newest capture of every story again into ``archive``;
    return counts of what happened (new, updated, unchanged, rejected)."""
    if site is not None:
        get_site(site)  # a clear error for an unknown site
    counts: Counter = Counter()
    stories = story_captures(warc_dir, site, since, counts)
    pipelines = (NormalizeDatesPipeline(), StripSidebarPipeline())
    for done, story in enumerate(stories, 1):
        headers, body = story.capture.read()
        try:
            page = Page.from_http(story.site_url, headers, body, story.site.fallback_encodings)
            item = story.site.parse(page)
        except PageRejected as rejected:
            counts[f"rejected/{rejected.reason}"] += 1
        else:
            item.fetched_at = story.capture.date
            item.capture_file = story.capture.file.name
            item.capture_offset = story.capture.offset
            item.aliases = [story.site_url] if story.site_url != item.url else []
            for pipeline in pipelines:
                item = pipeline.process_item(item)
            counts[archive.stage_article(item)] += 1
            archive.stage_aliases(item.site, item.story_code, [item.url, *item.aliases])
            if archive.largest_pending_batch >= batch_size:
                archive.flush()
        if progress is not None:
            progress(done, len(stories), counts)
    archive.flush()
    counts["stories"] = len(stories)
    return counts


class ProgressPrinter:
    """A line every ``interval`` seconds and at the end: done, total, rate."""

    def __init__(self, write: Callable[[str], None], interval: float = 2.0):
        self.write = write
        self.interval = interval
        self.started = self.last = time.monotonic()

    def __call__(self, done: int, total: int, counts: Counter) -> None:
        now = time.monotonic()
        if now - self.last < self.interval and done != total:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-9)
        self.write(
            f"reparsed {done}/{total} stories ({rate:.0f}/s): "
            f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged"
        )
