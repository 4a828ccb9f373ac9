"""A site's past from web archives: ``scrapy crawl backfill -a site=SITE``
(``newsarchive backfill SITE``).

Lists the site's story captures through the CDX indexes of the Wayback
Machine and of Common Crawl's main crawls (``discovery/web_archives.py``),
fetches each capture once — the Wayback's raw ``id_`` form; a Common
Crawl record by byte range — through Scrapy with the crawl's politeness,
retries, robots.txt and WARC capture, and stores it as a copy of its story
dated by the capture: the archive places it among the story's versions by
time. Each web archive is asked at ``NEWSARCHIVE_WEB_ARCHIVE_RATE``
requests a minute (index and captures together), and a 429 pauses the
whole backfill (``politeness/web_archive_pause.py``).

How far each listing got and which captures were fetched are in the
archive (``web_archive_listings``, ``web_captures``): a second run goes on
where the first stopped, and a backfill of a site already backfilled asks
only for captures after the last one it has. Each story a backfill stored
is then asked of the live site once: a story it no longer serves (404,
410, a redirect away) is marked gone, its last text kept.

Arguments: ``site``; ``source`` (``wayback``, ``commoncrawl`` or ``both``);
``since`` and ``until`` (``YYYY[MM[DD]]``); ``limit`` (captures fetched at
most); ``lang`` (editions; default all); ``dry_run`` (list only: per
year, how many stories and captures each source holds); ``live_check``
(``0`` to leave the live site alone); ``start_urls`` (the live site's
mirror, if it is read from one).
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request
from scrapy.spidermiddlewares.httperror import HttpError
from warcio.archiveiterator import ArchiveIterator

from newsarchive import config, request_meta
from newsarchive.archive import capture_key, utc_now
from newsarchive.archive.component import CrawlArchive
from newsarchive.capture.reader import ENCODING_HEADERS
from newsarchive.discovery import web_archives as cdx
from newsarchive.discovery.web_archives import ArchivedCapture
from newsarchive.extraction import Fetched, Rejection, extract
from newsarchive.items import CaptureSource, DropReason, PageDrop
from newsarchive.spiders.site_spider import SiteSpider

SOURCES = {"wayback": (CaptureSource.WAYBACK,), "commoncrawl": (CaptureSource.COMMONCRAWL,),
           "both": (CaptureSource.WAYBACK, CaptureSource.COMMONCRAWL)}
#: A web archive's download slot: its index and captures share one pace.
SLOTS = {CaptureSource.WAYBACK: "web-archive:wayback", CaptureSource.COMMONCRAWL: "web-archive:commoncrawl"}


class BackfillSpider(SiteSpider):
    name = "backfill"
    arguments_taken = ("site", "source", "since", "until", "limit", "lang", "dry_run", "live_check", "start_urls")

    def __init__(self, site=None, source="both", since=None, until=None, limit=None, lang=None, dry_run=None,
                 live_check=None, start_urls=None, *args, profiles=None, **kwargs):
        if not site:
            raise ValueError("backfill needs -a site=NAME (a profile's name)")
        from newsarchive.sites import PACKAGE

        profiles = profiles or PACKAGE
        self.site = profiles[site] if site in profiles else profiles.resolve(site)
        if not self.site.url_forms:
            raise ValueError(f"site: {site} has no profile: a backfill needs the profile's story URL rules")
        if source not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
        # start_urls: where the live site is read, when from a mirror.
        super().__init__(start_urls, lang or ",".join(e for e in self.site.editions if e) or None, *args,
                         profiles=profiles, **kwargs)
        self.sources = SOURCES[source]
        self.since_bound = cdx.timestamp_bound(since)
        self.until_bound = cdx.timestamp_bound(until, end=True)
        self.limit = int(limit) if limit else None
        self.dry_run = str(dry_run or "").lower() in {"1", "true", "yes"}
        self.live_check = str(live_check if live_check is not None else "1").lower() in {"1", "true", "yes"}
        self.arguments.update({k: v for k, v in dict(site=site, source=source, since=since, until=until, limit=limit,
                                                     dry_run=dry_run, live_check=live_check).items() if v})
        #: Captures asked for in this run (at most ``limit``).
        self.asked = 0
        #: (source, year) -> stories and captures listed, for the dry run's table.
        self.listed: dict[tuple[str, str], tuple[set, Counter]] = defaultdict(lambda: (set(), Counter()))
        #: Stories stored from a web archive in this run, to ask of the live site.
        self.backfilled: dict[str, str] = {}

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        web = config.Config.from_settings(settings).web_archives
        # One pace per web archive, its index and captures together.
        slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
        for slot in SLOTS.values():
            slots.setdefault(slot, {"concurrency": 1, "delay": 60.0 / web.rate})
        settings.set("DOWNLOAD_SLOTS", slots, priority="spider")

    @property
    def web(self):
        return config.of(self.crawler).web_archives

    @property
    def archive(self):
        return CrawlArchive.of(self.crawler)

    def archive_request(self, url: str, source: CaptureSource, callback, **kwargs) -> Request:
        # The archive's pace is its published limit, not what its latency suggests.
        meta = {request_meta.WEB_ARCHIVE: source.value, "download_slot": SLOTS[source],
                "autothrottle_dont_adjust_delay": True, **kwargs.pop("meta", {})}
        return Request(url, callback=callback, errback=self.archive_failed, dont_filter=True, meta=meta, **kwargs)

    # -- listing ----------------------------------------------------------------

    async def start(self):
        self.unanswered = []
        for source in self.sources:
            # A later backfill asks only for captures after the last one it has.
            since = self.since_bound
            last = self.archive.last_web_capture(self.site.name, source.value)
            if last and not self.dry_run:
                after = last.replace("-", "").replace(":", "").replace("T", "").rstrip("Z")
                since = max(since or "", after)
            if source == CaptureSource.WAYBACK:
                for prefix in cdx.path_prefixes(self.site, self.editions):
                    request = self.wayback_listing(prefix, since)
                    if request is not None:
                        yield request
            else:
                yield self.archive_request(self.web.cc_index_url.rstrip("/") + "/collinfo.json", source,
                                           self.parse_collinfo, cb_kwargs={"since": since})

    def wayback_listing(self, prefix: str, since: str | None, resume_key: str | None = None) -> Request | None:
        query = f"{prefix}|{since or ''}|{self.until_bound or ''}"
        if resume_key is None:
            stored, done = self.archive.web_listing(self.site.name, CaptureSource.WAYBACK.value, query)
            if done and not self.dry_run:
                return None
            resume_key = None if self.dry_run else stored
        url = cdx.wayback_query(self.web.wayback_cdx_url, prefix, since, self.until_bound, resume_key)
        return self.archive_request(url, CaptureSource.WAYBACK, self.parse_wayback_listing,
                                    cb_kwargs={"prefix": prefix, "since": since, "query": query})

    def parse_wayback_listing(self, response, prefix: str, since: str | None, query: str):
        rows, resume_key = cdx.read_wayback(response.body)
        yield from self.listed_captures(cdx.story_captures(self.site, rows, CaptureSource.WAYBACK))
        if not self.dry_run:
            self.archive.stage_web_listing(self.site.name, CaptureSource.WAYBACK.value, query, resume_key,
                                           done=resume_key is None)
        if resume_key:
            yield self.wayback_listing(prefix, since, resume_key)

    def parse_collinfo(self, response, since: str | None):
        for crawl, api in cdx.cc_crawls(response.body, since or self.since_bound, self.until_bound):
            for prefix in cdx.path_prefixes(self.site, self.editions):
                query = f"{crawl}|{prefix}|{since or ''}|{self.until_bound or ''}"
                stored, done = self.archive.web_listing(self.site.name, CaptureSource.COMMONCRAWL.value, query)
                if done and not self.dry_run:
                    continue
                url = cdx.cc_query(api, prefix, since, self.until_bound)
                yield self.archive_request(url, CaptureSource.COMMONCRAWL, self.parse_cc_pages, cb_kwargs={
                    "api": api, "prefix": prefix, "since": since, "query": query,
                    "first": 0 if self.dry_run else int(stored or 0)})

    def parse_cc_pages(self, response, api: str, prefix: str, since: str | None, query: str, first: int):
        pages = cdx.read_cc_pages(response.body)
        if first >= pages and not self.dry_run:
            self.archive.stage_web_listing(self.site.name, CaptureSource.COMMONCRAWL.value, query, str(pages), True)
        for page in range(first, pages):
            yield self.archive_request(cdx.cc_query(api, prefix, since, self.until_bound, page),
                                       CaptureSource.COMMONCRAWL, self.parse_cc_listing,
                                       cb_kwargs={"query": query, "page": page, "pages": pages})

    def parse_cc_listing(self, response, query: str, page: int, pages: int):
        yield from self.listed_captures(cdx.story_captures(self.site, cdx.read_cc(response.body),
                                                           CaptureSource.COMMONCRAWL))
        if not self.dry_run:
            self.archive.stage_web_listing(self.site.name, CaptureSource.COMMONCRAWL.value, query, str(page + 1),
                                           done=page + 1 >= pages)

    def listed_captures(self, captures: list[ArchivedCapture]):
        for capture in captures:
            stories, counts = self.listed[(capture.source.value, capture.year)]
            stories.add(capture.story_code)
            counts["captures"] += 1
            if self.dry_run:
                continue
            address = capture.address(self.web.wayback_url, self.web.cc_data_url)
            if self.archive.web_capture_seen(capture_key(address, capture.offset)):
                self._inc("web_archive/captures/fetched_before")
                continue
            if self.limit is not None and self.asked >= self.limit:
                self._inc("web_archive/captures/over_limit")
                continue
            self.asked += 1
            headers = {"Range": capture.byte_range} if capture.byte_range else {}
            yield self.archive_request(address, capture.source, self.parse_capture, headers=headers,
                                       meta={request_meta.STORY_CODE: capture.story_code},
                                       cb_kwargs={"capture": capture, "address": address})

    # -- captures ---------------------------------------------------------------

    def parse_capture(self, response, capture: ArchivedCapture, address: str):
        self._inc(f"web_archive/captures/{capture.source.value}")
        headers, body = response.headers, response.body
        if capture.source == CaptureSource.COMMONCRAWL:
            record = next(iter(ArchiveIterator(io.BytesIO(body))), None)
            if record is None or record.http_headers is None:
                yield self.capture_dropped(capture, address, DropReason.UNPARSEABLE, "not a WARC record")
                return
            headers = [(n, v) for n, v in record.http_headers.headers if n.lower() not in ENCODING_HEADERS]
            body = record.content_stream().read()
        site_url = self.site.site_url(capture.url)
        extracted = extract(self.site, Fetched(site_url, headers, body, capture.seen))
        if isinstance(extracted, Rejection):
            yield self.capture_dropped(capture, address, extracted.reason, extracted.detail)
            return
        item = extracted.item
        item.fetched_at = capture.seen
        item.source = capture.source.value
        item.capture_file, item.capture_offset = address, capture.offset
        item.aliases = [site_url] if site_url != item.url else []
        self.backfilled.setdefault(item.story_code, item.url)
        yield item

    def capture_dropped(self, capture: ArchivedCapture, address: str, reason: str, detail: str) -> PageDrop:
        self.archive.stage_web_capture(capture_key(address, capture.offset), self.site.name, capture.story_code,
                                       capture.source.value, capture.seen, reason)
        self.logger.warning("Dropped the capture %s: %s: %s", address, reason, detail)
        return PageDrop(site=self.site.name, story_code=capture.story_code, url=capture_key(address, capture.offset),
                        reason=reason, detail=detail)

    def archive_failed(self, failure):
        request = failure.request
        status = failure.value.response.status if failure.check(HttpError) else None
        detail = f"HTTP {status}" if status else f"{failure.type.__name__}: {failure.value}"
        capture = request.cb_kwargs.get("capture")
        self.logger.error("A web archive did not answer %s: %s", request.url, detail)
        if capture is not None and status in (404, 410):
            # The archive has no such capture (any more): never asked again.
            yield self.capture_dropped(capture, request.cb_kwargs["address"], DropReason.GONE, detail)

    # -- the live site ------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.check_live, signal=signals.spider_idle)
        return spider

    def check_live(self):
        """Once the web archives are done: each story stored from them, asked
        of the live site once (a 404, a 410 or a redirect away marks it gone;
        a page is today's copy)."""
        if not self.live_check or self.dry_run or not self.backfilled:
            return
        stories, self.backfilled = self.backfilled, {}
        for code, url in stories.items():
            self._inc("web_archive/live_checks")
            self.crawler.engine.crawl(Request(self.site.fetch_url(url, self.fetch_origin), callback=self.parse_article,
                                              errback=self.article_failed,
                                              meta=request_meta.story_request_meta(code, url)))
        raise DontCloseSpider

    def parse_article(self, response):
        """The live page of a story backfilled: today's copy, and no more
        (the stories it links to are a crawl's to follow)."""
        for found in super().parse_article(response):
            if not isinstance(found, Request):
                yield found

    def closed(self, reason):
        if self.dry_run:
            for line in self.dry_run_table():
                print(line)

    def dry_run_table(self) -> list[str]:
        lines = ["source       year  stories  captures"]
        for (source, year), (stories, counts) in sorted(self.listed.items()):
            lines.append(f"{source:<12} {year}  {len(stories):>7}  {counts['captures']:>8}")
        if len(lines) == 1:
            lines.append("(no story captures listed)")
        return lines
