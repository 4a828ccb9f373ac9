"""A story that disappears is marked, not deleted; SIGTERM closes cleanly."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from newsarchive.replay.server import MirrorServer
from tests.conftest import FAST, FIXTURES, ROOT, run_crawl
from tests.faults.server import FaultServer, article_html, page

STORY = "/en/news/3100001/a-story-that-will-vanish"


def test_archived_story_that_disappears_is_marked_gone_not_deleted(tmp_path):
    db = tmp_path / "archive.db"
    with FaultServer() as server:
        server.routes["/en/archive"] = page(f'<a href="{STORY}">story</a>'.encode())
        server.routes[STORY] = page(article_html("3100001", "Here Today", ["Gone tomorrow, said the text."]).encode())
        start = f"start_urls={server.origin}/en/archive"
        assert run_crawl(db, start).returncode == 0
        server.routes[STORY] = page(b"not found", status=404)
        assert run_crawl(db, start, "recheck_days=100000").returncode == 0
        conn = sqlite3.connect(db)
        title, gone_at = conn.execute("SELECT title, gone_at FROM articles WHERE story_code = '3100001'").fetchone()
        assert title == "Here Today" and gone_at  # kept, with when it went
        # It comes back: no longer gone.
        server.routes[STORY] = page(article_html("3100001", "Here Today", ["Gone tomorrow, said the text."]).encode())
        assert run_crawl(db, start, "recheck_days=100000").returncode == 0
        assert conn.execute("SELECT gone_at FROM articles WHERE story_code = '3100001'").fetchone() == (None,)
        conn.close()


def test_sigterm_finishes_the_batch_and_closes_the_run(tmp_path):
    db = tmp_path / "archive.db"
    with MirrorServer(FIXTURES, delay=0.5) as server:
        command = [sys.executable, str(ROOT / "tests" / "scrapy_strict.py"), "crawl", "islamtimes",
                   "-a", f"start_urls={server.origin}/en/rss/allnews,{server.origin}/en/archive"]
        for name, value in {**FAST, "NEWSARCHIVE_DB": str(db), "CONCURRENT_REQUESTS": "1"}.items():
            command += ["-s", f"{name}={value}"]
        crawl = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        # Articles are served half a second apart: wait for the third, then stop.
        while sum(1 for p, s in server.requests if "/news/" in p or "/article/" in p) < 3:
            assert time.monotonic() < deadline and crawl.poll() is None
            time.sleep(0.05)
        os.kill(crawl.pid, signal.SIGTERM)
        _, log = crawl.communicate(timeout=60)
    assert crawl.returncode == 0, log
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    reason, finished, new = conn.execute("SELECT finish_reason, finished_at, items_new FROM runs").fetchone()
    assert reason == "shutdown" and finished
    # Nothing was written before the stop (one batch of 1000): all of it was flushed at close.
    assert 1 <= stored < 13 and stored == new
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
