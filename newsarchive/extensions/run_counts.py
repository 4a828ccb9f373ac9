"""What a run did, counted page by page (kept by the run report)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class RunCounts:
    """What a run did, page by page."""

    #: field -> source -> stories whose field came from it (``none``: no source had it).
    sources: dict[str, Counter] = field(default_factory=dict)
    #: Pages that did not become stories, by reason.
    dropped: Counter = field(default_factory=Counter)
    #: Committed stories by :class:`~newsarchive.items.Outcome`.
    outcomes: Counter = field(default_factory=Counter)
    #: Stories met twice in the run (the second kept as an alias).
    duplicates: int = 0

    @property
    def stories(self) -> int:
        """Pages that became stories (each has a story code)."""
        return sum(self.sources.get("story_code", Counter()).values())

    @property
    def stored(self) -> int:
        return sum(self.outcomes.values())

    def dropped_by_reason(self) -> dict[str, int]:
        """Dropped pages per reason, duplicates of the run included, as the ledger keeps them."""
        dropped = {str(reason): count for reason, count in self.dropped.items()}
        if self.duplicates:
            dropped["duplicate_in_run"] = self.duplicates
        return dropped
