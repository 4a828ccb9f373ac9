"""Dated lines in the visible text, in any edition's language and calendar.

A page's date line (``Tuesday 8 November 2022 - 09:18``, ``یکشنبه ۲۹
اسفند ۱۴۰۰ ساعت ۲۳:۳۰``, ``الثلاثاء ٨ تشرين الثاني ٢٠٢٢ - ٠٩:١٨``) is found
by its shape — a short line with a year and, for the story's own date, a
clock time — and confirmed by the reader the dates stage parses it with
(``local_dates``: calendars, local digits, month names). English lines take
the site family's own pattern without that reader.
"""

from __future__ import annotations

import re

from newsarchive.sites.local_dates import parse_local
from newsarchive.sites.text import VISIBLE_DATE, ascii_digits, clean_ws, is_prose

#: A year of the Gregorian, Solar Hijri (13xx, 14xx) or lunar Hijri (14xx) calendars.
_YEAR = re.compile(r"(?<!\d)(?:1[34]\d\d|19\d\d|20\d\d)(?!\d)")
_CLOCK = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")
#: A date line is a few words: a weekday, a day, a month, a year, a time and a word or two between.
MAX_DATE_WORDS = 9
MAX_DATE_LINE_WORDS = 12


def _shaped(text: str, clock: bool) -> bool:
    return (
        _YEAR.search(text) is not None
        and (not clock or _CLOCK.search(text) is not None)
        and not is_prose(text)
    )


def is_date_line(line: str, language: str | None = None) -> bool:
    """True when the whole line is a date (with or without its time) and nothing else."""
    line = clean_ws(line)
    if VISIBLE_DATE.fullmatch(line) is not None:
        return True
    if line.count(" ") >= MAX_DATE_WORDS:  # first: every line of every body comes here
        return False
    text = ascii_digits(line)
    return _shaped(text, clock=False) and parse_local(text, language) is not None


def dated_line(text: str, language: str | None = None) -> str | None:
    """The date in ``text`` when it is a story's date line: a date with a
    clock time, alone on its line (or, in English, inside a longer text)."""
    if ":" not in text:  # no clock time: most of a page's texts are read no further
        return None
    found = VISIBLE_DATE.search(text)
    if found and " - " in found.group(0):
        return clean_ws(found.group(0))
    line = clean_ws(text)
    if line.count(" ") >= MAX_DATE_LINE_WORDS:
        return None
    converted = ascii_digits(line)
    if _shaped(converted, clock=True) and parse_local(converted, language) is not None:
        return line
    return None
