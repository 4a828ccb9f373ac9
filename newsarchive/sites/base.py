"""What a site is: hosts, editions, time zone, start points and URL rules.

A :class:`Site` is data. The spider asks it which URLs are articles, which
story each URL belongs to and where to start; a parser (see ``newsstudio``)
turns its pages into items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import safe_url_string

from newsarchive.sites.urls import (
    generic_story_code,
    normalize_story_code,
    normalize_url,
    origin,
    strip_tracking,
)


@dataclass(frozen=True)
class UrlForm:
    """One form of the site's story URLs: a path pattern naming the group
    ``id`` (and maybe ``lang``, ``kind``, ``rest``), and the template of the
    canonical path of a story matched by it (None: the path as found)."""

    pattern: re.Pattern
    canonical: str | None = None

    def canonical_path(self, groups: dict[str, str | None], path: str) -> str:
        if self.canonical is None:
            return path
        filled = self.canonical.format_map({name: value or "" for name, value in groups.items()})
        filled = re.sub(r"/{2,}", "/", filled)
        # An empty {rest} at the end leaves no trailing slash unless the template has one.
        return filled if self.canonical.endswith("/") else (filled.rstrip("/") or "/")


@dataclass(frozen=True)
class ArticleUrl:
    """A story URL taken apart."""

    #: The edition ("" when the site's URLs do not say).
    language: str
    #: The URL's kind of story (news, article, video, ...), when the URL says.
    kind: str | None
    story_code: str
    #: Everything after the id: slug, gallery photo number.
    rest: str
    #: Which of the site's URL forms matched (0: the newest, preferred).
    form: int
    #: The story's canonical path.
    canonical_path: str


@dataclass(frozen=True)
class DatedRules:
    """The rules a site's pages were read by until a date (an older
    layout): its ``[[rules]]`` entry in the profile, as Fundus versions its
    parsers."""

    #: The first day these rules no longer hold (``YYYY-MM-DD``, UTC).
    until: str
    #: Per-field CSS selectors replacing the parser's own, as ``[selectors]``.
    selectors: dict = field(default_factory=dict)
    #: The parser class of those pages (None: the site's).
    parser: Any = None


@dataclass(frozen=True)
class Site:
    name: str
    #: Where canonical URLs live, e.g. ``https://www.islamtimes.com``.
    canonical_origin: str
    #: Every host name the site has used.
    hosts: frozenset[str]
    #: IANA zone assumed for dates that state none (None: not known, a site without a profile).
    timezone: str | None
    editions: tuple[str, ...]
    default_edition: str
    #: Story URL forms (newest first); none: the generic rule of ``urls``
    #: (an id in the path, else a hash of the URL) for URLs that look like stories.
    url_forms: tuple[UrlForm, ...]
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
    #: Path endings that show another version of a story's page (``/print``,
    #: ``/amp``): removed before a URL is matched, fetched or made canonical.
    variants: tuple[re.Pattern, ...] = ()
    #: Encodings to try, in order, for a page whose declared encoding does
    #: not decode it (or that declares none and is not UTF-8).
    fallback_encodings: tuple[str, ...] = ()
    #: Per-field CSS selectors replacing the parser's own (see the profile).
    selectors: dict = field(default_factory=dict)
    #: Names of the publisher, which a page may give as its author.
    publisher_names: tuple[str, ...] = ()
    #: The profile file the site was read from ("" for a site without one).
    profile: str = ""
    #: A user's profile replacing the package's profile of that name.
    overrides: bool = False
    #: Older layouts' rules, by the day they ended (oldest first).
    dated_rules: tuple[DatedRules, ...] = ()

    # -- URLs ---------------------------------------------------------------

    def is_site_host(self, hostname: str) -> bool:
        return hostname.lower() in self.hosts

    def without_variants(self, path: str) -> str:
        for variant in self.variants:
            path = variant.sub("", path)
        return path or "/"

    def article_url(self, url: str, from_index: bool = False) -> ArticleUrl | None:
        """``url`` taken apart if it is a story's URL (the one story-code rule
        of the spiders, pagination, reparse and parsers). ``from_index``: a
        feed or a sitemap listed it, which the generic rule takes as proof."""
        if not self.url_forms:
            code = generic_story_code(url, from_index)
            if code is None:
                return None
            path = urlsplit(normalize_url(url)).path
            return ArticleUrl(self.default_edition, None, code, "", 0, path)
        path = self.without_variants(urlsplit(url).path)
        for form_index, form in enumerate(self.url_forms):
            match = form.pattern.match(path)
            if match is None:
                continue
            code = normalize_story_code(match.group("id"))
            if code is None:
                return None
            groups = {**match.groupdict(), "id": code}
            return ArticleUrl(
                language=groups.get("lang") or self.default_edition,
                kind=groups.get("kind"),
                story_code=code,
                rest=(groups.get("rest") or "").strip("/"),
                form=form_index,
                canonical_path=form.canonical_path(groups, path),
            )
        return None

    def story_code(self, url: str, from_index: bool = False) -> str | None:
        parsed = self.article_url(url, from_index)
        return parsed.story_code if parsed else None

    def canonical_url(self, url: str) -> str | None:
        """The story's URL on the canonical host, in its form's canonical
        path: no variant suffix, no query."""
        parsed = self.article_url(url)
        if parsed is None:
            return None
        return safe_url_string(self.canonical_origin + parsed.canonical_path)

    def fetch_url(self, url: str, fetch_origin: str | None = None) -> str:
        """The URL to request for ``url``: the story's page itself (not a
        variant of it), without tracking parameters, on ``fetch_origin``
        (the canonical host, or a mirror of the site)."""
        parts = urlsplit(safe_url_string(url))
        path = self.without_variants(parts.path) if self.url_forms and self.article_url(url) else parts.path
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

    def rules_at(self, fetched_at: str | None) -> Site:
        """The site as its pages read on ``fetched_at`` (ISO 8601): with the
        rules of the first dated set still valid then, or its own. The
        engine's fallbacks stay under every set. Each variant is made once."""
        if not self.dated_rules or not fetched_at:
            return self
        for index, rules in enumerate(self.dated_rules):
            if fetched_at[:10] < rules.until:
                return self._dated_variant(index)
        return self

    def _dated_variant(self, index: int) -> Site:
        variants = self.__dict__.setdefault("_dated_variants", {})
        if index not in variants:
            rules = self.dated_rules[index]
            variants[index] = replace(self, selectors={**self.selectors, **rules.selectors},
                                      parser=rules.parser or self.parser, dated_rules=())
        return variants[index]

    @cached_property
    def page_parser(self):
        """The parser of this site's pages (one per site: it keeps caches)."""
        return self.parser(self)

    def parse(self, page, removed=None, counts=None):
        """Parse an article :class:`~newsarchive.sites.page.Page` into an
        ``ArticleItem`` (see ``engine``); ``removed`` counts what the sidebar
        rules took out of its body, ``counts`` what else the parse met."""
        return self.page_parser.parse(page, removed, counts)
