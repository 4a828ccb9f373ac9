"""Read-only questions to an archive: what it holds, find, show, export.

Opened read-only, so reading never changes an archive, and works while a
crawl writes to it (WAL mode).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from newsarchive.archive.identity import SQLITE_HEADER, file_header, open_here
from newsarchive.archive.schema import (
    ALIASES, ARTICLES, ASSETS, DROPPED, REVISIONS, RUNS, STATE_INDEX, STORY_COUNTS, decode_column,
)


class ArchiveUnreadable(Exception):
    """The file is missing or is not a newsarchive archive."""


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """The archive, opened so that reading changes nothing, leaves no file
    behind and works on a read-only disk.

    An archive whose last writer closed it has no write-ahead log: it is
    read as an immutable file. One with a log (a crawl is writing, or was
    killed) is read through it, so that no committed story is missed.
    """
    path = Path(path)
    if path.is_dir():
        raise ArchiveUnreadable(f"{path} is a directory, not an archive (give --db FILE)")
    if not path.is_file():
        raise ArchiveUnreadable(f"no archive at {path} (run a crawl first, or give --db)")
    try:
        # An archive this process writes is one (and reading it here would drop its writer's locks).
        header = SQLITE_HEADER if open_here(path) else file_header(path)
    except OSError as exc:
        raise ArchiveUnreadable(f"{path} cannot be read: {exc.strerror}") from None
    if header != SQLITE_HEADER:
        raise ArchiveUnreadable(f"{path} is not an SQLite database, so not a newsarchive archive")
    uri = f"file:{quote(str(path.resolve()))}"
    modes = ("?mode=ro", "?immutable=1") if Path(f"{path}-wal").exists() else ("?immutable=1",)
    error = None
    for mode in modes:
        try:
            conn = sqlite3.connect(uri + mode, uri=True)
            conn.row_factory = sqlite3.Row
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            break
        except sqlite3.DatabaseError as exc:
            error = exc
    else:
        raise ArchiveUnreadable(f"{path} cannot be read as SQLite ({error})") from None
    missing = {ARTICLES, ALIASES} - tables
    if missing:
        conn.close()
        raise ArchiveUnreadable(f"{path} is not a newsarchive archive (no {', '.join(sorted(missing))} table)")
    return conn


def _has(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone() is not None


def with_named_rows(function):
    """``function(conn)`` made to run on a connection of someone else's
    (Datasette's) with rows read by column name, the connection left as it was."""

    def run(conn: sqlite3.Connection):
        factory = conn.row_factory
        conn.row_factory = sqlite3.Row
        try:
            return function(conn)
        finally:
            conn.row_factory = factory

    return run


def decoded(row: sqlite3.Row) -> dict[str, Any]:
    return {key: decode_column(key, row[key]) for key in row.keys()}


def site_stats(conn: sqlite3.Connection, days: int = 14) -> list[dict[str, Any]]:
    """Per site: stories, first and last publication date, last run, and
    stories per day over the ``days`` days up to the last publication date.

    Counts come from ``story_counts`` and dates from the (site, published)
    index: nothing here reads a story's row, whatever the archive's size.
    An archive from before the counts (opened read-only, so not migrated)
    is counted row by row.
    """
    counted = _has(conn, STORY_COUNTS)
    if counted:
        sites = conn.execute(
            f"SELECT site, sum(stories) AS stories, sum(CASE WHEN day = '' THEN stories ELSE 0 END) AS undated"
            f" FROM {STORY_COUNTS} GROUP BY site HAVING sum(stories) > 0 ORDER BY site"
        ).fetchall()
    else:
        sites = conn.execute(
            f"SELECT site, count(*) AS stories, sum(published IS NULL) AS undated FROM {ARTICLES} GROUP BY site ORDER BY site"
        ).fetchall()
    result = []
    for row in sites:
        entry = dict(row)
        key = [row["site"]]
        # Each on its own: SQLite answers a lone min() or max() from the index's ends.
        entry["gone"] = conn.execute(
            f"SELECT count(*) FROM {ARTICLES} WHERE site = ? AND gone_at IS NOT NULL", key).fetchone()[0]
        entry["first"] = conn.execute(
            f"SELECT min(published) FROM {ARTICLES} WHERE site = ? AND published IS NOT NULL", key
        ).fetchone()[0]
        entry["last"] = conn.execute(f"SELECT max(published) FROM {ARTICLES} WHERE site = ?", key).fetchone()[0]
        entry["last_run"] = None
        if _has(conn, RUNS):
            run = conn.execute(
                f"SELECT id, started_at, finished_at, finish_reason FROM {RUNS}"
                " WHERE site = ? ORDER BY id DESC LIMIT 1",
                key,
            ).fetchone()
            entry["last_run"] = dict(run) if run else None
        end = date.fromisoformat(entry["last"][:10]) if entry["last"] else date.today()
        start = end - timedelta(days=days - 1)
        if counted:
            per_day = f"SELECT day, stories FROM {STORY_COUNTS} WHERE site = ? AND day BETWEEN ? AND ?"
        else:
            per_day = (f"SELECT substr(published, 1, 10) AS day, count(*) FROM {ARTICLES}"
                       " WHERE site = ? AND published >= ? AND substr(published, 1, 10) <= ? GROUP BY day")
        counts = dict(conn.execute(per_day, [row["site"], start.isoformat(), end.isoformat()]).fetchall())
        days_shown = [(start + timedelta(days=i)).isoformat() for i in range(days)]
        entry["per_day"] = [(day, counts.get(day, 0)) for day in days_shown]
        result.append(entry)
    return result


#: A filter with at most this many stories is searched story by story.
FEW_FILTERED = 200
#: Up to this many, the filter's stories are gathered first (from an index)
#: and each match is checked against them; beyond, each match's row is.
MANY_FILTERED = 50_000


class BadSearch(ValueError):
    """A search FTS5 cannot read (a stray quote, an operator with nothing after it)."""


def search(
    conn: sqlite3.Connection, query: str, site: str | None = None, since: str | None = None, limit: int = 20,
    rank: bool = False,
) -> list[dict[str, Any]]:
    """:func:`_search`; raises :class:`BadSearch` for a query FTS5 does not understand."""
    try:
        return _search(conn, query, site, since, limit, rank)
    except sqlite3.OperationalError as exc:  # FTS5 reports a bad query so
        raise BadSearch(str(exc)) from None


def _search(conn: sqlite3.Connection, query: str, site: str | None, since: str | None,
            limit: int, rank: bool) -> list[dict[str, Any]]:
    """Stories matching an FTS5 query with a snippet: the most recently
    archived first, or with ``rank`` the best first.

    Newest first is the full-text index's own order read backwards: the
    first page of a word every story holds comes at once, where ranking
    must score every match before the first row.

    A site or date filter is applied without reading the rows of matches it
    rules out: the stories it admits are found in the (site, published)
    index first, and how they meet the full-text index depends on how many
    there are (none: no search at all; a few: each is looked up in it; up
    to :data:`MANY_FILTERED`: each match is checked against them). A filter
    that admits more checks each match's row, best first, until ``limit``
    have passed: most do.
    """
    select = (
        f"SELECT a.site, a.story_code, a.published, a.title, a.url,"
        f" snippet({ARTICLES}_fts, -1, '[', ']', ' … ', 12) AS snippet"
        f" FROM {ARTICLES}_fts JOIN {ARTICLES} a ON a.rowid = {ARTICLES}_fts.rowid"
        f" WHERE {ARTICLES}_fts MATCH :query"
    )
    params: dict[str, Any] = {"query": query, "limit": limit, "site": site, "since": since}
    clauses = [clause for clause, value in (("site = :site", site), ("published >= :since", since)) if value]
    if clauses:
        admitted = f"SELECT rowid FROM {ARTICLES} WHERE {' AND '.join(clauses)}"
        count = conn.execute(f"SELECT count(*) FROM ({admitted} LIMIT {MANY_FILTERED})", params).fetchone()[0]
        if count == 0:
            # A malformed query is still reported: FTS5 parses it for one (absent) story.
            conn.execute(f"SELECT 1 FROM {ARTICLES}_fts WHERE {ARTICLES}_fts MATCH :query AND rowid = -1", params).fetchall()
            return []
        if count <= FEW_FILTERED:
            select += f" AND {ARTICLES}_fts.rowid IN ({admitted})"
        elif count < MANY_FILTERED:
            # The unary + keeps the set out of the full-text index's lookup:
            # a membership check, not a lookup per story.
            select += f" AND +{ARTICLES}_fts.rowid IN ({admitted})"
        else:
            select += "".join(f" AND a.{clause}" for clause in clauses)
    order = "rank" if rank else f"{ARTICLES}_fts.rowid DESC"
    return [dict(row) for row in conn.execute(f"{select} ORDER BY {order} LIMIT :limit", params)]


def show(conn: sqlite3.Connection, story_code: str, site: str | None = None) -> list[dict[str, Any]]:
    """The stored stories with this code (one per site), with their aliases
    and revisions."""
    sql, params = f"SELECT * FROM {ARTICLES} WHERE story_code = ?", [story_code]
    if site:
        sql += " AND site = ?"
        params.append(site)
    stories = []
    for row in conn.execute(sql + " ORDER BY site", params):
        story = decoded(row)
        key = [story["site"], story["story_code"]]
        story["aliases"] = [
            r[0] for r in conn.execute(f"SELECT url FROM {ALIASES} WHERE site = ? AND story_code = ? ORDER BY url", key)
        ]
        story["revisions"] = []
        if _has(conn, REVISIONS):
            for rev in conn.execute(
                f"SELECT * FROM {REVISIONS} WHERE site = ? AND story_code = ? ORDER BY id", key,
            ):
                provenance = rev["previous_provenance"] if "previous_provenance" in rev.keys() else None
                story["revisions"].append(
                    {"fetched_at": rev["fetched_at"], "changed": json.loads(rev["changed"]),
                     "previous": json.loads(rev["previous"]),
                     "previous_provenance": json.loads(provenance) if provenance else None}
                )
        stories.append(story)
    return stories


def story_filter(site: str | None = None, since: str | None = None, until: str | None = None,
                 table: str = ARTICLES) -> tuple[str, list[str]]:
    """The ``WHERE`` clause (or "") and parameters that pick the stories of
    ``site`` published in [``since``, ``until``) from ``table`` (a name or alias)."""
    clauses, params = [], []
    if site:
        clauses.append(f"{table}.site = ?")
        params.append(site)
    if since:
        clauses.append(f"{table}.published >= ?")
        params.append(since)
    if until:
        clauses.append(f"{table}.published < ?")
        params.append(until)
    return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), params


def export_rows(
    conn: sqlite3.Connection, site: str | None = None, since: str | None = None, until: str | None = None
) -> tuple[list[str], Iterator[sqlite3.Row]]:
    """Column names and a streaming cursor over the stories, oldest first."""
    where, params = story_filter(site, since, until)
    cursor = conn.execute(f"SELECT * FROM {ARTICLES}{where} ORDER BY published, site, story_code", params)
    return [d[0] for d in cursor.description], cursor


#: The run ledger, newest first (``runs``, and the reading pages' canned query).
RUNS_SELECT = (
    f"SELECT id, spider, started_at, finished_at, finish_reason, requests, items_new, items_updated,"
    f" items_unchanged, dropped_by_reason, errors, arguments FROM {RUNS} ORDER BY id DESC"
)
#: The newest edits across sites (``recently_edited``, and the canned query,
#: which adds the previous values).
EDIT_COLUMNS = "r.fetched_at, r.site, r.story_code, r.changed, a.title, a.language"


def _edits_select(columns: str) -> str:
    return (f"SELECT {columns} FROM {REVISIONS} r JOIN {ARTICLES} a ON a.site = r.site AND a.story_code = r.story_code"
            " ORDER BY r.fetched_at DESC, r.id DESC")
#: The newest stories (the canned query).
LATEST_SELECT = f"SELECT site, story_code, published, section, title, url FROM {ARTICLES} ORDER BY published DESC"


def canned_queries() -> dict[str, dict[str, str]]:
    """Datasette's canned queries of the archive: the same questions the command asks."""
    return {
        "latest": {"title": "Latest stories", "sql": f"{LATEST_SELECT} LIMIT 100"},
        "edited": {"title": "Edited stories", "sql": f"{_edits_select(EDIT_COLUMNS + ', r.previous')} LIMIT 200"},
        "runs": {"title": "Runs", "sql": f"{RUNS_SELECT} LIMIT 100"},
    }


def runs(conn: sqlite3.Connection, limit: int = 20) -> list[dict[str, Any]]:
    if not _has(conn, RUNS):
        return []
    return [dict(row) for row in conn.execute(f"{RUNS_SELECT} LIMIT ?", [limit])]


#: Finish reasons of a run that did its job (besides ``closespider_*``: a limit it was given).
COMPLETED = frozenset({"finished", "shutdown"})


def completed(reason: str | None) -> bool:
    """A crawl that ended for this reason did its job."""
    return reason is not None and (reason in COMPLETED or reason.startswith("closespider_"))


def health(conn: sqlite3.Connection, site: str | None = None, last: int = 5) -> dict[str, list[dict[str, Any]]]:
    """Per site, its ``last`` runs, newest first: counts, finish reason and
    the drift report (``extensions/drift.py``), with a verdict each."""
    if not _has(conn, RUNS):
        return {}
    columns = {row[1] for row in conn.execute(f"PRAGMA table_info({RUNS})")}
    drift = "drift" if "drift" in columns else "NULL AS drift"
    sql = (
        f"SELECT id, site, spider, started_at, finished_at, finish_reason, items_new, items_updated,"
        f" items_unchanged, dropped_by_reason, {drift} FROM {RUNS} WHERE site IS NOT NULL"
    )
    params: list[Any] = []
    if site:
        sql += " AND site = ?"
        params.append(site)
    result: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(sql + " ORDER BY site, id DESC", params):
        runs_of_site = result.setdefault(row["site"], [])
        if len(runs_of_site) >= last:
            continue
        run = dict(row)
        run["drift"] = json.loads(run["drift"]) if run["drift"] else None
        run["dropped_by_reason"] = json.loads(run["dropped_by_reason"]) if run["dropped_by_reason"] else {}
        run["verdict"] = _verdict(run)
        runs_of_site.append(run)
    return result


def _verdict(run: dict[str, Any]) -> str:
    reason = run["finish_reason"]
    if reason is None:
        return "running" if run["finished_at"] is None else "failed"
    if run["drift"] and run["drift"].get("drifted"):
        return "drifted"
    if not completed(reason):
        return "failed"
    return "ok"


def coverage(conn: sqlite3.Connection, site: str, days: int = 60, editions: bool = False) -> dict[str, Any]:
    """A site's stories per day of publication over the ``days`` days up to
    its newest story or its latest run, whichever is later (so that stories
    that stopped coming show as gaps up to today's run), each day with the
    verdicts of the runs started on it; days without stories are gaps.
    Counts come from ``story_counts`` (no story is read). With
    ``editions``, the stories per day of each edition too (read from the
    (site, published) index and the rows of those days)."""
    runs = health(conn, site=site, last=10_000).get(site, [])
    newest = conn.execute(f"SELECT max(published) FROM {ARTICLES} WHERE site = ?", [site]).fetchone()[0]
    ends = [day for day in ((newest or "")[:10], *((run["started_at"] or "")[:10] for run in runs[:1])) if day]
    if not ends:
        return {"site": site, "days": [], "most": 0, "editions": {}}
    end = date.fromisoformat(max(ends))
    start = end - timedelta(days=days - 1)
    first, last = start.isoformat(), end.isoformat()
    if _has(conn, STORY_COUNTS):
        counted = f"SELECT day, stories FROM {STORY_COUNTS} WHERE site = ? AND day BETWEEN ? AND ?"
    else:
        counted = (f"SELECT substr(published, 1, 10) AS day, count(*) FROM {ARTICLES}"
                   " WHERE site = ? AND published >= ? AND substr(published, 1, 10) <= ? GROUP BY day")
    counts = dict(conn.execute(counted, [site, first, last]).fetchall())
    verdicts: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        day = (run["started_at"] or "")[:10]
        if first <= day <= last:
            verdicts.setdefault(day, []).append({"id": run["id"], "verdict": run["verdict"]})
    found = []
    for offset in range(days):
        day = (start + timedelta(days=offset)).isoformat()
        stories = counts.get(day, 0)
        found.append({"day": day, "stories": stories, "gap": stories == 0,
                      "runs": sorted(verdicts.get(day, []), key=lambda r: r["id"])})
    per_edition: dict[str, dict[str, int]] = {}
    if editions:
        for day, language, count in conn.execute(
                f"SELECT substr(published, 1, 10) AS day, coalesce(language, '') AS language, count(*) FROM {ARTICLES}"
                " WHERE site = ? AND published >= ? AND substr(published, 1, 10) <= ? GROUP BY day, language",
                [site, first, last]):
            per_edition.setdefault(language, {})[day] = count
    return {"site": site, "days": found, "most": max((d["stories"] for d in found), default=0),
            "editions": {language: [counts.get(d["day"], 0) for d in found]
                         for language, counts in sorted(per_edition.items())}}


def archived_codes(conn: sqlite3.Connection, site: str, codes: list[str]) -> set[str]:
    """Which of these story codes of a site the archive holds."""
    codes = [code for code in codes if code]
    if not codes:
        return set()
    marks = ", ".join("?" * len(codes))
    rows = conn.execute(f"SELECT story_code FROM {ARTICLES} WHERE site = ? AND story_code IN ({marks})", [site, *codes])
    return {row[0] for row in rows}


def recently_edited(conn: sqlite3.Connection, limit: int = 100) -> list[dict[str, Any]]:
    """The newest edits across sites: when seen, the story and what changed."""
    if not _has(conn, REVISIONS):
        return []
    rows = conn.execute(f"{_edits_select(EDIT_COLUMNS)} LIMIT ?", [limit])
    return [{**dict(row), "changed": json.loads(row["changed"])} for row in rows]


def asset(conn: sqlite3.Connection, url: str) -> dict[str, Any] | None:
    """Where a file a story's page shows was captured, if it was."""
    if not _has(conn, ASSETS):
        return None
    row = conn.execute(f"SELECT content_type, capture_file, capture_offset FROM {ASSETS} WHERE url = ?",
                       [url]).fetchone()
    return dict(row) if row else None


def deleted_stories(conn: sqlite3.Connection, limit: int = 500) -> list[dict[str, Any]]:
    """The stories their sites no longer serve, the latest gone first: the
    site, the headline, when last seen, and where the last copy came from."""
    rows = conn.execute(
        f"SELECT site, story_code, title, language, gone_at, last_seen, source, capture_file, capture_offset"
        f" FROM {ARTICLES} WHERE gone_at IS NOT NULL ORDER BY gone_at DESC, site, story_code LIMIT ?", [limit])
    return [dict(row) for row in rows]


def front_page(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Per site: stories, the newest story, and the last run with its verdict."""
    runs = health(conn, last=1)
    sites = []
    for entry in site_stats(conn, days=1):
        newest = conn.execute(
            f"SELECT story_code, title, published, language FROM {ARTICLES} WHERE site = ? AND published IS NOT NULL"
            " ORDER BY published DESC LIMIT 1",
            [entry["site"]],
        ).fetchone()
        last = (runs.get(entry["site"]) or [None])[0]
        sites.append({"site": entry["site"], "stories": entry["stories"], "gone": entry["gone"],
                      "newest": dict(newest) if newest else None, "last_run": last})
    return sites


def story_states(conn: sqlite3.Connection):
    """(site, story code, published, first seen, drop reason) of every
    archived story, then of every dropped page's story the archive does not
    hold (its latest reason), for a state shared with distributed workers."""
    yield from conn.execute(
        f"SELECT site, story_code, published, first_seen, NULL FROM {ARTICLES} INDEXED BY {STATE_INDEX}")
    yield from conn.execute(
        f"SELECT d.site, d.story_code, NULL, NULL, d.reason FROM {DROPPED} d"
        f" WHERE d.site IS NOT NULL AND d.story_code IS NOT NULL"
        f" AND NOT EXISTS (SELECT 1 FROM {ARTICLES} a WHERE a.site = d.site AND a.story_code = d.story_code)"
        f" ORDER BY d.last_seen")


def alias_urls(conn: sqlite3.Connection):
    """(site, URL, story code) of every URL known to lead to a story."""
    yield from conn.execute(f"SELECT site, url, story_code FROM {ALIASES}")
