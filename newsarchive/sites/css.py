"""CSS selectors over a page or an lxml element: what parsers declare."""

from __future__ import annotations

from functools import lru_cache

from lxml import etree
from parsel.csstranslator import css2xpath

from newsarchive.sites.page import Page
from newsarchive.sites.text import clean_ws, element_text

__all__ = ["first_attr", "first_text", "select", "select_first", "text_list"]


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
    """The visible text of the first element the selectors find that has any."""
    for css in selectors:
        for element in select(node, css):
            text = element_text(element)
            if text:
                return text
    return None


def first_attr(node, selectors) -> str | None:
    """The first non-empty value of attribute selectors (``img::attr(src)``)."""
    for css in selectors:
        value = clean_ws(select_first(node, css))
        if value:
            return value
    return None


def text_list(node, selectors) -> list[str]:
    """The distinct texts of what the first selector that finds any finds."""
    for css in selectors:
        values = list(dict.fromkeys(v for v in (element_text(n) for n in select(node, css)) if v))
        if values:
            return values
    return []
