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

from newsarchive.items import DropReason
from newsarchive.sites.engine import HEADLINE_WORDS, MAX_RELATED, Extraction, Parser, select
from newsarchive.sites.page import PageRejected
from newsarchive.sites.text import clean_ws
from newsarchive.sites.urls import (
    looks_like_article_url,
    normalize_url,
    same_site,
    url_story_code,
)

#: A page with no article metadata needs this much text to be taken for one.
MIN_UNDECLARED_ARTICLE = 500


class GenericParser(Parser):
    SELECTOR_FIELDS = ("body",)

    def site_body(self, x: Extraction) -> list[str]:
        """The main text of the profile's body container."""
        for css in self.body:
            nodes = select(x.page, css)
            if nodes:
                from lxml import etree

                return self.main_text(x.page, html=etree.tostring(nodes[0], encoding="unicode"))
        return []

    @property
    def rule_fields(self) -> frozenset[str]:
        return frozenset({"body"}) if self.body else frozenset()

    def check_article(self, x: Extraction) -> None:
        if not x.meta.is_article and sum(map(len, x.get("body"))) < MIN_UNDECLARED_ARTICLE:
            raise PageRejected(DropReason.NOT_ARTICLE, "no article metadata and little text")

    def related(self, x: Extraction) -> list[dict]:
        return x.memo("headlines", lambda: self.article_links(x.page, x.url, x.get("url")))

    story_links = related

    def article_links(self, page, url: str, own: str) -> list[dict]:
        """The page's links to other stories of the site: headline-long link
        text, an article-like URL."""
        links: dict[str, dict] = {}
        for link in page.root.iter("a"):
            href = (link.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:", "mailto:")):
                continue
            target = normalize_url(urljoin(url, href))
            if target == own or not same_site(target, url) or not looks_like_article_url(target):
                continue
            title = clean_ws(" ".join(link.itertext()))
            if len(title.split()) < HEADLINE_WORDS:
                continue
            entry = links.setdefault(target, {"title": title, "url": target, "story_code": url_story_code(target), "date": None})
            if len(title) > len(entry["title"]):
                entry["title"] = title
            if len(links) >= MAX_RELATED:
                break
        return list(links.values())
