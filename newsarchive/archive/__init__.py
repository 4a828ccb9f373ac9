"""The SQLite archive: schema, batched writes and the queries others need.

Only this package writes SQL (see ``schema`` for the tables). Writes are
staged in memory and flushed as one ``BEGIN IMMEDIATE`` transaction, so a
killed process loses at most the unflushed batch and never leaves a
half-written one (WAL mode). One crawl per site writes an archive at a
time, and crawls of different sites take turns batch by batch (``lock``).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from newsarchive.archive.history import PROVENANCE, History, versions
from newsarchive.archive.identity import NotAnArchive, check_archive_file, opened_here
from newsarchive.archive.lock import ArchiveBusy, ArchiveLock
from newsarchive.archive.schema import (
    ALIASES,
    ARTICLE_COLUMNS,
    ARTICLES,
    ASSETS,
    DROPPED,
    IMPORTED_FILES,
    REVISION_FIELDS,
    REVISIONS,
    RUNS,
    STATE_INDEX,
    TABLES,
    WEB_CAPTURES,
    WEB_LISTINGS,
    count_new_articles,
    decode_column,
    ensure_schema,
    index_new_articles,
    last_article_rowid,
)
from newsarchive.items import ArticleItem, CaptureSource, DropReason, Outcome

__all__ = ["ARTICLE_COLUMNS", "WEB_ARCHIVES", "Archive", "ArchiveBusy", "NotAnArchive", "StorageError", "StoryState",
           "capture_key", "utc_now"]

#: What a read or write of the archive raises when the file cannot serve it
#: (a full disk, an I/O error, a lock held past the busy timeout): callers
#: outside this package catch it without knowing the storage is SQLite.
StorageError = sqlite3.Error

logger = logging.getLogger(__name__)

NEW, UPDATED, UNCHANGED = Outcome.NEW, Outcome.UPDATED, Outcome.UNCHANGED
#: How long a writer waits for another's transaction (SQLite's busy_timeout).
BUSY_TIMEOUT_MS = 10_000

# Built once: json.dumps with options makes an encoder per call.
_encode_json = json.JSONEncoder(ensure_ascii=False).encode


#: Where copies a backfill fetched come from.
WEB_ARCHIVES = frozenset({CaptureSource.WAYBACK.value, CaptureSource.COMMONCRAWL.value})


def capture_key(capture_file: str, capture_offset: int | None) -> str:
    """A web archive capture's key in ``web_captures``: its address, and
    the record's offset in a file that holds many."""
    return capture_file if capture_offset is None else f"{capture_file}@{capture_offset}"


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class StoryState:
    """What the archive knows of a story code."""

    archived: bool
    published: str | None = None
    first_seen: str | None = None
    dropped_reason: str | None = None


class Archive:
    """One archive file. With ``lock``, a writer: of ``site``'s stories
    beside writers of other sites, or with no site of the whole archive
    alone. Raises :class:`ArchiveBusy` before touching the file when the
    lock is held."""

    def __init__(self, path: str | Path, lock: bool = False, site: str | None = None):
        self.path = Path(path)
        # Read-only, before anything (the lock file included) is written.
        check_archive_file(self.path)
        self.lock = ArchiveLock(path, site).acquire() if lock else None
        try:
            self.db = sqlite_utils.Database(str(path))
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _enable_wal(self.db)
            # WAL + NORMAL survives a killed process without corruption.
            self.db.execute("PRAGMA synchronous = NORMAL")
            ensure_schema(self.db)
        except BaseException:
            if self.lock:
                self.lock.release()
            raise
        opened_here(self.path)
        self._new: dict[tuple[str, str], dict[str, Any]] = {}
        self._updated: dict[tuple[str, str], dict[str, Any]] = {}
        self._aliases: dict[str, dict[str, Any]] = {}
        self._revisions: list[dict[str, Any]] = []
        self._seen: dict[tuple[str, str], str] = {}
        self._drops: dict[str, dict[str, Any]] = {}
        self._gone: dict[tuple[str, str], str] = {}
        #: Stories whose versions are rewritten in time order (``history``).
        self._histories: dict[tuple[str, str], History] = {}
        self._imported_files: dict[str, dict[str, Any]] = {}
        self._web_captures: dict[str, dict[str, Any]] = {}
        self._assets: dict[str, dict[str, Any]] = {}
        self._web_listings: dict[tuple[str, str, str], dict[str, Any]] = {}

    # -- reads --------------------------------------------------------------

    def has_story(self, site: str, story_code: str) -> bool:
        row = self.db.execute(
            f"SELECT 1 FROM {ARTICLES} WHERE site = ? AND story_code = ?", [site, story_code]
        ).fetchone()
        return row is not None

    def story(self, site: str, story_code: str) -> dict[str, Any] | None:
        """The stored row of a story, JSON columns decoded."""
        cursor = self.db.execute(
            f"SELECT * FROM {ARTICLES} WHERE site = ? AND story_code = ?", [site, story_code]
        )
        row = cursor.fetchone()
        if row is None:
            return None
        columns = [d[0] for d in cursor.description]
        return {c: decode_column(c, v) for c, v in zip(columns, row)}

    def story_state(self, site: str, story_code: str) -> StoryState:
        # From the covering index: the planner would take the primary key and
        # read the row, whose small columns are stored after the body.
        row = self.db.execute(
            f"SELECT published, first_seen FROM {ARTICLES} INDEXED BY {STATE_INDEX} WHERE site = ? AND story_code = ?",
            [site, story_code],
        ).fetchone()
        if row is not None:
            return StoryState(archived=True, published=row[0], first_seen=row[1])
        drop = self.db.execute(
            f"SELECT reason FROM {DROPPED} WHERE site = ? AND story_code = ? ORDER BY last_seen DESC LIMIT 1",
            [site, story_code],
        ).fetchone()
        return StoryState(archived=False, dropped_reason=drop[0] if drop else None)

    def story_times(self, site: str, story_code: str) -> tuple[str | None, str | None] | None:
        """When the stored version of a story was fetched and when it was last
        seen, or None for a story the archive does not hold."""
        row = self.db.execute(
            f"SELECT fetched_at, last_seen FROM {ARTICLES} WHERE site = ? AND story_code = ?", [site, story_code]
        ).fetchone()
        return (row[0], row[1]) if row else None

    def imported(self, names) -> set[str]:
        """Of these WARC files, those an import read to their end."""
        names = list(names)
        found = set()
        for start in range(0, len(names), 500):
            chunk = names[start:start + 500]
            found.update(row[0] for row in self.db.execute(
                f"SELECT name FROM {IMPORTED_FILES} WHERE name IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    def last_web_capture(self, site: str, source: str) -> str | None:
        """The time of the newest capture of ``site`` listed from ``source``."""
        row = self.db.execute(f"SELECT max(captured_at) FROM {WEB_CAPTURES} WHERE site = ? AND source = ?",
                              [site, source]).fetchone()
        return row[0] if row else None

    def listed_web_captures(self, site: str, sources, limit: int, leave_out=()) -> list[dict[str, Any]]:
        """Captures listed and not fetched yet (committed), oldest first, at
        most ``limit``, without those in ``leave_out`` (addresses)."""
        sources = list(sources)
        rows = self.db.execute(
            f"SELECT address, story_code, source, captured_at, url, filename, record_offset, record_length"
            f" FROM {WEB_CAPTURES} WHERE site = ? AND source IN ({', '.join('?' * len(sources))})"
            f" AND outcome IS NULL ORDER BY captured_at, address LIMIT ?",
            [site, *sources, limit + len(leave_out)])
        names = ("address", "story_code", "source", "captured_at", "url", "filename", "record_offset",
                 "record_length")
        found = [dict(zip(names, row)) for row in rows if row[0] not in leave_out]
        return found[:limit]

    def web_listing(self, site: str, source: str, query: str) -> tuple[str | None, bool]:
        """Where a listing of a web archive's index got: (its resume point, done)."""
        staged = self._web_listings.get((site, source, query))
        if staged is not None:
            return staged["resume"], bool(staged["done"])
        row = self.db.execute(f"SELECT resume, done FROM {WEB_LISTINGS} WHERE site = ? AND source = ? AND query = ?",
                              [site, source, query]).fetchone()
        return (row[0], bool(row[1])) if row else (None, False)

    def drop_last_seen(self, url: str) -> str | None:
        row = self.db.execute(f"SELECT last_seen FROM {DROPPED} WHERE url = ?", [url]).fetchone()
        return row[0] if row else None

    def story_for_url(self, site: str, url: str) -> str | None:
        """The story code a URL of the site led to before (from ``aliases``)."""
        staged = self._aliases.get(url)
        if staged is not None and staged["site"] == site:
            return staged["story_code"]
        row = self.db.execute(f"SELECT story_code FROM {ALIASES} WHERE url = ? AND site = ?", [url, site]).fetchone()
        return row[0] if row else None

    def has_asset(self, url: str) -> bool:
        """A file a story's page shows (its lead image) is captured already."""
        if url in self._assets:
            return True
        return self.db.execute(f"SELECT 1 FROM {ASSETS} WHERE url = ?", [url]).fetchone() is not None

    def has_alias(self, url: str) -> bool:
        if url in self._aliases:
            return True
        return self.db.execute(f"SELECT 1 FROM {ALIASES} WHERE url = ?", [url]).fetchone() is not None

    # -- staging ------------------------------------------------------------

    @staticmethod
    def article_row(item) -> dict[str, Any]:
        if isinstance(item, ArticleItem):
            # Our own dataclass: read the fields, no deep copy (the item is done with).
            return {name: getattr(item, name) for name in ARTICLE_COLUMNS}
        # Imported here: itemadapter imports Scrapy, half a second of every
        # command's start-up, and only items of other types need it.
        from itemadapter import ItemAdapter

        adapter = ItemAdapter(item)
        return {name: adapter.get(name) for name in ARTICLE_COLUMNS}

    def stage_article(self, item: ArticleItem, in_time: bool = True) -> Outcome:
        """Stage a fetched story; return whether it is new, updated (a
        revision is staged with the previous values) or unchanged (only its
        last-seen time moves). A copy older than the story's last sighting
        is placed among its versions by time; one that is a new reading of
        a stored capture (``in_time`` False: reparse) is compared with the
        current row, as today's extraction of it. A copy from a web archive
        is recorded as fetched, with what came of it."""
        row = self.article_row(item)
        outcome = self._stage_copy(row, in_time)
        if row.get("source") in WEB_ARCHIVES and row.get("capture_file"):
            self.stage_web_capture(capture_key(row["capture_file"], row.get("capture_offset")), row["site"],
                                   row["story_code"], row["source"], row.get("fetched_at"), outcome)
        return outcome

    def _stage_copy(self, row: dict[str, Any], in_time: bool) -> Outcome:
        key = (row["site"], row["story_code"])
        seen = row.get("fetched_at") or utc_now()
        if key in self._histories:
            return self._histories[key].observe(row, seen)
        staged = self._new.get(key) or self._updated.get(key)
        previous = staged or (self.story(*key) if self.has_story(*key) else None)
        if in_time and previous is not None and seen < max(previous.get("last_seen") or "", self._seen.get(key) or ""):
            # A copy from before the story was last seen (a web archive's):
            # placed among its versions by time.
            return self._stage_in_history(key, row, seen)
        if previous is None:
            self._new[key] = {**row, "first_seen": seen, "last_seen": seen}
            return NEW
        changed = [f for f in REVISION_FIELDS if decode_column(f, previous.get(f)) != row.get(f)]
        if not changed:
            if staged is not None:
                staged["last_seen"] = seen
                staged["gone_at"] = None
            elif previous.get("url") != row["url"]:
                # The story moved (a slug edit): its row follows it, with
                # no revision, since its text did not change.
                self._updated[key] = {**row, "first_seen": seen, "last_seen": seen, "gone_at": None}
            else:
                self._seen[key] = seen
            return UNCHANGED
        self._revisions.append(
            {
                "site": key[0],
                "story_code": key[1],
                "fetched_at": seen,
                "changed": changed,
                "previous": {f: decode_column(f, previous.get(f)) for f in changed},
                "previous_provenance": {**{name: previous.get(name) for name in PROVENANCE},
                                        "last_seen": max(previous.get("last_seen") or "", self._seen.get(key) or "")
                                        or None},
            }
        )
        if key in self._new:
            self._new[key] = {**self._new[key], **row, "last_seen": seen}
        else:
            self._updated[key] = {**row, "first_seen": seen, "last_seen": seen, "gone_at": None}
        self._seen.pop(key, None)
        return UPDATED

    def _stage_in_history(self, key: tuple[str, str], row: dict[str, Any], seen: str) -> Outcome:
        """Stage an observation older than the story's last sighting into
        its history (``history``): built once a batch from what is stored
        and what is staged for the story, and written whole at the flush."""
        in_db = self.has_story(*key)
        story = self.story(*key) if in_db else {}
        revisions = [
            {"fetched_at": fetched_at, "previous": json.loads(previous),
             "previous_provenance": json.loads(provenance) if provenance else None}
            for fetched_at, previous, provenance in self.db.execute(
                f"SELECT fetched_at, previous, previous_provenance FROM {REVISIONS}"
                " WHERE site = ? AND story_code = ? ORDER BY id", list(key))
        ] if in_db else []
        # What this batch staged for the story joins what is stored.
        revisions += [r for r in self._revisions if (r["site"], r["story_code"]) == key]
        self._revisions = [r for r in self._revisions if (r["site"], r["story_code"]) != key]
        staged = self._new.pop(key, None) or self._updated.pop(key, None)
        refetched = self._seen.pop(key, None)
        if staged is not None:
            story = {**story, **staged, "first_seen": story.get("first_seen") or staged["first_seen"]}
        if refetched:
            story["last_seen"] = max(story.get("last_seen") or "", refetched)
        history = History(versions(story, revisions), seen_again=staged is not None or refetched is not None)
        self._histories[key] = history
        return history.observe(row, seen)

    def stage_aliases(self, site: str, story_code: str, urls) -> None:
        seen = utc_now()
        for url in urls:
            if url and url not in self._aliases:
                self._aliases[url] = {"url": url, "site": site, "story_code": story_code, "first_seen": seen}

    def stage_drop(self, site: str | None, story_code: str | None, url: str, reason: str, detail: str = "",
                   seen: str | None = None) -> None:
        """Record why a page did not become a story (``seen``: when, default
        now). A story the site says is gone stays in the archive, marked
        with when."""
        seen = seen or utc_now()
        if reason == DropReason.GONE and site and story_code:
            self.stage_gone(site, story_code, seen)
        self._drops[url] = {
            "url": url,
            "site": site,
            "story_code": story_code,
            "reason": reason,
            "detail": detail[:500],
            "seen": seen,
        }

    def stage_gone(self, site: str, story_code: str, when: str) -> None:
        """Mark a stored story as no longer served by its site, since ``when``
        (a story already marked keeps its first date)."""
        self._gone[(site, story_code)] = when

    def stage_web_capture(self, address: str, site: str | None, story_code: str | None, source: str,
                          captured_at: str | None, outcome: str | None, url: str | None = None,
                          filename: str | None = None, offset: int | None = None, length: int | None = None) -> None:
        """Record a web archive capture, with the batch: listed (``outcome``
        None: a capture already recorded is left as it is), or fetched and
        what came of it."""
        staged = self._web_captures.get(address)
        row = {"address": address, "site": site, "story_code": story_code, "source": source,
               "captured_at": captured_at, "url": url, "filename": filename, "record_offset": offset,
               "record_length": length, "outcome": outcome, "fetched_at": utc_now() if outcome else None}
        if staged is not None and outcome is not None:
            row = {**staged, "outcome": outcome, "fetched_at": row["fetched_at"]}
        if staged is None or outcome is not None:
            self._web_captures[address] = row

    def stage_asset(self, asset, fetched_at: str | None = None) -> None:
        """Record where a file a story's page shows was captured (``fetched_at``: when, if not now), with the batch."""
        self._assets[asset.url] = {"url": asset.url, "site": asset.site, "story_code": asset.story_code,
                                   "content_type": asset.content_type, "capture_file": asset.capture_file,
                                   "capture_offset": asset.capture_offset, "fetched_at": fetched_at or utc_now()}

    def stage_web_listing(self, site: str, source: str, query: str, resume: str | None, done: bool) -> None:
        """Record how far a listing of a web archive's index got, with the batch."""
        self._web_listings[(site, source, query)] = {"site": site, "source": source, "query": query,
                                                     "resume": resume, "done": int(done), "updated_at": utc_now()}

    def stage_imported_file(self, name: str, run_id: int | None, records: int, stored: int, skipped: dict,
                            cut: str | None = None) -> None:
        """Record a WARC file read to its end, committed with its last stories."""
        self._imported_files[name] = {"name": name, "run_id": run_id, "finished_at": utc_now(), "records": records,
                                      "stored": stored, "skipped": _encode_json(skipped), "cut": cut}

    @property
    def pending(self) -> int:
        """Rows staged and not yet written."""
        return sum(map(len, self._staged())) + len(self._revisions)

    @property
    def largest_pending_batch(self) -> int:
        stories = len(self._new) + len(self._updated) + len(self._seen) + len(self._histories)
        return max(stories, len(self._aliases), len(self._drops))

    def _staged(self) -> tuple[dict, ...]:
        return (self._new, self._updated, self._seen, self._histories, self._aliases, self._drops, self._gone,
                self._imported_files, self._web_captures, self._web_listings, self._assets)

    # -- writing ------------------------------------------------------------

    _NEW_COLUMNS = (*ARTICLE_COLUMNS, "first_seen", "last_seen")
    _UPDATED_COLUMNS = (*ARTICLE_COLUMNS, "first_seen", "last_seen", "gone_at")

    @staticmethod
    def _upsert_sql(columns: tuple[str, ...]) -> str:
        # A story staged as new may have been stored since by another path
        # (a replayed batch): then it is updated, never doubled. An update
        # never moves first_seen.
        return (
            f"INSERT INTO {ARTICLES} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            " ON CONFLICT(site, story_code) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in columns if c not in ("site", "story_code", "first_seen"))
        )

    _insert_sql = _upsert_sql(_NEW_COLUMNS)
    _update_sql = _upsert_sql(_UPDATED_COLUMNS)

    @staticmethod
    def _values(row: dict, columns: tuple[str, ...]) -> list:
        return [
            _encode_json(value) if isinstance(value, (list, dict)) else value
            for value in (row.get(column) for column in columns)
        ]

    def _upsert_articles(self, sql: str, values) -> None:
        """Run an article upsert and index the rows it inserted; in a write
        transaction."""
        conn = self.db.conn
        last = last_article_rowid(conn)
        conn.executemany(sql, values)
        index_new_articles(conn, last)
        count_new_articles(conn, last)

    @contextmanager
    def _transaction(self):
        """A write transaction that takes the write lock at its start."""
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def flush(self) -> int:
        """Write everything staged in one transaction; return the rows written."""
        written = self.pending
        if not written:
            return 0
        with self._transaction():
            # The hot path of a crawl: one prepared statement for the batch,
            # then one that adds the batch's new rows to the search index.
            # Each insert is indexed before anything can update it.
            for rows, sql, columns in (
                (self._new, self._insert_sql, self._NEW_COLUMNS),
                (self._updated, self._update_sql, self._UPDATED_COLUMNS),
            ):
                if rows:
                    self._upsert_articles(sql, (self._values(row, columns) for row in rows.values()))
            if self._seen:
                self.db.conn.executemany(
                    f"UPDATE {ARTICLES} SET last_seen = max(coalesce(last_seen, ''), ?), gone_at = NULL"
                    " WHERE site = ? AND story_code = ?",
                    [(seen, site, code) for (site, code), seen in self._seen.items()],
                )
            if self._gone:
                self.db.conn.executemany(
                    f"UPDATE {ARTICLES} SET gone_at = ? WHERE site = ? AND story_code = ? AND gone_at IS NULL",
                    [(when, site, code) for (site, code), when in self._gone.items()],
                )
            if self._revisions:
                self.db[REVISIONS].insert_all(self._revisions, pk="id", batch_size=1000)
            if self._histories:
                self._write_histories()
            if self._web_captures:
                # A capture listed again keeps what its fetch gave; a fetch records its outcome.
                self.db.conn.executemany(
                    f"INSERT INTO {WEB_CAPTURES} (address, site, story_code, source, captured_at, url, filename,"
                    " record_offset, record_length, outcome, fetched_at) VALUES (:address, :site, :story_code,"
                    " :source, :captured_at, :url, :filename, :record_offset, :record_length, :outcome, :fetched_at)"
                    " ON CONFLICT(address) DO UPDATE SET outcome = excluded.outcome, fetched_at = excluded.fetched_at"
                    " WHERE excluded.outcome IS NOT NULL",
                    list(self._web_captures.values()),
                )
            if self._web_listings:
                self.db.conn.executemany(
                    f"INSERT OR REPLACE INTO {WEB_LISTINGS} (site, source, query, resume, done, updated_at)"
                    " VALUES (:site, :source, :query, :resume, :done, :updated_at)",
                    list(self._web_listings.values()),
                )
            if self._assets:
                self.db.conn.executemany(
                    f"INSERT OR REPLACE INTO {ASSETS} (url, site, story_code, content_type, capture_file,"
                    " capture_offset, fetched_at) VALUES (:url, :site, :story_code, :content_type, :capture_file,"
                    " :capture_offset, :fetched_at)",
                    list(self._assets.values()),
                )
            if self._imported_files:
                self.db.conn.executemany(
                    f"INSERT OR REPLACE INTO {IMPORTED_FILES} (name, run_id, finished_at, records, stored, skipped, cut)"
                    " VALUES (:name, :run_id, :finished_at, :records, :stored, :skipped, :cut)",
                    list(self._imported_files.values()),
                )
            if self._aliases:
                self.db.conn.executemany(
                    f"INSERT OR IGNORE INTO {ALIASES} (url, site, story_code, first_seen)"
                    " VALUES (:url, :site, :story_code, :first_seen)",
                    self._aliases.values(),
                )
            if self._drops:
                self.db.conn.executemany(
                    f"INSERT INTO {DROPPED} (url, site, story_code, reason, detail, first_seen, last_seen, attempts)"
                    " VALUES (:url, :site, :story_code, :reason, :detail, :seen, :seen, 1)"
                    " ON CONFLICT(url) DO UPDATE SET reason = excluded.reason, detail = excluded.detail,"
                    " last_seen = excluded.last_seen, attempts = attempts + 1",
                    list(self._drops.values()),
                )
        for staged in self._staged():
            staged.clear()
        self._revisions.clear()
        return written

    _HISTORY_COLUMNS = (*ARTICLE_COLUMNS, "first_seen", "last_seen")
    #: A story whose versions were placed in time: its newest version, and
    #: its first sighting, which an older copy moves back.
    _history_sql = (
        f"INSERT INTO {ARTICLES} ({', '.join(_HISTORY_COLUMNS)}) VALUES ({', '.join('?' * len(_HISTORY_COLUMNS))})"
        " ON CONFLICT(site, story_code) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in _HISTORY_COLUMNS if c not in ("site", "story_code"))
    )

    def _write_histories(self) -> None:
        """Each rewritten story's row and revisions; in a write transaction."""
        conn = self.db.conn
        rows = []
        for history in self._histories.values():
            rows.append({**history.current.fields, "fetched_at": history.current.seen,
                         "first_seen": history.first_seen, "last_seen": history.last_seen})
        self._upsert_articles(self._history_sql, (self._values(row, self._HISTORY_COLUMNS) for row in rows))
        for (site, code), history in self._histories.items():
            if history.seen_again:  # fetched again: not gone (any more)
                conn.execute(f"UPDATE {ARTICLES} SET gone_at = NULL WHERE site = ? AND story_code = ?", [site, code])
            conn.execute(f"DELETE FROM {REVISIONS} WHERE site = ? AND story_code = ?", [site, code])
            conn.executemany(
                f"INSERT INTO {REVISIONS} (site, story_code, fetched_at, changed, previous, previous_provenance)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(site, code, r["fetched_at"], _encode_json(r["changed"]), _encode_json(r["previous"]),
                  _encode_json(r["previous_provenance"])) for r in history.revisions()],
            )

    def discard_pending(self) -> int:
        """Forget what is staged (after a failed write); return how many rows."""
        count = self.pending
        for staged in self._staged():
            staged.clear()
        self._revisions.clear()
        return count

    # -- run ledger ---------------------------------------------------------

    def start_run(self, spider: str, site: str | None, arguments: dict) -> int:
        """Record a crawl's start (committed at once) and return its id. Runs
        of the site left unfinished by a killed process are marked
        ``interrupted``: the site's lock says none of them is still running
        (crawls of other sites may be)."""
        with self._transaction():
            self.db.execute(
                f"UPDATE {RUNS} SET finish_reason = 'interrupted'"
                " WHERE finished_at IS NULL AND finish_reason IS NULL AND site IS ?",
                [site],
            )
            cursor = self.db.execute(
                f"INSERT INTO {RUNS} (spider, site, arguments, started_at, worker) VALUES (?, ?, ?, ?, ?)",
                [spider, site, json.dumps(arguments, ensure_ascii=False, sort_keys=True), utc_now(),
                 f"{socket.gethostname()}:{os.getpid()}"],
            )
        return cursor.lastrowid

    def import_run(self, run: dict[str, Any]) -> bool:
        """Add a run another archive recorded (a merged shard's), unless this
        one holds it (same spider, site, start and process); return whether added."""
        key = [run.get("spider"), run.get("site"), run.get("started_at"), run.get("worker")]
        with self._transaction():
            if self.db.execute(
                f"SELECT 1 FROM {RUNS} WHERE spider IS ? AND site IS ? AND started_at IS ? AND worker IS ?", key
            ).fetchone():
                return False
            columns = [c for c in run if c in TABLES[RUNS]["columns"] and c != "id"]  # never a name from the file
            self.db.execute(
                f"INSERT INTO {RUNS} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [run[c] for c in columns],
            )
        return True

    def finish_run(self, run_id: int, **fields: Any) -> None:
        values = {
            k: json.dumps(v, ensure_ascii=False, sort_keys=True, default=str) if isinstance(v, (dict, list)) else v
            for k, v in fields.items()
        }
        values["finished_at"] = utc_now()
        assignments = ", ".join(f"{column} = :{column}" for column in values)
        with self._transaction():
            self.db.execute(f"UPDATE {RUNS} SET {assignments} WHERE id = :run_id", {**values, "run_id": run_id})

    def close(self) -> None:
        try:
            self.flush()
        finally:
            try:
                self.db.close()
            except sqlite3.Error:  # already closed
                pass
            else:
                opened_here(self.path, opened=False)
            if self.lock:
                self.lock.release()


def _enable_wal(db: sqlite_utils.Database) -> None:
    """WAL mode, waiting for other writers as busy_timeout does: switching a
    new file to WAL fails at once ("database is locked") while another
    writer opening it at the same moment holds it, busy handler or not."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
