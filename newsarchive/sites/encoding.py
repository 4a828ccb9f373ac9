"""Pages whose declared encoding is wrong or missing.

Browsers and Scrapy trust, in order, a byte-order mark, the Content-Type
charset, the page's ``<meta charset>``, then guess. A server that says UTF-8
but sends windows-1256, or says nothing and sends windows-1256 (which a
guess reads as windows-1252), would give replacement characters or mojibake.
:func:`decode_html` checks the encoding against the bytes and picks one that
decodes them strictly: the BOM, the page's own declaration, UTF-8, then the
site's fallbacks.
"""

from __future__ import annotations

import codecs

from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)


def _decodes(body: bytes, encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        codecs.lookup(encoding)
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _guess(body: bytes) -> str | None:
    for encoding in ("ascii", "utf-8"):
        if _decodes(body, encoding):
            return encoding
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - Scrapy depends on it
        return None
    match = from_bytes(body).best()
    return resolve_encoding(match.encoding) if match else None


def decode_html(body: bytes, content_type: str = "", fallbacks: tuple[str, ...] = ()) -> tuple[str, str | None]:
    """The page's text, and the encoding it was read with when that is not
    the one the server or the page declared (``None`` otherwise)."""
    if not body:
        return "", None
    used, text = html_to_unicode(content_type, body, default_encoding="utf-8", auto_detect_fun=_guess)
    bom, _ = read_bom(body)
    if bom:
        return text, None  # a BOM is unambiguous
    declared = http_content_type_encoding(content_type)
    in_page = html_body_declared_encoding(body)
    current = resolve_encoding(used) or used
    if (declared or in_page) and _decodes(body, current):
        return text, None
    if not declared and not in_page and _decodes(body, "utf-8"):
        return (text if current in ("utf-8", "ascii") else body.decode("utf-8")), None
    for candidate in (in_page, "utf-8", *fallbacks):
        candidate = resolve_encoding(candidate) if candidate else None
        if candidate and candidate != current and _decodes(body, candidate):
            return body.decode(candidate), candidate
    return text, None
