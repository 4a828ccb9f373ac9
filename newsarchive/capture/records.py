"""The HTML responses of a WARC file someone else wrote (a CC-NEWS file,
another crawler's), read fast.

Common Crawl's files hold tens of thousands of records, most of them of
hosts nobody asked for, requests and metadata: FastWARC reads them several
times faster than warcio, and a record whose URL is not wanted is skipped
without reading its body. Every record left out is counted by reason. A
record cut short or a corrupt gzip member ends the file: what came before
it is kept, and :class:`RecordCut` names the offset.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecordType

from newsarchive.capture.reader import ENCODING_HEADERS

#: Content types of pages a parser reads (a record that names none is read too: the page decides).
HTML_TYPES = ("text/html", "application/xhtml+xml")


class Skip(StrEnum):
    """Why a record of a WARC file was not imported."""

    #: A request, metadata, warcinfo or revisit record.
    NOT_RESPONSE = "not_response"
    #: A response for a host no profile (or ``--site``) names.
    OTHER_HOST = "other_host"
    #: A response of another protocol (``dns:``, ``ftp:``): no page.
    NOT_HTTP = "not_http"
    #: A status other than 200 (a redirect, an error).
    NOT_OK = "not_200"
    #: A response that is not a page (an image, a feed, JSON).
    NOT_HTML = "not_html"


class StreamBroken(OSError):
    """The file's bytes stopped coming (a download cut by the network): not
    the file's fault, so it is not taken for read; a rerun reads it again."""


class RecordCut(Exception):
    """A record cut short or a corrupt member: the file ends here."""

    def __init__(self, offset: int, detail: str, after: bool = False):
        super().__init__(f"{'after the record at' if after else 'at'} offset {offset}: {detail}")
        self.offset = offset
        self.detail = detail


@dataclass(frozen=True)
class Response:
    """An HTML response of a WARC file: all a parser needs, and where it is."""

    url: str
    #: The record's WARC-Date, ISO 8601 in UTC (``2024-01-01T00:03:08Z``).
    date: str
    #: The record's offset in the file as stored (of its gzip member).
    offset: int
    headers: list[tuple[str, str]]
    body: bytes


def _iso(record) -> str:
    date = record.record_date
    if date is None:
        return record.headers.get("WARC-Date") or ""
    return date.strftime("%Y-%m-%dT%H:%M:%SZ")


def responses(stream: BinaryIO, wanted: Callable[[str], bool], skipped: Counter) -> Iterator[Response]:
    """The status-200 HTML responses in ``stream`` whose URL is ``wanted``,
    in file order; every other record counted in ``skipped`` by
    :class:`Skip`. Raises :class:`RecordCut` where the file is cut short or
    corrupt, after yielding what came before."""
    last = 0
    records = iter(ArchiveIterator(stream, record_types=WarcRecordType.any_type, parse_http=True,
                                   auto_decode="all"))
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except StreamBroken:
            raise
        except Exception as exc:  # FastWARC raises OSError and others on a corrupt member
            raise RecordCut(last, f"{type(exc).__name__}: {exc}", after=True) from None
        last = record.stream_pos
        if record.record_type != WarcRecordType.response:
            skipped[Skip.NOT_RESPONSE] += 1
            continue
        url = record.headers.get("WARC-Target-URI") or ""
        if not url.startswith(("http://", "https://")):
            skipped[Skip.NOT_HTTP] += 1
            continue
        if not wanted(url):
            skipped[Skip.OTHER_HOST] += 1
            continue
        if record.http_headers is None:
            raise RecordCut(last, "the record's HTTP headers are cut short")
        if record.http_headers.status_code != 200:
            skipped[Skip.NOT_OK] += 1
            continue
        content_type = (record.http_content_type or "").lower()
        if content_type and not content_type.startswith(HTML_TYPES):
            skipped[Skip.NOT_HTML] += 1
            continue
        try:
            body = record.reader.read()
        except StreamBroken:
            raise
        except Exception as exc:
            raise RecordCut(last, f"{type(exc).__name__}: {exc}") from None
        if len(body) < record.content_length:
            raise RecordCut(last, f"the body holds {len(body)} of {record.content_length} bytes")
        headers = [(name, value) for name, value in record.http_headers.items() if name.lower() not in ENCODING_HEADERS]
        yield Response(url, _iso(record), last, headers, body)
