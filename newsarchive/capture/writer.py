"""Write every response the crawl receives to WARC files, with warcio.

A request and a response record per exchange, each record its own gzip
member, after a ``warcinfo`` record naming the software and the run. Files
are named by run and rotated by size:
``<spider>-<run start, UTC>-<pid>-<serial>.warc.gz`` under
``NEWSARCHIVE_WARC_DIR`` (default: ``warc/`` beside the archive). The
response's place (file, offset) and time go into ``request.meta["capture"]``
for the item's provenance.

The middleware sits close to the network (after the replay middleware,
before decompression and redirects), so the records hold what the server
sent. Replayed responses are not captured again.
"""

from __future__ import annotations

import io
import logging
import os
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import newsarchive

logger = logging.getLogger(__name__)

#: Headers that describe the transfer, not the payload as recorded.
HOP_BY_HOP = frozenset({b"transfer-encoding"})


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


class WarcCaptureMiddleware:
    def __init__(self, folder: Path, spider_name: str, max_size: int, run_info: dict, stats=None):
        self.folder = folder
        self.max_size = max_size
        self.run_info = run_info
        self.stats = stats
        started = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.prefix = f"{spider_name}-{started}-{os.getpid()}"
        self.serial = 0
        self.file = None
        self.writer: WARCWriter | None = None
        self.path: Path | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_WARC_ENABLED", True):
            raise NotConfigured
        folder = settings.get("NEWSARCHIVE_WARC_DIR") or Path(settings.get("NEWSARCHIVE_DB") or "archive.db").parent / "warc"
        spider = crawler.spidercls
        middleware = cls(
            Path(folder),
            spider_name=spider.name,
            max_size=settings.getint("NEWSARCHIVE_WARC_MAX_SIZE", 1_000_000_000),
            run_info={"spider": spider.name, "site": getattr(getattr(spider, "site", None), "name", "")},
            stats=crawler.stats,
        )
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider):
        self.run_info["fetch_origin"] = getattr(spider, "fetch_origin", "")

    # -- files --------------------------------------------------------------

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.serial += 1
        self.path = self.folder / f"{self.prefix}-{self.serial:05d}.warc.gz"
        self.file = open(self.path, "xb")
        self.writer = WARCWriter(self.file, gzip=True)
        info = {
            "software": f"newsarchive/{newsarchive.__version__} (Scrapy, warcio)",
            "format": "WARC File Format 1.1",
            "run": self.prefix,
            **{k: v for k, v in self.run_info.items() if v},
        }
        self.writer.write_record(self.writer.create_warcinfo_record(self.path.name, info))
        self.file.flush()
        logger.info("Writing captures to %s", self.path)

    def close(self, spider=None) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    # -- records ------------------------------------------------------------

    def process_response(self, request, response):
        if "replay" in response.flags:
            return response
        if self.file is None or self.file.tell() >= self.max_size:
            self.close()
            self._open()
        moment = datetime.now(timezone.utc)
        date = warc_date(moment)
        parts = urlsplit(request.url)
        target = parts.path or "/"
        if parts.query:
            target += f"?{parts.query}"
        request_headers = _header_pairs(request.headers)
        if not any(name.lower() == "host" for name, _ in request_headers):
            request_headers.insert(0, ("Host", parts.netloc))
        protocol = response.protocol or "HTTP/1.1"
        request_record = self.writer.create_warc_record(
            request.url,
            "request",
            payload=io.BytesIO(request.body or b""),
            http_headers=StatusAndHeaders(f"{request.method} {target} {protocol}", request_headers,
                                          is_http_request=True),
            warc_headers_dict={"WARC-Date": date},
        )
        response_warc_headers = {"WARC-Date": date}
        if response.ip_address is not None:
            response_warc_headers["WARC-IP-Address"] = str(response.ip_address)
        response_record = self.writer.create_warc_record(
            response.url,
            "response",
            payload=io.BytesIO(response.body),
            http_headers=StatusAndHeaders(
                _status_line(response.status), _header_pairs(response.headers, HOP_BY_HOP), protocol=protocol
            ),
            warc_headers_dict=response_warc_headers,
        )
        request_record.rec_headers.add_header(
            "WARC-Concurrent-To", response_record.rec_headers.get_header("WARC-Record-ID")
        )
        offset = self.file.tell()
        self.writer.write_record(response_record)
        self.writer.write_record(request_record)
        # A killed process then loses at most the record being written.
        self.file.flush()
        request.meta["capture"] = {"file": self.path.name, "offset": offset, "date": date}
        if self.stats is not None:
            self.stats.inc_value("newsarchive/capture/responses")
            self.stats.inc_value("newsarchive/capture/bytes", self.file.tell() - offset)
        return response
