"""``newsarchive merge``: shards from separate crawls become one archive
through the write path — stories with their times, revisions, aliases,
drops, runs and the search index — and merging twice changes nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from newsarchive.archive.history import versions
from newsarchive.cli import cli
from newsarchive.replay.server import MirrorServer
from tests.conftest import FIXTURES, ROOT, _limit_file_size, run_crawl
from tests.helpers import EDITED_URL, NEW_SENTENCE, OLD_SENTENCE, start_urls

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
    assert " = 0 new + 0 updated + 0 unchanged + " in output and "; 0 refetches; " in output
    assert " = 0 merged + " in output and " = 0 added + " in output


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
    assert [(v.seen, v.fields["title"], v.fields["body"]) for v in versions(story, revisions)] == [
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


def test_the_merge_line_accounts_for_every_version_drop_and_run_of_a_shard(tmp_path):
    """Worked by hand. The target holds A as first fetched, C fetched later
    than the shard did, and D; the shard holds A and B with a revision each,
    C refetched unchanged after the target's fetch, D fetched again
    unchanged, two drops (one the target holds) and one run."""
    from newsarchive.archive import Archive
    from newsarchive.items import ArticleItem, StoryAsset

    t1, t2, t3, t4 = (f"2024-07-0{day}T00:00:00Z" for day in (1, 2, 3, 4))

    def story(code, title, when):
        return ArticleItem(site="s", story_code=code, url=f"https://s/news/{code}", title=title,
                           body=f"Body of {code}.", fetched_at=when)

    target, shard = Archive(tmp_path / "target.db", lock=True), Archive(tmp_path / "shard.db", lock=True)
    for item in (story("A", "A one", t1), story("C", "C", t3), story("D", "D", t1)):
        target.stage_article(item)
    target.stage_drop("s", "X1", "https://s/news/X1", "no_body", seen=t1)
    target.flush()
    for item in (story("A", "A one", t1), story("B", "B one", t1), story("C", "C", t1)):
        shard.stage_article(item)
    shard.stage_drop("s", "X1", "https://s/news/X1", "no_body", seen=t1)
    shard.stage_drop("s", "X2", "https://s/news/X2", "no_body", seen=t2)
    shard.stage_aliases("s", "Z", ["https://s/news/Z"])  # a story another shard holds
    shard.flush()
    for item in (story("A", "A two", t2), story("B", "B two", t2), story("C", "C", t4), story("D", "D", t2)):
        shard.stage_article(item)
    shard.flush()
    shard.finish_run(shard.start_run("islamtimes", "s", {}), finish_reason="finished")
    # Two images: one the target holds already (its own capture stays), one new to it.
    target_image = StoryAsset("s", "A", "https://s/a.jpg", "image/jpeg", "target.warc.gz", 10)
    shard.stage_asset(StoryAsset("s", "A", "https://s/a.jpg", "image/jpeg", "shard.warc.gz", 20), t1)
    shard.stage_asset(StoryAsset("s", "B", "https://s/b.png", "image/png", "shard.warc.gz", 30), t2)
    shard.flush()
    target.stage_asset(target_image, t1)
    target.flush()
    for archive in (target, shard):
        archive.close()

    output = merge(tmp_path / "shard.db", into=tmp_path / "target.db")
    # Versions: A t1 (held: the target's), A t2 (updated), B t1 (new), B t2
    # (updated), C t1 (held: the target's is later), D t2 (unchanged) = 6 of
    # 4 stories; C's last sight at t4 moves the target's (a refetch).
    assert output.strip() == (
        f"{tmp_path / 'shard.db'}: 6 story versions (4 stories) = 1 new + 2 updated + 1 unchanged + 2 already held;"
        " 1 refetches; 2 drops = 1 merged + 1 already held; 1 runs = 1 added + 0 already held;"
        " 2 images = 1 merged + 1 already held; 1 URLs of stories other shards hold")
    assert sqlite3.connect(tmp_path / "target.db").execute(
        "SELECT url, site, story_code, content_type, capture_file, capture_offset, fetched_at FROM assets ORDER BY url"
    ).fetchall() == [("https://s/a.jpg", "s", "A", "image/jpeg", "target.warc.gz", 10, t1),
                     ("https://s/b.png", "s", "B", "image/png", "shard.warc.gz", 30, t2)]
    again = merge(tmp_path / "shard.db", into=tmp_path / "target.db")
    # Merged again: D's t2 version is newer than the target's fetch (t1: an
    # unchanged fetch moves only its last sight), so staged unchanged again.
    assert ": 6 story versions (4 stories) = 0 new + 0 updated + 1 unchanged + 5 already held; 0 refetches;" \
           " 2 drops = 0 merged + 2 already held; 1 runs = 0 added + 1 already held;" \
           " 2 images = 0 merged + 2 already held;" in again
