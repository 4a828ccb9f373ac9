"""Any news site: no rules of its own, every field from the engine's
fallbacks — what the page says about itself (JSON-LD, OpenGraph, Dublin
Core), its visible text and its main text (trafilatura). A profile may give
a ``body`` container to take the main text from.

Main-text extraction still lets "related stories" lists and doubled
headlines through now and then; the page's other article links go into
``related``, so that the sidebar pipeline removes those lines from the body.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urljoin, urlsplit

from w3lib.url import safe_url_string

from newsarchive.sites.base import host, strip_tracking
from newsarchive.sites.engine import HEADLINE_WORDS, MAX_RELATED, Extraction, Parser, select
from newsarchive.sites.page import PageRejected
from newsarchive.sites.text import clean_ws

#: A numeric id in a URL path: 5 digits or more, not a date.
PATH_ID = re.compile(r"(?<![0-9])([0-9]{5,20})(?![0-9])")
DATE_LIKE = re.compile(r"(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")
NOT_ARTICLE_PATH = re.compile(
    r"/(tags?|topics?|category|categories|section|author|authors|search|page|login|register|account|"
    r"subscribe|newsletter|about|contact|privacy|terms|feed|rss|sitemap)(/|$)|\.(jpe?g|png|gif|webp|svg|pdf|"
    r"css|js|xml|json|mp3|mp4|zip)$",
    re.I,
)
#: A page with no article metadata needs this much text to be taken for one.
MIN_UNDECLARED_ARTICLE = 500


def normalize_url(url: str) -> str:
    parts = urlsplit(safe_url_string(url))
    query = strip_tracking(parts.query)
    path = parts.path or "/"
    return f"{parts.scheme}://{parts.netloc.lower()}{path}" + (f"?{query}" if query else "")


def url_story_code(url: str) -> str:
    """The site's id when the URL carries one, else a stable hash of the URL."""
    path = urlsplit(url).path
    ids = [m.group(1) for m in PATH_ID.finditer(path) if not (len(m.group(1)) == 8 and DATE_LIKE.fullmatch(m.group(1)))]
    if ids:
        return ids[-1].lstrip("0") or "0"
    return "u" + hashlib.sha1(normalize_url(url).encode()).hexdigest()[:16]


def generic_story_code(url: str, from_index: bool = False) -> str | None:
    """The story code of a URL of a site without URL rules, or None when the
    URL does not look like a story's (``from_index``: a feed or a sitemap
    listed it, so it is one whatever it looks like)."""
    if not from_index and not looks_like_article_url(url):
        return None
    return url_story_code(normalize_url(url))


def looks_like_article_url(url: str) -> bool:
    """A guess from the URL alone, for links found on listing pages."""
    path = urlsplit(url).path
    if not path or path == "/" or NOT_ARTICLE_PATH.search(path):
        return False
    segments = [s for s in path.split("/") if s]
    last = segments[-1] if segments else ""
    return bool(PATH_ID.search(path)) or last.count("-") >= 3 or (len(segments) >= 3 and len(last) > 12)


def same_site(a: str, b: str) -> bool:
    return host(a).removeprefix("www.") == host(b).removeprefix("www.")


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

    def kind(self, x: Extraction) -> str | None:
        return "article"

    def check_article(self, x: Extraction) -> None:
        if not x.meta.is_article and sum(map(len, x.get("body"))) < MIN_UNDECLARED_ARTICLE:
            raise PageRejected("not_article", "no article metadata and little text")

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
