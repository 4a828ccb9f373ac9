"""Helpers the tests share."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter

from newsarchive.archive import queries
from newsarchive.archive.schema import ARTICLE_COLUMNS, JSON_FIELDS

JSON_COLUMNS = tuple(c for c in JSON_FIELDS if c in ARTICLE_COLUMNS)
#: A fixture story whose text the scheduled-runs tests edit between runs.
EDITED_URL = "https://www.islamtimes.com/en/news/1023425/biden-administration-privately-asks-us-banks-to-keep-working-with-russia"
OLD_SENTENCE = "The report said the approach aims to avoid disruptions to global supplies while keeping the sanctions regime in place."
NEW_SENTENCE = "The report was later corrected: the approach covers food and fertilizer payments only."


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


def stored_rows(db) -> dict[str, dict]:
    """The archive's stories by story code, JSON columns decoded."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = {}
    for row in conn.execute("SELECT * FROM articles"):
        row = dict(row)
        for column in JSON_COLUMNS:
            row[column] = json.loads(row[column]) if row[column] is not None else None
        rows[row["story_code"]] = row
    conn.close()
    return rows


def query(db, sql, *params):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def start_urls(server) -> str:
    """The ``start_urls`` argument of the Islam Times fixtures served by ``server``."""
    return "start_urls=" + ",".join(server.origin + p for p in ("/en/rss/allnews", "/en/archive", "/ur/rss/allnews"))


def newsarchive(cwd, *args: str) -> subprocess.CompletedProcess:
    """The ``newsarchive`` command, run in ``cwd`` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "newsarchive.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=180)
