"""Read captures back: every response record of a folder of WARC files.

A file cut short (the writing process was killed) is read up to the cut,
with a warning; the other files are read whole.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc.gz", ".warc")
#: Payload headers that no longer hold once warcio has decoded the body.
ENCODING_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


@dataclass(frozen=True)
class Capture:
    """A response record: where it is and what it says about itself."""

    file: Path
    offset: int
    url: str
    date: str
    status: int
    #: The run's warcinfo fields (spider, site, fetch_origin, ...).
    info: dict

    def read(self) -> tuple[list[tuple[str, str]], bytes]:
        """The response's headers (without transfer and content encoding)
        and its decoded body."""
        return read_record(self.file, self.offset)


def read_record(file: str | Path, offset: int) -> tuple[list[tuple[str, str]], bytes]:
    """The headers (without transfer and content encoding) and decoded body
    of the response record at ``offset`` in a WARC file."""
    with open(file, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)), None)
        if record is None:
            raise ValueError(f"no WARC record at offset {offset} of {Path(file).name}")
        headers = [
            (name, value)
            for name, value in record.http_headers.headers
            if name.lower() not in ENCODING_HEADERS
        ]
        return headers, record.content_stream().read()


def warc_files(folder: str | Path) -> list[Path]:
    folder = Path(folder)
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(WARC_SUFFIXES))


def _warcinfo(record) -> dict:
    info = {}
    for line in record.content_stream().read().decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(":")
        if value:
            info[name.strip()] = value.strip()
    return info


def iter_captures(folder: str | Path, stats: dict | None = None) -> Iterator[Capture]:
    """Every complete response record in the folder's WARC files, in file
    order. A record cut short, and whatever follows it, is left out with a
    warning."""
    for path in warc_files(folder):
        size = path.stat().st_size
        info: dict = {}
        with open(path, "rb") as stream:
            records = ArchiveIterator(stream)
            cut = None
            try:
                for record in records:
                    if record.rec_type == "warcinfo":
                        info = _warcinfo(record)
                        continue
                    is_response = record.rec_type == "response" and record.http_headers is not None
                    # warcio ends quietly at a cut gzip member: compare the
                    # bytes there with the length the record announces.
                    header_bytes = record.http_headers.total_len if record.http_headers else 0
                    if header_bytes + len(record.raw_stream.read()) < record.length:
                        cut = f"record at offset {records.get_record_offset()} is incomplete"
                        break
                    if not is_response:
                        continue
                    yield Capture(
                        file=path,
                        offset=records.get_record_offset(),
                        url=record.rec_headers.get_header("WARC-Target-URI"),
                        date=record.rec_headers.get_header("WARC-Date"),
                        status=int(record.http_headers.get_statuscode() or 0),
                        info=info,
                    )
                else:
                    if records.offset < size:
                        cut = f"{size - records.offset} bytes after offset {records.offset} are not a whole record"
            except Exception as exc:  # warcio and zlib raise several kinds on a cut file
                cut = f"{type(exc).__name__} after offset {records.offset}: {exc}"
        if cut:
            logger.warning("%s is cut short (%s): read up to the cut", path, cut)
            if stats is not None:
                stats["truncated_files"] = stats.get("truncated_files", 0) + 1
