"""``newsarchive export --format parquet``: stories, aliases and revisions
as Parquet files with declared types, read back with DuckDB."""

from __future__ import annotations

import json
import sqlite3

import duckdb
import pytest
from click.testing import CliRunner

from newsarchive.archive import Archive
from newsarchive.cli import cli
from newsarchive.items import ArticleItem
from tests.conftest import FIXTURES, run_crawl


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The fixture crawl, and one story edited since (a revision)."""
    db = tmp_path_factory.mktemp("parquet") / "archive.db"
    assert run_crawl(db, "lang=en,ur", settings={"NEWSARCHIVE_REPLAY": str(FIXTURES)}).returncode == 0
    writer = Archive(db, lock=True)
    row = writer.story("islamtimes", "1023423")
    columns = {k: v for k, v in row.items() if k in ArticleItem.__dataclass_fields__}
    writer.stage_article(ArticleItem(**{**columns, "body": row["body"] + "\n\nA paragraph added later.",
                                        "fetched_at": "2099-01-01T00:00:00Z"}))
    writer.close()
    return db


def export(db, folder, *args):
    return CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "parquet", "-o", str(folder), *args])


def test_the_three_files_hold_the_archives_rows_with_declared_types(archive, tmp_path):
    result = export(archive, tmp_path / "out")
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(archive)
    stories, aliases, revisions = (conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                   for t in ("articles", "aliases", "revisions"))
    assert result.output.strip() == f"{stories} stories, {aliases} aliases, {revisions} revisions in {tmp_path / 'out'}/"
    assert stories > 10 and aliases > stories and revisions == 1
    db = duckdb.connect()
    read = lambda name: f"read_parquet('{tmp_path / 'out' / name}.parquet')"  # noqa: E731
    types = dict(db.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {read('stories')})").fetchall())
    assert (types["title"], types["capture_offset"], types["sidebar_removed"], types["authors"], types["tags"]) == (
        "VARCHAR", "BIGINT", "BIGINT", "VARCHAR[]", "VARCHAR[]")
    # Every story, value for value: lists as lists, the rest as stored.
    stored = {r[0]: r for r in conn.execute("SELECT story_code, title, body, published, tags, sidebar_removed,"
                                            " field_sources FROM articles")}
    exported = {r[0]: r for r in db.execute(f"SELECT story_code, title, body, published, tags, sidebar_removed,"
                                             f" field_sources FROM {read('stories')}").fetchall()}
    assert exported.keys() == stored.keys()
    for code, row in stored.items():
        assert exported[code] == (*row[:4], json.loads(row[4]), row[5], row[6])
    (changed, previous), = db.execute(f"SELECT changed, previous FROM {read('revisions')}").fetchall()
    assert changed == ["body"] and "A paragraph added later." not in json.loads(previous)["body"]
    assert db.execute(f"SELECT count(DISTINCT url) FROM {read('aliases')}").fetchone()[0] == aliases


def test_a_sites_export_holds_its_stories_aliases_and_revisions_only(archive, tmp_path):
    result = export(archive, tmp_path / "out", "--site", "islamtimes", "--since", "2022-11-08")
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(archive)
    codes = {r[0] for r in conn.execute("SELECT story_code FROM articles WHERE published >= '2022-11-08'")}
    db = duckdb.connect()
    for name in ("stories", "aliases", "revisions"):
        found = {r[0] for r in db.execute(
            f"SELECT story_code FROM read_parquet('{tmp_path / 'out' / name}.parquet')").fetchall()}
        assert found <= codes and (found or name == "revisions")
    assert {r[0] for r in db.execute(
        f"SELECT story_code FROM read_parquet('{tmp_path / 'out' / 'stories.parquet'}')").fetchall()} == codes


def test_parquet_needs_a_folder_of_its_own(archive, tmp_path):
    assert "give it with -o FOLDER" in CliRunner().invoke(
        cli, ["export", "--db", str(archive), "--format", "parquet"]).output
    (tmp_path / "notes.txt").write_text("mine")
    refused = export(archive, tmp_path)
    assert refused.exit_code == 2 and "a folder holding other files" in refused.output
    assert (tmp_path / "notes.txt").read_text() == "mine"
