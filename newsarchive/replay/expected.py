"""What the archive should hold for a saved article page.

The expected item of a page is what ``extraction`` makes of it: the stored
row, less what depends on the crawl (``fetched_at``, the URLs it was
reached by). A page it rejects is expected as ``{"dropped": reason}``.
"""

from __future__ import annotations

from itemadapter import ItemAdapter

from newsarchive.extraction import Fetched, Rejection, extract
from newsarchive.replay.pages import SavedPage
from newsarchive.sites.base import Site

#: Fields that depend on the crawl rather than on the page.
CRAWL_FIELDS = ("fetched_at", "aliases", "first_seen", "last_seen", "gone_at", "source", "capture_file", "capture_offset")


def comparable(item_or_row: dict) -> dict:
    """A stored row or an item, without the crawl-dependent fields."""
    return {k: v for k, v in item_or_row.items() if k not in CRAWL_FIELDS}


def expected_item(site: Site, page: SavedPage) -> dict:
    extracted = extract(site, Fetched(page.url, page.response_headers(), page.body()))
    if isinstance(extracted, Rejection):
        return {"dropped": extracted.reason}
    return comparable(ItemAdapter(extracted.item).asdict())
