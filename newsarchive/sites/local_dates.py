"""Dates as every edition writes them: calendars, digits, month and weekday
names, words between date and time, and zone abbreviations.

``سه شنبه ۱۷ آبان ۱۴۰۱ ساعت ۰۹:۱۸`` (Solar Hijri, Persian digits),
``الثلاثاء ٨ تشرين الثاني ٢٠٢٢`` (Levantine month names), ``منگل 8 نومبر
2022`` (Urdu), ``mardi 8 novembre 2022``, ``14 ربيع الآخر 1444`` (Hijri
lunar), ``Fri, 28 Apr 2023 11:00:00 CEST``. dateparser (by Scrapy's
authors) reads the languages and its calendars the Solar Hijri and lunar
Hijri dates; this module picks the calendar, puts the digits in ASCII and
the Levantine month names in the form dateparser knows, and maps zone
abbreviations to their offsets (dateutil reads an unknown one as UTC and
warns that it will raise).
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from datetime import datetime, timedelta, timezone
from functools import cache, lru_cache

from dateutil import parser as date_parser
from dateutil.parser import UnknownTimezoneWarning

from newsarchive.sites.text import ascii_digits

#: Solar Hijri (Jalali) month names, as Iranian and Afghan sites write them.
JALALI_MONTHS = re.compile(
    r"فروردین|اردیبهشت|ارديبهشت|خرداد|تیر|مرداد|امرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند|"
    r"حمل|ثور|جوزا|سرطان|اسد|سنبله|میزان|عقرب|قوس|جدی|دلو|حوت"
)
#: Lunar Hijri month names.
HIJRI_MONTHS = re.compile(
    r"محرم|صفر|ربيع الأول|ربيع الاول|ربيع الآخر|ربيع الثاني|جمادى الأولى|جمادى الاولى|جمادى الآخرة|"
    r"جمادى الثانية|رجب|شعبان|رمضان|شوال|ذو القعدة|ذي القعدة|ذو الحجة|ذي الحجة"
)
#: Gregorian months by their Levantine and Iraqi names, to the Egyptian names dateparser reads.
LEVANTINE_MONTHS = {
    "كانون الثاني": "يناير", "شباط": "فبراير", "آذار": "مارس", "نيسان": "أبريل", "أيار": "مايو",
    "حزيران": "يونيو", "تموز": "يوليو", "آب": "أغسطس", "أيلول": "سبتمبر", "تشرين الأول": "أكتوبر",
    "تشرين الثاني": "نوفمبر", "كانون الأول": "ديسمبر",
}
_LEVANTINE = re.compile("|".join(sorted(map(re.escape, LEVANTINE_MONTHS), key=len, reverse=True)))

#: Zone abbreviations and their offsets in hours. Ambiguous ones (IST: India,
#: Ireland, Israel; AST: Arabia, Atlantic) are not here: they count as no zone.
ZONE_ABBREVIATIONS = {
    "UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "MET": 1,
    "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "TRT": 3, "IRST": 3.5, "IRDT": 4.5, "GST": 4, "AFT": 4.5,
    "PKT": 5, "NPT": 5.75, "BDT": 6, "WIB": 7, "WITA": 8, "WIT": 9, "HKT": 8, "SGT": 8, "PHT": 8, "JST": 9,
    "KST": 9, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
    "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "SAST": 2, "WAT": 1,
    "CAT": 2, "EAT": 3,
}
TZINFOS = {name: timezone(timedelta(hours=hours), name) for name, hours in ZONE_ABBREVIATIONS.items()}
#: A trailing word of capitals that may be a zone abbreviation.
_ZONE_WORD = re.compile(r"(?<![A-Za-z])([A-Z]{2,5})\s*$")


class UnknownZone(Exception):
    """The date names a zone by an abbreviation nobody can tell: it counts as none."""

    def __init__(self, moment: datetime, abbreviation: str):
        super().__init__(abbreviation)
        self.moment = moment
        self.abbreviation = abbreviation


def parse_with_zone_abbreviation(text: str) -> datetime:
    """dateutil's general parser, zone abbreviations mapped to their
    offsets. Raises :class:`UnknownZone` (with the date read without a
    zone) for an abbreviation that is unknown or ambiguous."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnknownTimezoneWarning)
        moment = date_parser.parse(text, tzinfos=TZINFOS)
    if any(issubclass(w.category, UnknownTimezoneWarning) for w in caught):
        word = _ZONE_WORD.search(text)
        raise UnknownZone(moment.replace(tzinfo=None), word.group(1) if word else "?")
    return moment


@lru_cache(maxsize=4096)
def parse_local(text: str, language: str | None) -> datetime | None:
    """A date in an edition's language and calendar (naive: in the zone the
    page states or the site's), or None when it is not one."""
    text = ascii_digits(text)
    if JALALI_MONTHS.search(text) or re.fullmatch(r"\D*1[34]\d\d/\d{1,2}/\d{1,2}.*", text):
        from dateparser.calendars.jalali import JalaliCalendar

        return _calendar_date(JalaliCalendar, text)
    if HIJRI_MONTHS.search(text):
        from dateparser.calendars.hijri import HijriCalendar

        return _calendar_date(HijriCalendar, text)
    text = _LEVANTINE.sub(lambda m: LEVANTINE_MONTHS[m.group(0)], text)
    # Every language dateparser knows, tried in turn, costs a hundred times
    # one (15 ms a line): the page's language (and English, which pages in
    # any language mix in) when it is known, English alone for a line of
    # ASCII on a page that names none, the others only for a line in
    # another script.
    base = language.replace("_", "-").split("-")[0].lower() if language else None
    if base:
        languages = list(dict.fromkeys([base, "en"]))
    else:
        languages = ["en"] if _ascii_letters(text) else None
    try:
        found = _dateparser_parse(text, languages)
        if found is None and languages and not _ascii_letters(text) and _read_elsewhere(text, languages):
            found = _read(text, None)
    except (ValueError, OverflowError):
        return None
    return found


#: Dates are read whole (day, month and year), naive, and in the past when ambiguous.
_SETTINGS = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month", "year"]}


@lru_cache(maxsize=64)
def _reader(languages: tuple[str, ...] | None):
    """dateparser's reader for ``languages`` (every one it knows for None):
    made once, as building one costs more than reading a line with it."""
    from dateparser.date import DateDataParser  # on first use: slow to import, and English pages never need it

    return DateDataParser(languages=list(languages) if languages else None, settings=_SETTINGS)


def _read(text: str, languages: list[str] | None) -> datetime | None:
    return _reader(tuple(languages) if languages else None).get_date_data(text).date_obj


def _script(letter: str) -> str:
    """The script a letter is written in, as Unicode names it (LATIN, ARABIC, HANGUL, ...)."""
    return unicodedata.name(letter, "").split(" ", 1)[0]


#: The words of a dateparser locale that show its script.
_NAME_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
              "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
              "saturday", "sunday")


@cache
def _locales_by_script() -> dict[str, frozenset[str]]:
    """For each script, the dateparser locales whose month and weekday
    names are written in it."""
    from dateparser.languages.loader import default_loader

    found: dict[str, set[str]] = {}
    for code, locale in default_loader.get_locale_map().items():
        for key in _NAME_KEYS:
            for word in locale.info.get(key, ()):
                for letter in word:
                    if letter.isalpha():
                        found.setdefault(_script(letter), set()).add(code)
    return {script: frozenset(codes) for script, codes in found.items()}


def _read_elsewhere(text: str, tried: list[str]) -> bool:
    """Another language than those ``tried`` writes the scripts of the
    letters beyond ASCII in ``text`` (or one nobody does): reading it in
    every language may find what they did not. A Korean line on a Korean
    page that Korean could not read, no other language reads either (and
    trying all two hundred costs some 20 ms a line)."""
    by_script = _locales_by_script()
    for script in {_script(ch) for ch in text if ch.isalpha() and not ch.isascii()}:
        if script not in by_script or not by_script[script] <= set(tried):
            return True
    return False


def _ascii_letters(text: str) -> bool:
    """Every letter of ``text`` is ASCII (its dashes and quotes may not be)."""
    return text.isascii() or not any(ch.isalpha() and not ch.isascii() for ch in text)


def _dateparser_parse(text: str, languages: list[str] | None) -> datetime | None:
    try:
        return _read(text, languages)
    except ValueError:
        if languages is None:
            raise
        # A language dateparser does not know: every language it does.
        return _read(text, None)


def _calendar_date(calendar, text: str) -> datetime | None:
    try:
        found = calendar(text).get_date()
    except (ValueError, OverflowError, TypeError, KeyError):
        return None
    return found.date_obj if found is not None else None
