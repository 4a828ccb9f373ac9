"""extract() never raises for a page: whatever fails on the way rejects it,
logged, as ``parser_error``."""

from __future__ import annotations

import dataclasses

import pytest

from newsarchive.extraction import Extracted, Fetched, Rejection, extract
from newsarchive.items import ArticleItem, DropReason
from newsarchive.sites import ISLAM_TIMES, generic_site
from newsarchive.sites.engine import Parser
from tests.faults.server import article_html

URL = "https://www.islamtimes.com/en/news/3500001/a-story"


class DateOfAnotherType(Parser):
    """A parser whose item breaks the steps after it (a date that is no text)."""

    def parse(self, page, removed=None, counts=None):
        return ArticleItem(site="islamtimes", story_code="3500001", url=page.url, title="T", body="B",
                           published_raw=20221108, field_sources={})


def test_a_failure_after_the_parser_rejects_the_page_and_is_logged(caplog):
    site = dataclasses.replace(ISLAM_TIMES, parser=DateOfAnotherType)
    fetched = Fetched(URL, {"Content-Type": "text/html; charset=utf-8"}, article_html("3500001", "T", ["B."]).encode())
    rejected = extract(site, fetched)
    assert isinstance(rejected, Rejection) and rejected.reason == DropReason.PARSER_ERROR
    assert "Extraction failed on " + URL in caplog.text


def test_the_same_page_extracts_with_the_sites_parser():
    fetched = Fetched(URL, {"Content-Type": "text/html; charset=utf-8"},
                      article_html("3500001", "A Title", ["A paragraph of the story."]).encode())
    extracted = extract(ISLAM_TIMES, fetched)
    assert isinstance(extracted, Extracted)
    assert (extracted.item.title, extracted.item.published) == ("A Title", "2022-11-08T05:48:00Z")
    assert extracted.counts["fields/title/site"] == 1 and extracted.counts["dates/tz_source/site_default"] == 1


PARAGRAPH = ("The council voted on Tuesday to keep every branch library open six days a week, adding evening hours "
             "at the three busiest branches from next month.")


@pytest.mark.parametrize("site", [ISLAM_TIMES, generic_site("https://news.example.com")], ids=["profile", "generic"])
def test_a_link_whose_href_is_not_a_url_is_skipped_and_counted_not_the_story(site):
    origin = "https://www.islamtimes.com" if site is ISLAM_TIMES else "https://news.example.com"
    html = (f'<html><head><meta property="og:type" content="article"><title>Libraries stay open</title></head><body>'
            f'<article><h1>Libraries stay open</h1><p>{PARAGRAPH}</p><p>{PARAGRAPH} Again.</p></article>'
            f'<div class="related"><h3>Related</h3><a href="http://[broken/en/news/1023425/x">Another story with a long headline here</a>'
            f'<a href="{origin}/en/news/1023426/y">A third story with a long headline here</a></div></body></html>')
    extracted = extract(site, Fetched(f"{origin}/en/news/1023423/a", {"Content-Type": "text/html; charset=utf-8"},
                                      html.encode()))
    assert not isinstance(extracted, Rejection), extracted
    assert extracted.counts["links/malformed"] >= 1
    assert [entry["url"] for entry in extracted.item.related] == [f"{origin}/en/news/1023426/y"]
