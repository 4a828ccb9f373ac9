from newsarchive.replay.server import MirrorServer
from tests.conftest import FIXTURES, run_crawl


def test_long_crawl_logs_progress_at_an_interval_and_a_summary(tmp_path):
    with MirrorServer(FIXTURES, delay=0.3) as server:
        result = run_crawl(
            tmp_path / "a.db",
            f"start_urls={server.origin}/en/rss/allnews,{server.origin}/en/archive",
            settings={"NEWSARCHIVE_PROGRESS_INTERVAL": "0.5", "CONCURRENT_REQUESTS": "1"},
        )
    assert result.returncode == 0, result.log
    progress = [line for line in result.log.splitlines() if "Progress: " in line]
    assert len(progress) >= 2
    assert all(" pages (" in line and " stories stored (" in line for line in progress)
    summary = [line for line in result.log.splitlines() if "Summary (finished): " in line]
    assert len(summary) == 1 and "12 stories stored" in summary[0] and "12 new" in summary[0]
    assert "Crawled " not in result.log  # Scrapy's own per-minute line is replaced
