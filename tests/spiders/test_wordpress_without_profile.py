"""A WordPress site with no profile, crawled with the ``news`` spider over
127.0.0.1 (fixtures/wordpress-site: the Mondoweiss pages under another
host). The pages' own signs name WordPress, so its rules read them, and a
post's identity is the id its page states: the post reached by its current
and its old slug at once, and again after a slug edit, is one row."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from newsarchive.replay.server import MirrorServer
from tests.conftest import ROOT, run_crawl
from tests.helpers import stored_rows

FOLDER = ROOT / "fixtures" / "wordpress-site"
SITE = "https://blog.example.net"
CURRENT = f"{SITE}/2024/05/city-council-approves-new-library-budget/"
OLD_SLUG = f"{SITE}/2024/05/council-approves-library-budget/"
EDITED = f"{SITE}/2024/05/city-council-backs-library-budget/"
#: The post ids the pages state (rel=shortlink ?p=ID, postid-ID, article#post-ID), read off the fixture pages by hand.
POST_IDS = {"48213", "48220", "48231"}


def crawl(folder, db, delay: float = 0.0, *args: str):
    with MirrorServer(folder, delay=delay) as server:
        start = f"start_urls={server.origin}/robots.txt,{server.origin}/feed/"
        result = run_crawl(db, f"site={SITE}", start, *args, spider="news")
        served = [path for path, _ in server.requests]
    assert result.returncode == 0, result.log
    return result, served


def aliases(db, code: str) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {url for (url,) in conn.execute("SELECT url FROM aliases WHERE story_code = ?", [code])}


@pytest.fixture(scope="module")
def first_crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("wordpress") / "archive.db"
    # Article pages answer late: both URLs of the post are in flight at once.
    result, served = crawl(FOLDER, db, delay=0.5)
    return db, result, served


def test_a_post_under_two_slugs_in_flight_at_once_is_one_row_with_an_alias(first_crawl):
    db, _, served = first_crawl
    assert {"/2024/05/city-council-approves-new-library-budget/", "/2024/05/council-approves-library-budget/"} <= set(served)
    rows = stored_rows(db)
    assert len(rows) == 4 and POST_IDS <= set(rows)
    post = rows["48213"]
    assert post["url"] == CURRENT
    assert {CURRENT, OLD_SLUG} <= aliases(db, "48213")


def test_the_pages_are_read_by_wordpress_rules_and_the_run_says_so(first_crawl):
    db, _, _ = first_crawl
    rows = stored_rows(db)
    for code in POST_IDS:
        sources = rows[code]["field_sources"]
        assert sources["cms"] == "wordpress" and sources["story_code"] == "site", code
    assert rows["48220"]["tags"] == ["Labour"]  # a WordPress rule (rel=tag), not in the page's metadata
    with sqlite3.connect(db) as conn:
        drift = json.loads(conn.execute("SELECT drift FROM runs").fetchone()[0])
    assert drift["cms"] == {"wordpress": 4}  # pages read: the post under both slugs, two other posts


def test_a_slug_edit_keeps_the_row(first_crawl, tmp_path):
    db, _, _ = first_crawl
    copy = tmp_path / "edited"
    shutil.copytree(FOLDER, copy)
    listing = json.loads((copy / "pages.json").read_text(encoding="utf-8"))
    for entry in listing["pages"]:
        entry["url"] = entry["url"].replace(CURRENT, EDITED)
    listing["pages"] = [entry for entry in listing["pages"] if entry["url"] != OLD_SLUG]
    (copy / "pages.json").write_text(json.dumps(listing), encoding="utf-8")
    for name in ("pages/feed.xml", "pages/city-council-approves-new-library-budget.html"):
        path = copy / name
        path.write_text(path.read_text(encoding="utf-8").replace(CURRENT, EDITED), encoding="utf-8")
    edited_db = tmp_path / "archive.db"
    shutil.copy(db, edited_db)
    _, served = crawl(copy, edited_db)
    assert "/2024/05/city-council-backs-library-budget/" in served
    rows = stored_rows(edited_db)
    assert len(rows) == 4
    assert rows["48213"]["url"] == EDITED
    assert EDITED in aliases(edited_db, "48213")


def test_a_story_first_archived_by_its_urls_hash_keeps_its_row_once_its_id_is_read(tmp_path):
    """An archive made when the pages stated no id (or by a release that did
    not read it) keys the posts by their canonical URL's hash; the crawl that
    reads their ids keeps those rows instead of adding a second copy each."""
    plain = tmp_path / "plain"
    shutil.copytree(FOLDER, plain)
    for page in (plain / "pages").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        for sign in ("rel='shortlink'", "postid-", 'id="post-', "?p="):
            text = text.replace(sign, "data-x-")
        page.write_text(text, encoding="utf-8")
    db = tmp_path / "archive.db"
    crawl(plain, db)
    before = stored_rows(db)
    assert len(before) == 4 and not POST_IDS & set(before)  # keyed by hashes
    result, _ = crawl(FOLDER, db, 0.0, "recheck_days=100000")  # fetched again, as a recheck does
    after = stored_rows(db)
    assert set(after) == set(before)
    # The three posts' pages (the post's old slug is already its alias: not fetched again).
    assert "'newsarchive/identity/kept_archived': 3" in result.log
