"""The generic ``news`` spider over 127.0.0.1 on a small self-made site with
a sitemap index, a news sitemap, an Atom feed the home page announces, and
pages that describe themselves in JSON-LD, OpenGraph or Dublin Core."""

from __future__ import annotations

import sqlite3

import pytest

from newsarchive.replay.expected import comparable
from newsarchive.replay.pages import SavedSite
from newsarchive.replay.server import MirrorServer
from tests.conftest import GENERIC_FIXTURES, load_expected, run_crawl
from tests.helpers import stored_rows

SITE = "https://news.example.org"


@pytest.fixture(scope="module")
def news_crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("news") / "archive.db"
    with MirrorServer(GENERIC_FIXTURES) as server:
        start = f"start_urls={server.origin}/robots.txt,{server.origin}/"
        result = run_crawl(db, f"site={SITE}", start, spider="news")
        served = list(server.requests)
    return db, result, served


def test_crawl_archives_the_three_stories_as_expected(news_crawl):
    db, result, _ = news_crawl
    assert result.returncode == 0, result.log
    assert not result.lines("ERROR"), result.log
    rows = stored_rows(db)
    expected = {e["story_code"]: e for p in SavedSite(GENERIC_FIXTURES) if p.expected and (e := load_expected(p))}
    assert set(rows) == set(expected) and len(rows) == 3
    for code, row in rows.items():
        assert comparable(row) == expected[code], code


def test_discovery_reads_robots_sitemaps_feed_and_home(news_crawl):
    _, result, served = news_crawl
    paths = [path for path, _ in served]
    assert {"/robots.txt", "/sitemap.xml", "/sitemap-news.xml", "/feed.xml", "/"} <= set(paths)
    assert "/about" not in paths and "/privacy" not in paths  # not story links
    stories = [p for p in paths if p.startswith(("/world/", "/business/"))]
    assert len(stories) == len(set(stories))  # each story once, whatever led to it
    assert "'newsarchive/sitemap_indexes': 1" in result.log and "'newsarchive/sitemaps': 1" in result.log


def test_story_codes_site_ids_or_url_hashes(news_crawl):
    rows = stored_rows(news_crawl[0])
    codes = sorted(rows)
    assert "98765" in codes  # the id in the URL
    assert all(code == "98765" or (code.startswith("u") and len(code) == 17) for code in codes)


def test_related_lists_and_read_more_are_out_of_bodies(news_crawl):
    for row in stored_rows(news_crawl[0]).values():
        lines = row["body"].split("\n\n")
        assert "Read more" not in lines
        assert not {entry["title"] for entry in row["related"]} & set(lines)
        assert row["sidebar_removed"] >= 1


def test_tracking_variant_becomes_an_alias(news_crawl):
    conn = sqlite3.connect(news_crawl[0])
    urls = {u for (u,) in conn.execute("SELECT url FROM aliases")}
    assert f"{SITE}/world/2024/05/14/storm-weakens-before-landfall-warnings-lifted?utm_source=home" in urls


def test_news_spider_needs_a_site(tmp_path):
    result = run_crawl(tmp_path / "a.db", spider="news")
    assert result.returncode != 0
    assert "news needs -a site=URL" in result.log


def test_generic_site_rebuilt_from_its_captures(news_crawl, tmp_path):
    from click.testing import CliRunner

    from newsarchive.cli import cli

    db = news_crawl[0]
    rebuilt = tmp_path / "rebuilt.db"
    result = CliRunner().invoke(cli, ["reparse", "--db", str(rebuilt), "--warc-dir", str(db.parent / "warc")])
    assert result.exit_code == 0, result.output
    assert stored_rows(rebuilt) == stored_rows(db)
