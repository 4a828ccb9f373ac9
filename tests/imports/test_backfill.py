"""A site's past from web archives, through the real Scrapy machinery: the
Wayback Machine's and Common Crawl's indexes and captures, and the live
site, stood in for by one server process on 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from newsarchive.cli import cli
from newsarchive.replay.pages import SavedSite
from tests.browser import chromium, needs_browser, screenshot, served
from tests.conftest import FIXTURES, ROOT, run_crawl
from tests.warc_files import CcNewsFile, Record

STORY = next(page for page in SavedSite(FIXTURES) if "/1023423/" in page.url)
OTHER = next(page for page in SavedSite(FIXTURES) if "/1023431/" in page.url)
#: A sentence of the story's body, and what the older copies said instead.
SENTENCE = "The official went on to note"
V2019, V2020, V2021 = "In 2019 the official noted", "In 2020 the official noted", "In 2021 the official noted"


def version(tmp_path, page, words: str | None, name: str):
    """The page as it read then: one sentence of its body changed."""
    html = page.body().decode("utf-8")
    if words:
        assert SENTENCE in html or page is OTHER
        html = html.replace(SENTENCE, words)
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return str(path)


class WebArchives:
    """The stand-in server, running."""

    def __init__(self, tmp_path, config: dict):
        self.log = tmp_path / "requests.jsonl"
        self.log.write_text("")
        (tmp_path / "archives.json").write_text(json.dumps({**config, "log": str(self.log)}))
        self.process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "web_archive_server.py"),
                                         str(tmp_path / "archives.json")], stdout=subprocess.PIPE, text=True)
        self.base = f"http://127.0.0.1:{self.process.stdout.readline().strip()}"

    def settings(self, **more) -> dict:
        return {"NEWSARCHIVE_WAYBACK_CDX_URL": f"{self.base}/cdx/search/cdx",
                "NEWSARCHIVE_WAYBACK_URL": f"{self.base}/web", "NEWSARCHIVE_CC_INDEX_URL": f"{self.base}/",
                "NEWSARCHIVE_CC_DATA_URL": f"{self.base}/data/", "NEWSARCHIVE_WEB_ARCHIVE_RATE": "60000",
                "NEWSARCHIVE_WEB_ARCHIVE_PAUSE": "1", **more}

    def requests(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def archives(tmp_path):
    started = []

    def start(**config) -> WebArchives:
        server = WebArchives(tmp_path, config)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def wayback_captures(tmp_path) -> list[dict]:
    return [{"timestamp": stamp, "original": STORY.url, "file": version(tmp_path, STORY, words, f"{stamp}.html")}
            for stamp, words in (("20190301100000", V2019), ("20200301100000", V2020), ("20210301100000", V2021))]


def backfill(db, server: WebArchives, *args: str, settings: dict | None = None):
    return run_crawl(db, "site=islamtimes", "lang=en", *args, spider="backfill",
                     settings=server.settings(**(settings or {})))


def story_rows(db):
    conn = sqlite3.connect(db)
    row = conn.execute("SELECT body, fetched_at, first_seen, last_seen, source, capture_file, gone_at FROM articles"
                       " WHERE story_code = '1023423'").fetchone()
    revisions = conn.execute("SELECT fetched_at, previous, previous_provenance FROM revisions"
                             " WHERE story_code = '1023423' ORDER BY id").fetchall()
    conn.close()
    return row, revisions


def test_three_wayback_captures_listed_over_two_pages_become_one_story_with_two_revisions(tmp_path, archives):
    server = archives(wayback=wayback_captures(tmp_path), page_size=2)
    db = tmp_path / "archive.db"
    done = backfill(db, server, "source=wayback", "live_check=0")
    assert done.returncode == 0, done.log[-3000:]
    row, revisions = story_rows(db)
    capture = f"{server.base}/web/20210301100000id_/{STORY.url}"
    assert V2021 in row[0] and row[1:6] == ("2021-03-01T10:00:00Z", "2019-03-01T10:00:00Z", "2021-03-01T10:00:00Z",
                                          "wayback", capture)
    # Two edits, in capture order, each replacing the copy of the capture before it.
    assert [(when, V2019 in previous if when.startswith("2020") else V2020 in previous)
            for when, previous, _ in revisions] == [("2020-03-01T10:00:00Z", True), ("2021-03-01T10:00:00Z", True)]
    assert json.loads(revisions[0][2]) == {"source": "wayback", "capture_file": f"{server.base}/web/20190301100000id_/"
                                                                                f"{STORY.url}", "capture_offset": None,
                                           "last_seen": "2019-03-01T10:00:00Z"}
    # Each of the profile's domains listed; islamtimes.com in two pages, the second asked with the first's resume key.
    listings = [r["path"] for r in server.requests() if r["path"].startswith("/cdx/")]
    com = [path for path in listings if "islamtimes.com" in path]
    assert len(listings) == 3 and len(com) == 2 and "resumeKey=2" in com[1] and "resumeKey" not in com[0]

    # Run again: the listing asks only for captures from the last one on, and nothing is fetched twice.
    again = backfill(db, server, "source=wayback", "live_check=0")
    assert again.returncode == 0, again.log[-3000:]
    assert story_rows(db) == (row, revisions)
    asked = [r["path"] for r in server.requests()]
    assert sum(p.startswith("/web/") for p in asked) == 3
    assert "from=20210301100000" in [p for p in asked if p.startswith("/cdx/")][-1]


def test_common_crawl_records_are_fetched_by_byte_range_from_their_warc_files(tmp_path, archives):
    data = tmp_path / "data"
    data.mkdir()
    warc = CcNewsFile(data / "CC-MAIN-20200301-00001.warc.gz")
    warc.add(Record(OTHER.url, OTHER.body(), date="2020-03-01T10:00:00Z"))
    old = version(tmp_path, STORY, V2019, "old.html")
    warc.add(Record(STORY.url, open(old, "rb").read(), date="2020-03-02T10:00:00Z"))
    warc.close()
    size = warc.path.stat().st_size
    ends = sorted([*warc.offsets.values(), size])
    rows = [{"url": url, "timestamp": stamp, "filename": warc.path.name, "offset": str(offset),
             "length": str(next(end for end in ends if end > offset) - offset)}
            for url, stamp in ((OTHER.url, "20200301100000"), (STORY.url, "20200302100000"))
            for offset in [warc.offsets[url]]]
    server = archives(cc={"CC-MAIN-2020-10": rows}, data_dir=str(data))
    db = tmp_path / "archive.db"
    done = backfill(db, server, "source=commoncrawl", "live_check=0")
    assert done.returncode == 0, done.log[-3000:]
    conn = sqlite3.connect(db)
    stored = dict(conn.execute("SELECT story_code, capture_offset FROM articles WHERE source = 'commoncrawl'"))
    assert stored == {"1023423": warc.offsets[STORY.url], "1023431": warc.offsets[OTHER.url]}
    assert V2019 in conn.execute("SELECT body FROM articles WHERE story_code = '1023423'").fetchone()[0]
    # One record a request, never the whole file.
    data_requests = [r for r in server.requests() if r["path"].startswith("/data/")]
    assert len(data_requests) == 2 and all(r["range"] and r["range"].startswith("bytes=") for r in data_requests)


def test_a_backfill_after_a_live_crawl_puts_the_older_versions_before_the_live_one(tmp_path, archives):
    db = tmp_path / "archive.db"
    live = run_crawl(db, settings={"NEWSARCHIVE_REPLAY": str(FIXTURES)})
    assert live.returncode == 0, live.log[-3000:]
    before, _ = story_rows(db)
    server = archives(wayback=wayback_captures(tmp_path))
    done = backfill(db, server, "source=wayback", "live_check=0")
    assert done.returncode == 0, done.log[-3000:]
    row, revisions = story_rows(db)
    # Today's text stays the story's; the archive's copies come before it, oldest first.
    assert row[0] == before[0] and SENTENCE in row[0] and row[2] == "2019-03-01T10:00:00Z"
    assert [when for when, *_ in revisions] == ["2020-03-01T10:00:00Z", "2021-03-01T10:00:00Z", before[1]]
    assert V2021 in revisions[-1][1] and json.loads(revisions[-1][2])["source"] == "wayback"


def test_a_story_the_live_site_no_longer_serves_is_marked_gone_with_its_text_kept(tmp_path, archives):
    other = version(tmp_path, OTHER, None, "other.html")
    server = archives(wayback=[*wayback_captures(tmp_path),
                               {"timestamp": "20200101000000", "original": OTHER.url, "file": other}],
                      live={OTHER.url.split("islamtimes.com", 1)[1]: other})
    db = tmp_path / "archive.db"
    done = backfill(db, server, "source=wayback", f"start_urls={server.base}/")
    assert done.returncode == 0, done.log[-3000:]
    row, _ = story_rows(db)
    assert V2021 in row[0] and row[6] is not None  # gone, its last copy kept
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT gone_at, last_seen > '2026' FROM articles WHERE story_code = '1023431'").fetchone() \
        == (None, 1)  # still served: seen today
    assert conn.execute("SELECT reason FROM dropped WHERE story_code = '1023423'").fetchone() == ("gone",)


def test_a_dry_run_counts_stories_and_captures_per_year_and_fetches_nothing(tmp_path, archives):
    server = archives(wayback=wayback_captures(tmp_path), page_size=2)
    done = subprocess.run(
        [sys.executable, "-m", "newsarchive.cli", "backfill", "islamtimes", "--source", "wayback", "--lang", "en",
         "--dry-run", "--db", str(tmp_path / "archive.db"),
         *[arg for name, value in server.settings().items() for arg in ("-s", f"{name}={value}")]],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == ["source       year  stories  captures", "wayback      2019        1         1",
                                        "wayback      2020        1         1", "wayback      2021        1         1"]
    assert not [r for r in server.requests() if r["path"].startswith("/web/")]


def test_a_429_pauses_the_backfill_queued_requests_included_and_the_capture_is_asked_again(tmp_path, archives):
    first = f"/web/20190301100000id_/{STORY.url}"
    server = archives(wayback=wayback_captures(tmp_path), fail_once=[first])
    db = tmp_path / "archive.db"
    # Paced (0.1 s between requests, as the real pace is 3 s): a response is read before the next request leaves.
    done = backfill(db, server, "source=wayback", "live_check=0",
                    settings={"NEWSARCHIVE_WEB_ARCHIVE_PAUSE": "2", "NEWSARCHIVE_WEB_ARCHIVE_RATE": "600"})
    assert done.returncode == 0, done.log[-3000:]
    assert "answered 429: the backfill pauses 2s" in done.log
    # The other two captures were waiting in the archive's slot: none was asked before the pause ended.
    web = [r for r in server.requests() if r["path"].startswith("/web/")]
    refused = next(r["at"] for r in web if r["path"] == first)
    assert len(web) == 4 and all(r["at"] >= refused + 1.9 for r in web[1:])
    assert story_rows(db)[0][2] == "2019-03-01T10:00:00Z"


@needs_browser
def test_a_storys_page_shows_its_versions_from_a_crawl_a_cc_news_file_and_the_wayback_machine(tmp_path, archives):
    db = tmp_path / "archive.db"
    assert run_crawl(db, settings={"NEWSARCHIVE_REPLAY": str(FIXTURES)}).returncode == 0  # today's copy
    gone_before = sqlite3.connect(db).execute("SELECT count(*) FROM articles WHERE gone_at IS NOT NULL").fetchone()[0]
    cc_news = CcNewsFile(tmp_path / "CC-NEWS-20200601000000-00001.warc.gz")
    cc_news.add(Record(STORY.url, open(version(tmp_path, STORY, V2020, "2020.html"), "rb").read(),
                       date="2020-06-01T00:00:00Z"))
    cc_news.close()
    imported = subprocess.run([sys.executable, "-m", "newsarchive.cli", "import-warc", str(cc_news.path), "--db",
                               str(db), "-j", "1"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    other = version(tmp_path, OTHER, None, "other.html")
    server = archives(wayback=[wayback_captures(tmp_path)[0],
                               {"timestamp": "20200101000000", "original": OTHER.url, "file": other}],
                      live={STORY.url.split("islamtimes.com", 1)[1]: str(STORY.file)})
    done = backfill(db, server, "source=wayback", f"start_urls={server.base}/")
    assert done.returncode == 0, done.log[-3000:]
    stats = CliRunner().invoke(cli, ["stats", "--db", str(db)])
    assert f"gone       {gone_before + 1} stories the site no longer serves" in stats.output
    with served(db) as base, chromium(tmp_path / "chromium") as browser:
        browser.get(f"{base}/-/story/islamtimes/1023423")
        versions = [element.text for element in browser.find_elements("css selector", "section.versions li")]
        assert [line.split(": ", 1)[0] for line in versions[:2]] == ["2019-03-01T10:00:00Z", "2020-06-01T00:00:00Z"]
        assert "Wayback Machine capture" in versions[0] and "imported WARC file" in versions[1]
        assert len(versions) == 3 and versions[2].endswith("crawl")  # replayed: no capture file of its own
        assert [h.text.split(" in the ")[1] for h in browser.find_elements("css selector", ".edits h3")] == [
            "crawl", "imported WARC file " + str(cc_news.path) + " @ " + str(cc_news.offsets[STORY.url])]
        browser.execute_script("document.querySelector('section.versions').scrollIntoView()")
        screenshot(browser, "story-history")
        browser.get(f"{base}/-/deleted")
        rows = [element.text for element in browser.find_elements("css selector", "tbody tr")]
        title = sqlite3.connect(db).execute("SELECT title FROM articles WHERE story_code = '1023431'").fetchone()[0]
        assert len(rows) == gone_before + 1
        assert any(title in row and "Wayback Machine capture" in row for row in rows)
        screenshot(browser, "deleted")
        browser.get(base)
        assert browser.find_element("link text", "Deleted").get_attribute("href").endswith("/-/deleted")


def test_an_earlier_range_after_a_later_one_and_a_run_cut_short_lose_no_capture(tmp_path, archives):
    server = archives(wayback=wayback_captures(tmp_path))
    db = tmp_path / "archive.db"
    later = backfill(db, server, "source=wayback", "live_check=0", "since=2020")
    assert later.returncode == 0, later.log[-3000:]
    assert story_rows(db)[0][2] == "2020-03-01T10:00:00Z"
    # The 2019 capture, asked for afterwards: the 2020 run's captures do not move this range's start.
    earlier = backfill(db, server, "source=wayback", "live_check=0", "since=2019", "until=2019")
    assert earlier.returncode == 0, earlier.log[-3000:]
    assert story_rows(db)[0][2] == "2019-03-01T10:00:00Z"

    stopped = tmp_path / "stopped.db"
    first = backfill(stopped, server, "source=wayback", "live_check=0", "limit=1")  # stopped after one capture
    assert first.returncode == 0, first.log[-3000:]
    conn = sqlite3.connect(stopped)
    fetched = {a for (a,) in conn.execute("SELECT address FROM web_captures WHERE outcome IS NOT NULL")}
    listed = {a for (a,) in conn.execute("SELECT address FROM web_captures")}
    conn.close()
    assert len(listed) == 3 and len(fetched) == 1
    before = len(server.requests())
    rest = backfill(stopped, server, "source=wayback", "live_check=0")
    assert rest.returncode == 0, rest.log[-3000:]
    # What the stopped run listed and did not fetch, the next fetched; nothing twice.
    asked = {f"{server.base}{r['path']}" for r in server.requests()[before:] if r["path"].startswith("/web/")}
    assert asked == listed - fetched
    row, revisions = story_rows(stopped)
    assert row[2] == "2019-03-01T10:00:00Z" and len(revisions) == 2


def test_a_capture_the_archive_no_longer_has_does_not_mark_the_story_gone(tmp_path, archives):
    captures = wayback_captures(tmp_path)
    listed_only = {"timestamp": "20220101000000", "original": STORY.url, "file": captures[0]["file"]}
    server = archives(wayback=captures + [listed_only], missing=[listed_only["timestamp"]])
    db = tmp_path / "archive.db"
    done = backfill(db, server, "source=wayback", "live_check=0")
    assert done.returncode == 0, done.log[-3000:]
    row, _ = story_rows(db)
    assert row[6] is None  # not gone: only the archive's copy is missing
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT outcome FROM web_captures WHERE captured_at = '2022-01-01T00:00:00Z'").fetchone() \
        == ("http_404",)
    assert conn.execute("SELECT count(*) FROM dropped").fetchone() == (0,)
