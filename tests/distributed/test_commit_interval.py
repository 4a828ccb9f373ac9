"""The store pipeline commits every ``NEWSARCHIVE_BATCH_SECONDS``, however
few stories are staged: a crawl killed with ``kill -9`` (an ordinary one,
no Redis) loses at most its last seconds, and the next run fetches only
what it had not committed. The distributed workers' hand-back relies on it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from newsarchive.replay.server import MirrorServer
from tests.conftest import FAST, ROOT, run_crawl
from tests.distributed.workers import MANY, codes, listing, story_fetches
from tests.helpers import query


def test_a_killed_crawl_keeps_all_but_its_last_seconds_and_the_next_run_fetches_only_the_rest(many, tmp_path):
    db = tmp_path / "archive.db"
    with MirrorServer(many, latency=0.05) as server:
        command = [sys.executable, str(ROOT / "tests" / "scrapy_strict.py"), "crawl", "islamtimes",
                   "-a", listing(server), "-a", "backfill=1"]
        for name, value in {**FAST, "NEWSARCHIVE_DB": str(db)}.items():  # NEWSARCHIVE_BATCH_SIZE: 1000
            command += ["-s", f"{name}={value}"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
        crawl = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while len(codes(db)) < 20:
            assert time.monotonic() < deadline and crawl.poll() is None, "nothing was committed mid-crawl"
            time.sleep(0.02)
        crawl.send_signal(signal.SIGKILL)
        crawl.communicate()
        kept = codes(db)
        assert len(story_fetches(server)) < MANY - 100, "the crawl was nearly over before the kill"
        assert query(db, "PRAGMA integrity_check") == [("ok",)]
        server.requests.clear()
        assert run_crawl(db, listing(server), "backfill=1").returncode == 0
        again = story_fetches(server)
    assert not set(again) & kept  # what was committed is not fetched again
    assert len(codes(db)) == MANY
