"""The other stories a page links to: its story lists ("Featured Stories",
"Related News") and, where it has none, its headline-long links.

The sidebar rules take their titles out of a body; the spider follows them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from urllib.parse import urljoin

from w3lib.url import safe_url_string

from newsarchive.sites.css import select
from newsarchive.sites.page import Page
from newsarchive.sites.date_lines import is_date_line
from newsarchive.sites.text import SIDEBAR_HEADING, clean_ws
from newsarchive.sites.urls import origin

__all__ = [
    "HEADLINE_WORDS", "MAX_RELATED", "LinkResolver", "headline_links", "link_texts", "listed_stories", "page_links",
    "story_lists",
]

#: Link text this long is a headline, not a menu entry.
HEADLINE_WORDS = 4
MAX_RELATED = 60
#: Headings of story lists, wherever they stand (see ``text.SIDEBAR_HEADING``).
HEADING_TAGS = "//h2|//h3|//h4|//div|//span|//strong"

#: A link's target: (URL, story code), or None for a link that is not a story of the site.
Resolve = Callable[[str], "tuple[str, str] | None"]


class LinkResolver:
    """A link's URL and the story code a site's URL rules give it, kept per
    (page origin, href): sidebars repeat on every page of a site."""

    LIMIT = 50_000

    def __init__(self, story_code: Callable[[str], str | None]):
        self.story_code = story_code
        self._seen: dict[tuple[str, str], tuple[str, str | None]] = {}

    def __call__(self, page_url: str, href: str) -> tuple[str, str | None]:
        if "://" in href or href.startswith("//"):
            base = ""  # absolute: the page does not matter
        elif href.startswith("/"):
            base = origin(page_url)
        else:
            base = page_url
        key = (base, href)
        found = self._seen.get(key)
        if found is None:
            link_url = safe_url_string(urljoin(page_url, href))
            found = (link_url, self.story_code(link_url))
            if len(self._seen) > self.LIMIT:
                self._seen.clear()
            self._seen[key] = found
        return found


def story_lists(page, selectors: tuple[str, ...]) -> list:
    """A page's (or an lxml tree's) lists of other stories: what the
    selectors find, else the blocks under a story-list heading."""
    root = page.root if isinstance(page, Page) else page
    nodes = select(root, ", ".join(selectors)) if selectors else []
    if not nodes:
        for heading in root.xpath(HEADING_TAGS):
            text = clean_ws(" ".join(heading.xpath("./text()")))
            if text and SIDEBAR_HEADING.match(text):
                nodes.extend(heading.xpath(".."))
    return nodes


#: The count of links skipped because their href is not a URL (``http://[x``).
MALFORMED = "links/malformed"


def listed_stories(nodes, page_url: str, resolve: LinkResolver, code_here: str | None,
                   counts: Counter | None = None) -> list[dict]:
    """The stories the story lists link to: title (the longest of link text
    and image alt), URL, story code and the date line of its entry. A link
    whose href is not a URL is skipped (counted in ``counts``), never the page."""
    related: dict[str, dict] = {}
    for node in nodes:
        # lxml directly: a sidebar has dozens of links on every page,
        # each story linked twice (image and title).
        for link in node.iter("a"):
            href = (link.get("href") or "").strip()
            if not href:
                continue
            try:
                link_url, code = resolve(page_url, href)
            except ValueError:
                _malformed(counts)
                continue
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


def _malformed(counts: Counter | None) -> None:
    if counts is not None:
        counts[MALFORMED] += 1


def page_links(root) -> list[tuple[str, str]]:
    """(href, text) of each of the page's links to other pages (not its
    anchors or scripts), in document order: one pass over its ``<a>`` for
    every reader of its links."""
    found = []
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:")):
            # Most links hold their text alone: no walk of their children.
            text = link.text or "" if len(link) == 0 else " ".join(link.itertext())
            found.append((href, clean_ws(text)))
    return found


def headline_links(page_links: list[tuple[str, str]], page_url: str, target: Resolve, own_url: str | None,
                   code_here: str | None, counts: Counter | None = None) -> list[dict]:
    """Of ``page_links`` (:func:`page_links`), those to other stories of the
    site with headline-long text, at most :data:`MAX_RELATED`; ``target``
    says which story an href is (or that it is none). A link whose href is
    not a URL is skipped (counted in ``counts``)."""
    links: dict[str, dict] = {}
    # A page links most stories twice or more (picture, headline, teaser).
    resolved: dict[str, tuple[str, str] | None | ValueError] = {}
    for href, title in page_links:
        # The text first: most of a page's links are menus and buttons, and
        # resolving a URL costs more than reading a link's words.
        if title.count(" ") + 1 < HEADLINE_WORDS or href.startswith("mailto:"):
            continue
        if href not in resolved:
            try:
                resolved[href] = target(href)
            except ValueError as exc:
                resolved[href] = exc
        found = resolved[href]
        if isinstance(found, ValueError):
            _malformed(counts)
            continue
        if found is None:
            continue
        url, code = found
        if code == code_here or url == own_url:
            continue
        entry = links.setdefault(code, {"title": title, "url": url, "story_code": code, "date": None})
        if len(title) > len(entry["title"]):
            entry["title"] = title
        if len(links) >= MAX_RELATED:
            break
    return list(links.values())


def link_texts(page_links: list[tuple[str, str]]) -> frozenset[str]:
    """The case-folded texts of ``page_links`` (:func:`page_links`): menus,
    breadcrumbs, section names, promotions."""
    return frozenset(text.casefold() for _, text in page_links if text)
