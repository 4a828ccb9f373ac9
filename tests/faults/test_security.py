"""Security defaults: no remote control, no file name from a URL, robots.txt
and throttling on (robots.txt is also tested end to end)."""

from __future__ import annotations

import re

from newsarchive.capture.reader import warc_files
from newsarchive.replay.pages import SavedSite
from tests.conftest import FIXTURES, run_crawl
from tests.faults.server import FaultServer, article_html, page

TRAVERSAL = "/en/news/3200001/..%2F..%2F..%2Fetc%2Fpasswd"


def test_replay_never_maps_a_url_to_a_file():
    saved = SavedSite(FIXTURES)
    for url in ("https://www.islamtimes.com/../pages.json", "https://www.islamtimes.com/pages/1023423.html",
                "https://www.islamtimes.com/%2e%2e/%2e%2e/etc/passwd", "file:///etc/passwd"):
        assert saved.lookup(url) is None


def test_crawl_keeps_remote_control_off_and_names_files_by_run(tmp_path):
    db = tmp_path / "archive.db"
    with FaultServer() as server:
        server.routes["/en/archive"] = page(f'<a href="{TRAVERSAL}">x</a>'.encode())
        server.routes[TRAVERSAL] = page(article_html("3200001", "Odd URL", ["A story behind an odd URL, fetched."]).encode())
        result = run_crawl(db, f"start_urls={server.origin}/en/archive")
    assert result.returncode == 0, result.log
    extensions = result.log.split("Enabled extensions:")[1].split("]")[0]
    assert "RemoteControl" not in extensions and "Telnet" not in extensions
    assert "'ROBOTSTXT_OBEY': True" in result.log
    files = warc_files(tmp_path / "warc")
    assert files and all(re.fullmatch(r"islamtimes-\d{8}T\d{6}Z-[A-Za-z0-9-]+-\d+-\d{5}\.warc\.gz", f.name) for f in files)
    # Every file the crawl wrote is the archive, its lock or a WARC file: none named after a URL.
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {"archive.db", "archive.db-shm", "archive.db-wal", "archive.db.lock", "archive.db.site-islamtimes.lock", *(f"warc/{f.name}" for f in files)} - (
        {"archive.db-shm", "archive.db-wal"} - written
    )
