"""The extraction engine: each class of drift degrades field by field, and
every field says which source gave it."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from newsarchive.replay.expected import expected_item
from newsarchive.replay.pages import SavedSite
from newsarchive.sites import ISLAM_TIMES, generic_site
from newsarchive.sites.markup import main_text_markup
from newsarchive.sites.page import Page, PageRejected
from tests.conftest import FIXTURES

ROOT = FIXTURES.parent
COMPARED = ("title", "lead", "body", "published", "story_code", "url")


def original(code: str) -> dict:
    """The story as the site's own rules read it from its current markup."""
    return json.loads((FIXTURES / "expected" / f"{code}.json").read_text(encoding="utf-8"))


def parsed(folder: str) -> list[dict]:
    saved = SavedSite(ROOT / folder)
    return [expected_item(ISLAM_TIMES, page) for page in saved if page.expected is not None]


@pytest.mark.parametrize(
    ("folder", "sources"),
    [
        # HTML5 redesign: JSON-LD, <time>, <article>; no CMS ids, no "Story Code".
        ("islamtimes-redesign", {"title": "json_ld", "body": "main_text", "published": "json_ld"}),
        # Older table layout: loose text in a <td>, paragraphs split by <br><br>.
        ("islamtimes-tables", {"title": "title_tag", "body": "main_text", "published": "text_pattern"}),
    ],
)
def test_a_changed_layout_still_gives_every_story_whole_and_dated(folder, sources):
    items = parsed(folder)
    assert len(items) == 11
    for item in items:
        assert "dropped" not in item, item
        want = original(item["story_code"])
        assert {f: item[f] for f in COMPARED} == {f: want[f] for f in COMPARED}, item["story_code"]
        assert {f: item["field_sources"][f] for f in sources} == sources


def test_an_empty_body_container_falls_back_to_the_main_text():
    item = next(i for i in parsed("islamtimes-drift") if i["story_code"] == "1023423")
    want = original("1023423")
    assert item["body"] == want["body"] and len(item["body"].split("\n\n")) == 5
    assert item["field_sources"]["body"] == "main_text"
    assert item["field_sources"]["title"] == item["field_sources"]["published"] == "site"


def test_a_date_only_in_time_datetime_is_found():
    item = next(i for i in parsed("islamtimes-drift") if i["story_code"] == "1023425")
    assert item["published"] == original("1023425")["published"] == "2022-11-08T05:25:00Z"
    assert item["published_raw"] == "2022-11-08T08:55:00+03:30"
    assert item["published_tz_source"] == "page"
    assert item["field_sources"]["published"] == "time"


def test_matching_site_rules_are_recorded_as_the_site():
    item = original("1023423")
    assert {item["field_sources"][f] for f in ("title", "lead", "body", "published")} == {"site"}
    assert item["field_sources"]["tags"] == "meta"  # the page has no tag links: its keywords
    assert ISLAM_TIMES.page_parser.rule_fields >= {"title", "body", "published"}
    assert generic_site("https://example.com").page_parser.rule_fields == frozenset()


def page(html: str, url: str = "https://www.example.com/news/2024/05/some-story-title-here") -> Page:
    return Page.from_http(url, {"Content-Type": "text/html; charset=utf-8"}, html.encode())


def test_json_ld_article_body_is_the_last_body_source():
    data = {"@type": "NewsArticle", "headline": "Data Only", "articleBody": "First paragraph.\nSecond paragraph."}
    html = f'<html><head><script type="application/ld+json">{json.dumps(data)}</script></head><body></body></html>'
    item = generic_site("https://www.example.com").parse(page(html))
    assert item.body == "First paragraph.\n\nSecond paragraph."
    assert item.field_sources["body"] == "json_ld" and item.field_sources["title"] == "json_ld"


def test_a_data_table_is_left_to_the_main_text_extractor():
    data = "<table><tr><th>Party</th><th>Seats</th></tr><tr><td>A</td><td>12</td></tr></table>"
    kept = etree.tostring(main_text_markup(page(f"<html><body><p>Text.</p>{data}</body></html>").root), encoding="unicode")
    assert data in kept
    layout = "<table><tr><td><div>Menu</div></td><td>One.<br><br>Two.</td></tr></table>"
    unwrapped = etree.tostring(main_text_markup(page(f"<html><body>{layout}</body></html>").root), encoding="unicode")
    assert "<table" not in unwrapped and "One." in unwrapped


def test_pages_that_are_not_text_are_refused_before_parsing():
    with pytest.raises(PageRejected) as refused:
        Page.from_http("https://www.example.com/a.png", {"Content-Type": "image/png"}, b"\x89PNG\r\n")
    assert refused.value.reason == "not_text"
    with pytest.raises(PageRejected) as refused:
        Page.from_http("https://www.example.com/", {"Content-Type": "text/html"}, b"<html>\x00\x01\x02</html>")
    assert refused.value.reason == "not_text"


def test_a_wrong_charset_is_repaired_from_the_bytes():
    text = "<html><body><p>مرحبا بالعالم</p></body></html>"
    repaired = Page.from_http("https://www.example.com/", {"Content-Type": "text/html; charset=utf-8"},
                              text.encode("windows-1256"), ("windows-1256",))
    assert repaired.repaired_encoding == "cp1256" and "مرحبا بالعالم" in repaired.html
