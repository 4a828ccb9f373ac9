"""Which capture is each story's newest, and its parse, kept on disk.

A folder of captures can hold millions of stories: what a reparse knows of
each (its newest capture so far, then that capture's parse) lives in a
temporary SQLite file, not in memory, and is read back in capture order.
A capture is anything with ``site``, ``story_code``, ``date``, ``file`` and
``offset`` (``reparse.captures.StoryCapture``).
"""

from __future__ import annotations

import pickle
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path


class NewestCaptures:
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

    def claim(self, story) -> bool:
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

    def keep(self, story, parse: bytes) -> None:
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
