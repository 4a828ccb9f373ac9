"""Parser for the "News Studio" CMS family (Islam Times, AVA Press, ...).

The family's selectors, most specific first, over the extraction engine: a
field whose selectors find nothing falls back to the page's metadata, its
text patterns and its main text (see ``engine``).
"""

from __future__ import annotations

from newsarchive.sites.engine import Extraction, Parser, text_list, with_site_rules
from newsarchive.sites.page import PageRejected, looks_binary

__all__ = ["NewsStudioParser", "PageRejected", "looks_binary"]


def breadcrumb_section(parser: Parser, extraction: Extraction) -> str | None:
    """The breadcrumb's last link, when there is more than Home."""
    names = text_list(extraction.page, parser.section)
    return names[-1] if len(names) > 1 else None


class NewsStudioParser(Parser):
    container = ("#docDataRow", ".doc_content")
    kicker = ("#docDiv3TitrRou",)
    title = ("h1#docDiv3TitrMain", "#docDiv3TitrMain")
    lead = (
        "#docDivLead1 > #docDivLead3 > div",
        "#docDivLead1",
        "#docDivLead",
        "#docDivp3",
        ".lead-left",
        "#docDiv4LeadTitle",
    )
    published = ('meta[name="dcterms.created"]::attr(content)', "#docDiv3Date", ".doc_date")
    modified = ('meta[name="dcterms.modified"]::attr(content)',)
    body = ("#doctextarea", "#docContentdiv", "#doc_div33")
    story_code = ("#docDocID", "#docDiv5InfoCode")
    section = (".doc-section-info a",)
    tags = (".tags a", ".doc_tags1 a", ".tag_p a")
    authors = (".doc-author", ".doc_author", "#docDivAuthor")
    body_clutter = (
        ".share-buttons",
        ".url-clipboard-btn",
        ".sharelink",
        ".tabs-docs",
        ".comment-form",
        "#comments",
        "form",
    )
    sidebar = (".featured-stories", "#featured", ".related-news", ".related")

    field_rules = with_site_rules(Parser.field_rules, section=breadcrumb_section)
