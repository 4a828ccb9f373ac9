"""The engine's text fallbacks in every edition's language: date lines read
by the dates stage's own reader, the site's name taken off a title in any
script, the story-code line by its label in each language, and the joiners
that spell Persian and Urdu words kept through main-text extraction."""

from __future__ import annotations

import pytest

from newsarchive.extraction.dates import parse_day
from newsarchive.sites import generic_site
from newsarchive.sites.date_lines import dated_line, is_date_line
from newsarchive.sites.main_text import main_text
from newsarchive.sites.page import Page
from newsarchive.sites.sidebar import strip_sidebar
from newsarchive.sites.titles import without_site_name

DATE_LINES = [
    ("یکشنبه ۲۹ اسفند ۱۴۰۰ ساعت ۲۳:۳۰", "fa"),  # Solar Hijri, Persian digits
    ("الثلاثاء ٨ تشرين الثاني ٢٠٢٢ - ٠٩:١٨", "ar"),  # Levantine month, Eastern Arabic digits
    ("منگل 8 نومبر 2022 - 09:18", "ur"),
    ("Tuesday 8 November 2022 - 09:18", "en"),
]


@pytest.mark.parametrize("line, language", DATE_LINES)
def test_a_date_line_with_its_time_is_found_in_every_edition(line, language):
    assert dated_line(line, language) == line
    assert is_date_line(line, language)


@pytest.mark.parametrize("line", [
    "شورای شهر در آخرین جلسه سال ۱۴۰۰ بودجه کتابخانه‌های عمومی را تصویب کرد.",  # prose with a year
    "بودجه ۱۴۰۱",  # a year, no date
    "On 8 November 2022 the vote took place.",
    "Page 2 of 2022",
])
def test_text_with_a_year_is_not_a_date_line(line):
    assert not is_date_line(line) and dated_line(line) is None


def test_a_sidebar_date_in_the_jalali_calendar_is_the_gregorian_day():
    # 1 Farvardin 1401 (Nowruz) is 21 March 2022.
    assert parse_day("دوشنبه ۱ فروردین ۱۴۰۱", "fa") == "2022-03-21"


def test_date_and_story_code_lines_leave_the_body_in_each_language():
    lines = ["منگل 8 نومبر 2022 - 09:18", "خبر کا کوڈ : 1023621",
             "سٹی کونسل نے منگل کو ایک بجٹ منظور کیا جس کے تحت تمام لائبریریاں ہفتے میں چھ دن کھلی رہیں گی۔",
             "کد خبر : ۱۰۲۳۶۰۱"]
    body, removed = strip_sidebar("\n\n".join(lines), language="ur")
    assert body == lines[2]
    assert removed == {"date": 1, "chrome": 2}


def test_the_site_name_in_another_script_comes_off_by_the_profiles_names():
    title = "تصویب بودجه کتابخانه‌ها در شورای شهر | اسلام تایمز"
    assert without_site_name(title, ["Islam Times", "اسلام تایمز"], "https://www.islamtimes.com/fa/news/1") == \
        "تصویب بودجه کتابخانه‌ها در شورای شهر"


def test_with_no_name_known_the_head_the_page_shows_is_the_headline():
    title = "Budget passé: la ville vote - Le Quotidien du Soir"
    shown = {"budget passé: la ville vote", "autre ligne"}
    assert without_site_name(title, [], "https://example.org/a/1", lambda: shown) == "Budget passé: la ville vote"
    assert without_site_name(title, [], "https://example.org/a/1", lambda: set()) == title


def test_a_generic_page_titled_in_persian_keeps_only_its_headline():
    paragraph = "شورای شهر در آخرین جلسه سال بودجه کتابخانه‌های عمومی را برای سال آینده تصویب کرد و گفت که این کار ادامه دارد."
    html = (f'<html><head><title>تصویب بودجه | روزنامه شهر</title><meta property="og:type" content="article"><meta property="og:title" content="تصویب بودجه | روزنامه شهر">'
            f'</head><body><div>تصویب بودجه</div><article>{"".join(f"<p>{paragraph}</p>" for _ in range(3))}'
            f'</article></body></html>')
    page = Page.from_http("https://example.org/fa/news/12345/x", {"Content-Type": "text/html; charset=utf-8"}, html.encode())
    assert generic_site("https://example.org").parse(page).title == "تصویب بودجه"


def test_zero_width_joiners_survive_main_text_extraction():
    paragraph = "شورای شهر در آخرین جلسه سال بودجه کتابخانه\u200cهای عمومی را برای سال آینده تصویب کرد و ساعت کار شب\u200cها افزایش می\u200cیابد."
    html = f"<html><body><article>{''.join(f'<p>{paragraph} {n}</p>' for n in range(3))}</article></body></html>"
    page = Page.from_http("https://example.org/a", {"Content-Type": "text/html; charset=utf-8"}, html.encode())
    lines = main_text(page)
    assert lines and all("\u200c" in line for line in lines)
    assert lines[0] == f"{paragraph} 0"
