"""``newsarchive merge``: shards from separate crawls become one archive
through the write path — stories with their times, revisions, aliases,
drops, runs and the search index — and merging twice changes nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from newsarchive.archive.merge import versions
from newsarchive.cli import cli
from newsarchive.replay.server import MirrorServer
from tests.conftest import FIXTURES, ROOT, _limit_file_size, run_crawl
from tests.spiders.test_scheduled_runs import EDITED_URL, NEW_SENTENCE, OLD_SENTENCE, start_urls

TABLES = {
    "articles": "SELECT * FROM articles ORDER BY site, story_code",
    "revisions": "SELECT site, story_code, fetched_at, changed, previous FROM revisions ORDER BY site, story_code, fetched_at",
    "aliases": "SELECT url, site, story_code FROM aliases ORDER BY url",
    "dropped": "SELECT url, site, story_code, reason, detail, last_seen FROM dropped ORDER BY url",
    "runs": "SELECT spider, site, started_at, finished_at, finish_reason, items_new, items_updated FROM runs ORDER BY started_at, site",
    "story_counts": "SELECT site, day, stories FROM story_counts WHERE stories > 0 ORDER BY site, day",
}


def dump(db) -> dict[str, list]:
    conn = sqlite3.connect(db)
    try:
        return {name: conn.execute(sql).fetchall() for name, sql in TABLES.items()}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    """Islam Times crawled twice with an edit between (a revision), and
    Avapress, each into its own archive."""
    folder = tmp_path_factory.mktemp("shards")
    islamtimes, avapress = folder / "islamtimes.db", folder / "avapress.db"
    with MirrorServer(FIXTURES) as server:
        assert run_crawl(islamtimes, start_urls(server), "lang=en,ur").returncode == 0
        server.replace(EDITED_URL, server.saved.lookup(EDITED_URL).body().replace(OLD_SENTENCE.encode(), NEW_SENTENCE.encode()))
        assert run_crawl(islamtimes, start_urls(server), "lang=en,ur", "recheck_days=100000").returncode == 0
    with MirrorServer(ROOT / "fixtures" / "avapress") as server:
        result = run_crawl(avapress, "site=avapress", f"start_urls={server.origin}/en/rss/allnews", spider="news")
        assert result.returncode == 0, result.log
    return islamtimes, avapress


def merge(*shards, into):
    result = CliRunner().invoke(cli, ["merge", *map(str, shards), "--into", str(into)])
    assert result.exit_code == 0, result.output
    return result.output


def test_merged_archive_holds_each_shard_as_it_was_and_a_second_merge_changes_nothing(shards, tmp_path):
    islamtimes, avapress = shards
    into = tmp_path / "merged.db"
    merge(islamtimes, avapress, into=into)
    merged, first, second = dump(into), dump(islamtimes), dump(avapress)
    for table in TABLES:
        assert sorted(merged[table]) == sorted(first[table] + second[table]), table
    assert len(merged["revisions"]) == 1 and len(merged["runs"]) == 3
    conn = sqlite3.connect(into)
    assert conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')").fetchall() == []
    hits = conn.execute("SELECT a.story_code FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
                        " WHERE articles_fts MATCH 'fertilizer payments only'").fetchall()
    assert hits == [("1023425",)]
    conn.close()
    output = merge(islamtimes, avapress, into=into)
    assert dump(into) == merged
    assert "0 new, 0 updated (versions), 0 unchanged, 0 refetches, 0 drops, 0 runs" in output


def test_a_shard_is_not_merged_into_itself_and_a_foreign_file_is_refused(shards, tmp_path):
    islamtimes, _ = shards
    assert CliRunner().invoke(cli, ["merge", str(islamtimes), "--into", str(islamtimes)]).exit_code == 2
    foreign = tmp_path / "theirs.db"
    sqlite3.connect(foreign).execute("CREATE TABLE notes (x)").connection.commit()
    result = CliRunner().invoke(cli, ["merge", str(islamtimes), "--into", str(foreign)])
    assert result.exit_code == 1 and "not a newsarchive archive" in result.output


def test_a_storys_versions_are_rebuilt_from_its_revisions():
    story = {"title": "Three", "body": "B3", "fetched_at": "t3", "first_seen": "t1"}
    revisions = [{"fetched_at": "t2", "previous": {"title": "One", "body": "B1"}},
                 {"fetched_at": "t3", "previous": {"title": "Two"}}]
    assert [(when, fields["title"], fields["body"]) for when, fields in versions(story, revisions)] == [
        ("t1", "One", "B1"), ("t2", "Two", "B3"), ("t3", "Three", "B3")]


def test_a_merge_that_cannot_write_says_so_in_one_line_and_keeps_the_archive_readable(shards, tmp_path):
    islamtimes, _ = shards
    into = tmp_path / "full.db"
    done = subprocess.run(
        [sys.executable, "-m", "newsarchive.cli", "merge", str(islamtimes), "--into", str(into)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        preexec_fn=lambda: _limit_file_size(150_000),  # a disk that fills up during the merge
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"merging {islamtimes} failed (" in done.stderr and "keeps what was merged before it" in done.stderr
    assert "new," not in done.stdout  # no line claims the shard was merged
    assert sqlite3.connect(into).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_url_one_shard_met_for_a_story_another_shard_holds_is_merged(tmp_path):
    from newsarchive.archive import Archive
    from newsarchive.items import ArticleItem

    holder, other = Archive(tmp_path / "holder.db", lock=True), Archive(tmp_path / "other.db", lock=True)
    story = ArticleItem(site="s", story_code="7", url="https://s/news/7", title="Seven", body="Body of seven.",
                        fetched_at="2024-07-01T00:00:00Z")
    holder.stage_article(story)
    holder.stage_aliases("s", "7", [story.url])
    other.stage_aliases("s", "7", ["https://s/news/7?ref=feed"])  # met it, lost its claim, never fetched it
    for archive in (holder, other):
        archive.close()
    into = tmp_path / "merged.db"
    merge(tmp_path / "other.db", tmp_path / "holder.db", into=into)
    conn = sqlite3.connect(into)
    assert conn.execute("SELECT url, story_code FROM aliases ORDER BY url").fetchall() == [
        ("https://s/news/7", "7"), ("https://s/news/7?ref=feed", "7")]
