"""Any news site: no rules of its own, every field from the engine's
fallbacks — what the page says about itself (JSON-LD, OpenGraph, Dublin
Core), its visible text and its main text (trafilatura). A profile may give
a ``body`` container to take the main text from.

Main-text extraction still lets "related stories" lists and doubled
headlines through now and then; the page's other article links go into
``related``, so that the sidebar rules remove those lines from the body.
"""

from __future__ import annotations

from urllib.parse import urljoin

from lxml import etree

from newsarchive.items import DropReason
from newsarchive.sites import links
from newsarchive.sites.engine import Extraction, Parser, select, with_site_rules
from newsarchive.sites.main_text import main_text
from newsarchive.sites.page import PageRejected
from newsarchive.sites.urls import looks_like_article_url, normalize_url, same_site, url_story_code

#: A page with no article metadata needs this much text to be taken for one.
MIN_UNDECLARED_ARTICLE = 500


def container_main_text(parser: Parser, extraction: Extraction) -> list[str]:
    """The main text of the profile's body container."""
    for css in parser.body:
        nodes = select(extraction.page, css)
        if nodes:
            return main_text(extraction.page, html=etree.tostring(nodes[0], encoding="unicode"))
    return []


class GenericParser(Parser):
    SELECTOR_FIELDS = ("body",)
    field_rules = with_site_rules(Parser.field_rules, body=container_main_text)

    @property
    def rule_fields(self) -> frozenset[str]:
        return frozenset({"body"}) if self.body else frozenset()

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

        return links.headline_links(extraction.page.root, page_url, target, extraction.get("url"), None)
