"""A fetched page to a finished article: the one extractor.

:func:`extract` decodes the page, parses it with the site's parser
(``sites/``: the site's rules, then the page's metadata, then its text),
cleans its body once (the sidebar rules), reads its dates in the site's zone and
calendar (``dates``) and keeps which source gave each field. The spider,
``reparse``, the fixtures' expected items, the benchmarks and any outside
caller use it and nothing else, so each gets the same item from the same
page. It knows nothing of Scrapy: what happened on the way comes back as
counts, which a crawl adds to its stats.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from newsarchive.extraction.dates import normalize_dates, zone
from newsarchive.items import ArticleItem, DropReason
from newsarchive.sites.base import Site
from newsarchive.sites.engine import FIELDS
from newsarchive.sites.fields import CMS
from newsarchive.sites.links import MALFORMED
from newsarchive.sites.page import Page, PageRejected

__all__ = ["Extracted", "Fetched", "Rejection", "extract", "extract_page"]

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class Fetched:
    """What a server sent for a page, status line aside."""

    #: The page's URL on the site (a mirror's URL mapped back to the site's).
    url: str
    #: Response headers: a dict, Scrapy's ``Headers`` or (name, value) pairs.
    headers: Any
    body: bytes
    #: When it was fetched (ISO 8601, UTC): the page is read by the rules valid
    #: then (a profile's dated rule sets); None: today's.
    fetched_at: str | None = None


@dataclass(frozen=True)
class Rejection:
    """A page that does not become an article, and why."""

    reason: str
    detail: str = ""


@dataclass
class Extracted:
    item: ArticleItem
    #: What happened on the way: ``fields/<field>/<source>``,
    #: ``dates/<what>``, ``sidebar/removed/<rule>``, ``encoding/repaired``.
    counts: Counter
    #: The encoding the body was read with, when it was not the one declared.
    repaired_encoding: str | None = None

    @property
    def sources(self) -> dict[str, str]:
        """Each field's source (``none``: no source had it), and the CMS
        family whose rules read a page without a profile."""
        return recorded_sources(self.item)


def recorded_sources(item: ArticleItem) -> dict[str, str]:
    """Each field's source (``none``: no source had it), and the item's CMS family if any."""
    sources = {field: item.field_sources.get(field, "none") for field in FIELDS}
    if CMS in item.field_sources:
        sources[CMS] = item.field_sources[CMS]
    return sources


def extract(site: Site, fetched: Fetched) -> Extracted | Rejection:
    """The finished article of a fetched page, read by the site's rules
    valid when it was fetched, or why there is none. Never raises for a
    page: a bug on the way is logged with its traceback and rejects the
    page (``parser_error``)."""
    site = site.rules_at(fetched.fetched_at)
    try:
        page = Page.from_http(fetched.url, fetched.headers, fetched.body, site.fallback_encodings)
    except PageRejected as rejected:
        return Rejection(rejected.reason, rejected.detail)
    except Exception as exc:  # a bug must not stop the caller, nor go unrecorded
        return _failed(fetched.url, exc)
    return extract_page(site, page)


def extract_page(site: Site, page: Page) -> Extracted | Rejection:
    """:func:`extract` of a page already decoded."""
    try:
        removed: Counter = Counter()
        counts: Counter = Counter()
        item = site.parse(page, removed, counts)
        if counts[MALFORMED]:
            logger.info("Skipped %d links of %s whose href is not a URL", counts[MALFORMED], item.url)
        for rule, lines in removed.items():
            counts[f"sidebar/removed/{rule}"] += lines
        if removed:
            logger.debug("Removed %s from the body of %s", dict(removed), item.url)
        if page.repaired_encoding:
            counts["encoding/repaired"] += 1
        for field, source in recorded_sources(item).items():
            counts[f"fields/{field}/{source}"] += 1
        normalize_dates(item, zone(site.timezone) if site.timezone else None, counts)
    except PageRejected as rejected:
        return Rejection(rejected.reason, rejected.detail)
    except Exception as exc:  # a bug must not stop the caller, nor go unrecorded
        return _failed(page.url, exc)
    return Extracted(item, counts, page.repaired_encoding)


def _failed(url: str, exc: Exception) -> Rejection:
    logger.error("Extraction failed on %s", url, exc_info=exc)
    return Rejection(DropReason.PARSER_ERROR, f"{type(exc).__name__}: {exc}")

