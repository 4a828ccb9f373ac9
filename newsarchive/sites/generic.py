"""Any news site: fields from what the page says about itself (JSON-LD,
OpenGraph, Dublin Core), the body from its main text (trafilatura).

Main-text extraction still lets "related stories" lists and doubled
headlines through now and then; the page's other article links go into
``related``, so that the sidebar pipeline removes those lines from the body.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy.http import TextResponse
from w3lib.url import safe_url_string

from newsarchive.items import ArticleItem
from newsarchive.sites.base import host, strip_tracking
from newsarchive.sites.metadata import page_metadata
from newsarchive.sites.newsstudio import PageRejected, looks_binary
from newsarchive.sites.text import clean_ws, markup_to_text

if TYPE_CHECKING:
    from newsarchive.sites.base import Site

#: A numeric id in a URL path: 5 digits or more, not a date.
PATH_ID = re.compile(r"(?<![0-9])([0-9]{5,20})(?![0-9])")
DATE_LIKE = re.compile(r"(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")
NOT_ARTICLE_PATH = re.compile(
    r"/(tags?|topics?|category|categories|section|author|authors|search|page|login|register|account|"
    r"subscribe|newsletter|about|contact|privacy|terms|feed|rss|sitemap)(/|$)|\.(jpe?g|png|gif|webp|svg|pdf|"
    r"css|js|xml|json|mp3|mp4|zip)$",
    re.I,
)
#: Link text this long is a headline, not a menu entry.
HEADLINE_WORDS = 4
MAX_RELATED = 60


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


class GenericParser:
    SELECTOR_FIELDS = ("body",)
    #: CSS of a container to take the main text from, instead of the whole page.
    body: tuple[str, ...] = ()

    def __init__(self, site: Site):
        self.site = site
        for field, selectors in site.selectors.items():
            setattr(self, field, tuple(selectors))

    def main_text(self, response) -> list[str]:
        html = response.text
        for css in self.body:
            node = response.css(css)
            if node:
                html = node.get()
                break
        import trafilatura  # on first use: it is slow to import and only generic sites need it

        # Precision first: the sidebar pipeline then takes out what still leaks.
        text = trafilatura.extract(html, url=response.url, include_comments=False, favor_precision=True)
        return [line for line in (clean_ws(t) for t in (text or "").splitlines()) if line]

    def article_links(self, response, url: str, own: str) -> list[dict]:
        """The page's links to other stories of the site: headline-long link
        text, an article-like URL."""
        links: dict[str, dict] = {}
        for link in response.css("a[href]"):
            href = link.attrib["href"].strip()
            if href.startswith(("#", "javascript:", "mailto:")):
                continue
            target = normalize_url(urljoin(url, href))
            if target == own or not same_site(target, url) or not looks_like_article_url(target):
                continue
            title = clean_ws(" ".join(link.root.itertext()))
            if len(title.split()) < HEADLINE_WORDS:
                continue
            entry = links.setdefault(target, {"title": title, "url": target, "story_code": url_story_code(target), "date": None})
            if len(title) > len(entry["title"]):
                entry["title"] = title
            if len(links) >= MAX_RELATED:
                break
        return list(links.values())

    def canonical(self, response, url: str, meta: dict) -> str:
        for candidate in (response.css('link[rel="canonical"]::attr(href)').get(), meta.get("url"), url):
            if candidate:
                candidate = normalize_url(urljoin(url, candidate.strip()))
                if same_site(candidate, url):
                    return candidate
        return normalize_url(url)

    def story_code(self, canonical: str, url: str) -> str:
        return self.site.story_code(url) or self.site.story_code(canonical) or url_story_code(canonical)

    def title(self, response, meta: dict) -> str | None:
        title = meta.get("title") or clean_ws(" ".join(response.css("h1 ::text").getall()))
        if not title:
            title = markup_to_text(response.css("title::text").get())
            site_name = meta.get("site_name")
            for separator in (" | ", " - ", " — ", " – "):
                head, _, tail = title.rpartition(separator)
                if head and (not site_name or tail.strip() == site_name):
                    title = head
                    break
        return title or None

    def parse(self, response, url: str | None = None) -> ArticleItem:
        url = url or response.url
        if not isinstance(response, TextResponse):
            raise PageRejected("not_text", f"{type(response).__name__} is not a text page")
        if looks_binary(response.body):
            raise PageRejected("not_text", "the body is binary data, whatever its content type says")
        meta = page_metadata(response)
        paragraphs = self.main_text(response)
        if not paragraphs and meta.get("body"):
            paragraphs = [clean_ws(p) for p in meta["body"].splitlines() if clean_ws(p)]
        if not paragraphs:
            raise PageRejected("no_body", "no main text found")
        if not meta["is_article"] and sum(len(p) for p in paragraphs) < 500:
            raise PageRejected("not_article", "no article metadata and little text")
        canonical = self.canonical(response, url, meta)
        language = (meta.get("language") or "").replace("_", "-").split("-")[0].lower() or None
        image = meta.get("image_url")
        return ArticleItem(
            site=self.site.name,
            story_code=self.story_code(canonical, url),
            url=canonical,
            kind="article",
            language=language,
            section=meta.get("section"),
            title=self.title(response, meta),
            lead=meta.get("lead"),
            body="\n\n".join(paragraphs),
            authors=meta.get("authors") or [],
            tags=meta.get("tags") or [],
            image_url=safe_url_string(urljoin(url, image)) if image else None,
            related=self.article_links(response, url, canonical),
            published_raw=meta.get("published_raw"),
            modified_raw=meta.get("modified_raw"),
        )
