"""What an index lists: sitemaps and sitemap indexes (plain or gzipped,
read with Scrapy's own sitemap reader), RSS and Atom feeds, robots.txt.

Functions of a response's bytes: no requests, no state.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from lxml import etree
from parsel import Selector
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from newsarchive.sites.text import clean_ws

SITEMAP, SITEMAP_INDEX, FEED = "sitemap", "sitemap_index", "feed"
GZIP_MAGIC = b"\x1f\x8b"


class IndexUnreadable(ValueError):
    """A sitemap or feed that cannot be read (corrupt gzip, too large, not XML)."""


@dataclass
class Index:
    """A feed's or sitemap's kind and the URLs it lists, in order."""

    kind: str
    links: list[str] = field(default_factory=list)


def is_gzip(body: bytes) -> bool:
    return body[:2] == GZIP_MAGIC


def looks_like_index(body: bytes) -> bool:
    """XML (a feed, a sitemap), plain or gzipped, whatever the content type says."""
    if is_gzip(body):
        return True
    head = body[:2048].lstrip().lower()
    return head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head or b"<urlset" in head or b"<sitemapindex" in head


def index_body(body: bytes, max_size: int) -> bytes:
    """The XML of a feed or sitemap, gunzipped (at most ``max_size`` bytes: a
    gzip bomb stops there) when it came as a ``.gz`` file."""
    if not is_gzip(body):
        return body
    try:
        return gunzip(body, max_size=max_size)
    except (OSError, EOFError, ValueError, zlib.error) as exc:  # corrupt, cut, or over max_size
        raise IndexUnreadable(f"cannot gunzip: {exc}") from None


def read_index(body: bytes, max_size: int = 50 * 1024 * 1024) -> Index:
    """The kind of a feed or sitemap and the URLs it lists."""
    xml = index_body(body, max_size)
    try:
        sitemap = Sitemap(xml)
    except (etree.XMLSyntaxError, StopIteration) as exc:
        raise IndexUnreadable(f"not XML: {exc}") from None
    if sitemap.type == "sitemapindex":
        return Index(SITEMAP_INDEX, [clean_ws(entry["loc"]) for entry in sitemap if entry.get("loc")])
    if sitemap.type == "urlset":
        return Index(SITEMAP, [clean_ws(entry["loc"]) for entry in sitemap if entry.get("loc")])
    selector = Selector(body=xml, type="xml")
    selector.remove_namespaces()
    links = selector.xpath("//item/link/text() | //entry/link[not(@rel) or @rel='alternate']/@href").getall()
    return Index(FEED, [clean_ws(link) for link in links if clean_ws(link)])


def robots_sitemaps(robots_txt: bytes, base_url: str) -> list[str]:
    """The sitemaps a robots.txt announces."""
    return list(sitemap_urls_from_robots(robots_txt, base_url=base_url))
