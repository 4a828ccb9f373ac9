"""The baseline for crawl throughput: a bare Scrapy spider that follows the
same links as ``islamtimes`` (feed, listings and their next pages, featured
stories on articles) and does nothing else with the pages."""

import json
import re
from datetime import datetime, timezone

import scrapy

ARTICLE = re.compile(r"/[a-z]{2}/(news|article|interview|video|karikator|gallery)/\d+")


class BaselineSpider(scrapy.Spider):
    name = "baseline"

    def __init__(self, start_urls="", stats_file="", site_origin="https://www.islamtimes.com", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_points = [u for u in start_urls.split(",") if u]
        self.stats_file = stats_file
        # Links to the site itself are fetched from the mirror, as islamtimes does.
        self.site_origin = site_origin
        self.mirror_origin = "/".join(self.start_points[0].split("/")[:3]) if self.start_points else ""

    async def start(self):
        for url in self.start_points:
            yield scrapy.Request(url, dont_filter=True)

    def parse(self, response):
        if response.body.lstrip()[:5] == b"<?xml":
            links = scrapy.Selector(text=response.text, type="xml").xpath("//item/link/text()").getall()
        else:
            links = response.css("a::attr(href)").getall()
        for href in links:
            url = response.urljoin(href.strip()).replace(self.site_origin, self.mirror_origin, 1)
            if ARTICLE.search(url) or "Next" in href or "page=" in href:
                yield scrapy.Request(url)

    def closed(self, reason):
        stats = self.crawler.stats.get_stats()
        stats["elapsed_seconds"] = (datetime.now(timezone.utc) - stats["start_time"]).total_seconds()
        if self.stats_file:
            with open(self.stats_file, "w") as handle:
                json.dump(stats, handle, default=str)
