import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from newsarchive.archive.lock import site_lock_path
from newsarchive.archive import ARTICLE_COLUMNS, Archive, ArchiveBusy, StoryState
from newsarchive.items import ArticleItem
from tests.conftest import ROOT

WRITER = textwrap.dedent(
    """
    import sys
    from newsarchive.archive import Archive
    from newsarchive.items import ArticleItem

    archive = Archive(sys.argv[1])
    code = 0
    while True:
        for _ in range(100):
            code += 1
            archive.stage_article(ArticleItem(site="s", story_code=str(code), title="t", body="b" * 2000))
            archive.stage_aliases("s", str(code), [f"https://example.org/{code}"])
        archive.flush()
        print(code, flush=True)
    """
)


def test_killed_writer_loses_at_most_the_unflushed_batch(tmp_path):
    db = tmp_path / "archive.db"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    flushed = [int(writer.stdout.readline()) for _ in range(5)]
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    archive = Archive(db)
    try:
        assert archive.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        archive.db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)")
        count = archive.db["articles"].count
        # Whole batches only, and at least every batch reported as flushed.
        assert count % 100 == 0 and count >= flushed[-1]
        assert archive.db["aliases"].count == count
    finally:
        archive.close()


def test_schema_has_every_item_field_but_aliases(tmp_path):
    archive = Archive(tmp_path / "a.db")
    try:
        columns = archive.db["articles"].columns_dict
        assert set(columns) == set(ARTICLE_COLUMNS) | {"first_seen", "last_seen", "gone_at"}
        assert "aliases" not in columns and "body" in columns
        assert archive.db["articles"].pks == ["site", "story_code"]
        assert archive.db.execute("PRAGMA user_version").fetchone()[0] >= 1
    finally:
        archive.close()


def test_reopening_adds_missing_columns_and_keeps_rows(tmp_path):
    path = tmp_path / "a.db"
    archive = Archive(path)
    archive.stage_article(ArticleItem(site="s", story_code="1", title="kept"))
    archive.close()
    raw = Archive(path).db
    raw.execute("ALTER TABLE articles DROP COLUMN kicker")
    raw.close()
    archive = Archive(path)
    try:
        assert "kicker" in archive.db["articles"].columns_dict
        assert archive.db.execute("SELECT title FROM articles").fetchone()[0] == "kept"
    finally:
        archive.close()


def test_a_failed_flush_writes_nothing_and_keeps_the_batch(tmp_path):
    archive = Archive(tmp_path / "a.db")
    archive.stage_article(ArticleItem(site="s", story_code="1", title="first"))
    archive.flush()
    archive.stage_article(ArticleItem(site="s", story_code="2", title="second"))
    archive.stage_article(ArticleItem(site=None, story_code="3", title="violates NOT NULL"))
    try:
        archive.flush()
    except Exception:
        pass
    else:
        raise AssertionError("the flush should have failed")
    assert [r[0] for r in archive.db.execute("SELECT story_code FROM articles")] == ["1"]
    assert archive.pending == 2
    archive.db.close()


def test_refetch_outcomes_new_updated_unchanged(tmp_path):
    archive = Archive(tmp_path / "a.db")
    story = dict(site="s", story_code="1", title="Old title", body="Body", tags=["a"], fetched_at="2024-01-01T00:00:00Z")
    assert archive.stage_article(ArticleItem(**story)) == "new"
    archive.flush()
    same = {**story, "fetched_at": "2024-01-02T00:00:00Z", "related": [{"title": "ignored"}]}
    assert archive.stage_article(ArticleItem(**same)) == "unchanged"
    archive.flush()
    row = archive.story("s", "1")
    assert (row["first_seen"], row["last_seen"], row["fetched_at"]) == (
        "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-01T00:00:00Z"
    )
    edited = {**story, "title": "New title", "tags": ["a", "b"], "fetched_at": "2024-01-03T00:00:00Z"}
    assert archive.stage_article(ArticleItem(**edited)) == "updated"
    archive.flush()
    row = archive.story("s", "1")
    assert (row["title"], row["tags"], row["first_seen"]) == ("New title", ["a", "b"], "2024-01-01T00:00:00Z")
    (revision,) = archive.db["revisions"].rows
    assert revision["fetched_at"] == "2024-01-03T00:00:00Z"
    assert json.loads(revision["changed"]) == ["title", "tags"]
    assert json.loads(revision["previous"]) == {"title": "Old title", "tags": ["a"]}
    archive.close()


def test_drops_are_recorded_with_attempts(tmp_path):
    archive = Archive(tmp_path / "a.db")
    archive.stage_drop("s", "7", "https://example.org/7", "no_body", "empty container")
    archive.flush()
    archive.stage_drop("s", "7", "https://example.org/7", "no_body", "empty container")
    archive.flush()
    (row,) = archive.db["dropped"].rows
    assert (row["reason"], row["attempts"]) == ("no_body", 2)
    assert archive.story_state("s", "7").dropped_reason == "no_body"
    assert archive.story_state("s", "8") == StoryState(archived=False)
    archive.close()


def test_only_one_writer_holds_the_lock(tmp_path):
    path = tmp_path / "a.db"
    writer = Archive(path, lock=True)
    with pytest.raises(ArchiveBusy, match=f"pid {os.getpid()}"):
        Archive(path, lock=True)
    reader = Archive(path)  # readers do not need the lock
    reader.db.close()
    writer.close()
    Archive(path, lock=True).close()


def test_writers_of_different_sites_share_the_archive_but_not_a_site(tmp_path):
    path = tmp_path / "a.db"
    first = Archive(path, lock=True, site="islamtimes")
    second = Archive(path, lock=True, site="avapress")  # another site: at the same time
    with pytest.raises(ArchiveBusy, match=f"another crawl of islamtimes is writing .*pid {os.getpid()}"):
        Archive(path, lock=True, site="islamtimes")
    with pytest.raises(ArchiveBusy, match="another crawl or command is writing"):
        Archive(path, lock=True)  # the whole archive waits for no crawl
    for archive, code in ((first, "1"), (second, "2")):
        archive.stage_article(ArticleItem(site=archive.lock.site, story_code=code, url=f"https://s/{code}", title="T",
                                          body="B", fetched_at="2024-06-01T00:00:00Z"))
        archive.flush()
    first.close()
    second.close()
    whole = Archive(path, lock=True)
    with pytest.raises(ArchiveBusy, match="a command is writing the whole of"):
        Archive(path, lock=True, site="islamtimes")
    assert whole.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    whole.close()


def test_a_site_key_becomes_a_plain_lock_file_name(tmp_path):
    archive = tmp_path / "a.db"
    for site in ("www.example.org", "127.0.0.1:8080", "../../etc/passwd", ".hidden"):
        path = site_lock_path(archive, site)
        assert path.parent == tmp_path and path.name.startswith("a.db.site-") and "/" not in path.name[len("a.db."):]
    assert site_lock_path(archive, "www.example.org").name == "a.db.site-www.example.org.lock"
    assert site_lock_path(archive, "a:b") != site_lock_path(archive, "a_b")


def test_lock_of_a_killed_process_is_free(tmp_path):
    path = tmp_path / "a.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from newsarchive.archive import Archive; a = Archive({str(path)!r}, lock=True); print('held', flush=True); input()"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(ArchiveBusy):
        Archive(path, lock=True)
    holder.kill()
    holder.wait()
    Archive(path, lock=True).close()


def test_runs_started_and_finished_and_interrupted(tmp_path):
    archive = Archive(tmp_path / "a.db")
    first = archive.start_run("islamtimes", "islamtimes", {"lang": "en"})
    second = archive.start_run("islamtimes", "islamtimes", {})  # the first never finished
    archive.finish_run(second, finish_reason="finished", requests=3, responses_by_status={"200": 3})
    rows = {r["id"]: r for r in archive.db["runs"].rows}
    assert rows[first]["finish_reason"] == "interrupted" and rows[first]["finished_at"] is None
    assert rows[second]["finish_reason"] == "finished" and rows[second]["finished_at"]
    assert json.loads(rows[second]["responses_by_status"]) == {"200": 3}
    assert json.loads(rows[first]["arguments"]) == {"lang": "en"}
    archive.close()
