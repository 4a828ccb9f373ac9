"""A page as parsers see it: decoded HTML, the URL it stands for, its headers.

Parsers know nothing of Scrapy. The spider, reparse, replay, fixtures and
benchmarks all build a :class:`Page` with :meth:`Page.from_http` from what a
server sent (status line aside) — the same decoding and the same refusals
everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import lxml.html
from lxml import etree

from newsarchive.items import DropReason
from newsarchive.sites.depth import cap_depth
from newsarchive.sites.encoding import decode_html

#: Control characters that text does not hold (tab, newlines and form feed it does).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
#: Content types whose bodies are text a parser can read.
_TEXT_TYPES = re.compile(r"^(text/|application/(xhtml\+xml|xml|[a-z.+-]*\+xml|json|[a-z.+-]*\+json)$)")


class PageRejected(Exception):
    """The page cannot become an article; ``reason`` names why."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def looks_binary(body: bytes | str) -> bool:
    """NUL bytes or many control characters: not text, whatever the server says."""
    head = body[:4096]
    if not head:
        return False
    if isinstance(head, bytes):
        if b"\x00" in head:
            return True
        controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    else:
        if "\x00" in head:
            return True
        controls = len(_CONTROL_CHARS.findall(head))
    return controls / len(head) > 0.1


def is_text_type(content_type: str | None) -> bool:
    """A body of this ``Content-Type`` is text (no type at all: maybe)."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    return not mime or bool(_TEXT_TYPES.match(mime))


def _header(headers, name: str) -> str:
    """A header's value as text, from a dict, Scrapy's ``Headers`` or (name, value) pairs."""
    for key, value in headers.items() if hasattr(headers, "items") else headers:
        key = key.decode("latin-1") if isinstance(key, bytes) else key
        if key.lower() == name.lower():
            if isinstance(value, list):
                value = value[0] if value else b""
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return ""


@dataclass(frozen=True)
class Page:
    #: The page's URL on the site (a mirror's URL mapped back to the site's).
    url: str
    html: str
    #: Response headers, names lowercased.
    headers: Mapping[str, str] = field(default_factory=dict)
    #: The encoding the body was read with, when it was not the one declared.
    repaired_encoding: str | None = None

    @classmethod
    def from_http(cls, url: str, headers, body: bytes, fallback_encodings=()) -> Page:
        """A page from a response's headers and bytes. Raises
        :class:`PageRejected` (``not_text``) for a body that is not text."""
        content_type = _header(headers, "content-type")
        if not is_text_type(content_type):
            raise PageRejected(DropReason.NOT_TEXT, f"{content_type} is not a text page")
        if looks_binary(body):
            raise PageRejected(DropReason.NOT_TEXT, "the body is binary data, whatever its content type says")
        text, repaired = decode_html(body, content_type, tuple(fallback_encodings))
        text = cap_depth(text)  # a parser would stop at its depth limit, and lose the rest
        names = ("content-type", "content-language", "last-modified", "link")
        return cls(url=url, html=text, headers={n: v for n in names if (v := _header(headers, n))},
                   repaired_encoding=repaired)

    @cached_property
    def root(self):
        """The lxml root element, without the markup's comments and
        processing instructions (nothing a reader sees, and trafilatura,
        handed this tree, drops the text that follows one inside a
        paragraph), nor its styles, drawings and code (``_without_code``)."""
        parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True, remove_comments=True,
                                  remove_pis=True)
        # lxml.html's own parser asks Python for the class of every element
        # each time one is touched; this names one class in C, which halves
        # what walking a tree costs (the extractors walk it dozens of times).
        parser.set_element_class_lookup(_HTML_CLASSES)
        body = self.html.strip().replace("\x00", "").encode("utf-8") or b"<html/>"
        root = etree.fromstring(body, parser=parser, base_url=self.url)
        if root is None:
            return etree.fromstring(b"<html/>", parser=parser, base_url=self.url)
        _without_code(root)
        return root

    @cached_property
    def class_names(self) -> frozenset[str]:
        """Every class name an element of the page carries."""
        return frozenset(" ".join(_CLASS_VALUES(self.root)).split())


_CLASS_VALUES = etree.XPath("//@class", smart_strings=False)
#: Elements whose content is never text a reader sees nor data a reader
#: here takes (styles, drawings); scripts are code, but for the page's data.
_NEVER_READ = ("style", "svg")


def _without_code(root) -> None:
    """Take out of the tree the elements no reader here reads, their tails
    kept: styles, drawings, and scripts that are code, not the page's data
    (JSON-LD, Next.js's and other JSON blocks) nor the address of a file (a
    mark of the site's CMS). A page's inline scripts are often most of its
    bytes, and every copy of the tree (main-text extraction makes several)
    would copy them."""
    etree.strip_elements(root, *_NEVER_READ, with_tail=False)
    for script in [s for s in root.iter("script") if not _kept(s)]:
        script.drop_tree()


def _kept(script) -> bool:
    if script.get("src") and not (script.text or "").strip():
        return True
    return "json" in (script.get("type") or "").lower() or script.get("id") == "__NEXT_DATA__"


#: Every node of a parsed page as lxml.html's element classes (its form
#: element subclasses aside, which no reader here uses).
_HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity)
