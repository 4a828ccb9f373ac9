import csv
import os
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from newsarchive.archive import queries
from newsarchive.cli import cli, sparkline


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_stats(fixture_archive):
    result = run("stats", "--db", fixture_archive)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "islamtimes: 13 stories (1 undated)"
    assert "published  2022-11-05T13:00:00Z .. 2022-11-08T09:00:00Z" in result.output
    assert "last run   #1 " in result.output and "(finished)" in result.output
    chart = next(line for line in lines if "per day" in line)
    assert "2022-10-26 .. 2022-11-08: 12 stories, at most 6 a day" in chart


def test_sparkline_scales_to_the_busiest_day():
    assert sparkline([0, 1, 2, 4]) == "·▂▄█"
    assert sparkline([0, 0]) == "··"


def test_search_with_snippet_and_filters(fixture_archive):
    result = run("search", "Pyongyang", "--db", fixture_archive)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("islamtimes/1023423  2022-11-08  North Korea Denies")
    assert "[Pyongyang]" in result.output
    hits = json.loads(run("search", "Russia", "--db", fixture_archive, "--json", "--limit", 3).output)
    assert 1 <= len(hits) <= 3 and all(set(h) >= {"story_code", "snippet", "title"} for h in hits)
    assert run("search", "Pyongyang", "--db", fixture_archive, "--since", "2022-11-09").output == "no story matches\n"
    assert run("search", "Pyongyang", "--db", fixture_archive, "--site", "other").output == "no story matches\n"


def test_search_lists_the_newest_archived_first_and_the_best_first_when_asked(fixture_archive):
    import sqlite3

    conn = sqlite3.connect(fixture_archive)
    # Every story with 'the', by the order the archive stored them, newest first.
    stored = [code for (code,) in conn.execute(
        "SELECT a.story_code FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
        " WHERE articles_fts MATCH 'the' ORDER BY articles_fts.rowid DESC")]
    best = [code for (code,) in conn.execute(
        "SELECT a.story_code FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
        " WHERE articles_fts MATCH 'the' ORDER BY rank")]
    assert len(stored) > 3 and stored != best
    newest = json.loads(run("search", "the", "--db", fixture_archive, "--json", "--limit", 100).output)
    ranked = json.loads(run("search", "the", "--db", fixture_archive, "--json", "--limit", 100, "--rank").output)
    assert [h["story_code"] for h in newest] == stored and [h["story_code"] for h in ranked] == best


def test_bad_search_query_is_a_usage_error_not_a_traceback(fixture_archive):
    result = run("search", '"unbalanced', "--db", fixture_archive)
    assert result.exit_code == 2
    assert "Error: '\"unbalanced' is not a search FTS5 understands" in result.output


def test_show_story_with_aliases_and_revisions(fixture_archive):
    result = run("show", "1023425", "--db", fixture_archive)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Biden Administration Privately Asks US Banks to Keep Working with Russia\n")
    assert "http://islamtimes.org/en/doc/news/1023425/?utm_source=dlvr.it&utm_medium=twitter" in result.output
    assert "revisions: 0" in result.output
    assert "field sources: story_code url, url site, title site, lead site, body site, published site" in result.output
    story = json.loads(run("show", "1023423", "--db", fixture_archive, "--json").output)
    assert story["story_code"] == "1023423" and story["tags"][0] == "North Korea" and story["revisions"] == []
    assert story["field_sources"]["body"] == "site" and story["field_sources"]["tags"] == "meta"
    missing = run("show", "999", "--db", fixture_archive)
    assert missing.exit_code == 1 and "no story 999" in missing.output


def test_export_jsonl_and_csv(fixture_archive, tmp_path):
    lines = run("export", "--db", fixture_archive).output.splitlines()
    stories = [json.loads(line) for line in lines]
    assert len(stories) == 13 and isinstance(stories[0]["tags"], list)
    out = tmp_path / "stories.csv"
    assert run("export", "--db", fixture_archive, "--format", "csv", "-o", out).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 13 and {r["story_code"] for r in rows} >= {"1023423", "1023470"}
    window = run("export", "--db", fixture_archive, "--since", "2022-11-07", "--until", "2022-11-08").output
    assert {json.loads(line)["story_code"] for line in window.splitlines()} == {"1023409", "1023412", "1023415"}


def test_export_streams_from_a_cursor(fixture_archive):
    conn = queries.open_readonly(fixture_archive)
    _, rows = queries.export_rows(conn)
    assert isinstance(rows, sqlite3.Cursor)  # rows are read as written, never all held


def test_runs(fixture_archive):
    result = run("runs", "--db", fixture_archive)
    assert result.exit_code == 0, result.output
    assert "finished" in result.output and "islamtimes" in result.output
    (row,) = json.loads(run("runs", "--db", fixture_archive, "--json").output)
    assert row["items_new"] == 13 and row["finish_reason"] == "finished"


@pytest.mark.parametrize("command", ["stats", "search x", "show 1", "export", "runs"])
def test_missing_or_foreign_database_is_a_clear_error(tmp_path, command):
    missing = run(*command.split(), "--db", tmp_path / "none.db")
    assert missing.exit_code == 1 and "Error: no archive at" in missing.output
    assert not (tmp_path / "none.db").exists()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 10)
    result = run(*command.split(), "--db", junk)
    assert result.exit_code == 1 and "is not an SQLite database" in result.output
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE things (x)").connection.commit()
    result = run(*command.split(), "--db", other)
    assert result.exit_code == 1 and "is not a newsarchive archive" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "x", "--since", "garbage"], "Invalid value for '--since': 'garbage' is not a date as YYYY-MM-DD"),
        (["export", "--since", "2022-13-45"], "Invalid value for '--since': '2022-13-45' is not a date as YYYY-MM-DD"),
        (["export", "--until", "tomorrow"], "Invalid value for '--until'"),
        (["stats", "--days", "0"], "Invalid value for '--days': 0 is not in the range 1<=x<=3660"),
        (["stats", "--days", "-5"], "Invalid value for '--days'"),
        (["stats", "--days", "100000000"], "Invalid value for '--days'"),
        (["search", "x", "--limit", "-1"], "Invalid value for '--limit'"),
        (["search", "*"], "'*' is not a search FTS5 understands"),
        (["search", '"unclosed'], "FTS5 queries are words (all must match), \"a phrase\", prefix*"),
    ],
)
def test_bad_options_are_usage_errors_naming_the_option(fixture_archive, args, message):
    result = run(*args, "--db", fixture_archive)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_reading_leaves_nothing_behind(fixture_archive, tmp_path):
    import shutil

    db = tmp_path / "copy.db"
    shutil.copy(fixture_archive, db)
    for command in (["stats"], ["search", "Pyongyang"], ["show", "1023423"], ["export"], ["runs"], ["health"]):
        result = run(*command, "--db", db)
        assert result.exit_code in (0, 1), result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db"]


def test_a_foreign_or_broken_file_is_named_not_traced(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    result = run("stats", "--db", text)
    assert result.exit_code == 1 and "is not an SQLite database, so not a newsarchive archive" in result.output
    result = run("stats", "--db", tmp_path)
    assert result.exit_code == 2 or "is a directory" in result.output


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a read-only file system needs root (CI runs as root)")
def test_an_archive_on_a_read_only_file_system_reads(fixture_archive, tmp_path):
    import shutil
    import subprocess

    mount = tmp_path / "ro"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=True)
    try:
        shutil.copy(fixture_archive, mount / "archive.db")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        result = run("stats", "--db", mount / "archive.db")
        assert result.exit_code == 0, result.output
        assert result.output.startswith("islamtimes: 13 stories")
        assert run("search", "Pyongyang", "--db", mount / "archive.db").exit_code == 0
        assert sorted(p.name for p in mount.iterdir()) == ["archive.db"]
    finally:
        subprocess.run(["umount", str(mount)], check=True)
