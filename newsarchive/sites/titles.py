"""A story's headline out of what the page calls it: the site's name and
the suffixes its ``<title>`` adds taken off, in any script.

The site's name is the one its page states (``og:site_name``, the JSON-LD
publisher), its profile's publisher names (one per edition) or its domain's.
Where none of them is in the title, the page itself tells: the part of the
title that the page shows as a line of its own is the headline.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from newsarchive.sites.text import name_key
from newsarchive.sites.urls import domain_name

#: What joins a headline to the site's name in a title.
TITLE_SEPARATORS = (" | ", " - ", " — ", " – ", " :: ", " · ")


def without_suffix(title: str | None, suffixes: Iterable[str]) -> str | None:
    """A title without the first of a profile's ``title_suffixes`` it ends with."""
    if not title:
        return None
    for suffix in suffixes:
        if title.endswith(suffix):
            return title[: -len(suffix)].strip() or None
    return title


def without_site_name(title: str, site_names: Iterable[str | None], url: str,
                      shown_lines: Callable[[], Collection[str]] | None = None) -> str:
    """A headline without the site's name and what follows it
    (``Headline | Site``, ``Headline - Site - 28.04.2023``), whatever the
    source: metadata repeats the ``<title>``'s suffixes too. The site's name
    is one of ``site_names`` (what the page states, the profile's names) or
    its domain's (``Islam Times`` on islamtimes.com). With none of them in
    the title, ``shown_lines()`` (the page's visible lines, case folded)
    tells: a head of the title shown as a line of its own is the headline."""
    names = {name_key(name) for name in site_names if name} | {name_key(domain_name(url))}
    names.discard("")
    for separator in TITLE_SEPARATORS:
        parts = title.split(separator)
        for index, part in enumerate(parts[1:], 1):
            if name_key(part) in names:
                return separator.join(parts[:index]).strip() or title
    if shown_lines is not None and any(separator in title for separator in TITLE_SEPARATORS):
        shown = shown_lines()
        for separator in TITLE_SEPARATORS:
            parts = title.split(separator)
            for index in range(len(parts) - 1, 0, -1):  # the longest head first: a headline may hold a separator
                head = separator.join(parts[:index]).strip()
                if head and head.casefold() in shown:
                    return head
    return title


def headline_of_title_tag(title: str, suffixes: Iterable[str], site_name: str | None, url: str,
                          known_names: Iterable[str] = (),
                          shown_lines: Callable[[], Collection[str]] | None = None) -> str | None:
    """The headline in a page's ``<title>`` text. ``site_name`` is the name
    the page states, ``known_names`` the profile's."""
    stripped = without_suffix(title, suffixes)
    if stripped != title:
        return stripped
    named = without_site_name(title, (site_name, *known_names), url, shown_lines)
    if named != title or site_name:
        return named or None
    # A name the page does not give: a <title>'s last part is the site's.
    for separator in TITLE_SEPARATORS[:4]:
        head, _, _ = title.rpartition(separator)
        if head:
            return head
    return title or None
