"""A page's CMS family, from the signs the CMS leaves on every page.

A site without a profile is still most often a known CMS: its generator
meta tag, the paths of its assets and its id conventions say which, and
that family's rules (selectors, where the page states its id) then read
the page instead of the generic fallbacks alone. Each family's signs are
data here; a family is recognised by its generator tag, or by two signs of
its own.
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


#: Each family: the generator tag's first word, and patterns of its markup.
SIGNS: dict[Cms, tuple[str, tuple[re.Pattern, ...]]] = {
    Cms.WORDPRESS: ("wordpress", (
        re.compile(r"/wp-(?:content|includes)/"),
        re.compile(r"""rel=["']?https://api\.w\.org/"""),
        re.compile(r"""rel=["']shortlink["'][^>]*[?&]p=\d+"""),
        re.compile(r"""class=["'][^"']*\bpostid-\d+"""),
        re.compile(r"""<article[^>]+id=["']post-\d+["']"""),
        re.compile(r"""class=["'][^"']*\bwp-(?:block|image|caption)"""),
    )),
    Cms.NEWS_STUDIO: ("news studio", (
        re.compile(r"/client/themes/"),
        re.compile(r"""id=["'](?:docDiv3TitrMain|doctextarea|docDocID|docDataRow)["']"""),
        re.compile(r"/images/docs/\d{6}/"),
    )),
    Cms.DRUPAL: ("drupal", (
        re.compile(r"/sites/(?:default|all)/(?:files|themes|modules)/"),
        re.compile(r"""data-drupal-selector=|drupal-settings-json"""),
        re.compile(r"""data-history-node-id=|rel=["']shortlink["'][^>]*/node/\d+"""),
    )),
}
_GENERATOR = etree.XPath("//meta[translate(@name, 'GENERATOR', 'generator')='generator']/@content")
#: Signs of a family other than its generator tag needed to name it.
SIGNS_NEEDED = 2


def detect(page: Page) -> Cms | None:
    """The page's CMS family, or None when its signs do not say."""
    for generator in _GENERATOR(page.root):
        name = generator.strip().casefold()
        for cms, (tag, _) in SIGNS.items():
            if name.startswith(tag):
                return cms
    html = page.html
    found = [(sum(1 for pattern in patterns if pattern.search(html)), cms) for cms, (_, patterns) in SIGNS.items()]
    count, cms = max(found, key=lambda pair: pair[0])
    return cms if count >= SIGNS_NEEDED else None
