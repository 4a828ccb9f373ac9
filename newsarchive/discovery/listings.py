"""Listing pages: where the next page is, and how old the stories on one are.

Functions of a response: the spider decides whether to go on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsarchive.sites.date_lines import is_date_line
from newsarchive.sites.text import VISIBLE_DATE, clean_ws

NEXT_TEXTS = frozenset(
    {"next", "next page", "next »", "»", "›", "older", "older posts", "more", "بعدی", "اگلا", "التالي"}
)
PAGE_NUMBER = re.compile(r"(?:[?&](?:page|p|pageno|pi)=|/page/)(\d+)", re.I)


def next_page_candidates(response, page: int) -> Iterator[str]:
    """Absolute URLs that may be the listing's page ``page + 1``, likeliest
    first: ``rel=next``, a "Next" (or "2") link, a URL with the next page number."""
    candidates = response.css('link[rel="next"]::attr(href), a[rel~="next"]::attr(href)').getall()
    for link in response.css("a[href]"):
        text = clean_ws(" ".join(link.css("::text").getall())).lower()
        if text in NEXT_TEXTS or text == str(page + 1):
            candidates.append(link.attrib["href"])
    for href in response.css("a::attr(href)").getall():
        number = PAGE_NUMBER.search(href)
        if number and int(number.group(1)) == page + 1:
            candidates.append(href)
    for href in candidates:
        url = response.urljoin(href.strip())
        if url != response.url:
            yield url


def listing_dates(response) -> list[str]:
    """The visible dates on a listing page: ``8 November 2022`` in a text,
    or a line that is a date in any edition's language and calendar."""
    found = []
    for text in response.css("body ::text").getall():
        english = [m.group(0) for m in VISIBLE_DATE.finditer(text)]
        if english:
            found += english
        elif not text.isascii() and is_date_line(text):
            found.append(clean_ws(text))
    return found
