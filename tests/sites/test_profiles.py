"""Site profiles: loading, validation with errors that name the field, user files."""

from __future__ import annotations

import pytest

from newsarchive.sites import ISLAM_TIMES, PACKAGE
from newsarchive.sites.generic import GenericParser
from newsarchive.sites.newsstudio import NewsStudioParser
from newsarchive.sites.profiles import PACKAGE_PROFILES, ProfileError, load_profile, load_profiles

MINIMAL = '''
name = "example"
canonical_origin = "https://www.example.com"
'''


def write(tmp_path, text, name="site.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_package_profiles():
    assert {"islamtimes", "avapress"} <= set(PACKAGE)
    assert ISLAM_TIMES.parser is NewsStudioParser and PACKAGE["avapress"].parser is NewsStudioParser
    assert PACKAGE["avapress"].timezone == "Asia/Kabul"
    assert PACKAGE["avapress"].story_code("https://avapress.com/en/news/287341/x") == "287341"
    assert load_profiles(PACKAGE_PROFILES)["islamtimes"].story_code(
        "http://islamtimes.org/en/doc/news/1023423/?utm_source=x") == "1023423"


def test_minimal_profile_is_a_generic_site(tmp_path):
    site = load_profile(write(tmp_path, MINIMAL))
    assert site.parser is GenericParser and site.timezone == "UTC"
    assert site.hosts == {"www.example.com"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('canonical_origin = "https://x.org"', "name is required"),
        ('name = "x"', "canonical_origin is required"),
        (MINIMAL + 'timezone = "Mars/Olympus"', "timezone 'Mars/Olympus' is not an IANA time zone"),
        (MINIMAL + 'parser = "magic"', "parser must be one of"),
        (MINIMAL + 'colour = "blue"', "unknown field 'colour'"),
        (MINIMAL + 'hosts = "example.com"', "hosts must be a list of strings"),
        (MINIMAL + 'editions = ["en"]\ndefault_edition = "fr"', "default_edition 'fr' is not one of editions"),
        (MINIMAL + '[story_code]\npaths = ["/news/(\\\\d+"]', "story_code.paths[0]:"),
        (MINIMAL + '[story_code]\npaths = ["/news/(\\\\d+)"]', "story_code.paths[0] must name a group (?P<id>...)"),
        (MINIMAL + 'parser = "newsstudio"\n[selectors]\ntitle = ["h1[[["]', "selectors.title: 'h1[[[' is not CSS"),
        (MINIMAL + 'parser = "newsstudio"\n[selectors]\ncolour = ["h1"]', "selectors.colour is not a field of the newsstudio parser"),
        ('name = "Bad Name"\ncanonical_origin = "https://x.org"', "name 'Bad Name' must be lowercase"),
        ('name = "x"\ncanonical_origin = "x.org/news"', "canonical_origin must be like https://"),
        ('name = "x" canonical', "not valid TOML"),
        (MINIMAL + 'editions = ["en", "fr"]\n[story_code]\npaths = ["^/news/(?P<id>\\\\d+)"]',
         "story_code.paths[0] must name a group (?P<lang>...): the profile has several editions"),
        (MINIMAL + '[story_code]\npaths = ["^/news/(?P<id>\\\\d+)"]\ncanonical = ["/{lang}/{id}"]',
         "story_code.canonical[0] uses {lang}, which story_code.paths[0] does not name"),
        (MINIMAL + '[story_code]\npaths = ["^/news/(?P<id>\\\\d+)"]\ncanonical = ["/a/{id}", "/b/{id}"]',
         "story_code.canonical needs one template per path (1), not 2"),
        (MINIMAL + '[story_code]\npaths = ["^/n/(?P<id>\\\\d+)"]\ncanonical = ["news/{id}"]',
         "story_code.canonical[0] must be a path starting with /"),
        (MINIMAL + '[story_code]\npaths = ["^/n/(?P<id>\\\\d+)"]\nvariants = ["(amp"]', "story_code.variants[0]:"),
        (MINIMAL + '[story_code]\npath = ["^/n/(?P<id>\\\\d+)"]', "unknown field story_code.path"),
    ],
)
def test_bad_profile_gets_a_clear_error_naming_the_field(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)


def test_url_rules_come_from_the_profile(tmp_path):
    """A site whose story URLs name neither edition nor kind: codes, canonical
    URLs and variants all come from its profile."""
    site = load_profile(write(tmp_path, MINIMAL + """
[story_code]
paths = ['^/(?P<section>[a-z]+)/(?P<id>\\d{6,})(?:-(?P<slug>[a-z0-9-]+))?$']
canonical = ["/{section}/{id}-{slug}"]
variants = ['/amp/?$', '/print/?$']
"""))
    assert site.story_code("https://www.example.com/world/123456-big-news") == "123456"
    assert site.story_code("https://www.example.com/world/123456-big-news/amp") == "123456"
    assert site.canonical_url("https://www.example.com/world/0123456-big-news/print?utm_source=x") == (
        "https://www.example.com/world/123456-big-news")
    assert site.fetch_url("https://www.example.com/world/123456-big-news/amp?utm_source=x&page=1") == (
        "https://www.example.com/world/123456-big-news?page=1")
    parsed = site.article_url("https://www.example.com/world/123456-big-news")
    assert (parsed.language, parsed.kind, parsed.form) == ("", None, 0)
    assert site.story_code("https://www.example.com/world/") is None


def test_a_site_without_url_rules_uses_the_generic_rule(tmp_path):
    site = load_profile(write(tmp_path, MINIMAL))
    assert site.story_code("https://www.example.com/2024/05/14/storm-hits-the-coast-hard") == (
        site.story_code("https://www.example.com/2024/05/14/storm-hits-the-coast-hard?utm_source=x"))
    assert site.story_code("https://www.example.com/news/world/article-4411223") == "4411223"
    assert site.story_code("https://www.example.com/tag/storm") is None
    assert site.story_code("https://www.example.com/tag/storm", from_index=True) is not None


def test_selectors_replace_the_parsers_own(tmp_path):
    site = load_profile(write(tmp_path, MINIMAL + 'parser = "newsstudio"\n[selectors]\ntitle = ["h2.headline"]'))
    assert site.page_parser.title == ("h2.headline",)
    assert site.page_parser.lead == NewsStudioParser.lead


def test_resolve_site_by_name_host_or_url():
    assert PACKAGE.resolve("islamtimes") is ISLAM_TIMES
    assert PACKAGE.resolve("https://islamtimes.org/en/news/1/x") is ISLAM_TIMES
    generic = PACKAGE.resolve("https://www.example.net/")
    assert generic.name == "example.net" and generic.parser is GenericParser
