"""A story held only as a framework's page data: its paragraphs, not the
teasers or navigation around it."""

from __future__ import annotations

from newsarchive.sites.page_data import story_paragraphs

STORY = [
    "The council approved the new bus plan on Tuesday after a debate that lasted most of the day.",
    "Under the plan, the first new routes start in the autumn and more follow next spring.",
    "Critics said the funding was not yet secured and asked for a vote before the end of the year.",
]
TEASER = "Another story about the city's cycle lanes, summarized here in one sentence for the teaser."


def test_an_html_string_gives_its_paragraphs():
    data = {"props": {"story": {"html": "".join(f"<p>{p}</p>" for p in STORY)}, "teaser": TEASER}}
    assert story_paragraphs(data) == STORY


def test_a_list_of_blocks_gives_their_texts_in_order():
    data = {"article": {"blocks": [{"type": "p", "content": [{"text": p}]} for p in STORY], "related": [{"summary": TEASER}]}}
    assert story_paragraphs(data) == STORY


def test_data_without_prose_gives_nothing():
    assert story_paragraphs({"nav": ["Home", "World", "Sport"], "id": 12}) == []
