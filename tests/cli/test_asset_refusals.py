"""What a page's image address may not make the crawler or the reading
pages do: read the machine's files or its network's services into the
captures, keep a picture that runs script, fetch an image again at each
recheck, or link a script from the placeholder."""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
import zlib

import pytest

from newsarchive.capture.reader import warc_files
from newsarchive.replay.server import MirrorServer
from newsarchive.sites.urls import refused_asset
from tests.browser import served
from tests.conftest import FIXTURES, run_crawl
from tests.helpers import start_urls

PAGE = "https://www.islamtimes.com/en/news/1023423/x"
SECRET = "the crawler's own secret"
SEED = "1023423"
#: A 2x2 PNG: the seed story's image as the mirror serves it.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'


@pytest.mark.parametrize(("url", "page", "refused"), [
    ("https://www.islamtimes.com/images/a.jpg", PAGE, False),
    ("https://cdn.example.net/a.jpg", PAGE, False),
    ("http://127.0.0.1:8080/images/a.jpg", "http://127.0.0.1:8080/en/news/1/x", False),  # the page's own mirror
    ("file:///etc/passwd", PAGE, True),
    ("javascript:alert(1)", PAGE, True),
    ("data:image/png;base64,AAAA", PAGE, True),
    ("ftp://example.net/a.jpg", PAGE, True),
    ("//no-scheme.example/a.jpg", PAGE, True),
    ("http://169.254.169.254/latest/meta-data/", PAGE, True),
    ("http://127.0.0.1:6379/", PAGE, True),
    ("http://10.0.0.5/a.jpg", PAGE, True),
    ("http://[::1]/a.jpg", PAGE, True),
    ("http://localhost/a.jpg", PAGE, True),
    ("http://[::1/a.jpg", PAGE, True),  # not a URL at all
])
def test_which_image_addresses_are_fetched(url, page, refused):
    assert (refused_asset(url, page) is not None) is refused


def _image_of(code: str) -> str:
    return json.loads((FIXTURES / "expected" / f"{code}.json").read_text(encoding="utf-8"))["image_url"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The fixture site with four stories' images replaced: a file of the
    machine, a link-local service, a script address and an SVG that runs
    script (served by the mirror); crawled twice into one archive."""
    tmp = tmp_path_factory.mktemp("refusals")
    secret = tmp / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    folder = tmp / "mirror"
    shutil.copytree(FIXTURES, folder)
    svg_url = "https://www.islamtimes.com/images/docs/001023/n01023415.svg"
    replaced = {"1023431": secret.as_uri(), "1023420": "http://169.254.169.254/latest/meta-data/",
                "1023418": "javascript:alert(document.domain)", "1023415": svg_url}
    for code, url in replaced.items():
        page = folder / "pages" / f"{code}.html"
        page.write_text(page.read_text(encoding="utf-8").replace(_image_of(code), url), encoding="utf-8")
    (folder / "pages" / "evil.svg").write_bytes(SVG)
    (folder / "pages" / "seed.png").write_bytes(PNG)
    manifest = json.loads((folder / "pages.json").read_text(encoding="utf-8"))
    manifest["pages"].append({"url": svg_url, "file": "pages/evil.svg", "content_type": "image/svg+xml"})
    manifest["pages"].append({"url": _image_of(SEED), "file": "pages/seed.png", "content_type": "image/png"})
    (folder / "pages.json").write_text(json.dumps(manifest), encoding="utf-8")
    db = tmp / "archive" / "archive.db"
    db.parent.mkdir()
    with MirrorServer(folder) as server:
        first = run_crawl(db, start_urls(server), "lang=en")
        asked_first, server.requests[:] = list(server.requests), []
        second = run_crawl(db, start_urls(server), "lang=en", "recheck_days=100000")
        asked_second = list(server.requests)
    return db, first, second, replaced, (asked_first, asked_second)


def _stats(db, run_id: int) -> dict:
    return json.loads(sqlite3.connect(db).execute("SELECT stats FROM runs WHERE id = ?", [run_id]).fetchone()[0])


def test_no_image_address_reads_the_machine_or_its_network(crawled):
    db, first, _, replaced, _ = crawled
    assert first.returncode == 0, first.log[-3000:]
    assert "Traceback" not in first.log
    # Each record is its own gzip member: every member read.
    text = b""
    for path in warc_files(db.parent / "warc"):
        data = path.read_bytes()
        while data:
            member = zlib.decompressobj(16 + zlib.MAX_WBITS)
            text += member.decompress(data)
            data = member.unused_data
    assert urllib.parse.urlsplit(_image_of(SEED)).path.encode() + b"\r\n" in text  # the records were read
    assert SECRET.encode() not in text
    assert b"WARC-Target-URI: file:" not in text and b"WARC-Target-URI: http://169.254.169.254" not in text
    stats = _stats(db, 1)
    assert stats["newsarchive/assets/refused"] == 3  # the file, the link-local service, the script address
    for code, url in replaced.items():
        assert f"The image {url} of story {code}" in first.log
    # The stories themselves are stored, whatever their images.
    stored = {row[0] for row in sqlite3.connect(db).execute("SELECT story_code FROM articles")}
    assert set(replaced) <= stored


def test_a_picture_that_runs_script_is_not_kept_nor_served(crawled):
    db, _, _, replaced, _ = crawled
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM assets WHERE url = ?", [replaced["1023415"]]).fetchone() == (0,)
    with served(db) as base:
        quoted = urllib.parse.quote(replaced["1023415"], safe="")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/-/asset?url={quoted}", timeout=10)
        assert refused.value.code == 404
        # The placeholder names a script address as text, never as a link.
        with urllib.request.urlopen(f"{base}/-/story/islamtimes/1023418", timeout=10) as response:
            page = response.read().decode("utf-8")
        assert "javascript:alert" in page and 'href="javascript:' not in page


def test_an_image_is_fetched_once_not_at_each_recheck(crawled):
    db, _, second, _, (asked_first, asked_second) = crawled
    assert second.returncode == 0, second.log[-3000:]
    image = urllib.parse.urlsplit(_image_of(SEED)).path
    assert [status for path, status in asked_first if path == image] == [200]
    assert [path for path, _ in asked_second if path == image] == []  # captured: not asked again
    assert _stats(db, 1)["newsarchive/assets/kept"] == 1
    assert "newsarchive/assets/kept" not in _stats(db, 2)
    # Stories rechecked (their pages asked again), so the image was skipped for being captured.
    assert any(path.startswith("/en/news/1023423") for path, _ in asked_second)
