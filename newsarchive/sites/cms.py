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


class Sign:
    """A mark a CMS leaves in a page's markup: a pattern, searched for only
    in pages that hold one of its literal parts (a regex scan of the whole
    page per pattern costs more than the rest of the page's parse; a
    substring test costs little)."""

    def __init__(self, needles: tuple[str, ...], pattern: str):
        self.needles = needles
        self.pattern = re.compile(pattern)

    def on(self, html: str) -> bool:
        return any(needle in html for needle in self.needles) and self.pattern.search(html) is not None


#: Each family: the generator tag's first word, and the signs of its markup.
SIGNS: dict[Cms, tuple[str, tuple[Sign, ...]]] = {
    Cms.WORDPRESS: ("wordpress", (
        Sign(("/wp-content/", "/wp-includes/"), r"/wp-(?:content|includes)/"),
        Sign(("api.w.org",), r"""rel=["']?https://api\.w\.org/"""),
        Sign(("shortlink",), r"""rel=["']shortlink["'][^>]*[?&]p=\d+"""),
        Sign(("postid-",), r"""class=["'][^"'<>]*\bpostid-\d+"""),
        Sign(('"post-', "'post-"), r"""<article[^>]+id=["']post-\d+["']"""),
        Sign(("wp-",), r"""class=["'][^"'<>]*\bwp-(?:block|image|caption)"""),
    )),
    Cms.NEWS_STUDIO: ("news studio", (
        Sign(("/client/themes/",), r"/client/themes/"),
        Sign(('id="doc', "id='doc"), r"""id=["'](?:docDiv3TitrMain|doctextarea|docDocID|docDataRow)["']"""),
        Sign(("/images/docs/",), r"/images/docs/\d{6}/"),
    )),
    Cms.DRUPAL: ("drupal", (
        Sign(("/sites/default/", "/sites/all/"), r"/sites/(?:default|all)/(?:files|themes|modules)/"),
        Sign(("data-drupal-selector", "drupal-settings-json"), r"""data-drupal-selector=|drupal-settings-json"""),
        Sign(("data-history-node-id", "/node/"), r"""data-history-node-id=|rel=["']shortlink["'][^>]*/node/\d+"""),
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
    found = [(sum(1 for sign in signs if sign.on(html)), cms) for cms, (_, signs) in SIGNS.items()]
    count, cms = max(found, key=lambda pair: pair[0])
    return cms if count >= SIGNS_NEEDED else None
