"""Markup deeper than parsers read is flattened below the cap, its text kept."""

from __future__ import annotations

from parsel import Selector

from newsarchive.sites.depth import MAX_DEPTH, cap_depth


def test_a_page_within_the_cap_is_returned_as_it_is():
    html = "<html><body>" + "<div>" * MAX_DEPTH + "text" + "</div>" * MAX_DEPTH + "</body></html>"
    assert cap_depth(html) is html


def test_tags_below_the_cap_go_and_their_text_stays():
    html = "<body>" + "<div>" * 5 + "<b>deep</b> text" + "</div>" * 5 + "<p>after</p></body>"
    assert cap_depth(html, max_depth=3) == "<body><div><div><div>deep text</div></div></div><p>after</p></body>"


def test_fifty_thousand_levels_read_to_the_end():
    html = "<html><body>" + "<div>" * 50_000 + "x" + "</div>" * 50_000 + "<p id='story'>The story.</p></body></html>"
    assert Selector(text=html).css("#story::text").get() is None  # what the parser alone makes of it
    assert Selector(text=cap_depth(html)).css("#story::text").get() == "The story."


def test_elements_that_do_not_nest_are_not_taken_for_depth():
    # Unclosed paragraphs and list items, void elements: browsers and lxml read them flat.
    html = "<body><ul>" + "<li><p>item<br><img src=x>" * 5_000 + "</ul></body>"
    assert cap_depth(html) is html


def test_markup_inside_scripts_and_comments_is_not_counted():
    html = "<body><script>" + "'<div>'+" * 5_000 + "''</script><!--" + "<div>" * 5_000 + "--><p>ok</p></body>"
    assert cap_depth(html) is html


def test_stray_end_tags_do_not_hide_depth():
    # An end tag whose element is not open is ignored by parsers: it closes nothing.
    html = "<html><body>" + "<div></i>" * 3_000 + "<p id='story'>The story.</p></body></html>"
    assert Selector(text=cap_depth(html)).css("#story::text").get() == "The story."


def test_markup_inside_noscript_is_counted():
    html = "<html><body><noscript>" + "<div>" * 3_000 + "<p id='story'>The story.</p></noscript></body></html>"
    assert Selector(text=cap_depth(html)).css("#story::text").get() == "The story."


def test_unclosed_links_are_read_flat_as_parsers_read_them():
    html = "<html><body>" + "".join(f"<a href='/s/{n}'>story {n}" for n in range(400)) + "</body></html>"
    assert cap_depth(html) is html
    assert len(Selector(text=cap_depth(html)).css("a")) == 400
