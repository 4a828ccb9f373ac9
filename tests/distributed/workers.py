"""Worker processes of a distributed crawl, and the mirror they crawl."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter

import redis

from newsarchive.replay.server import MirrorServer
from tests.conftest import FAST, ROOT, _limit_file_size

STORIES = 150
#: Stories of the mirror the tests that kill a crawl mid-way use (fixture ``many``).
MANY = 400
STORY_PATH = re.compile(r"^/en/news/(\d+)/")
NEWSARCHIVE = [sys.executable, "-m", "newsarchive.cli"]
#: Columns that depend on when and by which worker a story was fetched.
WHEN_AND_WHERE = {"fetched_at", "first_seen", "last_seen", "capture_file", "capture_offset"}


def worker(db, redis_url: str, *args: str, settings: dict | None = None,
           max_file_size: int | None = None) -> subprocess.Popen:
    """A worker process; ``max_file_size``: no file it writes may grow past
    it (a full disk)."""
    command = [sys.executable, str(ROOT / "tests" / "scrapy_strict.py"), "crawl", "islamtimes"]
    merged = {**FAST, "NEWSARCHIVE_DB": str(db), "NEWSARCHIVE_REDIS_URL": redis_url,
              "NEWSARCHIVE_REDIS_IDLE_CLOSE": "1", **(settings or {})}
    for name, value in merged.items():
        command += ["-s", f"{name}={value}"]
    for arg in args:
        command += ["-a", arg]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=(lambda: _limit_file_size(max_file_size)) if max_file_size else None)


def finish(processes, timeout: int = 180) -> list[str]:
    """Wait for the workers (``timeout`` seconds for all); each must exit 0."""
    deadline = time.monotonic() + timeout
    try:
        logs = [process.communicate(timeout=max(0.1, deadline - time.monotonic()))[1] for process in processes]
    except subprocess.TimeoutExpired:
        for process in processes:  # none outlives the test
            process.kill()
            process.communicate()
        raise
    assert [p.returncode for p in processes] == [0] * len(processes), "\n".join(log[-3000:] for log in logs)
    return logs


def codes(db) -> set[str]:
    """The story codes an archive holds (none before it has its tables)."""
    try:
        conn = sqlite3.connect(db)
        try:
            return {code for (code,) in conn.execute("SELECT story_code FROM articles")}
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return set()


def story_fetches(server) -> Counter:
    """Requests for each story page a mirror served."""
    return Counter(m.group(1) for path, _ in server.requests if (m := STORY_PATH.match(path)))


def listing(server) -> str:
    return f"start_urls={server.origin}/en/archive"


def agent(n: int) -> dict:
    """Settings that name worker ``n`` in its requests (see WhoFetched)."""
    return {"USER_AGENT": f"newsarchive-test-worker-{n}"}


class WhoFetched(MirrorServer):
    """A mirror that also records which worker (by its user agent, see
    :func:`agent`) asked for each story."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_worker: list[tuple[str, str]] = []
        answer = self.httpd.RequestHandlerClass
        seen = self.by_worker

        class Recording(answer):
            def do_GET(self):  # noqa: N802
                if match := STORY_PATH.match(self.path):
                    seen.append((self.headers.get("User-Agent", ""), match.group(1)))
                super().do_GET()

        self.httpd.RequestHandlerClass = Recording

    def stories_of(self, n: int) -> Counter:
        """Story fetches worker ``n`` asked for."""
        name = agent(n)["USER_AGENT"]
        return Counter(code for who, code in self.by_worker if who == name)


def restart_redis(redis_server) -> None:
    """Stop the test's Redis and start a new one on the same port: its state
    is gone (no persistence), as after a restart of a Redis that keeps none."""
    redis_server.process.terminate()
    redis_server.process.wait(timeout=10)
    redis_server.process.stdout.close()
    redis_server.process = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(redis_server.port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", str(redis_server.folder)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        try:
            if redis_server.client().ping():
                return
        except redis.ConnectionError:  # not listening yet
            assert time.monotonic() < deadline, "redis-server did not start again"
            time.sleep(0.05)


class GatedMirror(MirrorServer):
    """A mirror that answers nothing until every worker has joined the crawl."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()
        answer = self.httpd.RequestHandlerClass
        gate = self.gate

        class Gated(answer):
            def do_GET(self):  # noqa: N802
                gate.wait(60)
                super().do_GET()

        self.httpd.RequestHandlerClass = Gated

    def open_when_joined(self, redis_server, workers: int, processes) -> None:
        key = "newsarchive:crawl:islamtimes:islamtimes:workers"
        deadline = time.monotonic() + 60
        while redis_server.client().hlen(key) < workers:
            assert time.monotonic() < deadline and all(p.poll() is None for p in processes)
            time.sleep(0.05)
        self.gate.set()


def merge(shards, into, redis_url: str | None = None) -> str:
    """``newsarchive merge`` of the shards into ``into`` (and ``--redis``); its output."""
    command = [*NEWSARCHIVE, "merge", *map(str, shards), "--into", str(into)]
    if redis_url:
        command += ["--redis", redis_url]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
