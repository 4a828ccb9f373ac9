import os
import signal
import subprocess
import sys
import textwrap

from newsarchive.archive import ARTICLE_COLUMNS, Archive
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
        archive.db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
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
        assert set(columns) == set(ARTICLE_COLUMNS)
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
