"""Peak memory of ``newsarchive export`` on small and very large archives.

    python benchmarks/export.py --rows 10000 1000000

Builds archives of small stories (the full-text triggers dropped while
filling, for speed; export does not read the index), exports each to
/dev/null as JSONL and CSV, and prints the exporting process's peak RSS.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsarchive.archive import Archive  # noqa: E402
from newsarchive.items import ArticleItem  # noqa: E402


def build(db: Path, rows: int) -> None:
    # Rows go in without the search index (export does not read it), to build a million quickly.
    archive = Archive(db)
    conn = archive.db.conn
    batch = []
    for number in range(rows):
        item = ArticleItem(site="bench", story_code=str(number), url=f"https://example.org/{number}",
                           title=f"Story {number}", body="A short body of a story.\n\nSecond paragraph.",
                           tags=["a", "b"], published=f"2024-01-01T00:00:{number % 60:02d}Z")
        row = {**Archive.article_row(item), "first_seen": "x", "last_seen": "x"}
        batch.append(Archive._values(row, Archive._NEW_COLUMNS))
        if len(batch) == 10000:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(Archive._insert_sql, batch)
            conn.execute("COMMIT")
            batch.clear()
    if batch:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(Archive._insert_sql, batch)
        conn.execute("COMMIT")
    archive.close()


def export(db: Path, fmt: str) -> tuple[int, float]:
    started = time.perf_counter()
    with open(os.devnull, "w") as sink:
        process = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "export", "--db", str(db), "--format", fmt],
                                   stdout=sink, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit("export failed")
    return usage.ru_maxrss // 1024, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10000, 1000000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'rows':>10} {'format':>6} {'peak MiB':>9} {'seconds':>8}")
        for rows in args.rows:
            db = Path(tmp) / f"archive-{rows}.db"
            build(db, rows)
            for fmt in ("jsonl", "csv"):
                peak, seconds = export(db, fmt)
                print(f"{rows:>10} {fmt:>6} {peak:>9} {seconds:>8.1f}")


if __name__ == "__main__":
    main()
