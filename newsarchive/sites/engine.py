"""The extraction engine: every parser's fields from layered sources.

A parser is a small declarative class over :class:`Parser`: CSS selectors
(and, where CSS is not enough, a method) for the fields its CMS family marks
up. For each field the engine tries, in order, and keeps the first value:

1. ``site`` — the profile's ``[selectors]`` or the CMS family's own rules;
2. page metadata — JSON-LD, OpenGraph / ``article:``, Dublin Core,
   ``itemprop``, ``<time datetime>``, ``<link rel>`` (see ``metadata``);
3. ``text_pattern`` / ``heading`` / ``title_tag`` — what the visible text
   says (``Story Code : N``, a dated line, the page's ``<h1>``);
4. ``main_text`` — the page's main text (trafilatura), for the body, cleaned
   later by the sidebar rules like every body.

Later sources run only for fields the earlier ones left empty, so a site
whose rules match pays for nothing else. Which source gave each field is
recorded in the item's ``field_sources``: a run whose stories needed
fallbacks for fields the site has rules for has drifted (see
``extensions/drift.py``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from lxml import etree
from parsel.csstranslator import css2xpath
from w3lib.url import safe_url_string

from newsarchive.items import ArticleItem, DropReason
from newsarchive.sites.urls import domain_name, normalize_story_code, normalize_url, origin, same_site, url_story_code
from newsarchive.sites.markup import main_text_markup
from newsarchive.sites.metadata import PageMetadata
from newsarchive.sites.page_data import page_data_body
from newsarchive.sites.sidebar import strip_sidebar
from newsarchive.sites.page import Page, PageRejected, looks_binary
from newsarchive.sites.text import (
    SIDEBAR_HEADING,
    VISIBLE_DATE,
    clean_ws,
    prose_length,
    element_text,
    markup_to_text,
    name_key,
    paragraphs_to_body,
    text_lines,
)

if TYPE_CHECKING:
    from newsarchive.sites.base import Site

__all__ = ["FIELDS", "SITE", "Extraction", "PageRejected", "Parser", "select", "select_first"]

#: The source name of a site's own rules.
SITE = "site"
#: Fields whose source is recorded (``field_sources``).
FIELDS = (
    "story_code", "url", "title", "lead", "body", "published", "modified", "authors", "tags", "section",
    "image_url", "language",
)
#: A line that gives the story code: ``Story Code : 1023423``, ``کد خبر : ۱۰۲۳۴۲۳``,
#: ``رمز الخبر: ...``, ``خبر کا کوڈ : ...`` (``\d`` takes every script's digits).
STORY_CODE_TEXT = re.compile(r"(?:Story\s*Code|کد\s*خبر|کد\s*مطلب|رمز\s*الخبر|رقم\s*الخبر|خبر\s*کا\s*کوڈ|کوڈ)\s*:\s*(\d+)", re.I)
#: What joins a headline to the site's name in a title.
TITLE_SEPARATORS = (" | ", " - ", " — ", " – ", " :: ", " · ")
#: Link text this long is a headline, not a menu entry.
HEADLINE_WORDS = 4
MAX_RELATED = 60
#: Below this share of the default mode's main text, precision mode has
#: pruned the body itself, not just its clutter.
PRECISION_KEEPS_AT_LEAST = 0.25


@lru_cache(maxsize=1024)
def _compiled(css: str) -> etree.XPath:
    return etree.XPath(css2xpath(css), smart_strings=False)


def select(node, css: str) -> list:
    """What ``css`` (parsel's ``::text`` and ``::attr()`` included) selects
    in a page or under an lxml element: elements or strings.

    Compiled once per selector: a parser runs some thirty selectors a page,
    and parsel compiles each one every time.
    """
    root = node.root if isinstance(node, Page) else node
    return _compiled(css)(root)


def select_first(node, css: str) -> str | None:
    found = select(node, css)
    return found[0] if found else None


def first_text(node, selectors) -> str | None:
    for css in selectors:
        for element in select(node, css):
            text = element_text(element)
            if text:
                return text
    return None


def first_attr(node, selectors) -> str | None:
    for css in selectors:
        value = clean_ws(select_first(node, css))
        if value:
            return value
    return None


def text_list(node, selectors) -> list[str]:
    for css in selectors:
        values = list(dict.fromkeys(v for v in (element_text(n) for n in select(node, css)) if v))
        if values:
            return values
    return []


def _block_with_text(page: Page, text: str):
    """The innermost block element whose whole visible text is ``text``."""
    start = text[:20]
    found = None
    for element in page.root.iter("p", "div", "h2", "h3", "span", "strong", "section"):
        # Only blocks whose own first words are the text's: a cheap test first.
        if clean_ws(element.text or "")[:20] == start and element_text(element) == text:
            found = element  # later matches are nested deeper (document order)
    return found


def stands_apart(page: Page, first: str, second: str) -> bool:
    """The page shows the main text's first paragraph in another block than
    the next one's: a standfirst above the body, not its first paragraph."""
    first_block, second_block = _block_with_text(page, first), _block_with_text(page, second)
    if first_block is None or second_block is None:
        return False
    return first_block.getparent() is not second_block.getparent()


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
    names those a profile may set.
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

    #: The story code is what the page states (a CMS's post ID), the URL's
    #: only when it states none: discovery then asks the archive which story
    #: a URL led to before, since the URL alone cannot say.
    story_code_from_page = False

    #: Headings of story lists, wherever they stand (see ``text.SIDEBAR_HEADING``).
    SIDEBAR_HEADING_TAGS = "//h2|//h3|//h4|//div|//span|//strong"

    def __init__(self, site: Site):
        self.site = site
        for field, selectors in site.selectors.items():
            setattr(self, field, tuple(selectors))
        self.publisher_names = frozenset(n.casefold() for n in site.publisher_names)
        #: (page origin, href) -> (URL, story code): sidebars repeat on every page
        self._links: dict[tuple[str, str], tuple[str, str | None]] = {}

    # -- what the site's own rules cover -------------------------------------

    @property
    def rule_fields(self) -> frozenset[str]:
        """Fields this parser has rules of its own for: a fallback there is drift."""
        own = {"url", "language"} if self.site.url_forms else set()
        return frozenset(f for f in FIELDS if isinstance(getattr(self, f, None), tuple) and getattr(self, f)) | own

    # -- the page ------------------------------------------------------------

    def parse(self, page: Page) -> ArticleItem:
        """Parse an article page. Raises :class:`PageRejected` for a page
        that is not an article."""
        if looks_binary(page.html):
            raise PageRejected(DropReason.NOT_TEXT, "the body is binary data, whatever its content type says")
        try:
            return self.build(Extraction(self, page))
        except PageRejected:
            raise
        except (ValueError, TypeError, etree.LxmlError) as exc:
            raise PageRejected(DropReason.UNPARSEABLE, f"{type(exc).__name__}: {exc}") from exc

    def build(self, x: Extraction) -> ArticleItem:
        code = x.get("story_code")
        if not code:
            raise PageRejected(DropReason.NO_STORY_CODE, "no id in the URL, no story code element or text")
        body = x.get("body")
        if not body:
            raise PageRejected(DropReason.NO_BODY, "no body container and no main text")
        self.check_article(x)
        item = ArticleItem(
            site=self.site.name,
            story_code=code,
            url=x.get("url"),
            kind=self.kind(x),
            language=x.get("language"),
            section=x.get("section"),
            kicker=first_text(x.page, self.kicker) if self.kicker else None,
            title=x.get("title"),
            lead=x.get("lead"),
            body=paragraphs_to_body(body),
            authors=x.get("authors") or [],
            tags=x.get("tags") or [],
            image_url=x.get("image_url"),
            related=self.related(x),
            published_raw=x.get("published"),
            modified_raw=x.get("modified"),
        )
        item.field_sources = {f: x.sources[f] for f in FIELDS if f in x.sources}
        return item

    def site_url(self, x: Extraction) -> str | None:
        """With URL rules: the story's canonical URL, from the page's
        canonical link, its og:url or its own URL, whichever has the story's
        code in the site's newest URL form."""
        if not self.site.url_forms:
            return None
        code = x.get("story_code")
        best = None
        for candidate in (
            select_first(x.page, 'link[rel="canonical"]::attr(href)'),
            select_first(x.page, 'meta[property="og:url"]::attr(content)'),
            x.url,
        ):
            if not candidate:
                continue
            parsed = self.site.article_url(urljoin(x.url, candidate.strip()))
            if parsed is not None and parsed.story_code == code and (best is None or parsed.form < best.form):
                best = parsed
        if best is None:
            return safe_url_string(x.url)
        return safe_url_string(self.site.canonical_origin + best.canonical_path)

    def url_parts(self, x: Extraction):
        """The story's canonical URL (else the page's) taken apart by the site's URL rules."""
        return x.memo("url_parts", lambda: self.site.article_url(x.get("url")) or self.site.article_url(x.url))

    def site_language(self, x: Extraction) -> str | None:
        """The edition the story's URL names."""
        parsed = self.url_parts(x)
        return parsed.language if parsed and self.site.url_forms else None

    def check_article(self, x: Extraction) -> None:
        """Raise :class:`PageRejected` for a page that is not an article
        although it has a body (a site's URL rules already say it is one)."""

    def kind(self, x: Extraction) -> str | None:
        """The kind of story the URL names (news, video, ...), else "article"."""
        parsed = self.url_parts(x)
        return (parsed.kind if parsed else None) or "article"

    # -- sources -------------------------------------------------------------

    def sources(self, field: str, x: Extraction) -> Iterator[tuple[str, Callable[[], Any]]]:
        """(source, thunk) for each of ``field``'s sources, in order."""
        own = getattr(self, f"site_{field}", None)
        rules = []
        if own is not None:
            rules.append((SITE, lambda: own(x)))
        elif getattr(self, field, None):
            rules.append((SITE, lambda: self.by_selectors(field, x)))
        if field == "story_code":
            by_url = [("url", lambda: self.site.story_code(x.url))]
            if not self.site.url_forms:
                # No URL rules: the id in the canonical URL, else its hash (as discovery keys it).
                by_url.append(("url", lambda: url_story_code(x.get("url"))))
            # The URL's code first, unless the site's pages state a better one.
            rules = rules + by_url if self.story_code_from_page else by_url + rules
        yield from rules
        yield from x.meta.candidates(field)
        yield from self.fallbacks(field, x)

    def by_selectors(self, field: str, x: Extraction) -> Any:
        selectors = getattr(self, field)
        if field in ("authors", "tags"):
            return text_list(x.page, selectors)
        if field == "section":
            names = text_list(x.page, selectors)
            return names[-1] if names else None
        if field == "published" or field == "modified":
            return self.date_by_selectors(x.page, selectors)
        if field == "image_url":
            return first_attr(x.page, selectors)
        if field == "body":
            return self.body_by_selectors(x)
        if field == "story_code":
            text = first_text(x.page, selectors) or ""
            found = STORY_CODE_TEXT.search(text)
            return found.group(1) if found else text  # "Story Code : N", or the bare number
        return first_text(x.page, selectors)

    @staticmethod
    def date_by_selectors(page: Page, selectors) -> str | None:
        for css in selectors:
            for found in select(page, css):
                text = clean_ws(found) if isinstance(found, str) else element_text(found)
                if text:
                    match = VISIBLE_DATE.search(text)
                    return match.group(0) if match else text
        return None

    def body_by_selectors(self, x: Extraction) -> list[str]:
        for css in self.body:
            for node in select(x.page, css):
                skip = [n for clutter in self.body_clutter for n in select(node, clutter)]
                lines = text_lines(node, skip=skip)
                if lines:
                    return lines
        return []

    def fallbacks(self, field: str, x: Extraction) -> Iterator[tuple[str, Callable[[], Any]]]:
        """Sources after the page's metadata: its visible text."""
        if field == "story_code":
            yield "text_pattern", lambda: self.story_code_in_text(x)
        elif field == "title":
            yield "heading", lambda: clean_ws(" ".join(select(x.page, "h1 ::text")))
            yield "title_tag", lambda: self.title_from_title_tag(x)
        elif field == "published":
            yield "text_pattern", lambda: self.date_in_text(x)
            yield "htmldate", lambda: self.date_by_htmldate(x)
        elif field == "body":
            yield "main_text", lambda: self.main_text_body(x)
            # Last: text that the page holds only as data.
            yield "json_ld", lambda: x.meta.article_body()
            yield "page_data", lambda: page_data_body(x.page.root)
        elif field == "url":
            yield "url", lambda: x.url
        elif field == "image_url":
            scopes = (*self.container, *self.body, "article", "main")
            yield "body_image", lambda: select_first(x.page, ", ".join(f"{c} img::attr(src)" for c in scopes))

    def finish(self, field: str, value: Any, source: str, x: Extraction) -> Any:
        """A candidate made ready for the item (or None to try the next source)."""
        if not value:
            return None
        if field == "story_code":
            if source == "url" and not self.site.url_forms:
                return value  # the generic rule's own id or hash
            return normalize_story_code(value)
        if field == "url":
            return value if source == SITE else self.canonical(value, x)
        if field == "title":
            title = self.strip_title_suffix(value)
            return title if source == SITE or not title else self.strip_site_name(title, x)
        if field == "lead":
            return self.strip_lead_prefix(value)
        if field == "authors":
            return [a for a in value if a.casefold() not in self.publisher_names] or None
        if field == "image_url":
            return safe_url_string(urljoin(x.url, value.strip()))
        if field == "language":
            return value.replace("_", "-").split("-")[0].strip().lower() or None
        if field == "body" and isinstance(value, str):
            return [line for line in (clean_ws(p) for p in value.splitlines()) if line]
        return value

    def canonical(self, candidate: str, x: Extraction) -> str | None:
        """The story's canonical URL from a candidate (rel=canonical, og:url,
        the page's URL), or None when the candidate is not this story's."""
        candidate = normalize_url(urljoin(x.url, candidate.strip()))
        return candidate if same_site(candidate, x.url) else None

    # -- text patterns -------------------------------------------------------

    def story_code_in_text(self, x: Extraction) -> str | None:
        for css in self.story_code:
            found = STORY_CODE_TEXT.search(" ".join(select(x.page, f"{css} ::text")))
            if found:
                return found.group(1)
        found = STORY_CODE_TEXT.search(" ".join(select(x.page, "body ::text")))
        return found.group(1) if found else None

    def date_in_text(self, x: Extraction) -> str | None:
        """A dated line with a time (``Tuesday 8 November 2022 - 09:18``) in
        the article's container, else anywhere in the page."""
        scope = (select(x.page, ", ".join(self.container)) if self.container else []) or select(x.page, "body")
        for text in (text for node in scope for text in select(node, "::text")):
            found = VISIBLE_DATE.search(text)
            if found and " - " in found.group(0):
                return clean_ws(found.group(0))
        return None

    def date_by_htmldate(self, x: Extraction) -> str | None:
        """htmldate's (trafilatura's own date library) reading of the page's
        markup and URL, when nothing else dated it — read without the page's
        lists of other stories, whose dates are not this story's; its
        extensive search of free text stays off for the same reason."""
        import copy

        from htmldate import find_date

        logging.getLogger("htmldate").setLevel(logging.CRITICAL)
        tree = copy.deepcopy(x.page.root)
        for node in self.sidebar_nodes(tree):
            if node.getparent() is not None:
                node.getparent().remove(node)
        try:
            return find_date(etree.tostring(tree, encoding="unicode", method="html"), url=x.url,
                             extensive_search=False, original_date=True)
        except (ValueError, TypeError):
            return None

    def title_from_title_tag(self, x: Extraction) -> str | None:
        title = markup_to_text(select_first(x.page, "title::text"))
        stripped = self.strip_title_suffix(title)
        if stripped != title:
            return stripped
        named = self.strip_site_name(title, x)
        if named != title or x.meta.site_name:
            return named or None
        # A name the page does not give: a <title>'s last part is the site's.
        for separator in TITLE_SEPARATORS[:4]:
            head, _, _ = title.rpartition(separator)
            if head:
                return head
        return title or None

    def strip_site_name(self, title: str, x: Extraction) -> str:
        """A headline without the site's name and what follows it
        (``Headline | Site``, ``Headline - Site - 28.04.2023``), whatever
        the source: metadata repeats the ``<title>``'s suffixes too. The
        site's name is the one its pages give, or its domain's
        (``Islam Times`` on islamtimes.com)."""
        names = {name_key(x.meta.site_name or ""), name_key(domain_name(x.url))} - {""}
        for separator in TITLE_SEPARATORS:
            parts = title.split(separator)
            for index, part in enumerate(parts[1:], 1):
                if name_key(part) in names:
                    return separator.join(parts[:index]).strip() or title
        return title

    def strip_title_suffix(self, title: str | None) -> str | None:
        if not title:
            return None
        for suffix in self.site.title_suffixes:
            if title.endswith(suffix):
                return title[: -len(suffix)].strip() or None
        return title

    def strip_lead_prefix(self, text: str | None) -> str | None:
        if not text:
            return None
        for prefix in self.site.lead_prefixes:
            if text.startswith(prefix):
                return text[len(prefix):].strip() or None
        return text

    # -- main text -----------------------------------------------------------

    def main_text_body(self, x: Extraction) -> list[str]:
        """The main text, when more than sidebar entries and page chrome
        survive the sidebar rules (extraction cleans it with them later,
        and counts what it removes)."""
        lines = self.main_text(x.page)
        if not lines:
            return []
        lead, title = (x.get("lead") or "").casefold(), (x.get("title") or "").casefold()
        # The page's standfirst, which is the lead, is not the body's (after the headline, if that came too).
        at = 1 if len(lines) > 2 and lines[0].casefold() == title else 0
        if lead and lines[at].casefold() == lead and len(lines) > at + 1 and stands_apart(x.page, lines[at], lines[at + 1]):
            del lines[at]
        cleaned, _ = strip_sidebar("\n\n".join(lines), title=x.get("title"),
                                   related_titles=[entry["title"] for entry in self.story_links(x)])
        return lines if cleaned.strip() else []

    def main_text(self, page: Page, html: str | None = None) -> list[str]:
        """The page's main text by trafilatura, one line per paragraph."""
        if html is None:
            html = main_text_markup(page.root) or page.html
        if not html.strip():
            return []
        import trafilatura  # on first use: it is slow to import and rules usually match

        # It logs pages it cannot read (an empty document) as errors of its
        # own; here such a page is a drop with its reason, counted once.
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
        # Precision first: the sidebar rules then take out what still leaks.
        precise = trafilatura.extract(html, url=page.url, include_comments=False, favor_precision=True) or ""
        lines = [line for line in (clean_ws(t) for t in precise.splitlines()) if line]
        if not lines:
            return lines  # nothing in the markup: the page's data is a later source
        # Precision mode also prunes whole bodies (containers it takes for
        # hidden, grids of blocks): when it keeps only a small part of the
        # sentences the default mode finds, the fuller text wins and the
        # sidebar pipeline cleans it. Sentences, because the default mode's
        # extra menus and headline lists are not a sign of a pruned body.
        kept = prose_length(lines)
        if kept >= PRECISION_KEEPS_AT_LEAST * prose_length(text_lines(page.root)):
            return lines  # a share the default mode could not beat: it finds no more than the page has
        fuller = trafilatura.extract(html, url=page.url, include_comments=False) or ""
        fuller_lines = [line for line in (clean_ws(t) for t in fuller.splitlines()) if line]
        if kept < PRECISION_KEEPS_AT_LEAST * prose_length(fuller_lines):
            return fuller_lines
        return lines

    # -- other stories the page links to ---------------------------------------

    def resolve_link(self, url: str, href: str) -> tuple[str, str | None]:
        """A link's URL and the story code the site's URL rules give it."""
        if "://" in href or href.startswith("//"):
            base = ""  # absolute: the page does not matter
        elif href.startswith("/"):
            base = origin(url)
        else:
            base = url
        key = (base, href)
        found = self._links.get(key)
        if found is None:
            link_url = safe_url_string(urljoin(url, href))
            found = (link_url, self.site.story_code(link_url))
            if len(self._links) > 50_000:
                self._links.clear()
            self._links[key] = found
        return found

    def sidebar_nodes(self, page) -> list:
        """The page's (or an lxml tree's) lists of other stories."""
        root = page.root if isinstance(page, Page) else page
        nodes = select(root, ", ".join(self.sidebar)) if self.sidebar else []
        if not nodes:
            for heading in root.xpath(self.SIDEBAR_HEADING_TAGS):
                text = clean_ws(" ".join(heading.xpath("./text()")))
                if text and SIDEBAR_HEADING.match(text):
                    nodes.extend(heading.xpath(".."))
        return nodes

    def related(self, x: Extraction) -> list[dict]:
        """Stories the page links to in its story lists, else (for a body
        taken from the main text) every headline-long link to another story
        of the site: the sidebar rules remove them from the body, the
        spider follows them."""
        if x.sources.get("body") == SITE:
            return x.memo("listed", lambda: self.listed_stories(x))
        # The body is the page's main text: whatever headline links it let in must go.
        return self.story_links(x)

    def story_links(self, x: Extraction) -> list[dict]:
        """The stories a main-text body may have let in: the page's story
        lists, else its headline links."""
        return x.memo("listed", lambda: self.listed_stories(x)) or x.memo("headlines", lambda: self.headline_links(x))

    def listed_stories(self, x: Extraction) -> list[dict]:
        """The stories the sidebar links to: title (the longest of link text
        and image alt), URL, story code and the date line of its entry."""
        from newsarchive.sites.text import is_date_line

        code_here = x.get("story_code")
        related: dict[str, dict] = {}
        for node in self.sidebar_nodes(x.page):
            # lxml directly: a sidebar has dozens of links on every page,
            # each story linked twice (image and title).
            for link in node.iter("a"):
                href = (link.get("href") or "").strip()
                if not href:
                    continue
                link_url, code = self.resolve_link(x.url, href)
                if not code or code == code_here:
                    continue
                texts = [clean_ws(" ".join(link.itertext())), *(clean_ws(img.get("alt")) for img in link.iter("img"))]
                title = max(texts, key=len)
                entry = related.setdefault(code, {"title": "", "url": link_url, "story_code": code, "date": None})
                if len(title) > len(entry["title"]):
                    entry["title"] = title
                if entry["date"] is None:
                    item = next(link.iterancestors("li"), None)
                    if item is not None:
                        entry["date"] = next((clean_ws(t) for t in item.itertext() if is_date_line(t)), None)
        return [entry for entry in related.values() if entry["title"]]

    def headline_links(self, x: Extraction) -> list[dict]:
        """The page's links to other stories of the site with headline-long text."""
        own = x.get("url")
        code_here = x.get("story_code")
        links: dict[str, dict] = {}
        for link in x.page.root.iter("a"):
            href = (link.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:", "mailto:")):
                continue
            target, code = self.resolve_link(x.url, href)
            if not code or not same_site(target, x.url):
                continue
            if code == code_here or target == own:
                continue
            title = clean_ws(" ".join(link.itertext()))
            if len(title.split()) < HEADLINE_WORDS:
                continue
            entry = links.setdefault(code, {"title": title, "url": target, "story_code": code, "date": None})
            if len(title) > len(entry["title"]):
                entry["title"] = title
            if len(links) >= MAX_RELATED:
                break
        return list(links.values())
