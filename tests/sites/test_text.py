from lxml import html

from datetime import datetime

from newsarchive.sites.date_lines import is_date_line
from newsarchive.sites.local_dates import _read_elsewhere, parse_local
from newsarchive.sites.text import clean_ws, text_lines


def test_text_lines_break_on_blocks_not_on_source_newlines():
    root = html.fromstring(
        "<div><p>One\n  sentence   over\nlines.</p><p>Two<br>Three</p>"
        "<script>var x = 1;</script><img alt='Alt'><span>inline</span> tail</div>"
    )
    assert text_lines(root) == ["One sentence over lines.", "Two", "Three", "inline tail"]
    assert text_lines(root, include_alt=True) == ["One sentence over lines.", "Two", "Three", "Alt", "inline tail"]


def test_text_lines_skip_given_elements():
    root = html.fromstring("<div><p>Keep</p><div class='share'>Share <b>this</b></div><p>Also</p></div>")
    assert text_lines(root, skip=root.find_class("share")) == ["Keep", "Also"]


def test_clean_ws_and_date_lines():
    assert clean_ws("\u00a0 a \t b\n") == "a b"
    assert is_date_line("8 November 2022")
    assert is_date_line(" Tuesday 8 November 2022 - 09:18 ")
    assert not is_date_line("On 8 November 2022 the vote took place.")


def test_a_date_line_in_any_calendar_and_a_year_alone_is_none():
    assert is_date_line("۱۷ آبان ۱۴۰۱") and is_date_line("[ 2018-08-25 15:24 ]")
    assert is_date_line("اول اردیبهشت ۱۴۰۳")  # its day a word: the first
    assert not is_date_line("Calendário Stock Car 2018")
    assert not is_date_line("Milan Design Week 2018")


def test_a_line_is_read_in_every_language_only_where_another_writes_its_script():
    # Only Korean writes Hangul: a Korean page's line that Korean cannot read, nothing else reads.
    assert not _read_elsewhere("기사입력 :[ 2018-08-25 15:24 ]", ["ko", "en"])
    # Persian, Urdu and Pashto write the Arabic script too: an Arabic page may carry a Persian date line.
    assert _read_elsewhere("سه شنبه ۱۷ آبان ۱۴۰۱", ["ar", "en"])
    assert _read_elsewhere("sábado, 1 de enero de 2000", ["pt", "en"])
    assert parse_local("منگل 8 نومبر 2022", "ar") == datetime(2022, 11, 8)
