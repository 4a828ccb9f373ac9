import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsarchive.archive import Archive
from newsarchive.items import ArticleItem, StoryAlias
from newsarchive.pipelines.dedupe import DeduplicateStoriesPipeline


def article(code="1023423", url="https://www.islamtimes.com/en/news/1023423/a", aliases=()):
    return ArticleItem(site="islamtimes", story_code=code, url=url, title="T", body="B", aliases=list(aliases))


def make(archive):
    crawler = get_crawler()
    return DeduplicateStoriesPipeline(archive, stats=crawler.stats), crawler.stats


def test_second_item_of_a_story_in_one_run_is_dropped_and_its_urls_kept(archive):
    pipeline, stats = make(archive)
    assert pipeline.process_item(article()) is not None
    duplicate = article(url="https://www.islamtimes.com/en/news/1023423/b", aliases=["http://islamtimes.org/en/doc/news/1023423/"])
    with pytest.raises(DropItem, match="in this run"):
        pipeline.process_item(duplicate)
    assert stats.get_value("newsarchive/dedupe/in_run") == 1
    archive.flush()
    urls = {row["url"] for row in archive.db["aliases"].rows}
    assert urls == {"https://www.islamtimes.com/en/news/1023423/b", "http://islamtimes.org/en/doc/news/1023423/"}


def test_story_already_in_the_archive_passes_on_to_the_store(archive):
    archive.stage_article(article())
    archive.flush()
    pipeline, stats = make(archive)
    assert pipeline.process_item(article()) is not None
    assert stats.get_value("newsarchive/dedupe/in_run") is None


def test_aliases_and_other_items_pass(archive):
    pipeline, _ = make(archive)
    alias = StoryAlias(site="islamtimes", story_code="1", url="u")
    assert pipeline.process_item(alias) is alias
