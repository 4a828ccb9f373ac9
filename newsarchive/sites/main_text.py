"""The page's main text (trafilatura): the body where no rule of the site
finds one."""

from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING

import lxml.html

from newsarchive.sites.markup import main_text_markup
from newsarchive.sites.page import Page
from newsarchive.sites.text import clean_ws, element_text, is_prose, prose_length, text_lines

if TYPE_CHECKING:
    from newsarchive.sites.engine import Extraction

#: The source name of a body taken from the main text.
MAIN_TEXT = "main_text"
#: A reading whose prose is less than this share of its text is mostly
#: menus and link lists, and one whose prose is less than this share of the
#: page's paragraphs found a part of the body: either is in doubt.
MIN_PROSE_SHARE = 0.5
#: A reading shorter than this may be trafilatura's rescue of a page whose
#: body it did not find (the whole page's text, headline and date lines in
#: one): in doubt too.
MIN_SURE_LENGTH = 1000
#: Below this share of the default mode's prose, precision mode has pruned
#: the body itself, not just its clutter.
PRECISION_KEEPS_AT_LEAST = 0.25


#: Zero-width joiners spell words in Persian, Urdu, Kurdish and the Indic
#: scripts (``کتابخانه‌ها``) and join emoji; trafilatura drops every
#: character that is not printable, these with them. They pass through it
#: as printable stand-ins that the page does not hold.
_JOINERS = {"\u200c": "\ufffc", "\u200d": "\u2bd1"}


def _joiners(html: str) -> dict[str, str]:
    """The joiners a page holds, each with a stand-in it does not."""
    return {j: stand_in for j, stand_in in _JOINERS.items() if j in html and stand_in not in html}


def _with_stand_ins(tree, joiners: dict[str, str]) -> None:
    """Replace ``joiners`` in ``tree`` (a copy) by their stand-ins."""
    if not joiners:
        return
    for element in tree.iter():
        for joiner, stand_in in joiners.items():
            if element.text and joiner in element.text:
                element.text = element.text.replace(joiner, stand_in)
            if element.tail and joiner in element.tail:
                element.tail = element.tail.replace(joiner, stand_in)


def _extract(tree, page: Page, joiners: dict[str, str], **options) -> list[str]:
    """trafilatura's text of ``tree`` (which it copies; ``joiners`` in it
    replaced by their stand-ins), one cleaned line per paragraph."""
    import trafilatura  # on first use: it is slow to import and rules usually match

    text = trafilatura.extract(tree, url=page.url, include_comments=False, **options) or ""
    for joiner, stand_in in joiners.items():
        text = text.replace(stand_in, joiner)
    return [line for line in (clean_ws(t) for t in text.splitlines()) if line]


def _paragraph_prose(tree) -> int:
    """How much prose the tree's paragraphs hold."""
    return sum(len(text) for text in (clean_ws(" ".join(p.itertext())) for p in tree.iter("p")) if is_prose(text))


def _in_doubt(lines: list[str], tree) -> bool:
    length = sum(map(len, lines))
    if length < MIN_SURE_LENGTH:
        return True
    prose = prose_length(lines)
    return prose < MIN_PROSE_SHARE * length or prose < MIN_PROSE_SHARE * _paragraph_prose(tree)


def _careful(tree, page: Page, joiners: dict[str, str]) -> list[str]:
    """trafilatura's full cascade, compared with readability's and jusText's
    readings: precision first, the default mode's where precision pruned the
    body itself (containers it takes for hidden, grids of blocks)."""
    lines = _extract(tree, page, joiners, favor_precision=True)
    if not lines:
        return lines
    # Sentences, because the default mode's extra menus and headline lists
    # are not a sign of a pruned body.
    kept = prose_length(lines)
    if kept >= PRECISION_KEEPS_AT_LEAST * prose_length(text_lines(tree)):
        return lines  # a share the default mode could not beat: it finds no more than the page has
    fuller = _extract(tree, page, joiners)
    if kept < PRECISION_KEEPS_AT_LEAST * prose_length(fuller):
        return fuller
    return lines


def _document(element):
    """A page holding only ``element`` (a copy): trafilatura reads documents, not fragments."""
    document = lxml.html.document_fromstring("<html><body></body></html>")
    document.find("body").append(copy.deepcopy(element))
    return document


def main_text(page: Page, element=None) -> list[str]:
    """The page's main text (or that of ``element``, a part of it), one line per paragraph.

    trafilatura's default mode in its fast form first (its own extractor
    alone, on the page's tree: the page is parsed once); the sidebar rules
    then take out what leaks. Only a reading in doubt — short, mostly
    menus and lists, or a small part of the page's paragraphs — pays for
    the full cascade (``_careful``).
    """
    # A copy either way, which the stand-ins may change.
    tree = _document(element) if element is not None else main_text_markup(page.root)
    # It logs pages it cannot read (an empty document) as errors of its
    # own; here such a page is a drop with its reason, counted once.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    joiners = _joiners(page.html)
    _with_stand_ins(tree, joiners)
    lines = _extract(tree, page, joiners, fast=True)
    if lines and not _in_doubt(lines, tree):
        return lines
    return _careful(tree, page, joiners)


def main_text_body(extraction: Extraction) -> list[str]:
    """The main text as a body, when more than sidebar entries and page
    chrome survive the sidebar rules (the parser keeps that cleaning: the
    rules run once a body)."""
    lines = main_text(extraction.page)
    if not lines:
        return []
    lead, title = (extraction.get("lead") or "").casefold(), (extraction.get("title") or "").casefold()
    # The page's standfirst, which is the lead, is not the body's (after the headline, if that came too).
    at = 1 if len(lines) > 2 and lines[0].casefold() == title else 0
    if (lead and lines[at].casefold() == lead and len(lines) > at + 1
            and stands_apart(extraction.page, lines[at], lines[at + 1])):
        del lines[at]
    cleaned, _ = extraction.parser.cleaned_body(extraction, MAIN_TEXT, lines)
    return lines if cleaned.strip() else []


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
