"""URLs taken apart: hosts, tracking parameters, ids, and the rule that
guesses a story's code from a URL of a site without URL rules of its own."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

from w3lib.url import safe_url_string

from newsarchive.sites.text import ascii_digits

#: Query parameters that only track where a click came from.
TRACKING_PARAMS = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|mc_cid|mc_eid|ref_src)$", re.I)

#: A story code longer than this is not an id but garbage.
MAX_STORY_CODE_DIGITS = 15

#: A numeric id in a URL path: 5 digits or more, not a date.
PATH_ID = re.compile(r"(?<![0-9])([0-9]{5,20})(?![0-9])")
DATE_LIKE = re.compile(r"(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")
NOT_ARTICLE_PATH = re.compile(
    r"/(tags?|topics?|category|categories|section|author|authors|search|page|login|register|account|"
    r"subscribe|newsletter|about|contact|privacy|terms|feed|rss|sitemap)(/|$)|\.(jpe?g|png|gif|webp|svg|pdf|"
    r"css|js|xml|json|mp3|mp4|zip|gz)$",
    re.I,
)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@lru_cache(maxsize=8192)
def host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def refused_asset(url: str, page_url: str) -> str | None:
    """Why a file a page shows (its image) is not fetched, or None: only
    http(s) on a named host, and never a private, loopback or link-local
    address the page itself was not served from (a page must not make the
    crawler read its machine's or network's own services)."""
    try:
        parts = urlsplit(url)
        name = (parts.hostname or "").lower()
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("http", "https") or not name:
        return f"not an http(s) address ({parts.scheme or 'no scheme'})"
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address = None
    internal = name == "localhost" or name.endswith(".localhost") or (address is not None and not address.is_global)
    if internal and name != host(page_url):
        return f"{name} is an address of the crawler's own network"
    return None


def domain_name(url: str) -> str:
    """The name a site's domain spells: ``islamtimes`` for www.islamtimes.com."""
    labels = host(url).split(".")
    while len(labels) > 2 and labels[0] in ("www", "m", "amp", "mobile", "en"):
        labels = labels[1:]
    return labels[0] if labels else ""


def same_site(a: str, b: str) -> bool:
    return host(a).removeprefix("www.") == host(b).removeprefix("www.")


def strip_tracking(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if not TRACKING_PARAMS.match(k)])


def normalize_story_code(raw: str | None) -> str | None:
    """Digits only, without leading zeros; None for anything else."""
    if raw is None:
        return None
    raw = ascii_digits(str(raw).strip())  # story codes printed in an edition's digits
    if not raw.isascii() or not raw.isdigit():
        return None
    code = raw.lstrip("0")
    if not code or len(code) > MAX_STORY_CODE_DIGITS:
        return None
    return code


@lru_cache(maxsize=8192)
def normalize_url(url: str) -> str:
    """Safe characters, a lowercase host, no tracking parameters, no fragment.

    Remembered: a page links most of its URLs more than once, and a story
    code is read from a URL already normalized."""
    parts = urlsplit(safe_url_string(url))
    query = strip_tracking(parts.query)
    path = parts.path or "/"
    return f"{parts.scheme}://{parts.netloc.lower()}{path}" + (f"?{query}" if query else "")


#: The story code :func:`url_story_code` gives a URL without an id.
URL_HASH = re.compile(r"^u[0-9a-f]{16}$")


def url_story_code(url: str) -> str:
    """The site's id when the URL carries one, else a stable hash of the URL."""
    path = urlsplit(url).path
    ids = [m.group(1) for m in PATH_ID.finditer(path) if not (len(m.group(1)) == 8 and DATE_LIKE.fullmatch(m.group(1)))]
    if ids:
        return ids[-1].lstrip("0") or "0"
    return "u" + hashlib.sha1(normalize_url(url).encode()).hexdigest()[:16]


def looks_like_article_url(url: str) -> bool:
    """A guess from the URL alone, for links found on listing pages."""
    path = urlsplit(url).path
    if not path or path == "/" or NOT_ARTICLE_PATH.search(path):
        return False
    segments = [s for s in path.split("/") if s]
    last = segments[-1] if segments else ""
    return bool(PATH_ID.search(path)) or last.count("-") >= 3 or (len(segments) >= 3 and len(last) > 12)


def generic_story_code(url: str, from_index: bool = False) -> str | None:
    """The story code of a URL of a site without URL rules, or None when the
    URL does not look like a story's (``from_index``: a feed or a sitemap
    listed it, so it is one whatever it looks like)."""
    if not from_index and not looks_like_article_url(url):
        return None
    return url_story_code(normalize_url(url))
