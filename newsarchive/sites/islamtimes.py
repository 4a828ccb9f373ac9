"""Islam Times (islamtimes.com, formerly islamtimes.org): a News Studio site.

URL forms and markup are described in the project README's "Sites" section.
The feed and archive paths follow the CMS family's conventions; override them
with ``-a start_urls=...`` when the live site differs.
"""

import re

from newsarchive.sites.base import Site
from newsarchive.sites.newsstudio import NewsStudioParser

_KINDS = "news|article|interview|video|karikator|gallery|report|note|photo"

ISLAM_TIMES = Site(
    name="islamtimes",
    canonical_origin="https://www.islamtimes.com",
    hosts=frozenset(
        {"islamtimes.com", "www.islamtimes.com", "islamtimes.org", "www.islamtimes.org"}
    ),
    timezone="Asia/Tehran",
    editions=("en", "ur", "fa", "ar", "fr", "es", "de", "ru", "ps", "id", "ha", "az", "tr"),
    default_edition="en",
    article_paths=(
        re.compile(rf"^/(?P<lang>[a-z]{{2}})/(?P<kind>{_KINDS})/(?P<id>\d+)(?:/(?P<rest>.*))?$"),
        re.compile(
            rf"^/(?P<lang>[a-z]{{2}})/(?P<old>doc)/(?P<kind>{_KINDS})/(?P<id>\d+)(?:/(?P<rest>.*))?$"
        ),
    ),
    feed_paths=("/{lang}/rss/allnews",),
    listing_paths=("/{lang}/archive",),
    title_suffixes=(" | Islam Times", " - Islam Times", " | اسلام ٹائمز"),
    lead_prefixes=("Islam Times - ", "Islam Times -", "اسلام ٹائمز - "),
    parser=NewsStudioParser,
    # The Persian, Arabic and Urdu editions of Iranian CMSs predate UTF-8.
    fallback_encodings=("windows-1256",),
    extra={"publisher_names": ("Islam Times", "اسلام ٹائمز")},
)
