"""Parser for the "News Studio" CMS family (Islam Times, AVA Press, ...).

The family's selectors, most specific first, over the extraction engine: a
field whose selectors find nothing falls back to the page's metadata, its
text patterns and its main text (see ``engine``).
"""

from __future__ import annotations

from newsarchive.sites.engine import Extraction, Parser, text_list
from newsarchive.sites.page import PageRejected, looks_binary

__all__ = ["NewsStudioParser", "PageRejected", "looks_binary"]


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

    def site_section(self, x: Extraction) -> str | None:
        names = text_list(x.page, self.section)
        return names[-1] if len(names) > 1 else None  # the first is Home
