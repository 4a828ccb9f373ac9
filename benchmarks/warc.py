"""WARC bytes per stored story, and reparse time per 1,000 captures.

    python benchmarks/warc.py --stories 1000

Crawls the fixtures and a generated mirror of N stories (about 60 KB a
page) over 127.0.0.1 with captures on, then rebuilds the mirror's archive
from its WARC files alone (``newsarchive reparse``) and times it.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.mirror import build  # noqa: E402
from newsarchive.archive import Archive  # noqa: E402
from newsarchive.capture.reader import warc_files  # noqa: E402
from newsarchive.reparse import reparse  # noqa: E402
from newsarchive.replay.server import MirrorServer  # noqa: E402

#: The pages' captures only: the stories' images are measured by ``crawl.py --images``.
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "16",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "LOG_LEVEL": "WARNING", "NEWSARCHIVE_WARC_ASSETS": "False"}


def crawl(folder: Path, db: Path, start_paths: tuple[str, ...], *args: str) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)  # a crawl never makes the archive's folder itself
    with MirrorServer(folder) as server:
        command = [sys.executable, "-m", "scrapy", "crawl", "islamtimes",
                   "-a", "start_urls=" + ",".join(server.origin + p for p in start_paths), *args]
        for name, value in {**FAST, "NEWSARCHIVE_DB": str(db)}.items():
            command += ["-s", f"{name}={value}"]
        subprocess.run(command, cwd=ROOT, check=True)


def warc_bytes_per_story(db: Path) -> tuple[int, int, float]:
    stories = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
    size = sum(f.stat().st_size for f in warc_files(db.parent / "warc"))
    return size, stories, size / stories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        fixtures_db = tmp / "fixtures" / "archive.db"
        crawl(ROOT / "fixtures" / "islamtimes", fixtures_db, ("/en/rss/allnews", "/en/archive", "/ur/rss/allnews"),
              "-a", "lang=en,ur")
        size, stories, per_story = warc_bytes_per_story(fixtures_db)
        print(f"fixtures: {size:,} WARC bytes for {stories} stored stories = {per_story:,.0f} bytes/story")

        mirror = build(tmp / "mirror", args.stories, page_kb=60)
        mirror_db = tmp / "crawl" / "archive.db"
        crawl(mirror, mirror_db, ("/en/rss/allnews", "/en/archive"), "-a", "backfill=1")
        size, stories, per_story = warc_bytes_per_story(mirror_db)
        print(f"mirror:   {size:,} WARC bytes for {stories} stored stories = {per_story:,.0f} bytes/story")

        archive = Archive(tmp / "rebuilt.db", lock=True)
        started = time.perf_counter()
        counts = reparse(archive, mirror_db.parent / "warc")
        seconds = time.perf_counter() - started
        archive.close()
        captures = counts.captures
        print(f"reparse:  {captures} captures ({counts.stories} stories, {counts.stored} stored) "
              f"in {seconds:.2f}s = {seconds / captures * 1000:.2f}s per 1,000 captures")


if __name__ == "__main__":
    main()
