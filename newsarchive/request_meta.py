"""The keys newsarchive's components keep in ``Request.meta``, and readers
for them: the spider, WARC capture and the shared crawl pass these along
with each request, so they are written down once, here.
"""

from __future__ import annotations

from typing import Any

#: The story code discovery found a story request by (not set on other pages).
STORY_CODE = "story_code"
#: The site URL discovery met the page by (before redirects, mirrors mapped back).
FOUND_URL = "found_url"
#: Where the response was captured: a :class:`~newsarchive.capture.writer.Capture`.
CAPTURE = "capture"
#: Which page of a listing a request fetches (1: its first).
LISTING_PAGE = "listing_page"
#: A shared crawl's id of the work a request was handed out as.
WORK = "newsarchive_work"
#: The work whose page asked for the request (a shared crawl settles it once all it asked is queued).
PARENT = "newsarchive_parent"
#: A request to a web archive (its index or a capture): paced and paused as the archive asks.
WEB_ARCHIVE = "newsarchive_web_archive"
#: A request for a file a story shows: (site, story code, the file's URL).
ASSET = "newsarchive_asset"
#: The stats counter of responses to such requests (they are not pages).
ASSET_RESPONSES = "newsarchive/assets/responses"


def story_request_meta(story_code: str, found_url: str) -> dict[str, str]:
    """The meta of a request for a story met at ``found_url``."""
    return {STORY_CODE: story_code, FOUND_URL: found_url}


def story_code(meta: dict) -> str | None:
    return meta.get(STORY_CODE)


def found_url(meta: dict) -> str | None:
    return meta.get(FOUND_URL)


def capture(meta: dict) -> Any:
    return meta.get(CAPTURE)


def listing_page(meta: dict) -> int:
    return meta.get(LISTING_PAGE, 1)


def work(meta: dict) -> str:
    return meta.get(WORK, "")
