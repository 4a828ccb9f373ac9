"""Distributed crawls end to end: worker processes (``scrapy crawl`` with
``NEWSARCHIVE_REDIS_URL``) share a real Redis and crawl a local mirror;
``newsarchive merge --redis`` makes one archive of their shards."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from collections import Counter

from warcio.archiveiterator import ArchiveIterator

from newsarchive.archive import ARTICLE_COLUMNS
from newsarchive.replay.server import MirrorServer
from tests.conftest import FIXTURES, ROOT, run_crawl
from tests.distributed.workers import (
    NEWSARCHIVE,
    STORIES,
    WHEN_AND_WHERE,
    GatedMirror,
    finish,
    listing,
    merge,
    story_fetches,
    worker,
)
from tests.helpers import query, start_urls


def stories(db) -> list[tuple]:
    columns = ", ".join(c for c in ("site", "story_code", *ARTICLE_COLUMNS) if c not in WHEN_AND_WHERE)
    return query(db, f"SELECT DISTINCT {columns} FROM articles ORDER BY site, story_code")


def test_three_workers_fetch_every_story_once_and_merge_into_the_single_machine_archive(
        mirror, redis_server, tmp_path):
    with GatedMirror(mirror, latency=0.01) as server:
        shards = [tmp_path / f"worker-{n}.db" for n in range(3)]
        workers = [worker(shard, redis_server.url, listing(server), "backfill=1") for shard in shards]
        server.open_when_joined(redis_server, 3, workers)
        logs = finish(workers)
        fetched = story_fetches(server)
    assert len(fetched) == STORIES and set(fetched.values()) == {1}, fetched.most_common(3)
    # The work was shared: every worker stored stories.
    per_worker = [query(shard, "SELECT count(*) FROM articles")[0][0] for shard in shards]
    assert sum(per_worker) == STORIES and min(per_worker) > 0, (per_worker, logs)

    merged = tmp_path / "merged.db"
    merge(shards, merged)
    with MirrorServer(mirror) as server:
        single = tmp_path / "single.db"
        assert run_crawl(single, listing(server), "backfill=1").returncode == 0
    assert stories(merged) == stories(single) and len(stories(merged)) == STORIES
    assert query(merged, "SELECT url, site, story_code FROM aliases ORDER BY url") == query(
        single, "SELECT url, site, story_code FROM aliases ORDER BY url")
    assert query(merged, "INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')") == []
    assert query(merged, "SELECT count(*) FROM runs") == [(3,)]
    # Merging a shard again changes nothing.
    before = query(merged, "SELECT * FROM articles ORDER BY rowid")
    merge(shards[:1], merged)
    assert query(merged, "SELECT * FROM articles ORDER BY rowid") == before


def test_after_merge_and_publish_the_next_distributed_run_fetches_no_story_page(mirror, redis_server, tmp_path):
    with MirrorServer(mirror) as server:
        first = [tmp_path / f"first-{n}.db" for n in range(2)]
        finish([worker(shard, redis_server.url, listing(server), "backfill=1") for shard in first])
        assert sum(story_fetches(server).values()) == STORIES
        published = merge(first, tmp_path / "merged.db", redis_server.url)
        assert f"Published to {redis_server.url}: {STORIES} stories" in published
        server.requests.clear()
        # New, empty shards: only the published state can tell what is archived.
        second = [tmp_path / f"second-{n}.db" for n in range(2)]
        logs = finish([worker(shard, redis_server.url, listing(server)) for shard in second])
        assert story_fetches(server) == Counter()
        assert [path for path, _ in server.requests if path.startswith("/en/archive")] == ["/en/archive"]
    assert "'newsarchive/discovery/skipped_archived': 20" in "".join(logs)


def test_a_worker_stopped_with_sigterm_hands_its_work_back_at_once(mirror, redis_server, tmp_path):
    # No wait for a silent worker: it hands its work back itself as it leaves.
    settings = {"NEWSARCHIVE_BATCH_SIZE": "10"}
    with MirrorServer(mirror, latency=0.03) as server:
        stopped, survivor = tmp_path / "stopped.db", tmp_path / "survivor.db"
        first = worker(stopped, redis_server.url, listing(server), "backfill=1", settings=settings)
        other = worker(survivor, redis_server.url, listing(server), "backfill=1", settings=settings)
        deadline = time.monotonic() + 120
        while not (stopped.exists() and _stored(stopped) >= 20):
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.05)
        began = time.monotonic()
        first.send_signal(signal.SIGTERM)
        log = finish([first, other])
        fetched = story_fetches(server)
    assert time.monotonic() - began < 60
    assert re.search(r"Worker \S+ stopped \(shutdown\): it handed its \d+ unfinished requests back to the shared "
                     r"queue", log[0]), log[0][-3000:]
    assert "Queued again" not in log[1]
    assert query(stopped, "SELECT finish_reason FROM runs") == [("shutdown",)]
    merged = tmp_path / "merged.db"
    merge([stopped, survivor], merged)
    assert query(merged, "SELECT count(DISTINCT story_code) FROM articles") == [(STORIES,)]
    # What the stopped worker finished is not fetched again.
    assert sum(fetched.values()) - STORIES <= 4, fetched.most_common(5)


def _stored(db) -> int:
    try:
        return query(db, "SELECT count(*) FROM articles")[0][0]
    except sqlite3.OperationalError:
        return 0


def test_variant_urls_of_a_site_merge_as_in_a_single_crawl_and_captures_gather_for_reparse(
        redis_server, tmp_path):
    """Islam Times' fixtures: stories reached by several URLs and editions."""
    with MirrorServer(FIXTURES) as server:
        shards = [tmp_path / f"worker-{n}.db" for n in range(2)]
        finish([worker(shard, redis_server.url, start_urls(server), "lang=en,ur",
                       settings={"NEWSARCHIVE_WARC_DIR": str(tmp_path / f"warc-{n}")})
                for n, shard in enumerate(shards)])
    merged = tmp_path / "merged.db"
    merge(shards, merged)
    # Each worker's WARC files carry the host in their names; gathered in
    # one folder, the merged archive's capture columns find every story.
    gathered = tmp_path / "gathered"
    gathered.mkdir()
    for folder in tmp_path.glob("warc-*"):  # a worker that fetched nothing wrote none
        for warc in folder.iterdir():
            assert f"-{socket.gethostname().split('.')[0]}-" in warc.name
            shutil.copy(warc, gathered / warc.name)
    for name, offset in query(merged, "SELECT capture_file, capture_offset FROM articles"):
        with open(gathered / name, "rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
            assert record.rec_type == "response"
    before = stories(merged)
    done = subprocess.run([*NEWSARCHIVE, "reparse", "--db", str(merged), "--warc-dir", str(gathered)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "0 new, 0 updated" in done.stdout, done.stdout + done.stderr
    assert stories(merged) == before
    with MirrorServer(FIXTURES) as server:
        single = tmp_path / "single.db"
        assert run_crawl(single, start_urls(server), "lang=en,ur").returncode == 0
    assert stories(merged) == stories(single) and len(stories(single)) == 13
    assert query(merged, "SELECT url, site, story_code FROM aliases ORDER BY url") == query(
        single, "SELECT url, site, story_code FROM aliases ORDER BY url")
    assert query(merged, "SELECT url, reason FROM dropped ORDER BY url") == query(
        single, "SELECT url, reason FROM dropped ORDER BY url")
