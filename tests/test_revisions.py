"""A story's edits as word diffs, newest first, each against the value
that followed it."""

from __future__ import annotations

from newsarchive.revisions import ADDED, REMOVED, SAME, edits, plain, spaced, word_diff


def test_a_word_diff_rebuilds_both_texts():
    runs = word_diff("The plan adds ten buses.", "The plan adds twelve new buses.")
    assert "".join(text for kind, text in runs if kind != ADDED) == "The plan adds ten buses."
    assert "".join(text for kind, text in runs if kind != REMOVED) == "The plan adds twelve new buses."
    assert (REMOVED, "ten") in runs and (ADDED, "twelve new") in runs and runs[0] == (SAME, "The plan adds ")


def test_two_edits_are_each_diffed_against_what_came_next():
    story = {
        "title": "Third title", "body": "Same body.", "tags": ["a", "c"],
        "revisions": [  # oldest first, as the archive keeps them
            {"fetched_at": "2024-05-02T00:00:00Z", "changed": ["title", "tags"],
             "previous": {"title": "First title", "tags": ["a", "b"]}},
            {"fetched_at": "2024-05-03T00:00:00Z", "changed": ["title"], "previous": {"title": "Second title"}},
        ],
    }
    newest, oldest = edits(story)
    assert newest.fetched_at == "2024-05-03T00:00:00Z" and [f.field for f in newest.fields] == ["title"]
    assert plain(newest.fields[0].runs) == "[-Second-]{+Third+} title"
    assert [f.field for f in oldest.fields] == ["title", "tags"]
    assert plain(oldest.fields[0].runs) == "[-First-]{+Second+} title"
    assert plain(oldest.fields[1].runs) == "a, [-b-]{+c+}"


def test_only_changed_paragraphs_are_printed():
    before = "One.\n\nTwo stays.\n\nThree."
    after = "One.\n\nTwo stays.\n\nThree, corrected."
    assert plain(word_diff(before, after)) == "[-Three.-]{+Three, corrected.+}"


def test_a_rewritten_passage_is_one_change_not_words_interleaved_with_spaces():
    runs = word_diff("The report said the approach aims to avoid disruptions.",
                     "The report was corrected: the approach covers food only.")
    assert plain(runs) == ("The report [-said-]{+was corrected:+} the approach "
                           "[-aims to avoid disruptions.-]{+covers food only.+}")


def test_a_replaced_word_is_shown_struck_then_added_with_a_space_between():
    runs = word_diff("The official said it.", "The official was later corrected it.")
    assert (REMOVED, "said") in runs and (ADDED, "was later corrected") in runs
    shown = spaced(runs)
    at = shown.index((REMOVED, "said"))
    assert shown[at + 1:at + 3] == [(SAME, " "), (ADDED, "was later corrected")]
    # Runs that already meet at a space are left as they are.
    assert spaced([(REMOVED, "a "), (ADDED, "b")]) == [(REMOVED, "a "), (ADDED, "b")]
