"""A story's headline out of what the page calls it: the site's name and
the suffixes its ``<title>`` adds taken off."""

from __future__ import annotations

from collections.abc import Iterable

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


def without_site_name(title: str, site_name: str | None, url: str) -> str:
    """A headline without the site's name and what follows it
    (``Headline | Site``, ``Headline - Site - 28.04.2023``), whatever the
    source: metadata repeats the ``<title>``'s suffixes too. The site's name
    is the one its pages give (``site_name``), or its domain's (``Islam
    Times`` on islamtimes.com)."""
    names = {name_key(site_name or ""), name_key(domain_name(url))} - {""}
    for separator in TITLE_SEPARATORS:
        parts = title.split(separator)
        for index, part in enumerate(parts[1:], 1):
            if name_key(part) in names:
                return separator.join(parts[:index]).strip() or title
    return title


def headline_of_title_tag(title: str, suffixes: Iterable[str], site_name: str | None, url: str) -> str | None:
    """The headline in a page's ``<title>`` text."""
    stripped = without_suffix(title, suffixes)
    if stripped != title:
        return stripped
    named = without_site_name(title, site_name, url)
    if named != title or site_name:
        return named or None
    # A name the page does not give: a <title>'s last part is the site's.
    for separator in TITLE_SEPARATORS[:4]:
        head, _, _ = title.rpartition(separator)
        if head:
            return head
    return title or None
