"""``newsarchive serve``: Datasette on the fixture archive, over 127.0.0.1,
through its JSON API and in a real headless Chromium."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def datasette(fixture_archive):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "newsarchive.cli", "serve", "--db", str(fixture_archive), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            get_json(f"{base}/-/versions.json")
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"datasette did not start: {server.stdout.read()}")
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=10)


def test_search_pyongyang_returns_the_example_story(datasette):
    rows = get_json(f"{datasette}/archive/articles.json?_search=Pyongyang&_shape=array")
    assert [row["story_code"] for row in rows] == ["1023423"]


def test_metadata_titles_facets_and_canned_queries(datasette):
    page = get_json(f"{datasette}/archive/articles.json?_size=1")
    assert set(page["facet_results"]) >= {"site", "section", "language", "published"}
    assert get_json(f"{datasette}/-/metadata.json")["databases"]["archive"]["tables"]["articles"]["title"] == "Stories"
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


def browser_available() -> bool:
    return os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)


@pytest.mark.skipif(
    not browser_available() and not os.environ.get("CI"),
    reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)",
)
def test_search_in_a_real_browser(datasette, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
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
        driver.save_screenshot(os.environ.get("NEWSARCHIVE_SCREENSHOT") or str(tmp_path / "search.png"))
    finally:
        driver.quit()
