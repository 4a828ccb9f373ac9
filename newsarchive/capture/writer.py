"""Write every response the crawl receives to WARC files, with warcio.

A request and a response record per exchange, each record its own gzip
member, after a ``warcinfo`` record naming the software and the run.
warcio builds the records; they are gzipped here at
``NEWSARCHIVE_WARC_GZIP_LEVEL``: 1 to 3 with ISA-L's igzip (python-isal;
level 1, the default, gzips a 60 KB page in under half of zlib's time
at level 1, to about the same size), 4 to 9 with zlib (9 writes files 2-9%
smaller, some twenty times slower — or run ``warcio recompress`` on
finished files), 0 uncompressed members. Files
are named by run and rotated by size:
``<spider>-<run start, UTC>-<host>-<pid>-<serial>.warc.gz`` under
``NEWSARCHIVE_WARC_DIR`` (default: ``warc/`` beside the archive). The
response's place (file, offset) and time go into ``request.meta[request_meta.CAPTURE]``
for the item's provenance.

The middleware sits close to the network (after the replay middleware,
before decompression and redirects), so the records hold what the server
sent. Replayed responses are not captured again.

Records are written as each response arrives, in the crawl's thread: a
writer thread cost more than the work it took over (60 KB pages: ~0.4 ms
of CPU a record; in a thread, ~25 GIL hand-overs a record and 0.5-1 ms
more CPU a page in all). A record that cannot be written is logged and
counted (``newsarchive/capture/failed``); the response goes on without a
capture.
"""

from __future__ import annotations

import io
import logging
import os
import re
import socket
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from isal import isal_zlib

from scrapy import signals
from scrapy.exceptions import NotConfigured
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import newsarchive
from newsarchive import config, request_meta

logger = logging.getLogger(__name__)

#: Headers that describe the transfer, not the payload as recorded.
HOP_BY_HOP = frozenset({b"transfer-encoding"})


def gzip_member(level: int) -> Callable[[bytes], bytes]:
    """A function that gzips bytes into one gzip member at ``level`` (0-9)."""
    if not 0 <= level <= 9:
        raise ValueError(f"gzip level must be 0 to 9, not {level}")
    # ISA-L's levels are 0 to 3; its 0 still compresses, zlib's stores.
    module = isal_zlib if 1 <= level <= isal_zlib.ISAL_BEST_COMPRESSION else zlib

    def compress(data: bytes) -> bytes:
        compressor = module.compressobj(level, module.DEFLATED, module.MAX_WBITS + 16)
        return compressor.compress(data) + compressor.flush()

    return compress


def warc_date(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _header_pairs(headers, drop=frozenset()) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        if name.lower() in drop:
            continue
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class _Serializer(WARCWriter):
    """warcio's record writer, without its gzip: records are gzipped one
    member each by :meth:`WarcCaptureMiddleware._write`, at our level."""

    def __init__(self):
        super().__init__(io.BytesIO(), gzip=False)

    def serialize(self, record) -> bytes:
        self.out = io.BytesIO()
        self.write_record(record)
        return self.out.getvalue()


@dataclass(frozen=True)
class Capture:
    """Where an exchange's response record is, and when it was fetched."""

    file: str
    offset: int
    date: str


class WarcCaptureMiddleware:
    def __init__(self, folder: Path, spider_name: str, max_size: int, run_info: dict, stats=None, gzip_level: int = 1):
        self.folder = folder
        self.max_size = max_size
        self.gzip = gzip_member(gzip_level)
        self.serializer = _Serializer()
        self.run_info = run_info
        self.stats = stats
        started = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        # The host keeps files of workers on several machines apart when gathered.
        host = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname().split(".")[0]) or "host"
        self.prefix = f"{spider_name}-{started}-{host}-{os.getpid()}"
        self.serial = 0
        self.file = None
        self.path: Path | None = None

    @classmethod
    def from_crawler(cls, crawler):
        warc = config.of(crawler).warc
        if warc is None:
            raise NotConfigured
        spider = crawler.spidercls
        middleware = cls(
            warc.folder,
            spider_name=spider.name,
            max_size=warc.max_size,
            run_info={"spider": spider.name, "site": getattr(getattr(spider, "site", None), "name", "")},
            stats=crawler.stats,
            gzip_level=warc.gzip_level,
        )
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider):
        self.run_info["fetch_origin"] = getattr(spider, "fetch_origin", "")
        site = getattr(spider, "site", None)  # a spider may choose its site from its arguments
        if site is not None:
            self.run_info["site"] = site.name

    # -- files ----------------------------------------------------------------

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.serial += 1
        self.path = self.folder / f"{self.prefix}-{self.serial:05d}.warc.gz"
        self.file = open(self.path, "xb")
        info = {
            "software": f"newsarchive/{newsarchive.__version__} (Scrapy, warcio)",
            "format": "WARC File Format 1.1",
            "run": self.prefix,
            **{k: v for k, v in self.run_info.items() if v},
        }
        self._write(self.serializer.create_warcinfo_record(self.path.name, info))
        self.file.flush()
        logger.info("Writing captures to %s", self.path)

    def _write(self, record) -> None:
        # One gzip member per record, as the WARC standard recommends.
        self.file.write(self.gzip(self.serializer.serialize(record)))

    def _close_file(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def _record(self, exchange: dict) -> tuple[str, int]:
        if self.file is None or self.file.tell() >= self.max_size:
            self._close_file()
            self._open()
        date = exchange["date"]
        request_record = self.serializer.create_warc_record(
            exchange["url"],
            "request",
            payload=io.BytesIO(exchange["request_body"]),
            http_headers=StatusAndHeaders(exchange["request_line"], exchange["request_headers"], is_http_request=True),
            warc_headers_dict={"WARC-Date": date},
        )
        response_warc_headers = {"WARC-Date": date}
        if exchange["ip"]:
            response_warc_headers["WARC-IP-Address"] = exchange["ip"]
        response_record = self.serializer.create_warc_record(
            exchange["response_url"],
            "response",
            payload=io.BytesIO(exchange["body"]),
            http_headers=StatusAndHeaders(exchange["status_line"], exchange["response_headers"],
                                          protocol=exchange["protocol"]),
            warc_headers_dict=response_warc_headers,
        )
        request_record.rec_headers.add_header(
            "WARC-Concurrent-To", response_record.rec_headers.get_header("WARC-Record-ID")
        )
        offset = self.file.tell()
        self._write(response_record)
        self._write(request_record)
        # A killed process then loses at most the record being written.
        self.file.flush()
        if self.stats is not None:
            self.stats.inc_value("newsarchive/capture/responses")
            self.stats.inc_value("newsarchive/capture/bytes", self.file.tell() - offset)
        return self.path.name, offset

    # -- the middleware -------------------------------------------------------

    def close(self, spider=None) -> None:
        self._close_file()

    def process_response(self, request, response):
        if "replay" in response.flags:
            return response
        date = warc_date(datetime.now(timezone.utc))
        parts = urlsplit(request.url)
        target = parts.path or "/"
        if parts.query:
            target += f"?{parts.query}"
        request_headers = _header_pairs(request.headers)
        if not any(name.lower() == "host" for name, _ in request_headers):
            request_headers.insert(0, ("Host", parts.netloc))
        protocol = response.protocol or "HTTP/1.1"
        exchange = {
            "date": date,
            "url": request.url,
            "request_line": f"{request.method} {target} {protocol}",
            "request_headers": request_headers,
            "request_body": request.body or b"",
            "response_url": response.url,
            "status_line": _status_line(response.status),
            "response_headers": _header_pairs(response.headers, HOP_BY_HOP),
            "protocol": protocol,
            "body": response.body,
            "ip": str(response.ip_address) if response.ip_address is not None else "",
        }
        try:
            name, offset = self._record(exchange)
        except Exception as exc:  # the page is still parsed and stored, without its capture
            if self.stats is not None:
                self.stats.inc_value("newsarchive/capture/failed")
            logger.error("Could not write a WARC record of %s: %r", response.url, exc)
        else:
            request.meta[request_meta.CAPTURE] = Capture(name, offset, date)
        return response
