"""Any news site: no rules of its own, every field from the engine's
fallbacks — what the page says about itself (JSON-LD, OpenGraph, Dublin
Core), its visible text and its main text (trafilatura). A profile may give
a ``body`` container to take the main text from.

A page whose CMS family its own signs name (``cms``: WordPress, News
Studio, Drupal) is read by that family's rules, on top of the same
fallbacks; ``field_sources["cms"]`` says so. Either way the story's
identity is what the page says about itself — the id it states (a
WordPress ``?p=ID`` shortlink, a Drupal ``/node/ID``, a JSON-LD
``identifier``), else its canonical URL's id or hash — never the URL it was
requested by, so that two URLs of one story are one story.

Main-text extraction still lets "related stories" lists and doubled
headlines through now and then; the page's other article links go into
``related``, so that the sidebar rules remove those lines from the body.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from urllib.parse import urljoin

from newsarchive.items import ArticleItem, DropReason
from newsarchive.sites import links
from newsarchive.sites.cms import Cms, detect
from newsarchive.sites.drupal import DrupalParser, node_id
from newsarchive.sites.engine import Extraction, Parser, select, with_site_rules
from newsarchive.sites.fields import CMS
from newsarchive.sites.main_text import main_text
from newsarchive.sites.newsstudio import NewsStudioParser
from newsarchive.sites.page import Page, PageRejected
from newsarchive.sites.wordpress import WordPressParser, post_id
from newsarchive.sites.urls import looks_like_article_url, normalize_url, same_site, url_story_code

#: A page with no article metadata needs this much text to be taken for one.
MIN_UNDECLARED_ARTICLE = 500


def container_main_text(parser: Parser, extraction: Extraction) -> list[str]:
    """The main text of the profile's body container."""
    for css in parser.body:
        nodes = select(extraction.page, css)
        if nodes:
            return main_text(extraction.page, nodes[0])
    return []


def stated_id(parser: Parser, extraction: Extraction) -> str | None:
    """The id the page states: a CMS's shortlink (WordPress ``?p=ID``,
    Drupal ``/node/ID``), its article's ``postid-``/``post-ID`` marks, or
    the JSON-LD article's ``identifier`` when it is a number (story codes
    are; the finisher refuses anything else)."""
    found = post_id(parser, extraction) or node_id(parser, extraction)
    if found:
        return found
    identifier = extraction.meta.json_ld.get("identifier")
    if isinstance(identifier, dict):
        identifier = identifier.get("value")
    if isinstance(identifier, (int, str)) and not isinstance(identifier, bool):
        return str(identifier).strip() or None
    return None


class WithoutProfile:
    """What a page of a site without a profile is read with, whatever its
    CMS: its identity from the page, its links to other stories by their
    URLs' shape, and no story from a page that does not look like one."""

    story_code_from_page = True

    def check_article(self, extraction: Extraction) -> None:
        if not extraction.meta.is_article and sum(map(len, extraction.get("body"))) < MIN_UNDECLARED_ARTICLE:
            raise PageRejected(DropReason.NOT_ARTICLE, "no article metadata and little text")

    def related_to(self, extraction: Extraction, body_source: str | None) -> list[dict]:
        """Whatever the body's source: the page's headline-long links to article-like URLs."""
        return extraction.memo("headlines", lambda: self.headline_links(extraction))

    def headline_links(self, extraction: Extraction) -> list[dict]:
        page_url = extraction.url

        def target(href: str) -> tuple[str, str] | None:
            url = normalize_url(urljoin(page_url, href))
            if not same_site(url, page_url) or not looks_like_article_url(url):
                return None
            return url, url_story_code(url)

        return links.headline_links(extraction.links, page_url, target, extraction.get("url"), None,
                                    extraction.counts)


#: The parser of each CMS family the signs of a page can name.
FAMILIES: dict[Cms, type[Parser]] = {
    Cms.WORDPRESS: WordPressParser, Cms.NEWS_STUDIO: NewsStudioParser, Cms.DRUPAL: DrupalParser,
}


@cache
def without_profile(family: type[Parser]) -> type[Parser]:
    """A CMS family's parser for the pages of a site without a profile.

    Its rules give the story's identity and what the theme marks up (title,
    dates, authors, tags, section); the body stays the page's main text, as
    on any page without a profile: a theme's body container also holds
    what main-text extraction leaves out (captions, widgets, embeds), and a
    site without a profile has no clutter rules of its own.
    """
    stated = family.field_rules["story_code"].site or stated_id

    class FamilyWithoutProfile(WithoutProfile, family):
        field_rules = with_site_rules(family.field_rules, story_code=stated, body=None)

        @property
        def rule_fields(self) -> frozenset[str]:
            return frozenset(f for f in super().rule_fields if self.field_rules[f].site is not None)

    FamilyWithoutProfile.__name__ = FamilyWithoutProfile.__qualname__ = f"{family.__name__}WithoutProfile"
    return FamilyWithoutProfile


class GenericParser(WithoutProfile, Parser):
    SELECTOR_FIELDS = ("body",)
    field_rules = with_site_rules(Parser.field_rules, story_code=stated_id, body=container_main_text)

    def __init__(self, site):
        super().__init__(site)
        self._families: dict[Cms, Parser] = {}
        #: The CMS families this parser's pages were read by, and how often.
        self.families_seen: Counter = Counter()

    @property
    def rule_fields(self) -> frozenset[str]:
        """The profile's body container, and the rules of the CMS family
        most of its pages were read by: a fallback there is drift."""
        own = frozenset({"body"}) if self.body else frozenset()
        if not self.families_seen:
            return own
        family, _ = self.families_seen.most_common(1)[0]
        return own | self._family(family).rule_fields

    def _family(self, cms: Cms) -> Parser:
        if cms not in self._families:
            self._families[cms] = without_profile(FAMILIES[cms])(self.site)
        return self._families[cms]

    def parse(self, page: Page, removed: Counter | None = None, counts: Counter | None = None) -> ArticleItem:
        cms = detect(page)
        if cms is None:
            return super().parse(page, removed, counts)
        self.families_seen[cms] += 1
        item = self._family(cms).parse(page, removed, counts)
        item.field_sources[CMS] = cms.value
        return item
