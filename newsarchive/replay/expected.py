"""What the archive should hold for a saved article page.

The expected item of a page is its parse through the site's parser and the
item-local pipelines (dates, sidebar): the stored row, less what depends on
the crawl (``fetched_at``, the URLs it was reached by). A page the parser
rejects is expected as ``{"dropped": reason}``.
"""

from __future__ import annotations

from itemadapter import ItemAdapter

from newsarchive.pipelines.dates import NormalizeDatesPipeline
from newsarchive.pipelines.sidebar import StripSidebarPipeline
from newsarchive.replay.pages import SavedPage
from newsarchive.sites.base import Site
from newsarchive.sites.page import PageRejected

#: Fields that depend on the crawl rather than on the page.
CRAWL_FIELDS = ("fetched_at", "aliases", "first_seen", "last_seen", "gone_at", "capture_file", "capture_offset")


def comparable(item_or_row: dict) -> dict:
    """A stored row or an item, without the crawl-dependent fields."""
    return {k: v for k, v in item_or_row.items() if k not in CRAWL_FIELDS}


def expected_item(site: Site, page: SavedPage) -> dict:
    try:
        item = site.parse(page.page(site.fallback_encodings))
    except PageRejected as rejected:
        return {"dropped": rejected.reason}
    for pipeline in (NormalizeDatesPipeline(), StripSidebarPipeline()):
        item = pipeline.process_item(item)
    return comparable(ItemAdapter(item).asdict())
