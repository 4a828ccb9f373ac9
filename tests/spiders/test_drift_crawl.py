"""A site that changed its markup, crawled over 127.0.0.1: every story is
still archived with its date, the run raises the drift alarm, and
``newsarchive health`` tells cron and systemd (exit 1)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from newsarchive.cli import cli
from newsarchive.replay.server import MirrorServer
from tests.conftest import FIXTURES, run_crawl
from tests.helpers import stored_rows

ROOT = FIXTURES.parent


def original(code: str) -> dict:
    return json.loads((FIXTURES / "expected" / f"{code}.json").read_text(encoding="utf-8"))


def crawl_mirror(folder: str, db) -> str:
    with MirrorServer(ROOT / folder) as mirror:
        result = run_crawl(db, f"start_urls={mirror.origin}/en/rss/allnews,{mirror.origin}/en/archive")
    assert result.returncode == 0, result.log
    assert "Traceback" not in result.log
    return result.log


@pytest.fixture(scope="module")
def redesigned(tmp_path_factory):
    db = tmp_path_factory.mktemp("redesign") / "archive.db"
    return db, crawl_mirror("islamtimes-redesign", db)


def health(db, *args):
    return CliRunner().invoke(cli, ["health", "--db", str(db), *args])


def test_every_story_of_the_redesign_is_archived_with_its_date(redesigned):
    db, _ = redesigned
    rows = stored_rows(db)
    assert len(rows) == 11
    for code, row in rows.items():
        want = original(code)
        assert row["published"] == want["published"] and row["published_tz_source"] == "page"
        assert row["body"] == want["body"] and row["title"] == want["title"]
        assert row["field_sources"]["published"] == "json_ld"
        assert "Read more" not in row["body"] and "Related News" not in row["body"]


def test_the_redesign_raises_the_drift_alarm(redesigned):
    db, log = redesigned
    errors = [line for line in log.splitlines() if "] ERROR:" in line]
    assert len(errors) == 1, errors
    assert "Site islamtimes drifted" in errors[0]
    assert "title from a fallback on 11 of 11" in errors[0] and "body from a fallback on 11 of 11" in errors[0]
    conn = sqlite3.connect(db)
    drifted, drift, reason = conn.execute("SELECT drifted, drift, finish_reason FROM runs").fetchone()
    assert (drifted, reason) == (1, "finished")
    report = json.loads(drift)
    assert report["fallback"] == {"title": 1.0, "body": 1.0, "published": 1.0}
    assert report["sources"]["published"] == {"json_ld": 11}
    stats = json.loads(conn.execute("SELECT stats FROM runs").fetchone()[0])
    assert stats["newsarchive/fields/body/main_text"] == 11


def test_health_exits_1_for_a_drifted_site(redesigned):
    db, _ = redesigned
    result = health(db)
    assert result.exit_code == 1, result.output
    assert "DRIFTED" in result.output and "100%" in result.output
    assert "islamtimes: body from a fallback on 11 of 11 stories" in result.output
    assert json.loads(health(db, "--json").stdout)["islamtimes"][0]["verdict"] == "drifted"


def test_health_exits_0_for_a_healthy_site(tmp_path):
    db = tmp_path / "archive.db"
    result = run_crawl(db, "lang=en,ur", settings={"NEWSARCHIVE_REPLAY": str(FIXTURES)})
    assert result.returncode == 0, result.log
    assert "drifted:" not in result.log and not result.lines("ERROR")
    checked = health(db, "--site", "islamtimes")
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines()[2].split()[-1] == "ok"


def test_the_old_table_layout_is_archived_whole(tmp_path):
    db = tmp_path / "archive.db"
    crawl_mirror("islamtimes-tables", db)
    rows = stored_rows(db)
    assert len(rows) == 11
    for code, row in rows.items():
        want = original(code)
        assert (row["title"], row["body"], row["published"]) == (want["title"], want["body"], want["published"])
    assert sqlite3.connect(db).execute("SELECT drifted FROM runs").fetchone()[0] == 1
