"""A worker that cannot join its shared crawl refuses with one line, exit 1,
before it writes anything; one whose Redis goes away stops with one line,
exit 1, keeping what it committed."""

from __future__ import annotations

import sqlite3
import time

from newsarchive.replay.server import MirrorServer
from tests.conftest import FIXTURES, run_crawl
from tests.distributed.workers import listing, worker
from tests.redis_server import _free_port


def test_an_unreachable_redis_refuses_the_crawl_before_the_archive_is_touched(tmp_path):
    url = f"redis://127.0.0.1:{_free_port()}/0"  # nothing listens there
    result = run_crawl(tmp_path / "shard.db", settings={"NEWSARCHIVE_REDIS_URL": url,
                                                       "NEWSARCHIVE_REPLAY": str(FIXTURES)})
    assert result.returncode == 1
    errors = result.lines("ERROR")
    assert len(errors) == 1 and f"Not crawling: the shared crawl's Redis at {url} does not answer" in errors[0]
    assert "Traceback" not in result.log
    assert list(tmp_path.iterdir()) == []


def test_a_redis_url_that_is_not_one_is_refused(tmp_path):
    result = run_crawl(tmp_path / "shard.db", settings={"NEWSARCHIVE_REDIS_URL": "http://127.0.0.1:6379"})
    assert result.returncode == 1
    assert "Not crawling: NEWSARCHIVE_REDIS_URL must be like redis://host:6379/0, not 'http://127.0.0.1:6379'" \
        in result.log


def test_a_requeue_time_too_short_to_tell_a_busy_worker_from_a_dead_one_is_refused(tmp_path, redis_server):
    result = run_crawl(tmp_path / "shard.db", settings={"NEWSARCHIVE_REDIS_URL": redis_server.url,
                                                       "NEWSARCHIVE_REDIS_REQUEUE_AFTER": "0.2"})
    assert result.returncode == 1
    assert "Not crawling: NEWSARCHIVE_REDIS_REQUEUE_AFTER must be at least 3.0, not '0.2'" in result.log
    # Nor may it be under three heartbeats.
    result = run_crawl(tmp_path / "shard.db", settings={"NEWSARCHIVE_REDIS_URL": redis_server.url,
                                                       "NEWSARCHIVE_REDIS_HEARTBEAT": "2",
                                                       "NEWSARCHIVE_REDIS_REQUEUE_AFTER": "5"})
    assert result.returncode == 1
    assert "Not crawling: NEWSARCHIVE_REDIS_REQUEUE_AFTER must be at least 6.0, not '5'" in result.log


def test_a_worker_whose_redis_goes_away_stops_with_one_line_and_keeps_what_it_stored(
        redis_server, tmp_path, mirror):
    shard = tmp_path / "shard.db"
    with MirrorServer(mirror, latency=0.05) as server:
        process = worker(shard, redis_server.url, listing(server), "backfill=1", settings={"NEWSARCHIVE_BATCH_SIZE": "5"})
        deadline = time.monotonic() + 60
        while not (shard.exists() and _stored(shard) >= 10):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        redis_server.process.terminate()
        log = process.communicate(timeout=120)[1]
    assert process.returncode == 1, log[-3000:]
    assert "The shared crawl's Redis failed" in log and "this worker stops" in log
    assert "Traceback" not in log
    conn = sqlite3.connect(shard)
    assert conn.execute("SELECT finish_reason FROM runs").fetchall() == [("redis_error",)]
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= 10
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _stored(db) -> int:
    try:
        conn = sqlite3.connect(db)
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
