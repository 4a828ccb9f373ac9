"""Listing pages of a site without a profile paginate as a profile's do: on
to the next page while a page brings new stories, stopping at the first
page that brings none (the one story-code rule decides what is a story)."""

from __future__ import annotations

import json

from tests.conftest import run_crawl
from tests.faults.server import FaultServer, page
from tests.helpers import stored_rows

PAGES = 3
PER_PAGE = 2


def story_path(number: int) -> str:
    return f"/world/2024/05/{10 + number:02d}/story-number-{number}-of-the-listing"


def story(number: int) -> bytes:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": f"Story number {number}",
            "datePublished": f"2024-05-{10 + number:02d}T08:00:00Z"}
    text = " ".join(f"Sentence {i} of story {number} says something worth archiving." for i in range(12))
    return (f'<html><head><script type="application/ld+json">{json.dumps(data)}</script></head>'
            f"<body><article><h1>Story number {number}</h1><p>{text}</p><p>{text}</p></article></body></html>").encode()


def listing(number: int) -> bytes:
    links = "".join(
        f'<li><a href="{story_path(n)}">Story number {n} of the listing</a></li>'
        for n in range((number - 1) * PER_PAGE + 1, number * PER_PAGE + 1)
    )
    following = f'<a href="/world/?page={number + 1}">Next</a>' if number < PAGES else ""
    return f"<html><body><ul>{links}</ul>{following}</body></html>".encode()


def test_a_generic_sites_listing_is_walked_while_it_brings_new_stories(tmp_path):
    db = tmp_path / "archive.db"
    with FaultServer() as server:
        server.routes["/robots.txt"] = page(b"User-agent: *\nAllow: /\n", "text/plain")
        server.routes["/world/"] = page(listing(1))
        for number in range(2, PAGES + 1):
            server.routes[f"/world/?page={number}"] = page(listing(number))
        for number in range(1, PAGES * PER_PAGE + 1):
            server.routes[story_path(number)] = page(story(number))
        args = (f"site={server.origin}", f"start_urls={server.origin}/world/")
        first = run_crawl(db, *args, spider="news")
        assert first.returncode == 0, first.log
        assert len(stored_rows(db)) == PAGES * PER_PAGE
        assert {f"/world/?page={n}" for n in range(2, PAGES + 1)} <= {path for path, _ in server.hits}
        server.hits.clear()
        second = run_crawl(db, *args, spider="news")
        assert second.returncode == 0, second.log
        assert [path for path, _ in server.hits if path != "/robots.txt"] == ["/world/"]
        assert "Stopped at listing page 1" in second.log and "nothing new on it" in second.log
