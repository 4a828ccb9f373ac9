"""WARC files shaped like Common Crawl's CC-NEWS files, written from saved
pages: each response with its request and metadata records, one gzip
member per record, behind a warcinfo record."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass(frozen=True)
class Record:
    url: str
    body: bytes
    date: str = "2024-01-01T00:03:08Z"
    status: int = 200
    content_type: str = "text/html; charset=utf-8"


class CcNewsFile:
    """A CC-NEWS-shaped ``.warc.gz`` being written; ``offsets`` of each response by URL."""

    def __init__(self, path: Path):
        self.path = path
        self.stream = open(path, "wb")
        self.writer = WARCWriter(self.stream, gzip=True)
        self.offsets: dict[str, int] = {}
        info = self.writer.create_warcinfo_record(path.name, {"software": "StormCrawler", "isPartOf": "CC-NEWS"})
        self.writer.write_record(info)

    def add(self, record: Record) -> None:
        """A response with its request and metadata records, as a crawler writes them."""
        request = self.writer.create_warc_record(
            record.url, "request", payload=BytesIO(b""),
            http_headers=StatusAndHeaders(f"GET {record.url} HTTP/1.1", [("User-Agent", "CCBot/2.0")], is_http_request=True),
            warc_headers_dict={"WARC-Date": record.date})
        self.writer.write_record(request)
        self.add_response(record)
        metadata = self.writer.create_warc_record(record.url, "metadata", payload=BytesIO(b"fetchTimeMs: 120\r\n"),
                                                  warc_content_type="application/warc-fields",
                                                  warc_headers_dict={"WARC-Date": record.date})
        self.writer.write_record(metadata)

    def add_response(self, record: Record) -> None:
        """The response record alone."""
        self.offsets[record.url] = self.stream.tell()
        headers = StatusAndHeaders(f"{record.status} OK", [("Content-Type", record.content_type)], protocol="HTTP/1.1")
        response = self.writer.create_warc_record(record.url, "response", payload=BytesIO(record.body),
                                                  http_headers=headers, warc_headers_dict={"WARC-Date": record.date})
        self.writer.write_record(response)

    def add_cut(self, record: Record) -> int:
        """A response record cut short halfway (a download that stopped); its offset."""
        buffer = BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        headers = StatusAndHeaders(f"{record.status} OK", [("Content-Type", record.content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(record.url, "response", payload=BytesIO(record.body),
                                                      http_headers=headers, warc_headers_dict={"WARC-Date": record.date}))
        offset = self.stream.tell()
        data = buffer.getvalue()
        self.stream.write(data[: len(data) // 2])
        return offset

    def close(self) -> Path:
        self.stream.close()
        return self.path
