"""Stories per second through the pipelines (dedupe, store) and the SQLite writer,
against a raw ``executemany`` insert of the same rows.

    python benchmarks/pipelines.py --stories 20000

Items come from extracting generated pages (not timed). Both runs write to a
fresh file in WAL mode, in transactions of 1,000 rows; the baseline inserts
the very rows the archive would store into a table of the same columns,
with no index, no full-text index and no checks.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.mirror import FIRST_CODE, article_page, story_path, title_of  # noqa: E402
from newsarchive.archive import ARTICLE_COLUMNS, Archive  # noqa: E402
from newsarchive.extraction import Fetched, extract  # noqa: E402
from newsarchive.pipelines.dedupe import DeduplicateStoriesPipeline  # noqa: E402
from newsarchive.pipelines.store import StoreArchivePipeline  # noqa: E402
from newsarchive.sites import ISLAM_TIMES  # noqa: E402

BATCH = 1000


def make_items(stories: int) -> list:
    """Parse a few hundred distinct pages, then vary their story codes."""
    rng = random.Random(3)
    codes = [FIRST_CODE + i for i in range(min(stories, 300))]
    titles = {code: title_of(code, rng) for code in codes}
    parsed = []
    for index, code in enumerate(codes):
        url = f"https://www.islamtimes.com{story_path(code)}"
        body = article_page(code, index, titles, 60, rng).encode()
        parsed.append(extract(ISLAM_TIMES, Fetched(url, {"Content-Type": "text/html; charset=utf-8"}, body)).item)
    items = []
    for number in range(stories):
        item = copy.deepcopy(parsed[number % len(parsed)])
        item.story_code = str(FIRST_CODE + number)
        item.fetched_at = "2024-07-01T00:00:00Z"
        items.append(item)
    return items


def through_pipelines(items: list, db: Path) -> tuple[float, dict[str, float]]:
    """Seconds for all items, and the seconds spent in each pipeline and in
    the archive's flushes (SQL, part of the store pipeline's time)."""
    archive = Archive(db, lock=True)
    pipelines = [
        DeduplicateStoriesPipeline(archive),
        StoreArchivePipeline(archive, batch_size=BATCH),
    ]
    spent = dict.fromkeys([type(p).__name__ for p in pipelines] + ["of which Archive.flush"], 0.0)
    flush = archive.flush

    def timed_flush() -> int:
        began = time.perf_counter()
        try:
            return flush()
        finally:
            spent["of which Archive.flush"] += time.perf_counter() - began

    archive.flush = timed_flush
    clock = time.perf_counter
    started = clock()
    for item in items:
        for pipeline in pipelines:
            began = clock()
            item = pipeline.process_item(item)
            spent[type(pipeline).__name__] += clock() - began
    began = clock()
    pipelines[-1].close_spider()
    spent["StoreArchivePipeline"] += clock() - began
    seconds = clock() - started
    archive.close()
    return seconds, spent


def raw_executemany(rows: list[dict], db: Path) -> float:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    columns = list(ARTICLE_COLUMNS)
    conn.execute(f"CREATE TABLE articles ({', '.join(columns)})")
    sql = f"INSERT INTO articles ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    for start in range(0, len(rows), BATCH):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sql, ([row[c] for c in columns] for row in rows[start : start + BATCH]))
        conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def archive_writer_only(items: list, db: Path, search_index: bool = True) -> float:
    """The archive's own insert, without the pipelines: the floor that the
    schema (primary key, indexes, the FTS5 index) sets."""
    archive = Archive(db, lock=True)
    rows = [
        Archive._values({**Archive.article_row(item), "first_seen": "x", "last_seen": "x"}, Archive._NEW_COLUMNS)
        for item in items
    ]
    conn = archive.db.conn
    started = time.perf_counter()
    for start in range(0, len(rows), BATCH):
        conn.execute("BEGIN IMMEDIATE")
        if search_index:
            archive._upsert_articles(Archive._insert_sql, rows[start : start + BATCH])
        else:
            conn.executemany(Archive._insert_sql, rows[start : start + BATCH])
        conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    archive.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=20000)
    args = parser.parse_args()
    items = make_items(args.stories)
    with tempfile.TemporaryDirectory() as tmp:
        # The baseline gets the rows exactly as the archive stores them (after the pipelines).
        ours, spent = through_pipelines(copy.deepcopy(items), Path(tmp) / "ours.db")
        rows = [
            {c: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
             for c, v in Archive.article_row(item).items()}
            for item in items
        ]
        baseline = raw_executemany(rows, Path(tmp) / "baseline.db")
        writer = archive_writer_only(items, Path(tmp) / "writer.db")
        unindexed = archive_writer_only(items, Path(tmp) / "unindexed.db", search_index=False)
    print(f"stories: {args.stories}")
    print(f"raw executemany:          {args.stories / baseline:>9,.0f} stories/s")
    print(f"archive insert alone:     {args.stories / writer:>9,.0f} stories/s  (its schema: keys, FTS5 index)")
    print(f"  the same, no FTS5 index: {args.stories / unindexed:>8,.0f} stories/s")
    print(f"pipelines + SQLite writer: {args.stories / ours:>8,.0f} stories/s  "
          f"({ours / baseline:.1f}x the baseline's time)")
    print("where a story's time goes:")
    for name, seconds in spent.items():
        print(f"  {name:<32} {seconds / args.stories * 1e6:>6.1f} µs")


if __name__ == "__main__":
    main()
