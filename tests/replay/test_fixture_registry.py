"""Every profile has fixtures, and every expected item is checked for what it
must be, not only against itself: a regenerated snapshot that lost a field,
kept page chrome or a date in the wrong form fails here even if its diff is
not read (in the manner of Fundus's parser tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsarchive.replay.pages import SavedSite
from newsarchive.sites import PACKAGE
from newsarchive.sites.engine import SITE
from tests.conftest import ROOT
from tests.helpers import assert_whole_clean_story

FOLDERS = sorted(path.parent for path in (ROOT / "fixtures").glob("*/pages.json"))
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


@pytest.mark.parametrize("name", sorted(PACKAGE))
def test_every_profile_has_fixtures_of_its_own(name):
    own = [folder for folder in FOLDERS if SavedSite(folder).site == name]
    assert own, f"the {name} profile has no fixtures/ folder whose pages.json names it"
    assert any(stories(folder) for folder in own), f"the fixtures of {name} hold no article with its expected item"


@pytest.mark.parametrize("folder", FOLDERS, ids=[folder.name for folder in FOLDERS])
def test_every_expected_item_is_a_whole_clean_story(folder):
    site = PACKAGE.resolve(SavedSite(folder).site)
    items = stories(folder)
    assert items, f"{folder.name} holds no expected story"
    for url, item in items:
        assert_whole_clean_story(site, f"{folder.name}: {url}", url, item)


@pytest.mark.parametrize("name", sorted(PACKAGE))
def test_a_sites_own_fixtures_are_read_by_its_rules(name):
    folder = ROOT / "fixtures" / name
    site = PACKAGE.resolve(name)
    items = stories(folder)
    for field in WATCHED:
        if not getattr(site.parser, field, ()) and field not in site.selectors:
            continue  # the parser has no rule for it: metadata is its source
        by_rules = sum(1 for _, item in items if item["field_sources"].get(field) == SITE)
        assert by_rules >= SITE_RULES_SHARE * len(items), \
            f"{name}: {field} from the site's rules in {by_rules} of {len(items)} stories"
