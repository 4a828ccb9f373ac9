"""A spider that crawls one site profile: feeds, listings, article pages.

Subclasses only name a :class:`~newsarchive.sites.base.Site`. Arguments
(``-a NAME=VALUE``):

``start_urls``
    comma-separated URLs that replace the site's feeds and listings as
    start points. They may be on any host: when they are not on the site's
    own hosts, that host is taken for a local mirror of the site, and every
    link to the site is fetched from the mirror instead.
``lang``
    comma-separated editions to follow (default: the site's default edition).
``max_pages``
    how many pages of each listing to walk (default 10).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Request, TextResponse
from w3lib.url import safe_url_string

from newsarchive.items import StoryAlias
from newsarchive.sites.base import Site, host, origin
from newsarchive.sites.newsstudio import PageRejected
from newsarchive.sites.text import clean_ws

DEFAULT_MAX_PAGES = 10
NEXT_TEXTS = frozenset(
    {"next", "next page", "next »", "»", "›", "older", "older posts", "more", "بعدی", "اگلا", "التالي"}
)
PAGE_NUMBER = re.compile(r"(?:[?&](?:page|p|pageno|pi)=|/page/)(\d+)", re.I)


def _split(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, (list, tuple)):
        return [v.strip() for v in value if v.strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def looks_like_feed(response) -> bool:
    head = response.body[:2048].lstrip().lower()
    return head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head


class SiteSpider(scrapy.Spider):
    site: Site

    def __init__(self, start_urls=None, lang=None, max_pages=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.editions = tuple(_split(lang)) or (self.site.default_edition,)
        try:
            self.max_pages = int(max_pages) if max_pages is not None else DEFAULT_MAX_PAGES
        except ValueError:
            raise ValueError(f"max_pages must be a whole number, not {max_pages!r}") from None
        given = [safe_url_string(url) for url in _split(start_urls)]
        mirrors = [origin(url) for url in given if not self.site.is_site_host(host(url))]
        #: Where site URLs are fetched from: the site itself, or a mirror.
        self.fetch_origin = mirrors[0] if mirrors else self.site.canonical_origin
        self.start_points = given or self.site.start_urls(self.editions)
        #: story code -> the site URL it was first requested by
        self.requested: dict[str, str] = {}
        self.alias_urls: set[str] = set()

    # -- URLs ---------------------------------------------------------------

    def site_url(self, url: str) -> str:
        """``url`` as a URL of the site: a mirror's host mapped back."""
        url = safe_url_string(url)
        if self.fetch_origin != self.site.canonical_origin and origin(url) == self.fetch_origin:
            parts = urlsplit(url)
            return self.site.canonical_origin + parts.path + (f"?{parts.query}" if parts.query else "")
        return url.split("#", 1)[0]

    def is_ours(self, url: str) -> bool:
        return self.site.is_site_host(host(url)) or origin(url) == self.fetch_origin

    def _inc(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"newsarchive/{key}", count)

    # -- discovery ----------------------------------------------------------

    async def start(self):
        for url in self.start_points:
            yield Request(url, callback=self.parse, dont_filter=True, meta={"listing_page": 1})

    def follow_article(self, url: str):
        """A request for the story ``url`` leads to, or an alias if that
        story was already requested in this run (or nothing)."""
        if not self.is_ours(url):
            return None
        site_url = self.site_url(url)
        parsed = self.site.parse_article_url(site_url)
        if parsed is None:
            return None
        if parsed.language not in self.editions:
            self._inc("discovery/other_edition")
            return None
        code = parsed.story_code
        first = self.requested.get(code)
        if first is not None:
            if site_url != first and site_url not in self.alias_urls:
                self.alias_urls.add(site_url)
                self._inc("discovery/variant_urls")
                return StoryAlias(site=self.site.name, story_code=code, url=site_url)
            return None
        self.requested[code] = site_url
        self._inc("discovery/articles")
        return Request(
            self.site.fetch_url(site_url, self.fetch_origin),
            callback=self.parse_article,
            meta={"story_code": code, "found_url": site_url},
        )

    def parse(self, response):
        """Start points: an article, a feed or a listing, told apart by URL
        and content rather than by the content type the server claims."""
        if self.site.story_code(self.site_url(response.url)):
            response.meta.setdefault("found_url", self.site_url(response.url))
            yield from self.parse_article(response)
        elif not isinstance(response, TextResponse):
            self._inc("dropped/not_text")
            self.logger.warning("Skipped %s: not a text page (%s)", response.url, type(response).__name__)
        elif looks_like_feed(response):
            yield from self.parse_feed(response)
        else:
            yield from self.parse_listing(response)

    def parse_feed(self, response):
        selector = scrapy.Selector(text=response.text, type="xml")
        selector.remove_namespaces()
        links = selector.xpath("//item/link/text() | //entry/link[not(@rel) or @rel='alternate']/@href").getall()
        self._inc("feeds")
        if not links:
            self.logger.warning("Feed %s lists no links", response.url)
        for link in links:
            request = self.follow_article(response.urljoin(clean_ws(link)))
            if request is not None:
                yield request

    def parse_listing(self, response):
        self._inc("listing_pages")
        found = 0
        for href in response.css("a::attr(href)").getall():
            request = self.follow_article(response.urljoin(href.strip()))
            if request is not None:
                found += 1
                yield request
        page = response.meta.get("listing_page", 1)
        next_url = self.next_page_url(response, page)
        if next_url and page < self.max_pages:
            yield Request(next_url, callback=self.parse_listing, meta={"listing_page": page + 1})
        elif next_url:
            self.logger.info("Stopped at listing page %d of %s (max_pages)", page, response.url)

    def next_page_url(self, response, page: int) -> str | None:
        candidates = response.css('link[rel="next"]::attr(href), a[rel~="next"]::attr(href)').getall()
        for link in response.css("a[href]"):
            text = clean_ws(" ".join(link.css("::text").getall())).lower()
            if text in NEXT_TEXTS or text == str(page + 1):
                candidates.append(link.attrib["href"])
        for href in response.css("a::attr(href)").getall():
            number = PAGE_NUMBER.search(href)
            if number and int(number.group(1)) == page + 1:
                candidates.append(href)
        for href in candidates:
            url = response.urljoin(href.strip())
            if url != response.url and self.is_ours(url) and not self.site.story_code(url):
                return self.site.fetch_url(self.site_url(url), self.fetch_origin)
        return None

    # -- articles -----------------------------------------------------------

    def parse_article(self, response):
        site_url = self.site_url(response.url)
        try:
            item = self.site.parse(response, url=site_url)
        except PageRejected as rejected:
            self._inc(f"dropped/{rejected.reason}")
            self.logger.warning("Dropped %s: %s", response.url, rejected)
            return
        item.fetched_at = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        # The first redirect URL is our own normalized request for found_url.
        redirects = response.meta.get("redirect_urls", ())[1:]
        reached_by = [response.meta.get("found_url"), *map(self.site_url, redirects), site_url]
        item.aliases = [u for u in dict.fromkeys(reached_by) if u and u != item.url]
        self.requested.setdefault(item.story_code, item.url)
        yield item
        for entry in item.related:
            request = self.follow_article(entry["url"])
            if request is not None:
                yield request
