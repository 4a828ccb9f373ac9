"""Reading without leaving a trace: a story's image is shown from the
archive's own WARC capture of it, an image not captured is only named and
linked, a Content-Security-Policy forbids outside loads, and a browser
reading every kind of page asks nothing of any server but 127.0.0.1."""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
import urllib.error
import urllib.parse
import urllib.request

import pytest

from newsarchive.replay.server import MirrorServer
from tests.browser import chromium, needs_browser, requested_urls, screenshot, served
from tests.conftest import FIXTURES, run_crawl
from tests.helpers import start_urls

SEED, OTHER = "1023423", "1023425"
#: A 2x2 PNG: the seed story's image as the mirror serves it.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==")


def expected(code: str) -> dict:
    return json.loads((FIXTURES / "expected" / f"{code}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The fixture site crawled from a mirror that also serves the seed
    story's image (not the other stories'), with captures on."""
    folder = tmp_path_factory.mktemp("mirror") / "islamtimes"
    shutil.copytree(FIXTURES, folder)
    (folder / "pages" / "seed-image.png").write_bytes(PNG)
    manifest = json.loads((folder / "pages.json").read_text(encoding="utf-8"))
    manifest["pages"].append({"url": expected(SEED)["image_url"], "file": "pages/seed-image.png",
                              "content_type": "image/png"})
    (folder / "pages.json").write_text(json.dumps(manifest), encoding="utf-8")
    db = tmp_path_factory.mktemp("archive") / "archive.db"
    with MirrorServer(folder) as server:
        result = run_crawl(db, start_urls(server), "lang=en")
    assert result.returncode == 0, result.log[-3000:]
    return db


def test_the_seed_storys_image_is_kept_in_the_captures_and_the_others_are_not(archive):
    conn = sqlite3.connect(archive)
    assert conn.execute("SELECT url, content_type FROM assets").fetchall() == [(expected(SEED)["image_url"],
                                                                                  "image/png")]


def asset(base: str, url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"{base}/-/asset?url={urllib.parse.quote(url, safe='')}", timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_the_image_is_read_from_the_warc_folder_serve_is_given(archive, tmp_path):
    moved = tmp_path / "elsewhere"
    shutil.copytree(archive.parent / "warc", moved)
    copy = tmp_path / "copy" / "archive.db"
    copy.parent.mkdir()
    shutil.copy(archive, copy)
    image = expected(SEED)["image_url"]
    with served(copy) as base:
        assert asset(base, image)[0] == 404
        # Without its capture the story page names the image instead of showing a broken one.
        with urllib.request.urlopen(f"{base}/-/story/islamtimes/{SEED}", timeout=10) as response:
            assert 'class="image-missing"' in response.read().decode("utf-8")
    with served(copy, "--warc-dir", str(moved)) as base:
        assert asset(base, image) == (200, PNG)


def test_every_page_forbids_outside_loads(archive):
    with served(archive) as base:
        for path in ("/", f"/-/story/islamtimes/{SEED}", "/archive/stories"):
            with urllib.request.urlopen(base + path, timeout=10) as response:
                policy = response.headers["Content-Security-Policy"]
                assert "default-src 'self'" in policy and "img-src 'self' data:" in policy, path
                assert response.headers["Referrer-Policy"] == "no-referrer"
        # A captured file opened on its own runs nothing and loads nothing.
        quoted = urllib.parse.quote(expected(SEED)["image_url"], safe="")
        with urllib.request.urlopen(f"{base}/-/asset?url={quoted}", timeout=10) as response:
            assert response.headers["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"
            assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_capture_that_cannot_be_read_is_a_missing_image_not_an_error(archive, tmp_path):
    folder = tmp_path / "warc"
    shutil.copytree(archive.parent / "warc", folder)
    for path in folder.iterdir():
        path.write_bytes(path.read_bytes()[:200])  # cut short: the records are gone
    with served(archive, "--warc-dir", str(folder)) as base:
        assert asset(base, expected(SEED)["image_url"])[0] == 404


@needs_browser
def test_reading_the_archive_asks_nothing_of_any_server_but_its_own(archive, tmp_path):
    with served(archive) as base, chromium(tmp_path / "chromium", network_log=True) as browser:
        browser.get(f"{base}/-/story/islamtimes/{SEED}")
        image = browser.find_element("css selector", "figure.image img")
        assert image.get_attribute("src").startswith(f"{base}/-/asset?")
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) == 2
        screenshot(browser, "story-archived-image")
        browser.get(f"{base}/-/story/islamtimes/{OTHER}")
        missing = browser.find_element("css selector", "figure.image-missing a")
        assert missing.get_attribute("href") == expected(OTHER)["image_url"]
        assert not browser.find_elements("css selector", "article img")
        for path in ("/", "/archive/stories", "/archive/stories?_search=Russia", "/-/site/islamtimes", "/-/edited",
                     "/-/deleted", "/archive/articles", "/archive"):
            browser.get(base + path)
        # Over the network, that is: the browser's own pages (chrome://) and data: URLs are no request.
        asked = [url for url in requested_urls(browser) if url.startswith(("http:", "https:", "ws:", "wss:"))]
        assert len(asked) > 20 and f"{base}/-/asset?url=" in " ".join(asked)
        assert [url for url in asked if not url.startswith(base + "/")] == []
