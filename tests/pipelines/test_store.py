import json

from scrapy.utils.test import get_crawler

from newsarchive.archive import Archive
from tests.helpers import search_archive
from newsarchive.items import ArticleItem, StoryAlias
from newsarchive.pipelines.store import StoreArchivePipeline


def article(code: str, **fields) -> ArticleItem:
    defaults = dict(
        site="islamtimes",
        story_code=code,
        url=f"https://www.islamtimes.com/en/news/{code}/slug",
        title=f"Story {code}",
        lead="Lead",
        body=f"Body of story {code} about Pyongyang.",
        tags=["A", "B"],
        related=[{"title": "R", "url": "u", "story_code": "9", "date": "2022-11-08"}],
    )
    return ArticleItem(**{**defaults, **fields})


def make(tmp_path, batch_size=1000):
    archive = Archive(tmp_path / "archive.db")
    crawler = get_crawler()
    return StoreArchivePipeline(archive, batch_size=batch_size, stats=crawler.stats), archive, crawler.stats


def rows(path, table="articles"):
    reader = Archive(path)
    try:
        return list(reader.db[table].rows)
    finally:
        reader.db.close()


def test_writes_are_batched_and_flushed_at_close(tmp_path):
    pipeline, archive, stats = make(tmp_path, batch_size=4)
    for code in ("1", "2", "3"):
        pipeline.process_item(article(code))
    assert not (tmp_path / "archive.db").exists() or rows(tmp_path / "archive.db") == []
    pipeline.process_item(article("4"))  # the fourth article fills the batch
    assert stats.get_value("newsarchive/store/flushes") == 1
    assert len(rows(tmp_path / "archive.db")) == 4
    pipeline.process_item(article("5"))
    assert len(rows(tmp_path / "archive.db")) == 4
    pipeline.close_spider()
    assert len(rows(tmp_path / "archive.db")) == 5
    archive.close()


def test_row_has_item_fields_as_columns_and_lists_as_json(tmp_path):
    pipeline, archive, _ = make(tmp_path)
    pipeline.process_item(article("1023423", aliases=["http://islamtimes.org/en/doc/news/1023423/"]))
    pipeline.process_item(StoryAlias(site="islamtimes", story_code="1023423", url="https://islamtimes.org/en/news/1023423/x"))
    pipeline.close_spider()
    archive.close()
    (row,) = rows(tmp_path / "archive.db")
    assert json.loads(row["tags"]) == ["A", "B"]
    assert json.loads(row["related"])[0]["story_code"] == "9"
    assert "aliases" not in row
    aliases = {r["url"]: r["story_code"] for r in rows(tmp_path / "archive.db", "aliases")}
    assert aliases == {
        "https://www.islamtimes.com/en/news/1023423/slug": "1023423",
        "http://islamtimes.org/en/doc/news/1023423/": "1023423",
        "https://islamtimes.org/en/news/1023423/x": "1023423",
    }


def test_full_text_index_follows_inserts_and_updates(tmp_path):
    pipeline, archive, _ = make(tmp_path)
    pipeline.process_item(article("1"))
    pipeline.close_spider()
    assert [r["story_code"] for r in search_archive(archive.path, "Pyongyang")] == ["1"]
    archive.stage_article(article("1", body="Now about Tehran."))
    archive.flush()
    assert search_archive(archive.path, "Pyongyang") == []
    assert [r["story_code"] for r in search_archive(archive.path, "Tehran")] == ["1"]
    archive.close()


def test_archive_is_in_wal_mode(tmp_path):
    _, archive, _ = make(tmp_path)
    assert archive.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    archive.close()
