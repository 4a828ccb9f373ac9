"""The item schema every part of newsarchive shares.

Items are dataclasses, read and written through ``itemadapter`` so that
pipelines work on any item type Scrapy supports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class DropReason(StrEnum):
    """Why a page did not become a story (the ``dropped`` table's ``reason``;
    an HTTP error status is ``http_<status>``, see :func:`http_drop_reason`)."""

    #: Parsed, and not a story: the page holds no body, no story code, ...
    NO_BODY = "no_body"
    NO_STORY_CODE = "no_story_code"
    NOT_ARTICLE = "not_article"
    NOT_TEXT = "not_text"
    #: The parser could not read the page's markup at all.
    UNPARSEABLE = "unparseable"
    #: A bug of the parser (logged with its traceback).
    PARSER_ERROR = "parser_error"
    #: The site says the story is no more: 404, 410, a redirect to its home page.
    GONE = "gone"
    ROBOTS_FORBIDDEN = "robots_forbidden"
    REDIRECT_LOOP = "redirect_loop"
    #: The network failed (DNS, refused, reset, timed out): worth another try.
    FETCH_ERROR = "fetch_error"

    @property
    def permanent(self) -> bool:
        """A later run would drop the page again: it is not fetched again."""
        return self in _PERMANENT

    @property
    def parser_fault(self) -> bool:
        """The parser could not use the page: counts toward the drift alarm
        (a fault of the network or the site says nothing of the rules)."""
        return self in _PARSER_FAULTS

    @classmethod
    def of(cls, reason: str | None) -> DropReason | None:
        """The reason named so, or None for another (``http_503``, an old archive's)."""
        try:
            return cls(reason)
        except ValueError:
            return None


class CaptureSource(StrEnum):
    """Where a story's copy came from (``articles.source``)."""

    #: A crawl of the live site (its response kept in the WARC folder).
    CRAWL = "crawl"
    #: A record of a WARC file imported (CC-NEWS, another crawler's).
    WARC_IMPORT = "warc-import"
    #: A capture of the Wayback Machine (the capture's address).
    WAYBACK = "wayback"
    #: A record of a Common Crawl main crawl, fetched by byte range.
    COMMONCRAWL = "commoncrawl"


class Outcome(StrEnum):
    """What storing a fetched story did to the archive."""

    NEW = "new"
    #: The story changed: a revision keeps its previous values.
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class RunFailure(StrEnum):
    """Why a run could not do its work (its finish reason, whatever Scrapy's)."""

    #: The archive refused a write: what was staged is not stored.
    ARCHIVE = "archive_error"
    #: A shared crawl's Redis failed: the worker stops, its work goes back to the queue.
    REDIS = "redis_error"


_PERMANENT = frozenset({DropReason.NO_STORY_CODE, DropReason.NO_BODY, DropReason.NOT_TEXT, DropReason.GONE,
                        DropReason.ROBOTS_FORBIDDEN})
_PARSER_FAULTS = frozenset({DropReason.NO_BODY, DropReason.NO_STORY_CODE, DropReason.NOT_ARTICLE,
                            DropReason.UNPARSEABLE, DropReason.PARSER_ERROR})

#: HTTP statuses that say the story is gone for good.
GONE_STATUSES = frozenset({404, 410})


def http_drop_reason(status: int) -> str:
    """The drop reason of a page the server answered with an error status."""
    return DropReason.GONE if status in GONE_STATUSES else f"http_{status}"


@dataclass
class RelatedStory:
    """A story linked from a page's featured/related sidebar."""

    title: str
    url: str
    story_code: str | None = None
    date: str | None = None


@dataclass
class ArticleItem:
    site: str | None = None
    story_code: str | None = None
    #: Canonical URL of the story on the site's canonical host.
    url: str | None = None
    #: Other URLs the story was reached by (old forms, other hosts, tracking
    #: parameters, redirects). Stored in the ``aliases`` table.
    aliases: list[str] = field(default_factory=list)
    #: URL form: news, article, interview, video, karikator, gallery, doc.
    kind: str | None = None
    language: str | None = None
    section: str | None = None
    kicker: str | None = None
    title: str | None = None
    lead: str | None = None
    #: Paragraphs separated by a blank line.
    body: str | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None
    related: list[dict] = field(default_factory=list)
    #: UTC, ISO 8601; empty when the page gives no parseable date.
    published: str | None = None
    published_raw: str | None = None
    #: "page" when the page states the zone, "site default" when assumed.
    published_tz_source: str | None = None
    modified: str | None = None
    modified_raw: str | None = None
    fetched_at: str | None = None
    #: How many lines the sidebar rules (extraction) removed from the body.
    sidebar_removed: int = 0
    #: Which source gave each field: ``site`` (the profile's or CMS family's
    #: rules), ``json_ld``, ``opengraph``, ``text_pattern``, ``main_text``, ...
    field_sources: dict[str, str] = field(default_factory=dict)
    #: Provenance: where the copy came from (a :class:`CaptureSource`), and
    #: the WARC file (a name in the WARC folder for a crawl; the imported
    #: file's path or URL; a web archive's capture address) and the offset
    #: of the response record the item was parsed from.
    source: str = CaptureSource.CRAWL.value
    capture_file: str | None = None
    capture_offset: int | None = None


@dataclass
class StoryAlias:
    """A URL that leads to a story, found without fetching it again."""

    site: str
    story_code: str
    url: str


#: Image types that are documents able to run script: never kept as a
#: story's image, never served by the reading pages.
SCRIPTED_IMAGES = frozenset({"image/svg+xml"})


@dataclass
class StoryAsset:
    """A file a story's page shows (its lead image), fetched once and kept in
    the WARC captures, so that the story's reading page shows it from the
    archive rather than from the outlet (``assets``)."""

    site: str
    story_code: str
    #: The file's URL as the page gives it.
    url: str
    content_type: str
    #: The WARC file (a name in the WARC folder) and the record's offset.
    capture_file: str
    capture_offset: int


@dataclass
class PageDrop:
    """A page that did not become a story, and why: recorded in the archive
    so that the reason is kept and later runs do not fetch it again in vain."""

    site: str | None
    story_code: str | None
    url: str
    #: A :class:`DropReason`, or ``http_<status>``.
    reason: str
    detail: str = ""
