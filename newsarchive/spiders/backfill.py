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

Each capture listed is recorded in the archive (``web_captures``) with
how far its listing got (``web_archive_listings``), committed together;
once the listings are done, the captures listed and not fetched are asked
for from that list, oldest first, a batch at a time. So a second run
fetches what the first listed and did not fetch and goes on listing where
it stopped, and a later backfill of the same dates asks only for captures
from the newest one listed on. Each story a backfill stored
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
from newsarchive import signals as newsarchive_signals
from newsarchive.archive import capture_key, utc_now
from newsarchive.archive.component import CrawlArchive
from newsarchive.capture.reader import ENCODING_HEADERS
from newsarchive.discovery import web_archives as cdx
from newsarchive.discovery.web_archives import ArchivedCapture
from newsarchive.extraction import Fetched, Rejection, extract
from newsarchive.items import CaptureSource, DropReason
from newsarchive.politeness.web_archive_pause import SLOT_PREFIX
from newsarchive.spiders.site_spider import SiteSpider

SOURCES = {"wayback": (CaptureSource.WAYBACK,), "commoncrawl": (CaptureSource.COMMONCRAWL,),
           "both": (CaptureSource.WAYBACK, CaptureSource.COMMONCRAWL)}
#: Captures asked for at a time, from the archive's list of those listed.
CAPTURES_A_BATCH = 200
#: Bytes past a Common Crawl record's length that a response to its byte range may have.
RANGE_SLACK = 65_536
#: A web archive's download slot: its index and captures share one pace.
SLOTS = {CaptureSource.WAYBACK: f"{SLOT_PREFIX}wayback", CaptureSource.COMMONCRAWL: f"{SLOT_PREFIX}commoncrawl"}


def _timestamp(seen: str) -> str:
    """An ISO 8601 time as a CDX timestamp (``YYYYMMDDhhmmss``)."""
    return seen.replace("-", "").replace(":", "").replace("T", "").rstrip("Z")


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
        #: Captures asked for in this run (at most ``limit``), by address.
        self.asked = 0
        self.scheduled: set[str] = set()
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
            if source == CaptureSource.WAYBACK:
                for prefix in cdx.path_prefixes(self.site, self.editions):
                    request = self.wayback_listing(prefix)
                    if request is not None:
                        yield request
            else:
                yield self.archive_request(self.web.cc_index_url.rstrip("/") + "/collinfo.json", source,
                                           self.parse_collinfo)

    def listing(self, source: CaptureSource, what: str) -> tuple[str, str | None, str | None] | None:
        """(the listing's key in ``web_archive_listings``, where it goes on,
        the earliest capture to ask for), or None when there is nothing to
        list. A listing is known by the dates asked; once one is done, a
        later backfill asks only for captures from the newest one listed
        from that source on, as a listing of its own."""
        key = f"{what}|{self.since_bound or ''}|{self.until_bound or ''}"
        if self.dry_run:
            return key, None, self.since_bound
        resume, done = self.archive.web_listing(self.site.name, source.value, key)
        since = self.since_bound
        if done:
            newest = _timestamp(self.archive.last_web_capture(self.site.name, source.value) or "")
            since = max(since or "", newest) or None
            key = f"{key}|from {since}"
            resume, done = self.archive.web_listing(self.site.name, source.value, key)
            if done:
                return None
        return key, resume, since

    def wayback_listing(self, prefix: str, key: str | None = None, since: str | None = None,
                        resume_key: str | None = None) -> Request | None:
        if key is None:
            found = self.listing(CaptureSource.WAYBACK, prefix)
            if found is None:
                return None
            key, resume_key, since = found
        url = cdx.wayback_query(self.web.wayback_cdx_url, prefix, since, self.until_bound, resume_key)
        return self.archive_request(url, CaptureSource.WAYBACK, self.parse_wayback_listing,
                                    cb_kwargs={"prefix": prefix, "since": since, "key": key})

    def parse_wayback_listing(self, response, prefix: str, since: str | None, key: str):
        rows, resume_key = cdx.read_wayback(response.body)
        self.listed_captures(cdx.story_captures(self.site, rows, CaptureSource.WAYBACK))
        if not self.dry_run:  # committed with the captures it listed
            self.archive.stage_web_listing(self.site.name, CaptureSource.WAYBACK.value, key, resume_key,
                                           done=resume_key is None)
        if resume_key:
            yield self.wayback_listing(prefix, key, since, resume_key)

    def parse_collinfo(self, response):
        for crawl, api in cdx.cc_crawls(response.body, self.since_bound, self.until_bound):
            for prefix in cdx.path_prefixes(self.site, self.editions):
                found = self.listing(CaptureSource.COMMONCRAWL, f"{crawl}|{prefix}")
                if found is None:
                    continue
                key, resume, since = found
                yield self.archive_request(cdx.cc_query(api, prefix, since, self.until_bound), CaptureSource.COMMONCRAWL,
                                           self.parse_cc_pages, cb_kwargs={
                                               "api": api, "prefix": prefix, "since": since, "key": key,
                                               "first": int(resume or 0)})

    def cc_page(self, api: str, prefix: str, since: str | None, key: str, page: int, pages: int) -> Request:
        return self.archive_request(cdx.cc_query(api, prefix, since, self.until_bound, page), CaptureSource.COMMONCRAWL,
                                    self.parse_cc_listing, cb_kwargs={"api": api, "prefix": prefix, "since": since,
                                                                      "key": key, "page": page, "pages": pages})

    def parse_cc_pages(self, response, api: str, prefix: str, since: str | None, key: str, first: int):
        pages = cdx.read_cc_pages(response.body)
        if first >= pages:
            if not self.dry_run:
                self.archive.stage_web_listing(self.site.name, CaptureSource.COMMONCRAWL.value, key, str(pages), True)
            return
        # One page at a time, the next once this one's captures are listed.
        yield self.cc_page(api, prefix, since, key, first, pages)

    def parse_cc_listing(self, response, api: str, prefix: str, since: str | None, key: str, page: int, pages: int):
        self.listed_captures(cdx.story_captures(self.site, cdx.read_cc(response.body), CaptureSource.COMMONCRAWL))
        if not self.dry_run:
            self.archive.stage_web_listing(self.site.name, CaptureSource.COMMONCRAWL.value, key, str(page + 1),
                                           done=page + 1 >= pages)
        if page + 1 < pages:
            yield self.cc_page(api, prefix, since, key, page + 1, pages)

    def listed_captures(self, captures: list[ArchivedCapture]) -> None:
        """Count them (the dry run's table), and record them as listed: they
        are fetched from the archive's list once the listings are done."""
        for capture in captures:
            stories, counts = self.listed[(capture.source.value, capture.year)]
            stories.add(capture.story_code)
            counts["captures"] += 1
            if not self.dry_run:
                address = capture.address(self.web.wayback_url, self.web.cc_data_url)
                self.archive.stage_web_capture(capture_key(address, capture.offset), self.site.name,
                                               capture.story_code, capture.source.value, capture.seen, None,
                                               capture.url, capture.filename, capture.offset, capture.length)

    # -- captures ---------------------------------------------------------------

    def fetch_listed(self) -> bool:
        """Ask for the next captures listed and not fetched, oldest first, a
        batch at a time (the list is the archive's, not memory's); whether
        there were any."""
        self.crawler.signals.send_catch_log(newsarchive_signals.archive_flush_requested)
        room = CAPTURES_A_BATCH if self.limit is None else min(CAPTURES_A_BATCH, self.limit - self.asked)
        if room <= 0:
            return False
        found = self.archive.listed_web_captures(self.site.name, [s.value for s in self.sources], room, self.scheduled)
        for index, row in enumerate(found):
            capture = ArchivedCapture(CaptureSource(row["source"]), row["url"], _timestamp(row["captured_at"]),
                                      row["story_code"], row["filename"], row["record_offset"], row["record_length"])
            address = capture.address(self.web.wayback_url, self.web.cc_data_url)
            self.scheduled.add(row["address"])
            self.asked += 1
            meta = {request_meta.STORY_CODE: capture.story_code}
            headers = {}
            if capture.byte_range:
                headers["Range"] = capture.byte_range
                meta["download_maxsize"] = capture.length + RANGE_SLACK  # one record, never a whole file
            # Oldest first (the scheduler's own order is the newest request first).
            self.crawler.engine.crawl(self.archive_request(address, capture.source, self.parse_capture, headers=headers,
                                                           meta=meta, priority=-index,
                                                           cb_kwargs={"capture": capture, "address": address}))
        return bool(found)

    def parse_capture(self, response, capture: ArchivedCapture, address: str):
        self._inc(f"web_archive/captures/{capture.source.value}")
        headers, body = response.headers, response.body
        if capture.source == CaptureSource.COMMONCRAWL:
            if response.status != 206:
                self.capture_dropped(capture, address, "no_byte_range", f"HTTP {response.status} to a byte range")
                return
            record = next(iter(ArchiveIterator(io.BytesIO(body))), None)
            if record is None or record.http_headers is None:
                self.capture_dropped(capture, address, DropReason.UNPARSEABLE, "not a WARC record")
                return
            headers = [(n, v) for n, v in record.http_headers.headers if n.lower() not in ENCODING_HEADERS]
            body = record.content_stream().read()
        site_url = self.site.site_url(capture.url)
        extracted = extract(self.site, Fetched(site_url, headers, body, capture.seen))
        if isinstance(extracted, Rejection):
            self.capture_dropped(capture, address, extracted.reason, extracted.detail)
            return
        item = extracted.item
        item.fetched_at = capture.seen
        item.source = capture.source.value
        item.capture_file, item.capture_offset = address, capture.offset
        item.aliases = [site_url] if site_url != item.url else []
        self.backfilled.setdefault(item.story_code, item.url)
        yield item

    def capture_dropped(self, capture: ArchivedCapture, address: str, reason: str, detail: str) -> None:
        """A capture that gave no story: recorded with why, never asked
        again; the story itself is not touched (its live page is another matter)."""
        self.archive.stage_web_capture(capture_key(address, capture.offset), self.site.name, capture.story_code,
                                       capture.source.value, capture.seen, reason)
        self._inc(f"web_archive/captures/dropped/{reason}")
        self.logger.warning("Dropped the capture %s: %s: %s", address, reason, detail)

    def archive_failed(self, failure):
        request = failure.request
        status = failure.value.response.status if failure.check(HttpError) else None
        detail = f"HTTP {status}" if status else f"{failure.type.__name__}: {failure.value}"
        capture = request.cb_kwargs.get("capture")
        self.logger.error("A web archive did not answer %s: %s", request.url, detail)
        if capture is not None and status in (404, 410):
            # The archive has no such capture (any more): never asked again.
            self.capture_dropped(capture, request.cb_kwargs["address"], f"http_{status}", detail)
        # Any other failure leaves the capture listed: a later run asks again.

    # -- the live site ------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.when_idle, signal=signals.spider_idle)
        return spider

    def when_idle(self):
        """Listings done: the captures they listed, a batch at a time; then
        each story stored from them, asked of the live site once (a 404, a
        410 or a redirect away marks it gone; a page is today's copy)."""
        if self.dry_run:
            return
        if self.fetch_listed():
            raise DontCloseSpider
        if not self.live_check or not self.backfilled:
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
