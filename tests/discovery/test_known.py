"""The "already archived?" decision, on a real archive."""

from datetime import datetime, timedelta, timezone

from newsarchive.discovery.known import KnownStories, Verdict
from newsarchive.items import ArticleItem

NOW = datetime(2024, 5, 20, 12, 0, tzinfo=timezone.utc)


def store(archive, code: str, published: str | None) -> None:
    archive.stage_article(ArticleItem(site="s", story_code=code, url=f"https://s/{code}", title="T", body="B",
                                      published=published, fetched_at="2024-05-20T00:00:00Z"))


def test_verdicts_from_what_the_archive_knows(archive):
    store(archive, "1", "2024-05-01T00:00:00Z")   # old: archived
    store(archive, "2", "2024-05-19T08:00:00Z")   # within the recheck window
    archive.stage_drop("s", "3", "https://s/3", "no_body")      # dropped for good
    archive.stage_drop("s", "4", "https://s/4", "http_503")     # worth another try
    archive.flush()
    known = KnownStories(archive, recheck=timedelta(days=2), now=NOW)
    assert known.verdict("s", "1") is Verdict.ARCHIVED
    assert known.verdict("s", "2") is Verdict.RECHECK
    assert known.verdict("s", "3") is Verdict.DROPPED
    assert known.verdict("s", "4") is Verdict.NEW
    assert known.verdict("s", "5") is Verdict.NEW
    assert known.verdict("other", "1") is Verdict.NEW
    assert KnownStories(archive, recheck=timedelta(days=30), now=NOW).verdict("s", "1") is Verdict.RECHECK


def test_the_store_opens_on_first_use(archive):
    opened = []
    known = KnownStories(lambda: opened.append(1) or archive)
    assert opened == []
    assert not known.knows_url("https://s/1")
    assert known.verdict("s", "9") is Verdict.NEW and opened == [1]
