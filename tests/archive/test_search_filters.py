"""Filtered search gives what a row-by-row filter gives, whichever way the
filter meets the full-text index (by lookup, by membership, by row)."""

from __future__ import annotations

import pytest

from newsarchive.archive import Archive, queries
from newsarchive.archive.queries import open_readonly, search
from newsarchive.items import ArticleItem


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "a.db"
    archive = Archive(path)
    for number in range(300):
        site = ("s", "t", "u")[number % 3]
        words = "river bridge" if number % 7 == 0 else "market"
        archive.stage_article(ArticleItem(
            site=site, story_code=str(number), url=f"https://{site}/{number}", title=f"Story {number}",
            body=f"The {words} story number {number}. " * (1 + number % 5),
            published=f"20{10 + number // 30:02d}-01-{1 + number % 28:02d}T00:00:00Z", fetched_at="2024-06-01T00:00:00Z"))
    archive.flush()
    archive.close()
    return path


def by_rows(conn, query, site=None, since=None, rank=False):
    """The plain statement: every match's row read, then filtered, newest
    stored first or (``rank``) best first."""
    sql = ("SELECT a.story_code FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
           " WHERE articles_fts MATCH ?")
    params = [query]
    if site:
        sql, params = sql + " AND a.site = ?", [*params, site]
    if since:
        sql, params = sql + " AND a.published >= ?", [*params, since]
    order = "rank" if rank else "articles_fts.rowid DESC"
    return [row[0] for row in conn.execute(f"{sql} ORDER BY {order} LIMIT 20", params)]


FILTERS = [("river", "t", None), ("river", None, "2017-01-01"), ("market", "s", "2015-06-01"),
           ("bridge", "u", "2030-01-01"), ("market OR river", None, "2019-01-01")]


@pytest.mark.parametrize("rank", [False, True], ids=["newest", "ranked"])
@pytest.mark.parametrize("few, many", [(10**9, 10**9 + 1), (0, 10**9), (0, 1)], ids=["lookup", "membership", "rows"])
@pytest.mark.parametrize("query, site, since", FILTERS)
def test_each_way_finds_what_reading_every_row_finds(archive_path, monkeypatch, few, many, query, site, since, rank):
    monkeypatch.setattr(queries, "FEW_FILTERED", few)
    monkeypatch.setattr(queries, "MANY_FILTERED", many)
    conn = open_readonly(archive_path)
    found = [hit["story_code"] for hit in search(conn, query, site=site, since=since, rank=rank)]
    assert found == by_rows(conn, query, site, since, rank)
    assert all(hit["snippet"] for hit in search(conn, query, site=site, since=since))


def test_a_filter_that_admits_nothing_still_reports_a_malformed_query(archive_path):
    conn = open_readonly(archive_path)
    assert search(conn, "river", since="2099-01-01") == []
    with pytest.raises(Exception, match="syntax error"):
        search(conn, "river AND", since="2099-01-01")
