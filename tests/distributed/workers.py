"""Worker processes of a distributed crawl, and the mirror they crawl."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter

from newsarchive.replay.server import MirrorServer
from tests.conftest import FAST, ROOT

STORIES = 150
STORY_PATH = re.compile(r"^/en/news/(\d+)/")
NEWSARCHIVE = [sys.executable, "-m", "newsarchive.cli"]
#: Columns that depend on when and by which worker a story was fetched.
WHEN_AND_WHERE = {"fetched_at", "first_seen", "last_seen", "capture_file", "capture_offset"}


def worker(db, redis_url: str, *args: str, settings: dict | None = None) -> subprocess.Popen:
    command = [sys.executable, str(ROOT / "tests" / "scrapy_strict.py"), "crawl", "islamtimes"]
    merged = {**FAST, "NEWSARCHIVE_DB": str(db), "NEWSARCHIVE_REDIS_URL": redis_url,
              "NEWSARCHIVE_REDIS_IDLE_CLOSE": "1", **(settings or {})}
    for name, value in merged.items():
        command += ["-s", f"{name}={value}"]
    for arg in args:
        command += ["-a", arg]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def finish(processes, timeout: int = 180) -> list[str]:
    logs = [process.communicate(timeout=timeout)[1] for process in processes]
    assert [p.returncode for p in processes] == [0] * len(processes), "\n".join(log[-3000:] for log in logs)
    return logs


def story_fetches(server) -> Counter:
    """Requests for each story page a mirror served."""
    return Counter(m.group(1) for path, _ in server.requests if (m := STORY_PATH.match(path)))


def listing(server) -> str:
    return f"start_urls={server.origin}/en/archive"


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
