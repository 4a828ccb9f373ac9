"""A story's text held as the page's application data.

Pages rendered in the browser by a JavaScript framework often ship an empty
``<body>`` and the whole story as JSON for the framework to render
(Next.js's ``<script id="__NEXT_DATA__" type="application/json">``, and
other ``application/json`` script blocks). Such a page has no main text in
its markup; its body is the prose this data holds.

The story is the part of the data with the most prose: an HTML string
(``"<p>…</p><p>…</p>"``), a plain string of several paragraphs, or a list of
blocks whose strings are the paragraphs. A list of objects around it (a
page's items, the article with its related teasers) holds a little more; of
the parts with nearly as much, the deepest is the story.
"""

from __future__ import annotations

import json

import lxml.html
from lxml import etree

from newsarchive.sites.text import is_prose, text_lines

#: "Nearly as much": this share of the most prose any part holds.
STORY_SHARE = 0.8


def _paragraphs(value: str) -> list[str]:
    if "<" in value and ">" in value:
        try:
            return text_lines(lxml.html.fragment_fromstring(value, create_parent="div"))
        except (ValueError, etree.ParserError):
            return []
    return [line.strip() for line in value.splitlines() if line.strip()]


def _candidates(value, depth: int = 0, out: list | None = None) -> tuple[list[str], list]:
    """The prose paragraphs under ``value`` in order, and (depth, paragraphs)
    for ``value`` and every list or string below it."""
    out = [] if out is None else out
    if isinstance(value, str):
        paragraphs = [p for p in _paragraphs(value) if is_prose(p)] if len(value) > 40 else []
        if paragraphs:
            out.append((depth, paragraphs))
        return paragraphs, out
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    paragraphs: list[str] = []
    for child in children:
        paragraphs.extend(_candidates(child, depth + 1, out)[0])
    if isinstance(value, list) and paragraphs:
        out.append((depth, paragraphs))
    return paragraphs, out


def story_paragraphs(data) -> list[str]:
    """The story's paragraphs in decoded application data, [] if none."""
    candidates = _candidates(data)[1]
    if not candidates:
        return []
    largest = max(sum(map(len, paragraphs)) for _, paragraphs in candidates)
    enough = [(depth, ps) for depth, ps in candidates if sum(map(len, ps)) >= STORY_SHARE * largest]
    # The deepest of them: the story itself, not a list of objects around it.
    return list(dict.fromkeys(max(enough, key=lambda candidate: candidate[0])[1]))


def page_data_body(root) -> list[str]:
    """The story's paragraphs from the page's JSON script blocks."""
    best: list[str] = []
    for script in root.xpath('//script[@type="application/json" or @id="__NEXT_DATA__"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        found = story_paragraphs(data)
        if sum(map(len, found)) > sum(map(len, best)):
            best = found
    return best
