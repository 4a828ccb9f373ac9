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

from newsarchive.archive.identity import SQLITE_HEADER
from newsarchive.archive.schema import ALIASES, ARTICLES, REVISIONS, RUNS, decode_column


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
        with open(path, "rb") as stream:
            header = stream.read(16)
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


def decoded(row: sqlite3.Row) -> dict[str, Any]:
    return {key: decode_column(key, row[key]) for key in row.keys()}


def site_stats(conn: sqlite3.Connection, days: int = 14) -> list[dict[str, Any]]:
    """Per site: stories, first and last publication date, last run, and
    stories per day over the ``days`` days up to the last publication date."""
    sites = conn.execute(
        f"SELECT site, count(*) AS stories, min(published) AS first, max(published) AS last,"
        f" sum(published IS NULL) AS undated FROM {ARTICLES} GROUP BY site ORDER BY site"
    ).fetchall()
    result = []
    for row in sites:
        entry = dict(row)
        entry["last_run"] = None
        if _has(conn, RUNS):
            run = conn.execute(
                f"SELECT id, started_at, finished_at, finish_reason FROM {RUNS}"
                " WHERE site = ? ORDER BY id DESC LIMIT 1",
                [row["site"]],
            ).fetchone()
            entry["last_run"] = dict(run) if run else None
        end = date.fromisoformat(row["last"][:10]) if row["last"] else date.today()
        start = end - timedelta(days=days - 1)
        counts = dict(
            conn.execute(
                f"SELECT substr(published, 1, 10) AS day, count(*) FROM {ARTICLES}"
                " WHERE site = ? AND published >= ? AND substr(published, 1, 10) <= ? GROUP BY day",
                [row["site"], start.isoformat(), end.isoformat()],
            ).fetchall()
        )
        days_shown = [(start + timedelta(days=i)).isoformat() for i in range(days)]
        entry["per_day"] = [(day, counts.get(day, 0)) for day in days_shown]
        result.append(entry)
    return result


def search(
    conn: sqlite3.Connection, query: str, site: str | None = None, since: str | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """Stories matching an FTS5 query, best first, with a snippet."""
    sql = (
        f"SELECT a.site, a.story_code, a.published, a.title, a.url,"
        f" snippet({ARTICLES}_fts, -1, '[', ']', ' … ', 12) AS snippet"
        f" FROM {ARTICLES}_fts JOIN {ARTICLES} a ON a.rowid = {ARTICLES}_fts.rowid"
        f" WHERE {ARTICLES}_fts MATCH :query"
    )
    params: dict[str, Any] = {"query": query, "limit": limit}
    if site:
        sql += " AND a.site = :site"
        params["site"] = site
    if since:
        sql += " AND a.published >= :since"
        params["since"] = since
    sql += " ORDER BY rank LIMIT :limit"
    return [dict(row) for row in conn.execute(sql, params)]


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
                f"SELECT fetched_at, changed, previous FROM {REVISIONS} WHERE site = ? AND story_code = ? ORDER BY id",
                key,
            ):
                story["revisions"].append(
                    {"fetched_at": rev[0], "changed": json.loads(rev[1]), "previous": json.loads(rev[2])}
                )
        stories.append(story)
    return stories


def export_rows(
    conn: sqlite3.Connection, site: str | None = None, since: str | None = None, until: str | None = None
) -> tuple[list[str], Iterator[sqlite3.Row]]:
    """Column names and a streaming cursor over the stories, oldest first."""
    clauses, params = [], []
    if site:
        clauses.append("site = ?")
        params.append(site)
    if since:
        clauses.append("published >= ?")
        params.append(since)
    if until:
        clauses.append("published < ?")
        params.append(until)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    cursor = conn.execute(f"SELECT * FROM {ARTICLES}{where} ORDER BY published, site, story_code", params)
    return [d[0] for d in cursor.description], cursor


def runs(conn: sqlite3.Connection, limit: int = 20) -> list[dict[str, Any]]:
    if not _has(conn, RUNS):
        return []
    rows = conn.execute(
        f"SELECT id, spider, started_at, finished_at, finish_reason, requests, items_new, items_updated,"
        f" items_unchanged, dropped_by_reason, errors, arguments FROM {RUNS} ORDER BY id DESC LIMIT ?",
        [limit],
    )
    return [dict(row) for row in rows]


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
