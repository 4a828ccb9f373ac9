"""Crawl throughput against Scrapy's own ceiling, and peak memory.

    python benchmarks/crawl.py --stories 1000 10000

For each N, in one invocation: builds a mirror of N stories (about 60 KB
pages), serves it from memory on 127.0.0.1 in a process of its own, and
crawls it twice with throttling off and the same concurrency:

* the baseline: a bare Scrapy spider following the same links
  (``baseline_spider.py``) — Scrapy's ceiling for these pages here;
* ``scrapy crawl islamtimes -a backfill=1`` through every pipeline into
  SQLite, WARC captures on, as users run it (the stories' lead images
  only with ``--images``: the bare spider fetches none).

Prints pages/s of each, their ratio, stories stored per second and the peak
memory (max RSS) of each crawl process.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.mirror import build  # noqa: E402

SAME = {
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "ROBOTSTXT_OBEY": "True",
    "LOG_LEVEL": "WARNING",
    "REMOTE_CONTROL_ENABLED": "False",
    "TELNETCONSOLE_ENABLED": "False",
}


def run_measured(command: list[str], cwd: Path) -> tuple[int, float]:
    """Run a command; return its peak memory (max RSS) in MiB and the CPU
    seconds it used (user + system, all threads)."""
    process = subprocess.Popen(command, cwd=cwd)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{command[:4]} failed with {process.returncode}")
    return usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def settings_args(settings: dict) -> list[str]:
    return [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]


def bench(stories: int, tmp: Path, extra_settings: dict | None = None) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"{stories}-", dir=tmp))
    folder = build(tmp / f"mirror-{stories}", stories, page_kb=60)
    server = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "serve_mirror.py"), str(folder)],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline().split()[1])
        origin = f"http://127.0.0.1:{port}"
        start = f"{origin}/en/rss/allnews,{origin}/en/archive"

        stats_file = tmp / f"baseline-{stories}.json"
        workdir = tmp / f"baseline-{stories}"
        workdir.mkdir()  # no scrapy.cfg here: the bare spider runs with Scrapy's defaults only
        baseline_mem, baseline_cpu = run_measured(
            [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / "baseline_spider.py"),
             "-a", f"start_urls={start}", "-a", f"stats_file={stats_file}", *settings_args(SAME)],
            cwd=workdir,
        )
        baseline = json.loads(stats_file.read_text())

        db = tmp / f"archive-{stories}" / "archive.db"
        db.parent.mkdir(parents=True, exist_ok=True)  # an archive's folder must exist
        ours_mem, ours_cpu = run_measured(
            [sys.executable, "-m", "scrapy", "crawl", "islamtimes", "-a", f"start_urls={start}", "-a", "backfill=1",
             *settings_args({**SAME, "NEWSARCHIVE_DB": str(db), **(extra_settings or {})})],
            cwd=ROOT,
        )
        conn = sqlite3.connect(db)
        (ours_stats,) = conn.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        conn.close()
        ours = json.loads(ours_stats)
    finally:
        server.kill()
        server.wait()

    def rate(stats):
        return stats["response_received_count"] / stats["elapsed_seconds"]

    return {
        "stories": stories,
        "baseline_pages": baseline["response_received_count"],
        "baseline_pages_per_s": rate(baseline),
        "ours_pages": ours["response_received_count"],
        "ours_pages_per_s": rate(ours),
        "ratio": rate(ours) / rate(baseline),
        "stored": stored,
        "stored_per_s": stored / ours["elapsed_seconds"],
        "baseline_peak_mib": baseline_mem,
        "ours_peak_mib": ours_mem,
        # CPU per page of the whole process (start-up included): steadier
        # than wall time on a shared machine.
        "baseline_cpu_ms_per_page": baseline_cpu / baseline["response_received_count"] * 1000,
        "ours_cpu_ms_per_page": ours_cpu / ours["response_received_count"] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=1, help="crawl each N this many times (both spiders each time)")
    parser.add_argument("--no-warc", action="store_true", help="crawl without WARC captures")
    parser.add_argument("--images", action="store_true",
                        help="also fetch each story's lead image into the captures, as crawls do by default "
                             "(off otherwise: the bare spider fetches none, so pages/s compare the same pages)")
    parser.add_argument("-s", "--setting", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the islamtimes crawl, e.g. NEWSARCHIVE_WARC_GZIP_LEVEL=0")
    args = parser.parse_args()
    extra = dict(item.split("=", 1) for item in args.setting)
    if args.no_warc:
        extra["NEWSARCHIVE_WARC_ENABLED"] = "False"
    if not args.images:
        extra.setdefault("NEWSARCHIVE_WARC_ASSETS", "False")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for stories in args.stories:
            for _ in range(args.repeat):
                results.append(bench(stories, Path(tmp), extra))
    print(f"{'stories':>8} {'baseline p/s':>13} {'ours p/s':>9} {'ratio':>6} {'stored/s':>9} "
          f"{'baseline MiB':>13} {'ours MiB':>9} {'CPU ms/page: baseline':>22} {'ours':>5}")
    for r in results:
        print(f"{r['stories']:>8} {r['baseline_pages_per_s']:>13.0f} {r['ours_pages_per_s']:>9.0f} {r['ratio']:>6.2f} "
              f"{r['stored_per_s']:>9.0f} {r['baseline_peak_mib']:>13} {r['ours_peak_mib']:>9} "
              f"{r['baseline_cpu_ms_per_page']:>22.2f} {r['ours_cpu_ms_per_page']:>5.2f}")
    for stories in sorted(set(args.stories)):
        ratios = sorted(r["ratio"] for r in results if r["stories"] == stories)
        if len(ratios) > 1:
            print(f"{stories} stories, {len(ratios)} runs: median ratio {statistics.median(ratios):.2f} "
                  f"(lowest {ratios[0]:.2f}, highest {ratios[-1]:.2f})")
    if len(set(args.stories)) > 1:
        first, last = results[0], results[-1]
        print(f"peak memory of our crawl at {last['stories']} vs {first['stories']} stories: "
              f"{last['ours_peak_mib'] / first['ours_peak_mib']:.2f}x")
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
