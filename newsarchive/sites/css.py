"""CSS selectors over a page or an lxml element: what parsers declare."""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from parsel.csstranslator import css2xpath

from newsarchive.sites.page import Page
from newsarchive.sites.text import clean_ws, element_text

__all__ = ["first_attr", "first_text", "select", "select_first", "text_list"]


@lru_cache(maxsize=1024)
def _compiled(css: str) -> etree.XPath:
    return etree.XPath(css2xpath(css), smart_strings=False)


#: How the translation tests an element for a class name.
_CLASS_TEST = re.compile(r"contains\(concat\(' ', normalize-space\(@class\), ' '\), ' ([^' ]+) '\)")


@lru_cache(maxsize=1024)
def _classes_needed(css: str) -> frozenset[str]:
    """The class names an element of a page must carry for ``css`` to
    select anything there (none known for a selector of alternatives or
    negations, whose classes are not all needed: ``a, b``, ``:is()``,
    ``:where()``, ``:has()`` of several, ``:not()``)."""
    xpath = css2xpath(css)
    if "|" in xpath or " or " in xpath or "not(" in xpath:
        return frozenset()
    return frozenset(_CLASS_TEST.findall(xpath))


def select(node, css: str) -> list:
    """What ``css`` (parsel's ``::text`` and ``::attr()`` included) selects
    in a page or under an lxml element: elements or strings.

    Compiled once per selector: a parser runs some thirty selectors a page,
    and parsel compiles each one every time. On a page, a selector needing
    a class no element has is not run: a walk of the whole tree costs more
    than reading every class name once, and a CMS family's selectors are
    mostly for themes the page does not use.
    """
    if isinstance(node, Page):
        needed = _classes_needed(css)
        if needed and not needed <= node.class_names:
            return []
        node = node.root
    return _compiled(css)(node)


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
