"""Feeds and sitemaps, plain and gzipped, read with Scrapy's sitemap reader;
and a gzipped sitemap crawled end to end (it used to be dropped as not text)."""

from __future__ import annotations

import gzip

import pytest

from newsarchive.discovery.feeds import FEED, SITEMAP, SITEMAP_INDEX, IndexUnreadable, read_index, robots_sitemaps
from tests.conftest import GENERIC_FIXTURES, run_crawl
from tests.faults.server import FaultServer, page
from tests.helpers import stored_rows

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://x.org/a/12345 </loc></url>
<url><loc>https://x.org/b/67890</loc></url></urlset>"""


def test_kinds_and_links():
    assert read_index(URLSET).kind == SITEMAP and read_index(URLSET).links == ["https://x.org/a/12345", "https://x.org/b/67890"]
    assert read_index(gzip.compress(URLSET)).links == read_index(URLSET).links
    index = (GENERIC_FIXTURES / "pages" / "sitemap-index.xml").read_bytes()
    assert read_index(index).kind == SITEMAP_INDEX
    feed = read_index((GENERIC_FIXTURES / "pages" / "feed.xml").read_bytes())
    assert feed.kind == FEED and len(feed.links) == 2


@pytest.mark.parametrize("body", [b"", b"\x1f\x8b\x08 cut short", gzip.compress(b"<urlset>" + b" " * 5000)])
def test_unreadable_or_too_large_indexes_are_refused(body):
    with pytest.raises(IndexUnreadable):
        read_index(body, max_size=1000)


def test_robots_sitemaps():
    robots = b"User-agent: *\nDisallow: /x\nSitemap: /sitemap.xml.gz\nsitemap: https://x.org/news.xml\n"
    assert robots_sitemaps(robots, "https://x.org/robots.txt") == ["https://x.org/sitemap.xml.gz", "https://x.org/news.xml"]


def test_a_gzipped_sitemap_leads_to_its_stories(tmp_path):
    db = tmp_path / "archive.db"
    with FaultServer() as server:
        stories = {
            "storm": "/world/2024/05/14/storm-weakens-before-landfall-warnings-lifted",
            "rail": "/world/2024/05/13/rail-strike-ends-after-talks-with-unions",
        }
        sitemap = "".join(f"<url><loc>{server.origin}{path}</loc></url>" for path in stories.values())
        sitemap = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{sitemap}</urlset>'
        server.routes["/robots.txt"] = page(b"User-agent: *\nAllow: /\nSitemap: /sitemap.xml.gz\n", "text/plain")
        server.routes["/sitemap.xml.gz"] = page(gzip.compress(sitemap.encode()), "application/gzip")
        server.routes["/"] = page(b"<html><body><p>Home</p></body></html>")
        for name, path in stories.items():
            server.routes[path] = page((GENERIC_FIXTURES / "pages" / f"{name}.html").read_bytes())
        result = run_crawl(db, f"site={server.origin}", spider="news")
    assert result.returncode == 0, result.log
    assert "'newsarchive/sitemaps': 1" in result.log
    assert len(stored_rows(db)) == 2
