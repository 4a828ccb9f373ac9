"""Markup nested deeper than a parser goes, flattened so that its text stays.

libxml2 (lxml, parsel) stops reading an HTML document nested deeper than
2,048 elements, ``huge_tree`` or not, and trafilatura finds no main text
in one much shallower: whatever follows — often the whole story, after a
broken widget or a hostile page — is lost. Before
parsing, elements below :data:`MAX_DEPTH` lose their tags (never their
text), so a page of any depth reads as far as it goes.

The depth is counted the way a parser nests: void elements and elements
whose end tag may be left out (``p``, ``li``, ``td``, ...) do not nest
here, so sloppy markup that browsers and lxml read flat is never taken
for deep; the cap stays far enough below libxml2's limit for the elements
that do nest there and not here.
"""

from __future__ import annotations

import re
from collections import Counter

#: Deeper than real layouts nest (98 at most in 181 real article pages and
#: the fixtures),
#: and shallow enough for every reader of the page: libxml2 stops at 2,048,
#: trafilatura finds no main text below about 256.
MAX_DEPTH = 200

#: A comment, a raw-text element (its content is not markup), or a tag.
_TOKENS = re.compile(
    r"<!--.*?(?:-->|$)"
    r"|<(script|style|textarea|title|xmp)\b[^>]*>.*?(?:</\1\s*>|$)"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*?(/?)>",
    re.DOTALL | re.IGNORECASE,
)
#: Elements that hold nothing, or whose end tag may be left out: they do not nest here.
_FLAT = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd tr td th thead tbody tfoot option optgroup rt rp caption colgroup html head body".split()
)
#: Elements a parser never nests in themselves: a second one closes the first.
_NOT_IN_ITSELF = frozenset("a button form nobr select label".split())


def _nesting(html: str):
    """(token, depth of its element, whether it is a tag that nests) for each
    token, nesting as a parser does: an end tag closes its element and any
    left open inside it, and one whose element is not open is ignored."""
    stack: list[str] = []
    open_names: Counter = Counter()

    def close_down_to(name: str) -> int:
        """Pop the innermost open ``name`` and what is open inside it; its depth."""
        while True:
            popped = stack.pop()
            open_names[popped] -= 1
            if popped == name:
                return len(stack) + 1

    for token in _TOKENS.finditer(html):
        name = token.group(3)
        if name is None or token.group(4):
            yield token, len(stack), False
            continue
        name = name.lower()
        if name in _FLAT:
            yield token, len(stack), False
        elif token.group(2):  # an end tag
            if open_names[name]:
                yield token, close_down_to(name), True
            else:
                yield token, len(stack), False  # a stray end tag: the parser ignores it
        else:
            if name in _NOT_IN_ITSELF and open_names[name]:
                close_down_to(name)
            stack.append(name)
            open_names[name] += 1
            yield token, len(stack), True


def cap_depth(html: str, max_depth: int = MAX_DEPTH) -> str:
    """``html`` with the tags of elements nested deeper than ``max_depth``
    left out (their text kept); ``html`` itself when it is not that deep."""
    if html.count("<") <= max_depth:  # too few tags to nest that deep
        return html
    if not any(nests and depth > max_depth for _, depth, nests in _nesting(html)):
        return html
    kept: list[str] = []
    end = 0
    for token, depth, nests in _nesting(html):
        if nests and depth > max_depth:
            kept.append(html[end:token.start()])
            end = token.end()
    kept.append(html[end:])
    return "".join(kept)
