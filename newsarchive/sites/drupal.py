"""Parser for Drupal sites (8 and later, with the core themes' markup).

A node's URL alias can change; its node id does not. The story code is the
id the page states — its ``rel=shortlink`` (``/node/ID``), its
``data-history-node-id`` — and the canonical URL's only when it states none.
"""

from __future__ import annotations

import re

from newsarchive.sites.engine import Extraction, Parser, select, with_site_rules

NODE_PATH = re.compile(r"/node/(\d+)(?:[/?#]|$)")


def node_id(parser: Parser, extraction: Extraction) -> str | None:
    """The node id the page states."""
    page = extraction.page
    for href in select(page, "link[rel='shortlink']::attr(href), link[rel='canonical']::attr(href)"):
        found = NODE_PATH.search(href)
        if found:
            return found.group(1)
    for value in select(page, "article[data-history-node-id]::attr(data-history-node-id)"):
        if value.strip().isdigit():
            return value.strip()
    return None


class DrupalParser(Parser):
    story_code_from_page = True

    container = ("article.node--type-article", "article.node", "article[data-history-node-id]")
    title = ("h1.page-title", "article.node h1", "h1.node__title", "h2.node__title")
    published = (
        "article.node .node__meta time::attr(datetime)",
        ".node__submitted time::attr(datetime)",
        ".field--name-created time::attr(datetime)",
    )
    body = (".node__content .field--name-body", ".field--name-body", ".node__content .field--type-text-with-summary")
    authors = (".node__meta .field--name-uid", ".node__submitted .username", "article.node .username")
    tags = (".field--name-field-tags a", ".field--name-tags a")
    section = (".field--name-field-category a", ".field--name-field-section a")
    body_clutter = (".links.inline", ".node__links", "#comments", ".comment-wrapper", "form", "script", "style")
    sidebar = (".view-related-content", ".block-views-blockrelated")

    field_rules = with_site_rules(Parser.field_rules, story_code=node_id)
