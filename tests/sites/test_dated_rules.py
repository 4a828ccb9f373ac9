"""Rules valid at the page's date: a profile's dated rule sets read an
older layout by its own rules, whichever way the page arrives (crawled,
imported, reparsed), and the same page dated later falls back."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from newsarchive.extraction import Fetched, extract
from newsarchive.replay.pages import SavedSite
from newsarchive.replay.server import MirrorServer
from newsarchive.sites import Profiles
from newsarchive.sites.profiles import ProfileError, load_profile
from newsarchive.sites.profiles import PACKAGE_PROFILES
from tests.conftest import FIXTURES, run_crawl
from tests.warc_files import CcNewsFile, Record

TABLES = FIXTURES.parent / "islamtimes-tables"
#: The table layout's rules, valid until the switch to today's layout.
OLD_LAYOUT = """
[[rules]]
until = "2023-01-01"
[rules.selectors]
container = ['td[width="70%"]']
body = ['td[width="70%"] > div']
sidebar = ['td[width="30%"]']
"""


@pytest.fixture
def profile(tmp_path):
    """The package's Islam Times profile, with the older layout's dated rules."""
    text = (PACKAGE_PROFILES / "islamtimes.toml").read_text(encoding="utf-8")
    text = text.replace('name = "islamtimes"\n', 'name = "islamtimes"\noverrides = true\n', 1) + OLD_LAYOUT
    path = tmp_path / "islamtimes.toml"
    path.write_text(text, encoding="utf-8")
    return path


def page(code: str):
    return next(p for p in SavedSite(TABLES) if f"/{code}/" in p.url)


def expected(code: str) -> dict:
    return json.loads(page(code).expected.read_text(encoding="utf-8"))


def test_a_page_dated_before_the_switch_is_read_by_the_older_rules_and_after_it_falls_back(profile):
    site = Profiles.load(profile)["islamtimes"]
    saved = page("1023402")
    before = extract(site, Fetched(saved.url, saved.response_headers(), saved.body(), "2022-11-06T10:00:00Z")).item
    after = extract(site, Fetched(saved.url, saved.response_headers(), saved.body(), "2024-03-01T10:00:00Z")).item
    want = expected("1023402")
    assert (before.title, before.body) == (after.title, after.body) == (want["title"], want["body"])
    assert (before.field_sources["body"], after.field_sources["body"]) == ("site", "main_text")
    # Today's rules, and no date at all, are the site's own.
    assert site.rules_at(None) is site and site.rules_at("2023-01-01T00:00:00Z") is site
    assert site.rules_at("2015-01-01T00:00:00Z").selectors["body"] == ('td[width="70%"] > div',)


def test_dated_rules_are_checked_as_a_profiles_selectors_are(tmp_path):
    for bad, message in (('until = "2023"', "rules[0].until must be a day"),
                         ('until = "2023-01-01"\nwrong = 1', "rules[0] takes until, parser and selectors only"),
                         ('until = "2023-01-01"\n[rules.selectors]\nbody = ["td["]', "is not CSS")):
        path = tmp_path / "site.toml"
        path.write_text(f'name = "site"\ncanonical_origin = "https://www.site.example"\n[[rules]]\n{bad}\n')
        with pytest.raises(ProfileError, match=message.replace("[", r"\[").replace("]", r"\]")):
            load_profile(path)


def test_an_imported_copy_of_the_older_layout_is_read_by_its_rules(profile, tmp_path):
    saved = page("1023402")
    warc = CcNewsFile(tmp_path / "CC-NEWS-20221106000000-00001.warc.gz")
    warc.add(Record(saved.url, saved.body(), date="2022-11-06T10:00:00Z"))
    warc.close()
    db = tmp_path / "archive.db"
    done = subprocess.run([sys.executable, "-m", "newsarchive.cli", "import-warc", str(warc.path), "--db", str(db),
                           "--profiles", str(profile), "-j", "1"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    sources = json.loads(sqlite3.connect(db).execute("SELECT field_sources FROM articles").fetchone()[0])
    assert sources["body"] == "site"


def test_the_older_layout_crawled_today_falls_back_and_raises_the_drift_alarm(profile, tmp_path):
    db = tmp_path / "archive.db"
    with MirrorServer(TABLES) as mirror:
        result = run_crawl(db, f"start_urls={mirror.origin}/en/rss/allnews,{mirror.origin}/en/archive",
                           settings={"NEWSARCHIVE_PROFILES": str(profile)})
    assert result.returncode == 0, result.log[-3000:]
    assert "Site islamtimes drifted" in result.log and "body from a fallback on" in result.log
    sources = [json.loads(row[0]) for row in sqlite3.connect(db).execute("SELECT field_sources FROM articles")]
    assert sources and all(s["body"] == "main_text" for s in sources)
