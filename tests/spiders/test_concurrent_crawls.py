"""Crawls of different sites write one archive at the same time; a second
crawl of the same site is refused at once (real crawls over 127.0.0.1)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

from newsarchive.replay.server import MirrorServer
from tests.conftest import FAST, FIXTURES, ROOT
from tests.helpers import start_urls

AVAPRESS = ROOT / "fixtures" / "avapress"
#: Slow enough that the two crawls overlap, with a transaction per story so
#: that their writes interleave.
OVERLAPPING = {**FAST, "DOWNLOAD_DELAY": "0.25", "DOWNLOAD_DELAY_JITTER": "0", "NEWSARCHIVE_BATCH_SIZE": "1"}


def crawl(db, spider: str, *args: str) -> subprocess.Popen:
    command = [sys.executable, str(ROOT / "tests" / "scrapy_strict.py"), "crawl", spider]
    for name, value in {**OVERLAPPING, "NEWSARCHIVE_DB": str(db)}.items():
        command += ["-s", f"{name}={value}"]
    for arg in args:
        command += ["-a", arg]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def query(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_two_sites_crawled_at_once_into_one_archive_both_store_everything(tmp_path):
    db = tmp_path / "archive.db"
    with MirrorServer(FIXTURES) as islamtimes, MirrorServer(AVAPRESS) as avapress:
        first = crawl(db, "islamtimes", start_urls(islamtimes), "lang=en,ur")
        second = crawl(db, "news", "site=avapress", f"start_urls={avapress.origin}/en/rss/allnews,{avapress.origin}/en/archive")
        logs = [process.communicate(timeout=180)[1] for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], logs
    assert query(db, "SELECT site, count(*) FROM articles GROUP BY site ORDER BY site") == [("avapress", 2), ("islamtimes", 13)]
    assert query(db, "SELECT site, stories FROM story_counts WHERE stories > 0 ORDER BY site, day") == query(
        db, "SELECT site, count(*) FROM articles GROUP BY site, coalesce(substr(published, 1, 10), '') ORDER BY 1, coalesce(substr(published, 1, 10), '')")
    runs = query(db, "SELECT site, started_at, finished_at, finish_reason FROM runs ORDER BY site")
    assert [(site, reason) for site, _, _, reason in runs] == [("avapress", "finished"), ("islamtimes", "finished")]
    (_, a_start, a_end, _), (_, i_start, i_end, _) = runs
    assert a_start <= i_end and i_start <= a_end, runs  # they did run at the same time
    assert query(db, "INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')") == []


def test_a_second_crawl_of_the_same_site_is_refused_while_the_first_runs(tmp_path):
    db = tmp_path / "archive.db"
    with MirrorServer(FIXTURES) as server:
        first = crawl(db, "islamtimes", start_urls(server), "lang=en,ur")
        # Wait until the first holds its site's lock: its run is in the ledger.
        while not (db.exists() and _has_run(db)):
            assert first.poll() is None, first.communicate()[1]
            time.sleep(0.05)
        second = crawl(db, "islamtimes", start_urls(server), "lang=en,ur")
        second_log = second.communicate(timeout=120)[1]
        first_log = first.communicate(timeout=180)[1]
    assert first.returncode == 0, first_log
    assert second.returncode == 1 and "Not crawling: another crawl of islamtimes is writing" in second_log
    assert query(db, "SELECT count(*), min(finish_reason) FROM runs") == [(1, "finished")]


def _has_run(db) -> bool:
    try:
        return bool(query(db, "SELECT 1 FROM runs"))
    except sqlite3.OperationalError:
        return False
