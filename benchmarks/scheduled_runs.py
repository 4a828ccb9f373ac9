"""Requests of a first and a second scheduled run over a mirror of N stories.

    python benchmarks/scheduled_runs.py --stories 1000

The first run archives the whole mirror (``-a backfill=1``); the second runs
as a scheduled run would, over the unchanged site. Prints the requests of
each and their ledger rows. Goal: the second run reads only the feed and
the listing pages it needs to see that nothing is new.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.mirror import build  # noqa: E402
from newsarchive.replay.server import MirrorServer  # noqa: E402

FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "16",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "LOG_LEVEL": "WARNING"}


def crawl(db: Path, origin: str, *args: str) -> float:
    command = [sys.executable, "-m", "scrapy", "crawl", "islamtimes",
               "-a", f"start_urls={origin}/en/rss/allnews,{origin}/en/archive", *args]
    for name, value in {**FAST, "NEWSARCHIVE_DB": str(db)}.items():
        command += ["-s", f"{name}={value}"]
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = build(Path(tmp) / "mirror", args.stories, page_kb=20)
        db = Path(tmp) / "archive.db"
        with MirrorServer(folder) as server:
            first_seconds = crawl(db, server.origin, "-a", "backfill=1")
            first = len(server.requests)
            server.requests.clear()
            second_seconds = crawl(db, server.origin)
            second = len(server.requests)
            second_paths = [path for path, _ in server.requests]
        conn = sqlite3.connect(db)
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        columns = ("id", "finish_reason", "requests", "responses_by_status", "items_new", "items_updated",
                   "items_unchanged", "dropped_by_reason", "errors")
        runs = [dict(zip(columns, row)) for row in conn.execute(f"SELECT {', '.join(columns)} FROM runs ORDER BY id")]
    print(f"mirror: {args.stories} stories; archived after the first run: {stored}")
    print(f"first run:  {first} requests in {first_seconds:.1f}s")
    print(f"second run: {second} requests in {second_seconds:.1f}s: {', '.join(second_paths)}")
    for run in runs:
        print("ledger:", json.dumps(run))


if __name__ == "__main__":
    main()
