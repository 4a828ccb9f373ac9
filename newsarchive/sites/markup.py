"""The page's markup as main-text extraction should see it.

Main-text extractors choose one container for the article and read a table
as data. Two common layouts defeat that: pages laid out with tables, and
bodies cut into several containers by ads and teaser boxes. Both are undone
here, on a copy of the page, before extraction, and what holds no article's
text (menus, footers, forms, media) is left out of that copy.
"""

from __future__ import annotations

import copy

from lxml import etree

from newsarchive.sites.text import clean_ws, is_prose

#: Elements that make a table cell hold a page's layout rather than data.
_BLOCK_IN_CELL = etree.XPath(
    "(.//td|.//th)[.//div or .//p or .//table or .//ul or .//h1 or .//h2 or .//h3 or .//br/following-sibling::*[1][self::br]]"
)
_TABLE_PARTS = ("table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption")
_CONTAINERS = ("div", "section", "article")
#: Elements no article's text is in: the page's chrome (navigation, page
#: footers, menus, forms' controls), images and embedded media, and the
#: elements of its metadata. trafilatura drops them too, but only after
#: its passes over the raw tree have walked and copied them (a third of a
#: page's elements, often).
NEVER_ARTICLE_TEXT = (
    "nav", "footer", "menu", "button", "select", "option", "input", "textarea", "label",
    "iframe", "video", "audio", "canvas", "object", "embed", "picture", "source", "map",
    "meta", "link", "img",
)
#: The one kind of script main-text extraction reads (its last resort, the page's ``articleBody``).
_READ_SCRIPT = "application/ld+json"
#: A container whose text is mostly link text is a teaser or a menu, not a body part.
MAX_LINK_SHARE = 0.3


def _layout_tables(root) -> list:
    return [table for table in root.iter("table") if _BLOCK_IN_CELL(table)]


_PARAGRAPHS_OUTSIDE_LINKS = etree.XPath(".//p[not(ancestor::a)]")


def _has_prose_paragraph(container) -> bool:
    """The container holds a prose paragraph that is not link text."""
    return any(is_prose(clean_ws(" ".join(p.itertext()))) for p in _PARAGRAPHS_OUTSIDE_LINKS(container))


def _link_share(container) -> float:
    text = len(clean_ws(" ".join(container.itertext())))
    links = sum(len(clean_ws(" ".join(a.itertext()))) for a in container.iter("a"))
    return links / text if text else 1.0


def _body_part(element) -> bool:
    return _has_prose_paragraph(element) and _link_share(element) <= MAX_LINK_SHARE


def _classed_containers(root) -> dict[tuple, list]:
    """The page's containers with a class, grouped by parent, tag and class
    (in document order): a group of two or more is the candidate parts of
    a cut body."""
    found: dict[tuple, list] = {}
    for element in root.iter(*_CONTAINERS):
        kind = (element.get("class") or "").strip()
        if kind:
            found.setdefault((element.getparent(), element.tag, kind), []).append(element)
    return found


def split_bodies(root) -> list[list]:
    """Groups of sibling containers that are one body cut into parts: the
    same tag and class, two or more of them holding prose paragraphs, with
    other blocks (ads, teasers) between them."""
    groups = []
    for members in _classed_containers(root).values():
        if len(members) < 2:
            continue
        parts = [m for m in members if _body_part(m)]
        if len(parts) >= 2 and _separated(parts):
            groups.append(parts)
    return groups


def _separated(parts: list) -> bool:
    """Parts with something between them: next to each other they are
    blocks one container already holds (paragraph wrappers, cards)."""
    parent = parts[0].getparent()
    positions = [parent.index(part) for part in parts]
    return any(b - a > 1 for a, b in zip(positions, positions[1:]))


def main_text_markup(root):
    """A copy of the page's tree as main-text extraction should read it:
    layout tables turned into plain blocks, a body's parts joined into its
    first container, and without the elements no article's text is in
    (:data:`NEVER_ARTICLE_TEXT`).

    Older sites lay pages out with tables: the article is a cell among
    menus and sidebars, its paragraphs separated by ``<br><br>``; a table
    whose cells hold blocks (paragraphs, divs, lists, headings, other
    tables, blank lines) is layout, never data. Newer ones cut the body
    into containers of the same class with ads and "read also" boxes
    between them; an extractor keeps only the first.
    """
    tree = copy.deepcopy(root)
    etree.strip_elements(tree, *NEVER_ARTICLE_TEXT, with_tail=False)
    for script in [s for s in tree.iter("script") if s.get("type") != _READ_SCRIPT]:
        script.drop_tree()
    # Both found on the copy (smaller than the page) before either changes it.
    tables, groups = _layout_tables(tree), split_bodies(tree)
    for table in tables:
        for element in table.iter(*_TABLE_PARTS):
            element.tag = "div"
    for parts in groups:
        first, *rest = parts
        for part in rest:
            if part.getparent() is None:
                continue
            first.extend(list(part))
            part.getparent().remove(part)
    return tree
