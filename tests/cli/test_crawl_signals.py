"""Signals to a real ``newsarchive crawl``, as a terminal, ``kill``, systemd
and a closed SSH session send them: the crawl is the command's own process,
so each signal does what it does under ``scrapy crawl`` and no crawl
outlives the command."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from newsarchive.archive import ArchiveBusy, ArchiveLock
from newsarchive.replay.server import MirrorServer
from tests.conftest import FAST, FIXTURES

START_PATHS = ("/robots.txt", "/en/rss/allnews", "/en/archive")


def articles_served(server) -> int:
    """Pages served past the start points: the stories (the mirror delays them)."""
    return sum(1 for path, _ in server.requests if path not in START_PATHS)


def start_crawl(tmp_path, server) -> subprocess.Popen:
    """``newsarchive crawl islamtimes`` over the slow mirror, in a session of
    its own (a terminal's process group)."""
    db = tmp_path / "archive.db"
    command = [sys.executable, "-m", "newsarchive.cli", "crawl", "islamtimes", "--db", str(db),
               "-a", f"start_urls={server.origin}/en/rss/allnews,{server.origin}/en/archive"]
    for name, value in {**FAST, "CONCURRENT_REQUESTS": "1", "NEWSARCHIVE_WARC_ENABLED": "False"}.items():
        command += ["-s", f"{name}={value}"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
    # The log goes to a file: a pipe would make the test wait for whoever holds it open.
    log = open(tmp_path / "crawl.log", "w")
    with log:
        return subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def finish(crawl, tmp_path, timeout: float = 90) -> str:
    crawl.wait(timeout=timeout)
    return (tmp_path / "crawl.log").read_text()


def wait_for_articles(crawl, server, count: int = 3) -> None:
    deadline = time.monotonic() + 90
    while articles_served(server) < count:
        assert crawl.poll() is None, "the crawl ended early"
        assert time.monotonic() < deadline, "the crawl fetched no articles"
        time.sleep(0.05)


def assert_no_crawl_left(db) -> None:
    """Nothing holds the site's lock once the command has exited: no
    orphaned crawl goes on writing."""
    try:
        ArchiveLock(db, "islamtimes").acquire().release()
    except ArchiveBusy as busy:  # pragma: no cover - the failure being tested for
        pytest.fail(f"a crawl outlived the command: {busy}")


def ledger(db) -> tuple:
    conn = sqlite3.connect(db)
    try:
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        run = conn.execute("SELECT finish_reason, finished_at, items_new FROM runs").fetchone()
    finally:
        conn.close()
    return stored, run


@pytest.mark.parametrize("signum, to_group", [
    (signal.SIGINT, True),    # Ctrl-C in a terminal: the whole process group
    (signal.SIGINT, False),   # kill -INT PID
    (signal.SIGTERM, False),  # kill PID, systemd stop
    (signal.SIGHUP, True),    # the terminal or SSH session closed
])
def test_a_first_signal_stops_the_crawl_gracefully(tmp_path, signum, to_group):
    with MirrorServer(FIXTURES, delay=0.5) as server:
        crawl = start_crawl(tmp_path, server)
        wait_for_articles(crawl, server)
        (os.killpg if to_group else os.kill)(crawl.pid, signum)
        output = finish(crawl, tmp_path)
    assert crawl.returncode == 0, output[-3000:]
    assert "Aborted!" not in output
    stored, (reason, finished, new) = ledger(tmp_path / "archive.db")
    # In-flight requests finished, the last batch written, the run closed.
    assert reason == "shutdown" and finished
    assert 1 <= stored < 13 and stored == new
    assert_no_crawl_left(tmp_path / "archive.db")


def test_a_second_signal_stops_it_at_once_and_the_exit_code_is_the_crawls(tmp_path):
    # Articles take 5 s each: the first signal's graceful stop is still
    # waiting for the one in flight when the second arrives.
    with MirrorServer(FIXTURES, delay=5.0) as server:
        crawl = start_crawl(tmp_path, server)
        wait_for_articles(crawl, server, count=1)
        time.sleep(0.5)  # the next story is requested, and will take 5 s
        before = articles_served(server)
        os.killpg(crawl.pid, signal.SIGINT)
        time.sleep(0.5)
        os.killpg(crawl.pid, signal.SIGINT)
        output = finish(crawl, tmp_path, timeout=60)
        in_flight_done = articles_served(server) > before  # read the moment the command ended
    assert "Received SIGINT twice, forcing unclean shutdown" in output, output[-3000:]
    assert not in_flight_done  # it did not wait for the story in flight
    # Cut short before it could write its last batch: not a job done.
    assert crawl.returncode == 1 and "Aborted!" not in output
    assert "The crawl stopped before it could close (a second signal stops it at once)" in output
    assert_no_crawl_left(tmp_path / "archive.db")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_no_crawl_outlives_a_killed_command(tmp_path, signum):
    with MirrorServer(FIXTURES, delay=0.5) as server:
        crawl = start_crawl(tmp_path, server)
        wait_for_articles(crawl, server, count=2)
        os.kill(crawl.pid, signum)
        finish(crawl, tmp_path)
        # A request already in the server's delay when the command died is
        # recorded once its delay is over: not an orphan's fetch.
        time.sleep(server.delay + 0.2)
        served = articles_served(server)
        time.sleep(1.5)  # an orphan would go on fetching
        assert articles_served(server) == served
        assert_no_crawl_left(tmp_path / "archive.db")
    assert crawl.returncode == (0 if signum == signal.SIGTERM else -signal.SIGKILL)
