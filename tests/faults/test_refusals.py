"""Refused before any write, or stopped when the archive cannot be written:
one line saying why, a non-zero exit code, no false "stored", and nobody
else's file touched."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from newsarchive.archive import Archive
from newsarchive.archive.identity import APPLICATION_ID, NotAnArchive, check_archive_file
from tests.conftest import FIXTURES, CrawlResult, run_crawl
from tests.helpers import newsarchive

REPLAY = {"NEWSARCHIVE_REPLAY": str(FIXTURES), "NEWSARCHIVE_WARC_ENABLED": "False"}


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def other_program(path, create: str) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(create)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("create", "message"),
    [
        ("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO articles (title) VALUES ('mine');",
         "is another program's SQLite database (tables: articles): not touched"),
        ("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('mine');",
         "is another program's SQLite database (tables: notes): not touched"),
        ("PRAGMA application_id = 1234; CREATE TABLE articles (site TEXT, story_code TEXT);",
         "belongs to another program (SQLite application id 0x4d2)"),
    ],
)
def test_another_programs_sqlite_file_is_refused_untouched(tmp_path, create, message):
    db = tmp_path / "theirs.db"
    other_program(db, create)
    before = digest(db)
    result = run_crawl(db, "lang=en,ur", settings=REPLAY)
    assert result.returncode == 1
    refusals = [line for line in result.log.splitlines() if "Not crawling:" in line]
    assert len(refusals) == 1 and message in refusals[0], result.log
    assert "Traceback" not in result.log and "never retrieved" not in result.log
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.db"]  # no -wal, -shm or .lock


def test_a_file_that_is_not_sqlite_and_a_directory_are_refused(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("my notes\n")
    result = run_crawl(text, settings=REPLAY)
    assert result.returncode == 1 and "is not an SQLite file" in result.log and text.read_text() == "my notes\n"
    folder = tmp_path / "folder"
    folder.mkdir()
    result = run_crawl(folder, settings=REPLAY)
    assert result.returncode == 1 and f"Not crawling: {folder} is a directory, not an archive file" in result.log
    assert "Traceback" not in result.log
    assert not (tmp_path / "folder.lock").exists() and list(folder.iterdir()) == []


def test_an_empty_file_a_new_path_and_an_old_unstamped_archive_are_ours(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    assert check_archive_file(empty) is True and check_archive_file(tmp_path / "new.db") is True
    old = tmp_path / "old.db"
    other_program(old, "CREATE TABLE articles (site TEXT, story_code TEXT, title TEXT, PRIMARY KEY (site, story_code));"
                       "CREATE TABLE aliases (url TEXT PRIMARY KEY, site TEXT, story_code TEXT);"
                       "INSERT INTO articles VALUES ('islamtimes', '1', 'Old');")
    assert check_archive_file(old) is False
    Archive(old).close()
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("SELECT title FROM articles").fetchall() == [("Old",)]


def test_a_stamped_archive_stays_ours_whatever_it_holds(tmp_path):
    db = tmp_path / "archive.db"
    Archive(db).close()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE my_notes (x)")  # a user's own table in their archive
    conn.commit()
    conn.close()
    assert check_archive_file(db) is False
    with pytest.raises(NotAnArchive):
        check_archive_file(tmp_path)


def test_a_full_disk_stops_the_crawl_with_the_truth(tmp_path):
    db = tmp_path / "archive.db"
    result = run_crawl(db, "lang=en,ur", settings=REPLAY, max_file_size=250_000)  # room for the schema (~145 kB), not the stories
    assert result.returncode == 1, result.log
    errors = result.lines("ERROR")
    assert "Cannot write the archive" in errors[0] and "the crawl stops" in errors[0], errors
    # Past RLIMIT_FSIZE the kernel answers EFBIG, which SQLite reports as an I/O error (ENOSPC: "disk is full").
    assert "disk I/O error" in errors[0] or "disk is full" in errors[0]
    assert "Traceback" not in result.log
    assert "the crawl failed: the archive could not be written".lower() in result.log.lower()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    run = conn.execute("SELECT finish_reason, items_new FROM runs").fetchone()
    assert run == ("archive_error", stored)  # the ledger counts what was committed, nothing more
    summary = next(line for line in result.log.splitlines() if "Summary (archive_error)" in line)
    assert f"{stored} stories stored" in summary
    stats = json.loads(conn.execute("SELECT stats FROM runs").fetchone()[0])
    assert stats["newsarchive/archive_error"].startswith("OperationalError")


@pytest.mark.parametrize(
    ("spider", "args", "settings", "message"),
    [
        ("islamtimes", ["start_urls=not-a-url"], {},
         "start_urls: 'not-a-url' is not an http(s) URL like https://www.example.com/news"),
        ("news", ["site=javascript:alert(1)"], {},
         "site: 'javascript:alert(1)' is neither a known profile (avapress, islamtimes, mondoweiss)"),
        ("news", ["site=nonexistent-profile"], {},
         "site: 'nonexistent-profile' is neither a known profile (avapress, islamtimes, mondoweiss)"),
        ("islamtimes", ["lang=xx"], {},
         "lang: 'xx' is not an edition of islamtimes; its editions: en, ur, fa, ar, fr, es, de, ru, ps, id, ha, az, tr"),
        ("islamtimes", ["since=yesterday"], {}, "since must be a date as YYYY-MM-DD, not 'yesterday'"),
        ("islamtimes", ["max_pages=abc"], {}, "max_pages must be a whole number, not 'abc'"),
        ("islamtimes", ["recheck_days=-1"], {}, "recheck_days must not be negative, not '-1'"),
        ("islamtimes", ["recheck_days=99999999999"], {}, "recheck_days must be at most 1000000, not '99999999999'"),
        ("islamtimes", [], {"NEWSARCHIVE_TIMEZONES": '{"islamtimes": "Nowhere/Land"}'},
         "NEWSARCHIVE_TIMEZONES: 'Nowhere/Land' (for islamtimes) is not an IANA time zone"),
        ("islamtimes", [], {"NEWSARCHIVE_TIMEZONES": "not json"}, "NEWSARCHIVE_TIMEZONES must be JSON like"),
        ("islamtimes", [], {"NEWSARCHIVE_BATCH_SIZE": "abc"}, "NEWSARCHIVE_BATCH_SIZE must be a whole number, not 'abc'"),
        ("islamtimes", [], {"NEWSARCHIVE_WARC_GZIP_LEVEL": "12"}, "NEWSARCHIVE_WARC_GZIP_LEVEL must be from 0 to 9"),
        ("islamtimes", ["site=nonexistent"], {},
         "site: the islamtimes spider crawls islamtimes only; crawl nonexistent with `scrapy crawl news -a site=nonexistent`"),
        ("islamtimes", ["site=avapress"], {},
         "site: the islamtimes spider crawls islamtimes only; crawl avapress with `scrapy crawl news -a site=avapress`"),
        ("islamtimes", ["langs=en"], {},
         "langs is not an argument of the islamtimes spider; it takes start_urls, lang, max_pages, recheck_days"),
        ("news", ["site=avapress", "max_page=3"], {},
         "max_page is not an argument of the news spider; it takes site, start_urls, lang, max_pages"),
    ],
)
def test_bad_arguments_and_settings_are_one_line_and_exit_1(tmp_path, spider, args, settings, message):
    db = tmp_path / "archive.db"
    result = run_crawl(db, *args, spider=spider, settings=settings)
    assert result.returncode == 1, result.log
    refusals = [line for line in result.log.splitlines() if "] ERROR:" in line]
    assert len(refusals) == 1 and f"Not crawling: {message}" in refusals[0], result.log
    assert "Traceback" not in result.log and "never retrieved" not in result.log
    assert not db.exists()


def test_a_warc_dir_that_is_a_file_is_refused(tmp_path):
    not_a_folder = tmp_path / "warc"
    not_a_folder.write_text("x")
    result = run_crawl(tmp_path / "archive.db", settings={"NEWSARCHIVE_WARC_DIR": str(not_a_folder)})
    assert result.returncode == 1
    assert f"Not crawling: NEWSARCHIVE_WARC_DIR: {not_a_folder} is a file, not a folder for WARC files" in result.log


@pytest.mark.parametrize(
    ("manifest", "message"),
    [('{"site": "islamtimes", "pages": [', "is not valid JSON"),
     ('[{"url": "https://www.islamtimes.com/"}]', 'must be a JSON object with a list of "pages", not list'),
     ('{"pages": [{"file": "x.html"}]}', "page 1 has no 'url'")],
)
def test_a_broken_replay_manifest_is_named(tmp_path, manifest, message):
    folder = tmp_path / "replay"
    folder.mkdir()
    (folder / "pages.json").write_text(manifest)
    result = run_crawl(tmp_path / "archive.db", settings={"NEWSARCHIVE_REPLAY": str(folder)})
    assert result.returncode == 1
    assert f"Not crawling: {folder / 'pages.json'}" in result.log and message in result.log
    assert "Traceback" not in result.log


@pytest.mark.parametrize(
    ("make", "message"),
    [(lambda folder: None, "the replay folder {folder} is missing"),
     (lambda folder: folder.mkdir(), "the replay folder {folder} holds neither a pages.json nor WARC files to replay"),
     (lambda folder: folder.write_text("x"), "the replay folder {folder} is a file, not a folder"),
     (lambda folder: (folder.mkdir(), (folder / "pages.json").write_text('{"site": "islamtimes", "pages": [{"u')),
      "{folder}/pages.json is not valid JSON")],
    ids=["missing", "empty", "a file", "truncated manifest"],
)
def test_a_refused_replay_folder_leaves_no_file_behind(tmp_path, make, message):
    folder = tmp_path / "replay"
    make(folder)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run_crawl(tmp_path / "archive.db", settings={"NEWSARCHIVE_REPLAY": str(folder)})
    assert result.returncode == 1
    refusals = [line for line in result.log.splitlines() if "] ERROR:" in line]
    assert len(refusals) == 1 and f"Not crawling: {message.format(folder=folder)}" in refusals[0], result.log
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no archive, no lock files


def _no_files_beside(path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


@pytest.mark.parametrize("command", ["scrapy", "newsarchive"])
def test_a_device_a_folder_and_a_missing_folder_are_refused_with_exit_1(tmp_path, command):
    def crawl(db):
        if command == "scrapy":
            return run_crawl(db, settings=REPLAY)
        done = newsarchive(tmp_path, "crawl", "islamtimes", "--db", str(db), "-s", f"NEWSARCHIVE_REPLAY={FIXTURES}")
        return CrawlResult(done.returncode, done.stdout + done.stderr)

    beside_null = _no_files_beside(Path("/dev/null"))
    for db, message in [
        (Path("/dev/null"), "/dev/null is not a regular file (a device, a pipe or a socket), not an archive file"),
        (tmp_path, f"{tmp_path} is a directory, not an archive file"),
        (tmp_path / "no" / "such" / "archive.db",
         f"{tmp_path / 'no' / 'such' / 'archive.db'}: the folder {tmp_path / 'no' / 'such'} does not exist"),
    ]:
        result = crawl(db)
        assert result.returncode == 1, result.log[-2000:]
        refusals = [line for line in result.log.splitlines() if "ERROR:" in line]
        assert len(refusals) == 1 and f"Not crawling: {message}" in refusals[0], result.log[-2000:]
        assert "Traceback" not in result.log
    assert not (tmp_path / "no").exists()
    assert _no_files_beside(Path("/dev/null")) == beside_null  # no /dev/null-journal, /dev/null.lock
    assert not list(tmp_path.glob("*.lock")) and not (tmp_path.parent / f"{tmp_path.name}.lock").exists()


@pytest.fixture
def unwritable_archive(tmp_path):
    """An archive that cannot be written: immutable (``chattr +i``, which
    holds even for root) where the file system allows it, else read-only."""
    db = tmp_path / "archive.db"
    Archive(db).close()
    for leftover in tmp_path.iterdir():
        if leftover != db:
            leftover.unlink()
    immutable = os.geteuid() == 0 and shutil.which("chattr") and \
        subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode == 0
    if not immutable:
        if os.geteuid() == 0:
            pytest.skip("root here, and this file system has no immutable files: nothing is unwritable to root")
        db.chmod(0o444)
    yield db
    if immutable:
        subprocess.run(["chattr", "-i", str(db)], check=True)


def test_an_archive_that_cannot_be_written_is_refused_before_a_page_is_fetched(unwritable_archive):
    db = unwritable_archive
    before = digest(db)
    result = run_crawl(db, settings=REPLAY)
    assert result.returncode == 1
    refusals = [line for line in result.log.splitlines() if "] ERROR:" in line]
    assert len(refusals) == 1 and f"Not crawling: {db} cannot be written (read-only or immutable)" in refusals[0]
    assert "Traceback" not in result.log and "Crawled (200)" not in result.log
    assert digest(db) == before and _no_files_beside(db) == ["archive.db"]


def test_a_user_profile_cannot_take_a_package_profiles_name_unless_it_says_so(tmp_path):
    profile = tmp_path / "islamtimes.toml"
    profile.write_text('name = "islamtimes"\ncanonical_origin = "https://www.other-outlet.example"\n')
    settings = {"NEWSARCHIVE_PROFILES": str(profile)}
    result = run_crawl(tmp_path / "a.db", "site=islamtimes", spider="news", settings=settings)
    assert result.returncode == 1
    assert f"Not crawling: {profile}: name 'islamtimes' is taken by the package's profile" in result.log
    profile.write_text(profile.read_text() + "overrides = true\n")
    from newsarchive.sites import PACKAGE, Profiles

    assert Profiles.load(profile)["islamtimes"].canonical_origin == "https://www.other-outlet.example"
    assert PACKAGE["islamtimes"].canonical_origin == "https://www.islamtimes.com"  # each job its own profiles
