"""Strip sidebar duplicates and page chrome from article bodies.

News pages put a "Featured Stories" block next to the article, every story
in it twice (image alt text, then link text) with a date line; the headline
is repeated above the body; "Story Code : N" and "Comment" are page chrome.
Whatever body extraction was used, some of that leaks in. This step
removes it line by line and never cuts inside a line, so a featured title
quoted in an article sentence stays where it is.

Rules, in order (each removed line is counted under its reason):

``chrome``
    ``Story Code : N``, ``Comment`` and similar controls, alone on a line.
``date``
    A line that is only a date (``8 November 2022``,
    ``Tuesday 8 November 2022 - 09:18``), also behind a bullet and a
    label of a word or two (``- Published 18 November 2019``).
``sidebar``
    A "Featured Stories" (or "Related News", ...) heading and the
    title-shaped lines after it, up to the first line that reads as prose.
``related``
    A line that is the title of a story the page links in its sidebar, or
    that title's alt-text copy cut at an apostrophe (single-quoted ``alt``
    attributes end there), also behind a bullet or a short label
    (``- Title``, ``Read more: Title``) or followed by its teaser
    (``- Title The teaser's words``); a line that points to another story
    behind a story-list heading (``(Read also: Title)``).
``doubled_title``
    Two adjacent copies of a short line (alt text + link text, the alt copy
    possibly cut at an apostrophe) next to a date line, equal to the
    headline or above the first paragraph: a sidebar entry or the headline
    with its image's alt text. Other doubled short lines keep one copy.
``boilerplate``
    Page furniture on a line of its own: image credits (``Photo: AFP``,
    ``© dpa``), newsletter, subscription and donation calls, browser
    notices, licence lines.
``headline``
    The headline (or a lead the page shows apart from the body) repeated
    before the first paragraph. A lead taken from metadata (a meta
    description) is often the first paragraph itself, and stays.
``duplicate_paragraph``
    A paragraph identical to the one before it.
``link``
    A line that is not prose and is the whole text of one of the page's
    links (a promotion, a teaser, ``Get the app by clicking here``), unless
    the link shows its address.
``navigation``
    A menu or breadcrumb line above the first paragraph: punctuation alone
    (``|``, ``»``), or the whole text of one of the page's links (``Home``,
    ``Archive``, a section's name).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from newsarchive.sites.date_lines import is_date_line
from newsarchive.sites.text import (
    SIDEBAR_HEADING, STORY_CODE_LABEL, STORY_POINTER, body_to_lines, clean_ws, is_prose,
)


CHROME = re.compile(
    r"^(?:"
    + STORY_CODE_LABEL + r"\s*:?\s*\d+"
    r"|comments?|print|send to (?:a )?friend|share(?: this)?|add comment"
    r"|تبصرہ|نظرات|ارسال نظر|تعليق"
    r")$",
    re.I,
)
#: Whole lines that are page furniture, not the story: image credits,
#: newsletter, subscription and donation calls, browser notices, licences.
BOILERPLATE = re.compile(
    r"^(?:"
    r"(?:photo|photos|foto|fotos|image|picture|bild|crédit photo|credit|photo credit|source)\s*:\s*\S.{0,80}"
    r"|©\s*\S.{0,60}|\(?(?:photo|foto|image)s?\s+(?:by|von|de|par)\s+[^)]{1,80}\)?"
    r"|.{0,60}\b(?:sign up|subscribe|abonnieren|abonnez-vous|inscrivez-vous)\b.{0,80}\bnewsletters?\b.{0,60}"
    r"|.{0,40}\bnewsletters?\b.{0,60}\b(?:sign up|subscribe|inbox|abonnieren|abonnez-vous)\b.{0,60}"
    r"|(?:please\s+)?(?:support|donate to|become a (?:member|supporter) of)\s+(?:our|independent|this)\b.{0,80}journalism.{0,60}"
    r"|(?:your|this) browser (?:does not|doesn't|cannot) (?:support|play).{0,80}"
    r"|(?:please\s+)?(?:enable|turn on) javascript.{0,60}"
    r"|this (?:article|story|work|content) (?:is|was) (?:licensed|published) under .{1,80}"
    r"|all rights reserved\.?|alle rechte vorbehalten\.?|tous droits réservés\.?"
    r")$",
    re.I,
)
BOILERPLATE_MAX_WORDS = 25
APOSTROPHES = "'’"


def _key(line: str) -> str:
    return clean_ws(line).casefold()


#: A bullet, or a short label with a colon, before a story's title on a line of its own.
_LINK_LINE = re.compile(r"^(?:[-–—•·*>»]+\s*|[^:：]{1,40}[:：]\s+)(?P<title>.+)$")


def _linked_title(key: str) -> str | None:
    """The title in a related-link line (``- Title``, ``Read more: Title``)."""
    match = _LINK_LINE.match(key)
    if match is None or len(key[: match.start("title")].split()) > 4:
        return None
    return match.group("title").strip()


_URL_TEXT = re.compile(r"^(?:https?://|www\.)\S+$")
_BULLET = re.compile(r"^[-–—•·*>»]+\s*")
#: A bullet, then a label of a word or two before a date (``- Published 18 November 2019``).
_DATE_LABEL = re.compile(r"^(?:[-–—•·*>»]+\s*)?(?:[^\W\d]+\s+){0,1}[^\W\d]+\s*[:：]?\s+(?=\d)")
#: A label of up to three words and a colon before a date (``First Published: Tuesday, …``).
_COLON_LABEL = re.compile(r"^(?:[-–—•·*>»]+\s*)?(?:[^\W\d]+\s+){0,2}[^\W\d]+\s*[:：]\s*")
#: What separates the parts of a dateline.
_DATELINE_PARTS = re.compile(r"\s+[|/•·]\s+")
#: A dateline or a labelled date is shorter than this, in words.
MAX_DATELINE_WORDS = 15


def _bullet_with_title(key: str, related: frozenset[str]) -> bool:
    """``key`` is a bulleted line that starts with a related story's title
    and goes on with its teaser."""
    bullet = _BULLET.match(key)
    if bullet is None:
        return False
    rest = key[bullet.end():]
    return any(rest.startswith(title + " ") and title.count(" ") >= 2 for title in related)


def _is_labelled_date(line: str, language: str | None) -> bool:
    if line.count(" ") >= MAX_DATELINE_WORDS:
        return False
    label = _DATE_LABEL.match(line) or _COLON_LABEL.match(line)
    return label is not None and is_date_line(line[label.end():], language)


def _is_dateline(line: str, language: str | None) -> bool:
    """A short line of parts, one of them a date, labelled or not: the
    page's dateline (``November 19, 2019 / 12:21 AM / Updated 14 hours
    ago``, ``New Delhi, Bureau | Updated : 19 November 2019, 09:01 AM``)."""
    if line.count(" ") >= MAX_DATELINE_WORDS:
        return False
    parts = _DATELINE_PARTS.split(line)
    return len(parts) > 1 and any(is_date_line(part, language) or _is_labelled_date(part, language) for part in parts)


def _is_alt_copy(short: str, full: str) -> bool:
    """``short`` is ``full``, or ``full`` cut where an apostrophe closed a
    single-quoted alt attribute."""
    if short == full:
        return True
    return (
        len(short) < len(full)
        and full.startswith(short)
        and full[len(short)] in APOSTROPHES
    )


def _related_keys(titles: Iterable[str]) -> frozenset[str]:
    return _related_keys_of(tuple(titles))


@lru_cache(maxsize=256)
def _related_keys_of(titles: tuple[str, ...]) -> frozenset[str]:
    # A site shows the same sidebar on many pages in a row: worked out once.
    keys = set()
    for title in titles:
        title = clean_ws(title)
        if not title:
            continue
        keys.add(_key(title))
        cut = title.find("'")
        if cut > 0 and len(title[:cut].split()) >= 3:
            keys.add(_key(title[:cut]))
    return frozenset(keys)


def strip_sidebar(
    body: str | None,
    title: str | None = None,
    related_titles: Iterable[str] = (),
    lead: str | None = None,
    language: str | None = None,
    link_texts: frozenset[str] = frozenset(),
) -> tuple[str, Counter]:
    """Return the cleaned body (paragraphs separated by a blank line) and a
    count of removed lines per reason. ``language`` is the page's, for
    reading its date lines; ``link_texts`` the case-folded texts of its
    links (menus, breadcrumbs, promotions).

    The rules run until nothing more goes: removing lines can bring two
    copies of a line together, and a second run must find nothing to do.
    """
    lines = body_to_lines(body)
    related = _related_keys(related_titles)
    removed: Counter = Counter()
    # Whether a line is a date, by line: a second run reads the same lines
    # again, and a date line costs a date parser's reading.
    dated: dict[str, bool] = {}
    while True:
        kept, removed_now = _strip_once(lines, title, related, lead, language, link_texts, dated)
        if not removed_now:
            return "\n\n".join(lines), removed
        removed.update(removed_now)
        lines = kept


def _is_dated(line: str, prose: bool, language: str | None) -> bool:
    return is_date_line(line, language) or (not prose and (_is_labelled_date(line, language)
                                                           or _is_dateline(line, language)))


def _strip_once(lines: list[str], title: str | None, related: frozenset[str], lead: str | None,
                language: str | None, link_texts: frozenset[str], dates: dict[str, bool]) -> tuple[list[str], Counter]:
    # Lines come cleaned (body_to_lines): their keys, dates and prose-ness
    # are worked out once.
    count = len(lines)
    keys = [line.casefold() for line in lines]
    prose = [is_prose(line) for line in lines]
    for i, line in enumerate(lines):
        if line not in dates:
            dates[line] = _is_dated(line, prose[i], language)
    dated = [dates[line] for line in lines]
    keep = [True] * count
    removed: Counter = Counter()

    def drop(index: int, reason: str) -> None:
        if keep[index]:
            keep[index] = False
            removed[reason] += 1

    def doubled_with_next(index: int) -> bool:
        nxt = index + 1
        return nxt < count and (_is_alt_copy(lines[index], lines[nxt]) or _is_alt_copy(lines[nxt], lines[index]))

    for i, line in enumerate(lines):
        if CHROME.match(line):
            drop(i, "chrome")
        elif dated[i]:
            drop(i, "date")

    for i, line in enumerate(lines):
        if not keep[i] or not SIDEBAR_HEADING.match(line):
            continue
        drop(i, "sidebar")
        j = i + 1
        while j < count:
            entry_shaped = (
                not keep[j]
                or not prose[j]
                or keys[j] in related
                or doubled_with_next(j)
                or (j > 0 and doubled_with_next(j - 1))
                or (j + 1 < count and dated[j + 1])
            )
            if not entry_shaped:
                break
            drop(j, "sidebar")
            j += 1

    if related:
        for i in range(count):
            if keep[i] and (keys[i] in related or (not prose[i] and _linked_title(keys[i]) in related)
                            or (not prose[i] and _bullet_with_title(keys[i], related))):
                drop(i, "related")
    for i in range(count):
        if keep[i] and lines[i].count(" ") < BOILERPLATE_MAX_WORDS and STORY_POINTER.match(lines[i]):
            drop(i, "related")

    if link_texts:
        for i in range(count):
            # A link that shows its address is what the text points to.
            if keep[i] and not prose[i] and keys[i] in link_texts and not _URL_TEXT.match(keys[i]):
                drop(i, "link")

    for i in range(count):
        # Word count first: most lines are prose, too long to be furniture.
        if keep[i] and lines[i].count(" ") < BOILERPLATE_MAX_WORDS and BOILERPLATE.match(lines[i]):
            drop(i, "boilerplate")

    title_key = _key(title) if title else None
    kept = [i for i in range(count) if keep[i]]
    first_prose = next((i for i in kept if prose[i]), count)
    for a, b in zip(kept, kept[1:]):
        if not (keep[a] and keep[b]):
            continue
        first, second = lines[a], lines[b]
        if not (_is_alt_copy(first, second) or _is_alt_copy(second, first)):
            continue
        if first == second and prose[a]:
            drop(a, "duplicate_paragraph")
            continue
        near_date = (a > 0 and dated[a - 1]) or (b + 1 < count and dated[b + 1])
        headline = (title_key is not None and title_key in (keys[a], keys[b])) or b < first_prose
        if near_date or headline:
            drop(a, "doubled_title")
            drop(b, "doubled_title")
        else:
            drop(a, "doubled_title")

    leading = {k for k in (title_key, _key(lead) if lead else None) if k}
    for i in range(count):
        if not keep[i]:
            continue
        if keys[i] in leading:
            drop(i, "headline")
            continue
        if prose[i]:
            break
        if keys[i] in link_texts or not any(ch.isalnum() for ch in lines[i]):
            drop(i, "navigation")

    if not removed:
        return lines, removed
    return [line for line, kept_line in zip(lines, keep) if kept_line], removed


#: Sources of a lead that the page does not show as text of its own.
_METADATA_SOURCES = frozenset({"json_ld", "opengraph", "meta", "dublin_core", "itemprop"})


def lead_shown_apart(lead_source: str | None) -> bool:
    """The lead stands on the page apart from the body, so a first paragraph
    equal to it is a repeat. A lead from the page's metadata (a meta
    description) is often the body's own first paragraph: that stays."""
    return lead_source not in _METADATA_SOURCES
