"""``newsarchive crawl`` from a directory with no scrapy.cfg, as after
``pip install``: the package's settings, arguments passed through, the
crawls' exit status."""

from __future__ import annotations

import sqlite3

from tests.conftest import FIXTURES
from tests.helpers import newsarchive



def test_crawl_from_any_directory_stores_the_sites_stories(tmp_path):
    assert not (tmp_path / "scrapy.cfg").exists()
    done = newsarchive(tmp_path, "crawl", "islamtimes", "-a", "lang=en,ur", "-s", f"NEWSARCHIVE_REPLAY={FIXTURES}")
    assert done.returncode == 0, done.stderr[-3000:]
    conn = sqlite3.connect(tmp_path / "archive.db")
    assert conn.execute("SELECT count(*) FROM articles WHERE site = 'islamtimes'").fetchone()[0] == 13
    assert conn.execute("SELECT spider, site, finish_reason FROM runs").fetchall() == [
        ("islamtimes", "islamtimes", "finished")]


def test_several_sites_run_in_one_crawl_and_a_refused_one_fails_the_command(tmp_path):
    done = newsarchive(tmp_path, "crawl", "islamtimes", "no-such-site", "--db", str(tmp_path / "a.db"),
                       "-s", f"NEWSARCHIVE_REPLAY={FIXTURES}")
    assert done.returncode == 1 and "Not crawling:" in done.stderr and "no-such-site" in done.stderr
    conn = sqlite3.connect(tmp_path / "a.db")
    assert conn.execute("SELECT spider, site, items_new FROM runs").fetchall() == [("news", "islamtimes", 12)]


def test_a_refused_crawl_makes_the_command_fail(tmp_path):
    done = newsarchive(tmp_path, "crawl", "islamtimes", "-a", "lang=xx", "-s", f"NEWSARCHIVE_REPLAY={FIXTURES}")
    assert done.returncode == 1 and "is not an edition of islamtimes" in done.stderr
    bad = newsarchive(tmp_path, "crawl", "islamtimes", "-a", "lang")
    assert bad.returncode == 2 and "NAME=VALUE" in bad.stderr
