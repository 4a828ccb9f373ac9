"""Many sites in one crawl: ``scrapy crawl news -a site=a,b`` (or
``site=all``) runs a crawl per site side by side in one process, each with
its own politeness, stats, run row and drift report."""

from __future__ import annotations

import json
import shutil
import sqlite3

from tests.conftest import FIXTURES, ROOT, run_crawl

AVAPRESS = ROOT / "fixtures" / "avapress"


def both_sites(folder):
    """One replay folder with the Islam Times and the Avapress fixtures
    (their paths are the same: pages are told apart by host)."""
    pages = []
    for source in (FIXTURES, AVAPRESS):
        shutil.copytree(source / "pages", folder / source.name / "pages")
        for page in json.loads((source / "pages.json").read_text(encoding="utf-8"))["pages"]:
            page = {key: value for key, value in page.items() if key != "expected"}
            if "file" in page:
                page["file"] = f"{source.name}/{page['file']}"
            pages.append(page)
    (folder / "pages.json").write_text(json.dumps({"pages": pages}), encoding="utf-8")
    return folder


def crawl_both(tmp_path, sites: str):
    """Crawl the two-site replay folder with ``-a site=...``; check both sites' stories."""
    db = tmp_path / "archive.db"
    result = run_crawl(db, f"site={sites}", spider="news",
                       settings={"NEWSARCHIVE_REPLAY": str(both_sites(tmp_path / "replay"))})
    assert result.returncode == 0, result.log[-3000:]
    conn = sqlite3.connect(db)
    assert dict(conn.execute("SELECT site, count(*) FROM articles GROUP BY site")) == {"islamtimes": 12, "avapress": 2}
    return result, conn


def test_two_sites_in_one_crawl_each_get_their_stories_run_and_progress(tmp_path):
    result, conn = crawl_both(tmp_path, "islamtimes,avapress")
    runs = conn.execute("SELECT spider, site, finish_reason, items_new, drift FROM runs ORDER BY site").fetchall()
    assert [row[:4] for row in runs] == [("news", "avapress", "finished", 2), ("news", "islamtimes", "finished", 12)]
    assert [json.loads(row[4])["site"] for row in runs] == ["avapress", "islamtimes"]  # drift per site
    summaries = [line for line in result.log.splitlines() if "Summary (finished): " in line]
    assert sorted(line.split("Summary (finished): ")[1].split(":")[0] for line in summaries) == ["avapress", "islamtimes"]
    assert result.log.count("Spider opened") == 2


def test_site_all_crawls_every_profile(tmp_path):
    # Mondoweiss's pages are not in the replay folder: its run finds nothing.
    _, conn = crawl_both(tmp_path, "all")
    assert {row[0] for row in conn.execute("SELECT site FROM runs")} == {"islamtimes", "avapress", "mondoweiss"}


def test_a_refused_site_fails_the_crawl_while_the_others_complete(tmp_path):
    db = tmp_path / "archive.db"
    result = run_crawl(db, "site=islamtimes,no-such-site", spider="news",
                       settings={"NEWSARCHIVE_REPLAY": str(FIXTURES)})
    assert result.returncode == 1 and "Not crawling:" in result.log
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT site, finish_reason, items_new FROM runs").fetchall() == [("islamtimes", "finished", 12)]


def test_start_urls_with_several_sites_is_a_usage_error(tmp_path):
    result = run_crawl(tmp_path / "a.db", "site=islamtimes,avapress", "start_urls=http://127.0.0.1:9/", spider="news")
    assert result.returncode == 2 and "crawl several sites without it" in result.log
