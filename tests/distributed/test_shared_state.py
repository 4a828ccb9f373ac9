"""The shared crawl's state in a real Redis: claims, in-flight work, dead
workers, a crawl's start and end."""

from __future__ import annotations

import time

from newsarchive.distributed.shared import SharedCrawl


def crawl_of(server, worker: str, dead_after: float = 60.0) -> SharedCrawl:
    return SharedCrawl(server.client(), "news", "example", dead_after=dead_after, worker=worker)


def test_a_story_is_queued_only_by_the_first_work_that_claims_it(redis_server):
    a, b = crawl_of(redis_server, "a:1:x"), crawl_of(redis_server, "b:1:x")
    a.join(), b.join()
    assert a.push(b"story-1 via listing 1", 0, "story:1", "listing-1", "https://e/1")
    assert not b.push(b"story-1 via listing 2", 0, "story:1", "listing-2", "https://e/1?x")
    # The same work, redone after its worker died, queues it again.
    assert b.push(b"story-1 via listing 1, again", 0, "story:1", "listing-1", "https://e/1")
    # A start point (no parent) is queued by the first worker only.
    assert a.push(b"start", 0, "url:https://e/", "", "https://e/")
    assert not b.push(b"start", 0, "url:https://e/", "", "https://e/")
    assert a.queued() == 3
    assert b.claimed_url("story:1") == "https://e/1" and b.claimed_url("story:2") is None


def test_work_taken_stays_in_flight_until_acknowledged(redis_server):
    a = crawl_of(redis_server, "a:1:x")
    a.join()
    a.push(b"page", 0, "url:https://e/p", "", "https://e/p")
    work, data = a.pop()
    assert data == b"page" and a.queued() == 0 and a.in_flight() == 1
    a.track("https://e/p", work)
    assert a.ack(["https://e/other"]) == 0 and a.in_flight() == 1
    assert a.ack(["https://e/p"]) == 1 and a.in_flight() == 0
    assert a.pop() is None


def test_a_silent_workers_work_is_queued_again_by_a_survivor(redis_server):
    a, b = crawl_of(redis_server, "a:1:x", dead_after=0.5), crawl_of(redis_server, "b:1:x", dead_after=0.5)
    a.join(), b.join()
    for n in range(3):
        a.push(f"page {n}".encode(), -n, f"url:{n}", "", str(n))
    taken = [a.pop(), a.pop()]
    assert b.beat() == 0  # a is alive
    time.sleep(0.7)
    assert b.beat() == 2  # a fell silent: its two pages are queued again
    assert a.in_flight() == 0 and b.queued() == 3
    # Queued again with its score: the same work id when taken again.
    again = {b.pop()[0] for _ in range(3)}
    assert {work for work, _ in taken} <= again


def test_a_worker_that_stops_early_hands_its_work_back_at_once(redis_server):
    a, b = crawl_of(redis_server, "a:1:x"), crawl_of(redis_server, "b:1:x")
    a.join(), b.join()
    a.push(b"page", 0, "url:p", "", "p")
    a.pop()
    a.leave(done=False)
    assert b.beat() == 1 and b.queued() == 1


def test_a_new_crawl_starts_with_no_claims_once_every_worker_is_done(redis_server):
    a = crawl_of(redis_server, "a:1:x")
    assert a.join() is True
    a.push(b"start", 0, "url:s", "", "s")
    work, _ = a.pop()
    b = crawl_of(redis_server, "b:1:x")
    assert b.join() is False  # a is alive: b joins the same crawl
    assert not b.push(b"start", 0, "url:s", "", "s")
    a.leave(done=True)
    b.leave(done=True)
    c = crawl_of(redis_server, "c:1:x")
    assert c.join() is True
    assert c.push(b"start", 0, "url:s", "", "s")  # the next run fetches its start points again


def test_a_crawl_left_with_work_in_flight_is_resumed_not_restarted(redis_server):
    a = crawl_of(redis_server, "a:1:x", dead_after=0.3)
    a.join()
    a.push(b"start", 0, "url:s", "", "s")
    a.push(b"story", 0, "story:1", "", "1")
    a.pop()  # then a is killed
    time.sleep(0.5)
    b = crawl_of(redis_server, "b:1:x", dead_after=0.3)
    assert b.join() is False  # claims kept: what a claimed is not fetched twice
    assert b.beat() == 1 and b.queued() == 2
    assert not b.push(b"story", 0, "story:1", "", "1")


def test_a_redone_work_does_not_queue_again_what_is_already_stored(redis_server):
    a = crawl_of(redis_server, "a:1:x")
    a.join()
    assert a.push(b"story 1", 0, "story:1", "listing-1", "https://e/1")
    work, _ = a.pop()
    a.track("https://e/1", work, "story:1")
    assert a.ack(["https://e/1"]) == 1
    # listing-1, redone after its worker died, finds story 1 stored.
    assert not a.push(b"story 1", 0, "story:1", "listing-1", "https://e/1")
    assert a.claimed_url("story:1") == "https://e/1"


def test_a_story_claim_tells_the_loser_the_url_it_was_first_claimed_by(redis_server):
    a, b = crawl_of(redis_server, "a:1:x"), crawl_of(redis_server, "b:1:x")
    assert a.claim("story:7", "listing-1", "https://e/7") == (True, "https://e/7")
    assert b.claim("story:7", "listing-2", "https://e/7?ref=rss") == (False, "https://e/7")
    # The claiming work, redone, holds it still; once done, no one does.
    assert b.claim("story:7", "listing-1", "https://e/7") == (True, "https://e/7")
    assert a.push(b"story 7", 0)
    work, _ = a.pop()
    a.track("https://e/7", work, "story:7")
    a.ack(["https://e/7"])
    assert b.claim("story:7", "listing-1", "https://e/7") == (False, "https://e/7")
