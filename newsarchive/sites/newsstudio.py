"""Parser for the "News Studio" CMS family (Islam Times, AVA Press, ...).

The parser is pure: a response in, an :class:`~newsarchive.items.ArticleItem`
out, no I/O. Each field has several sources, tried in order, so that a change
of markup degrades to a fallback instead of an empty field.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from lxml import etree
from parsel.csstranslator import css2xpath
from scrapy.http import TextResponse
from w3lib.url import safe_url_string

from newsarchive.items import ArticleItem
from newsarchive.sites.base import normalize_story_code, origin
from newsarchive.sites.text import (
    SIDEBAR_HEADING,
    VISIBLE_DATE,
    clean_ws,
    element_text,
    is_date_line,
    markup_to_text,
    paragraphs_to_body,
    text_lines,
)

if TYPE_CHECKING:
    from scrapy.http import Response

    from newsarchive.sites.base import Site


#: Control bytes that text does not hold (tab, newlines and form feed it does).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def looks_binary(body: bytes) -> bool:
    """NUL bytes or many control characters: not text, whatever the server says."""
    head = body[:4096]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > 0.1


class PageRejected(Exception):
    """The page cannot become an article; ``reason`` names why."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@lru_cache(maxsize=1024)
def _compiled(css: str) -> etree.XPath:
    return etree.XPath(css2xpath(css), smart_strings=False)


def select(node, css: str) -> list:
    """What ``css`` (parsel's ``::text`` and ``::attr()`` included) selects
    in a response or under an lxml element: elements or strings.

    Compiled once per selector: a parser runs some thirty selectors a page,
    and parsel compiles each one every time.
    """
    root = node.selector.root if isinstance(node, TextResponse) else node
    return _compiled(css)(root)


def select_first(node, css: str) -> str | None:
    found = select(node, css)
    return found[0] if found else None


STORY_CODE_TEXT = re.compile(r"Story\s*Code\s*:\s*(\d+)", re.I)

class NewsStudioParser:
    """Selectors of the News Studio family, most specific first. A profile's
    ``[selectors]`` table replaces any of them."""

    SELECTOR_FIELDS = (
        "container", "kicker", "title", "lead", "visible_date", "body", "story_code", "sections", "tags",
        "authors", "body_clutter", "sidebar", "published_meta", "modified_meta",
    )

    container = ("#docDataRow", ".doc_content")
    kicker = ("#docDiv3TitrRou",)
    title = ("h1#docDiv3TitrMain", "#docDiv3TitrMain", "h1")
    lead = (
        "#docDivLead1 > #docDivLead3 > div",
        "#docDivLead1",
        "#docDivLead",
        "#docDivp3",
        ".lead-left",
        "#docDiv4LeadTitle",
    )
    visible_date = ("#docDiv3Date", ".doc_date")
    body = ("#doctextarea", "#docContentdiv", "#doc_div33")
    story_code = ("#docDocID", "#docDiv5InfoCode")
    sections = (".doc-section-info a",)
    tags = (".tags a", ".doc_tags1 a", ".tag_p a")
    authors = (".doc-author", ".doc_author", "#docDivAuthor")
    body_clutter = (
        ".share-buttons",
        ".url-clipboard-btn",
        ".sharelink",
        ".tabs-docs",
        ".comment-form",
        "#comments",
        "form",
    )
    sidebar = (".featured-stories", "#featured", ".related-news", ".related")

    published_meta = (
        'meta[name="dcterms.created"]::attr(content)',
        'meta[property="article:published_time"]::attr(content)',
        'meta[name="pubdate"]::attr(content)',
    )
    modified_meta = (
        'meta[name="dcterms.modified"]::attr(content)',
        'meta[property="article:modified_time"]::attr(content)',
    )

    def __init__(self, site: Site):
        self.site = site
        for field, selectors in site.selectors.items():
            setattr(self, field, tuple(selectors))
        #: (page origin, href) -> (URL, story code): sidebars repeat on every page
        self._links: dict[tuple[str, str], tuple[str, str | None]] = {}

    def _resolve(self, url: str, href: str) -> tuple[str, str | None]:
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

    # -- helpers ------------------------------------------------------------

    @staticmethod
    def _first_text(response, selectors) -> str | None:
        for css in selectors:
            for node in select(response, css):
                text = element_text(node)
                if text:
                    return text
        return None

    @staticmethod
    def _first_attr(response, selectors) -> str | None:
        for css in selectors:
            value = clean_ws(select_first(response, css))
            if value:
                return value
        return None

    def _strip_suffix(self, title: str | None) -> str | None:
        if not title:
            return None
        for suffix in self.site.title_suffixes:
            if title.endswith(suffix):
                return title[: -len(suffix)].strip() or None
        return title

    def _strip_prefix(self, text: str | None) -> str | None:
        if not text:
            return None
        for prefix in self.site.lead_prefixes:
            if text.startswith(prefix):
                return text[len(prefix) :].strip() or None
        return text

    # -- fields -------------------------------------------------------------

    def parse_story_code(self, response, url: str) -> str | None:
        code = self.site.story_code(url)
        if code:
            return code
        for css in self.story_code:
            text = " ".join(select(response, f"{css} ::text"))
            found = STORY_CODE_TEXT.search(text)
            code = normalize_story_code(found.group(1) if found else clean_ws(text))
            if code:
                return code
        found = STORY_CODE_TEXT.search(" ".join(select(response, "body ::text")))
        return normalize_story_code(found.group(1)) if found else None

    def parse_canonical(self, response, url: str, story_code: str) -> str:
        candidates = (
            select_first(response, 'link[rel="canonical"]::attr(href)'),
            select_first(response, 'meta[property="og:url"]::attr(content)'),
            url,
        )
        fallback = None
        for candidate in candidates:
            if not candidate:
                continue
            candidate = urljoin(url, candidate.strip())
            if self.site.story_code(candidate) != story_code:
                continue
            canonical = self.site.canonical_url(candidate)
            if canonical and "/doc/" not in canonical:
                return canonical
            fallback = fallback or canonical
        return fallback or safe_url_string(url)

    def parse_title(self, response) -> str | None:
        return (
            self._first_text(response, self.title)
            or self._strip_suffix(markup_to_text(select_first(response, 'meta[property="og:title"]::attr(content)')))
            or self._strip_suffix(markup_to_text(select_first(response, "title::text")))
        )

    def parse_lead(self, response) -> str | None:
        return self._strip_prefix(
            self._first_text(response, self.lead)
            or self._first_attr(
                response,
                (
                    'meta[name="description"]::attr(content)',
                    'meta[property="og:description"]::attr(content)',
                ),
            )
        )

    def parse_published_raw(self, response) -> str | None:
        meta = self._first_attr(response, self.published_meta)
        if meta:
            return meta
        visible = self._first_text(response, self.visible_date)
        if visible:
            found = VISIBLE_DATE.search(visible)
            return found.group(0) if found else visible
        scope = select(response, ", ".join(self.container)) or select(response, "body")
        for text in (text for node in scope for text in select(node, "::text")):
            found = VISIBLE_DATE.search(text)
            if found and " - " in found.group(0):
                return clean_ws(found.group(0))
        return None

    def _sidebar_nodes(self, response) -> list:
        nodes = select(response, ", ".join(self.sidebar))
        if not nodes:
            for heading in response.selector.root.xpath("//h2|//h3|//h4|//div|//span|//strong"):
                text = clean_ws(" ".join(heading.xpath("./text()")))
                if text and SIDEBAR_HEADING.match(text):
                    nodes.extend(heading.xpath(".."))
        return nodes

    def parse_related(self, response, url: str, story_code: str) -> list[dict]:
        """The stories the sidebar links to: title (the longest of link text
        and image alt), URL, story code and the date line of its entry."""
        related: dict[str, dict] = {}
        for node in self._sidebar_nodes(response):
            # lxml directly: a sidebar has dozens of links on every page,
            # each story linked twice (image and title).
            for link in node.iter("a"):
                href = (link.get("href") or "").strip()
                if not href:
                    continue
                link_url, code = self._resolve(url, href)
                if not code or code == story_code:
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

    def _body_paragraphs(self, response) -> list[str]:
        for css in self.body:
            for node in select(response, css):
                skip = [n for clutter in self.body_clutter for n in select(node, clutter)]
                lines = text_lines(node, skip=skip)
                if lines:
                    return lines
        return self._main_text_paragraphs(response)

    def _main_text_paragraphs(self, response) -> list[str]:
        """Fallback when no body container matches: the element whose direct
        ``<p>`` children hold the most text, sidebars excluded."""
        sidebar_roots = set(self._sidebar_nodes(response))
        best, best_len = None, 0
        for parent in response.selector.root.xpath("//body//*[p]"):
            if parent in sidebar_roots or any(a in sidebar_roots for a in parent.iterancestors()):
                continue
            length = sum(len(element_text(p)) for p in parent.xpath("./p"))
            if length > best_len:
                best, best_len = parent, length
        if best is None:
            return []
        return [text for p in best.xpath("./p") if (text := element_text(p))]

    def parse_section(self, response) -> str | None:
        for css in self.sections:
            names = [element_text(a) for a in select(response, css)]
            names = [n for n in names if n]
            if len(names) > 1:  # the first is Home
                return names[-1]
        return self._first_attr(response, ('meta[property="article:section"]::attr(content)',))

    def parse_tags(self, response) -> list[str]:
        tags = self.parse_list(response, self.tags)
        if tags:
            return tags
        tags = [clean_ws(t) for t in select(response, 'meta[property="article:tag"]::attr(content)')]
        keywords = self._first_attr(response, ('meta[name="keywords"]::attr(content)',)) or ""
        tags += [clean_ws(k) for k in re.split(r"[,،]", keywords)]
        return list(dict.fromkeys(t for t in tags if t))

    def parse_list(self, response, selectors) -> list[str]:
        for css in selectors:
            values = [element_text(n) for n in select(response, css)]
            values = list(dict.fromkeys(v for v in values if v))
            if values:
                return values
        return []

    def parse_authors(self, response) -> list[str]:
        authors = self.parse_list(response, self.authors)
        if authors:
            return authors
        meta = self._first_attr(response, ('meta[name="author"]::attr(content)',))
        if meta and meta.lower() not in {n.lower() for n in self.site.extra.get("publisher_names", ())}:
            return [meta]
        return []

    def parse_image(self, response, url: str) -> str | None:
        image = self._first_attr(
            response,
            ('meta[property="og:image"]::attr(content)', 'link[rel="image_src"]::attr(href)'),
        )
        if not image:
            image = select_first(response, ", ".join(f"{c} img::attr(src)" for c in (*self.container, *self.body)))
        return safe_url_string(urljoin(url, image.strip())) if image else None

    # -- the page -----------------------------------------------------------

    def parse(self, response: Response, url: str | None = None) -> ArticleItem:
        """Parse an article page. ``url`` is the page's URL on the site (it
        differs from ``response.url`` when a mirror serves the page).

        Raises :class:`PageRejected` for a page that is not an article.
        """
        url = url or response.url
        if not isinstance(response, TextResponse):
            raise PageRejected("not_text", f"{type(response).__name__} is not a text page")
        if looks_binary(response.body):
            raise PageRejected("not_text", "the body is binary data, whatever its content type says")
        try:
            return self._parse(response, url)
        except PageRejected:
            raise
        except (ValueError, TypeError, etree.LxmlError) as exc:
            raise PageRejected("unparseable", f"{type(exc).__name__}: {exc}") from exc

    def _parse(self, response, url: str) -> ArticleItem:
        code = self.parse_story_code(response, url)
        if not code:
            raise PageRejected("no_story_code", "no id in the URL, no story code element or text")
        paragraphs = self._body_paragraphs(response)
        if not paragraphs:
            raise PageRejected("no_body", "no body container and no main text")
        canonical = self.parse_canonical(response, url, code)
        parsed_url = self.site.parse_article_url(canonical) or self.site.parse_article_url(url)
        language = parsed_url.language if parsed_url else None
        language = language or clean_ws(select_first(response, "html::attr(lang)"))[:2] or None
        return ArticleItem(
            site=self.site.name,
            story_code=code,
            url=canonical,
            kind=parsed_url.kind if parsed_url else None,
            language=language,
            section=self.parse_section(response),
            kicker=self._first_text(response, self.kicker),
            title=self.parse_title(response),
            lead=self.parse_lead(response),
            body=paragraphs_to_body(paragraphs),
            authors=self.parse_authors(response),
            tags=self.parse_tags(response),
            image_url=self.parse_image(response, url),
            related=self.parse_related(response, url, code),
            published_raw=self.parse_published_raw(response),
            modified_raw=self._first_attr(response, self.modified_meta),
        )
