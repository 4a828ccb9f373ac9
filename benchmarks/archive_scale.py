"""How the archive's commands and the crawl's lookups scale with its size.

    python benchmarks/archive_scale.py --stories 10000 100000 1000000

For each size, builds an archive through the archive's own write path
(``Archive.stage_article`` and ``flush``: batches of 1,000, the full-text
index kept current), kept under ``--keep DIR`` to be reused, then times each
CLI command in a child process (median of ``--repeat`` runs, with the
``newsarchive --version`` start-up floor), the exporting process's peak
memory, the crawl's per-link lookups ("already archived?", which story a
URL led to) per second, and a crawl's pages/s into the archive against the
same crawl into an empty one (a mirror of ``--crawl-stories`` stories over
127.0.0.1, pairs of crawls, the median ratio; the crawl's stories are
deleted again afterwards, so the archive stays as built).

Stories: 3-5 KB bodies of generated English prose, three sites (80 % one of
them), published one every few minutes from 2016 on; one story in twenty
mentions "government"; every story contains "the".
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.crawl import SAME, run_measured, settings_args  # noqa: E402
from benchmarks.mirror import FIRST_CODE as MIRROR_FIRST_CODE  # noqa: E402
from benchmarks.mirror import build as build_mirror  # noqa: E402
from newsarchive.archive import Archive  # noqa: E402
from newsarchive.items import ArticleItem  # noqa: E402

FIRST_CODE = 1_000_000
SITES = ("islamtimes",) * 8 + ("avapress", "mondoweiss")
WORDS = (
    "the of and to in a is that for on was with as by at from his her they an be this have are has but not "
    "were their which been had one its said would who will there more about after also two first new year "
    "city council minister people report state week officials country region police court group plan "
    "economy water energy school hospital border election party trade market talks weather harvest road"
).split()
START = datetime(2016, 1, 1, tzinfo=timezone.utc)


def paragraphs(rng: random.Random, count: int) -> list[str]:
    pool = []
    for _ in range(count):
        sentences = []
        for _ in range(rng.randint(4, 7)):
            words = rng.choices(WORDS, k=rng.randint(10, 18))
            sentences.append(" ".join(words).capitalize() + ".")
        pool.append(" ".join(sentences))
    return pool


def build(db: Path, stories: int, first_code: int = FIRST_CODE) -> float:
    """Fill ``db`` with ``stories`` stories (codes from ``first_code``); return stories/s."""
    rng = random.Random(7)
    pool = paragraphs(rng, 600)
    spacing = timedelta(minutes=max(1, 4_200_000 // stories))
    archive = Archive(db, lock=True)
    began = time.perf_counter()
    for number in range(stories):
        code, site = str(first_code + number), SITES[number % len(SITES)]
        body = rng.sample(pool, rng.randint(5, 8))
        if number % 20 == 0:
            body[0] = "The government said so. " + body[0]
        published = START + spacing * number
        url = f"https://www.{site}.example/en/news/{code}/story-{code}"
        archive.stage_article(ArticleItem(
            site=site, story_code=code, url=url, kind="news", language="en", title=f"Story {code}: {body[1][:60]}",
            lead=body[0][:200], body="\n\n".join(body), published=published.isoformat().replace("+00:00", "Z"),
            published_raw=published.strftime("%d %B %Y %H:%M"), fetched_at="2024-07-01T00:00:00Z",
        ))
        archive.stage_aliases(site, code, [url, url.replace("https://www.", "https://")])
        if archive.largest_pending_batch >= 1000:
            archive.flush()
    archive.close()
    return stories / (time.perf_counter() - began)


def cli(db: Path, *args: str) -> tuple[float, float, int]:
    """Seconds to the first line of output, seconds in all, and peak RSS (KiB) of one CLI run."""
    began = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", *args, *(("--db", str(db)) if db else ())],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first = None
    for _ in child.stdout:
        if first is None:
            first = time.perf_counter() - began
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"newsarchive {' '.join(args)} exited {child.returncode}")
    total = time.perf_counter() - began
    return (first if first is not None else total), total, usage.ru_maxrss


def median(runs) -> tuple[float, float, int]:
    runs = list(runs)
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), max(r[2] for r in runs))


def lookups(db: Path, stories: int, count: int = 20000) -> tuple[float, float]:
    """The crawl's per-link lookups per second: story state, then URL to story."""
    rng = random.Random(11)
    archive = Archive(db)
    codes = [(SITES[n % len(SITES)], str(FIRST_CODE + n)) for n in (rng.randrange(stories * 2) for _ in range(count))]
    began = time.perf_counter()
    for site, code in codes:
        archive.story_state(site, code)
    states = count / (time.perf_counter() - began)
    began = time.perf_counter()
    for site, code in codes:
        archive.story_for_url(site, f"https://www.{site}.example/en/news/{code}/story-{code}")
    urls = count / (time.perf_counter() - began)
    archive.db.close()
    return states, urls


def crawl_rate(origin: str, db: Path) -> tuple[float, float]:
    """Pages/s of a crawl of the mirror into ``db``, and its CPU ms a page
    (steadier than wall time on a shared machine)."""
    db.parent.mkdir(parents=True, exist_ok=True)  # an archive's folder must exist
    _, cpu = run_measured([sys.executable, "-m", "scrapy", "crawl", "islamtimes", "-a", f"start_urls={origin}/en/rss/allnews,"
                           f"{origin}/en/archive", "-a", "backfill=1",
                           *settings_args({**SAME, "NEWSARCHIVE_DB": str(db), "NEWSARCHIVE_WARC_ENABLED": "False"})], cwd=ROOT)
    conn = sqlite3.connect(db)
    (stats,) = conn.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    stats = json.loads(stats)
    pages = stats["response_received_count"]
    return pages / stats["elapsed_seconds"], cpu / pages * 1000


def forget_crawl(db: Path) -> None:
    """Take the mirror crawl's stories, aliases, drops and run out of the archive again."""
    first = str(MIRROR_FIRST_CODE)
    conn = sqlite3.connect(db)
    with conn:
        for table in ("articles", "aliases", "dropped", "revisions"):
            conn.execute(f"DELETE FROM {table} WHERE site = 'islamtimes' AND story_code >= ?", [first])
        conn.execute("DELETE FROM dropped WHERE url LIKE 'http://127.0.0.1:%'")
        conn.execute("DELETE FROM runs WHERE spider = 'islamtimes'")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def crawl_ratio(db: Path, stories: int, repeat: int, tmp: Path) -> tuple[list[float], list[float]]:
    """Per pair of crawls, into ``db`` and into an empty archive: the ratio
    of their pages/s, and of their CPU time a page (empty over full: below 1
    when the full archive costs more)."""
    mirror = build_mirror(tmp / "mirror", stories, page_kb=60)
    server = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "serve_mirror.py"), str(mirror)],
                              stdout=subprocess.PIPE, text=True)
    speed, cpu = [], []
    try:
        origin = f"http://127.0.0.1:{int(server.stdout.readline().split()[1])}"
        for number in range(repeat):
            empty = crawl_rate(origin, tmp / f"empty-{number}" / "archive.db")
            try:
                full = crawl_rate(origin, db)
            finally:
                forget_crawl(db)
            speed.append(full[0] / empty[0])
            cpu.append(empty[1] / full[1])
    finally:
        server.kill()
        server.wait()
    return speed, cpu


def measure_commands(db: Path, stories: int, repeat: int, record) -> None:
    some_code = str(FIRST_CODE + stories // 2)
    timed = {
        "newsarchive --version (start-up floor)": lambda: cli(None, "--version"),
        "stats": lambda: cli(db, "stats"),
        "search government --since 2030-01-01 (no hit)": lambda: cli(db, "search", "government", "--since", "2030-01-01"),
        "search government --site avapress --since 2023-01-01": lambda: cli(
            db, "search", "government", "--site", "avapress", "--since", "2023-01-01"),
        "search the (every story matches; newest first)": lambda: cli(db, "search", "the"),
        "search the --rank (every match scored first)": lambda: cli(db, "search", "the", "--rank"),
        "show CODE without --site": lambda: cli(db, "show", some_code),
    }
    for name, run in timed.items():
        record(name, f"{median(run() for _ in range(repeat))[1]:.2f}")
    first, total, rss = cli(db, "export", "--site", "islamtimes")
    record("export --site islamtimes: first line / all (s)", f"{first:.2f} / {total:.1f}")
    record("export --site islamtimes: peak memory (MiB)", f"{rss / 1024:.0f}")
    states, urls = lookups(db, stories)
    record("crawl lookup: already archived? (per s)", f"{states:,.0f}")
    record("crawl lookup: which story a URL led to (per s)", f"{urls:,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, default=Path("/tmp/newsarchive-scale"),
                        help="folder for the built archives, reused by later runs")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--crawl-stories", type=int, default=1000)
    parser.add_argument("--crawl-repeat", type=int, default=3, help="pairs of crawls (0: none)")
    parser.add_argument("--crawl-only", action="store_true", help="only the crawl comparison")
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[str]] = {}

    def record(name: str, value: str) -> None:
        rows.setdefault(name, []).append(value)

    for stories in args.stories:
        db = args.keep / f"archive-{stories}.db"
        if not db.exists():
            rate = build(db, stories)
            print(f"built {db} ({stories:,} stories, {rate:,.0f} stories/s, {db.stat().st_size / 2**20:,.0f} MiB)", flush=True)
        if not args.crawl_only:
            measure_commands(db, stories, args.repeat, record)
        if args.crawl_repeat:
            with tempfile.TemporaryDirectory() as tmp:
                speed, cpu = crawl_ratio(db, args.crawl_stories, args.crawl_repeat, Path(tmp))
            for name, ratios in (("pages/s", speed), ("CPU a page, empty over full", cpu)):
                record(f"crawl into it / into an empty archive: {name} (median)",
                       f"{statistics.median(ratios):.2f} ({', '.join(f'{r:.2f}' for r in ratios)})")
        print(f"measured {stories:,}", flush=True)

    print()
    print("| command | " + " | ".join(f"{n:,}" for n in args.stories) + " |")
    print("|---|" + "---|" * len(args.stories))
    for name, values in rows.items():
        print(f"| {name} | " + " | ".join(values) + " |")


if __name__ == "__main__":
    main()
