"""A site that cannot be reached — offline, a name that does not resolve, a
port that refuses, a server that never answers — is a failed run: one line
naming the site and the cause, exit 1, ``unreachable`` in the ledger, and
``newsarchive health`` says so. No traceback for a network error."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys

from tests.conftest import run_crawl
from tests.faults.server import FaultServer, article_html, page, reset_mid_body


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def health(db) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsarchive.cli", "health", "--db", str(db)],
                          capture_output=True, text=True, timeout=60)


def assert_unreachable(db, result, site: str) -> None:
    assert result.returncode == 1, result.log[-3000:]
    assert "Traceback" not in result.log
    unreachable = [line for line in result.lines("ERROR") if "is unreachable" in line]
    assert len(unreachable) == 1 and f"] ERROR: {site} is unreachable: none of its" in unreachable[0]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT finish_reason, items_new FROM runs").fetchall() == [("unreachable", 0)]
    conn.close()
    checked = health(db)
    assert checked.returncode == 1 and "FAILED" in checked.stdout, checked.stdout + checked.stderr


def test_a_port_that_refuses_is_an_unreachable_site(tmp_path):
    db = tmp_path / "archive.db"
    result = run_crawl(db, f"start_urls=http://127.0.0.1:{closed_port()}/en/rss/allnews")
    assert_unreachable(db, result, "islamtimes")
    assert "Connection refused" in next(line for line in result.log.splitlines() if "is unreachable" in line)


def test_a_name_that_does_not_resolve_is_an_unreachable_site(tmp_path):
    # .invalid never resolves (RFC 6761), online or not; DNS lookups fail as offline.
    db = tmp_path / "archive.db"
    result = run_crawl(db, "site=https://news.example.invalid/", spider="news", settings={"RETRY_TIMES": "0"})
    assert_unreachable(db, result, "news.example.invalid")


def test_a_server_that_never_answers_is_an_unreachable_site(tmp_path):
    db = tmp_path / "archive.db"
    with socket.socket() as silent:  # accepts connections (the backlog), never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        result = run_crawl(db, f"start_urls=http://127.0.0.1:{port}/en/archive",
                           settings={"DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": "0"})
    assert_unreachable(db, result, "islamtimes")


def test_a_site_that_answers_with_errors_is_not_unreachable(tmp_path):
    db = tmp_path / "archive.db"
    with FaultServer() as server:  # every path answers 404
        result = run_crawl(db, f"start_urls={server.origin}/en/archive")
    assert result.returncode == 0, result.log[-3000:]
    assert sqlite3.connect(db).execute("SELECT finish_reason FROM runs").fetchall() == [("finished",)]


def test_one_start_point_answering_is_enough(tmp_path):
    db = tmp_path / "archive.db"
    with FaultServer() as server:
        server.routes["/en/archive"] = page(b'<a href="/en/news/3200001/a-story">story</a>')
        server.routes["/en/news/3200001/a-story"] = page(article_html("3200001", "Still Here", ["Text."]).encode())
        server.routes["/en/rss/allnews"] = reset_mid_body
        result = run_crawl(db, f"start_urls={server.origin}/en/rss/allnews,{server.origin}/en/archive",
                           settings={"RETRY_TIMES": "0"})
    assert result.returncode == 0, result.log[-3000:]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT finish_reason, items_new FROM runs").fetchall() == [("finished", 1)]
    # The failed start point is one line, without a traceback.
    assert "Traceback" not in result.log
    assert any("Error downloading" in line and "allnews" in line for line in result.lines("ERROR"))
