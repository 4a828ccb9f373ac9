"""Parser for WordPress sites, which a large share of news outlets run.

Selectors of WordPress's standard theme markup (``hentry`` post classes,
``entry-title``, ``entry-content``, ``rel=tag`` links, Jetpack and YARPP
"Related posts" blocks) over the extraction engine.

Permalinks usually carry no numeric id (``/2024/05/14/some-slug/``), and a
slug can be edited after publication. The story code is the post ID the
page states — its ``rel=shortlink`` (``?p=ID``), its ``article#post-ID``,
its ``postid-ID`` body class, a JSON-LD ``@id`` with ``?p=ID`` — and a hash
of the URL only when the page states none, so that the same post under two
slugs is one story.
"""

from __future__ import annotations

import re

from newsarchive.sites.engine import Extraction, Parser, select, text_list, with_site_rules

POST_ID = re.compile(r"[?&]p=(\d+)(?:&|#|$)")
ARTICLE_ID = re.compile(r"^post-(\d+)$")
BODY_CLASS = re.compile(r"(?:^|\s)postid-(\d+)(?:\s|$)")


def post_id(parser: Parser, extraction: Extraction) -> str | None:
    """The post ID the page states."""
    page = extraction.page
    for href in select(page, "link[rel='shortlink']::attr(href)"):
        found = POST_ID.search(href)
        if found:
            return found.group(1)
    for value in select(page, "article[id^='post-']::attr(id)"):
        found = ARTICLE_ID.match(value.strip())
        if found:
            return found.group(1)
    for value in select(page, "body::attr(class)"):
        found = BODY_CLASS.search(value)
        if found:
            return found.group(1)
    for node in extraction.meta.json_ld_nodes:
        found = POST_ID.search(str(node.get("@id") or ""))
        if found:
            return found.group(1)
    return None


def first_category(parser: Parser, extraction: Extraction) -> str | None:
    """A post's first category."""
    names = text_list(extraction.page, parser.section)
    return names[0] if names else None


class WordPressParser(Parser):
    #: Discovery cannot know a post's ID from its URL: it asks the archive
    #: which story a URL led to before.
    story_code_from_page = True

    container = ("article.post", "article.hentry", "article[id^='post-']", ".hentry")
    title = ("article h1.entry-title", "h1.entry-title", ".entry-header h1", "h1.post-title")
    published = (
        "article time.entry-date.published::attr(datetime)",
        "time.entry-date.published::attr(datetime)",
        "time.published::attr(datetime)",
        "article time.entry-date::attr(datetime)",
    )
    modified = ("time.updated::attr(datetime)",)
    body = (".entry-content", ".post-content", ".td-post-content", "article .content")
    authors = (".entry-meta .author.vcard .fn", ".byline .author a", ".author.vcard a", "a[rel='author']")
    tags = (".tags-links a[rel~='tag']", ".post-tags a", "footer a[rel~='tag']")
    section = (".cat-links a[rel~='category']", ".post-categories a")
    body_clutter = (
        ".sharedaddy", ".jp-relatedposts", ".yarpp-related", ".related-posts", ".addtoany_share_save_container",
        ".wp-block-buttons", ".post-navigation", "#comments", ".comments-area", "form", "script", "style",
    )
    sidebar = (".jp-relatedposts", ".yarpp-related", ".related-posts", ".widget_recent_entries", ".wp-block-latest-posts")

    field_rules = with_site_rules(Parser.field_rules, story_code=post_id, section=first_category)
