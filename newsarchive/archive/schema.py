"""Tables of the archive, created or completed when an archive is opened.

``articles``
    one row per story, primary key (``site``, ``story_code``): a column per
    :class:`~newsarchive.items.ArticleItem` field except ``aliases`` (lists
    and dicts as JSON), plus ``first_seen``, ``last_seen`` and ``gone_at``
    (a story the site no longer serves is marked, never deleted);
``aliases``
    every URL a story was reached by (its canonical URL included) -> story;
``revisions``
    the previous values of a story's tracked fields each time a copy of it
    (a refetch, an imported or archived capture) read differently from the
    one before it in time, with where the replaced version came from (a
    story's versions are in the order they were seen, not imported:
    ``history``);
``dropped``
    pages that did not become a story, with the reason and when;
``runs``
    the run ledger: one row per crawl (and per import, reparse-like job);
``imported_files``
    each WARC file an import read to its end, so that a rerun of the same
    listing skips it;
``assets``
    the files a story's page shows (its lead image) that the crawl fetched
    and kept in its WARC captures, where each is;
``web_captures``, ``web_archive_listings``
    each web archive capture a backfill listed (and, once fetched, what came
    of it), and how far each of its index listings got, committed together:
    a rerun fetches what is listed and not fetched and goes on listing, a
    later backfill asks only for captures after the last one listed;
``story_counts``
    stories per site and day of publication (``''`` for undated ones), kept
    in the transaction that changes ``articles`` (new rows counted by the
    writer per batch, like the search index; triggers move a story whose
    date changes and uncount a deleted one), so that what an archive holds
    is known without reading it (filled from ``articles`` when an older
    archive is first opened for writing);
``stories`` (a view)
    the columns a reader scans a list of stories by (published, site,
    section, title, code, language) and ``id``, the row's key in the
    search index, so that the list is searchable without showing bodies;
``articles_fts``
    FTS5 index over title, lead and body (external content: the text lives
    in ``articles`` only). New rows are indexed by the archive writer in one
    statement per batch (:func:`index_new_articles`), in the transaction
    that stores them; a trigger re-indexes a row whose title, lead or body
    changes, another removes a deleted row.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import sqlite_utils

from newsarchive.archive.identity import APPLICATION_ID
from newsarchive.items import ArticleItem

SCHEMA_VERSION = 10

ARTICLES = "articles"
ALIASES = "aliases"
REVISIONS = "revisions"
DROPPED = "dropped"
RUNS = "runs"
IMPORTED_FILES = "imported_files"
WEB_CAPTURES = "web_captures"
WEB_LISTINGS = "web_archive_listings"
ASSETS = "assets"
STORY_COUNTS = "story_counts"
STORIES = "stories"
FTS = f"{ARTICLES}_fts"
FTS_COLUMNS = ("title", "lead", "body")
#: The covering index of discovery's "already archived?" lookup.
STATE_INDEX = "idx_articles_site_story_code_published_first_seen"

#: Item fields that are not ``articles`` columns.
NOT_COLUMNS = frozenset({"aliases"})
#: A change in one of these makes a revision.
REVISION_FIELDS = ("title", "lead", "body", "tags", "authors", "published", "modified")
#: Columns holding JSON.
JSON_FIELDS = frozenset(
    f.name for f in dataclasses.fields(ArticleItem) if f.type.startswith(("list", "dict"))
)


def decode_column(column: str, value: Any) -> Any:
    """A stored value as the item had it: JSON columns back to lists and dicts."""
    if column in JSON_FIELDS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _column_type(field: dataclasses.Field) -> type:
    return int if str(field.type).split(" ")[0] == "int" else str


ARTICLE_COLUMNS: dict[str, type] = {
    f.name: _column_type(f) for f in dataclasses.fields(ArticleItem) if f.name not in NOT_COLUMNS
}
#: Kept by the archive: when a story was first and last fetched, and since
#: when the site answers that it is gone (404, 410, a redirect away).
ARCHIVE_COLUMNS: dict[str, type] = {"first_seen": str, "last_seen": str, "gone_at": str}

TABLES: dict[str, dict] = {
    ARTICLES: {
        "columns": {**ARTICLE_COLUMNS, **ARCHIVE_COLUMNS},
        "pk": ("site", "story_code"),
        "not_null": {"site", "story_code"},
        "indexes": [
            ["published"],
            # `show CODE` without a site.
            ["story_code"],
            # A site's stories in date order (export --site, per-day counts), ties in code order.
            ["site", "published", "story_code"],
            # Discovery's "already archived?" lookup reads these two columns
            # from the index alone, never the row (whose body comes first).
            ["site", "story_code", "published", "first_seen"],
            # The stories a site no longer serves (stats, the deleted list).
            ["site", "gone_at"],
        ],
    },
    ALIASES: {
        "columns": {"url": str, "site": str, "story_code": str, "first_seen": str},
        "pk": "url",
        "not_null": {"site", "story_code"},
        "indexes": [["site", "story_code"]],
    },
    REVISIONS: {
        "columns": {
            "id": int,
            "site": str,
            "story_code": str,
            "fetched_at": str,
            "changed": str,
            "previous": str,
            #: Where the replaced version came from (``history.PROVENANCE``), as JSON.
            "previous_provenance": str,
        },
        "pk": "id",
        "not_null": {"site", "story_code"},
        "indexes": [["site", "story_code"]],
    },
    DROPPED: {
        "columns": {
            "url": str,
            "site": str,
            "story_code": str,
            "reason": str,
            "detail": str,
            "first_seen": str,
            "last_seen": str,
            "attempts": int,
        },
        "pk": "url",
        "not_null": {"reason"},
        "indexes": [["site", "story_code"]],
    },
    RUNS: {
        "columns": {
            "id": int,
            "spider": str,
            "site": str,
            "arguments": str,
            "started_at": str,
            "finished_at": str,
            "finish_reason": str,
            "requests": int,
            "responses_by_status": str,
            "items_new": int,
            "items_updated": int,
            "items_unchanged": int,
            "dropped_by_reason": str,
            "errors": int,
            "stats": str,
            "drift": str,
            "drifted": int,
            #: host:pid of the process that ran it (workers of a shared crawl start together)
            "worker": str,
        },
        "pk": "id",
        "not_null": set(),
        "indexes": [["started_at"]],
    },
    IMPORTED_FILES: {
        "columns": {
            #: The file as given or listed (a path, a URL, a listing's path).
            "name": str,
            "run_id": int,
            "finished_at": str,
            "records": int,
            "stored": int,
            #: Records left out, by reason (JSON).
            "skipped": str,
            #: Where a cut-short or corrupt file ended, if it did.
            "cut": str,
        },
        "pk": "name",
        "not_null": set(),
        "indexes": [],
    },
    WEB_CAPTURES: {
        "columns": {
            #: Where the capture's bytes are (the Wayback's raw form, a Common Crawl file and offset).
            "address": str,
            "site": str,
            "story_code": str,
            #: ``wayback`` or ``commoncrawl``.
            "source": str,
            #: The capture's time, ISO 8601 UTC.
            "captured_at": str,
            #: The URL captured, and a Common Crawl record's place in its file.
            "url": str,
            "filename": str,
            "record_offset": int,
            "record_length": int,
            #: Null while listed and not fetched; then what storing it did
            #: (``new``, ``updated``, ``unchanged``) or why it was not stored.
            "outcome": str,
            "fetched_at": str,
        },
        "pk": "address",
        "not_null": set(),
        "indexes": [["site", "source", "outcome", "captured_at"]],
    },
    ASSETS: {
        "columns": {
            "url": str,
            "site": str,
            "story_code": str,
            "content_type": str,
            "capture_file": str,
            "capture_offset": int,
            "fetched_at": str,
        },
        "pk": "url",
        "not_null": set(),
        "indexes": [["site", "story_code"]],
    },
    WEB_LISTINGS: {
        "columns": {
            "site": str,
            "source": str,
            #: What was listed: a path prefix (and, of Common Crawl, its crawl).
            "query": str,
            #: Where the listing goes on (a resume key, a page), until it is done.
            "resume": str,
            "done": int,
            "updated_at": str,
        },
        "pk": ("site", "source", "query"),
        "not_null": set(),
        "indexes": [],
    },
}


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create what is missing; add columns a newer version expects. Never
    drops or rewrites data. An archive already at this version is left
    alone: writers of several sites open it at once, and none needs to
    write to it before its first batch."""
    if _complete(db):
        return
    # The write lock first, then the look at what exists: a writer of
    # another site making the same new archive at the same moment is waited
    # for (busy_timeout), never met halfway (in WAL, a transaction that read
    # before another wrote cannot write: "database is locked" at once).
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        if not _complete(db):
            _create(db)
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def _create(db: sqlite_utils.Database) -> None:
    with db.atomic():
        for name, spec in TABLES.items():
            table = db[name]
            if not table.exists():
                table.create(spec["columns"], pk=spec["pk"], not_null=spec["not_null"])
            else:
                for column, kind in spec["columns"].items():
                    if column not in table.columns_dict:
                        table.add_column(column, kind)
            for columns in spec["indexes"]:
                table.create_index(columns, if_not_exists=True)
        _ensure_search_index(db)
        _ensure_story_counts(db)
        db.execute(
            f"CREATE VIEW IF NOT EXISTS [{STORIES}] AS SELECT published, site, section, title, story_code, language,"
            f" rowid AS id FROM [{ARTICLES}]"
        )
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _complete(db: sqlite_utils.Database) -> bool:
    """The archive is at this version with every table and column (a read)."""
    if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        return False
    present = set(db.table_names()) | set(db.view_names())
    if not {*TABLES, STORY_COUNTS, STORIES, FTS} <= present:
        return False
    return all(set(spec["columns"]) <= set(db[name].columns_dict) for name, spec in TABLES.items())


_OLD = ", ".join(f"old.[{c}]" for c in FTS_COLUMNS)
_NEW = ", ".join(f"new.[{c}]" for c in FTS_COLUMNS)
_INDEXED = ", ".join(f"[{c}]" for c in FTS_COLUMNS)
#: Only an edit of indexed text re-indexes a row: a refetch that moves
#: ``last_seen`` or ``gone_at`` leaves the index alone.
_TEXT_EDITED_TRIGGER = f"""
CREATE TRIGGER IF NOT EXISTS [{ARTICLES}_text_edited] AFTER UPDATE OF {_INDEXED} ON [{ARTICLES}] BEGIN
  INSERT INTO [{FTS}] ([{FTS}], rowid, {_INDEXED}) VALUES('delete', old.rowid, {_OLD});
  INSERT INTO [{FTS}] (rowid, {_INDEXED}) VALUES (new.rowid, {_NEW});
END
"""


def _ensure_search_index(db: sqlite_utils.Database) -> None:
    if not db[ARTICLES].detect_fts():
        # sqlite-utils' triggers: an external-content table, and a delete trigger we keep.
        db[ARTICLES].enable_fts(list(FTS_COLUMNS), create_triggers=True)
    # A trigger per inserted row costs three times what indexing the batch
    # in one statement does; sqlite-utils' update trigger re-indexes on any
    # column. Archives made before schema 5 have both.
    db.execute(f"DROP TRIGGER IF EXISTS [{ARTICLES}_ai]")
    db.execute(f"DROP TRIGGER IF EXISTS [{ARTICLES}_au]")
    db.execute(_TEXT_EDITED_TRIGGER)


def index_new_articles(conn, after_rowid: int) -> None:
    """Add the articles stored after ``after_rowid`` (rowids only grow) to
    the search index. Call in the transaction that inserted them."""
    conn.execute(
        f"INSERT INTO [{FTS}] (rowid, {_INDEXED}) SELECT rowid, {_INDEXED} FROM [{ARTICLES}] WHERE rowid > ?",
        [after_rowid],
    )


def last_article_rowid(conn) -> int:
    return conn.execute(f"SELECT coalesce(max(rowid), 0) FROM [{ARTICLES}]").fetchone()[0]


_DAY = "coalesce(substr({row}.published, 1, 10), '')"
_COUNT = (
    f"INSERT INTO [{STORY_COUNTS}] (site, day, stories) VALUES (new.site, {_DAY.format(row='new')}, 1)"
    " ON CONFLICT(site, day) DO UPDATE SET stories = stories + 1;"
)
_UNCOUNT = (
    f"UPDATE [{STORY_COUNTS}] SET stories = stories - 1"
    f" WHERE site = old.site AND day = {_DAY.format(row='old')};"
)
_COUNT_TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS [{ARTICLES}_uncounted] AFTER DELETE ON [{ARTICLES}] BEGIN {_UNCOUNT} END",
    f"CREATE TRIGGER IF NOT EXISTS [{ARTICLES}_recounted] AFTER UPDATE OF site, published ON [{ARTICLES}]"
    f" WHEN old.site IS NOT new.site OR {_DAY.format(row='old')} IS NOT {_DAY.format(row='new')}"
    f" BEGIN {_UNCOUNT} {_COUNT} END",
)


def count_new_articles(conn, after_rowid: int) -> None:
    """Count the articles stored after ``after_rowid`` in ``story_counts``.
    Call in the transaction that inserted them: one statement a batch costs
    less than a trigger a row."""
    conn.execute(
        f"INSERT INTO [{STORY_COUNTS}] (site, day, stories)"
        f" SELECT site, {_DAY.format(row=ARTICLES)}, count(*) FROM [{ARTICLES}] WHERE rowid > ? GROUP BY 1, 2 ORDER BY 1, 2"
        " ON CONFLICT (site, day) DO UPDATE SET stories = stories + excluded.stories",
        [after_rowid],
    )


def _ensure_story_counts(db: sqlite_utils.Database) -> None:
    """The per-site, per-day counts and the triggers that keep them; an
    archive made before them has its counts computed once, here."""
    if not db[STORY_COUNTS].exists():
        _create_story_counts(db)
    for trigger in _COUNT_TRIGGERS:
        db.execute(trigger)


def _create_story_counts(db: sqlite_utils.Database) -> None:
    db.execute(
        f"CREATE TABLE [{STORY_COUNTS}] (site TEXT NOT NULL, day TEXT NOT NULL, stories INTEGER NOT NULL,"
        " PRIMARY KEY (site, day)) WITHOUT ROWID"
    )
    db.execute(
        f"INSERT INTO [{STORY_COUNTS}] (site, day, stories)"
        f" SELECT site, {_DAY.format(row=ARTICLES)}, count(*) FROM [{ARTICLES}] GROUP BY 1, 2"
    )
