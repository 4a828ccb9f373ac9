"""Which archived story a page is, for sites whose pages state their story
code (no URL rules, or a CMS's post ids): every entry point that stores
pages — the crawl, reparse — asks the same question the same way."""

from __future__ import annotations

from collections.abc import Callable

from newsarchive.items import ArticleItem
from newsarchive.sites.urls import URL_HASH


def archived_code(item: ArticleItem, story_for_url: Callable[[str], str | None]) -> str | None:
    """The code of the story the archive holds for one of the URLs that led
    to this page, when the page's own code should yield to it: a code read
    from a URL (an edited slug's canonical URL, say) yields to the
    archive's, and so does a stated id to a story first archived by its
    URL's hash. None when the page's code stands."""
    for url in (item.url, *(item.aliases or ())):
        known = story_for_url(url)
        if not known or known == item.story_code:
            continue
        if item.field_sources.get("story_code") == "url" or URL_HASH.match(known):
            return known
        return None
    return None
