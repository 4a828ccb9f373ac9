"""The story captures in a folder of WARC files, each named by the site it
belongs to (what a reparse knows of each is kept on disk by
``archive.scratch.NewestCaptures``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsarchive.capture.reader import iter_captures
from newsarchive.sites import Profiles
from newsarchive.sites.urls import host


@dataclass
class StoredCounts:
    """What parsing captures into the archive did."""

    #: Committed stories (or copies of them) by :class:`~newsarchive.items.Outcome`.
    outcomes: Counter = field(default_factory=Counter)
    #: Captures the parser rejected, by reason.
    rejected: Counter = field(default_factory=Counter)

    @property
    def stored(self) -> int:
        """Stored so far: a rejected capture is read, never stored."""
        return sum(self.outcomes.values())


@dataclass
class ReparseCounts(StoredCounts):
    """What a reparse did."""

    #: Records read from the WARC files, and files cut short (read up to the cut).
    captures: int = 0
    truncated_files: int = 0
    #: Stories found (each once, by its newest capture).
    stories: int = 0


@dataclass(frozen=True)
class StoryCapture:
    """Where a capture of a story is: all a parser process needs."""

    site: str
    story_code: str
    site_url: str
    file: str
    offset: int
    date: str


def story_captures(
    warc_dir: str | Path, profiles: Profiles, site: str | None = None, since: str | None = None,
    counts: ReparseCounts | None = None,
) -> Iterator[StoryCapture]:
    """Every successful capture of a story in the folder, in file order,
    each read by the site ``profiles`` give it."""
    counts = counts if counts is not None else ReparseCounts()
    file_stats: dict = {}
    for capture in iter_captures(warc_dir, file_stats):
        counts.captures += 1
        if capture.status != 200 or (since and capture.date < since):
            continue
        name = capture.info.get("site")
        for candidate in [profiles.named(name)] if name else list(profiles.values()):
            site_url = candidate.site_url(capture.url, capture.info.get("fetch_origin"))
            if not candidate.is_site_host(host(site_url)):
                continue
            code = candidate.story_code(site_url)  # as the spiders key it
            if code:
                if not site or candidate.name == site:
                    yield StoryCapture(candidate.name, code, site_url, str(capture.file), capture.offset, capture.date)
                break
    counts.truncated_files += file_stats.get("truncated_files", 0)
