"""A distributed crawl with 1, 2 and 4 workers, and the merge of two shards.

    python benchmarks/distributed.py --stories 120 --workers 1 2 4 --latency 0.15 --merge-stories 10000

Crawl: a mirror of ``--stories`` stories served from its own process, each
answer ``--latency`` seconds late (a distant server), crawled by N worker
processes sharing a Redis server (Debian's ``redis-server`` on an ephemeral
127.0.0.1 port) under the project's default politeness settings (robots.txt,
two requests at a time per site, 1 s delay, AutoThrottle) — the case where
one machine is not enough, since each worker is polite on its own. For each
N, in one invocation: pages/s between the first and the last page the server
answered (start-up and the idle wait at the end left out), the ratio to one
worker's (goal: at least 0.9 × N), story fetches per story (1.00: none twice),
and the wall time of the whole run.

Merge: two shards of ``--merge-stories`` stories each (built through the
archive's write path, different stories), merged into a new archive with
``newsarchive merge`` in a child process; against the time the write path
takes to store the same stories directly in the same run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.archive_scale import FIRST_CODE  # noqa: E402
from benchmarks.archive_scale import build as build_archive  # noqa: E402
from benchmarks.mirror import build as build_mirror  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

STORY_PATH = re.compile(r"^/en/news/(\d+)/")


def serve(mirror: Path, latency: float, log: Path) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "serve_mirror.py"), str(mirror), "--latency", str(latency),
         "--log", str(log)], stdout=subprocess.PIPE, text=True)
    port = server.stdout.readline().split()[1]
    return server, f"http://127.0.0.1:{port}"


def crawl(workers: int, origin: str, redis_url: str, folder: Path) -> float:
    """Run ``workers`` workers to the end; return the wall time."""
    began = time.perf_counter()
    processes = []
    for n in range(workers):
        command = [sys.executable, "-m", "scrapy", "crawl", "islamtimes",
                   "-a", f"start_urls={origin}/en/archive", "-a", "backfill=1",
                   "-s", f"NEWSARCHIVE_DB={folder / f'worker-{n}.db'}",
                   "-s", f"NEWSARCHIVE_WARC_DIR={folder / f'warc-{n}'}",
                   "-s", f"NEWSARCHIVE_REDIS_URL={redis_url}",
                   "-s", "NEWSARCHIVE_REDIS_IDLE_CLOSE=2", "-s", "LOG_LEVEL=WARNING"]
        processes.append(subprocess.Popen(command, cwd=ROOT))
    codes = [process.wait() for process in processes]
    if any(codes):
        raise SystemExit(f"a worker failed: exit codes {codes}")
    return time.perf_counter() - began


def served(log: Path) -> tuple[int, float, Counter]:
    """Pages answered (robots.txt aside), seconds from the first to the last,
    and fetches per story."""
    times, stories = [], Counter()
    for line in log.read_text().splitlines():
        stamp, path = line.split(" ", 1)
        if path == "/robots.txt":
            continue
        times.append(float(stamp))
        if match := STORY_PATH.match(path):
            stories[match.group(1)] += 1
    return len(times), max(times) - min(times), stories


def merge_time(stories: int, folder: Path) -> tuple[float, float]:
    """Seconds to merge two shards of ``stories`` stories each, and to store
    the same stories directly through the write path."""
    first, second = folder / "shard-1.db", folder / "shard-2.db"
    build_archive(first, stories, FIRST_CODE)
    build_archive(second, stories, FIRST_CODE + stories)
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "newsarchive.cli", "merge", str(first), str(second),
                           "--into", str(folder / "merged.db")], cwd=ROOT, capture_output=True, text=True)
    merged = time.perf_counter() - began
    if done.returncode:
        raise SystemExit(done.stderr)
    began = time.perf_counter()
    build_archive(folder / "direct-1.db", stories, FIRST_CODE)
    build_archive(folder / "direct-2.db", stories, FIRST_CODE + stories)
    return merged, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=120)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--merge-stories", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        mirror = build_mirror(tmp / "mirror", args.stories, page_kb=60)
        rows, base = [], None
        with RedisServer(tmp) as redis:
            for workers in args.workers:
                folder = tmp / f"run-{workers}"
                folder.mkdir()
                log = folder / "served.log"
                server, origin = serve(mirror, args.latency, log)
                try:
                    wall = crawl(workers, origin, redis.url, folder)
                finally:
                    server.terminate()
                    server.wait()
                pages, seconds, fetches = served(log)
                rate = pages / seconds
                base = base or rate / workers
                rows.append((workers, pages, seconds, rate, rate / base, sum(fetches.values()) / len(fetches), wall))
                redis.client().flushall()  # the next run starts from nothing
        print(f"{args.stories} stories, {args.latency * 1000:.0f} ms latency, default politeness settings")
        print(f"{'workers':>7} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'× 1 worker':>10} "
              f"{'goal':>5} {'fetches/story':>13} {'wall s':>7}")
        for workers, pages, seconds, rate, ratio, per_story, wall in rows:
            print(f"{workers:>7} {pages:>6} {seconds:>8.1f} {rate:>8.2f} {ratio:>10.2f} {0.9 * workers:>5.1f} "
                  f"{per_story:>13.2f} {wall:>7.1f}")
        merged, direct = merge_time(args.merge_stories, tmp)
        total = 2 * args.merge_stories
        print(f"merge of two {args.merge_stories}-story shards: {merged:.1f} s ({total / merged:.0f} stories/s); "
              f"storing the same {total} stories directly: {direct:.1f} s ({total / direct:.0f} stories/s)")


if __name__ == "__main__":
    main()
