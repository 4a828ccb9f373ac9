"""Helpers the tests share."""

from __future__ import annotations

from collections import Counter

from newsarchive.archive import queries


class StatsOf:
    """Extraction's counts read as a crawl's stats (``newsarchive/<key>``),
    as the spider adds them."""

    def __init__(self):
        self.counts: Counter = Counter()

    def get_value(self, key: str, default=None):
        return self.counts.get(key.removeprefix("newsarchive/"), default)

    def get_stats(self) -> dict:
        return {f"newsarchive/{key}": value for key, value in self.counts.items()}


def search_archive(path, query: str) -> list[dict]:
    """The stories ``newsarchive search`` finds, best first."""
    conn = queries.open_readonly(path)
    try:
        return queries.search(conn, query)
    finally:
        conn.close()
