"""The extraction engine: every parser's fields from layered sources.

A parser is a small declarative class over :class:`Parser`: CSS selectors
for the fields its CMS family marks up and, where CSS is not enough, a rule
of its own in its field-rule table (``fields``). For each field the engine
tries, in order, and keeps the first value:

1. ``site`` — the profile's ``[selectors]`` or the CMS family's own rules;
2. page metadata — JSON-LD, OpenGraph / ``article:``, Dublin Core,
   ``itemprop``, ``<time datetime>``, ``<link rel>`` (see ``metadata``);
3. ``text_pattern`` / ``heading`` / ``title_tag`` — what the visible text
   says (``Story Code : N``, a dated line, the page's ``<h1>``);
4. ``main_text`` — the page's main text (trafilatura, ``main_text``).

Later sources run only for fields the earlier ones left empty, so a site
whose rules match pays for nothing else. The body is then cleaned once by
the sidebar rules (``sidebar``). Which source gave each field is recorded in
the item's ``field_sources``: a run whose stories needed fallbacks for
fields the site has rules for has drifted (see ``extensions/drift.py``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from lxml import etree

from newsarchive.items import ArticleItem, DropReason
from newsarchive.sites import links
from newsarchive.sites.css import first_text, select, select_first, text_list
from newsarchive.sites.fields import FIELD_RULES, FIELDS, SITE, FieldRule, with_site_rules
from newsarchive.sites.metadata import PageMetadata
from newsarchive.sites.page import Page, PageRejected, looks_binary
from newsarchive.sites.sidebar import lead_shown_apart, strip_sidebar
from newsarchive.sites.text import paragraphs_to_body
from newsarchive.sites.urls import same_site

if TYPE_CHECKING:
    from newsarchive.sites.base import Site

__all__ = [
    "FIELDS", "SITE", "Extraction", "FieldRule", "PageRejected", "Parser", "select", "select_first", "text_list",
    "with_site_rules",
]


class Extraction:
    """One page's parse: each field resolved once, with its source."""

    def __init__(self, parser: Parser, page: Page):
        self.parser = parser
        self.page = page
        self.url = page.url
        self.sources: dict[str, str] = {}
        self._values: dict[str, Any] = {}
        self._meta: PageMetadata | None = None
        self._memo: dict[str, Any] = {}
        #: What the parse met on the way (``links/malformed``).
        self.counts: Counter = Counter()

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, worked out once per page."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def meta(self) -> PageMetadata:
        if self._meta is None:
            self._meta = PageMetadata(self.page)
        return self._meta

    @property
    def links(self) -> list[tuple[str, str]]:
        """The page's links to other pages (``links.page_links``), read once."""
        return self.memo("links", lambda: links.page_links(self.page.root))

    def get(self, field: str) -> Any:
        """The field's value from the first source that has one (or None)."""
        if field not in self._values:
            value = None
            for source, thunk in self.parser.sources(field, self):
                value = self.parser.finish(field, thunk(), source, self)
                if value:
                    self.sources[field] = source
                    break
            self._values[field] = value or None
        return self._values[field]


class Parser:
    """Page in, :class:`~newsarchive.items.ArticleItem` out, no I/O.

    Subclasses declare CSS selectors per field (most specific first); a
    profile's ``[selectors]`` table replaces any of them. ``SELECTOR_FIELDS``
    names those a profile may set. ``field_rules`` is the field-rule table
    (``fields``): a subclass replaces an entry's site rule with
    :func:`~newsarchive.sites.fields.with_site_rules`.
    """

    SELECTOR_FIELDS: tuple[str, ...] = (
        "container", "kicker", "title", "lead", "published", "modified", "body", "story_code", "section",
        "tags", "authors", "image_url", "body_clutter", "sidebar",
    )
    #: The article's element: date patterns and images are looked for in it first.
    container: tuple[str, ...] = ()
    kicker: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    #: Attribute selectors (``meta[...]::attr(content)``) or elements whose text holds a date.
    published: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    #: Containers of the body's paragraphs.
    body: tuple[str, ...] = ()
    #: Elements whose text holds the story code (``Story Code : N`` or the number).
    story_code: tuple[str, ...] = ()
    #: Breadcrumb links (the last is the section) or a section element.
    section: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    image_url: tuple[str, ...] = ()
    #: Left out of the body container's text: share buttons, forms, comments.
    body_clutter: tuple[str, ...] = ()
    #: Blocks listing other stories ("Featured Stories", "Related News").
    sidebar: tuple[str, ...] = ()

    field_rules: dict[str, FieldRule] = FIELD_RULES

    #: The story code is what the page states (a CMS's post ID), the URL's
    #: only when it states none: discovery then asks the archive which story
    #: a URL led to before, since the URL alone cannot say.
    story_code_from_page = False

    def __init__(self, site: Site):
        self.site = site
        for field, selectors in site.selectors.items():
            setattr(self, field, tuple(selectors))
        self.publisher_names = frozenset(n.casefold() for n in site.publisher_names)
        self.resolve_link = links.LinkResolver(site.story_code)

    # -- what the site's own rules cover -------------------------------------

    @property
    def rule_fields(self) -> frozenset[str]:
        """Fields this parser has rules of its own for: a fallback there is drift."""
        own = {"url", "language"} if self.site.url_forms else set()
        return frozenset(f for f in FIELDS if isinstance(getattr(self, f, None), tuple) and getattr(self, f)) | own

    # -- the page ------------------------------------------------------------

    def parse(self, page: Page, removed: Counter | None = None, counts: Counter | None = None) -> ArticleItem:
        """Parse an article page; the lines the sidebar rules took out of
        its body are added to ``removed`` by rule, what else the parse met
        (``links/malformed``) to ``counts``. Raises :class:`PageRejected`
        for a page that is not an article."""
        if looks_binary(page.html):
            raise PageRejected(DropReason.NOT_TEXT, "the body is binary data, whatever its content type says")
        extraction = Extraction(self, page)
        try:
            item, by_rule = self.build(extraction)
        except PageRejected:
            raise
        except (ValueError, TypeError, etree.LxmlError) as exc:
            raise PageRejected(DropReason.UNPARSEABLE, f"{type(exc).__name__}: {exc}") from exc
        if removed is not None:
            removed.update(by_rule)
        if counts is not None:
            counts.update(extraction.counts)
        return item

    def build(self, extraction: Extraction) -> tuple[ArticleItem, Counter]:
        code = extraction.get("story_code")
        if not code:
            raise PageRejected(DropReason.NO_STORY_CODE, "no id in the URL, no story code element or text")
        lines = extraction.get("body")
        if not lines:
            raise PageRejected(DropReason.NO_BODY, "no body container and no main text")
        self.check_article(extraction)
        body, removed = self.cleaned_body(extraction, extraction.sources["body"], lines)
        item = ArticleItem(
            site=self.site.name,
            story_code=code,
            url=extraction.get("url"),
            kind=self.kind(extraction),
            language=extraction.get("language"),
            section=extraction.get("section"),
            kicker=first_text(extraction.page, self.kicker) if self.kicker else None,
            title=extraction.get("title"),
            lead=extraction.get("lead"),
            body=body,
            authors=extraction.get("authors") or [],
            tags=extraction.get("tags") or [],
            image_url=extraction.get("image_url"),
            related=self.related(extraction),
            published_raw=extraction.get("published"),
            modified_raw=extraction.get("modified"),
            sidebar_removed=sum(removed.values()),
        )
        item.field_sources = {f: extraction.sources[f] for f in FIELDS if f in extraction.sources}
        return item, removed

    def url_parts(self, extraction: Extraction):
        """The story's canonical URL (else the page's) taken apart by the site's URL rules."""
        return extraction.memo(
            "url_parts", lambda: self.site.article_url(extraction.get("url")) or self.site.article_url(extraction.url)
        )

    def check_article(self, extraction: Extraction) -> None:
        """Raise :class:`PageRejected` for a page that is not an article
        although it has a body (a site's URL rules already say it is one)."""

    def kind(self, extraction: Extraction) -> str | None:
        """The kind of story the URL names (news, video, ...), else "article"."""
        parsed = self.url_parts(extraction)
        return (parsed.kind if parsed else None) or "article"

    # -- sources -------------------------------------------------------------

    def sources(self, field: str, extraction: Extraction) -> Iterator[tuple[str, Callable[[], Any]]]:
        """(source, thunk) for each of ``field``'s sources, in order."""
        rule = self.field_rules[field]
        site = [(SITE, lambda: rule.site(self, extraction))] if rule.site else []
        by_url = [(source, lambda read=read: read(self, extraction)) for source, read in rule.by_url]
        # The URL's reading first, unless the site's pages state a better one.
        yield from site + by_url if self.story_code_from_page else by_url + site
        for source, read in rule.shown:
            yield source, lambda read=read: read(self, extraction)
        yield from extraction.meta.candidates(field)
        for source, read in rule.fallbacks:
            yield source, lambda read=read: read(self, extraction)

    def finish(self, field: str, value: Any, source: str, extraction: Extraction) -> Any:
        """A candidate made ready for the item (or None to try the next source)."""
        if not value:
            return None
        return self.field_rules[field].finish(self, value, source, extraction)

    # -- the body, cleaned once ------------------------------------------------

    def cleaned_body(self, extraction: Extraction, source: str, lines: list[str]) -> tuple[str, Counter]:
        """A body from ``source`` without sidebar entries, repeated headlines
        and page chrome, and the lines removed by rule (see ``sidebar``):
        worked out once per source and page."""

        def clean() -> tuple[str, Counter]:
            title, lead = extraction.get("title"), extraction.get("lead")
            return strip_sidebar(
                paragraphs_to_body(lines),
                title=title,
                related_titles=[entry.get("title") or "" for entry in self.related_to(extraction, source)],
                lead=lead if lead_shown_apart(extraction.sources.get("lead")) else None,
                language=extraction.get("language"),
                # A site's own body container holds no menus; a page's main text may.
                link_texts=frozenset() if source == SITE else links.link_texts(extraction.links),
            )

        return extraction.memo(f"cleaned/{source}", clean)

    # -- other stories the page links to ---------------------------------------

    def story_lists(self, page) -> list:
        """The page's (or an lxml tree's) lists of other stories."""
        return links.story_lists(page, self.sidebar)

    def related(self, extraction: Extraction) -> list[dict]:
        """Stories the page links to (see :meth:`related_to`)."""
        return self.related_to(extraction, extraction.sources.get("body"))

    def related_to(self, extraction: Extraction, body_source: str | None) -> list[dict]:
        """Stories the page links to in its story lists, else (for a body
        taken from anything but the site's rules) every headline-long link
        to another story of the site: the sidebar rules remove them from the
        body, the spider follows them."""
        listed = extraction.memo("listed", lambda: links.listed_stories(
            self.story_lists(extraction.page), extraction.url, self.resolve_link, extraction.get("story_code"),
            extraction.counts))
        if body_source == SITE:
            return listed
        return listed or extraction.memo("headlines", lambda: self.headline_links(extraction))

    def headline_links(self, extraction: Extraction) -> list[dict]:
        """The page's headline-long links to other stories of the site."""
        page_url = extraction.url

        def target(href: str) -> tuple[str, str] | None:
            url, code = self.resolve_link(page_url, href)
            return (url, code) if code and same_site(url, page_url) else None

        return links.headline_links(extraction.links, page_url, target,
                                    extraction.get("url"), extraction.get("story_code"), extraction.counts)
