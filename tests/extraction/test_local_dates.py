"""Every edition's dates to the right UTC minute. The expected instants are
worked out by hand here, not by the code under test:

* Nowruz 1401 fell on 21 March 2022: 1 Farvardin 1401 = 2022-03-21, so
  29 Esfand 1400 = 2022-03-20.
* Iran kept daylight saving time for the last time in 2022: +04:30 from
  22 March 00:00 (the end of 1 Farvardin) to 22 September 00:00 (the end of
  30 Shahrivar), +03:30 before and after.
* 17 Aban 1401 = 8 November 2022 (Aban has 30 days, Farvardin to Shahrivar 31:
  1 Aban 1401 = 23 October 2022).
* 14 Rabi' al-Akhir 1444 = 8 November 2022 (Umm al-Qura).
"""

from __future__ import annotations

from collections import Counter

import pytest
from dateutil import tz

from newsarchive.items import ArticleItem
from newsarchive.extraction.dates import normalize_dates, parse_date, utc_iso, zone

TEHRAN = tz.gettz("Asia/Tehran")


@pytest.mark.parametrize(
    ("raw", "language", "utc"),
    [
        # Solar Hijri, Persian digits and weekday, ساعت between date and time.
        ("سه شنبه ۱۷ آبان ۱۴۰۱ ساعت ۰۹:۱۸", "fa", "2022-11-08T05:48:00Z"),  # 09:18 at +03:30
        ("یکشنبه ۲۹ اسفند ۱۴۰۰ ساعت ۲۳:۳۰", "fa", "2022-03-20T20:00:00Z"),  # the eve of Nowruz, +03:30
        ("دوشنبه ۱ فروردین ۱۴۰۱ ساعت ۰۰:۳۰", "fa", "2022-03-20T21:00:00Z"),  # Nowruz, still +03:30
        ("سه شنبه ۲ فروردین ۱۴۰۱ ساعت ۱۲:۰۰", "fa", "2022-03-22T07:30:00Z"),  # DST began: +04:30
        ("چهارشنبه ۳۰ شهریور ۱۴۰۱ ساعت ۲۳:۳۰", "fa", "2022-09-21T19:00:00Z"),  # the last DST evening
        ("پنجشنبه ۳۱ شهریور ۱۴۰۱ ساعت ۲۳:۳۰", "fa", "2022-09-22T20:00:00Z"),  # back to +03:30
        # Arabic: both sets of Gregorian month names, Eastern Arabic digits.
        ("الثلاثاء ٨ تشرين الثاني ٢٠٢٢ - ٠٩:١٨", "ar", "2022-11-08T05:48:00Z"),
        ("الثلاثاء 8 نوفمبر 2022 - 09:18", "ar", "2022-11-08T05:48:00Z"),
        ("14 ربيع الآخر 1444", "ar", "2022-11-07T20:30:00Z"),  # Hijri lunar: midnight in Tehran
        # Urdu, and Latin- and Cyrillic-script editions.
        ("منگل 8 نومبر 2022 - 09:18", "ur", "2022-11-08T05:48:00Z"),
        ("mardi 8 novembre 2022 - 09:18", "fr", "2022-11-08T05:48:00Z"),
        ("martes 8 de noviembre de 2022 - 09:18", "es", "2022-11-08T05:48:00Z"),
        ("Dienstag, 8. November 2022 - 09:18", "de", "2022-11-08T05:48:00Z"),
        ("вторник 8 ноября 2022 - 09:18", "ru", "2022-11-08T05:48:00Z"),
        ("8 Kasım 2022 Salı - 09:18", "tr", "2022-11-08T05:48:00Z"),
        # The English fast path is unchanged.
        ("Tuesday 8 November 2022 - 09:18", "en", "2022-11-08T05:48:00Z"),
    ],
)
def test_each_editions_dates_to_the_utc_minute(raw, language, utc):
    moment, source = parse_date(raw, TEHRAN, language)
    assert (utc_iso(moment), source) == (utc, "site default")


@pytest.mark.parametrize(
    ("raw", "utc"),
    [
        ("Fri, 28 Apr 2023 11:00:00 CEST", "2023-04-28T09:00:00Z"),
        ("Fri, 28 Apr 2023 11:00:00 CET", "2023-04-28T10:00:00Z"),
        ("Tue, 8 Nov 2022 09:18:00 EST", "2022-11-08T14:18:00Z"),
        ("Tue, 8 Nov 2022 09:18:00 PDT", "2022-11-08T16:18:00Z"),
        ("Tue, 8 Nov 2022 09:18:00 IRST", "2022-11-08T05:48:00Z"),
        ("Tue, 8 Nov 2022 09:18:00 GMT", "2022-11-08T09:18:00Z"),
        ("Tue, 8 Nov 2022 09:18:00 BST", "2022-11-08T08:18:00Z"),
    ],
)
def test_zone_abbreviations_are_read_with_their_offsets(raw, utc):
    moment, source = parse_date(raw, TEHRAN)
    assert (utc_iso(moment), source) == (utc, "page")


def test_an_unknown_or_ambiguous_abbreviation_counts_as_no_zone():
    counts = Counter()
    item = ArticleItem(site="islamtimes", language="en", published_raw="Tue, 8 Nov 2022 09:18:00 IST")
    normalize_dates(item, TEHRAN, counts)
    # IST is India's, Ireland's or Israel's: read in the site's zone, marked so, counted.
    assert (item.published, item.published_tz_source) == ("2022-11-08T05:48:00Z", "site default")
    assert counts["dates/unknown_zone"] == 1


def test_a_persian_page_in_the_pipeline_gets_its_date():
    item = ArticleItem(site="islamtimes", language="fa", published_raw="سه شنبه ۱۷ آبان ۱۴۰۱ ساعت ۰۹:۱۸")
    normalize_dates(item, zone("Asia/Tehran"), Counter())
    assert item.published == "2022-11-08T05:48:00Z"
