from newsarchive.sites import ISLAM_TIMES
from newsarchive.spiders.site_spider import SiteSpider


class IslamTimesSpider(SiteSpider):
    """Islam Times: ``scrapy crawl islamtimes [-a lang=en] [-a start_urls=...] [-a max_pages=N]``."""

    name = "islamtimes"
    site = ISLAM_TIMES
