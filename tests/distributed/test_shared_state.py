"""The shared crawl's state in a real Redis: claims, in-flight work, dead
workers, a crawl's start and end."""

from __future__ import annotations

import time

from newsarchive.distributed.shared import SharedCrawl


def crawl_of(server, worker: str, dead_after: float = 60.0) -> SharedCrawl:
    return SharedCrawl(server.client(), "news", "example", prefix="newsarchive", dead_after=dead_after, worker=worker)


def test_a_story_is_queued_only_by_the_first_work_that_claims_it_and_only_once(redis_server):
    a, b = crawl_of(redis_server, "a:1:x"), crawl_of(redis_server, "b:1:x")
    a.join(), b.join()
    assert a.push(b"story-1 via listing 1", 0, "story:1", "listing-1", "https://e/1") == (True, "https://e/1")
    assert b.push(b"story-1 via listing 2", 0, "story:1", "listing-2", "https://e/1?x") == (False, "https://e/1")
    # The same work, redone after its worker died, finds it queued (claimed
    # and queued in one step): it is not queued twice.
    assert b.push(b"story-1 via listing 1", 0, "story:1", "listing-1", "https://e/1") == (False, "https://e/1")
    # A start point (no parent) is queued by the first worker only.
    assert a.push(b"start", 0, "url:https://e/", "", "https://e/")[0]
    assert not b.push(b"start", 0, "url:https://e/", "", "https://e/")[0]
    assert a.queued() == 2
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


def test_a_silent_workers_work_is_queued_again_by_a_survivor_who_says_how_long_it_was_silent(redis_server):
    a, b = crawl_of(redis_server, "a:1:x", dead_after=0.5), crawl_of(redis_server, "b:1:x", dead_after=0.5)
    a.join(), b.join()
    for n in range(3):
        a.push(f"page {n}".encode(), -n, f"url:{n}", "", str(n))
    taken = [a.pop(), a.pop()]
    assert b.beat() == []  # a is alive
    time.sleep(0.7)
    (requeued,) = b.beat()  # a fell silent: its two pages are queued again
    assert requeued.worker == "a:1:x" and requeued.requests == 2 and 0.7 <= requeued.silent < 5
    assert a.in_flight() == 0 and b.queued() == 3
    # Queued again with its score: the same work id when taken again.
    again = {b.pop()[0] for _ in range(3)}
    assert {work for work, _ in taken} <= again


def test_a_worker_that_takes_work_is_alive(redis_server):
    a, b = crawl_of(redis_server, "a:1:x", dead_after=0.5), crawl_of(redis_server, "b:1:x", dead_after=0.5)
    a.join(), b.join()
    a.push(b"one", 0, "url:1", "", "1")
    a.push(b"two", 1, "url:2", "", "2")
    time.sleep(0.4)
    a.pop()
    time.sleep(0.4)  # 0.8 s since a joined, 0.4 s since it took work
    assert b.beat() == [] and a.in_flight() == 1


def test_a_worker_that_stops_early_hands_its_work_back_itself_at_once(redis_server):
    a, b = crawl_of(redis_server, "a:1:x"), crawl_of(redis_server, "b:1:x")
    a.join(), b.join()
    a.push(b"page", 0, "url:p", "", "p")
    a.pop()
    assert a.leave(done=False) == 1
    assert b.queued() == 1 and a.in_flight() == 0
    assert b.beat() == []  # nothing left for the others to take back


def test_a_new_crawl_starts_with_no_claims_once_every_worker_is_done(redis_server):
    a = crawl_of(redis_server, "a:1:x")
    assert a.join() is True
    a.push(b"start", 0, "url:s", "", "s")
    work, _ = a.pop()
    b = crawl_of(redis_server, "b:1:x")
    assert b.join() is False  # a is alive: b joins the same crawl
    assert not b.push(b"start", 0, "url:s", "", "s")[0]
    assert a.leave(done=True) == 0
    b.leave(done=True)
    c = crawl_of(redis_server, "c:1:x")
    assert c.join() is True
    assert c.push(b"start", 0, "url:s", "", "s")[0]  # the next run fetches its start points again


def test_a_crawl_left_with_work_in_flight_is_resumed_not_restarted(redis_server):
    a = crawl_of(redis_server, "a:1:x", dead_after=0.3)
    a.join()
    a.push(b"start", 0, "url:s", "", "s")
    a.push(b"story", 0, "story:1", "", "1")
    a.pop()  # then a is killed
    time.sleep(0.5)
    b = crawl_of(redis_server, "b:1:x", dead_after=0.3)
    assert b.join() is False  # claims kept: what a claimed is not fetched twice
    assert [r.requests for r in b.beat()] == [1] and b.queued() == 2
    assert not b.push(b"story", 0, "story:1", "", "1")[0]


def test_a_redone_work_queues_nothing_it_claimed_before_stored_or_not(redis_server):
    a = crawl_of(redis_server, "a:1:x")
    a.join()
    assert a.push(b"story 1", 0, "story:1", "listing-1", "https://e/1")[0]
    assert a.push(b"story 2", 0, "story:2", "listing-1", "https://e/2")[0]
    work, _ = a.pop()
    a.track("https://e/1", work)
    assert a.ack(["https://e/1"]) == 1
    # listing-1, redone after its worker died: story 1 is stored, story 2 queued.
    assert a.push(b"story 1", 0, "story:1", "listing-1", "https://e/1") == (False, "https://e/1")
    assert a.push(b"story 2", 0, "story:2", "listing-1", "https://e/2") == (False, "https://e/2")
    assert a.queued() == 1
