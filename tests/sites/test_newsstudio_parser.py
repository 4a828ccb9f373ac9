"""The News Studio parser on saved pages, and its fallbacks on altered ones."""

import pytest
from lxml import html

from newsarchive.replay.expected import expected_item
from newsarchive.replay.pages import SavedSite
from newsarchive.sites import ISLAM_TIMES, PACKAGE
from newsarchive.sites.page import Page, PageRejected, looks_binary
from newsarchive.sites.text import text_lines
from tests.conftest import FIXTURES, SEED_TEXT, load_expected

EXAMPLE_URL = "https://www.islamtimes.com/en/news/1023423/north-korea-denies-sending-arms-to-russia"


def article_pages(saved_site):
    return [page for page in saved_site if page.expected is not None]


def test_example_page_renders_to_the_seed_text():
    seed_lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()[1:]  # first line: a saver's header
    want = [line.strip() for line in seed_lines if line.strip()]
    page = html.fromstring((FIXTURES / "pages" / "1023423.html").read_bytes())
    assert text_lines(page.body, include_alt=True) == want


FOLDERS = sorted(path.parent.name for path in FIXTURES.parent.glob("*/pages.json"))


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_article_page_parses_to_its_expected_item(folder):
    saved = SavedSite(FIXTURES.parent / folder)
    site = PACKAGE.resolve(saved.site)
    pages = article_pages(saved)
    assert pages
    for page in pages:
        assert expected_item(site, page) == load_expected(page), page.url


def test_fixture_set_covers_every_kind_and_case(saved_site):
    expected = [load_expected(page) for page in article_pages(saved_site)]
    stored = [e for e in expected if "dropped" not in e]
    assert {e["kind"] for e in stored} >= {"news", "article", "interview", "video", "gallery", "karikator"}
    assert {e["language"] for e in stored} >= {"en", "ur"}
    assert any(e["published"] is None for e in stored)
    assert {e["dropped"] for e in expected if "dropped" in e} == {"no_story_code", "no_body"}
    assert any("'" in r["title"] for e in stored for r in e["related"])


def response(body: str | bytes, url: str = EXAMPLE_URL) -> Page:
    body = body.encode() if isinstance(body, str) else body
    return Page.from_http(url, {"Content-Type": "text/html; charset=utf-8"}, body)


def example_html() -> str:
    return (FIXTURES / "pages" / "1023423.html").read_text(encoding="utf-8")


def test_example_item_fields():
    item = ISLAM_TIMES.parse(response(example_html()))
    assert item.story_code == "1023423"
    assert item.url == EXAMPLE_URL
    assert item.title == "North Korea Denies Sending Arms to Russia"
    assert item.lead.startswith("The US “is persistently spreading")
    assert len(item.body.split("\n\n")) == 5
    assert item.published_raw == "Tuesday 8 November 2022 - 09:18"
    assert len(item.related) == 13
    peru = next(r for r in item.related if r["story_code"] == "1023392")
    # The link text is whole even though the alt copy is cut at the apostrophe.
    assert peru["title"] == "Thousands March in Peru Calling for President's Removal"
    assert peru["date"] == "6 November 2022"


def test_title_falls_back_to_og_title_then_title_tag():
    no_h1 = example_html().replace('<h1 id="docDiv3TitrMain">North Korea Denies Sending Arms to Russia</h1>', "")
    assert ISLAM_TIMES.parse(response(no_h1)).title == "North Korea Denies Sending Arms to Russia"
    no_og = no_h1.replace('property="og:title"', 'property="og:other"')
    assert ISLAM_TIMES.parse(response(no_og)).title == "North Korea Denies Sending Arms to Russia"


def test_story_code_falls_back_to_the_page_when_the_url_has_none():
    url = "https://www.islamtimes.com/en/some/unknown/form"
    item = ISLAM_TIMES.parse(response(example_html(), url=url))
    assert item.story_code == "1023423"
    # ... and the canonical link still gives the canonical URL.
    assert item.url == EXAMPLE_URL


def test_story_code_from_text_pattern_alone():
    page = example_html().replace('id="docDocID"', 'id="somethingElse"').replace('rel="canonical"', 'rel="x"')
    page = page.replace('property="og:url"', 'property="og:x"')
    url = "https://www.islamtimes.com/en/unknown"
    assert ISLAM_TIMES.parse(response(page, url=url)).story_code == "1023423"


def test_body_falls_back_to_main_text_when_container_renamed():
    page = example_html().replace('id="doctextarea"', 'class="renamed"')
    item = ISLAM_TIMES.parse(response(page))
    assert item.body.split("\n\n")[0].startswith("The official went on to note")
    assert "Featured Stories" not in item.body


def test_date_falls_back_to_text_pattern():
    page = example_html().replace('id="docDiv3Date" class="doc_date"', 'class="when"')
    assert ISLAM_TIMES.parse(response(page)).published_raw == "Tuesday 8 November 2022 - 09:18"


def test_pages_without_story_code_or_body_are_rejected():
    url = "https://www.islamtimes.com/en/page/unavailable"
    with pytest.raises(PageRejected) as rejected:
        ISLAM_TIMES.parse(response("<html><body><p>Nothing here.</p></body></html>", url=url))
    assert rejected.value.reason == "no_story_code"
    with pytest.raises(PageRejected) as rejected:
        ISLAM_TIMES.parse(response("<html><body><h1>Title only</h1></body></html>"))
    assert rejected.value.reason == "no_body"
    with pytest.raises(PageRejected) as rejected:
        Page.from_http(EXAMPLE_URL, {"Content-Type": "image/png"}, b"\x89PNG\r\n")
    assert rejected.value.reason == "not_text"


@pytest.mark.parametrize(
    ("body", "binary"),
    [
        (b"", False),
        ("<p>متن فارسی\tو\r\nخط\x0cجدید</p>".encode(), False),
        (b"<html>\x00</html>", True),
        (b"\x01\x02\x03\x1b" * 20 + b"a" * 600, True),  # 80 of 680 bytes: 12% controls
        (b"\x01\x02\x03\x1b" * 20 + b"a" * 800, False),  # 80 of 880: 9%
        (b"a" * 4096 + b"\x01" * 4096, False),  # only the first 4 KB is looked at
    ],
)
def test_looks_binary_counts_control_bytes_of_the_head(body, binary):
    assert looks_binary(body) is binary
