"""The full-text index follows the articles table: new rows are indexed per
batch, edits of title, lead or body re-index a row, deletes remove it."""

import sqlite3

import sqlite_utils

from newsarchive.archive import Archive
from tests.helpers import search_archive
from newsarchive.archive.schema import SCHEMA_VERSION, ensure_schema
from newsarchive.items import ArticleItem


def index_matches_articles(archive: Archive) -> None:
    # rank 1: also checks the index against the articles table, so a row
    # indexed twice, never, or with other text fails.
    archive.db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)")


def found(archive: Archive, query: str) -> list[str]:
    return sorted(row["story_code"] for row in search_archive(archive.path, query))


def story(code: str, body: str, fetched_at: str = "2024-01-01T00:00:00Z") -> ArticleItem:
    return ArticleItem(site="s", story_code=code, title=f"Title {code}", body=body, fetched_at=fetched_at)


def test_new_stories_are_searchable_after_each_flush(archive):
    archive.stage_article(story("1", "Pyongyang denies the report."))
    archive.stage_article(story("2", "Talks resume in Geneva."))
    archive.flush()
    archive.stage_article(story("3", "Geneva hosts a second round."))
    archive.flush()
    index_matches_articles(archive)
    assert found(archive, "Geneva") == ["2", "3"]
    assert found(archive, "Pyongyang") == ["1"]
    assert found(archive, '"second round"') == ["3"]


def test_an_edited_story_is_found_by_its_new_text_only(archive):
    archive.stage_article(story("1", "The minister resigned on Monday."))
    archive.flush()
    assert archive.stage_article(story("1", "The minister stayed in office.")) == "updated"
    archive.flush()
    index_matches_articles(archive)
    assert found(archive, "resigned") == []
    assert found(archive, "stayed") == ["1"]


def test_refetches_and_gone_marks_keep_the_index_whole(archive):
    archive.stage_article(story("1", "Unchanged text."))
    archive.stage_article(story("2", "Soon gone."))
    archive.flush()
    assert archive.stage_article(story("1", "Unchanged text.", fetched_at="2024-02-01T00:00:00Z")) == "unchanged"
    archive.stage_drop("s", "2", "https://example.org/2", "gone")
    archive.flush()
    index_matches_articles(archive)
    assert archive.story("s", "1")["last_seen"] == "2024-02-01T00:00:00Z"
    assert archive.story("s", "2")["gone_at"]
    assert found(archive, "gone") == ["2"] and found(archive, "unchanged") == ["1"]


def test_a_story_stored_meanwhile_is_updated_not_doubled(archive):
    # A batch staged as new can meet a row another path stored since.
    archive.stage_article(story("1", "First version."))
    other = Archive(archive.path)
    other.stage_article(story("1", "Stored meanwhile."))
    other.close()
    archive.flush()
    index_matches_articles(archive)
    assert archive.db["articles"].count == 1
    assert found(archive, "first") == ["1"] and found(archive, "meanwhile") == []


def test_deleted_rows_leave_the_index(archive):
    archive.stage_article(story("1", "Delete me."))
    archive.stage_article(story("2", "Keep me."))
    archive.flush()
    archive.db.execute("DELETE FROM articles WHERE story_code = '1'")
    index_matches_articles(archive)
    assert found(archive, "me") == ["2"]


def test_an_archive_indexed_by_row_triggers_is_taken_over(tmp_path):
    # Archives before schema 5 were indexed by sqlite-utils' per-row triggers.
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(str(path))
    ensure_schema(db)
    for name in ("articles_ai", "articles_ad", "articles_au", "articles_text_edited"):
        db.execute(f"DROP TRIGGER IF EXISTS [{name}]")
    db["articles"].disable_fts()
    db["articles"].enable_fts(["title", "lead", "body"], create_triggers=True)
    db["articles"].insert({"site": "s", "story_code": "1", "title": "Old", "body": "Archived before."})
    db.execute("PRAGMA user_version = 4")
    db.conn.commit()
    db.close()

    archive = Archive(path)
    try:
        triggers = {row[0] for row in archive.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert "articles_ai" not in triggers and "articles_au" not in triggers
        archive.stage_article(story("2", "Archived after."))
        assert archive.stage_article(story("1", "Archived before, edited.")) == "updated"
        archive.flush()
        index_matches_articles(archive)
        assert found(archive, "archived") == ["1", "2"]
        assert found(archive, "edited") == ["1"]
    finally:
        archive.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
