"""``newsarchive serve``: Datasette on the fixture archive, over 127.0.0.1,
through its JSON API and in a real headless Chromium."""

from __future__ import annotations

import urllib.request

import pytest

from tests.browser import chromium, get_json, needs_browser, screenshot, served


@pytest.fixture(scope="module")
def datasette(fixture_archive):
    with served(fixture_archive) as base:
        yield base


def test_search_pyongyang_returns_the_example_story(datasette):
    rows = get_json(f"{datasette}/archive/articles.json?_search=Pyongyang&_shape=array")
    assert [row["story_code"] for row in rows] == ["1023423"]


def test_metadata_titles_facets_and_canned_queries(datasette):
    page = get_json(f"{datasette}/archive/articles.json?_size=1")
    assert set(page["facet_results"]) >= {"site", "section", "language", "published"}
    tables = get_json(f"{datasette}/-/metadata.json")["databases"]["archive"]["tables"]
    assert (tables["stories"]["title"], tables["articles"]["title"]) == ("Stories", "Stories, every column")
    latest = get_json(f"{datasette}/archive/latest.json?_shape=array")
    dated = [row["published"] for row in latest if row["published"]]
    assert len(latest) == 13 and dated == sorted(dated, reverse=True)
    assert get_json(f"{datasette}/archive/edited.json?_shape=array") == []
    assert get_json(f"{datasette}/archive/runs.json?_shape=array")[0]["items_new"] == 13


def test_archive_is_served_read_only(datasette):
    request = urllib.request.Request(
        f"{datasette}/archive/-/query.json",
        data=b"sql=delete+from+articles",
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=10)
    assert len(get_json(f"{datasette}/archive/latest.json?_shape=array")) == 13


@needs_browser
def test_search_in_a_real_browser(datasette, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    with chromium(tmp_path / "profile") as driver:
        driver.get(f"{datasette}/archive/articles")
        box = WebDriverWait(driver, 20).until(expected_conditions.presence_of_element_located((By.NAME, "_search")))
        box.send_keys("Pyongyang")
        box.submit()
        WebDriverWait(driver, 20).until(expected_conditions.url_contains("_search=Pyongyang"))
        WebDriverWait(driver, 20).until(
            expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "body"), "North Korea Denies Sending Arms to Russia")
        )
        body = driver.find_element(By.TAG_NAME, "body").text
        assert '1 row where search matches "Pyongyang"' in body
        assert "1023423" in body
        screenshot(driver, "search")
