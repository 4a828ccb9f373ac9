from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsarchive.archive import Archive
from newsarchive.replay.pages import SavedSite
from newsarchive.sites import ISLAM_TIMES

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "islamtimes"
GENERIC_FIXTURES = ROOT / "fixtures" / "generic-site"
SEED_TEXT = FIXTURES / "seed.txt"
#: Fast, for tests over 127.0.0.1; politeness defaults are tested on their own.
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "INFO"}


@pytest.fixture
def archive(tmp_path):
    """An empty archive, closed after the test."""
    archive = Archive(tmp_path / "archive.db")
    yield archive
    archive.close()


@pytest.fixture(scope="session")
def saved_site() -> SavedSite:
    return SavedSite(FIXTURES)


@pytest.fixture(scope="session")
def site():
    return ISLAM_TIMES


def load_expected(page) -> dict:
    return json.loads(page.expected.read_text(encoding="utf-8"))


def _limit_file_size(size: int) -> None:
    # Past the limit a write fails with EFBIG, as on a full disk (SQLite: "database or disk is full"),
    # instead of the default SIGXFSZ killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


@dataclass
class CrawlResult:
    returncode: int
    log: str

    def lines(self, level: str) -> list[str]:
        return [line for line in self.log.splitlines() if f"] {level}:" in line]


def run_crawl(db: Path, *args: str, settings: dict | None = None, timeout: int = 120,
              spider: str = "islamtimes", max_file_size: int | None = None) -> CrawlResult:
    """``scrapy crawl <spider>`` in a child process, as a user runs it.
    ``max_file_size``: no file the crawl writes may grow past it (a full disk)."""
    command = [sys.executable, str(ROOT / "tests" / "scrapy_strict.py"), "crawl", spider]
    for name, value in {**FAST, "NEWSARCHIVE_DB": str(db), **(settings or {})}.items():
        command += ["-s", f"{name}={value}"]
    for arg in args:
        command += ["-a", arg]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
        preexec_fn=(lambda: _limit_file_size(max_file_size)) if max_file_size else None,
    )
    return CrawlResult(done.returncode, done.stdout + done.stderr)


@pytest.fixture
def redis_server(tmp_path):
    """A real Redis server on an ephemeral 127.0.0.1 port, stopped after the test."""
    from tests.redis_server import RedisServer

    if not shutil.which("redis-server") and not os.environ.get("CI"):
        pytest.skip("Debian's redis-server is not installed (.ci/run installs it)")

    with RedisServer(tmp_path) as server:
        yield server
