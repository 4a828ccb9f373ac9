"""Turning markup into clean text: paragraphs, whitespace, dates in prose.

Shared by site parsers (paragraphs of a body container) and by fixture
checks (the visible text of a whole page, image alt text included, the way
a text-mode browser or a "save as text" renders it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from lxml import etree
from w3lib.html import remove_tags, remove_tags_with_content


#: Elements that end a line of visible text.
BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table "
    "tbody thead tfoot tr td th ul".split()
)
#: Elements whose content is never visible text.
INVISIBLE_TAGS = frozenset(
    "script style noscript template iframe object embed svg head title button select option".split()
)

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
#: The site family's visible date forms: ``Tuesday 8 November 2022 - 09:18``
#: on articles and ``8 November 2022`` in sidebars.
VISIBLE_DATE = re.compile(
    rf"(?:(?:{WEEKDAYS})\s+)?(?P<day>\d{{1,2}})\s+(?P<month>{MONTHS})\s+(?P<year>\d{{4}})"
    rf"(?:\s*-\s*(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}}))?",
    re.IGNORECASE,
)


#: Labels of the story-code line (``Story Code : 1023423``, ``کد خبر : ۱۰۲۳۶۰۱``)
#: by language. Data: a language is added by adding its labels.
STORY_CODE_LABELS_BY_LANGUAGE = {
    "en": ("Story Code",),
    "fa": ("کد خبر", "کد مطلب"),
    "ar": ("رمز الخبر", "رقم الخبر"),
    "ur": ("خبر کا کوڈ", "کوڈ"),
}
#: Longest first, so that a label is not matched by its own tail.
STORY_CODE_LABELS = tuple(sorted((label for labels in STORY_CODE_LABELS_BY_LANGUAGE.values() for label in labels),
                                 key=len, reverse=True))
#: Any of them as a regular expression, spaces in a label matching any run of spaces (or none).
STORY_CODE_LABEL = "(?:" + "|".join(label.replace(" ", r"\s*") for label in STORY_CODE_LABELS) + ")"


#: Headings of lists of other stories, in the languages of the outlets a
#: user may archive. Data: a language is added by adding its headings.
STORY_LIST_HEADINGS = (
    # English (and patterns, below)
    "featured stories", "more stories", "most viewed", "read more", "read also", "also read", "see also",
    "you may also like", "you might also like", "recommended", "recommended for you", "trending", "trending now",
    "latest news", "latest stories", "related",
    # German
    "mehr zum thema", "lesen sie auch", "lesen sie mehr", "das könnte sie auch interessieren", "weitere artikel",
    "auch interessant", "mehr dazu", "zum thema",
    # French
    "à lire aussi", "a lire aussi", "lire aussi", "sur le même sujet", "à voir aussi", "à lire également",
    "nos articles sur le sujet", "articles liés",
    # Italian, Spanish, Portuguese
    "leggi anche", "potrebbe interessarti", "articoli correlati", "lee también", "te puede interesar",
    "noticias relacionadas", "más noticias", "leia também", "veja também", "notícias relacionadas", "saiba mais",
    # Polish, Czech, Russian, Ukrainian
    "czytaj więcej", "czytaj także", "czytaj też", "zobacz też", "zobacz także", "přečtěte si také",
    "související články", "читайте также", "по теме", "смотрите также", "читайте також", "новости по теме",
    # Dutch, Scandinavian, Finnish
    "lees ook", "lees meer", "meer over", "läs också", "läs mer", "les også", "læs også", "lue myös",
    # Turkish, Indonesian
    "ilginizi çekebilir", "bunlar da ilginizi çekebilir", "ayrıca okuyun", "baca juga", "berita terkait",
    # Persian, Urdu, Arabic
    "اخبار برگزیده", "اخبار مرتبط", "منتخب خبریں", "متعلقہ خبریں", "أهم الأخبار", "اقرأ أيضا", "اقرأ أيضاً",
    "أخبار ذات صلة", "أخبار متعلقة",
)
#: Headings of sidebar blocks that list other stories.
SIDEBAR_HEADING = re.compile(
    r"^(related( (news|stories|articles|content|coverage|topics))?|most (read|popular|shared)|"
    r"more (from|on|in) .{1,40}|"
    + "|".join(re.escape(heading) for heading in STORY_LIST_HEADINGS)
    + r")\s*[:.]?$",
    re.I,
)
#: A line that points to another story behind a story-list heading:
#: ``(Read also: Title)``, ``Leggi anche su: Title``.
STORY_POINTER = re.compile(
    r"^[(\[]?\s*(?:related(?: \w+)?|"
    + "|".join(re.escape(heading) for heading in STORY_LIST_HEADINGS)
    + r")(?:\s+\w{1,4})?\s*[:：]\s*\S.*$",
    re.I,
)


#: Persian and Eastern Arabic digits, and the Arabic decimal and thousands signs, to ASCII.
LOCAL_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫٬", "01234567890123456789.,")


def ascii_digits(text: str) -> str:
    """Numbers as an edition prints them (``۱۴۰۱``, ``٢٠٢٢``) in ASCII digits."""
    return text.translate(LOCAL_DIGITS)


SENTENCE_ENDS = (".", "!", "?", "…", ":", "؟", "۔", ".»", "»")
QUOTE_CLOSERS = "\"'”’»)"


def is_prose(line: str) -> bool:
    """True for a line that reads as a paragraph rather than a headline.
    ``line`` is cleaned (:func:`clean_ws`): one space between words."""
    words = line.count(" ") + 1 if line else 0
    if words >= 40:
        return True
    return words >= 8 and line.rstrip(QUOTE_CLOSERS).endswith(SENTENCE_ENDS)


def prose_length(lines: Iterable[str]) -> int:
    """How much of the text is paragraphs: the length of its prose lines."""
    return sum(len(line) for line in lines if is_prose(line))


def name_key(text: str) -> str:
    """A name as letters and digits only, case folded: ``Islam Times``,
    ``islamtimes`` and ``ISLAM-TIMES`` are one name."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def clean_ws(text: str | None) -> str:
    """Collapse runs of whitespace (non-breaking spaces included) to one space,
    in Unicode NFC form."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    # Most lines are clean already: printable text holds no whitespace but
    # the plain space (tabs, newlines, NBSP and other spaces are not
    # printable), so there is nothing to collapse.
    if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return text
    return " ".join(text.split())


def _tag(element) -> str | None:
    tag = element.tag
    if not isinstance(tag, str):  # comments, processing instructions
        return None
    return etree.QName(tag).localname.lower() if "}" in tag else tag.lower()


def _inline(text: str) -> str:
    # Line breaks in the source are formatting, not text: only block
    # elements end a line.
    return text.replace("\n", " ").replace("\r", " ")


def _walk(root, out: list[str], skip: set, include_alt: bool) -> None:
    # Iterative, not recursive: deeply nested markup must not exhaust the stack.
    # Entries are (element, None) to open it, or (element, its tag) to close it.
    stack: list = [(root, None)]
    while stack:
        element, closing_tag = stack.pop()
        if closing_tag is not None:
            if closing_tag in BLOCK_TAGS:
                out.append("\n")
            if element is not root and element.tail:
                out.append(_inline(element.tail))
            continue
        tag = _tag(element)
        if tag is None or element in skip or tag in INVISIBLE_TAGS:
            if element is not root and element.tail:
                out.append(_inline(element.tail))
            continue
        if tag in BLOCK_TAGS:
            out.append("\n")
        if tag == "img" and include_alt:
            alt = element.get("alt")
            if alt and alt.strip():
                out.append(f"\n{_inline(alt)}\n")
        if element.text:
            out.append(_inline(element.text))
        stack.append((element, tag))
        stack.extend((child, None) for child in reversed(element))


def text_lines(element, skip: Iterable = (), include_alt: bool = False) -> list[str]:
    """The non-empty lines of visible text under an lxml element, in order.

    Each block element (paragraph, div, heading, list item, ``<br>``) ends a
    line; whitespace inside a line is collapsed. Elements in ``skip`` are left
    out with everything inside them. With ``include_alt``, an image's alt text
    is a line of its own, as text-mode renderings show it.
    """
    out: list[str] = []
    _walk(element, out, set(skip), include_alt)
    lines = (clean_ws(line) for line in "".join(out).split("\n"))
    return [line for line in lines if line]


def element_text(element) -> str:
    """An element's visible text on one line (scripts and styles left out)."""
    return " ".join(text_lines(element))


def markup_to_text(value: str | None) -> str:
    """Text from a string that may carry markup (a ``<title>``, a meta tag):
    scripts and styles dropped with their content, other tags dropped."""
    if not value:
        return ""
    return clean_ws(remove_tags(remove_tags_with_content(value, ("script", "style"))))


def paragraphs_to_body(paragraphs: Iterable[str]) -> str:
    return "\n\n".join(p for p in paragraphs if p)


def body_to_lines(body: str | None) -> list[str]:
    """Split a stored body (or any text) into its non-empty, cleaned lines."""
    if not body:
        return []
    lines = (clean_ws(line) for line in body.splitlines())
    return [line for line in lines if line]
