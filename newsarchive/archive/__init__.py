"""The SQLite archive: schema, batched writes and the queries others need.

Only this module writes SQL. Tables:

``articles``
    one row per story, primary key (``site``, ``story_code``), a column per
    :class:`~newsarchive.items.ArticleItem` field (lists and dicts as JSON)
    except ``aliases``;
``aliases``
    every URL a story was reached by (its canonical URL included) -> story;
``articles_fts``
    FTS5 index over title, lead and body, kept in sync by triggers.

Writes are staged in memory and flushed as one ``BEGIN IMMEDIATE``
transaction, so a killed process loses at most the unflushed batch and never
leaves a half-written one (WAL mode).
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import sqlite_utils
from itemadapter import ItemAdapter

from newsarchive.items import ArticleItem

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
ARTICLES = "articles"
ALIASES = "aliases"
FTS_COLUMNS = ("title", "lead", "body")
#: Item fields that are not ``articles`` columns.
NOT_COLUMNS = frozenset({"aliases"})


def _column_type(field: dataclasses.Field) -> type:
    return int if field.type in ("int", int) else str


ARTICLE_COLUMNS: dict[str, type] = {
    f.name: _column_type(f) for f in dataclasses.fields(ArticleItem) if f.name not in NOT_COLUMNS
}


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class Archive:
    """One archive file, one writer."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(str(path))
        self.db.execute("PRAGMA busy_timeout = 10000")
        self.db.enable_wal()
        # WAL + NORMAL survives a killed process without corruption.
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.ensure_schema()
        self._articles: dict[tuple[str, str], dict[str, Any]] = {}
        self._aliases: dict[str, dict[str, Any]] = {}

    # -- schema -------------------------------------------------------------

    def ensure_schema(self) -> None:
        with self.db.atomic():
            articles = self.db[ARTICLES]
            if not articles.exists():
                articles.create(ARTICLE_COLUMNS, pk=("site", "story_code"), not_null={"site", "story_code"})
            else:
                for name, kind in ARTICLE_COLUMNS.items():
                    if name not in articles.columns_dict:
                        articles.add_column(name, kind)
            aliases = self.db[ALIASES]
            if not aliases.exists():
                aliases.create(
                    {"url": str, "site": str, "story_code": str, "first_seen": str},
                    pk="url",
                    not_null={"site", "story_code"},
                )
                aliases.create_index(["site", "story_code"])
            if not articles.detect_fts():
                articles.enable_fts(list(FTS_COLUMNS), create_triggers=True)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- reads --------------------------------------------------------------

    def has_story(self, site: str, story_code: str) -> bool:
        row = self.db.execute(
            f"SELECT 1 FROM {ARTICLES} WHERE site = ? AND story_code = ?", [site, story_code]
        ).fetchone()
        return row is not None

    def search(self, query: str, limit: int = 20) -> list[dict]:
        return list(self.db[ARTICLES].search(query, limit=limit))

    # -- writes -------------------------------------------------------------

    @staticmethod
    def article_row(item: ArticleItem) -> dict[str, Any]:
        data = ItemAdapter(item).asdict()
        return {name: data.get(name) for name in ARTICLE_COLUMNS}

    def stage_article(self, item: ArticleItem) -> None:
        row = self.article_row(item)
        self._articles[(row["site"], row["story_code"])] = row

    def stage_aliases(self, site: str, story_code: str, urls) -> None:
        seen = utc_now()
        for url in urls:
            if url and url not in self._aliases:
                self._aliases[url] = {"url": url, "site": site, "story_code": story_code, "first_seen": seen}

    @property
    def pending(self) -> int:
        """Rows staged and not yet written."""
        return len(self._articles) + len(self._aliases)

    @property
    def largest_pending_batch(self) -> int:
        return max(len(self._articles), len(self._aliases))

    def flush(self) -> int:
        """Write everything staged in one transaction; return the rows written."""
        if not self.pending:
            return 0
        articles, aliases = list(self._articles.values()), list(self._aliases.values())
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if articles:
                self.db[ARTICLES].upsert_all(articles, pk=("site", "story_code"), batch_size=1000)
            if aliases:
                self.db[ALIASES].insert_all(aliases, pk="url", ignore=True, batch_size=1000)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self._articles.clear()
        self._aliases.clear()
        return len(articles) + len(aliases)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            try:
                self.db.close()
            except sqlite3.Error:  # already closed
                pass


_crawler_archives: WeakKeyDictionary = WeakKeyDictionary()


def archive_for(crawler) -> Archive:
    """The crawl's one archive writer, opened on first use from the
    ``NEWSARCHIVE_DB`` setting and closed when the spider closes (after the
    pipelines have flushed)."""
    archive = _crawler_archives.get(crawler)
    if archive is None:
        from scrapy import signals

        archive = Archive(crawler.settings.get("NEWSARCHIVE_DB") or "archive.db")
        _crawler_archives[crawler] = archive
        crawler.signals.connect(archive.close, signal=signals.spider_closed)
    return archive
