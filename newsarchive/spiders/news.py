"""Any news site: ``scrapy crawl news -a site=https://example.com`` (or a
profile's name, or ``-a start_urls=...``).

With a profile the site is crawled by its profile (start points, URL rules,
parser). Without one, discovery reads robots.txt for sitemaps, the home
page for feeds and story links, and the generic parser takes the fields from
the page's metadata and the body from its main text. The story code is the
site's id when the profile or the URL gives one, else a stable hash of the
URL.
"""

from __future__ import annotations

from newsarchive.discovery.feeds import robots_sitemaps
from newsarchive import request_meta
from newsarchive.config import list_setting
from newsarchive.sites import PACKAGE
from newsarchive.spiders.site_spider import ARGUMENTS, SiteSpider

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "text/xml", "application/xml")


class NewsSpider(SiteSpider):
    name = "news"
    arguments_taken = ("site", *ARGUMENTS)

    def __init__(self, site=None, start_urls=None, *args, profiles=None, **kwargs):
        given = list_setting(start_urls)
        if not (site or given):
            raise ValueError("news needs -a site=URL (or a profile's name) or -a start_urls=URL,URL")
        profiles = profiles or PACKAGE
        self.site = profiles.resolve(site or given[0])
        super().__init__(start_urls, *args, profiles=profiles, **kwargs)
        if site:
            self.arguments["site"] = site
        if not given and not (self.site.feed_paths or self.site.listing_paths or self.site.sitemap_paths):
            origin = self.fetch_origin
            self.start_points = [f"{origin}/robots.txt", f"{origin}/"]

    @property
    def generic(self) -> bool:
        return not self.site.url_forms

    def parse(self, response):
        if response.url.endswith("/robots.txt"):
            yield from self.parse_robots(response)
        elif self.generic and getattr(response, "text", None) is not None and "<html" in response.text[:2000].lower():
            if self.site.story_code(self.site_url(response.url)):
                response.meta.setdefault(request_meta.FOUND_URL, self.site_url(response.url))
                yield from self.parse_article(response)
            else:
                yield from self.parse_listing(response)
        else:
            yield from super().parse(response)

    def parse_robots(self, response):
        for url in robots_sitemaps(response.body, response.url):
            if self.is_ours(url):
                yield self.index_request(url)

    def parse_listing(self, response):
        # Feeds the page announces are start points too.
        for link in response.css('link[rel="alternate"]'):
            if (link.attrib.get("type") or "").lower() in FEED_TYPES and link.attrib.get("href"):
                url = response.urljoin(link.attrib["href"])
                if self.is_ours(url) and url not in self.links_seen:
                    self.links_seen.add(url)
                    yield self.index_request(url)
        yield from super().parse_listing(response)
