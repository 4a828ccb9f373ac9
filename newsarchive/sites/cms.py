"""A page's CMS family, from the signs the CMS leaves on every page.

A site without a profile is still most often a known CMS: its generator
meta tag, the paths of its assets and its id conventions say which, and
that family's rules (selectors, where the page states its id) then read
the page instead of the generic fallbacks alone. Each family's signs are
data here; a family is recognised by its generator tag, or by two signs of
its own.

Signs are looked for in the values of the page's elements (its addresses,
class names, ids, ``<link>`` elements, attribute names), not in its
markup as text: an inline script or an article about WordPress that
quotes ``/wp-content/`` is no sign, and a page's values are a fraction
of its bytes.
"""

from __future__ import annotations

import re
from enum import Enum

from lxml import etree

from newsarchive.sites.page import Page


class Cms(str, Enum):
    WORDPRESS = "wordpress"
    NEWS_STUDIO = "newsstudio"
    DRUPAL = "drupal"


class Where(Enum):
    """Which of a page's values a sign is looked for in, one value a line."""

    #: Every ``href``, ``src``, ``srcset``, ``data-src`` and meta tag's ``content``.
    ADDRESSES = "addresses"
    #: Every class name.
    CLASSES = "classes"
    #: Every ``id``.
    IDS = "ids"
    #: Each ``<link>``: a line ``REL HREF`` per word of its ``rel``.
    LINKS = "links"
    #: The names, of those the signs look for, of the attributes the page's elements carry.
    ATTRIBUTES = "attributes"


class Sign:
    """A mark a CMS leaves on its pages: a pattern matched against each
    line of one kind of the page's values, or of one of several kinds."""

    def __init__(self, *patterns: tuple[Where, str]):
        self.patterns = tuple((where, re.compile(pattern, re.MULTILINE)) for where, pattern in patterns)

    def on(self, values: dict[Where, str]) -> bool:
        return any(pattern.search(values[where]) is not None for where, pattern in self.patterns)


#: Each family: the generator tag's first word, and the signs of its markup.
SIGNS: dict[Cms, tuple[str, tuple[Sign, ...]]] = {
    Cms.WORDPRESS: ("wordpress", (
        Sign((Where.ADDRESSES, r"/wp-(?:content|includes)/")),
        Sign((Where.LINKS, r"^https://api\.w\.org/ ")),
        Sign((Where.LINKS, r"^shortlink \S*[?&]p=\d+")),
        Sign((Where.CLASSES, r"^postid-\d+$")),
        Sign((Where.IDS, r"^post-\d+$")),
        Sign((Where.CLASSES, r"^wp-(?:block|image|caption)")),
    )),
    Cms.NEWS_STUDIO: ("news studio", (
        Sign((Where.ADDRESSES, r"/client/themes/")),
        Sign((Where.IDS, r"^(?:docDiv3TitrMain|doctextarea|docDocID|docDataRow)$")),
        Sign((Where.ADDRESSES, r"/images/docs/\d{6}/")),
    )),
    Cms.DRUPAL: ("drupal", (
        Sign((Where.ADDRESSES, r"/sites/(?:default|all)/(?:files|themes|modules)/")),
        Sign((Where.ATTRIBUTES, r"^data-drupal-selector$")),
        Sign((Where.ATTRIBUTES, r"^data-history-node-id$"), (Where.LINKS, r"^shortlink \S*/node/\d+")),
    )),
}
#: Signs of a family other than its generator tag needed to name it.
SIGNS_NEEDED = 2

_ADDRESSES = etree.XPath("//@href | //@src | //@srcset | //@data-src | //meta/@content", smart_strings=False)
_IDS = etree.XPath("//@id", smart_strings=False)
#: The attribute names the signs look for (their patterns are whole names), asked for at once.
_ATTRIBUTES = etree.XPath(" | ".join(sorted({
    f"//@{pattern.pattern.strip('^$')}"
    for _, signs in SIGNS.values() for sign in signs for where, pattern in sign.patterns if where is Where.ATTRIBUTES
})))


def _values(page: Page) -> dict[Where, str]:
    root = page.root
    links = [f"{rel} {link.get('href') or ''}"
             for link in root.iter("link") for rel in (link.get("rel") or "").lower().split()]
    return {
        Where.ADDRESSES: "\n".join(_ADDRESSES(root)),
        Where.CLASSES: "\n".join(page.class_names),
        Where.IDS: "\n".join(_IDS(root)),
        Where.LINKS: "\n".join(links),
        Where.ATTRIBUTES: "\n".join({value.attrname for value in _ATTRIBUTES(root)}),
    }


def detect(page: Page) -> Cms | None:
    """The page's CMS family, or None when its signs do not say."""
    for meta in page.root.iter("meta"):
        if (meta.get("name") or "").strip().lower() != "generator":
            continue
        name = (meta.get("content") or "").strip().casefold()
        for cms, (tag, _) in SIGNS.items():
            if name.startswith(tag):
                return cms
    values = _values(page)
    found = [(sum(1 for sign in signs if sign.on(values)), cms) for cms, (_, signs) in SIGNS.items()]
    count, cms = max(found, key=lambda pair: pair[0])
    return cms if count >= SIGNS_NEEDED else None
