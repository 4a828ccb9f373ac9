"""The Persian, Arabic and Urdu editions crawled over 127.0.0.1: every story
stored with the right UTC minute. The instants are worked out by hand (see
tests/extraction/test_local_dates.py for the calendar facts): Tehran is
+03:30, and +04:30 from 22 March to 21 September 2022 (Iran's last year of
daylight saving time)."""

from __future__ import annotations

import importlib.util

from newsarchive.replay.expected import expected_item
from newsarchive.replay.pages import SavedSite
from newsarchive.replay.server import MirrorServer
from newsarchive.sites import ISLAM_TIMES
from tests.conftest import FIXTURES, run_crawl
from tests.helpers import stored_rows

EDITIONS = FIXTURES.parent / "islamtimes-editions"
TABLES = FIXTURES.parent / "islamtimes-editions-tables"

#: story code -> (edition, the page's date line, the UTC instant by hand)
EXPECTED = {
    "1023601": ("fa", "یکشنبه ۲۹ اسفند ۱۴۰۰ ساعت ۲۳:۳۰", "2022-03-20T20:00:00Z"),  # Nowruz eve 23:30 +03:30
    "1023602": ("fa", "دوشنبه ۱ فروردین ۱۴۰۱ ساعت ۰۰:۳۰", "2022-03-20T21:00:00Z"),  # Nowruz 00:30 +03:30
    "1023603": ("fa", "چهارشنبه ۳۰ شهریور ۱۴۰۱ ساعت ۲۳:۳۰", "2022-09-21T19:00:00Z"),  # 21 Sep 23:30 +04:30
    "1023604": ("fa", "پنجشنبه ۳۱ شهریور ۱۴۰۱ ساعت ۲۳:۳۰", "2022-09-22T20:00:00Z"),  # 22 Sep 23:30 +03:30
    "1023611": ("ar", "الثلاثاء ٨ تشرين الثاني ٢٠٢٢ - ٠٩:١٨", "2022-11-08T05:48:00Z"),
    "1023612": ("ar", "الأربعاء 9 نوفمبر 2022 - 14:05", "2022-11-09T10:35:00Z"),
    "1023621": ("ur", "منگل 8 نومبر 2022 - 09:18", "2022-11-08T05:48:00Z"),
}


def test_fa_ar_ur_editions_are_stored_with_the_right_utc_minute(tmp_path):
    db = tmp_path / "archive.db"
    with MirrorServer(EDITIONS) as mirror:
        starts = ",".join(f"{mirror.origin}/{lang}/{kind}" for lang in ("fa", "ar", "ur")
                          for kind in ("rss/allnews", "archive"))
        result = run_crawl(db, "lang=fa,ar,ur", f"start_urls={starts}")
    assert result.returncode == 0, result.log
    assert not result.lines("ERROR"), result.log
    rows = stored_rows(db)
    assert set(rows) == set(EXPECTED)
    for code, (language, date_line, utc) in EXPECTED.items():
        row = rows[code]
        assert (row["language"], row["published_raw"], row["published"]) == (language, date_line, utc), code
        assert row["published_tz_source"] == "site default"
    assert "'newsarchive/dates/unparseable'" not in result.log


def test_the_story_code_line_in_local_digits_and_labels_is_read():
    site = ISLAM_TIMES
    saved = SavedSite(EDITIONS)
    persian = saved.lookup("/fa/news/1023601/x") or next(p for p in saved if p.expected and "1023601" in p.url)
    html = persian.body().decode()
    assert "کد خبر : ۱۰۲۳۶۰۱" in html
    # The same page at a URL without the id: the code comes from the line.
    from newsarchive.sites.page import Page

    page = Page.from_http("https://www.islamtimes.com/fa/page/elsewhere", {"Content-Type": "text/html; charset=utf-8"},
                          html.encode())
    item = site.parse(page)
    assert item.story_code == "1023601" and item.field_sources["story_code"] == "site"


def test_the_french_edition_is_dated_too():
    saved = SavedSite(EDITIONS)
    page = next(p for p in saved if p.expected and "1023631" in p.url)
    assert expected_item(ISLAM_TIMES, page)["published"] == "2022-11-08T05:48:00Z"


def written_stories() -> dict[str, dict]:
    """The stories as written for the fixtures (headline, paragraphs), before any markup."""
    spec = importlib.util.spec_from_file_location("make_edition_fixtures", FIXTURES.parent / "make_edition_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {story["code"]: story for story in module.STORIES}


def test_fa_ar_ur_in_the_older_table_layout_are_stored_exactly_from_the_fallbacks(tmp_path):
    """The site's rules miss on this layout: the title comes from og:title
    with the site's name in the edition's script taken off, the date from
    the visible date line read in the edition's calendar and digits, and the
    body loses the date line, the doubled headline and the story-code line."""
    db = tmp_path / "archive.db"
    with MirrorServer(TABLES) as mirror:
        starts = ",".join(f"{mirror.origin}/{lang}/{kind}" for lang in ("fa", "ar", "ur")
                          for kind in ("rss/allnews", "archive"))
        result = run_crawl(db, "lang=fa,ar,ur", f"start_urls={starts}")
    assert result.returncode == 0, result.log
    rows = stored_rows(db)
    assert set(rows) == set(EXPECTED)
    written = written_stories()
    for code, (language, date_line, utc) in EXPECTED.items():
        row, story = rows[code], written[code]
        assert (row["title"], row["body"]) == (story["title"], "\n\n".join(story["paras"])), code
        assert (row["language"], row["published_raw"], row["published"]) == (language, date_line, utc), code
        assert row["field_sources"]["published"] == "text_pattern" and row["field_sources"]["body"] == "main_text", code
        assert row["field_sources"]["title"] != "site", code
