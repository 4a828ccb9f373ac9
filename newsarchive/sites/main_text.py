"""The page's main text (trafilatura): the body where no rule of the site
finds one."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from newsarchive.sites.markup import main_text_markup
from newsarchive.sites.page import Page
from newsarchive.sites.text import clean_ws, element_text, prose_length, text_lines

if TYPE_CHECKING:
    from newsarchive.sites.engine import Extraction

#: The source name of a body taken from the main text.
MAIN_TEXT = "main_text"
#: Below this share of the default mode's main text, precision mode has
#: pruned the body itself, not just its clutter.
PRECISION_KEEPS_AT_LEAST = 0.25


#: Zero-width joiners spell words in Persian, Urdu, Kurdish and the Indic
#: scripts (``کتابخانه‌ها``) and join emoji; trafilatura drops every
#: character that is not printable, these with them. They pass through it
#: as printable stand-ins that the page does not hold.
_JOINERS = {"\u200c": "\ufffc", "\u200d": "\u2bd1"}


def _extract(html: str, url: str, **options) -> list[str]:
    """trafilatura's text of ``html``, one cleaned line per paragraph."""
    import trafilatura  # on first use: it is slow to import and rules usually match

    joiners = {j: stand_in for j, stand_in in _JOINERS.items() if j in html and stand_in not in html}
    for joiner, stand_in in joiners.items():
        html = html.replace(joiner, stand_in)
    text = trafilatura.extract(html, url=url, include_comments=False, **options) or ""
    for joiner, stand_in in joiners.items():
        text = text.replace(stand_in, joiner)
    return [line for line in (clean_ws(t) for t in text.splitlines()) if line]


def main_text(page: Page, html: str | None = None) -> list[str]:
    """The page's main text (or that of ``html``, a part of it), one line per paragraph."""
    if html is None:
        html = main_text_markup(page.root) or page.html
    if not html.strip():
        return []
    # It logs pages it cannot read (an empty document) as errors of its
    # own; here such a page is a drop with its reason, counted once.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    # Precision first: the sidebar rules then take out what still leaks.
    lines = _extract(html, page.url, favor_precision=True)
    if not lines:
        return lines  # nothing in the markup: the page's data is a later source
    # Precision mode also prunes whole bodies (containers it takes for
    # hidden, grids of blocks): when it keeps only a small part of the
    # sentences the default mode finds, the fuller text wins and the
    # sidebar rules clean it. Sentences, because the default mode's
    # extra menus and headline lists are not a sign of a pruned body.
    kept = prose_length(lines)
    if kept >= PRECISION_KEEPS_AT_LEAST * prose_length(text_lines(page.root)):
        return lines  # a share the default mode could not beat: it finds no more than the page has
    fuller_lines = _extract(html, page.url)
    if kept < PRECISION_KEEPS_AT_LEAST * prose_length(fuller_lines):
        return fuller_lines
    return lines


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
