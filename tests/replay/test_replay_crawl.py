"""``scrapy crawl islamtimes -s NEWSARCHIVE_REPLAY=fixtures/islamtimes``: the
documented offline run, through Scrapy's downloader path into the archive."""

import sqlite3

from newsarchive.replay.expected import comparable
from tests.conftest import FIXTURES, load_expected, run_crawl
from tests.helpers import stored_rows


def test_replay_crawl_archives_every_expected_story(tmp_path, saved_site):
    db = tmp_path / "archive.db"
    result = run_crawl(db, "lang=en,ur", settings={"NEWSARCHIVE_REPLAY": str(FIXTURES)})
    assert result.returncode == 0, result.log
    assert "Replaying" in result.log and not result.lines("ERROR"), result.log
    rows = stored_rows(db)
    expected = {e["story_code"]: e for p in saved_site if p.expected and "story_code" in (e := load_expected(p))}
    assert set(rows) == set(expected)
    for code, row in rows.items():
        assert comparable(row) == expected[code], code


def test_replay_answers_404_for_unsaved_pages_and_never_the_network(tmp_path):
    db = tmp_path / "archive.db"
    result = run_crawl(
        db,
        "start_urls=https://www.islamtimes.com/en/news/1/not-saved",
        settings={"NEWSARCHIVE_REPLAY": str(FIXTURES)},
    )
    assert result.returncode == 0
    assert "No saved page for https://www.islamtimes.com/en/news/1/not-saved" in result.log
    assert "<404 https://www.islamtimes.com/en/news/1/not-saved>" in result.log
    assert sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0] == 0
