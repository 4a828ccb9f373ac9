"""Per-site, per-day story counts kept by the archive in the transaction
that writes the stories, so that ``stats`` never reads the stories."""

from __future__ import annotations

import sqlite3

from newsarchive.archive import Archive
from newsarchive.archive.queries import open_readonly, site_stats
from newsarchive.items import ArticleItem


def story(code: str, published: str | None, site: str = "s", title: str = "T") -> ArticleItem:
    return ArticleItem(site=site, story_code=code, url=f"https://{site}/{code}", title=title, body="B " * 50,
                       published=published, fetched_at="2024-06-01T00:00:00Z")


def counts(path) -> dict[tuple[str, str], int]:
    conn = sqlite3.connect(path)
    try:
        return {(site, day): n for site, day, n in conn.execute("SELECT site, day, stories FROM story_counts") if n}
    finally:
        conn.close()


def counted_row_by_row(path) -> dict[tuple[str, str], int]:
    conn = sqlite3.connect(path)
    try:
        return {(site, day): n for site, day, n in conn.execute(
            "SELECT site, coalesce(substr(published, 1, 10), ''), count(*) FROM articles GROUP BY 1, 2")}
    finally:
        conn.close()


def test_counts_follow_new_stories_edits_of_the_date_and_deletions(tmp_path):
    path = tmp_path / "a.db"
    archive = Archive(path)
    for code, published in (("1", "2024-05-01T10:00:00Z"), ("2", "2024-05-01T11:00:00Z"), ("3", None)):
        archive.stage_article(story(code, published))
    archive.stage_article(story("9", "2024-05-02T00:00:00Z", site="t"))
    archive.flush()
    assert counts(path) == {("s", "2024-05-01"): 2, ("s", ""): 1, ("t", "2024-05-02"): 1}
    # A refetch that finds a new date moves the story from one day to the
    # other; one that changes only the title moves nothing.
    archive.stage_article(story("3", "2024-05-03T08:00:00Z"))
    archive.stage_article(story("1", "2024-05-01T10:00:00Z", title="Edited"))
    archive.flush()
    assert counts(path) == {("s", "2024-05-01"): 2, ("s", "2024-05-03"): 1, ("t", "2024-05-02"): 1}
    archive.db.execute("DELETE FROM articles WHERE site = 't'")
    archive.db.conn.commit()
    assert counts(path) == counted_row_by_row(path) == {("s", "2024-05-01"): 2, ("s", "2024-05-03"): 1}
    archive.close()


def test_stats_reads_counts_and_index_ends_not_stories(tmp_path):
    path = tmp_path / "a.db"
    archive = Archive(path)
    for number in range(30):
        archive.stage_article(story(str(number), f"2024-05-{1 + number % 10:02d}T0{number % 9}:00:00Z"))
    archive.stage_article(story("undated", None))
    archive.flush()
    archive.close()
    conn = open_readonly(path)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    [entry] = site_stats(conn, days=3)
    conn.set_trace_callback(None)
    assert (entry["stories"], entry["undated"]) == (31, 1)
    assert (entry["first"], entry["last"]) == ("2024-05-01T00:00:00Z", "2024-05-10T02:00:00Z")
    assert entry["per_day"] == [("2024-05-08", 3), ("2024-05-09", 3), ("2024-05-10", 3)]
    for sql in statements:
        plan = " / ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", [] if "?" not in sql else ["s"] * sql.count("?")))
        assert "SCAN articles" not in plan and "SCAN TABLE articles" not in plan, (sql, plan)


def test_an_archive_from_before_the_counts_is_counted_once_when_opened(tmp_path):
    path = tmp_path / "old.db"
    archive = Archive(path)
    for number in range(12):
        archive.stage_article(story(str(number), f"2024-05-0{1 + number % 3}T00:00:00Z" if number % 4 else None))
    archive.flush()
    archive.close()
    conn = sqlite3.connect(path)
    for trigger in ("articles_uncounted", "articles_recounted"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE story_counts")
    conn.execute("PRAGMA user_version = 6")
    conn.commit()
    conn.close()
    # Read-only, it is counted row by row (and not changed).
    [entry] = site_stats(open_readonly(path))
    assert (entry["stories"], entry["undated"]) == (12, 3)
    Archive(path).close()
    assert counts(path) == counted_row_by_row(path) and sum(counts(path).values()) == 12
