"""Where a site's past is: the captures web archives hold of its stories,
listed through their CDX indexes.

Two indexes, one form of answer each:

- the Wayback Machine's CDX server: per edition path, a JSON table of
  captures (``fl`` fields, a header row first) that ends, when more are
  left, with an empty row and a resume key for the next request;
- Common Crawl's index of its main crawls (``collinfo.json`` lists one CDX
  API per crawl; CC-NEWS is not indexed: ``import-warc`` reads it): per
  crawl and path, JSON lines with each record's WARC file, offset and
  length, in pages (``showNumPages`` first).

A capture is kept when its URL gives a story code by the site's rules (all
URL variants and hosts of the profile), so captures group by story. A
capture's bytes are then fetched as the Wayback's raw ``id_`` form, or as
one record of a Common Crawl WARC file by byte range, never the whole
file. Nothing here does I/O: the backfill spider asks and reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from newsarchive.items import CaptureSource
from newsarchive.sites import Site

#: Captures asked of the Wayback Machine per request.
WAYBACK_PAGE = 1000
#: The fields a Wayback listing asks for, in order.
WAYBACK_FIELDS = ("timestamp", "original", "statuscode", "mimetype")


@dataclass(frozen=True)
class ArchivedCapture:
    """A capture of a story a web archive holds."""

    source: CaptureSource
    #: The URL as it was captured, and the capture's time (``YYYYMMDDhhmmss``).
    url: str
    timestamp: str
    story_code: str
    #: Common Crawl: the record's place in its WARC file.
    filename: str | None = None
    offset: int | None = None
    length: int | None = None

    @property
    def seen(self) -> str:
        """The capture's time as the archive dates a copy: ISO 8601, UTC."""
        t = self.timestamp.ljust(14, "0")
        return f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"

    @property
    def year(self) -> str:
        return self.timestamp[:4]

    def address(self, wayback_url: str, cc_data_url: str) -> str:
        """Where the capture's bytes are: the Wayback's raw form of it, or
        the Common Crawl WARC file that holds its record."""
        if self.source == CaptureSource.WAYBACK:
            return f"{wayback_url.rstrip('/')}/{self.timestamp}id_/{self.url}"
        return f"{cc_data_url.rstrip('/')}/{self.filename}"

    @property
    def byte_range(self) -> str | None:
        """A Common Crawl record's bytes (``Range`` header), one record only."""
        if self.offset is None or self.length is None:
            return None
        return f"bytes={self.offset}-{self.offset + self.length - 1}"


def timestamp_bound(day: str | None, end: bool = False) -> str | None:
    """``YYYY[MM[DD]]`` (dashes allowed) as a CDX timestamp bound; the end
    of that period when ``end``."""
    if not day:
        return None
    digits = day.replace("-", "")
    if not digits.isdigit() or len(digits) not in (4, 6, 8):
        raise ValueError(f"{day!r} is not a date as YYYY, YYYYMM or YYYYMMDD")
    return digits.ljust(14, "9") if end else digits


def path_prefixes(site: Site, editions: tuple[str, ...]) -> list[str]:
    """What to list: each host of the site (``www.`` folded: the indexes
    fold it too) under each edition's path."""
    hosts = sorted({h.removeprefix("www.") for h in site.hosts})
    paths = [f"{edition}/" if edition else "" for edition in editions] or [""]
    return [f"{h}/{path}" for h in hosts for path in paths]


def wayback_query(cdx_url: str, prefix: str, since: str | None, until: str | None,
                  resume_key: str | None = None) -> str:
    params = [("url", prefix), ("matchType", "prefix"), ("output", "json"), ("fl", ",".join(WAYBACK_FIELDS)),
              ("filter", "statuscode:200"), ("filter", "mimetype:text/html"), ("limit", str(WAYBACK_PAGE)),
              ("showResumeKey", "true")]
    if since:
        params.append(("from", since))
    if until:
        params.append(("to", until))
    if resume_key:
        params.append(("resumeKey", resume_key))
    return f"{cdx_url}?{urlencode(params)}"


def read_wayback(body: bytes) -> tuple[list[dict[str, str]], str | None]:
    """The captures of a Wayback CDX answer, and its resume key (None: the last page)."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return [], None
    table = json.loads(text)
    if not table:
        return [], None
    header, rows = table[0], table[1:]
    resume_key = None
    if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
        resume_key = rows[-1][0]
        rows = rows[:-2]
    return [dict(zip(header, row)) for row in rows if row], resume_key


def cc_crawls(collinfo: bytes, since: str | None, until: str | None) -> list[tuple[str, str]]:
    """(crawl, its CDX API) of each main crawl that may hold captures of
    [since, until] (by the year in its name), oldest first."""
    crawls = []
    for entry in json.loads(collinfo):
        name, api = entry.get("id", ""), entry.get("cdx-api", "")
        year = name[len("CC-MAIN-"):len("CC-MAIN-") + 4]
        if not (name.startswith("CC-MAIN-") and year.isdigit() and api):
            continue
        if (since and year < since[:4]) or (until and year > until[:4]):
            continue
        crawls.append((name, api))
    return sorted(crawls)


def cc_query(cdx_api: str, prefix: str, since: str | None, until: str | None, page: int | None = None) -> str:
    """A query of one crawl's index: the number of pages (``page`` None), or one page."""
    params = [("url", prefix), ("matchType", "prefix"), ("output", "json"),
              ("filter", "=status:200"), ("filter", "mime:html")]
    if since:
        params.append(("from", since))
    if until:
        params.append(("to", until))
    params.append(("showNumPages", "true") if page is None else ("page", str(page)))
    return f"{cdx_api}?{urlencode(params)}"


def read_cc_pages(body: bytes) -> int:
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return 0
    found = json.loads(text)
    return int(found.get("pages", 0)) if isinstance(found, dict) else int(found)


def read_cc(body: bytes) -> list[dict[str, str]]:
    return [json.loads(line) for line in body.decode("utf-8", "replace").splitlines() if line.strip()]


def story_captures(site: Site, rows: list[dict[str, str]], source: CaptureSource) -> list[ArchivedCapture]:
    """The captures of stories among ``rows`` (a CDX answer's), each with its story code."""
    found = []
    for row in rows:
        url = row.get("original") or row.get("url") or ""
        status = row.get("statuscode") or row.get("status") or ""
        mime = (row.get("mimetype") or row.get("mime") or "").lower()
        if status != "200" or "html" not in mime or not url.startswith(("http://", "https://")):
            continue
        code = site.story_code(site.site_url(url))
        if not code:
            continue
        if source == CaptureSource.WAYBACK:
            found.append(ArchivedCapture(source, url, row["timestamp"], code))
        else:
            found.append(ArchivedCapture(source, url, row["timestamp"], code, row.get("filename"),
                                         int(row["offset"]), int(row["length"])))
    return found
