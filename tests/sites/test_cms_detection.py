"""A page of a site without a profile is read by its CMS family's rules when
its own signs name the family, and its identity is what it states."""

from __future__ import annotations

import tomllib

import pytest

from newsarchive.sites import generic_site
from newsarchive.sites.cms import Cms, detect
from newsarchive.sites.page import Page
from newsarchive.sites.profiles import PACKAGE_PARSERS
from tests.conftest import FIXTURES, ROOT

PARAGRAPH = ("The council voted on Tuesday to keep every branch library open six days a week, "
             "adding evening hours at the three busiest branches from next month.")


def page(html: str, url: str = "https://news.example.com/some/story") -> Page:
    return Page.from_http(url, {"Content-Type": "text/html; charset=utf-8"}, html.encode())


DRUPAL = f"""<html><head><meta name="Generator" content="Drupal 10 (https://www.drupal.org)">
<link rel="shortlink" href="https://news.example.com/node/4711"><link rel="canonical" href="https://news.example.com/city/library-hours">
<meta property="og:type" content="article"></head>
<body><article data-history-node-id="4711" class="node node--type-article">
<h1 class="page-title"><span>Libraries Stay Open Six Days</span></h1>
<div class="node__content"><div class="field--name-body"><p>{PARAGRAPH}</p><p>{PARAGRAPH} Again.</p></div>
<div class="field--name-field-tags"><a href="/tags/libraries">Libraries</a></div></div></article></body></html>"""

NEWS_STUDIO = (FIXTURES / "pages" / "1023423.html").read_text(encoding="utf-8")

PLAIN = f"""<html><head><title>Libraries Stay Open</title><meta property="og:type" content="article">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Libraries Stay Open",
"identifier": "770150"}}</script></head><body><article><h1>Libraries Stay Open</h1><p>{PARAGRAPH}</p>
<p>{PARAGRAPH} Again.</p></article></body></html>"""


@pytest.mark.parametrize("html, cms", [(DRUPAL, Cms.DRUPAL), (NEWS_STUDIO, Cms.NEWS_STUDIO), (PLAIN, None)])
def test_the_family_is_named_by_the_pages_signs(html, cms):
    assert detect(page(html)) is cms


def test_a_drupal_page_without_a_profile_gets_drupals_rules_and_its_node_id():
    item = generic_site("https://news.example.com").parse(page(DRUPAL))
    assert item.story_code == "4711"
    assert item.title == "Libraries Stay Open Six Days"
    assert item.tags == ["Libraries"]
    assert item.field_sources["cms"] == "drupal"
    assert item.field_sources["story_code"] == item.field_sources["title"] == "site"


def test_a_news_studio_page_on_another_host_is_read_by_the_familys_rules():
    item = generic_site("https://mirror.example.org").parse(page(NEWS_STUDIO, "https://mirror.example.org/en/news/1023423/x"))
    assert item.field_sources["cms"] == "newsstudio"
    assert item.story_code == "1023423"
    assert item.title == "North Korea Denies Sending Arms to Russia"
    assert item.published_raw == "Tuesday 8 November 2022 - 09:18"


def test_a_page_of_no_known_family_states_its_id_in_json_ld():
    item = generic_site("https://news.example.com").parse(page(PLAIN, "https://news.example.com/a/b"))
    assert item.story_code == "770150" and item.field_sources["story_code"] == "site"
    assert "cms" not in item.field_sources


def test_the_package_registers_each_of_its_parsers_as_an_entry_point():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert declared["project"]["entry-points"]["newsarchive.parsers"] == PACKAGE_PARSERS
