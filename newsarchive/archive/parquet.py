"""The archive as Parquet files for analysts (pandas, DuckDB, R, Polars).

Three files in a folder: ``stories.parquet`` (the ``articles`` rows, the
same filters as ``export``), ``aliases.parquet`` and ``revisions.parquet``
(of those stories). Every column has one declared type — a reader never
guesses from SQLite's mixed column types, and the full-text index's tables
are not read at all: text as strings, counts and offsets as 64-bit
integers, authors and tags as lists of strings, the related stories, field
sources and a revision's previous values as JSON text. Dates stay the
ISO 8601 text the archive stores (a day alone, a time in UTC, a wall-clock
time whose zone is unknown: ``published_tz_source`` says which). Rows are
written in batches, so memory stays flat however large the archive.

pyarrow is an optional extra (``pip install newsarchive[analysis]``).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from newsarchive.archive.queries import export_rows, story_filter
from newsarchive.archive.schema import ALIASES, ARCHIVE_COLUMNS, ARTICLE_COLUMNS, ARTICLES, REVISIONS

#: Rows a batch (one Parquet row group at most).
BATCH = 10_000
#: Columns held as lists of strings; the other JSON columns stay JSON text.
LIST_COLUMNS = frozenset({"authors", "tags"})
FILES = ("stories", "aliases", "revisions")


class ParquetUnavailable(ImportError):
    """pyarrow is not installed."""


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ParquetUnavailable(
            "Parquet export needs pyarrow: pip install 'newsarchive[analysis]'") from None
    return pyarrow, pyarrow.parquet


def story_schema(pa):
    fields = []
    for name, kind in {**ARTICLE_COLUMNS, **ARCHIVE_COLUMNS}.items():
        if name in LIST_COLUMNS:
            fields.append(pa.field(name, pa.list_(pa.string())))
        else:
            fields.append(pa.field(name, pa.int64() if kind is int else pa.string()))
    return pa.schema(fields)


def _story_values(row: sqlite3.Row, names: list[str], present: set[str]) -> dict[str, Any]:
    values = {}
    for name in names:
        value = row[name] if name in present else None  # a column an older archive does not have
        if name in LIST_COLUMNS:
            value = json.loads(value) if value else []
        values[name] = value
    return values


def _write(pq, path: Path, schema, rows, convert) -> int:
    """Rows (an iterator) to ``path`` in batches; returns how many."""
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict] = []
        for row in rows:
            batch.append(convert(row))
            if len(batch) >= BATCH:
                writer.write_batch(_batch(schema, batch))
                count += len(batch)
                batch = []
        if batch or not count:
            writer.write_batch(_batch(schema, batch))
            count += len(batch)
    return count


def _batch(schema, rows: list[dict]):
    import pyarrow as pa

    return pa.RecordBatch.from_pylist(rows, schema=schema)


def export_parquet(conn: sqlite3.Connection, folder: Path, site: str | None = None, since: str | None = None,
                   until: str | None = None) -> dict[str, int]:
    """Write the three files into ``folder`` (created if missing); return
    the rows of each. Raises :class:`ParquetUnavailable` without pyarrow."""
    pa, pq = _pyarrow()
    folder.mkdir(parents=True, exist_ok=True)
    conn.row_factory = sqlite3.Row
    schema = story_schema(pa)
    names = [field.name for field in schema]
    present, rows = export_rows(conn, site=site, since=since, until=until)
    counts = {"stories": _write(pq, folder / "stories.parquet", schema, rows,
                                lambda row: _story_values(row, names, set(present)))}
    # The aliases and revisions of those stories, read through the same filter.
    where, params = story_filter(site, since, until, table="a")
    joined = f" JOIN {ARTICLES} a ON a.site = t.site AND a.story_code = t.story_code{where}"
    aliases = pa.schema([("url", pa.string()), ("site", pa.string()), ("story_code", pa.string()),
                         ("first_seen", pa.string())])
    counts["aliases"] = _write(
        pq, folder / "aliases.parquet", aliases,
        conn.execute(f"SELECT t.url, t.site, t.story_code, t.first_seen FROM {ALIASES} t{joined}"
                     " ORDER BY t.site, t.story_code, t.url", params),
        dict)
    revisions = pa.schema([("id", pa.int64()), ("site", pa.string()), ("story_code", pa.string()),
                           ("fetched_at", pa.string()), ("changed", pa.list_(pa.string())),
                           ("previous", pa.string()), ("previous_provenance", pa.string())])
    columns = {row[1] for row in conn.execute(f"PRAGMA table_info({REVISIONS})")}
    # An older archive's revisions do not say where the replaced version came from.
    provenance = "t.previous_provenance" if "previous_provenance" in columns else "NULL AS previous_provenance"
    counts["revisions"] = _write(
        pq, folder / "revisions.parquet", revisions,
        conn.execute(f"SELECT t.id, t.site, t.story_code, t.fetched_at, t.changed, t.previous, {provenance}"
                     f" FROM {REVISIONS} t{joined} ORDER BY t.id", params),
        lambda row: {**dict(row), "changed": json.loads(row["changed"] or "[]")})
    return counts
