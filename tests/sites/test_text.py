from lxml import html

from newsarchive.sites.date_lines import is_date_line
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
