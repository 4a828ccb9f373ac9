"""A page's scripts are code, not text, through a real crawl: the ``news``
spider over 127.0.0.1 stores a story whose related link holds a script
template, whose paragraph holds an inline script, whose only date is one a
script writes, and whose scripts quote WordPress's paths, and none of that
reaches the row."""

from __future__ import annotations

import json

from newsarchive.replay.server import MirrorServer
from tests.conftest import run_crawl
from tests.helpers import stored_rows

SITE = "https://news.example.org"
STORY = f"{SITE}/city/library-hours-stay-7745120"
OTHER = f"{SITE}/city/bus-lines-change-next-month-7745101"
SENTENCE = ("The council voted on Tuesday to keep every branch library open six days a week, "
            "adding evening hours at the three busiest branches from next month.")
PAGE = f"""<html><head><title>Library Hours Stay</title><meta property="og:type" content="article">
<script>var theme = "/wp-content/themes/x"; var card = '<article id="post-5" class="postid-5">';</script></head>
<body><article><h1>Library Hours Stay</h1>
<p>{SENTENCE} The mayor said the vote keeps a promise to <script>document.write('an ad')</script>every
neighbourhood, and the budget office confirmed the money is there.</p><p>{SENTENCE} Again.</p></article>
<aside><h2>More news</h2><ul><li><a href="{OTHER}"><script type="text/template"><img src="/a.jpg" alt="">
<span>Read</span></script>Bus lines change next month across the city</a></li></ul></aside>
<script>document.write('<b>Reader</b> <i>2018-02-24 10:15:59</i> <p>Five days in.</p>');</script>
</body></html>"""


def test_a_crawled_page_keeps_no_scripts_text_in_its_row(tmp_path):
    folder = tmp_path / "site"
    (folder / "pages").mkdir(parents=True)
    (folder / "pages" / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    (folder / "pages" / "feed.xml").write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title><link>{SITE}</link>'
        f"<item><title>Library Hours Stay</title><link>{STORY}</link></item></channel></rss>", encoding="utf-8")
    (folder / "pages" / "story.html").write_text(PAGE, encoding="utf-8")
    (folder / "pages.json").write_text(json.dumps({"site": "news.example.org", "pages": [
        {"url": f"{SITE}/robots.txt", "file": "pages/robots.txt", "content_type": "text/plain"},
        {"url": f"{SITE}/feed/", "file": "pages/feed.xml", "content_type": "application/rss+xml"},
        {"url": STORY, "file": "pages/story.html", "content_type": "text/html; charset=utf-8"},
    ]}), encoding="utf-8")
    db = tmp_path / "archive.db"
    with MirrorServer(folder) as server:
        result = run_crawl(db, f"site={SITE}", f"start_urls={server.origin}/robots.txt,{server.origin}/feed/",
                           spider="news")
    assert result.returncode == 0, result.log
    row = stored_rows(db)["7745120"]
    assert "a promise to every neighbourhood, and the budget office" in row["body"]
    assert "document.write" not in row["body"] and "<" not in row["body"]
    assert [entry["title"] for entry in row["related"]] == ["Bus lines change next month across the city"]
    assert row["published_raw"] is None  # the reader comment's date a script writes is not the story's
    assert "cms" not in row["field_sources"]  # WordPress's paths quoted in a script are no sign
