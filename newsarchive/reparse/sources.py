"""The WARC files an import reads: local files, files on the web (read as
streams, never saved), and Common Crawl's listings of them.

A CC-NEWS month is listed in a ``warc.paths.gz`` file: one path per line,
relative to Common Crawl's data server, each file named by the time its
crawl began (``CC-NEWS-20240101003108-00000.warc.gz``); ``--from`` and
``--to`` keep the files of those days.
"""

from __future__ import annotations

import gzip
import http.client
import io
import re
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin

from newsarchive import settings as defaults
from newsarchive.capture.records import StreamBroken

WARC_NAMES = (".warc", ".warc.gz")
LISTING_NAMES = (".paths", ".paths.gz")
#: The time a CC-NEWS file's crawl began, in its name.
_NAME_TIME = re.compile(r"(?<!\d)(\d{8})\d{6}(?!\d)")


class SourceError(ValueError):
    """An input that is neither a WARC file nor a listing of them."""


@dataclass(frozen=True)
class WarcSource:
    """A WARC file to read: its name in the ledger (as given, or as listed)
    and where it is read from (a path or a URL)."""

    name: str
    location: str

    @property
    def is_remote(self) -> bool:
        return self.location.startswith(("http://", "https://"))

    @contextmanager
    def opened(self, user_agent: str = defaults.USER_AGENT) -> Iterator[BinaryIO]:
        """The file as a stream of its bytes (a download is read as it
        arrives, not written to disk)."""
        if self.is_remote:
            request = urllib.request.Request(self.location, headers={"User-Agent": user_agent})
            with urllib.request.urlopen(request, timeout=60) as response:
                yield _Streamed(response, self.location)
        else:
            with open(self.location, "rb") as stream:
                yield stream


class _Streamed(io.RawIOBase):
    """A download as a stream that knows how far it has read (a WARC reader
    asks for its position; a response cannot tell it), and that tells a
    download cut short (by its Content-Length, or an error of the network)
    from the file's end."""

    def __init__(self, response, url: str):
        self.response = response
        self.url = url
        self.position = 0
        length = response.headers.get("Content-Length")
        self.length = int(length) if length and length.isdigit() else None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self.response.read(len(buffer))
        except (OSError, http.client.HTTPException) as exc:
            raise StreamBroken(f"{self.url}: the download broke after {self.position} bytes ({exc})") from None
        if not data and self.length is not None and self.position < self.length:
            raise StreamBroken(f"{self.url}: the download ended after {self.position} of {self.length} bytes")
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position


def file_day(name: str) -> str | None:
    """``YYYY-MM-DD`` of the time in a CC-NEWS file's name, or None."""
    found = _NAME_TIME.search(name.rsplit("/", 1)[-1])
    if not found:
        return None
    day = found.group(1)
    return f"{day[:4]}-{day[4:6]}-{day[6:]}"


def _is_remote(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def _listing_lines(location: str, user_agent: str) -> list[str]:
    if _is_remote(location):
        request = urllib.request.Request(location, headers={"User-Agent": user_agent})
        with urllib.request.urlopen(request, timeout=60) as response:
            data = response.read()
    else:
        data = Path(location).read_bytes()
    if location.endswith(".gz"):
        data = gzip.decompress(data)
    return [line.strip() for line in data.decode("utf-8").splitlines() if line.strip()]


def warc_sources(inputs: list[str], since: str | None = None, until: str | None = None,
                 data_url: str = defaults.NEWSARCHIVE_CC_DATA_URL,
                 user_agent: str = defaults.USER_AGENT) -> list[WarcSource]:
    """The WARC files ``inputs`` name, in order: each a ``.warc`` or
    ``.warc.gz`` path or URL, or a listing (``warc.paths.gz``) whose paths
    are on ``data_url``; a listed file is kept when the day in its name is
    in [``since``, ``until``]. Raises :class:`SourceError` for another kind
    of input and ``OSError`` for a listing that cannot be read."""
    found: list[WarcSource] = []
    for given in inputs:
        bare = given.split("?", 1)[0]
        if bare.endswith(LISTING_NAMES):
            for path in _listing_lines(given, user_agent):
                day = file_day(path)
                if day is None or (since and day < since) or (until and day > until):
                    continue
                location = path if _is_remote(path) else urljoin(data_url, path.lstrip("/"))
                found.append(WarcSource(path, location))
        elif bare.endswith(WARC_NAMES):
            if not _is_remote(given) and not Path(given).is_file():
                raise SourceError(f"{given}: no such file")
            location = given if _is_remote(given) else str(Path(given).resolve())
            found.append(WarcSource(given if _is_remote(given) else location, location))
        else:
            raise SourceError(f"{given}: not a WARC file (.warc, .warc.gz) nor a listing of them (.paths.gz)")
    return list({source.name: source for source in found}.values())
