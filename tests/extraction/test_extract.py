"""extract() never raises for a page: whatever fails on the way rejects it,
logged, as ``parser_error``."""

from __future__ import annotations

import dataclasses

from newsarchive.extraction import Extracted, Fetched, Rejection, extract
from newsarchive.items import ArticleItem, DropReason
from newsarchive.sites import ISLAM_TIMES
from newsarchive.sites.engine import Parser
from tests.faults.server import article_html

URL = "https://www.islamtimes.com/en/news/3500001/a-story"


class DateOfAnotherType(Parser):
    """A parser whose item breaks the steps after it (a date that is no text)."""

    def parse(self, page, removed=None):
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
