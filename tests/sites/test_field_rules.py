"""The engine as a field-rule table: each field's rules in one entry, a
parser replacing one entry's site rule, the body cleaned once."""

from __future__ import annotations

import dataclasses

from newsarchive.extraction import Extracted, Fetched, extract, extract_page
from newsarchive.sites import ISLAM_TIMES, PACKAGE, generic_site
from newsarchive.sites import engine, sidebar
from newsarchive.sites.engine import FIELDS, SITE, Parser, with_site_rules
from newsarchive.sites.newsstudio import NewsStudioParser
from tests.conftest import GENERIC_FIXTURES
from tests.faults.server import article_html
from newsarchive.replay.pages import SavedSite

URL = "https://www.islamtimes.com/en/news/3500001/a-story"
OG_TITLE = '<meta property="og:title" content="The Title the Page Gives">'


def fetched(head: str = "") -> Fetched:
    page = article_html("3500001", "The Headline", ["A paragraph of the story, long enough to read."], head=head)
    return Fetched(URL, {"Content-Type": "text/html; charset=utf-8"}, page.encode())


def with_parser(parser: type[Parser]):
    return dataclasses.replace(ISLAM_TIMES, parser=parser)


class TitleFromTheKicker(NewsStudioParser):
    """One entry replaced: the title is the site's own rule's, whatever it reads."""

    field_rules = with_site_rules(NewsStudioParser.field_rules,
                                  title=lambda parser, extraction: "A Title by the Parser's Rule")


class TitleRuleFindsNothing(NewsStudioParser):
    field_rules = with_site_rules(NewsStudioParser.field_rules, title=lambda parser, extraction: None)


def test_every_parser_has_one_entry_per_recorded_field():
    parsers = {profile.parser for profile in PACKAGE.values()} | {generic_site("https://example.org/").parser}
    for parser in parsers:
        assert tuple(parser.field_rules) == FIELDS, parser.__name__


def test_a_parser_replaces_the_site_rule_of_one_field():
    item = extract(with_parser(TitleFromTheKicker), fetched()).item
    assert (item.title, item.field_sources["title"]) == ("A Title by the Parser's Rule", SITE)
    # The other entries are the family's: the same item but for the title.
    family = extract(ISLAM_TIMES, fetched()).item
    assert family.title == "The Headline"
    assert dataclasses.replace(item, title=family.title) == family


def test_a_replaced_rule_keeps_the_fields_fallbacks():
    item = extract(with_parser(TitleRuleFindsNothing), fetched(head=OG_TITLE)).item
    assert (item.title, item.field_sources["title"]) == ("The Title the Page Gives", "opengraph")
    item = extract(with_parser(TitleRuleFindsNothing), fetched()).item
    assert (item.title, item.field_sources["title"]) == ("The Headline", "heading")


def test_the_rule_table_does_not_change_the_base_parser():
    assert Parser.field_rules["title"] is not TitleFromTheKicker.field_rules["title"]
    assert TitleFromTheKicker.field_rules["body"] is Parser.field_rules["body"]


def test_the_sidebar_rules_run_once_on_each_body(monkeypatch):
    """A body from the page's main text is checked against the sidebar rules
    (is more than a story list left?) and cleaned by them: once."""
    calls = []
    original = sidebar.strip_sidebar

    def counted(*args, **kwargs):
        calls.append(args[0][:40])
        return original(*args, **kwargs)

    monkeypatch.setattr(sidebar, "strip_sidebar", counted)
    monkeypatch.setattr(engine, "strip_sidebar", counted)
    sources, extracted = [], 0
    for saved in SavedSite(GENERIC_FIXTURES):
        if saved.expected is None:
            continue
        calls.clear()
        result = extract_page(generic_site(saved.url), saved.page())
        if isinstance(result, Extracted):
            extracted += 1
            sources.append(result.item.field_sources["body"])
            assert len(calls) == 1, (saved.url, calls)
    assert extracted >= 3 and "main_text" in sources
