"""Reparse speed on one core and on every core, and its peak memory.

    python benchmarks/reparse.py --stories 1000 5000

For each size, crawls a generated mirror of N stories (about 60 KB a page)
over 127.0.0.1 with captures on, then rebuilds an archive from the WARC
files alone, once with one parser process (the baseline, parsing in the
writing process as before) and once with a parser process per core; each
rebuild runs in a child process whose peak RSS is read when it exits (the
workers' own peaks are printed too: they are separate processes).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.mirror import build  # noqa: E402
from benchmarks.warc import crawl  # noqa: E402
from newsarchive.reparse import default_workers  # noqa: E402

CHILD = """
import json, resource, sys, time
from newsarchive.archive import Archive
from newsarchive.reparse import reparse
archive = Archive(sys.argv[1], lock=True)
began = time.perf_counter()
counts = reparse(archive, sys.argv[2], workers=int(sys.argv[3]))
seconds = time.perf_counter() - began
archive.close()
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "captures": counts.captures, "stored": counts.stored, "workers_kib": workers}))
"""


def rebuild(warc: Path, db: Path, workers: int) -> dict:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(warc), str(workers)],
                             cwd=ROOT, stdout=subprocess.PIPE, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"reparse with {workers} worker(s) failed")
    return {**json.loads(output), "peak_kib": usage.ru_maxrss}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    print(f"{'captures':>9} {'workers':>8} {'captures/s':>11} {'ratio':>6} {'writer MiB':>11} {'worker MiB':>11}")
    for stories in args.stories:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            mirror = build(tmp / "mirror", stories, page_kb=60)
            db = tmp / "crawl" / "archive.db"
            db.parent.mkdir()  # an archive's folder must exist
            crawl(mirror, db, ("/en/rss/allnews", "/en/archive"), "-a", "backfill=1")
            baseline = None
            for workers in (1, args.workers):
                result = rebuild(db.parent / "warc", tmp / f"rebuilt-{workers}.db", workers)
                rate = result["captures"] / result["seconds"]
                baseline = baseline or rate
                print(f"{result['captures']:>9} {workers:>8} {rate:>11.0f} {rate / baseline:>6.2f}"
                      f" {result['peak_kib'] / 1024:>11.0f} {result['workers_kib'] / 1024 if workers > 1 else 0:>11.0f}",
                      flush=True)


if __name__ == "__main__":
    main()
