from scrapy.utils.test import get_crawler

from newsarchive.extraction.dates import normalize_dates, zone
from newsarchive.items import ArticleItem
from newsarchive.sites import Profiles
from tests.helpers import StatsOf


def run(item, **settings):
    """The dates step, in the zone a crawl with these settings gives the site."""
    site = Profiles.from_settings(get_crawler(settings_dict=settings).settings)[item.site]
    stats = StatsOf()
    normalize_dates(item, zone(site.timezone), stats.counts)
    return item, stats


def test_visible_date_is_read_in_the_site_zone():
    item, stats = run(ArticleItem(site="islamtimes", published_raw="Tuesday 8 November 2022 - 09:18"))
    assert item.published == "2022-11-08T05:48:00Z"  # Tehran is UTC+03:30
    assert item.published_raw == "Tuesday 8 November 2022 - 09:18"
    assert item.published_tz_source == "site default"
    assert stats.get_value("newsarchive/dates/tz_source/site_default") == 1


def test_a_stated_zone_wins():
    item, _ = run(ArticleItem(site="islamtimes", published_raw="2022-11-08T10:40:00+03:30"))
    assert (item.published, item.published_tz_source) == ("2022-11-08T07:10:00Z", "page")
    item, _ = run(ArticleItem(site="islamtimes", published_raw="Tue, 08 Nov 2022 05:48:00 GMT"))
    assert (item.published, item.published_tz_source) == ("2022-11-08T05:48:00Z", "page")


def test_summer_time_of_the_zone_is_applied():
    # Iran observed daylight saving time until 2022: +04:30 in summer.
    item, _ = run(ArticleItem(site="islamtimes", published_raw="Monday 1 August 2021 - 12:00"))
    assert item.published == "2021-08-01T07:30:00Z"


def test_zone_override_setting():
    item, _ = run(
        ArticleItem(site="islamtimes", published_raw="8 November 2022 - 09:18"),
        NEWSARCHIVE_TIMEZONES={"islamtimes": "UTC"},
    )
    assert item.published == "2022-11-08T09:18:00Z"


def test_unparseable_date_keeps_the_article_and_counts_it():
    item, stats = run(ArticleItem(site="islamtimes", title="T", published_raw="yesterday-ish, maybe"))
    assert item.title == "T"
    assert item.published is None
    assert item.published_raw == "yesterday-ish, maybe"
    assert stats.get_value("newsarchive/dates/unparseable") == 1


def test_missing_date_is_counted():
    item, stats = run(ArticleItem(site="islamtimes"))
    assert item.published is None
    assert stats.get_value("newsarchive/dates/missing") == 1


def test_modified_and_sidebar_dates():
    item, _ = run(
        ArticleItem(
            site="islamtimes",
            modified_raw="2022-11-08T12:05:00+03:30",
            related=[{"title": "A", "url": "u", "date": "8 November 2022"}, {"title": "B", "url": "v", "date": "soon"}],
        )
    )
    assert item.modified == "2022-11-08T08:35:00Z"
    assert [r["date"] for r in item.related] == ["2022-11-08", "soon"]



def generic(published_raw, modified_raw=None):
    """The dates step for a site without a profile (its zone is not known)."""
    item = ArticleItem(site="news.example", url="https://news.example/a", published_raw=published_raw,
                       modified_raw=modified_raw)
    stats = StatsOf()
    normalize_dates(item, None, stats.counts)
    return item, stats


def test_a_day_without_a_time_is_stored_as_that_day_in_any_zone():
    # Midnight in Tehran would be 20:30 UTC the day before: the day must not move.
    item, stats = run(ArticleItem(site="islamtimes", published_raw="8 November 2022"))
    assert (item.published, item.published_tz_source) == ("2022-11-08", "date only")
    assert stats.get_value("newsarchive/dates/tz_source/date_only") == 1
    for raw in ("2024-05-18", "May 18, 2024", "18.05.2024"):
        item, _ = generic(raw)
        assert (item.published, item.published_tz_source) == ("2024-05-18", "date only"), raw
    # An explicit midnight is a time, and stays one.
    item, _ = generic("2024-05-18T00:00:00+02:00")
    assert (item.published, item.published_tz_source) == ("2024-05-17T22:00:00Z", "page")


def test_a_time_without_a_zone_on_a_site_of_unknown_zone_is_not_taken_for_utc():
    item, stats = generic("2024-05-19T06:00:00")
    assert (item.published, item.published_tz_source) == ("2024-05-19T06:00:00", "unknown")
    assert stats.get_value("newsarchive/dates/tz_source/unknown") == 1
    # The page's other date states its offset: the same clock, the same zone.
    item, _ = generic("2024-05-19T06:00:00", modified_raw="2024-05-19T09:30:00+02:00")
    assert (item.published, item.published_tz_source) == ("2024-05-19T04:00:00Z", "other date")
    assert item.modified == "2024-05-19T07:30:00Z"
    # A profile's zone still reads it.
    item, _ = run(ArticleItem(site="islamtimes", published_raw="2022-11-08T10:40:00"))
    assert (item.published, item.published_tz_source) == ("2022-11-08T07:10:00Z", "site default")
