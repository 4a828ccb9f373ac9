"""Helpers the tests share."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from collections import Counter

from newsarchive.archive import queries
from newsarchive.archive.schema import ARTICLE_COLUMNS, JSON_FIELDS
from newsarchive.replay.expected import CRAWL_FIELDS
from newsarchive.sites.engine import FIELDS

JSON_COLUMNS = tuple(c for c in JSON_FIELDS if c in ARTICLE_COLUMNS)
#: A fixture story whose text the scheduled-runs tests edit between runs.
EDITED_URL = "https://www.islamtimes.com/en/news/1023425/biden-administration-privately-asks-us-banks-to-keep-working-with-russia"
OLD_SENTENCE = "The report said the approach aims to avoid disruptions to global supplies while keeping the sanctions regime in place."
NEW_SENTENCE = "The report was later corrected: the approach covers food and fertilizer payments only."


class StatsOf:
    """Extraction's counts read as a crawl's stats (``newsarchive/<key>``),
    as the spider adds them."""

    def __init__(self):
        self.counts: Counter = Counter()

    def get_value(self, key: str, default=None):
        return self.counts.get(key.removeprefix("newsarchive/"), default)

    def get_stats(self) -> dict:
        return {f"newsarchive/{key}": value for key, value in self.counts.items()}


def search_archive(path, query: str) -> list[dict]:
    """The stories ``newsarchive search`` finds, best first."""
    conn = queries.open_readonly(path)
    try:
        return queries.search(conn, query)
    finally:
        conn.close()


def stored_rows(db) -> dict[str, dict]:
    """The archive's stories by story code, JSON columns decoded."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = {}
    for row in conn.execute("SELECT * FROM articles"):
        row = dict(row)
        for column in JSON_COLUMNS:
            row[column] = json.loads(row[column]) if row[column] is not None else None
        rows[row["story_code"]] = row
    conn.close()
    return rows


def query(db, sql, *params):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def start_urls(server) -> str:
    """The ``start_urls`` argument of the Islam Times fixtures served by ``server``."""
    return "start_urls=" + ",".join(server.origin + p for p in ("/en/rss/allnews", "/en/archive", "/ur/rss/allnews"))


def newsarchive(cwd, *args: str) -> subprocess.CompletedProcess:
    """The ``newsarchive`` command, run in ``cwd`` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "newsarchive.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=180)


UTC_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
#: Each stored form of a date with the zone sources it goes with: a UTC
#: instant, a day alone, a wall-clock time whose zone is not known.
DATE_FORMS = (
    (UTC_ISO, ("page", "site default", "other date")),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), ("date only",)),
    (re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"), ("unknown",)),
)


def date_form_ok(published: str | None, tz_source: str | None) -> bool:
    """``published`` has the shape its ``published_tz_source`` says."""
    if published is None:
        return tz_source is None
    return any(form.match(published) and tz_source in sources for form, sources in DATE_FORMS)
CHROME = re.compile(r"^(Story Code\s*:|کد خبر\s*:|رمز الخبر\s*:|خبر کا کوڈ\s*:|Comment$|Featured Stories$|Related News$)", re.I)


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
    assert not any(title.endswith(name) for name in site.publisher_names if name != title), f"{where}: {title!r}"
    paragraphs = item["body"].split("\n\n")
    assert item["body"].strip() and all(p.strip() for p in paragraphs), where
    assert not [p for p in paragraphs if CHROME.match(p.strip())], f"{where}: page chrome in the body"
    assert paragraphs[0] != title, f"{where}: the headline doubled above the body"
    assert not item["published_raw"] or item["published_raw"] not in paragraphs, f"{where}: the date line in the body"
    assert all(a != b for a, b in zip(paragraphs, paragraphs[1:])), f"{where}: a paragraph doubled"
    assert date_form_ok(item["published"], item["published_tz_source"]), \
        f"{where}: {item['published']!r} ({item['published_tz_source']!r})"
    assert item["published"] is None or item["published_raw"], where
    if site.editions != ("",):
        assert item["language"] in site.editions, where
    sources = item["field_sources"]
    assert set(sources) <= {*FIELDS, "cms"}, f"{where}: {sorted(set(sources) - set(FIELDS))}"
    if "cms" in sources:  # a site without a profile, read by the rules of the family its signs name
        assert sources["cms"] in ("wordpress", "newsstudio", "drupal") and not site.url_forms, where
    for field in FIELDS:
        if item[field] not in (None, "", []):
            assert sources.get(field) not in (None, "", "none"), f"{where}: no source for {field}"
