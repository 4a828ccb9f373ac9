"""Every profile has fixtures, and every expected item is checked for what it
must be, not only against itself: a regenerated snapshot that lost a field,
kept page chrome or a date in the wrong form fails here even if its diff is
not read (in the manner of Fundus's parser tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsarchive.archive.schema import ARTICLE_COLUMNS
from newsarchive.replay.expected import CRAWL_FIELDS
from newsarchive.replay.pages import SavedSite
from newsarchive.sites import PACKAGE_SITES, resolve_site
from newsarchive.sites.engine import FIELDS, SITE
from tests.conftest import ROOT

FOLDERS = sorted(path.parent for path in (ROOT / "fixtures").glob("*/pages.json"))
UTC_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
CHROME = re.compile(r"^(Story Code\s*:|Comment$|Featured Stories$|Related News$)", re.I)
#: Of a site's own fixtures (the folder named after it), at least this share
#: of stories takes each watched field from the site's rules: the rest are
#: the pages kept on purpose to test the fallbacks.
SITE_RULES_SHARE = 0.75
WATCHED = ("title", "body", "published")


def expected_items(folder: Path) -> list[tuple[str, dict]]:
    return [(page.url, json.loads(page.expected.read_text(encoding="utf-8")))
            for page in SavedSite(folder) if page.expected is not None]


def stories(folder: Path) -> list[tuple[str, dict]]:
    return [(url, item) for url, item in expected_items(folder) if "dropped" not in item]


@pytest.mark.parametrize("name", sorted(PACKAGE_SITES))
def test_every_profile_has_fixtures_of_its_own(name):
    own = [folder for folder in FOLDERS if SavedSite(folder).site == name]
    assert own, f"the {name} profile has no fixtures/ folder whose pages.json names it"
    assert any(stories(folder) for folder in own), f"the fixtures of {name} hold no article with its expected item"


@pytest.mark.parametrize("folder", FOLDERS, ids=[folder.name for folder in FOLDERS])
def test_every_expected_item_is_a_whole_clean_story(folder):
    site = resolve_site(SavedSite(folder).site)
    items = stories(folder)
    assert items, f"{folder.name} holds no expected story"
    for url, item in items:
        assert_whole_clean_story(site, f"{folder.name}: {url}", url, item)


def assert_whole_clean_story(site, where: str, url: str, item: dict) -> None:
    """What any expected item must be, whatever its page said (also applied
    to the outlet that docs/adding-an-outlet.md builds)."""
    columns = set(ARTICLE_COLUMNS) - set(CRAWL_FIELDS)
    assert set(item) == columns, f"{where}: fields {sorted(set(item) ^ columns)}"
    assert item["site"] == site.name and item["story_code"], where
    if site.url_forms and not site.parser.story_code_from_page:
        assert item["story_code"] == site.story_code(url), where
    assert item["url"].startswith(("https://", "http://")), where
    title = item["title"]
    assert title and "<" not in title and title == title.strip(), where
    assert not any(title.endswith(suffix) for suffix in site.title_suffixes), f"{where}: {title!r}"
    paragraphs = item["body"].split("\n\n")
    assert item["body"].strip() and all(p.strip() for p in paragraphs), where
    assert not [p for p in paragraphs if CHROME.match(p.strip())], f"{where}: page chrome in the body"
    assert all(a != b for a, b in zip(paragraphs, paragraphs[1:])), f"{where}: a paragraph doubled"
    if item["published"] is not None:
        assert UTC_ISO.match(item["published"]), f"{where}: {item['published']!r}"
        assert item["published_raw"] and item["published_tz_source"] in ("page", "site default"), where
    else:
        assert item["published_tz_source"] is None, where
    if site.editions != ("",):
        assert item["language"] in site.editions, where
    sources = item["field_sources"]
    assert set(sources) <= set(FIELDS), f"{where}: {sorted(set(sources) - set(FIELDS))}"
    for field in FIELDS:
        if item[field] not in (None, "", []):
            assert sources.get(field) not in (None, "", "none"), f"{where}: no source for {field}"


@pytest.mark.parametrize("name", sorted(PACKAGE_SITES))
def test_a_sites_own_fixtures_are_read_by_its_rules(name):
    folder = ROOT / "fixtures" / name
    site = resolve_site(name)
    items = stories(folder)
    for field in WATCHED:
        if not getattr(site.parser, field, ()) and field not in site.selectors:
            continue  # the parser has no rule for it: metadata is its source
        by_rules = sum(1 for _, item in items if item["field_sources"].get(field) == SITE)
        assert by_rules >= SITE_RULES_SHARE * len(items), \
            f"{name}: {field} from the site's rules in {by_rules} of {len(items)} stories"
