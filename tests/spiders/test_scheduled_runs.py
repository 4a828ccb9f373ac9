"""Scheduled runs over 127.0.0.1: only what is new is fetched, edits become
revisions, every run is in the ledger, runs never overlap, a killed run
resumes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from newsarchive.archive.lock import ArchiveLock
from newsarchive.replay.expected import comparable
from newsarchive.replay.server import MirrorServer
from tests.conftest import FAST, FIXTURES, ROOT, load_expected, run_crawl
from tests.helpers import EDITED_URL, NEW_SENTENCE, OLD_SENTENCE, query, start_urls, stored_rows



@pytest.fixture
def server():
    with MirrorServer(FIXTURES) as mirror:
        yield mirror


def test_unchanged_site_costs_only_the_start_points(server, tmp_path):
    db = tmp_path / "archive.db"
    first = run_crawl(db, start_urls(server), "lang=en,ur")
    assert first.returncode == 0, first.log
    first_requests = len(server.requests)
    server.requests.clear()
    second = run_crawl(db, start_urls(server), "lang=en,ur")
    assert second.returncode == 0, second.log
    assert len(server.requests) == 4, server.requests  # robots.txt, two feeds, one listing page
    runs = query(db, "SELECT id, finish_reason, requests, items_new, items_updated, items_unchanged FROM runs ORDER BY id")
    assert runs == [(1, "finished", first_requests, 13, 0, 0), (2, "finished", 4, 0, 0, 0)]


def test_edited_story_gets_exactly_one_revision(server, tmp_path):
    db = tmp_path / "archive.db"
    assert run_crawl(db, start_urls(server), "lang=en,ur").returncode == 0
    page = server.saved.lookup(EDITED_URL)
    server.replace(EDITED_URL, page.body().replace(OLD_SENTENCE.encode(), NEW_SENTENCE.encode()))
    # A wide recheck window: every archived story is fetched again.
    result = run_crawl(db, start_urls(server), "lang=en,ur", "recheck_days=100000")
    assert result.returncode == 0, result.log
    revisions = query(db, "SELECT story_code, changed, previous FROM revisions")
    assert len(revisions) == 1
    code, changed, previous = revisions[0]
    assert code == "1023425" and json.loads(changed) == ["body"]
    assert OLD_SENTENCE in json.loads(previous)["body"]
    (body,) = query(db, "SELECT body FROM articles WHERE story_code = '1023425'")[0]
    assert NEW_SENTENCE in body and OLD_SENTENCE not in body
    (run,) = query(db, "SELECT items_new, items_updated, items_unchanged FROM runs WHERE id = 2")
    assert run == (0, 1, 12)
    first_seen, last_seen = query(db, "SELECT first_seen, last_seen FROM articles WHERE story_code = '1023423'")[0]
    assert first_seen <= last_seen


def test_ledger_row_describes_the_run(server, tmp_path):
    db = tmp_path / "archive.db"
    assert run_crawl(db, start_urls(server), "lang=en,ur", "max_pages=5").returncode == 0
    row = dict(
        zip(
            ("spider", "site", "arguments", "started_at", "finished_at", "finish_reason", "responses", "dropped", "errors"),
            query(db, "SELECT spider, site, arguments, started_at, finished_at, finish_reason, "
                      "responses_by_status, dropped_by_reason, errors FROM runs")[0],
        )
    )
    assert (row["spider"], row["site"], row["finish_reason"], row["errors"]) == ("islamtimes", "islamtimes", "finished", 0)
    assert json.loads(row["arguments"]) == {"lang": "en,ur", "max_pages": "5", "start_urls": start_urls(server)[len("start_urls="):]}
    assert row["started_at"] <= row["finished_at"]
    assert json.loads(row["responses"])["200"] >= 20
    assert json.loads(row["dropped"]) == {"no_body": 1, "gone": 1, "robots_forbidden": 1}
    drops = {code: (reason, detail) for code, reason, detail in query(db, "SELECT story_code, reason, detail FROM dropped")}
    assert drops["1023388"][0] == "no_body" and drops["1023380"][0] == "robots_forbidden"
    # The story the site now redirects to an error page is gone.
    assert drops["1023395"] == ("gone", f"redirected to {server.origin}/en/page/unavailable")


def test_since_walks_listings_back_to_a_date(server, tmp_path):
    run_crawl(tmp_path / "a.db", f"start_urls={server.origin}/en/archive", "since=2022-11-09")
    assert ("/en/archive?page=2", 200) not in server.requests
    server.requests.clear()
    run_crawl(tmp_path / "b.db", f"start_urls={server.origin}/en/archive", "since=2022-11-05")
    assert ("/en/archive?page=2", 200) in server.requests


def test_backfill_walks_every_listing_page_even_when_nothing_is_new(server, tmp_path):
    db = tmp_path / "a.db"
    run_crawl(db, f"start_urls={server.origin}/en/archive", "max_pages=2")
    server.requests.clear()
    run_crawl(db, f"start_urls={server.origin}/en/archive")
    assert ("/en/archive?page=2", 200) not in server.requests  # nothing new on page 1: stop
    server.requests.clear()
    run_crawl(db, f"start_urls={server.origin}/en/archive", "backfill=1")
    assert ("/en/archive?page=2", 200) in server.requests


def test_second_crawl_on_a_busy_archive_exits_at_once_touching_nothing(server, tmp_path):
    db = tmp_path / "archive.db"
    lock = ArchiveLock(db, "islamtimes").acquire()
    try:
        result = run_crawl(db, start_urls(server))
    finally:
        lock.release()
    assert result.returncode != 0
    assert "Not crawling: another crawl of islamtimes is writing" in result.log
    assert f"(pid {os.getpid()}," in result.log
    assert not db.exists() and server.requests == []


def crawl_process(db, server, jobdir):
    command = [sys.executable, str(ROOT / "tests" / "scrapy_strict.py"), "crawl", "islamtimes",
               "-a", start_urls(server), "-a", "lang=en,ur"]
    settings = {**FAST, "NEWSARCHIVE_DB": str(db), "NEWSARCHIVE_BATCH_SIZE": "1", "JOBDIR": str(jobdir),
                "CONCURRENT_REQUESTS": "2"}
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def count_articles(db) -> int:
    try:
        return query(db, "SELECT count(*) FROM articles")[0][0]
    except sqlite3.Error:
        return 0


def test_killed_crawl_resumes_with_no_duplicate_and_no_lost_story(tmp_path, saved_site):
    db, jobdir = tmp_path / "archive.db", tmp_path / "job"
    with MirrorServer(FIXTURES, delay=0.4) as server:
        crawl = crawl_process(db, server, jobdir)
        deadline = time.monotonic() + 60
        while count_articles(db) < 3 and time.monotonic() < deadline and crawl.poll() is None:
            time.sleep(0.05)
        assert crawl.poll() is None, "the crawl ended before it could be killed"
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait()
        stored_before = count_articles(db)
        assert 3 <= stored_before < 13
        # The lock died with the process: the next run is not blocked.
        resumed = crawl_process(db, server, jobdir)
        _, errors = resumed.communicate(timeout=120)
        assert resumed.returncode == 0, errors
    rows = stored_rows(db)
    expected = {e["story_code"]: e for p in saved_site if p.expected and "story_code" in (e := load_expected(p))}
    why = f"dropped: {query(db, 'SELECT url, reason, detail FROM dropped')}\nresumed crawl:\n{errors[-6000:]}"
    assert set(rows) == set(expected), why
    for code, row in rows.items():
        assert comparable(row) == expected[code], code
    assert query(db, "SELECT count(*) FROM revisions") == [(0,)]
    assert query(db, "SELECT finish_reason FROM runs ORDER BY id") == [("interrupted",), ("finished",)]
    assert query(db, "PRAGMA integrity_check") == [("ok",)]


def test_queue_of_a_killed_job_is_started_afresh(tmp_path):
    jobdir = tmp_path / "job"
    stale = jobdir / "requests.queue" / "127.0.0.1-0000" / "2"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"\x00\x00")  # a queue file cut mid-write
    (jobdir / "newsarchive.running").touch()  # left by a killed crawl
    with MirrorServer(FIXTURES) as server:
        result = run_crawl(tmp_path / "archive.db", start_urls(server), "lang=en,ur",
                           settings={"JOBDIR": str(jobdir)})
    assert result.returncode == 0, result.log
    assert "was killed: its request queue cannot be trusted" in result.log
    assert not stale.exists() and not (jobdir / "newsarchive.running").exists()
    assert query(tmp_path / "archive.db", "SELECT count(*) FROM articles") == [(13,)]


def test_the_stats_count_each_story_once_as_the_ledger_does(server, tmp_path):
    db = tmp_path / "archive.db"
    assert run_crawl(db, start_urls(server), "lang=en,ur").returncode == 0
    page = server.saved.lookup(EDITED_URL)
    server.replace(EDITED_URL, page.body().replace(OLD_SENTENCE.encode(), NEW_SENTENCE.encode()))
    assert run_crawl(db, start_urls(server), "lang=en,ur", "recheck_days=100000").returncode == 0
    for new, updated, unchanged, stats in query(db, "SELECT items_new, items_updated, items_unchanged, stats FROM runs"):
        stats = json.loads(stats)
        counted = tuple(stats.get(f"newsarchive/store/{outcome}", 0) for outcome in ("new", "updated", "unchanged"))
        assert counted == (new, updated, unchanged)
        fields = sum(count for key, count in stats.items() if key.startswith("newsarchive/fields/story_code/"))
        assert fields == new + updated + unchanged + stats.get("newsarchive/dedupe/in_run", 0)
    (stored,) = query(db, "SELECT count(*) FROM articles")[0]
    assert query(db, "SELECT items_new FROM runs WHERE id = 1") == [(stored,)]
