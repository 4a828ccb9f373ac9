"""Build a local mirror of a News Studio site with N stories, for benchmarks.

    python benchmarks/mirror.py --stories 1000 --out /tmp/mirror

The folder is a replay folder (``pages.json`` + ``pages/``): serve it with
``python -m newsarchive.replay.server`` or replay it with
``NEWSARCHIVE_REPLAY``. Article pages carry the site's markup, a
featured-stories sidebar and page chrome, padded to about ``--page-kb``
kilobytes like real pages; listings hold 20 stories a page, with dates.
"""

from __future__ import annotations

import argparse
import html
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

ORIGIN = "https://www.islamtimes.com"
FIRST_CODE = 2_000_000
PER_LISTING_PAGE = 20
WORDS = (
    "government minister said talks would continue next week after officials met in the capital "
    "to discuss security trade energy prices and the regional situation while analysts expect "
    "further statements from both sides as negotiations resume on several open questions"
).split()


def _filler(size: int = 400_000, seed: int = 7) -> str:
    rng = random.Random(seed)
    parts, total = [], 0
    while total < size:
        part = f"var {rng.choice(WORDS)}{rng.randrange(10**6)}='{rng.choice(WORDS)} {rng.randrange(10**9)}';"
        parts.append(part)
        total += len(part)
    return "".join(parts)


FILLER = _filler()


def story_path(code: int) -> str:
    return f"/en/news/{code}/story-number-{code}"


def when(index: int) -> datetime:
    return datetime(2024, 6, 30, 21, 0) - timedelta(minutes=37 * index)


def sentence(rng: random.Random, words: int = 24) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def title_of(code: int, rng: random.Random) -> str:
    return f"Story {code}: " + " ".join(rng.choice(WORDS) for _ in range(6)).title()


def article_page(code: int, index: int, titles: dict[int, str], page_kb: int, rng: random.Random) -> str:
    title = html.escape(titles[code], quote=False)
    moment = when(index)
    featured = [c for c in titles if c != code][:12] if len(titles) > 12 else [c for c in titles if c != code]
    sidebar = "\n".join(
        f"<li><a href=\"{story_path(c)}\"><img src=\"{image_path(c)}\" "
        f"alt='{html.escape(titles[c], quote=False)}'></a><a href=\"{story_path(c)}\">"
        f"{html.escape(titles[c], quote=False)}</a><div class=\"date\">{when(FIRST_CODE + len(titles) - c).strftime('%-d %B %Y')}</div></li>"
        for c in featured
    )
    paragraphs = "\n".join(f"<p>{sentence(rng, 40)} {sentence(rng, 30)}</p>" for _ in range(6))
    page = f"""<!DOCTYPE html>
<html lang="en" dir="ltr"><head><meta charset="utf-8">
<title>{title} - Islam Times</title>
<link rel="canonical" href="{ORIGIN}{story_path(code)}">
<meta property="og:title" content="{html.escape(titles[code])} | Islam Times">
<meta property="og:image" content="{ORIGIN}{image_path(code)}">
<meta name="keywords" content="news, region, talks">
</head><body>
<div id="header"><a href="/en"><img src="/img/logo.png" alt=""></a></div>
<div class="container"><div id="docDataRow">
<div class="doc-section-info"><a href="/en">Home</a> &gt; <a href="/en/archive?service_id=1">News</a></div>
<div id="docDiv3Date">{moment.strftime('%A %-d %B %Y - %H:%M')}</div>
<h1 id="docDiv3TitrMain">{title}</h1>
<div id="docDocID">Story Code : {code}</div>
<div id="docDivLead1"><div id="docDivLead3"><div>{sentence(rng, 30)}</div></div></div>
<div id="doctextarea">
{paragraphs}
<div class="share-buttons"><a href="https://t.me/share">Telegram</a></div>
</div>
<div class="tags"><a href="/en/tag/news">News</a><a href="/en/tag/region">Region</a></div>
</div>
<div class="featured-stories"><div class="box-title">Featured Stories</div><ul>
{sidebar}
</ul></div></div>
"""
    # Real pages carry scripts, menus and styles: pad to the size asked for
    # with text that compresses about as well as real markup does.
    padding = max(0, page_kb * 1024 - len(page.encode()) - 40)
    start = rng.randrange(len(FILLER) - padding) if padding < len(FILLER) else 0
    return page + f"<script>{FILLER[start:start + padding]}</script>\n</body></html>\n"


def listing_page(codes: list[int], page: int, pages: int, titles: dict[int, str], offset: int) -> str:
    rows = "\n".join(
        f'<div class="news-item"><h3><a href="{story_path(c)}">{html.escape(titles[c], quote=False)}</a></h3>'
        f'<span class="date">{when(offset + i).strftime("%-d %B %Y")}</span></div>'
        for i, c in enumerate(codes)
    )
    nav = f'<a href="/en/archive?page={page + 1}">Next »</a>' if page < pages else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Archive - Islam Times</title></head>
<body><div class="container"><h1>News archive</h1>
{rows}
<div class="pagination">{nav}</div></div></body></html>
"""


def feed(codes: list[int], titles: dict[int, str]) -> str:
    items = "\n".join(
        f"<item><title>{html.escape(titles[c])}</title><link>{ORIGIN}{story_path(c)}</link>"
        f"<pubDate>{when(i).strftime('%a, %d %b %Y %H:%M:00 +0330')}</pubDate></item>"
        for i, c in enumerate(codes)
    )
    return f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Islam Times</title>\n{items}\n</channel></rss>\n'


def image_path(code: int) -> str:
    return f"/images/docs/{code // 1000:06d}/n{code:08d}-s.jpg"


def build(out: Path, stories: int, page_kb: int = 60, seed: int = 1) -> Path:
    rng = random.Random(seed)
    pages_dir = out / "pages"
    pages_dir.mkdir(parents=True, exist_ok=True)
    newest_first = [FIRST_CODE + stories - i for i in range(stories)]
    titles = {code: title_of(code, rng) for code in newest_first}
    manifest = []

    def add(path: str, name: str, text: str, content_type: str = "text/html; charset=utf-8"):
        (pages_dir / name).write_text(text, encoding="utf-8")
        manifest.append({"url": ORIGIN + path, "file": f"pages/{name}", "content_type": content_type})

    add("/robots.txt", "robots.txt", "User-agent: *\nDisallow: /en/search\n", "text/plain")
    add("/en/rss/allnews", "rss.xml", feed(newest_first[:30], titles), "application/rss+xml")
    pages = (stories + PER_LISTING_PAGE - 1) // PER_LISTING_PAGE
    for page in range(1, pages + 1):
        chunk = newest_first[(page - 1) * PER_LISTING_PAGE : page * PER_LISTING_PAGE]
        path = "/en/archive" if page == 1 else f"/en/archive?page={page}"
        add(path, f"archive-{page}.html", listing_page(chunk, page, pages, titles, (page - 1) * PER_LISTING_PAGE))
    # Each story's lead image (og:image): one 20 KB file behind every address.
    (pages_dir / "image.jpg").write_bytes(random.Random(seed).randbytes(20_000))
    for index, code in enumerate(newest_first):
        add(story_path(code), f"{code}.html", article_page(code, index, titles, page_kb, rng))
        manifest.append({"url": f"{ORIGIN}{image_path(code)}", "file": "pages/image.jpg", "content_type": "image/jpeg"})
    (out / "pages.json").write_text(json.dumps({"site": "islamtimes", "pages": manifest}), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--page-kb", type=int, default=60)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    build(args.out, args.stories, args.page_kb)
    print(f"{args.stories} stories in {args.out}")


if __name__ == "__main__":
    main()
