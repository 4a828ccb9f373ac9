"""What a site is: hosts, editions, time zone, start points and URL rules.

A :class:`Site` is data. The spider asks it which URLs are articles, which
story each URL belongs to and where to start; a parser (see ``newsstudio``)
turns its pages into items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

#: Query parameters that only track where a click came from.
TRACKING_PARAMS = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|mc_cid|mc_eid|ref_src)$", re.I)

#: A story code longer than this is not an id but garbage.
MAX_STORY_CODE_DIGITS = 15


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def strip_tracking(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if not TRACKING_PARAMS.match(k)])


def normalize_story_code(raw: str | None) -> str | None:
    """Digits only, without leading zeros; None for anything else."""
    if raw is None:
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit():
        return None
    code = raw.lstrip("0")
    if not code or len(code) > MAX_STORY_CODE_DIGITS:
        return None
    return code


@dataclass(frozen=True)
class ArticleUrl:
    """An article URL taken apart."""

    language: str
    kind: str
    story_code: str
    #: Everything after the id: slug, gallery photo number, ``print``.
    rest: str
    old_form: bool


@dataclass(frozen=True)
class Site:
    name: str
    #: Where canonical URLs live, e.g. ``https://www.islamtimes.com``.
    canonical_origin: str
    #: Every host name the site has used.
    hosts: frozenset[str]
    #: IANA zone assumed for dates that state none.
    timezone: str
    editions: tuple[str, ...]
    default_edition: str
    #: Article path forms. Each must name the groups ``lang``, ``kind``
    #: and ``id``, and may name ``rest``.
    article_paths: tuple[re.Pattern, ...]
    #: Start points per edition, as path templates with ``{lang}``.
    feed_paths: tuple[str, ...] = ()
    listing_paths: tuple[str, ...] = ()
    sitemap_paths: tuple[str, ...] = ()
    #: Removed from the end of ``og:title`` / ``<title>``.
    title_suffixes: tuple[str, ...] = ()
    #: Removed from the start of descriptions and leads.
    lead_prefixes: tuple[str, ...] = ()
    #: The page parser class (see ``engine.Parser``).
    parser: Any = None
    #: Encodings to try, in order, for a page whose declared encoding does
    #: not decode it (or that declares none and is not UTF-8).
    fallback_encodings: tuple[str, ...] = ()
    #: Per-field CSS selectors replacing the parser's own (see the profile).
    selectors: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    # -- URLs ---------------------------------------------------------------

    def is_site_host(self, hostname: str) -> bool:
        return hostname.lower() in self.hosts

    def parse_article_url(self, url: str) -> ArticleUrl | None:
        parts = urlsplit(url)
        for pattern in self.article_paths:
            match = pattern.match(parts.path)
            if match is None:
                continue
            code = normalize_story_code(match.group("id"))
            if code is None:
                return None
            groups = match.groupdict()
            return ArticleUrl(
                language=groups["lang"],
                kind=groups["kind"],
                story_code=code,
                rest=(groups.get("rest") or "").strip("/"),
                old_form=bool(groups.get("old")),
            )
        return None

    def story_code(self, url: str) -> str | None:
        parsed = self.parse_article_url(url)
        return parsed.story_code if parsed else None

    def canonical_url(self, url: str) -> str | None:
        """The story's URL on the canonical host: no print suffix, no query."""
        parsed = self.parse_article_url(url)
        if parsed is None:
            return None
        rest = re.sub(r"(^|/)print$", "", parsed.rest).strip("/")
        path = f"/{parsed.language}/{parsed.kind}/{parsed.story_code}"
        if parsed.old_form:
            path = f"/{parsed.language}/doc/{parsed.kind}/{parsed.story_code}/"
        elif rest:
            path = f"{path}/{rest}"
        return safe_url_string(self.canonical_origin + path)

    def fetch_url(self, url: str, fetch_origin: str | None = None) -> str:
        """The URL to request for ``url``: the article page itself (not its
        print version), without tracking parameters, on ``fetch_origin``
        (the canonical host, or a mirror of the site)."""
        parts = urlsplit(safe_url_string(url))
        path = re.sub(r"/print/?$", "", parts.path) if self.parse_article_url(url) else parts.path
        base = urlsplit(fetch_origin or self.canonical_origin)
        return urlunsplit((base.scheme, base.netloc, path, strip_tracking(parts.query), ""))

    def site_url(self, url: str, fetch_origin: str | None = None) -> str:
        """``url`` as a URL of the site: on a mirror (``fetch_origin``), its
        host mapped back to the canonical one; without a fragment."""
        url = safe_url_string(url).split("#", 1)[0]
        if fetch_origin and fetch_origin != self.canonical_origin and origin(url) == fetch_origin:
            parts = urlsplit(url)
            return self.canonical_origin + parts.path + (f"?{parts.query}" if parts.query else "")
        return url

    def start_urls(self, editions: tuple[str, ...], fetch_origin: str | None = None) -> list[str]:
        base = fetch_origin or self.canonical_origin
        return [
            base + template.format(lang=lang)
            for lang in editions
            for template in (*self.feed_paths, *self.sitemap_paths, *self.listing_paths)
        ]

    # -- Pages --------------------------------------------------------------

    @cached_property
    def page_parser(self):
        """The parser of this site's pages (one per site: it keeps caches)."""
        return self.parser(self)

    def parse(self, page):
        """Parse an article :class:`~newsarchive.sites.page.Page` into an
        ``ArticleItem`` (see ``engine``)."""
        return self.page_parser.parse(page)
