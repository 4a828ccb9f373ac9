"""Other archives' WARC files into the archive: a CC-NEWS-shaped file of
two profiled hosts, an unrelated one, records that are not pages, and a
member cut short; then the same import again, and a listing over HTTP."""

from __future__ import annotations

import gzip
import json
import sqlite3
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsarchive.capture.reader import read_record
from newsarchive.replay.expected import comparable
from newsarchive.replay.pages import SavedSite
from tests.conftest import FIXTURES
from tests.warc_files import CcNewsFile, Record

ISLAMTIMES, AVAPRESS = SavedSite(FIXTURES), SavedSite(FIXTURES.parent / "avapress")
WHEN = "2019-03-04T05:06:07Z"


def article_pages(saved: SavedSite, count: int):
    pages = [page for page in saved if page.expected is not None
             and "dropped" not in json.loads(page.expected.read_text(encoding="utf-8"))]
    return pages[:count]


def run(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsarchive.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def rows(db) -> dict[str, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    found = {row["story_code"]: dict(row) for row in conn.execute("SELECT * FROM articles")}
    conn.close()
    return found


@pytest.fixture
def cc_news(tmp_path):
    """A CC-NEWS-shaped file: three Islam Times stories, one of Ava Press,
    and what a real file holds besides (requests, metadata, another host,
    a URL naming a profiled host in its query, an image, a 404), ending
    in a member cut short."""
    warc = CcNewsFile(tmp_path / "CC-NEWS-20190304050607-00001.warc.gz")
    stories = article_pages(ISLAMTIMES, 3) + article_pages(AVAPRESS, 1)
    for page in stories:
        warc.add(Record(page.url, page.body(), date=WHEN))
    warc.add(Record("https://www.unrelated.example/news/2019/03/04/elections-ahead", b"<html><p>Other.</p></html>"))
    warc.add(Record(f"https://tracker.example/r?u={stories[0].url}", b"<html><p>A redirect page.</p></html>"))
    warc.add(Record("https://www.islamtimes.com/images/docs/000001/n00001-b.jpg", b"\xff\xd8\xff", content_type="image/jpeg"))
    missing = Record("https://www.islamtimes.com/en/news/1/gone", b"<html>Not found</html>", status=404)
    warc.add(missing)
    cut_at = warc.add_cut(Record(stories[1].url.replace("1023", "9023"), stories[1].body()))
    return warc.close(), warc.offsets, stories, cut_at


def test_a_cc_news_file_gives_exactly_its_profiled_stories_with_each_skip_counted(cc_news, tmp_path):
    path, offsets, stories, cut_at = cc_news
    db = tmp_path / "archive.db"
    done = run("import-warc", str(path), "--db", str(db), "-j", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    # 25 records: 4 stories; their 8 requests and metadata records, 8 more
    # for the 4 other responses, and the warcinfo record (17 not responses);
    # the other host and the one in a query; the image; the 404. The cut
    # member ends the file with one line.
    assert done.stdout.strip() == (
        "1 file(s): 25 records, stored 4: 4 new, 0 updated, 0 unchanged; "
        "skipped 1 not_200, 1 not_html, 17 not_response, 2 other_host; "
        "1 file(s) cut short or corrupt, read up to the cut")
    assert f"{path} is cut short or corrupt at offset {cut_at}: " in done.stderr
    stored = rows(db)
    assert {(row["site"], row["story_code"]) for row in stored.values()} == {
        (saved.site, json.loads(page.expected.read_text(encoding="utf-8"))["story_code"])
        for saved in (ISLAMTIMES, AVAPRESS) for page in stories if page in list(saved)}
    for page in stories:
        expected = json.loads(page.expected.read_text(encoding="utf-8"))
        row = stored[expected["story_code"]]
        # The stored story is the one a crawl of the page stores (the reviewed fixture) ...
        assert {k: json.loads(row[k]) if k in ("authors", "tags", "related", "field_sources") and row[k] else row[k]
                for k in ("title", "body", "published", "section")} == \
               {k: expected[k] for k in ("title", "body", "published", "section")}
        # ... fetched when the record says, and read from where it lies in the original file.
        assert (row["fetched_at"], row["first_seen"], row["source"]) == (WHEN, WHEN, "warc-import")
        assert (row["capture_file"], row["capture_offset"]) == (str(path), offsets[page.url])
        _, body = read_record(row["capture_file"], row["capture_offset"])
        assert body == page.body()
    conn = sqlite3.connect(db)
    run_row = conn.execute("SELECT spider, finish_reason, items_new, arguments FROM runs").fetchone()
    assert run_row[:3] == ("warc-import", "finished", 4) and json.loads(run_row[3])["files"] == [str(path)]
    assert conn.execute("SELECT name, records, stored, cut IS NOT NULL FROM imported_files").fetchall() == [
        (str(path), 25, 4, 1)]


def test_the_same_import_twice_changes_nothing(cc_news, tmp_path):
    path, *_ = cc_news
    db = tmp_path / "archive.db"
    assert run("import-warc", str(path), "--db", str(db), "-j", "1", cwd=tmp_path).returncode == 0
    before = rows(db)
    again = run("import-warc", str(path), "--db", str(db), "-j", "1", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("1 file(s) (1 read before, skipped): 0 records, stored 0")
    assert rows(db) == before
    assert sqlite3.connect(db).execute("SELECT count(*) FROM revisions").fetchone() == (0,)


@pytest.fixture
def data_server(tmp_path):
    """Common Crawl's data server, on 127.0.0.1: the files of a folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_months_listing_is_read_over_http_for_the_days_asked(data_server, tmp_path):
    folder, base = data_server
    (folder / "crawl-data/CC-NEWS/2019/03").mkdir(parents=True)
    pages = article_pages(ISLAMTIMES, 2)
    names = []
    for day, page in zip(("20190304", "20190320"), pages):
        name = f"crawl-data/CC-NEWS/2019/03/CC-NEWS-{day}050607-00001.warc.gz"
        warc = CcNewsFile(folder / name)
        warc.add(Record(page.url, page.body(), date=f"{day[:4]}-{day[4:6]}-{day[6:]}T05:06:07Z"))
        warc.close()
        names.append(name)
    (folder / "warc.paths.gz").write_bytes(gzip.compress("\n".join(names).encode()))
    db = tmp_path / "archive.db"
    done = run("import-warc", f"{base}warc.paths.gz", "--from", "2019-03-10", "--to", "2019-03-31",
               "--data-url", base, "--db", str(db), "-j", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 file(s): 4 records, stored 1: 1 new")  # warcinfo, request, response, metadata
    (row,) = rows(db).values()
    assert (row["fetched_at"], row["capture_file"]) == ("2019-03-20T05:06:07Z", names[1])


def test_a_file_that_cannot_be_read_fails_the_job_and_is_tried_again(data_server, tmp_path):
    _, base = data_server
    db = tmp_path / "archive.db"
    done = run("import-warc", f"{base}missing.warc.gz", "--db", str(db), "-j", "1", cwd=tmp_path)
    assert done.returncode == 1
    assert "could not be read; a rerun tries them again" in done.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM imported_files").fetchone() == (0,)
    assert conn.execute("SELECT finish_reason FROM runs").fetchone() == ("failed",)


def test_a_corrupt_member_ends_its_file_and_the_next_file_is_read(tmp_path):
    pages = article_pages(ISLAMTIMES, 2)
    first = CcNewsFile(tmp_path / "CC-NEWS-20190304050607-00001.warc.gz")
    first.add(Record(pages[0].url, pages[0].body(), date=WHEN))
    good_end = first.stream.tell()
    first.add(Record(pages[1].url, pages[1].body(), date=WHEN))
    first.close()
    data = bytearray(first.path.read_bytes())
    data[good_end + 40: good_end + 80] = b"\x00" * 40  # the second story's request member is damaged
    first.path.write_bytes(bytes(data))
    second = CcNewsFile(tmp_path / "CC-NEWS-20190304060607-00002.warc.gz")
    second.add(Record(pages[1].url, pages[1].body(), date=WHEN))
    second.close()
    db = tmp_path / "archive.db"
    done = run("import-warc", str(first.path), str(second.path), "--db", str(db), "-j", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "stored 2: 2 new" in done.stdout and "1 file(s) cut short or corrupt" in done.stdout
    assert f"{first.path} is cut short or corrupt after the record at offset " in done.stderr
    assert {row["capture_file"] for row in rows(db).values()} == {str(first.path), str(second.path)}


def test_records_of_other_protocols_are_skipped_not_taken_for_a_cut(tmp_path):
    """Heritrix and the Internet Archive begin their files with ``dns:`` responses: no HTTP in them."""
    from io import BytesIO

    page = article_pages(ISLAMTIMES, 1)[0]
    warc = CcNewsFile(tmp_path / "IA-00001.warc.gz")
    warc.writer.write_record(warc.writer.create_warc_record(
        "dns:www.islamtimes.com", "response", payload=BytesIO(b"20190304050607\nwww.islamtimes.com. 300 IN A 1.2.3.4\n"),
        warc_content_type="text/dns"))
    warc.add(Record(page.url, page.body(), date=WHEN))
    warc.close()
    db = tmp_path / "archive.db"
    done = run("import-warc", str(warc.path), "--db", str(db), "-j", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "stored 1: 1 new" in done.stdout and "1 not_http" in done.stdout and "cut" not in done.stdout


def test_a_download_cut_by_the_network_is_not_taken_for_read(tmp_path):
    """The server promises the whole file and stops two thirds in: the job
    fails, the file is not recorded, and a rerun reads it again."""
    page = article_pages(ISLAMTIMES, 1)[0]
    warc = CcNewsFile(tmp_path / "CC-NEWS-20190304050607-00001.warc.gz")
    for _ in range(3):
        warc.add(Record(page.url, page.body(), date=WHEN))
    warc.close()
    data = warc.path.read_bytes()

    class Cutting(SimpleHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) * 2 // 3])
            self.wfile.flush()
            self.connection.close()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Cutting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{warc.path.name}"
        db = tmp_path / "archive.db"
        done = run("import-warc", url, "--db", str(db), "-j", "1", cwd=tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 1 and "the download ended after" in done.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM imported_files").fetchone() == (0,)
