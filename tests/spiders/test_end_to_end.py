"""The whole crawl over real HTTP: the saved site served on 127.0.0.1, the
``islamtimes`` spider pointed at it, every pipeline, a temporary archive."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsarchive.replay.expected import comparable
from newsarchive.replay.server import MirrorServer
from tests.conftest import FIXTURES, CrawlResult, load_expected, run_crawl
from tests.helpers import stored_rows

VARIANT_STORY = "1023425"


def dump(db) -> list:
    conn = sqlite3.connect(db)
    try:
        return [
            (table, list(conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")))
            for table in ("articles", "aliases")
        ]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def mirror():
    with MirrorServer(FIXTURES) as server:
        yield server


def start_urls(mirror) -> str:
    paths = ("/en/rss/allnews", "/en/archive", "/ur/rss/allnews")
    return "start_urls=" + ",".join(mirror.origin + path for path in paths)


@dataclass
class Crawl:
    db: Path
    result: CrawlResult
    #: (path, status) of every request the mirror served
    served: list[tuple[str, int]]

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.served]


@pytest.fixture(scope="module")
def first_crawl(mirror, tmp_path_factory):
    db = tmp_path_factory.mktemp("e2e") / "archive.db"
    mirror.requests.clear()
    result = run_crawl(db, start_urls(mirror), "lang=en,ur")
    return Crawl(db, result, list(mirror.requests))


def test_crawl_finishes_cleanly(first_crawl):
    result = first_crawl.result
    assert result.returncode == 0, result.log
    assert not result.lines("ERROR"), result.log
    assert "Traceback" not in result.log
    assert "(finished)" in result.log


def test_one_row_per_story_equal_to_the_expected_items(first_crawl, saved_site):
    db = first_crawl.db
    rows = stored_rows(db)
    expected = {
        e["story_code"]: e for p in saved_site if p.expected and "story_code" in (e := load_expected(p))
    }
    assert len(rows) == len(expected) == 13
    for code, row in rows.items():
        assert comparable(row) == expected[code], code


def test_dates_are_utc_iso(first_crawl):
    rows = stored_rows(first_crawl.db)
    assert rows["1023423"]["published"] == "2022-11-08T05:48:00Z"
    assert rows["1023423"]["published_raw"] == "Tuesday 8 November 2022 - 09:18"
    assert rows["1023423"]["published_tz_source"] == "site default"
    assert rows["1023431"]["published_tz_source"] == "page"
    dated = [r["published"] for r in rows.values() if r["published"]]
    assert len(dated) == 12 and all(d.endswith("Z") for d in dated)
    assert rows["1023398"]["published"] is None  # the page with no date is kept


def test_bodies_are_clean(first_crawl):
    rows = stored_rows(first_crawl.db)
    for row in rows.values():
        body = row["body"]
        assert "Featured Stories" not in body and "Related News" not in body
        assert "Story Code" not in body and "\nComment" not in body
        assert not body.startswith(row["title"])
        for entry in row["related"]:
            assert entry["title"] not in body.split("\n\n")
    seed_paragraphs = rows["1023423"]["body"].split("\n\n")
    assert len(seed_paragraphs) == 5 and seed_paragraphs[-1].startswith("His comments were echoed")


def test_every_story_fetched_once_whatever_url_variants_link_to_it(first_crawl, site):
    pages = Counter(site.story_code("http://h" + path) for path, status in first_crawl.served if status == 200)
    del pages[None]
    assert len(pages) == 14 and set(pages.values()) == {1}, pages
    assert not any("utm_" in p or p.endswith("/print") for p in first_crawl.paths)


def test_variant_urls_become_aliases(first_crawl):
    conn = sqlite3.connect(first_crawl.db)
    aliases = {url for (url,) in conn.execute("SELECT url FROM aliases WHERE story_code = ?", [VARIANT_STORY])}
    assert aliases == {
        "https://www.islamtimes.com/en/news/1023425/biden-administration-privately-asks-us-banks-to-keep-working-with-russia",
        "http://islamtimes.org/en/doc/news/1023425/?utm_source=dlvr.it&utm_medium=twitter",
        "https://islamtimes.org/en/news/1023425/biden-administration-privately-asks-us-banks-to-keep-working-with-russia",
    }
    print_alias = conn.execute(
        "SELECT story_code FROM aliases WHERE url LIKE '%/1023423/%/print'"
    ).fetchone()
    assert print_alias == ("1023423",)
    assert not conn.execute("SELECT count(*) FROM aliases WHERE url LIKE 'http://127.0.0.1%'").fetchone()[0]


def test_full_text_search_finds_the_example(first_crawl):
    conn = sqlite3.connect(first_crawl.db)
    found = conn.execute(
        "SELECT a.story_code FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
        "WHERE articles_fts MATCH ? ORDER BY rank",
        ["Pyongyang"],
    ).fetchall()
    assert ("1023423",) in found


def test_drops_are_logged_with_url_and_reason(first_crawl):
    result = first_crawl.result
    warnings = "\n".join(result.lines("WARNING"))
    assert "Dropped http://127.0.0.1" in warnings
    assert "/en/page/unavailable: gone: redirected to http://127.0.0.1" in warnings
    assert "/en/news/1023388/unga-approves-russian-draft-resolution-to-combat-nazism-racism: no_body" in warnings


def test_robots_txt_is_obeyed(first_crawl):
    assert "/robots.txt" in first_crawl.paths
    assert not any(p.startswith("/en/news/1023380/") for p in first_crawl.paths)
    assert "'robotstxt/forbidden': 1" in first_crawl.result.log


def test_second_identical_crawl_changes_nothing(first_crawl, mirror):
    db = first_crawl.db
    before = dump(db)
    mirror.requests.clear()
    result = run_crawl(db, start_urls(mirror), "lang=en,ur")
    assert result.returncode == 0, result.log
    assert dump(db) == before
    # Only robots.txt and the start points: every story is known.
    assert sorted(path for path, _ in mirror.requests) == sorted(
        ["/robots.txt", "/en/rss/allnews", "/en/archive", "/ur/rss/allnews"]
    )


def test_max_pages_bounds_listing_pagination(mirror, tmp_path):
    mirror.requests.clear()
    result = run_crawl(tmp_path / "a.db", f"start_urls={mirror.origin}/en/archive", "max_pages=1")
    assert result.returncode == 0, result.log
    assert ("/en/archive?page=2", 200) not in mirror.requests
    mirror.requests.clear()
    run_crawl(tmp_path / "b.db", f"start_urls={mirror.origin}/en/archive", "max_pages=2")
    assert ("/en/archive?page=2", 200) in mirror.requests
