"""Every response of a crawl over 127.0.0.1 kept in WARC files; the archive
rebuilt from them with no network; the replay switch reading them."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from newsarchive.capture.reader import iter_captures, warc_files
from newsarchive.cli import cli
from newsarchive.archive.scratch import NewestCaptures
from newsarchive.reparse.captures import StoryCapture
from newsarchive.replay.server import MirrorServer
from tests.conftest import FIXTURES, CrawlResult, run_crawl
from tests.helpers import stored_rows

WARCIO = str(Path(sys.executable).parent / "warcio")


def crawl_fixtures(db: Path, settings: dict) -> tuple[CrawlResult, str, int]:
    """Crawl the Islam Times fixtures over 127.0.0.1: the result, the start
    argument and how many requests the server answered."""
    with MirrorServer(FIXTURES) as server:
        paths = ("/en/rss/allnews", "/en/archive", "/ur/rss/allnews")
        start = "start_urls=" + ",".join(server.origin + p for p in paths)
        result = run_crawl(db, start, "lang=en,ur", settings=settings)
        return result, start, len(server.requests)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("warc-crawl")
    db = folder / "archive.db"
    result, start, served = crawl_fixtures(db, {"NEWSARCHIVE_WARC_MAX_SIZE": "20000"})
    assert result.returncode == 0, result.log
    return folder, db, start, served, stored_rows(db)


def test_every_response_is_captured_in_valid_rotated_files(crawled):
    folder, _, _, served, _ = crawled
    files = warc_files(folder / "warc")
    assert len(files) >= 2  # rotated by size
    host = socket.gethostname().split(".")[0]
    assert all(f.name.startswith("islamtimes-") and f"-{host}-" in f.name and f.name.endswith(".warc.gz") for f in files)
    assert len(list(iter_captures(folder / "warc"))) == served
    for command in ("check", "index"):
        done = subprocess.run([WARCIO, command, *map(str, files)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    with open(files[0], "rb") as stream:
        first = next(iter(ArchiveIterator(stream)))
        assert first.rec_type == "warcinfo"
        info = first.content_stream().read().decode()
    assert "software: newsarchive/" in info and "run: islamtimes-" in info and "site: islamtimes" in info


def test_each_story_points_to_its_capture(crawled):
    folder, _, _, _, rows = crawled
    for row in rows.values():
        with open(folder / "warc" / row["capture_file"], "rb") as stream:
            stream.seek(row["capture_offset"])
            record = next(iter(ArchiveIterator(stream)))
        assert record.rec_type == "response"
        assert f"/{row['story_code']}/" in record.rec_headers.get_header("WARC-Target-URI")
        assert record.rec_headers.get_header("WARC-Date") == row["fetched_at"]


def test_archive_rebuilt_from_captures_alone(crawled, tmp_path):
    folder, _, _, _, rows = crawled
    db = tmp_path / "rebuilt.db"
    result = CliRunner().invoke(cli, ["reparse", "--db", str(db), "--warc-dir", str(folder / "warc")])
    assert result.exit_code == 0, result.output
    # 14 stories captured, one of them the fixtures' page with no story in it (1023388).
    assert "stored 13 of 14 stories" in result.output and "13 new, 0 updated, 0 unchanged; rejected 1 (1 no_body)" in result.output
    assert stored_rows(db) == rows


def test_reparse_in_parser_processes_stores_what_one_process_stores_in_the_same_order(crawled, tmp_path):
    folder, _, _, _, rows = crawled
    order = {}
    for workers in ("1", "3"):
        db = tmp_path / f"rebuilt-{workers}.db"
        result = CliRunner().invoke(cli, ["reparse", "--db", str(db), "--warc-dir", str(folder / "warc"), "-j", workers])
        assert result.exit_code == 0, result.output
        assert stored_rows(db) == rows
        order[workers] = sqlite3.connect(db).execute("SELECT story_code FROM articles ORDER BY rowid").fetchall()
    assert order["1"] == order["3"] and len(order["1"]) == 13


def test_a_storys_newest_capture_is_the_one_parsed(tmp_path):
    store = NewestCaptures()
    try:
        older = StoryCapture("s", "1", "https://s/1", "a.warc.gz", 10, "2024-05-01T00:00:00Z")
        newer = StoryCapture("s", "1", "https://s/1", "b.warc.gz", 20, "2024-05-02T00:00:00Z")
        assert store.claim(older) and store.claim(newer)
        assert not store.claim(older)  # seen again after the newer one: not parsed
        store.keep(newer, pickle.dumps("newer"))
        store.keep(older, pickle.dumps("older"))  # its parse came back late: not kept
        assert list(store.parses()) == ["newer"] and len(store) == 1
    finally:
        store.close()


def test_reparse_turns_a_changed_result_into_a_revision(crawled, tmp_path):
    folder, db, _, _, rows = crawled
    copy = tmp_path / "archive.db"
    shutil.copy(db, copy)
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE articles SET title = 'An older parser got this wrong' WHERE story_code = '1023423'")
    conn.commit()
    conn.close()
    result = CliRunner().invoke(cli, ["reparse", "--db", str(copy), "--warc-dir", str(folder / "warc")])
    assert result.exit_code == 0, result.output
    assert "0 new, 1 updated, 12 unchanged" in result.output
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT story_code, changed, previous FROM revisions").fetchall() == [
        ("1023423", '["title"]', '{"title": "An older parser got this wrong"}')
    ]
    assert conn.execute("SELECT title FROM articles WHERE story_code = '1023423'").fetchone()[0] == rows["1023423"]["title"]


def test_reparse_reads_dates_in_the_zones_the_crawl_used(tmp_path):
    zones = '{"islamtimes": "UTC"}'
    db = tmp_path / "archive.db"
    result, _, _ = crawl_fixtures(db, {"NEWSARCHIVE_TIMEZONES": zones})
    assert result.returncode == 0, result.log
    conn = sqlite3.connect(db)
    # The seed page says "Tuesday 8 November 2022 - 09:18": in UTC, as given (Tehran's would be 05:48).
    assert conn.execute("SELECT published FROM articles WHERE story_code = '1023423'").fetchone() == (
        "2022-11-08T09:18:00Z",)
    conn.close()
    for how in ({"env": {"NEWSARCHIVE_TIMEZONES": zones}}, {"args": ["--timezones", zones]}):
        done = CliRunner().invoke(cli, ["reparse", "--db", str(db), "--warc-dir", str(tmp_path / "warc"), "-j", "1",
                                        *how.get("args", [])], env=how.get("env"))
        assert done.exit_code == 0, done.output
        assert "0 new, 0 updated, 13 unchanged" in done.output
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM revisions").fetchone() == (0,)
    in_site_zone = conn.execute("SELECT count(*) FROM articles WHERE published_tz_source = 'site default'").fetchone()[0]
    conn.close()
    # Without the override, the site's own zone: each story dated in the
    # site's zone changes (those whose page states a zone do not).
    done = CliRunner().invoke(cli, ["reparse", "--db", str(db), "--warc-dir", str(tmp_path / "warc"), "-j", "1"],
                              env={"NEWSARCHIVE_TIMEZONES": ""})
    assert in_site_zone >= 10
    assert done.exit_code == 0 and f"0 new, {in_site_zone} updated, {13 - in_site_zone} unchanged" in done.output


def test_reparse_counts_what_it_stored_not_what_it_found(tmp_path):
    """Two captured stories, one a page with no story in it: one stored, one
    rejected, and no line says two were stored."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from tests.faults.server import article_html

    warc = tmp_path / "warc"
    warc.mkdir()
    with open(warc / "islamtimes-test.warc.gz", "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for code, body in [("3300001", article_html("3300001", "Kept", ["A story that parses."]).encode()),
                           ("3300002", b"<html><body></body></html>")]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://www.islamtimes.com/en/news/{code}/story", "response", payload=BytesIO(body),
                http_headers=headers))
    result = CliRunner().invoke(cli, ["reparse", "--db", str(tmp_path / "a.db"), "--warc-dir", str(warc), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "stored 1 of 2 stories from 2 captures: 1 new, 0 updated, 0 unchanged; rejected 1 (1 no_body)" in result.output
    assert "stored 1 of 2/2 stories" in result.output and "1 rejected" in result.output  # the progress line
    assert "stored 2" not in result.output
    assert sqlite3.connect(tmp_path / "a.db").execute("SELECT story_code FROM articles").fetchall() == [("3300001",)]


def test_file_cut_short_is_read_up_to_the_cut(crawled, tmp_path):
    folder, _, _, _, rows = crawled
    warc = tmp_path / "warc"
    shutil.copytree(folder / "warc", warc)
    last = warc_files(warc)[-1]
    data = last.read_bytes()
    last.write_bytes(data[: len(data) - 300])  # a killed writer: the last record is cut
    result = CliRunner().invoke(cli, ["reparse", "--db", str(tmp_path / "a.db"), "--warc-dir", str(warc)])
    assert result.exit_code == 0, result.output
    assert "1 file(s) cut short, read up to the cut" in result.output
    rebuilt = stored_rows(tmp_path / "a.db")
    # Whatever was written before the cut is back, exactly as crawled.
    assert len(rebuilt) >= len(rows) - 2
    for code, row in rebuilt.items():
        assert row == rows[code]


def test_replay_switch_reads_a_warc_folder(crawled, tmp_path):
    folder, _, start, _, rows = crawled
    db = tmp_path / "replayed.db"
    # The mirror is gone: only the captures answer.
    result = run_crawl(db, start, "lang=en,ur", settings={"NEWSARCHIVE_REPLAY": str(folder / "warc")})
    assert result.returncode == 0, result.log
    assert "'newsarchive/replay/missing'" not in result.log
    replayed = stored_rows(db)
    assert set(replayed) == set(rows)
    for code, row in replayed.items():
        assert row["body"] == rows[code]["body"] and row["published"] == rows[code]["published"]
        assert row["capture_file"] is None  # replays are not captured again


def test_reparse_errors_are_clear(tmp_path):
    result = CliRunner().invoke(cli, ["reparse", "--db", str(tmp_path / "a.db")])
    assert result.exit_code != 0 and "no WARC folder" in result.output


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a read-only file system needs root (CI runs as root)")
def test_a_crawl_that_cannot_write_captures_still_stores_every_story(crawled, tmp_path):
    rows = crawled[-1]
    blocked = tmp_path / "warc"  # a WARC folder on a read-only disk: every record fails
    blocked.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(blocked)], check=True)
    db = tmp_path / "archive.db"
    try:
        result, _, _ = crawl_fixtures(db, {"NEWSARCHIVE_WARC_DIR": str(blocked)})
    finally:
        subprocess.run(["umount", str(blocked)], check=True)
    assert result.returncode == 0, result.log
    stored = stored_rows(db)
    assert stored.keys() == rows.keys()
    assert all(row["capture_file"] is None and row["capture_offset"] is None for row in stored.values())
    assert any("Could not write a WARC record" in line for line in result.lines("ERROR"))
    conn = sqlite3.connect(db)
    (stats,) = conn.execute("SELECT stats FROM runs").fetchone()
    conn.close()
    assert json.loads(stats)["newsarchive/capture/failed"] >= len(rows)
