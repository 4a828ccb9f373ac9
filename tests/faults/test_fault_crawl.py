"""One crawl over a site where every article misbehaves in its own way.

The crawl must finish, record every failure with a reason, and keep
whatever could be read. Each test names the fault it covers."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.conftest import run_crawl
from tests.faults.server import (
    FaultServer,
    article_html,
    first_then,
    page,
    redirect,
    reset_mid_body,
    sleep_then,
)

ARABIC = "أعلنت وزارة الخارجية اليوم عن جولة جديدة من المحادثات في العاصمة."
PROSE = "This paragraph is ordinary article text and it ends with a full stop."


def path(code: str, slug: str) -> str:
    return f"/en/news/{code}/{slug}"


def good(code: str, title: str = "A Good Story", **kw) -> bytes:
    return article_html(code, title, [PROSE, f"Second paragraph of story {code}."], **kw).encode("utf-8")


FAULTS: dict[str, tuple[str, object]] = {
    # code: (slug, route)
    "3000001": ("empty", page(b"")),
    "3000002": ("cut-mid-tag", page(good("3000002")[: good("3000002").index(b"<p>Second") + 6])),
    "3000003": ("binary", page(bytes(range(256)) * 64)),
    "3000004": ("cp1256-declared-utf8", page(
        article_html("3000004", "Arabic Story", [ARABIC], charset_meta=None).encode("windows-1256"),
        "text/html; charset=utf-8")),
    "3000005": ("cp1256-undeclared", page(
        article_html("3000005", "Arabic Story Two", [ARABIC], charset_meta=None).encode("windows-1256"), "text/html")),
    "3000006": ("utf8-bom-declared-cp1256", page(
        b"\xef\xbb\xbf" + article_html("3000006", "BOM Story", [ARABIC], charset_meta=None).encode("utf-8"),
        "text/html; charset=windows-1256")),
    "3000007": ("five-megabytes", page(good("3000007", after_body="<script>" + "x" * 5_000_000 + "</script>"))),
    "3000008": ("deeply-nested", page(good("3000008", after_body="<div>" * 20_000 + "deep" + "</div>" * 20_000))),
    "3000040": ("nested-50000-deep-before", page(good("3000040").replace(
        b"<body>", b"<body>" + b"<div>" * 50_000 + b"a widget" + b"</div>" * 50_000, 1))),
    "3000041": ("inside-50000-unclosed", page(good("3000041").replace(b"<body>", b"<body>" + b"<div>" * 50_000, 1))),
    "3000009": ("script-in-title", page(article_html(
        "3000009", "Safe <script>alert('x')</script>Title", [PROSE]).encode())),
    "0003000010": ("leading-zeros", page(good("3000010", title="Leading Zeros"))),
    "3000011": ("future-date", page(good("3000011", date_line="Tuesday 8 November 2099 - 09:18"))),
    "3000012": ("garbage-date", page(good("3000012", date_line="Someday 99 Smarch 20X2 - 25:61"))),
    "3000013": ("always-500", page(b"oops", status=500)),
    "3000014": ("503-then-ok", first_then(page(b"busy", status=503, headers=[("Retry-After", "1")]), page(good("3000014")))),
    "3000015": ("429-come-back-tomorrow", page(b"slow down", status=429, headers=[("Retry-After", "86400")])),
    "3000016": ("not-found", page(b"gone", status=404)),
    "3000017": ("gone", page(b"gone", status=410)),
    "3000018": ("timeout", sleep_then(3, page(good("3000018")))),
    "3000019": ("reset-mid-body", reset_mid_body),
    "3000020": ("redirect-loop", redirect("/en/news/3000020/redirect-loop")),
    "3000021": ("redirect-home", redirect("/")),
    "3000022": ("sql-in-title", page(article_html(
        "3000022", "Robert'); DROP TABLE articles;-- \"quoted\"", ["It said 1=1; DELETE FROM runs WHERE 'a'='a'."]).encode())),
}
ABSURD = path("1" * 40, "absurd-code")


def listing(origin: str) -> bytes:
    links = "".join(f'<a href="{path(code, slug)}">{slug}</a>\n' for code, (slug, _) in FAULTS.items())
    links += f'<a href="{ABSURD}">absurd</a>'
    return f"<html><body>{links}</body></html>".encode()


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("faults") / "archive.db"
    with FaultServer() as server:
        server.routes["/robots.txt"] = page(b"User-agent: *\nAllow: /\n", "text/plain")
        server.routes["/en/archive"] = page(listing(server.origin))
        server.routes["/"] = page(b"<html><body><h1>Home</h1><p>Welcome.</p></body></html>")
        for code, (slug, route) in FAULTS.items():
            server.routes[path(code, slug)] = route
        result = run_crawl(
            db,
            f"start_urls={server.origin}/en/archive",
            "max_pages=1",
            settings={"DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": "1", "REDIRECT_MAX_TIMES": "5",
                      "CONCURRENT_REQUESTS": "8", "NEWSARCHIVE_RETRY_AFTER_MAX": "30"},
            timeout=180,
        )
        hits = list(server.hits)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    stored = {row["story_code"]: dict(row) for row in conn.execute("SELECT * FROM articles")}
    dropped = {row["story_code"]: dict(row) for row in conn.execute("SELECT * FROM dropped")}
    (run,) = [dict(row) for row in conn.execute("SELECT * FROM runs")]
    conn.close()
    return result, stored, dropped, run, hits


def test_the_crawl_survives_every_fault(fault_crawl):
    result, _, _, run, _ = fault_crawl
    assert result.returncode == 0, result.log
    assert "Traceback" not in result.log
    assert run["finish_reason"] == "finished"
    # Scrapy logs giving up on a retried request as an error: the 500, the timeout, the reset.
    assert run["errors"] == 3, [l for l in result.log.splitlines() if "] ERROR" in l]
    gave_up = [line for line in result.lines("ERROR") if "Gave up retrying" in line]
    assert len(gave_up) == 3 and all(
        any(slug in line for slug in ("always-500", "timeout", "reset-mid-body")) for line in gave_up
    )


def test_every_article_is_stored_or_dropped_with_a_reason(fault_crawl):
    _, stored, dropped, run, _ = fault_crawl
    for code in FAULTS:
        code = code.lstrip("0")
        assert (code in stored) != (code in dropped), code
    assert json.loads(run["dropped_by_reason"]) == {reason: count for reason, count in {
        "no_body": 1, "not_text": 1, "http_500": 1, "http_429": 1, "gone": 3, "fetch_error": 2, "redirect_loop": 1,
    }.items()}


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("3000001", "no_body"),          # empty 200
        ("3000003", "not_text"),         # binary body served as text/html
        ("3000013", "http_500"),         # 500, retried, then recorded
        ("3000015", "http_429"),         # 429 asking for a day: not retried in this run
        ("3000016", "gone"),             # 404
        ("3000017", "gone"),             # 410
        ("3000018", "fetch_error"),      # timeout
        ("3000019", "fetch_error"),      # connection reset mid-body
        ("3000020", "redirect_loop"),
        ("3000021", "gone"),             # redirect to the home page
    ],
)
def test_dropped_pages_are_recorded_with_reason(fault_crawl, code, reason):
    _, _, dropped, _, _ = fault_crawl
    assert dropped[code]["reason"] == reason
    assert dropped[code]["detail"] and dropped[code]["first_seen"]


def test_cut_page_keeps_what_arrived(fault_crawl):
    stored = fault_crawl[1]
    assert stored["3000002"]["body"].startswith(PROSE)


@pytest.mark.parametrize("code", ["3000004", "3000005", "3000006"])
def test_wrong_or_missing_charset_is_read_right(fault_crawl, code):
    assert ARABIC in fault_crawl[1][code]["body"]
    assert "\ufffd" not in fault_crawl[1][code]["body"]


def test_large_and_deeply_nested_pages_are_parsed(fault_crawl):
    stored = fault_crawl[1]
    assert stored["3000007"]["body"].startswith(PROSE)
    assert stored["3000008"]["body"].startswith(PROSE)
    # 50,000 levels before the story, closed or never: read past the depth
    # libxml2 stops at (2,048), every word of the story kept.
    assert stored["3000040"]["body"] == f"{PROSE}\n\nSecond paragraph of story 3000040."
    assert stored["3000040"]["title"] == "A Good Story"
    assert f"{PROSE}\n\nSecond paragraph of story 3000041." in stored["3000041"]["body"]


def test_script_in_the_title_is_not_text(fault_crawl):
    assert fault_crawl[1]["3000009"]["title"] == "Safe Title"


def test_leading_zeros_and_absurd_codes(fault_crawl):
    stored, hits = fault_crawl[1], fault_crawl[4]
    assert stored["3000010"]["title"] == "Leading Zeros"
    assert not any(p == ABSURD for p, _ in hits)  # not a story code: never requested


def test_future_and_garbage_dates_keep_the_story_and_the_raw_text(fault_crawl):
    stored = fault_crawl[1]
    assert stored["3000011"]["published"] is None
    assert stored["3000011"]["published_raw"] == "Tuesday 8 November 2099 - 09:18"
    assert stored["3000012"]["published"] is None
    assert stored["3000012"]["published_raw"] == "Someday 99 Smarch 20X2 - 25:61"
    log = fault_crawl[0].log
    assert "'newsarchive/dates/future': 1" in log and "'newsarchive/dates/unparseable': 1" in log


def test_retry_after_is_honoured(fault_crawl):
    stored, hits = fault_crawl[1], fault_crawl[4]
    assert stored["3000014"]["body"].startswith(PROSE)
    times = [t for p, t in hits if p == path("3000014", "503-then-ok")]
    assert len(times) == 2 and times[1] - times[0] >= 0.9
    assert sum(1 for p, _ in hits if p == path("3000015", "429-come-back-tomorrow")) == 1


def test_quotes_and_sql_are_stored_verbatim(fault_crawl):
    row = fault_crawl[1]["3000022"]
    assert row["title"] == "Robert'); DROP TABLE articles;-- \"quoted\""
    assert row["body"] == "It said 1=1; DELETE FROM runs WHERE 'a'='a'."
