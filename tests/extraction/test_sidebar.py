import html

from newsarchive.extraction import Fetched, extract
from newsarchive.sites import ISLAM_TIMES
from newsarchive.sites.sidebar import strip_sidebar
from newsarchive.sites.date_lines import is_date_line
from tests.conftest import SEED_TEXT
from tests.helpers import StatsOf

TITLE = "North Korea Denies Sending Arms to Russia"


def seed_body() -> str:
    return SEED_TEXT.read_text(encoding="utf-8").split("\n", 1)[1]


def seed_paragraphs() -> list[str]:
    lines = [line.strip() for line in seed_body().splitlines() if line.strip()]
    start = lines.index("Story Code : 1023423") + 2
    return lines[start : lines.index("Comment")]


def featured_titles() -> list[str]:
    lines = [line.strip() for line in seed_body().splitlines() if line.strip()]
    entries = [line for line in lines[lines.index("Featured Stories") + 1 :] if not is_date_line(line)]
    # Each entry is alt text, then link text: the link text is the whole title.
    return entries[1::2]


def test_acceptance_example_page_text_gives_the_six_paragraphs():
    want = seed_paragraphs()
    assert len(want) == 6
    body, removed = strip_sidebar(seed_body())
    assert body.split("\n\n") == want
    assert removed["sidebar"] > 0 and removed["chrome"] == 2


def test_acceptance_holds_with_title_and_related_known():
    assert len(featured_titles()) == 13
    assert "Thousands March in Peru Calling for President's Removal" in featured_titles()
    body, _ = strip_sidebar(seed_body(), title=TITLE, related_titles=featured_titles())
    assert body.split("\n\n") == seed_paragraphs()


def seed_as_page() -> bytes:
    """The seed's text, one paragraph a line, in the site's body container:
    the body the site's rules find is the seed's whole text."""
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in seed_body().splitlines() if line.strip())
    return (f'<html><head><meta charset="utf-8"></head><body><h1 id="docDiv3TitrMain">{TITLE}</h1>'
            f'<div id="doctextarea">{paragraphs}</div></body></html>').encode()


def test_the_step_counts_removed_lines_per_item_and_in_stats():
    stats = StatsOf()
    url = "https://www.islamtimes.com/en/news/1023423/north-korea-denies-sending-arms-to-russia"
    extracted = extract(ISLAM_TIMES, Fetched(url, {"Content-Type": "text/html"}, seed_as_page()))
    item = extracted.item
    stats.counts.update(extracted.counts)
    assert item.field_sources["body"] == "site"
    assert item.body.split("\n\n") == seed_paragraphs()
    total_lines = len([line for line in seed_body().splitlines() if line.strip()])
    assert item.sidebar_removed == total_lines - 6
    counted = sum(v for k, v in stats.get_stats().items() if k.startswith("newsarchive/sidebar/removed/"))
    assert counted == item.sidebar_removed


def test_featured_title_inside_a_sentence_is_kept():
    sentence = (
        "Officials said the report, titled Poland To Expand US Air Base, was published on Monday "
        "and drew strong reactions."
    )
    body = f"{sentence}\n\nSecond paragraph of the article text goes here and ends properly.\n\nFeatured Stories\nPoland To Expand US Air Base\nPoland To Expand US Air Base\n8 November 2022"
    cleaned, _ = strip_sidebar(body, related_titles=["Poland To Expand US Air Base"])
    assert cleaned.split("\n\n") == [sentence, "Second paragraph of the article text goes here and ends properly."]


def test_leaked_entries_without_a_heading_are_removed():
    body = (
        "First paragraph of the story, long enough to read as prose for the rules.\n"
        "Thousands March in Peru Calling for President\n"
        "Thousands March in Peru Calling for President's Removal\n"
        "6 November 2022\n"
        "Last paragraph of the story, which also reads as prose for the rules."
    )
    cleaned, removed = strip_sidebar(body)
    assert cleaned.split("\n\n") == [
        "First paragraph of the story, long enough to read as prose for the rules.",
        "Last paragraph of the story, which also reads as prose for the rules.",
    ]
    assert removed == {"doubled_title": 2, "date": 1}


def test_known_related_title_and_its_apostrophe_cut_copy_are_removed():
    body = (
        "An article paragraph that certainly reads like a sentence of prose.\n"
        "White House Gives Intelligence Agencies Access to Americans\n"
        "Another article paragraph that certainly reads like a sentence of prose."
    )
    cleaned, removed = strip_sidebar(
        body, related_titles=["White House Gives Intelligence Agencies Access to Americans' Personal Data"]
    )
    assert "White House" not in cleaned
    assert removed == {"related": 1}


def test_consecutive_duplicate_paragraphs_keep_one_copy():
    para = "The same paragraph was printed twice by the content system, word for word."
    cleaned, removed = strip_sidebar(f"{para}\n\n{para}\n\nA different closing paragraph follows the duplicates here.")
    assert cleaned.split("\n\n") == [para, "A different closing paragraph follows the duplicates here."]
    assert removed == {"duplicate_paragraph": 1}


def test_a_doubled_short_line_inside_the_text_keeps_one_copy():
    body = "Opening paragraph that reads as prose for the purposes of this test.\nSubheading\nSubheading\nClosing paragraph that reads as prose for the purposes of this test."
    cleaned, _ = strip_sidebar(body)
    assert cleaned.split("\n\n")[1] == "Subheading"
    assert cleaned.count("Subheading") == 1


def test_headline_and_lead_repeated_at_start_are_removed():
    lead = "The lead sentence of the story is repeated as the first body line here."
    body = f"{TITLE}\n{lead}\nThe real first paragraph of the body text follows the lead here."
    cleaned, removed = strip_sidebar(body, title=TITLE, lead=lead)
    assert cleaned == "The real first paragraph of the body text follows the lead here."
    assert removed == {"headline": 2}


def test_stripping_is_idempotent_on_the_example():
    once, _ = strip_sidebar(seed_body())
    twice, removed = strip_sidebar(once)
    assert twice == once and not removed


def test_clean_body_is_untouched():
    body = "\n\n".join(seed_paragraphs())
    cleaned, removed = strip_sidebar(body, title=TITLE, related_titles=featured_titles())
    assert cleaned == body and not removed


def test_menu_and_breadcrumb_lines_above_the_first_paragraph_are_removed():
    paragraph = "The council met on Tuesday and agreed a new plan for the city's buses, to start in the autumn."
    later = "Home owners in the north will pay for it, the council said in a statement on Tuesday."
    body = "\n\n".join(["Home", "|", "World", "»", paragraph, later])
    cleaned, removed = strip_sidebar(body, link_texts=frozenset({"home", "world"}))
    assert cleaned.split("\n\n") == [paragraph, later]
    # The links go as links wherever they stand; the separators between them as navigation.
    assert removed == {"link": 2, "navigation": 2}


def test_lines_that_are_only_a_link_or_point_to_another_story_are_removed():
    paragraph = "The council met on Tuesday and agreed a new plan for the city's buses, to start in the autumn."
    related = ("Trams return to the old town", "Night buses for the airport")
    body = "\n\n".join([
        paragraph,
        "GET THE NEWS APP BY CLICKING HERE",                     # a promotion's link
        "(Read also: Cycle lanes for every district)",           # a pointer behind a list heading
        "- Trams return to the old town The first line opens in May",  # a teaser entry: title, then subline
        "- Published 18 November 2019",                          # a labelled date
        "http://bus.example/plan",                               # a link that shows its address stays
        "- Night buses for the airport will run every hour from June, the council said on Tuesday.",
    ])
    links = frozenset({"get the news app by clicking here", "http://bus.example/plan"})
    cleaned, removed = strip_sidebar(body, related_titles=related, link_texts=links)
    assert cleaned.split("\n\n") == [
        paragraph, "http://bus.example/plan",
        # A bullet of the story's own text that opens with a link is prose: it stays.
        "- Night buses for the airport will run every hour from June, the council said on Tuesday.",
    ]
    assert removed == {"link": 1, "related": 2, "date": 1}


def test_datelines_and_dates_behind_a_colon_label_go_prose_that_names_a_date_stays():
    paragraph = "The council approved the new bus plan on Tuesday after a long debate about its cost."
    dated_prose = "On 19 November 2019 the council / the city hall said the plan | would cost less than expected."
    body = "\n\n".join([
        "First Published: Tuesday, November 19, 2019 08:38 AM",                   # a label and a colon
        "November 19, 2019 / 12:21 AM / Updated 14 hours ago",                     # a dateline's parts
        "New Delhi, News Nation Bureau | Updated : 19 November 2019, 09:01 AM",    # place, desk and date
        paragraph,
        dated_prose,
    ])
    cleaned, removed = strip_sidebar(body, language="en")
    assert cleaned.split("\n\n") == [paragraph, dated_prose]
    assert removed == {"date": 3}
