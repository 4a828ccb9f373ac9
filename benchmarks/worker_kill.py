"""A distributed crawl that loses a worker: 3 workers over a mirror of about
1,000 stories, one of them killed with ``kill -9`` mid-crawl.

    python benchmarks/worker_kill.py [--stories 1000] [--latency 0.05] [--kill-at 400] [--root CHECKOUT]

Measures (a) story pages fetched more than once and (b) seconds from the
kill until the victim's in-flight work left Redis (queued again by a
survivor), polling the crawl's ``inflight`` hash every 20 ms, and what each
shard stored. ``--root`` runs the workers on another checkout's code (an
older commit, to compare in the same invocation's conditions).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent),
                    help="the checkout whose code the workers run (default: this one)")
parser.add_argument("--stories", type=int, default=1000)
parser.add_argument("--latency", type=float, default=0.05)
parser.add_argument("--kill-at", type=int, default=400, help="kill once this many story pages were served")
parser.add_argument("--page-kb", type=int, default=60)
parser.add_argument("--keep", help="folder to keep logs and shards in")
args = parser.parse_args()

ROOT = Path(args.root).resolve()
sys.path.insert(0, str(ROOT))
from benchmarks.mirror import build as build_mirror  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

STORY = re.compile(r"^/en/news/(\d+)/")
tmp = Path(args.keep or tempfile.mkdtemp())
tmp.mkdir(parents=True, exist_ok=True)
mirror = build_mirror(tmp / "mirror", args.stories, page_kb=args.page_kb)
log = tmp / "served.log"
server = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "serve_mirror.py"), str(mirror),
                           "--latency", str(args.latency), "--log", str(log)], stdout=subprocess.PIPE, text=True)
origin = f"http://127.0.0.1:{server.stdout.readline().split()[1]}"
env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
env["PYTHONPATH"] = str(ROOT)


def stories() -> Counter:
    counts = Counter()
    for line in log.read_text().splitlines():
        if m := STORY.match(line.split(" ", 1)[1]):
            counts[m.group(1)] += 1
    return counts


with RedisServer(tmp) as redis:
    workers = []
    for n in range(3):
        command = [sys.executable, "-m", "scrapy", "crawl", "islamtimes", "-a", f"start_urls={origin}/en/archive",
                   "-a", "backfill=1", "-s", f"NEWSARCHIVE_DB={tmp / f'worker-{n}.db'}",
                   "-s", f"NEWSARCHIVE_WARC_DIR={tmp / f'warc-{n}'}", "-s", f"NEWSARCHIVE_REDIS_URL={redis.url}",
                   "-s", "NEWSARCHIVE_REDIS_IDLE_CLOSE=2", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                   "-s", "LOG_LEVEL=INFO"]
        workers.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                        stderr=open(tmp / f"worker-{n}.log", "w")))
    began = time.monotonic()
    victim = workers[0]
    while sum(stories().values()) < args.kill_at:
        time.sleep(0.02)
    client = redis.client()
    key = "newsarchive:crawl:islamtimes:islamtimes:inflight"
    mine = lambda: [f for f in client.hkeys(key) if f.decode().split(" ")[0].split(":")[1] == str(victim.pid)]  # noqa: E731
    held = len(mine())
    victim.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    victim.wait()
    fetched_at_kill = sum(stories().values())
    taken_back = None
    while taken_back is None and time.monotonic() - killed < 600:
        if not mine():
            taken_back = time.monotonic() - killed
        time.sleep(0.02)
    codes = [w.wait(timeout=900) for w in workers[1:]]
    wall = time.monotonic() - began
server.terminate()
server.wait()
fetched = stories()
import sqlite3  # noqa: E402

stored = [sqlite3.connect(tmp / f"worker-{n}.db").execute("SELECT count(*) FROM articles").fetchone()[0]
          for n in range(3)]
pages = len(log.read_text().splitlines())
print(f"root {ROOT}")
print(f"killed at {killed - began:.1f} s, {fetched_at_kill} story pages served; victim held {held} works in flight,"
      f" had committed {stored[0]} stories")
print(f"victim's work taken back {taken_back:.2f} s after the kill" if taken_back is not None else "never taken back")
print(f"survivors' exit codes {codes}; wall {wall:.1f} s; pages served {pages}")
print(f"distinct stories {len(fetched)}, story fetches {sum(fetched.values())},"
      f" fetched twice or more: {sum(1 for c in fetched.values() if c > 1)} (extra fetches {sum(fetched.values()) - len(fetched)})")
print(f"stored per shard {stored}")
for n in (1, 2):
    for line in (tmp / f"worker-{n}.log").read_text().splitlines():
        if "Queued again" in line or "requeue" in line.lower():
            print(f"worker-{n}: {line}")
print(f"logs in {tmp}")
