"""The generic extractor's failure classes, crawled: ``scrapy crawl news``
over the replayed fixtures/generic-classes pages stores each page's
reviewed item (split bodies joined, precision-pruned bodies, page data,
titles, boilerplate, dates)."""

from __future__ import annotations

from newsarchive.replay.expected import comparable
from newsarchive.replay.pages import SavedSite
from tests.conftest import FIXTURES, load_expected, run_crawl
from tests.helpers import stored_rows

CLASSES = FIXTURES.parent / "generic-classes"


def test_every_class_page_is_stored_as_reviewed(tmp_path):
    pages = [page for page in SavedSite(CLASSES) if page.expected]
    db = tmp_path / "archive.db"
    result = run_crawl(db, "start_urls=" + ",".join(page.url for page in pages), spider="news",
                       settings={"NEWSARCHIVE_REPLAY": str(CLASSES)})
    assert result.returncode == 0, result.log[-3000:]
    rows = {row["url"]: row for row in stored_rows(db).values()}
    expected = {page.url: load_expected(page) for page in pages}
    assert set(rows) == set(expected) and len(rows) == 9
    for url, item in expected.items():
        assert comparable(rows[url]) == item, url
