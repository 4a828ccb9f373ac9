"""What a page says about itself: JSON-LD (schema.org NewsArticle and kin),
OpenGraph and ``article:`` meta tags, Dublin Core, ``<time>``.

:func:`page_metadata` merges them, JSON-LD first, into one flat dict with
the article fields' names.
"""

from __future__ import annotations

import json
from typing import Any

from newsarchive.sites.text import clean_ws, markup_to_text

ARTICLE_TYPES = frozenset(
    {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
     "BlogPosting", "LiveBlogPosting", "BackgroundNewsArticle", "ReviewNewsArticle", "Report", "TechArticle"}
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
            stack.extend(node)
    return found


def json_ld_article(response) -> dict | None:
    """The page's schema.org article object, if it has one."""
    for script in response.css('script[type="application/ld+json"]::text').getall():
        try:
            document = json.loads(script.strip().rstrip(";"))
        except ValueError:
            continue
        for node in _walk_json(document):
            if _types(node) & ARTICLE_TYPES:
                return node
    return None


def _text(value) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("url")
    if isinstance(value, list):
        value = value[0] if value else None
    return markup_to_text(value) if isinstance(value, str) else None


def _names(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = [_text(v) for v in values]
    return [n for n in names if n]


def _meta(response, *names: str) -> str | None:
    for name in names:
        value = response.xpath(
            f'//meta[@property="{name}" or @name="{name}" or @itemprop="{name}"]/@content'
        ).get()
        if value and clean_ws(value):
            return clean_ws(value)
    return None


def _meta_all(response, name: str) -> list[str]:
    return [clean_ws(v) for v in response.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content').getall() if clean_ws(v)]


def page_metadata(response) -> dict[str, Any]:
    ld = json_ld_article(response) or {}
    keywords = ld.get("keywords")
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",")]
    tags = _names(keywords) if keywords else (_meta_all(response, "article:tag") or
                                             [k.strip() for k in (_meta(response, "keywords", "news_keywords") or "").split(",") if k.strip()])
    authors = _names(ld.get("author")) if ld.get("author") else (
        _meta_all(response, "article:author") or _meta_all(response, "author") or _meta_all(response, "DC.creator")
    )
    image = ld.get("image")
    time_element = response.css("time::attr(datetime)").get()
    published_raw = _text(ld.get("datePublished")) or _meta(
        response, "article:published_time", "datePublished", "DC.date.issued", "DC.date", "dc.date",
        "dcterms.created", "pubdate", "publishdate", "date") or clean_ws(time_element) or None
    return {
        # An article says so (JSON-LD, og:type) or at least dates itself.
        "is_article": bool(ld) or (_meta(response, "og:type") or "").lower() == "article" or bool(published_raw),
        "title": _text(ld.get("headline")) or _meta(response, "og:title", "twitter:title", "DC.title", "dc.title"),
        "lead": _text(ld.get("description")) or _meta(response, "og:description", "description", "DC.description"),
        "url": _text(ld.get("url")) or _text(ld.get("mainEntityOfPage")) or _meta(response, "og:url"),
        "published_raw": published_raw,
        "modified_raw": _text(ld.get("dateModified")) or _meta(response, "article:modified_time", "dcterms.modified"),
        "section": _text(ld.get("articleSection")) or _meta(response, "article:section"),
        "tags": tags,
        "authors": authors,
        "image_url": _text(image) or _meta(response, "og:image", "twitter:image"),
        "language": _text(ld.get("inLanguage")) or _meta(response, "DC.language", "og:locale")
        or clean_ws(response.xpath("/html/@lang").get()) or None,
        "body": ld.get("articleBody") if isinstance(ld.get("articleBody"), str) else None,
        "site_name": _meta(response, "og:site_name") or _text((ld.get("publisher") or {}).get("name") if isinstance(ld.get("publisher"), dict) else None),
    }
