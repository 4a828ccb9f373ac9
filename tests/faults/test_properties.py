"""Properties over arbitrary input: the pipelines never raise, stripping is
idempotent and never removes a paragraph that is neither sidebar nor
duplicate."""

from __future__ import annotations

import string
from collections import Counter
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.archive import Archive
from newsarchive.items import ArticleItem
from newsarchive.extraction.dates import normalize_dates, zone
from newsarchive.sites.sidebar import strip_sidebar
from tests.helpers import date_form_ok
from newsarchive.sites.text import clean_ws

WORD = st.text(alphabet=string.ascii_letters, min_size=2, max_size=9)
PROSE = st.lists(WORD, min_size=9, max_size=30).map(lambda words: " ".join(words).capitalize() + ".")
TITLE = st.lists(WORD, min_size=3, max_size=8).map(lambda words: " ".join(w.capitalize() for w in words))
DATE = st.builds(
    lambda day, month, year: f"{day} {month} {year}",
    st.integers(1, 28), st.sampled_from(["January", "March", "November"]), st.integers(2000, 2030),
)
related_entries = st.lists(st.fixed_dictionaries({"title": st.text(), "url": st.text(), "date": st.text()}), max_size=4)


@given(raw=st.text(), modified=st.text(), related=related_entries)
@settings(deadline=None)
def test_dates_pipeline_never_raises(raw, modified, related):
    item = ArticleItem(site="islamtimes", published_raw=raw, modified_raw=modified, related=related)
    normalize_dates(item, zone("Asia/Tehran"), Counter())
    assert date_form_ok(item.published, item.published_tz_source)
    # A site's zone is known: every time of day is an instant in UTC.
    assert item.published_tz_source in (None, "page", "site default", "date only")


@given(body=st.text(), title=st.one_of(st.none(), st.text()), lead=st.one_of(st.none(), st.text()), related=related_entries)
@settings(deadline=None)
def test_sidebar_pipeline_never_raises_and_is_idempotent(body, title, lead, related):
    titles = [entry["title"] for entry in related]
    once, _ = strip_sidebar(body, title=title, related_titles=titles, lead=lead)
    again, removed = strip_sidebar(once, title=title, related_titles=titles, lead=lead)
    assert again == once and not removed


def junk_block(titles: list[str], dates: list[str]) -> list[str]:
    """A featured-stories block: alt text and link text per story, then its
    date; every other alt copy cut at an apostrophe."""
    lines = ["Featured Stories"]
    for number, (title, date) in enumerate(zip(titles, dates)):
        if number % 2:
            lines += [title.split(" ")[0], f"{title.split(' ')[0]}'s {title}", date]
        else:
            lines += [title, title, date]
    return lines


@given(
    paragraphs=st.lists(PROSE, min_size=1, max_size=8, unique=True),
    headline=TITLE,
    titles=st.lists(TITLE, min_size=1, max_size=5, unique=True),
    dates=st.lists(DATE, min_size=5, max_size=5),
    where=st.integers(0, 8),
    chrome=st.booleans(),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_stripping_keeps_every_article_paragraph(paragraphs, headline, titles, dates, where, chrome):
    lines = list(paragraphs)
    # A leaked pair of sidebar lines with a date, somewhere in the text.
    leak_at = min(where, len(lines))
    lines[leak_at:leak_at] = [titles[0], titles[0], dates[0]]
    lines = [headline, *(["Story Code : 123"] if chrome else []), headline, *lines, "Comment"]
    lines += junk_block(titles, dates)
    body = "\n".join(lines)
    cleaned, _ = strip_sidebar(body, title=headline, related_titles=titles)
    assert cleaned.split("\n\n") == paragraphs
    assert strip_sidebar(cleaned, title=headline, related_titles=titles)[0] == cleaned


@given(paragraphs=st.lists(PROSE, min_size=1, max_size=6, unique=True), repeat=st.integers(0, 5))
@settings(deadline=None)
def test_only_the_duplicate_of_a_paragraph_goes(paragraphs, repeat):
    index = repeat % len(paragraphs)
    doubled = paragraphs[: index + 1] + [paragraphs[index]] + paragraphs[index + 1 :]
    cleaned, removed = strip_sidebar("\n\n".join(doubled))
    assert cleaned.split("\n\n") == paragraphs and removed == {"duplicate_paragraph": 1}


@given(title=st.text(), body=st.text(min_size=1), tags=st.lists(st.text(), max_size=3))
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_archive_stores_any_text_verbatim(tmp_path, title, body, tags):
    archive = Archive(tmp_path / "props.db")
    try:
        archive.stage_article(ArticleItem(site="s", story_code="1", title=title, body=body, tags=tags))
        archive.flush()
        row = archive.story("s", "1")
        assert (row["title"], row["body"], row["tags"]) == (title, body, tags)
    finally:
        archive.db.execute("DELETE FROM articles")
        archive.db.conn.commit()
        archive.close()


@given(text=st.text(st.characters(codec="utf-8")) | st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x85\xa0\u2009\u3000ab"))
def test_clean_ws_equals_collapsing_every_whitespace_run(text):
    # The clean-line shortcut must agree with the plain definition.
    expected = " ".join(unicodedata.normalize("NFC", text).split())
    assert clean_ws(text) == expected
