"""The archive's lookups read what they need from indexes, not whole rows
(EXPLAIN QUERY PLAN on a real archive)."""

from __future__ import annotations

import sqlite3

from newsarchive.archive import Archive
from newsarchive.archive.schema import SCHEMA_VERSION
from newsarchive.items import ArticleItem


def plan(conn, sql: str, params=()) -> str:
    return " / ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def filled(path) -> Archive:
    archive = Archive(path)
    for number in range(50):
        archive.stage_article(ArticleItem(site="s", story_code=str(1000 + number), url=f"https://s/{number}",
                                          title="T", body="B " * 500, published=f"2024-05-{1 + number % 28:02d}T00:00:00Z",
                                          fetched_at="2024-06-01T00:00:00Z"))
    archive.flush()
    archive.db.execute("ANALYZE")
    return archive


def test_the_already_archived_lookup_reads_the_index_alone(tmp_path):
    archive = filled(tmp_path / "a.db")
    statements: list[str] = []
    archive.db.conn.set_trace_callback(statements.append)
    assert archive.story_state("s", "1001").archived
    archive.db.conn.set_trace_callback(None)
    lookup = next(sql for sql in statements if "first_seen" in sql)
    assert "USING COVERING INDEX" in plan(archive.db.conn, lookup)
    archive.close()


def test_show_without_a_site_and_a_sites_export_use_indexes(tmp_path):
    archive = filled(tmp_path / "a.db")
    conn = archive.db.conn
    assert "USING INDEX idx_articles_story_code" in plan(conn, "SELECT * FROM articles WHERE story_code = ?", ["1001"])
    export = plan(conn, "SELECT * FROM articles WHERE site = ? ORDER BY published, site, story_code", ["s"])
    assert "idx_articles_site_published_story_code" in export and "TEMP B-TREE" not in export
    archive.close()


def test_an_older_archive_gets_the_indexes_when_opened(tmp_path):
    path = tmp_path / "old.db"
    filled(path).close()
    conn = sqlite3.connect(path)
    for name in ("idx_articles_story_code", "idx_articles_site_published_story_code",
                 "idx_articles_site_story_code_published_first_seen"):
        conn.execute(f"DROP INDEX {name}")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    Archive(path).close()
    conn = sqlite3.connect(path)
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"idx_articles_story_code", "idx_articles_site_published_story_code",
            "idx_articles_site_story_code_published_first_seen"} <= names
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 50
