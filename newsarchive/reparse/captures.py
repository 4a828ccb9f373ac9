"""Which capture is each story's newest, and its parse, kept on disk.

A folder of captures can hold millions of stories: what a reparse knows of
each (its newest capture so far, then that capture's parse) lives in a
temporary SQLite file, not in memory, and is read back in capture order.
"""

from __future__ import annotations

import pickle
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsarchive.capture.reader import iter_captures
from newsarchive.sites import Profiles
from newsarchive.sites.urls import host


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
    counts: Counter | None = None,
) -> Iterator[StoryCapture]:
    """Every successful capture of a story in the folder, in file order,
    each read by the site ``profiles`` give it."""
    counts = counts if counts is not None else Counter()
    file_stats: dict = {}
    for capture in iter_captures(warc_dir, file_stats):
        counts["captures"] += 1
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
    counts["truncated_files"] += file_stats.get("truncated_files", 0)


class ReparseStore:
    """The newest capture of each story seen so far and its parse, in a
    temporary file removed by :meth:`close`."""

    def __init__(self):
        self._folder = tempfile.TemporaryDirectory(prefix="newsarchive-reparse-")
        self.db = sqlite3.connect(Path(self._folder.name) / "reparse.db")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute(
            "CREATE TABLE newest (site TEXT, story_code TEXT, date TEXT, file TEXT, offset INTEGER, parse BLOB,"
            " PRIMARY KEY (site, story_code)) WITHOUT ROWID"
        )

    def claim(self, story: StoryCapture) -> bool:
        """Record the capture as its story's newest, unless one as new was
        seen before (the later one in the folder wins a tie)."""
        key = [story.site, story.story_code]
        row = self.db.execute("SELECT date FROM newest WHERE site = ? AND story_code = ?", key).fetchone()
        if row is not None and row[0] > story.date:
            return False
        self.db.execute(
            "INSERT OR REPLACE INTO newest VALUES (?, ?, ?, ?, ?, NULL)",
            [*key, story.date, story.file, story.offset],
        )
        return True

    def keep(self, story: StoryCapture, parse: bytes) -> None:
        """A capture's (pickled) parse, kept if the capture is still its story's newest."""
        self.db.execute(
            "UPDATE newest SET parse = ? WHERE site = ? AND story_code = ? AND file = ? AND offset = ?",
            [parse, story.site, story.story_code, story.file, story.offset],
        )

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM newest").fetchone()[0]

    def parses(self) -> Iterator:
        """Each story's parse, oldest capture first."""
        self.db.execute("CREATE INDEX in_capture_order ON newest (date, file, offset)")
        for (blob,) in self.db.execute("SELECT parse FROM newest ORDER BY date, file, offset"):
            yield pickle.loads(blob)

    def close(self) -> None:
        self.db.close()
        self._folder.cleanup()
