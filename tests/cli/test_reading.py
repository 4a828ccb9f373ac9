"""Reading the archive in a browser: the front page, a story's page, its
edits as word diffs, an Urdu story right to left, the stories list; and the
same diffs in the terminal (``show --diff``). Each page is also saved as a
screenshot under test-artifacts/screenshots/."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from click.testing import CliRunner

from newsarchive.cli import cli
from newsarchive.replay.server import MirrorServer
from tests.browser import chromium, get_json, needs_browser, screenshot, served
from tests.conftest import FIXTURES, ROOT, run_crawl
from tests.helpers import EDITED_URL, NEW_SENTENCE, OLD_SENTENCE, start_urls

SEED = "1023423"
EDITED = "1023425"
URDU = "1023470"


@pytest.fixture(scope="module")
def edited_archive(tmp_path_factory):
    """Islam Times (English and Urdu) with one story edited between two
    runs, and Avapress: two sites."""
    db = tmp_path_factory.mktemp("reading") / "archive.db"
    with MirrorServer(FIXTURES) as server:
        assert run_crawl(db, start_urls(server), "lang=en,ur").returncode == 0
        page = server.saved.lookup(EDITED_URL)
        server.replace(EDITED_URL, page.body().replace(OLD_SENTENCE.encode(), NEW_SENTENCE.encode()))
        result = run_crawl(db, start_urls(server), "lang=en,ur", "recheck_days=100000")
        assert result.returncode == 0, result.log
    with MirrorServer(ROOT / "fixtures" / "avapress") as server:
        result = run_crawl(db, "site=avapress", f"start_urls={server.origin}/en/rss/allnews", spider="news")
        assert result.returncode == 0, result.log
    return db


@pytest.fixture(scope="module")
def site(edited_archive):
    with served(edited_archive) as base:
        yield base


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium")) as driver:
        yield driver


def expected(code: str) -> dict:
    return json.loads((FIXTURES / "expected" / f"{code}.json").read_text(encoding="utf-8"))


def texts(driver, css: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, css)]


@needs_browser
def test_the_seed_storys_page_reads_like_the_article(site, browser):
    story = expected(SEED)
    browser.get(f"{site}/-/story/islamtimes/{SEED}")
    assert texts(browser, "article h1") == [story["title"]]
    # The seed page's six paragraphs: the lead, then the body's five.
    paragraphs = texts(browser, "article p.lead, article .body p")
    assert paragraphs == [story["lead"], *story["body"].split("\n\n")] and len(paragraphs) == 6
    urls = texts(browser, "section.urls li")
    assert any(story["url"] in url and "(canonical)" in url for url in urls)
    assert "2022-11-08 05:48 UTC" in browser.find_element("css selector", "article .meta").text
    assert story["published"] == "2022-11-08T05:48:00Z"
    assert "2022-11-08 09:18 (Asia/Tehran)" in browser.find_element("css selector", "article .meta").text
    screenshot(browser, "story-seed")


@needs_browser
def test_an_edited_storys_page_shows_the_removed_and_the_added_words(site, browser):
    browser.get(f"{site}/-/story/islamtimes/{EDITED}")
    removed, added = " ".join(texts(browser, ".edits del")), " ".join(texts(browser, ".edits ins"))
    assert "aims to avoid disruptions to global supplies" in removed
    assert "was later corrected" in added and "food and fertilizer payments only" in added
    assert "global supplies" not in added and "fertilizer" not in removed
    assert texts(browser, ".edits h4") == ["body"]
    # A replaced passage reads as two: the struck words, a space, the new ones.
    diff = browser.find_element("css selector", ".edits .diff").get_attribute("innerHTML")
    assert "</del><ins>" not in diff and "</del> <ins>" in diff
    screenshot(browser, "story-edited")
    browser.get(f"{site}/-/edited")
    assert any(expected(EDITED)["title"] in row for row in texts(browser, "tbody tr"))
    screenshot(browser, "edited")


@needs_browser
def test_an_urdu_story_is_laid_out_right_to_left(site, browser):
    browser.get(f"{site}/-/story/islamtimes/{URDU}")
    article = browser.find_element("css selector", "article")
    assert browser.execute_script("return getComputedStyle(arguments[0]).direction", article) == "rtl"
    assert texts(browser, "article h1") == [expected(URDU)["title"]]
    # The Urdu URL reads in Urdu, not as percent escapes.
    assert any("/ur/article/1023470/شمالی" in url for url in texts(browser, "section.urls li"))
    screenshot(browser, "story-urdu")


@needs_browser
def test_the_front_page_lists_each_site_with_its_newest_story_and_last_run(site, browser):
    browser.get(site)
    rows = texts(browser, "table.sites tbody tr")
    assert [row.split()[0] for row in rows] == ["avapress", "islamtimes"]
    islamtimes = next(row for row in rows if row.startswith("islamtimes")).split()
    stories = get_json(f"{site}/archive/stories.json?site=islamtimes&_size=0")["filtered_table_rows_count"]
    assert islamtimes[1] == str(stories) == "13" and "ok" in islamtimes and "#2" in islamtimes
    assert browser.find_elements("css selector", "form input[name=_search]")
    screenshot(browser, "front")


@needs_browser
def test_the_stories_list_shows_few_columns_newest_first_and_searches_bodies(site, browser):
    browser.get(f"{site}/archive/stories?_search=fertilizer")
    headers = [h.split()[0] for h in texts(browser, "table.rows-and-columns th") if h.strip()]
    assert [h for h in headers if h in ("published", "site", "section", "title", "body", "lead")] == [
        "published", "site", "section", "title"]
    # No internal column, and times that never break mid-token: UTC, and the site's own time.
    assert not [h for h in browser.find_elements("css selector", "th.col-id, td.col-id") if h.is_displayed()]
    cell = browser.find_element("css selector", "td.col-published")
    assert "UTC" in cell.text and "(Asia/Tehran)" in cell.text
    assert {browser.execute_script("return getComputedStyle(arguments[0]).whiteSpace", t)
            for t in cell.find_elements("css selector", ".when")} == {"nowrap"}
    links = browser.find_elements("css selector", "td.col-title a")
    assert [link.text for link in links] == [expected(EDITED)["title"]]
    assert links[0].get_attribute("href").endswith(f"/-/story/islamtimes/{EDITED}")
    screenshot(browser, "stories")
    newest = get_json(f"{site}/archive/stories.json?_shape=array&_size=5")
    dated = [row["published"] for row in newest if row["published"]]
    assert dated == sorted(dated, reverse=True)


def test_show_diff_prints_the_same_edit_in_the_terminal(edited_archive):
    result = CliRunner().invoke(cli, ["show", EDITED, "--db", str(edited_archive), "--diff"])
    assert result.exit_code == 0, result.output
    removed = " ".join(re.findall(r"\[-(.*?)-\]", result.output, re.S))
    added = " ".join(re.findall(r"\{\+(.*?)\+\}", result.output, re.S))
    assert "global supplies" in removed and "fertilizer" in added
    assert "global supplies" not in added and "fertilizer" not in removed
    assert "(1 edit(s))" in result.output


def test_the_database_page_names_tables_by_their_titles(site):
    with urllib.request.urlopen(f"{site}/archive", timeout=10) as response:
        page = response.read().decode()
    for title in ("Stories", "Stories, every column", "URLs", "Revisions", "Dropped pages", "Runs", "Latest stories"):
        assert f">{title}</a>" in page
    assert "articles_fts" not in page and "story_counts" not in page
