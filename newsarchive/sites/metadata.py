"""What a page says about itself: JSON-LD (schema.org NewsArticle and kin),
OpenGraph, ``article:`` and Twitter tags, Dublin Core, ``itemprop``,
``<time datetime>`` and ``<link rel>``.

:class:`PageMetadata` reads a :class:`~newsarchive.sites.page.Page` once,
lazily, and offers each article field's candidates in order, each with the
name of the source it came from (``json_ld``, ``opengraph``,
``dublin_core``, ``itemprop``, ``meta``, ``time``, ``link``, ``html``). The
parser engine takes the first that gives a value.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any

from newsarchive.sites.text import clean_ws, markup_to_text

ARTICLE_TYPES = frozenset(
    {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
     "BlogPosting", "LiveBlogPosting", "BackgroundNewsArticle", "ReviewNewsArticle", "Report", "TechArticle",
     "SatiricalArticle", "AskPublicNewsArticle"}
)


def _types(node: dict) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _walk_json(value) -> list[dict]:
    """Every object in a JSON-LD document, @graph and nesting included."""
    found, stack = [], [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.append(node)
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return found


def _text(value) -> str | None:
    """A JSON-LD value as clean text: markup dropped, entities decoded."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("url") or value.get("@id")
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    return markup_to_text(html.unescape(value)) or None


def _names(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = [_text(v) for v in values]
    return list(dict.fromkeys(n for n in names if n))


def _split_keywords(value: str | None) -> list[str]:
    if not value:
        return []
    return list(dict.fromkeys(k for k in (clean_ws(k) for k in value.replace("،", ",").split(",")) if k))


def _not_a_url(values: list[str]) -> list[str]:
    # article:author is often a profile URL, not a name.
    return [v for v in values if "://" not in v]


class PageMetadata:
    def __init__(self, page):
        self.page = page

    # -- the page's metadata, read once -------------------------------------

    @cached_property
    def json_ld(self) -> dict:
        """The page's schema.org article object ({} if none)."""
        return next((node for node in self.json_ld_nodes if _types(node) & ARTICLE_TYPES), {})

    @cached_property
    def json_ld_nodes(self) -> list[dict]:
        """Every object of the page's JSON-LD (a WebPage's, an Organization's, ...)."""
        nodes = []
        for script in self.page.root.xpath('//script[@type="application/ld+json"]/text()'):
            try:
                nodes.extend(_walk_json(json.loads(script.strip().rstrip(";"))))
            except ValueError:
                continue
        return nodes

    @cached_property
    def tags(self) -> dict[str, list[str]]:
        """Meta tag values by lowercased ``name`` / ``property`` (and
        ``itemprop:NAME`` for microdata, on any element)."""
        found: dict[str, list[str]] = {}
        for meta in self.page.root.iter("meta"):
            content = clean_ws(meta.get("content"))
            if not content:
                continue
            for attribute in ("property", "name"):
                key = meta.get(attribute)
                if key:
                    found.setdefault(key.strip().lower(), []).append(content)
        for element in self.page.root.xpath("//*[@itemprop]"):
            value = element.get("content") or element.get("datetime") or element.get("href") or element.get("src")
            if value is None and element.tag in ("h1", "h2", "span", "div", "p", "a", "time"):
                value = " ".join(element.itertext())
            value = clean_ws(value)
            if value:
                for prop in element.get("itemprop").split():
                    found.setdefault(f"itemprop:{prop.lower()}", []).append(value)
        return found

    def meta(self, *names: str) -> str | None:
        for name in names:
            values = self.tags.get(name)
            if values:
                return values[0]
        return None

    def meta_all(self, name: str) -> list[str]:
        return list(dict.fromkeys(self.tags.get(name, ())))

    def ld(self, *keys: str) -> str | None:
        for key in keys:
            value = _text(self.json_ld.get(key))
            if value:
                return value
        return None

    def _link(self, rel: str) -> str | None:
        for href in self.page.root.xpath(f'//link[@rel="{rel}"]/@href'):
            if clean_ws(href):
                return clean_ws(href)
        return None

    def _time(self) -> str | None:
        times = self.page.root.xpath("//time[@datetime]")
        preferred = [t for t in times if t.get("pubdate") is not None or t.get("itemprop") == "datePublished"]
        for element in preferred or times:
            if clean_ws(element.get("datetime")):
                return clean_ws(element.get("datetime"))
        return None

    def _publisher(self) -> str | None:
        publisher = self.json_ld.get("publisher")
        return _text(publisher) if isinstance(publisher, dict) else None

    # -- candidates per field ------------------------------------------------

    SOURCES: dict[str, tuple[tuple[str, Callable[[PageMetadata], Any]], ...]] = {
        "title": (
            ("json_ld", lambda m: m.ld("headline", "name")),
            ("opengraph", lambda m: markup_to_text(m.meta("og:title", "twitter:title"))),
            ("dublin_core", lambda m: m.meta("dc.title", "dcterms.title")),
            ("itemprop", lambda m: m.meta("itemprop:headline")),
        ),
        "lead": (
            ("json_ld", lambda m: m.ld("description")),
            ("opengraph", lambda m: markup_to_text(m.meta("og:description", "twitter:description"))),
            ("meta", lambda m: markup_to_text(m.meta("description"))),
            ("dublin_core", lambda m: m.meta("dc.description", "dcterms.description")),
        ),
        "published": (
            ("json_ld", lambda m: m.ld("datePublished", "dateCreated")),
            ("opengraph", lambda m: m.meta("article:published_time")),
            ("itemprop", lambda m: m.meta("itemprop:datepublished", "datepublished")),
            ("dublin_core", lambda m: m.meta("dc.date.issued", "dc.date", "dcterms.created", "dcterms.issued",
                                             "dcterms.date")),
            ("meta", lambda m: m.meta("pubdate", "publishdate", "date", "parsely-pub-date", "sailthru.date")),
            ("time", lambda m: m._time()),
        ),
        "modified": (
            ("json_ld", lambda m: m.ld("dateModified")),
            ("opengraph", lambda m: m.meta("article:modified_time", "og:updated_time")),
            ("itemprop", lambda m: m.meta("itemprop:datemodified")),
            ("dublin_core", lambda m: m.meta("dcterms.modified", "dc.date.modified")),
        ),
        "authors": (
            ("json_ld", lambda m: _names(m.json_ld.get("author"))),
            ("opengraph", lambda m: _not_a_url(m.meta_all("article:author"))),
            ("meta", lambda m: m.meta_all("author")),
            ("dublin_core", lambda m: m.meta_all("dc.creator")),
            ("itemprop", lambda m: _not_a_url(m.meta_all("itemprop:author"))),
        ),
        "tags": (
            ("json_ld", lambda m: _json_ld_keywords(m.json_ld.get("keywords"))),
            ("opengraph", lambda m: m.meta_all("article:tag")),
            ("meta", lambda m: _split_keywords(m.meta("keywords", "news_keywords"))),
        ),
        "section": (
            ("json_ld", lambda m: m.ld("articleSection")),
            ("opengraph", lambda m: m.meta("article:section")),
            ("itemprop", lambda m: m.meta("itemprop:articlesection")),
        ),
        "image_url": (
            ("json_ld", lambda m: m.ld("image", "thumbnailUrl")),
            ("opengraph", lambda m: m.meta("og:image", "og:image:url", "og:image:secure_url", "twitter:image")),
            ("link", lambda m: m._link("image_src")),
            ("itemprop", lambda m: m.meta("itemprop:image")),
        ),
        "url": (
            ("link", lambda m: m._link("canonical")),
            ("json_ld", lambda m: m.ld("url", "mainEntityOfPage")),
            ("opengraph", lambda m: m.meta("og:url")),
        ),
        "language": (
            ("json_ld", lambda m: m.ld("inLanguage")),
            ("dublin_core", lambda m: m.meta("dc.language")),
            ("opengraph", lambda m: m.meta("og:locale")),
            ("html", lambda m: clean_ws((m.page.root.xpath("/html/@lang") or [""])[0]) or None),
        ),
    }

    def article_body(self) -> str | None:
        """JSON-LD ``articleBody``: the text of a page that holds it only as data."""
        body = self.json_ld.get("articleBody")
        return body if isinstance(body, str) else None

    def candidates(self, field: str) -> Iterator[tuple[str, Callable[[], Any]]]:
        """(source, thunk) for each of ``field``'s sources, in order."""
        for source, getter in self.SOURCES.get(field, ()):
            yield source, (lambda getter=getter: getter(self))

    def first(self, field: str) -> tuple[Any, str | None]:
        for source, value in self.candidates(field):
            found = value()
            if found:
                return found, source
        return None, None

    @property
    def site_name(self) -> str | None:
        return self.meta("og:site_name") or self._publisher()

    @property
    def is_article(self) -> bool:
        """The page says it is an article (JSON-LD, og:type) or at least dates itself."""
        return bool(self.json_ld) or (self.meta("og:type") or "").lower() == "article" or bool(
            self.first("published")[0]
        )


def _json_ld_keywords(keywords) -> list[str]:
    if isinstance(keywords, str):
        return _split_keywords(html.unescape(keywords))
    return _names(keywords) if keywords else []

