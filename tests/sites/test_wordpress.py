"""WordPress by profile alone: the post ID from the page, whatever the
permalink, and one story for a post under two slugs."""

from __future__ import annotations

import sqlite3

import pytest

from newsarchive.replay.expected import expected_item
from newsarchive.replay.pages import SavedSite
from newsarchive.replay.server import MirrorServer
from newsarchive.sites import PACKAGE
from newsarchive.sites.page import Page
from newsarchive.sites.wordpress import WordPressParser
from tests.conftest import FIXTURES, run_crawl
from tests.helpers import stored_rows

WORDPRESS = FIXTURES.parent / "mondoweiss"
ORIGIN = "https://mondoweiss.net"
NEW_SLUG = f"{ORIGIN}/2024/05/city-council-approves-new-library-budget/"
OLD_SLUG = f"{ORIGIN}/2024/05/council-approves-library-budget/"


def items() -> dict[str, dict]:
    site = PACKAGE["mondoweiss"]
    return {page.url: expected_item(site, page) for page in SavedSite(WORDPRESS) if page.expected}


def test_the_profile_is_data_over_the_wordpress_parser():
    site = PACKAGE["mondoweiss"]
    assert site.parser is WordPressParser and not site.url_forms


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        ("2024/05/city-council-approves-new-library-budget", "48213"),  # rel=shortlink ?p=ID
        ("2024/05/harbour-workers-end-strike-after-pay-deal", "48220"),  # article#post-ID only
        ("2024/05/spring-floods-reach-river-towns", "48231"),  # postid-ID body class, JSON-LD @id
    ],
)
def test_the_story_code_is_the_post_id_the_page_states(slug, code):
    item = items()[f"{ORIGIN}/{slug}/"]
    assert item["story_code"] == code and item["field_sources"]["story_code"] == "site"


def test_a_page_stating_no_post_id_falls_back_to_the_urls_hash():
    item = items()[f"{ORIGIN}/2024/05/letters-to-the-editor-may-17/"]
    assert item["story_code"].startswith("u") and item["field_sources"]["story_code"] == "url"


def test_fields_from_the_standard_theme_markup():
    item = items()[NEW_SLUG]
    assert item["title"] == "City Council Approves New Library Budget"
    assert item["published"] == "2024-05-14T13:30:00Z" and item["field_sources"]["published"] == "site"
    assert item["modified"] == "2024-05-14T20:05:00Z"
    assert item["authors"] == ["Dana Levin"] and item["tags"] == ["Libraries", "City Council"]
    assert item["section"] == "News"
    assert len(item["body"].split("\n\n")) == 4
    assert "Share this" not in item["body"] and "Related" not in item["body"]
    related = items()[f"{ORIGIN}/2024/05/harbour-workers-end-strike-after-pay-deal/"]
    assert "Related posts" not in related["body"] and "City Council Approves" not in related["body"]


def test_the_same_post_under_another_slug_parses_to_the_same_story():
    site = PACKAGE["mondoweiss"]
    html = (WORDPRESS / "pages" / "city-council-approves-new-library-budget.html").read_bytes()
    old = site.parse(Page.from_http(OLD_SLUG, {"Content-Type": "text/html; charset=UTF-8"}, html))
    assert (old.story_code, old.url) == ("48213", NEW_SLUG)


def test_a_crawl_stores_one_story_per_post_and_the_next_run_fetches_none(tmp_path):
    db = tmp_path / "archive.db"
    with MirrorServer(WORDPRESS) as mirror:
        args = ("site=mondoweiss", f"start_urls={mirror.origin}/feed/")
        first = run_crawl(db, *args, spider="news")
        assert first.returncode == 0, first.log
        rows = stored_rows(db)
        assert sorted(rows) == sorted(["48213", "48220", "48231", rows_hash(rows)])
        aliases = {url for (url,) in sqlite3.connect(db).execute("SELECT url FROM aliases WHERE story_code = '48213'")}
        assert {NEW_SLUG, OLD_SLUG} <= aliases
        mirror.requests.clear()
        second = run_crawl(db, *args, spider="news")
        assert second.returncode == 0, second.log
        assert [path for path, _ in mirror.requests if path != "/robots.txt"] == ["/feed/"]
        # Four posts, five URLs: the old slug leads to a story already met in the run.
    assert "'newsarchive/discovery/skipped_archived': 4" in second.log


def rows_hash(rows: dict) -> str:
    return next(code for code in rows if code.startswith("u"))
