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
    how many pages of each listing to walk at most (default 10; no bound
    with ``since`` or ``backfill``).
``recheck_days``
    archived stories published within this many days are fetched again to
    catch edits (default 2); older archived stories are not requested.
``since``
    ``YYYY-MM-DD``: walk listings back until a page dates all its stories
    before this day, instead of stopping at the first page with nothing new.
``backfill``
    ``1``: walk every listing page (a first full archive).

The spider wires discovery together; its parts live in ``discovery/``:
whether a story is already archived (``known``), what a feed or sitemap
lists (``feeds``), where a listing goes on (``listings``), why a request
failed (``failures``). Pages are parsed by the site's parser (``sites/``).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro
from w3lib.url import safe_url_string

from newsarchive.archive import utc_now
from newsarchive.discovery.failures import classify, is_network_error, network_errors
from newsarchive.discovery.feeds import FEED, SITEMAP, SITEMAP_INDEX, IndexUnreadable, looks_like_index, read_index
from newsarchive.discovery.known import DEFAULT_RECHECK_DAYS, Verdict, known_stories
from newsarchive.discovery.listings import listing_dates, next_page_candidates
from newsarchive import request_meta
from newsarchive import signals as newsarchive_signals
from newsarchive.items import SCRIPTED_IMAGES, DropReason, PageDrop, StoryAlias, StoryAsset
from newsarchive.extraction import Fetched, Rejection, extract
from newsarchive.extraction.dates import parse_day
from newsarchive.extraction.identity import archived_code
from newsarchive import config
from newsarchive.config import list_setting
from newsarchive.sites import PACKAGE, Profiles
from newsarchive.sites.base import Site
from newsarchive.sites.urls import host, origin, refused_asset

DEFAULT_MAX_PAGES = 10
#: The largest file a story shows that is kept.
MAX_ASSET_BYTES = 20 * 2**20
#: The spider arguments (``-a NAME=VALUE``) a site spider takes.
ARGUMENTS = ("start_urls", "lang", "max_pages", "recheck_days", "since", "backfill")
#: Arguments a scheduler adds to every job it starts (scrapyd's job id).
SCHEDULER_ARGUMENTS = frozenset({"_job"})
#: The finish reason of a crawl none of whose start points answered: a failed run.
UNREACHABLE = "unreachable"
#: A recheck window longer than this is a typo, not a wish.
MAX_RECHECK_DAYS = 1_000_000


def web_url(name: str, value: str) -> str:
    """``value`` as a safe http(s) URL with a host, or a ValueError naming the argument."""
    url = safe_url_string(value.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name}: {value!r} is not an http(s) URL like https://www.example.com/news")
    return url


def _whole_number(name: str, value) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must not be negative, not {value!r}")
    return number


class SiteSpider(scrapy.Spider):
    site: Site
    #: What ``-a`` may name (a refusal lists them).
    arguments_taken: tuple[str, ...] = ARGUMENTS

    def __init__(
        self,
        start_urls=None,
        lang=None,
        max_pages=None,
        recheck_days=None,
        since=None,
        backfill=None,
        *args,
        profiles: Profiles | None = None,
        **kwargs,
    ):
        #: The job's profiles (``NEWSARCHIVE_PROFILES``, zones overridden): the site's, as the user's settings give it.
        self.profiles = profiles or PACKAGE
        self.site = self.profiles.get(self.site.name, self.site)
        self._refuse_unknown(kwargs)
        super().__init__(*args, **kwargs)
        #: The arguments as given, for the run ledger.
        self.arguments = {
            name: value
            for name, value in dict(
                start_urls=start_urls,
                lang=lang,
                max_pages=max_pages,
                recheck_days=recheck_days,
                since=since,
                backfill=backfill,
            ).items()
            if value is not None
        }
        self.editions = tuple(list_setting(lang)) or (self.site.default_edition,)
        offered = [e for e in self.site.editions if e]
        unknown = [e for e in self.editions if e not in self.site.editions]
        if unknown:
            raise ValueError(
                f"lang: {unknown[0]!r} is not an edition of {self.site.name}"
                + (f"; its editions: {', '.join(offered)}" if offered else " (it has no editions: leave lang out)")
            )
        self.backfill = str(backfill or "").lower() in {"1", "true", "yes"}
        try:
            self.since = date.fromisoformat(since) if since else None
        except ValueError:
            raise ValueError(f"since must be a date as YYYY-MM-DD, not {since!r}") from None
        walk_back = self.backfill or self.since is not None
        self.max_pages = _whole_number("max_pages", max_pages)
        if self.max_pages is None and not walk_back:
            self.max_pages = DEFAULT_MAX_PAGES
        recheck = _whole_number("recheck_days", recheck_days)
        if recheck is not None and recheck > MAX_RECHECK_DAYS:
            raise ValueError(f"recheck_days must be at most {MAX_RECHECK_DAYS}, not {recheck_days!r}")
        self.recheck = timedelta(days=DEFAULT_RECHECK_DAYS if recheck is None else recheck)
        given = [web_url("start_urls", url) for url in list_setting(start_urls)]
        mirrors = [origin(url) for url in given if not self.site.is_site_host(host(url))]
        #: Where site URLs are fetched from: the site itself, or a mirror.
        self.fetch_origin = mirrors[0] if mirrors else self.site.canonical_origin
        self.start_points = given or self.site.start_urls(self.editions)
        #: story code -> the site URL it was first met by in this run
        self.met: dict[str, str] = {}
        #: story codes met in this run that the archive did not know
        self.new_codes: set[str] = set()
        self.alias_urls: set[str] = set()
        self.links_seen: set[str] = set()

    def _refuse_unknown(self, kwargs: dict) -> None:
        """A misspelt or foreign argument is refused, never taken for an
        attribute of the spider (``site`` would replace its site)."""
        if kwargs.get("site") == self.site.name:
            kwargs.pop("site")  # the site it crawls anyway
        unknown = sorted(set(kwargs) - SCHEDULER_ARGUMENTS)
        if not unknown:
            return
        if unknown[0] == "site":
            raise ValueError(
                f"site: the {self.name} spider crawls {self.site.name} only; crawl {kwargs['site']} with "
                f"`scrapy crawl news -a site={kwargs['site']}` (or `newsarchive crawl {kwargs['site']}`)"
            )
        raise ValueError(f"{unknown[0]} is not an argument of the {self.name} spider; "
                         f"it takes {', '.join(self.arguments_taken)}")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        if "profiles" in kwargs:
            raise ValueError(f"profiles is not an argument of the {cls.name} spider; name profiles with"
                             " NEWSARCHIVE_PROFILES")
        return super().from_crawler(crawler, *args, profiles=Profiles.from_settings(crawler.settings), **kwargs)

    @cached_property
    def known(self):
        """The "already archived?" decision (``NEWSARCHIVE_KNOWN_STORIES``),
        made on first use: add-ons (distributed mode) set the component
        after the spider is made."""
        return known_stories(self.crawler, self.recheck)

    # -- URLs ---------------------------------------------------------------

    def site_url(self, url: str) -> str:
        return self.site.site_url(url, self.fetch_origin)

    def is_ours(self, url: str) -> bool:
        return self.site.is_site_host(host(url)) or origin(url) == self.fetch_origin

    def _inc(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"newsarchive/{key}", count)

    # -- discovery ----------------------------------------------------------

    @cached_property
    def network_errors(self) -> tuple[type[BaseException], ...]:
        return network_errors(self.settings)

    async def start(self):
        #: Start points that failed on the network, with why (the first's error).
        self.unanswered: list[str] = []
        for url in self.start_points:
            yield Request(url, callback=self.parse, errback=self.start_failed, dont_filter=True,
                          meta={request_meta.LISTING_PAGE: 1})

    def start_failed(self, failure):
        """A start point that did not answer. When none of them did, the
        site is unreachable (offline, DNS, refused, timed out): nothing of
        the run's work can be done, so it stops as failed."""
        request = failure.request
        if failure.check(HttpError):  # it answered, with an error status
            self.logger.info("Ignoring response %s: HTTP status code is not handled or not allowed",
                             failure.value.response)
            return
        if not is_network_error(failure, self.network_errors):
            if not failure.check(IgnoreRequest):  # robots.txt forbids it: Scrapy said so
                self.logger.error("Error downloading %s", request, exc_info=(failure.type, failure.value, failure.tb))
            return
        error = f"{failure.type.__name__}: {failure.value}"
        self.logger.error("Error downloading %s: %s", request, error)
        self.unanswered.append(f"{request.url}: {error}")
        if len(self.unanswered) == len(self.start_points):
            self.logger.error(
                "%s is unreachable: none of its %d start point(s) answered (%s); the run failed",
                self.site.name, len(self.start_points), self.unanswered[0],
            )
            # Not CloseSpider: raised here, Scrapy would log the download error once more.
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=UNREACHABLE))

    def follow_article(self, url: str, from_index: bool = False):
        """A request for the story ``url`` leads to, an alias if the story
        was already met in this run, or nothing (not an article of ours, or
        archived and not due for a recheck)."""
        # The same links stand on every page (sidebars, menus): decide once.
        if url in self.links_seen:
            return None
        self.links_seen.add(url)
        if not self.is_ours(url):
            return None
        site_url = self.site_url(url)
        parsed = self.site.article_url(site_url, from_index)
        if parsed is None:
            return None
        if parsed.language not in self.editions:
            self._inc("discovery/other_edition")
            return None
        code = parsed.story_code
        if self.site.parser.story_code_from_page:
            # The URL's code is provisional: the page states the real one.
            code = self.known.story_for_url(self.site.name, site_url) or code
        first = self.met.get(code)
        if first is None:
            first = self.known.met_elsewhere(self.site.name, code)
            if first is not None:
                self.met[code] = first
                if self.known.verdict(self.site.name, code) is Verdict.NEW:
                    self.new_codes.add(code)
        if first is not None:
            if site_url != first and site_url not in self.alias_urls:
                self.alias_urls.add(site_url)
                if not self.known.knows_url(site_url, self.site.name):
                    self._inc("discovery/variant_urls")
                    return StoryAlias(site=self.site.name, story_code=code, url=site_url)
            return None
        self.met[code] = site_url
        verdict = self.known.verdict(self.site.name, code)
        if verdict is Verdict.ARCHIVED:
            self._inc("discovery/skipped_archived")
            if not self.known.knows_url(site_url, self.site.name):
                self.alias_urls.add(site_url)
                return StoryAlias(site=self.site.name, story_code=code, url=site_url)
            return None
        if verdict is Verdict.DROPPED:
            self._inc("discovery/skipped_dropped")
            return None
        if verdict is Verdict.RECHECK:
            self._inc("discovery/rechecked")
        else:
            self.new_codes.add(code)
            self._inc("discovery/articles")
        return Request(
            self.site.fetch_url(site_url, self.fetch_origin),
            callback=self.parse_article,
            errback=self.article_failed,
            # Stories are deduplicated by code above; the fingerprint filter
            # would also refuse, on resume, a story fetched but not stored.
            dont_filter=True,
            meta=request_meta.story_request_meta(code, site_url),
        )

    def parse(self, response):
        """Start points: an article, a feed or sitemap (gzipped or not), or
        a listing, told apart by URL and content rather than by the content
        type the server claims."""
        if self.site.story_code(self.site_url(response.url)):
            response.meta.setdefault(request_meta.FOUND_URL, self.site_url(response.url))
            yield from self.parse_article(response)
        elif looks_like_index(response.body):
            yield from self.parse_index(response)
        elif not isinstance(response, TextResponse):
            self.crawler.signals.send_catch_log(newsarchive_signals.page_dropped, reason=DropReason.NOT_TEXT)
            self.logger.warning("Skipped %s: not a text page (%s)", response.url, type(response).__name__)
        else:
            yield from self.parse_listing(response)

    def parse_index(self, response):
        """RSS, Atom, sitemaps, sitemap indexes and news sitemaps. Of a
        sitemap index, every sitemap when walking back (``since``,
        ``backfill``), else the first ``max_pages`` (indexes list the newest
        first)."""
        try:
            index = read_index(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE") or 2**30)
        except IndexUnreadable as unreadable:
            self._inc("index_unreadable")
            self.logger.warning("Skipped %s: %s", response.url, unreadable)
            return
        self._inc({SITEMAP_INDEX: "sitemap_indexes", SITEMAP: "sitemaps", FEED: "feeds"}[index.kind])
        if not index.links:
            self.logger.warning("%s lists no links", response.url)
        if index.kind == SITEMAP_INDEX:
            locations = index.links if self.max_pages is None else index.links[: self.max_pages]
            for location in locations:
                url = response.urljoin(location)
                if self.is_ours(url):
                    yield self.index_request(url)
            return
        for link in index.links:
            followed = self.follow_article(response.urljoin(link), from_index=True)
            if followed is not None:
                yield followed

    def index_request(self, url: str) -> Request:
        """A request for a feed or a sitemap of the site (from its mirror, if any)."""
        return Request(self.site.fetch_url(self.site_url(url), self.fetch_origin), callback=self.parse, dont_filter=True)

    def parse_listing(self, response):
        self._inc("listing_pages")
        brought_new = False
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            followed = self.follow_article(url)
            if followed is not None:
                yield followed
            brought_new = brought_new or self.site.story_code(self.site_url(url)) in self.new_codes
        page = request_meta.listing_page(response.meta)
        next_url = self.next_page_url(response, page)
        if next_url is None:
            return
        if self.max_pages is not None and page >= self.max_pages:
            self.logger.info("Stopped at listing page %d of %s (max_pages)", page, response.url)
        elif self.since is not None:
            days = [d for d in map(parse_day, listing_dates(response)) if d]
            if days and max(days) < self.since.isoformat():
                self.logger.info("Stopped at listing page %d: every story on it is older than %s", page, self.since)
            else:
                yield self.listing_request(next_url, page + 1)
        elif self.backfill or brought_new:
            yield self.listing_request(next_url, page + 1)
        else:
            self._inc("listing/stopped_nothing_new")
            self.logger.info("Stopped at listing page %d of %s: nothing new on it", page, response.url)

    def listing_request(self, url: str, page: int) -> Request:
        return Request(url, callback=self.parse_listing, dont_filter=True, meta={request_meta.LISTING_PAGE: page})

    def next_page_url(self, response, page: int) -> str | None:
        for url in next_page_candidates(response, page):
            if self.is_ours(url) and not self.site.story_code(self.site_url(url)):
                return self.site.fetch_url(self.site_url(url), self.fetch_origin)
        return None

    # -- articles -----------------------------------------------------------

    def drop(self, response_or_request, reason: str, detail: str) -> PageDrop:
        meta = response_or_request.meta
        url = request_meta.found_url(meta) or self.site_url(response_or_request.url)
        self.crawler.signals.send_catch_log(newsarchive_signals.page_dropped, reason=reason)
        self.logger.warning("Dropped %s: %s: %s", response_or_request.url, reason, detail)
        return PageDrop(
            site=self.site.name,
            story_code=request_meta.story_code(meta) or self.site.story_code(url),
            url=url,
            reason=reason,
            detail=detail,
        )

    def parse_article(self, response):
        site_url = self.site_url(response.url)
        if response.meta.get("redirect_urls") and request_meta.story_code(response.meta) and not self.site.story_code(site_url):
            # A story the site now sends elsewhere (its home page, an error page) is gone.
            yield self.drop(response, DropReason.GONE, f"redirected to {response.url}")
            return
        capture = request_meta.capture(response.meta)
        fetched_at = capture.date if capture else utc_now()
        extracted = extract(self.site, Fetched(site_url, response.headers, response.body, fetched_at))
        if isinstance(extracted, Rejection):
            yield self.drop(response, extracted.reason, extracted.detail)
            return
        if extracted.repaired_encoding:
            self.logger.info("Read %s as %s: its declared encoding does not fit its bytes",
                             response.url, extracted.repaired_encoding)
        self.crawler.signals.send_catch_log(newsarchive_signals.page_extracted, field_sources=extracted.sources,
                                            counts=extracted.counts)
        item = extracted.item
        item.fetched_at = fetched_at
        if capture:
            item.capture_file, item.capture_offset = capture.file, capture.offset
        # The first redirect URL is our own normalized request for found_url.
        redirects = response.meta.get("redirect_urls", ())[1:]
        reached_by = [request_meta.found_url(response.meta), *map(self.site_url, redirects), site_url]
        item.aliases = [u for u in dict.fromkeys(reached_by) if u and u != item.url]
        if self.site.parser.story_code_from_page:
            self.keep_archived_identity(item)
        self.met.setdefault(item.story_code, item.url)
        # The stories it links to first: once the item is stored, all that
        # came of this page is queued (a shared crawl's work is then done).
        for entry in item.related:
            followed = self.follow_article(entry["url"])
            if followed is not None:
                yield followed
        yield item
        if item.image_url and self.captures_assets and not self.known.knows_asset(item.image_url):
            asset = self.asset_request(item, response.url)
            if asset is not None:
                yield asset

    # -- the files a story shows ------------------------------------------------

    @cached_property
    def captures_assets(self) -> bool:
        """The story's lead image is fetched once and kept in the WARC
        captures, so its reading page shows it from the archive: when the
        crawl keeps captures (not a replay; not yet a shared crawl's workers)."""
        settings = config.of(self.crawler)
        return settings.warc is not None and settings.warc.assets and not settings.replay and settings.redis is None

    def asset_request(self, item, page_url: str) -> Request | None:
        """The request for the story's image, or None (counted, logged) for
        an address the crawl does not fetch: anything but http(s) on a named
        host, or a private, loopback or link-local address the page was not
        itself served from (a page must not make the crawler read the
        machine's or its network's own services into the captures)."""
        url = item.image_url
        refused = refused_asset(url, page_url)
        if refused:
            self._inc("assets/refused")
            self.logger.info("The image %s of story %s is not fetched: %s", url, item.story_code, refused)
            return None
        if self.is_ours(url):
            url = self.site.fetch_url(url, self.fetch_origin)  # from the site's mirror, when crawled from one
        limit = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        return Request(url, callback=self.parse_asset, errback=self.asset_failed, priority=-10,
                       meta={request_meta.ASSET: (item.site, item.story_code, item.image_url),
                             "download_maxsize": min(MAX_ASSET_BYTES, limit) if limit > 0 else MAX_ASSET_BYTES})

    def parse_asset(self, response):
        site, code, url = response.meta[request_meta.ASSET]
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").split(";")[0].strip().lower()
        capture = request_meta.capture(response.meta)
        self.crawler.stats.inc_value(request_meta.ASSET_RESPONSES)
        if response.status != 200 or capture is None:
            self._inc("assets/not_kept")
            return
        if not content_type.startswith("image/") or content_type in SCRIPTED_IMAGES:
            # An SVG is a document that can run script: never served from the archive's server.
            self._inc("assets/not_kept")
            self.logger.info("The image %s of story %s is not kept: %s is not a picture the archive shows",
                             url, code, content_type or "no content type")
            return
        self._inc("assets/kept")
        yield StoryAsset(site, code, url, content_type, capture.file, capture.offset)

    def asset_failed(self, failure):
        if getattr(failure.value, "response", None) is not None:
            self.crawler.stats.inc_value(request_meta.ASSET_RESPONSES)
        self._inc("assets/failed")
        self.logger.info("The image %s was not fetched: %s", failure.request.url, failure.value)

    def keep_archived_identity(self, item) -> None:
        """The page is the archive's story for one of its URLs (see ``extraction.identity``)."""
        known = archived_code(item, lambda url: self.known.story_for_url(self.site.name, url))
        if known is not None:
            self.logger.info("%s is story %s of the archive (the page reads as %s)", item.url, known, item.story_code)
            self._inc("identity/kept_archived")
            item.story_code = known

    def article_failed(self, failure):
        classified = classify(failure)
        if classified is None:
            self.logger.info("Ignored %s: %s", failure.request.url, failure.value)
        else:
            yield self.drop(failure.request, *classified)
