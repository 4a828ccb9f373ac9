"""WARC import speed: records read and filtered, stories stored, on one
core and on every core, against warcio merely iterating the same file.

    python benchmarks/import_warc.py [--records 20000] [--repeat 3]

Writes a CC-NEWS-shaped file of ``--records`` response records (one gzip
member each): a tenth are story pages of profiled hosts (the fixtures'
Islam Times pages, each under its own story code), the rest pages of other
hosts and non-HTML records, as in a CC-NEWS file. Then, in this one run:

- warcio's bare iteration of the file (every record, no body read): the baseline;
- the import's reading and filtering (``capture.records.responses``): every
  record read, the profiled hosts' pages with their bodies;
- the whole import into a fresh archive with one parser process and with
  one per core: stories stored per second.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warcio.archiveiterator import ArchiveIterator  # noqa: E402

from newsarchive.archive import Archive  # noqa: E402
from newsarchive.capture.records import responses  # noqa: E402
from newsarchive.reparse.imports import HostSites, import_warc  # noqa: E402
from newsarchive.reparse.parsing import default_workers  # noqa: E402
from newsarchive.reparse.sources import WarcSource  # noqa: E402
from newsarchive.replay.pages import SavedSite  # noqa: E402
from newsarchive.sites import PACKAGE  # noqa: E402
from tests.warc_files import CcNewsFile, Record  # noqa: E402

FIXTURES = ROOT / "fixtures" / "islamtimes"


def write_file(path: Path, records: int) -> int:
    """The benchmark's file; returns how many records are profiled stories."""
    pages = [page for page in SavedSite(FIXTURES) if page.expected is not None
             and '"dropped"' not in page.expected.read_text(encoding="utf-8")]
    bodies = itertools.cycle([page.body() for page in pages])
    urls = itertools.cycle([page.url for page in pages])
    warc = CcNewsFile(path)
    stories = 0
    for index in range(records):
        if index % 10 == 0:
            # A story of its own: the page's URL under another story code.
            url = re.sub(r"/(\d+)/", f"/{3_000_000 + index}/", next(urls), count=1)
            warc.add_response(Record(url, next(bodies)))
            stories += 1
        elif index % 10 == 1:
            warc.add_response(Record(f"https://cdn.example.net/img/{index}.jpg", b"\xff\xd8\xff" + b"\0" * 30_000,
                                     content_type="image/jpeg"))
        else:
            warc.add_response(Record(f"https://www.other-news-{index % 97}.example/2024/01/01/story-{index}",
                                     next(bodies)))
    warc.close()
    return stories


def warcio_iteration(path: Path) -> float:
    began = time.perf_counter()
    with open(path, "rb") as stream:
        for _ in ArchiveIterator(stream):
            pass
    return time.perf_counter() - began


def filtering(path: Path) -> tuple[float, int]:
    sites = HostSites(PACKAGE)
    skipped: Counter = Counter()
    began = time.perf_counter()
    with open(path, "rb") as stream:
        kept = sum(1 for _ in responses(stream, sites.wanted, skipped))
    return time.perf_counter() - began, kept


def importing(path: Path, workers: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive(Path(folder) / "archive.db", lock=True)
        began = time.perf_counter()
        counts = import_warc(archive, [WarcSource(str(path), str(path))], PACKAGE, workers=workers)
        seconds = time.perf_counter() - began
        archive.close()
    return seconds, counts.stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cores = default_workers()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "CC-NEWS-20240101000000-00000.warc.gz"
        stories = write_file(path, args.records)
        print(f"{args.records} records ({path.stat().st_size / 1e6:.0f} MB), {stories} of them profiled stories")
        print(f"{'run':>4} {'warcio iterates':>16} {'import reads+filters':>21} {'ratio':>6}"
              f" {'stored/s, 1 process':>20} {f'stored/s, {cores} processes':>22} {'ratio':>6}")
        for run in range(1, args.repeat + 1):
            bare = warcio_iteration(path)
            filtered, kept = filtering(path)
            one, stored_one = importing(path, 1)
            many, stored_many = importing(path, cores)
            assert kept == stories and stored_one == stored_many == stories, (kept, stored_one, stored_many)
            print(f"{run:>4} {args.records / bare:>12.0f} r/s {args.records / filtered:>17.0f} r/s"
                  f" {bare / filtered:>5.2f}x {stored_one / one:>20.1f} {stored_many / many:>22.1f}"
                  f" {one / many:>5.2f}x")


if __name__ == "__main__":
    main()
