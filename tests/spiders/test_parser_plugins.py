"""A CMS parser outside the package, named by a profile, crawls a site with
no change to the package."""

from __future__ import annotations

import json
import sqlite3

import pytest

from newsarchive.sites.profiles import ProfileError, installed_parsers, load_profiles
from tests.conftest import run_crawl
from tests.faults.server import FaultServer, page

STORY = "/news/4400001/a-tiny-story"
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Something else entirely - Tiny Times</title>
<meta property="og:title" content="Not the headline either"></head>
<body><nav><a href="/">Home</a></nav>
<main class="tiny-article">
<h1 class="tiny-headline">Tiny CMS Headline</h1>
<p class="tiny-byline">By <a href="/by/ada">Ada Writer</a></p>
<time class="tiny-date" datetime="2024-05-14T08:30:00+02:00">14 May</time>
<div class="tiny-story"><p>The first paragraph of the tiny story, which reads as prose.</p>
<p>The second paragraph of it, which also reads as prose.</p></div>
</main></body></html>"""


def profile(tmp_path, parser: str):
    path = tmp_path / "tiny.toml"
    path.write_text(f'name = "tinytimes"\nparser = "{parser}"\ncanonical_origin = "https://www.tiny.example"\n'
                    'timezone = "Europe/Berlin"\n', encoding="utf-8")
    return path


def test_a_profile_crawls_with_a_parser_from_another_package(tmp_path):
    db = tmp_path / "archive.db"
    with FaultServer() as server:
        server.routes[STORY] = page(PAGE.encode())
        result = run_crawl(db, "site=tinytimes", f"start_urls={server.origin}{STORY}", spider="news",
                           settings={"NEWSARCHIVE_PROFILES": str(profile(tmp_path, "tests.plugins.tiny_cms:TinyCmsParser"))})
    assert result.returncode == 0, result.log[-3000:]
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM articles").fetchone()
    assert (row["site"], row["title"], row["published"]) == ("tinytimes", "Tiny CMS Headline", "2024-05-14T06:30:00Z")
    assert json.loads(row["authors"]) == ["Ada Writer"]
    assert row["body"] == ("The first paragraph of the tiny story, which reads as prose.\n\n"
                           "The second paragraph of it, which also reads as prose.")
    sources = json.loads(row["field_sources"])
    assert (sources["title"], sources["body"], sources["published"]) == ("site", "site", "site")


def test_the_package_registers_its_own_parsers_as_plugins_do():
    assert {"newsstudio", "wordpress", "generic"} <= set(installed_parsers())


@pytest.mark.parametrize(("parser", "message"), [
    ("nosuchcms", "parser must be one of ['drupal', 'generic', 'newsstudio', 'wordpress'"),
    ("tests.plugins.no_such_module:Parser", "cannot be loaded"),
    ("tests.plugins.tiny_cms:NoSuchParser", "cannot be loaded"),
    ("json:loads", "is not a parser (a subclass of sites.engine.Parser)"),
])
def test_a_parser_that_cannot_be_used_is_named_in_one_line(tmp_path, parser, message):
    with pytest.raises(ProfileError) as refused:
        load_profiles(profile(tmp_path, parser))
    assert message in str(refused.value) and str(tmp_path / "tiny.toml") in str(refused.value)
