"""The "already archived?" decision: should a story met during discovery be
fetched, fetched again to catch edits, or skipped?

One component, configured by ``NEWSARCHIVE_KNOWN_STORIES`` (a class path),
so that another store than the local archive (a state shared by distributed
workers) can answer the same questions. A store offers
``story_state(site, story_code) -> StoryState``, ``has_alias(url)`` and
``story_for_url(site, url)`` (and, where crawls capture stories' images,
``has_asset(url)``).
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta, timezone

from scrapy.utils.misc import build_from_crawler, load_object

from newsarchive import config
from newsarchive.archive import StoryState
from newsarchive.archive.component import CrawlArchive
from newsarchive.items import DropReason

#: Drops that will not change by fetching again: later runs skip the story.
DEFAULT_RECHECK_DAYS = 2


class Verdict(enum.Enum):
    NEW = "new"
    RECHECK = "recheck"
    ARCHIVED = "archived"
    DROPPED = "dropped"


class KnownStories:
    """Decides from what the archive knows of a story, and of a URL."""

    def __init__(self, store, recheck: timedelta = timedelta(days=DEFAULT_RECHECK_DAYS), now: datetime | None = None):
        #: The store, or a function that opens it on first use.
        self._store = store
        self.recheck = recheck
        self.started = now or datetime.now(timezone.utc)

    @classmethod
    def from_crawler(cls, crawler, recheck: timedelta = timedelta(days=DEFAULT_RECHECK_DAYS)):
        # Opened on first use: the run ledger takes the archive lock first,
        # and refuses a busy archive with its own message.
        return cls(lambda: CrawlArchive.of(crawler), recheck)

    @property
    def store(self):
        if callable(self._store):
            self._store = self._store()
        return self._store

    def verdict(self, site: str, story_code: str) -> Verdict:
        state: StoryState = self.store.story_state(site, story_code)
        if state.archived:
            return Verdict.RECHECK if self.due_for_recheck(state) else Verdict.ARCHIVED
        reason = DropReason.of(state.dropped_reason)
        if reason is not None and reason.permanent:
            return Verdict.DROPPED
        return Verdict.NEW

    def story_for_url(self, site: str, url: str) -> str | None:
        """The story a URL led to before, for sites whose URLs do not carry
        the story code (the page states it)."""
        return self.store.story_for_url(site, url)

    def knows_url(self, url: str, site: str | None = None) -> bool:
        """The URL is already recorded as leading to its story."""
        return self.store.has_alias(url)

    def knows_asset(self, url: str) -> bool:
        """A story's image is captured already: it is fetched once, not at each recheck."""
        return self.store.has_asset(url)

    def met_elsewhere(self, site: str, story_code: str) -> str | None:
        """The URL by which another crawl of the same run (a worker of a
        shared crawl) met the story first; None when none did."""
        return None

    def due_for_recheck(self, state: StoryState) -> bool:
        """Published (or first seen) within the recheck window: edits may still come."""
        stamp = state.published or state.first_seen
        if not stamp:
            return True
        try:
            moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            return True
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return self.started - moment <= self.recheck


def known_stories(crawler, recheck: timedelta) -> KnownStories:
    """The crawl's component, of the class ``NEWSARCHIVE_KNOWN_STORIES`` names."""
    cls = load_object(config.of(crawler).known_stories or KnownStories)
    return build_from_crawler(cls, crawler, recheck=recheck)
