"""A story's versions in the order they were seen, not the order their
copies arrived: a web archive's older captures come after today's crawl."""

from __future__ import annotations

import sqlite3

import pytest

from newsarchive.archive import Archive
from newsarchive.items import ArticleItem, CaptureSource, Outcome

T2015, T2022, T2024, T2026 = "2015-03-01T10:00:00Z", "2022-06-01T08:00:00Z", "2024-01-01T00:00:00Z", "2026-12-01T09:00:00Z"


def copy(body: str, when: str, source: CaptureSource = CaptureSource.CRAWL, where: str | None = None) -> ArticleItem:
    return ArticleItem(site="s", story_code="7", url="https://s/news/7", title="Seven", body=body, fetched_at=when,
                       source=source.value, capture_file=where, capture_offset=0 if where else None)


def store(path, *items: ArticleItem) -> list[Outcome]:
    archive = Archive(path, lock=True)
    try:
        outcomes = [archive.stage_article(item) for item in items]
        archive.flush()
    finally:
        archive.close()
    return outcomes


def state(path) -> tuple[tuple, list[tuple]]:
    conn = sqlite3.connect(path)
    row = conn.execute("SELECT body, fetched_at, first_seen, last_seen, source, capture_file FROM articles").fetchone()
    revisions = conn.execute(
        "SELECT fetched_at, previous, previous_provenance FROM revisions ORDER BY id").fetchall()
    conn.close()
    return row, revisions


@pytest.fixture
def archive_path(tmp_path):
    return tmp_path / "archive.db"


def test_an_older_capture_imported_after_the_live_crawl_becomes_the_earlier_version(archive_path):
    store(archive_path, copy("As it reads today.", T2026, where="crawl-1.warc.gz"))
    assert store(archive_path, copy("As it read in 2022.", T2022, CaptureSource.WAYBACK, "https://web.archive.org/w/1")) \
        == [Outcome.UPDATED]
    row, revisions = state(archive_path)
    # The current row is still today's, first seen back in 2022.
    assert row == ("As it reads today.", T2026, T2022, T2026, "crawl", "crawl-1.warc.gz")
    # One edit, seen in 2026, replacing the 2022 text that came from the Wayback Machine.
    assert revisions == [(T2026, '{"body": "As it read in 2022."}',
                          '{"source": "wayback", "capture_file": "https://web.archive.org/w/1", "capture_offset": 0,'
                          ' "last_seen": "2022-06-01T08:00:00Z"}')]


def test_an_identical_older_capture_adds_nothing_but_moves_the_first_sighting_back(archive_path):
    store(archive_path, copy("Same text.", T2026, where="crawl-1.warc.gz"))
    assert store(archive_path, copy("Same text.", T2022, CaptureSource.WARC_IMPORT, "CC-NEWS-1.warc.gz")) \
        == [Outcome.UNCHANGED]
    row, revisions = state(archive_path)
    assert revisions == []
    # The one version, first seen in 2022, from the imported file.
    assert row == ("Same text.", T2022, T2022, T2026, "warc-import", "CC-NEWS-1.warc.gz")


def test_a_capture_between_two_versions_goes_between_them_and_a_second_import_changes_nothing(archive_path):
    store(archive_path, copy("First.", T2015), copy("Third.", T2026))
    middle = copy("Second.", T2022, CaptureSource.WAYBACK, "https://web.archive.org/w/2")
    assert store(archive_path, middle) == [Outcome.UPDATED]
    once = state(archive_path)
    row, revisions = once
    assert row[:4] == ("Third.", T2026, T2015, T2026)
    assert [(when, previous) for when, previous, _ in revisions] == [
        (T2022, '{"body": "First."}'), (T2026, '{"body": "Second."}')]
    assert store(archive_path, middle) == [Outcome.UNCHANGED]
    assert state(archive_path) == once


def test_a_version_seen_between_two_sightings_of_the_newest_is_an_edit_that_was_undone(archive_path):
    store(archive_path, copy("Kept.", T2015), copy("Kept.", T2026))  # seen in 2015 and again in 2026
    assert store(archive_path, copy("Briefly edited.", T2022, CaptureSource.WAYBACK, "https://web.archive.org/w/3")) \
        == [Outcome.UPDATED]
    row, revisions = state(archive_path)
    assert row[:4] == ("Kept.", T2026, T2015, T2026)
    assert [(when, previous) for when, previous, _ in revisions] == [
        (T2022, '{"body": "Kept."}'), (T2026, '{"body": "Briefly edited."}')]


def test_copies_of_one_story_in_one_batch_in_any_order_give_the_same_history(tmp_path):
    copies = [copy("First.", T2015, CaptureSource.WAYBACK, "w1"), copy("Second.", T2022, CaptureSource.WAYBACK, "w2"),
              copy("Third.", T2024, CaptureSource.WAYBACK, "w3"), copy("Third.", T2026)]
    store(tmp_path / "in-order.db", *copies)
    store(tmp_path / "reversed.db", *reversed(copies))
    in_order, backwards = state(tmp_path / "in-order.db"), state(tmp_path / "reversed.db")
    assert [r[:2] for r in in_order[1]] == [(T2022, '{"body": "First."}'), (T2024, '{"body": "Second."}')]
    assert backwards[1] == in_order[1]
    assert in_order[0][:4] == backwards[0][:4] == ("Third.", T2024, T2015, T2026)


def test_copies_in_every_order_give_one_history_an_undone_edit_included(tmp_path):
    """A, then B, then A again (the edit undone), then C seen twice: all
    120 orders of arrival store the same versions."""
    from itertools import permutations

    t1, t2, t3, t4, t5 = (f"2020-0{m}-01T00:00:00Z" for m in range(1, 6))
    copies = [copy("A.", t1, CaptureSource.WAYBACK, "w1"), copy("B.", t2, CaptureSource.WAYBACK, "w2"),
              copy("A.", t3, CaptureSource.WAYBACK, "w3"), copy("C.", t4, CaptureSource.WAYBACK, "w4"),
              copy("C.", t5, CaptureSource.WAYBACK, "w5")]
    histories = set()
    for index, order in enumerate(permutations(copies)):
        path = tmp_path / f"{index}.db"
        for item in order:  # one batch each: every copy meets the stored history
            store(path, item)
        row, revisions = state(path)
        histories.add((row[:4], tuple((when, previous) for when, previous, _ in revisions)))
    assert histories == {(("C.", t4, t1, t5), ((t2, '{"body": "A."}'), (t3, '{"body": "B."}'), (t4, '{"body": "A."}')))}


def test_a_reparse_reading_of_a_stored_capture_replaces_the_current_version(archive_path):
    """Today's extraction of the crawl's capture, after a newer copy came
    from elsewhere: the story as it stands is compared with it, not buried."""
    store(archive_path, copy("Old parser's reading.", T2022, where="crawl-1.warc.gz"))
    store(archive_path, copy("Old parser's reading.", T2026, CaptureSource.WARC_IMPORT, "CC-NEWS-9.warc.gz"))
    archive = Archive(archive_path, lock=True)
    assert archive.stage_article(copy("New parser's reading.", T2022, where="crawl-1.warc.gz"),
                                 in_time=False) == Outcome.UPDATED
    archive.close()
    row, revisions = state(archive_path)
    assert row[0] == "New parser's reading." and len(revisions) == 1
