"""Helpers the tests share."""

from __future__ import annotations

from collections import Counter


class StatsOf:
    """Extraction's counts read as a crawl's stats (``newsarchive/<key>``),
    as the spider adds them."""

    def __init__(self):
        self.counts: Counter = Counter()

    def get_value(self, key: str, default=None):
        return self.counts.get(key.removeprefix("newsarchive/"), default)

    def get_stats(self) -> dict:
        return {f"newsarchive/{key}": value for key, value in self.counts.items()}
