"""The item schema every part of newsarchive shares.

Items are dataclasses, read and written through ``itemadapter`` so that
pipelines work on any item type Scrapy supports.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    #: Provenance: the WARC file (a name in the WARC folder) and the offset
    #: of the response record the item was parsed from.
    capture_file: str | None = None
    capture_offset: int | None = None


@dataclass
class StoryAlias:
    """A URL that leads to a story, found without fetching it again."""

    site: str
    story_code: str
    url: str


@dataclass
class PageDrop:
    """A page that did not become a story, and why: recorded in the archive
    so that the reason is kept and later runs do not fetch it again in vain."""

    site: str | None
    story_code: str | None
    url: str
    reason: str
    detail: str = ""
