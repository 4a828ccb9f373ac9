"""A second outlet on the same CMS family, by profile alone; and a user's
own profile file."""

from __future__ import annotations

from newsarchive.replay.expected import comparable
from newsarchive.replay.pages import SavedSite
from newsarchive.replay.server import MirrorServer
from tests.conftest import ROOT, load_expected, run_crawl
from tests.helpers import stored_rows

AVAPRESS = ROOT / "fixtures" / "avapress"


def test_avapress_profile_on_its_fixtures(tmp_path):
    db = tmp_path / "archive.db"
    with MirrorServer(AVAPRESS) as server:
        start = f"start_urls={server.origin}/en/rss/allnews,{server.origin}/en/archive"
        result = run_crawl(db, "site=avapress", start, spider="news")
    assert result.returncode == 0, result.log
    rows = stored_rows(db)
    expected = {e["story_code"]: e for p in SavedSite(AVAPRESS) if p.expected and (e := load_expected(p))}
    assert set(rows) == set(expected) == {"287341", "287336"}
    for code, row in rows.items():
        assert comparable(row) == expected[code]
        assert row["site"] == "avapress"


def test_user_profile_file_adds_an_outlet(tmp_path):
    profile = tmp_path / "profiles" / "mirror-of-avapress.toml"
    profile.parent.mkdir()
    profile.write_text(
        (ROOT / "newsarchive" / "sites" / "profiles" / "avapress.toml").read_text()
        .replace('name = "avapress"', 'name = "avamirror"'),
        encoding="utf-8",
    )
    db = tmp_path / "archive.db"
    with MirrorServer(AVAPRESS) as server:
        result = run_crawl(db, "site=avamirror", f"start_urls={server.origin}/en/rss/allnews", spider="news",
                           settings={"NEWSARCHIVE_PROFILES": str(profile.parent)})
    assert result.returncode == 0, result.log
    assert {row["site"] for row in stored_rows(db).values()} == {"avamirror"}


def test_bad_user_profile_stops_the_crawl_with_the_field_named(tmp_path):
    profile = tmp_path / "bad.toml"
    profile.write_text('name = "bad"\ncanonical_origin = "https://bad.example"\ntimezone = "Nowhere/Land"\n')
    result = run_crawl(tmp_path / "a.db", "site=bad", spider="news", settings={"NEWSARCHIVE_PROFILES": str(profile)})
    assert result.returncode != 0
    assert f"{profile}: timezone 'Nowhere/Land' is not an IANA time zone" in result.log
