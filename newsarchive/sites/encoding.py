"""Pages whose declared encoding is wrong or missing.

Scrapy trusts, in order, a byte-order mark, the Content-Type charset, the
page's ``<meta charset>``, then guesses. A server that says UTF-8 but sends
windows-1256, or says nothing and sends windows-1256 (which a guess reads as
windows-1252), would give replacement characters or mojibake. Before
parsing, the spider checks the encoding against the bytes and picks one that
decodes them strictly: the BOM, the page's own declaration, UTF-8, then the
site's fallbacks.
"""

from __future__ import annotations

import codecs

from scrapy.http import TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding


def _decodes(body: bytes, encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        codecs.lookup(encoding)
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def repair_encoding(response, fallbacks: tuple[str, ...] = ()):
    """The response, re-decoded when its encoding does not fit its bytes.
    Returns ``(response, repaired_encoding_or_None)``."""
    if not isinstance(response, TextResponse) or not response.body:
        return response, None
    body = response.body
    bom, _ = read_bom(body)
    if bom:
        return response, None  # a BOM is unambiguous, and Scrapy honours it
    declared = http_content_type_encoding(response.headers.get("Content-Type", b"").decode("latin-1"))
    in_page = html_body_declared_encoding(body)
    current = resolve_encoding(response.encoding) or response.encoding
    if (declared or in_page) and _decodes(body, current):
        return response, None
    if not declared and not in_page and _decodes(body, "utf-8"):
        return response, None
    for candidate in (in_page, "utf-8", *fallbacks):
        candidate = resolve_encoding(candidate) if candidate else None
        if candidate and candidate != current and _decodes(body, candidate):
            return response.replace(encoding=candidate), candidate
    return response, None
