"""Workers lost and found again, through real processes on a real Redis:
a worker killed with ``kill -9``, one whose archive fails, one started
again after the others finished, a rerun after Redis lost its state.

With the project's defaults unless said (``NEWSARCHIVE_BATCH_SIZE`` 1000 is
more than a mirror has: only the commit interval commits mid-crawl; a
worker is taken for dead after 5 s without a heartbeat)."""

from __future__ import annotations

import re
import signal
import time
from collections import Counter

from newsarchive.replay.server import MirrorServer
from tests.distributed.workers import (
    MANY,
    STORIES,
    WhoFetched,
    agent,
    codes,
    finish,
    listing,
    merge,
    restart_redis,
    story_fetches,
    worker,
)
from tests.helpers import query


def test_a_killed_worker_costs_only_what_it_had_not_committed_and_is_replaced_within_seconds(
        many, redis_server, tmp_path):
    with WhoFetched(many, latency=0.1) as server:
        shards = [tmp_path / f"worker-{n}.db" for n in range(3)]
        workers = [worker(shard, redis_server.url, listing(server), "backfill=1", settings=agent(n))
                   for n, shard in enumerate(shards)]
        victim = workers[0]
        deadline = time.monotonic() + 120
        while len(server.stories_of(0)) < 60:  # several seconds of its work: more than one commit interval
            assert time.monotonic() < deadline and victim.poll() is None
            time.sleep(0.02)
        victim.send_signal(signal.SIGKILL)
        victim.communicate()
        served_at_kill = len(server.by_worker)
        committed = codes(shards[0])
        fetched_by_victim = set(server.stories_of(0))
        # The survivors take its work back within seconds: with the old fixed
        # 120 s before a silent worker's work was queued again, they could
        # not finish in this time.
        logs = finish(workers[1:], timeout=90)
        fetched = story_fetches(server)
    assert served_at_kill < MANY - 100, "the crawl was nearly over before the kill"
    assert committed, "the victim committed nothing mid-crawl"
    # What it committed is not fetched again; at most what it had fetched since its last commit is.
    twice = {code for code, count in fetched.items() if count > 1}
    assert twice <= fetched_by_victim - committed, (sorted(twice & committed), len(fetched_by_victim - committed))
    said = [m for log in logs for m in re.finditer(
        r"Queued again (\d+) requests of worker (\S+): no heartbeat from it for ([\d.]+) s", log)]
    assert len(said) == 1, [log[-3000:] for log in logs]
    assert f":{victim.pid}:" in said[0].group(2) and float(said[0].group(3)) < 60
    merged = tmp_path / "merged.db"
    merge(shards, merged)
    assert query(merged, "SELECT count(*) FROM articles") == [(MANY,)]
    assert len(fetched) == MANY


def test_a_worker_whose_archive_fails_hands_its_work_back_itself_and_is_reported_so(mirror, redis_server, tmp_path):
    with MirrorServer(mirror, latency=0.03) as server:
        full, other = tmp_path / "full.db", tmp_path / "other.db"
        failing = worker(full, redis_server.url, listing(server), "backfill=1",
                         settings={"NEWSARCHIVE_WARC_ENABLED": "False", "NEWSARCHIVE_BATCH_SIZE": "5"},
                         max_file_size=200_000)  # its disk fills up mid-crawl
        survivor = worker(other, redis_server.url, listing(server), "backfill=1")
        failed_log = failing.communicate(timeout=120)[1]
        log = finish([survivor])[0]
    assert failing.returncode == 1, failed_log[-3000:]
    assert "Cannot write the archive" in failed_log
    handed = re.search(r"Worker \S+ stopped \(its archive could not be written\): it handed its (\d+) unfinished "
                       r"requests back to the shared queue", failed_log)
    assert handed and int(handed.group(1)) > 0, failed_log[-3000:]
    # The others have nothing to take back, and say nothing of a silent worker.
    assert "Queued again" not in log and "silent" not in log, log[-3000:]
    merged = tmp_path / "merged.db"
    merge([full, other], merged)
    assert query(merged, "SELECT count(*) FROM articles") == [(STORIES,)]


def test_a_worker_started_again_after_the_others_finished_fetches_no_story_a_shard_holds(
        mirror, redis_server, tmp_path):
    with MirrorServer(mirror, latency=0.01) as server:
        shards = [tmp_path / f"worker-{n}.db" for n in range(2)]
        finish([worker(shard, redis_server.url, listing(server), "backfill=1") for shard in shards])
        assert all(codes(shard) for shard in shards)
        server.requests.clear()
        # No merge yet: the crawl is over (a new one starts), its claims are gone.
        log = finish([worker(shards[0], redis_server.url, listing(server), "backfill=1")])[0]
        assert story_fetches(server) == Counter(), log[-3000:]
    assert "started the shared crawl" in log
    assert f"Published the story state of {shards[1]}" in log
    merged = tmp_path / "merged.db"
    merge(shards, merged)
    assert query(merged, "SELECT count(*) FROM articles") == [(STORIES,)]


def test_after_redis_lost_its_state_a_rerun_fetches_no_story_any_shard_holds(mirror, redis_server, tmp_path):
    with MirrorServer(mirror, latency=0.01) as server:
        shards = [tmp_path / f"worker-{n}.db" for n in range(2)]
        finish([worker(shard, redis_server.url, listing(server), "backfill=1") for shard in shards])
        restart_redis(redis_server)
        assert redis_server.client().dbsize() == 0
        server.requests.clear()
        logs = finish([worker(shard, redis_server.url, listing(server), "backfill=1") for shard in shards])
        assert story_fetches(server) == Counter(), [log[-3000:] for log in logs]
    assert "'newsarchive/discovery/skipped_archived'" in "".join(logs)
